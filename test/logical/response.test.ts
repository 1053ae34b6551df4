import { describe, expect, it } from "vitest";
import { errorResponse, isErrorResponse, listResponse } from "../../src/logical/index.js";

describe("listResponse", () => {
  it("sorts the keys as Vault does", () => {
    expect(listResponse(["b", "a/", "c"])).toEqual({ data: { keys: ["a/", "b", "c"] } });
  });

  it("leaves keys out when there are none, as logical.ListResponse does (Vault answers 404)", () => {
    expect(listResponse([])).toEqual({ data: {} });
  });
});

describe("isErrorResponse", () => {
  it("recognises error responses and nothing else", () => {
    expect(isErrorResponse(errorResponse("bad"))).toBe(true);
    expect(isErrorResponse({ data: { error: "bad", data: { x: 1 } } })).toBe(true);
    expect(isErrorResponse({ data: { error: "bad", other: 1 } })).toBe(false);
    expect(isErrorResponse({ data: {} })).toBe(false);
    expect(isErrorResponse(undefined)).toBe(false);
  });
});
