import { AsyncResource, executionAsyncResource } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { leanAsyncResourceBind } from "../../src/plugin/node-workarounds.js";

describe("lean AsyncResource.bind", () => {
  leanAsyncResourceBind();

  it("runs the function in the resource's async scope with the call-site this and arguments", () => {
    const resource = new AsyncResource("test");
    const seen: unknown[] = [];
    const bound = resource.bind(function (this: unknown, a: number, b: number) {
      seen.push(executionAsyncResource() === resource, this, a + b);
      return "done";
    });
    const receiver = { name: "receiver" };
    expect(bound.call(receiver, 2, 3)).toBe("done");
    expect(seen).toEqual([true, receiver, 5]);
    expect(bound.length).toBe(2);
  });

  it("honours an explicit thisArg", () => {
    const resource = new AsyncResource("test");
    const self = { id: 1 };
    // Node accepts a thisArg (docs: asyncResource.bind(fn[, thisArg])); @types/node omits it.
    const bindWithThis = resource.bind.bind(resource) as (fn: () => unknown, thisArg: unknown) => () => unknown;
    const bound = bindWithThis(function (this: unknown) {
      return this;
    }, self);
    expect(bound()).toBe(self);
  });

  it("keeps AsyncResource.bind (static) working", () => {
    const bound = AsyncResource.bind((x: number) => x * 2);
    expect(bound(21)).toBe(42);
  });
});
