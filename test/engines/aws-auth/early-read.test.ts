import { describe, expect, it } from "vitest";
import { startEarly } from "../../../src/engines/aws-auth/early-read.js";

describe("startEarly", () => {
  it("starts the read at once and hands its value to whoever awaits it", async () => {
    let started = 0;
    const read = startEarly(() => {
      started++;
      return Promise.resolve("role");
    });
    expect(started).toBe(1);
    await expect(read()).resolves.toBe("role");
    await expect(read()).resolves.toBe("role");
    expect(started).toBe(1);
  });

  it("rethrows a failed read when awaited, and leaves no unhandled rejection when never awaited", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const awaited = startEarly(() => Promise.reject(new Error("storage down")));
      startEarly(() => Promise.reject(new Error("never asked for")));
      await expect(awaited()).rejects.toThrow("storage down");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
