import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { KeyedLock } from "../../src/framework/locks.js";

/** A read-modify-write with yields in between, the pattern the locks protect. */
async function increment(counter: { value: number }): Promise<void> {
  const seen = counter.value;
  await tick();
  await tick();
  counter.value = seen + 1;
}

describe("KeyedLock", () => {
  it("serialises read-modify-write on one key (and without it updates are lost)", async () => {
    const unlocked = { value: 0 };
    await Promise.all(Array.from({ length: 50 }, () => increment(unlocked)));
    expect(unlocked.value).toBeLessThan(50);

    const lock = new KeyedLock();
    const locked = { value: 0 };
    await Promise.all(Array.from({ length: 50 }, () => lock.run("role/a", () => increment(locked))));
    expect(locked.value).toBe(50);
    expect(lock.size).toBe(0);
  });

  it("never has two holders of a key at once", async () => {
    const lock = new KeyedLock();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        lock.run("k", async () => {
          inside += 1;
          most = Math.max(most, inside);
          await tick();
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it("serves waiters in arrival order", async () => {
    const lock = new KeyedLock();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        lock.run("k", async () => {
          await tick();
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("lets different keys proceed concurrently", async () => {
    const lock = new KeyedLock();
    let inside = 0;
    let most = 0;
    await Promise.all(
      ["a", "b", "c"].map((key) =>
        lock.run(key, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await tick();
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it("releases when the function throws, and returns its value otherwise", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(
      lock.run("k", () => {
        throw new Error("sync boom");
      }),
    ).rejects.toThrow("sync boom");
    await expect(lock.run("k", () => 42)).resolves.toBe(42);
    expect(lock.size).toBe(0);
    expect(lock.isLocked("k")).toBe(false);
  });

  it("keeps an entry only while the key is held or awaited", async () => {
    const lock = new KeyedLock();
    const first = await lock.acquire("k");
    const second = lock.acquire("k");
    expect(lock.isLocked("k")).toBe(true);
    first();
    first(); // a second call must not release the next holder
    const release = await second;
    expect(lock.size).toBe(1);
    release();
    expect(lock.size).toBe(0);
  });

  it("a double release does not let a third waiter in early", async () => {
    const lock = new KeyedLock();
    const first = await lock.acquire("k");
    let secondHeld = false;
    let thirdHeld = false;
    const second = lock.acquire("k").then((r) => ((secondHeld = true), r));
    const third = lock.acquire("k").then((r) => ((thirdHeld = true), r));
    first();
    first();
    const releaseSecond = await second;
    await tick();
    expect(secondHeld).toBe(true);
    expect(thirdHeld).toBe(false);
    releaseSecond();
    (await third)();
    expect(lock.size).toBe(0);
  });

  it("takes several keys without deadlocking against an opposite order", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const job = (name: string, keys: string[]) =>
      lock.runAll(keys, async () => {
        log.push(`${name}+`);
        await tick();
        log.push(`${name}-`);
      });
    await Promise.all([job("x", ["a", "b"]), job("y", ["b", "a", "b"]), job("z", ["b"])]);
    expect(log).toHaveLength(6);
    // Every job ran alone: each start is immediately followed by its own end.
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]?.replace("+", "-"));
    expect(lock.size).toBe(0);
  });
});
