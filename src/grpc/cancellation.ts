// A gRPC server call's cancellation as an AbortSignal, for the transport-neutral Request. Vault
// cancels the call when it stops waiting (its request timeout, the HTTP client hanging up, its
// own shutdown) and may set a deadline (grpc-timeout); grpc-js reports both as the call's
// 'cancelled' event. Note grpc-js also emits 'cancelled' once a reply has been sent, so the watch
// must be disposed of before the reply is handed over: from then on the event means nothing.
import type * as grpc from "@grpc/grpc-js";

/** Why a call's signal aborted (its `reason`). */
export class CallCancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AbortError";
  }
}

export interface CallCancellation {
  readonly signal: AbortSignal;
  /** Stops watching; call it before handing the reply to grpc-js. */
  dispose(): void;
}

/** The subset of a grpc-js server call this needs (ServerUnaryCall and friends). */
export type CancellableCall = Pick<grpc.ServerUnaryCall<unknown, unknown>, "cancelled" | "getDeadline" | "once" | "removeListener">;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds until `deadline` (grpc-js: Date, epoch ms, or Infinity when none was set). */
function msUntil(deadline: grpc.Deadline): number {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at - Date.now();
}

/** Watches `call` until disposed of: its signal aborts when the host cancels or the deadline passes. */
export function watchCancellation(call: CancellableCall): CallCancellation {
  const controller = new AbortController();
  if (call.cancelled) {
    controller.abort(new CallCancelledError("the host cancelled the call"));
    return { signal: controller.signal, dispose: () => {} };
  }
  const onCancelled = (): void => controller.abort(new CallCancelledError("the host cancelled the call"));
  call.once("cancelled", onCancelled);
  // grpc-js enforces the deadline itself (it cancels the call), but only on its own timer; aborting
  // here as well keeps the signal exact even if that ever changes.
  const remaining = msUntil(call.getDeadline());
  let timer: NodeJS.Timeout | undefined;
  // Beyond setTimeout's range (about 24.8 days) a timer would fire at once; such a deadline is none.
  if (Number.isFinite(remaining) && remaining <= MAX_TIMER_MS) {
    if (remaining <= 0) controller.abort(new CallCancelledError("the call's deadline has passed"));
    else {
      timer = setTimeout(() => controller.abort(new CallCancelledError("the call's deadline has passed")), remaining);
      timer.unref();
    }
  }
  return {
    signal: controller.signal,
    dispose: () => {
      call.removeListener("cancelled", onCancelled);
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
