import { describe, expect, it } from "vitest";
import { createFieldData, field, mergePatch, patchResource } from "../../src/framework/index.js";

describe("JSON merge patch (RFC 7396)", () => {
  it.each([
    ["replaces a value", { a: "b" }, { a: "c" }, { a: "c" }],
    ["adds a key", { a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    ["removes a key with null", { a: "b" }, { a: null }, {}],
    ["replaces an array whole", { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ["merges nested objects", { a: { b: 1, c: 2 } }, { a: { c: null, d: 3 } }, { a: { b: 1, d: 3 } }],
    ["replaces a non-object target", "x", { a: 1 }, { a: 1 }],
  ])("%s", (_name, target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });
});

describe("patchResource", () => {
  const schemas = { ttl: field.durationSeconds(), policies: field.commaStringSlice(), note: field.string() };

  it("applies only declared fields the caller sent, parsed by type, and unsets nulls", () => {
    const data = createFieldData(schemas, { ttl: "1h", note: null, stray: "x" });
    expect(patchResource(data, schemas, { ttl: 60, policies: ["a"], note: "old" })).toEqual({ ttl: 3600, policies: ["a"] });
  });
});
