import { describe, expect, it, vi } from "vitest";
import { StoredValueError, jsonCollection, jsonEntry } from "../../src/framework/storage-json.js";
import { InmemStorage, type Storage } from "../../src/logical/index.js";

interface Config {
  region: string;
  maxRetries: number;
}

function parseConfig(value: unknown): Config {
  const v = value as Partial<Config> | null;
  if (typeof v?.region !== "string" || typeof v.maxRetries !== "number") throw new Error("not a config");
  return { region: v.region, maxRetries: v.maxRetries };
}

describe("jsonEntry", () => {
  const config = jsonEntry("config/root", parseConfig);

  it("reads undefined when absent, and round-trips a value as plain JSON", async () => {
    const storage = new InmemStorage();
    expect(await config.get(storage)).toBeUndefined();
    await config.put(storage, { region: "eu-west-1", maxRetries: 3 });
    expect(Buffer.from((await storage.get("config/root"))?.value ?? []).toString()).toBe('{"region":"eu-west-1","maxRetries":3}');
    expect(await config.get(storage)).toEqual({ region: "eu-west-1", maxRetries: 3 });
    await config.delete(storage);
    expect(await config.get(storage)).toBeUndefined();
  });

  it("names the key when the stored value is not valid JSON or fails validation", async () => {
    const storage = new InmemStorage();
    await storage.put({ key: "config/root", value: Buffer.from("{oops") });
    const bad = await config.get(storage).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(StoredValueError);
    expect(bad).toMatchObject({ key: "config/root" });
    await storage.put({ key: "config/root", value: Buffer.from('{"region": 1}') });
    await expect(config.get(storage)).rejects.toThrow('invalid value stored at "config/root": not a config');
  });

  it("lets storage failures through untouched", async () => {
    const failure = new Error("rpc error");
    const storage = { get: () => Promise.reject(failure) } as unknown as Storage;
    await expect(config.get(storage)).rejects.toBe(failure);
  });

  it("asks for seal wrapping when configured", async () => {
    const storage = new InmemStorage();
    const put = vi.spyOn(storage, "put");
    await jsonEntry("config/root", parseConfig, { sealWrap: true }).put(storage, { region: "r", maxRetries: 0 });
    expect(put.mock.calls[0]?.[0]).toMatchObject({ key: "config/root", sealWrap: true });
  });

  it.each(["", "config/"])("rejects the key %j", (key) => {
    expect(() => jsonEntry(key, parseConfig)).toThrow("must name a leaf");
  });
});

describe("jsonCollection", () => {
  const roles = jsonCollection("role/", parseConfig);

  it("stores values under the prefix and lists only leaves", async () => {
    const storage = new InmemStorage();
    expect(roles.key("dev")).toBe("role/dev");
    await roles.put(storage, "dev", { region: "a", maxRetries: 1 });
    await roles.put(storage, "prod", { region: "b", maxRetries: 2 });
    await storage.put({ key: "role/nested/x", value: Buffer.from("{}") });
    expect(await roles.list(storage)).toEqual(["dev", "prod"]);
    expect(await roles.get(storage, "prod")).toEqual({ region: "b", maxRetries: 2 });
    await roles.delete(storage, "dev");
    expect(await roles.list(storage)).toEqual(["prod"]);
    expect(await roles.get(storage, "dev")).toBeUndefined();
  });

  it("rejects names that would escape the collection", () => {
    expect(() => roles.key("")).toThrow('invalid name "" under "role/"');
    expect(() => roles.key("a/b")).toThrow('invalid name "a/b"');
    expect(() => jsonCollection("role", parseConfig)).toThrow('must end in "/"');
  });
});
