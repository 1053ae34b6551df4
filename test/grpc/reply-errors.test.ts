import { describe, expect, it } from "vitest";
import { throwIfErr } from "../../src/grpc/reply-errors.js";
import { ReadOnlyError } from "../../src/logical/index.js";

describe("throwIfErr", () => {
  it("passes an empty err", () => {
    expect(() => throwIfErr("", "storage put")).not.toThrow();
  });

  it("names the operation of any other failure", () => {
    expect(() => throwIfErr("disk full", "storage put")).toThrow(/^storage put: disk full$/);
  });

  it("turns a standby's refusal into ReadOnlyError with Vault's text, so the host forwards the request", () => {
    let thrown: unknown;
    try {
      throwIfErr("cannot write to readonly storage", "storage put");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ReadOnlyError);
    expect((thrown as Error).message).toBe("cannot write to readonly storage");
  });
});
