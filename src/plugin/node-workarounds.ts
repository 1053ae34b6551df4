// Process-wide workarounds for Node 20 behaviour that costs the plugin measurably.
import { AsyncResource } from "node:async_hooks";

/**
 * Node 20's `AsyncResource.prototype.bind` attaches a deprecated `asyncResource` getter/setter
 * pair to every bound function, built with two `util.deprecate()` calls. `http2` binds one per
 * client request, so each storage round trip to Vault paid for it: ~8% of the plugin's CPU under
 * load. This replacement keeps the behaviour callers rely on (the bound function runs in the
 * resource's async scope, with its `this` and arguments, and reports the same length) and drops
 * only the deprecated property (DEP0172), which nothing in this process reads.
 */
type BindableFunction = (this: unknown, ...args: unknown[]) => unknown;

export function leanAsyncResourceBind(): void {
  const proto = AsyncResource.prototype as unknown as { bind: (this: AsyncResource, fn: BindableFunction, thisArg?: unknown) => BindableFunction };
  proto.bind = function bind(this: AsyncResource, fn: BindableFunction, thisArg?: unknown): BindableFunction {
    // The bound function needs both the resource and its own call-site `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const resource = this;
    const bound: BindableFunction =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]): unknown {
            return resource.runInAsyncScope(fn, this, ...args);
          }
        : (...args: unknown[]): unknown => resource.runInAsyncScope(fn, thisArg, ...args);
    Object.defineProperty(bound, "length", { configurable: true, enumerable: false, value: fn.length, writable: false });
    return bound;
  };
}
