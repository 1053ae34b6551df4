import { describe, expect, it } from "vitest";
import { newRequest } from "../../../src/logical/index.js";
import { mount, stored } from "./lists-fixtures.js";

const variants = [
  { path: "config/tidy/identity-accesslist", key: "config/tidy/identity-whitelist", defaultBuffer: 259_200 },
  { path: "config/tidy/identity-whitelist", key: "config/tidy/identity-whitelist", defaultBuffer: 259_200 },
  { path: "config/tidy/roletag-denylist", key: "config/tidy/roletag-blacklist", defaultBuffer: 15_552_000 },
  { path: "config/tidy/roletag-blacklist", key: "config/tidy/roletag-blacklist", defaultBuffer: 15_552_000 },
];

describe.each(variants)("$path", ({ path, key, defaultBuffer }) => {
  it("creates with the defaults under Vault's legacy key and reads it back", async () => {
    const m = mount();
    expect(await m.call("read", path)).toBeUndefined();
    expect((await m.backend.handleExistenceCheck(newRequest({ operation: "create", path, storage: m.storage }))).exists).toBe(false);
    expect(await m.call("create", path, {})).toBeUndefined();
    expect(await stored(m.storage, key)).toEqual({ safety_buffer: defaultBuffer, disable_periodic_tidy: false });
    expect(await m.call("read", path)).toEqual({ data: { safety_buffer: defaultBuffer, disable_periodic_tidy: false } });
  });

  it("takes durations as text, and an update changes only the fields sent", async () => {
    const m = mount();
    await m.call("create", path, { safety_buffer: "1h", disable_periodic_tidy: true });
    expect(await m.call("read", path)).toEqual({ data: { safety_buffer: 3600, disable_periodic_tidy: true } });
    await m.call("update", path, { disable_periodic_tidy: false });
    expect(await m.call("read", path)).toEqual({ data: { safety_buffer: 3600, disable_periodic_tidy: false } });
    await m.call("update", path, { safety_buffer: 60 });
    expect(await stored(m.storage, key)).toEqual({ safety_buffer: 60, disable_periodic_tidy: false });
  });

  it("an update of an absent entry starts from zero values, as upstream", async () => {
    const m = mount();
    await m.call("update", path, { disable_periodic_tidy: true });
    expect(await stored(m.storage, key)).toEqual({ safety_buffer: 0, disable_periodic_tidy: true });
  });

  it("deletes the entry", async () => {
    const m = mount();
    await m.call("create", path, {});
    expect(await m.call("delete", path)).toBeUndefined();
    expect(await m.storage.get(key)).toBeUndefined();
  });

  it("refuses a bad safety_buffer with a 400 naming the field, writing nothing", async () => {
    const m = mount();
    const response = await m.call("create", path, { safety_buffer: "soon" });
    expect(response?.data?.["error"]).toMatch(/safety_buffer/);
    expect(await m.storage.get(key)).toBeUndefined();
  });
});

