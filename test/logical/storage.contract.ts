// The behaviour every Storage implementation must share (≈ Vault sdk/logical/testing.go
// TestStorage). Run against the in-memory storage and the gRPC client over a real channel.
import { describe, expect, it } from "vitest";
import { getJson, putJson, type Storage } from "../../src/logical/index.js";

const text = (value: Uint8Array): string => Buffer.from(value).toString("utf8");

export function storageContract(name: string, make: () => Promise<Storage>): void {
  describe(`${name} storage contract`, () => {
    it("returns undefined for a key never written", async () => {
      const storage = await make();
      expect(await storage.get("missing")).toBeUndefined();
    });

    it("returns exactly the bytes that were put", async () => {
      const storage = await make();
      const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
      await storage.put({ key: "bin/one", value: bytes });
      const entry = await storage.get("bin/one");
      expect(entry?.key).toBe("bin/one");
      expect([...(entry?.value ?? [])]).toEqual([...bytes]);
    });

    it("overwrites on a second put and forgets on delete", async () => {
      const storage = await make();
      await storage.put({ key: "k", value: Buffer.from("first") });
      await storage.put({ key: "k", value: Buffer.from("second") });
      expect(text((await storage.get("k"))?.value ?? new Uint8Array())).toBe("second");
      await storage.delete("k");
      expect(await storage.get("k")).toBeUndefined();
    });

    it("deleting a missing key is not an error", async () => {
      const storage = await make();
      await expect(storage.delete("never")).resolves.toBeUndefined();
    });

    it("lists direct children, folders with a trailing slash, sorted", async () => {
      const storage = await make();
      for (const key of ["roles/b", "roles/a", "roles/deep/x", "roles/deep/y", "other"]) {
        await storage.put({ key, value: Buffer.from("v") });
      }
      expect(await storage.list("roles/")).toEqual(["a", "b", "deep/"]);
      expect(await storage.list("roles/deep/")).toEqual(["x", "y"]);
      expect(await storage.list("nothing/")).toEqual([]);
    });

    it("round-trips JSON through the helpers", async () => {
      const storage = await make();
      await putJson(storage, "config/lease", { Lease: 1800000000000, LeaseMax: 43200000000000 });
      expect(await getJson(storage, "config/lease")).toEqual({ Lease: 1800000000000, LeaseMax: 43200000000000 });
    });
  });
}
