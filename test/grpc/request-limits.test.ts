// Request bodies are checked before JSON.parse (src/grpc/request-limits.ts): size, depth, string
// length and container sizes each answer 400 naming the limit (and the top-level field), the
// check is one linear pass however hostile the input, and legitimate bodies pass untouched.
import { describe, expect, it } from "vitest";
import { checkRequestData, REQUEST_DATA_LIMITS, RequestLimitError } from "../../src/grpc/request-limits.js";
import { protoRequestToLogical } from "../../src/grpc/translation.js";
import { toProtoError } from "../../src/grpc/errors.js";
import { InmemStorage } from "../../src/logical/index.js";
import type { Request__Output } from "../../src/generated/pb/Request.js";

function refusal(text: string): string {
  try {
    checkRequestData(text);
  } catch (err) {
    expect(err).toBeInstanceOf(RequestLimitError);
    return (err as RequestLimitError).message;
  }
  throw new Error("expected a RequestLimitError");
}

describe("request data limits", () => {
  it("are Vault's listener limits for depth and containers, and 1 MiB / 256 KiB for body and strings", () => {
    expect(REQUEST_DATA_LIMITS).toEqual({ maxBytes: 1_048_576, maxDepth: 300, maxStringLength: 262_144, maxObjectEntries: 10_000, maxArrayElements: 10_000 });
  });

  it("pass legitimate bodies: a 10,240-character policy, tags, lists, nesting to 300", () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "x".repeat(10_000) }] });
    const body = JSON.stringify({ policy_document: policy, iam_tags: { team: "a", env: "b" }, policy_arns: Array(20).fill("arn:aws:iam::aws:policy/ReadOnlyAccess") });
    expect(checkRequestData(body)).toBe(body);
    expect(checkRequestData(`{"x":${"[".repeat(299)}${"]".repeat(299)}}`)).toContain("[");
    expect(checkRequestData(JSON.stringify({ list: Array(10_000).fill(1) }))).toContain("1");
    expect(checkRequestData("")).toBe("");
  });

  it("refuse a body over 1 MiB, counted in UTF-8 bytes", () => {
    expect(refusal(JSON.stringify({ a: "x".repeat(1_100_000) }))).toBe("request data is 1100008 bytes, over the limit of 1048576 bytes");
    expect(refusal(JSON.stringify({ a: "é".repeat(600_000) }))).toMatch(/^request data is 1200008 bytes, over the limit/);
  });

  it("refuse nesting deeper than 300, naming the top-level field, in linear time", () => {
    const started = performance.now();
    expect(refusal(`{"iam_tags":${"[".repeat(500_000)}`)).toBe('field "iam_tags": objects and arrays nest deeper than the limit of 300');
    expect(refusal("[".repeat(301))).toBe("request data: objects and arrays nest deeper than the limit of 300");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuse a string over 256 KiB, a key too, and not be fooled by escaped quotes", () => {
    expect(refusal(JSON.stringify({ policy_document: "p".repeat(300_000) }))).toBe('field "policy_document": a string of 300000 characters is over the limit of 262144');
    expect(refusal(`{"${"k".repeat(300_000)}":1}`)).toMatch(/^field "k{64}": a string of 300000 characters/);
    const escaped = JSON.stringify({ a: `\\"${"q".repeat(300_000)}` });
    expect(refusal(escaped)).toMatch(/^field "a": a string of 30000\d characters/);
  });

  it("refuse arrays and objects with more than 10000 members", () => {
    expect(refusal(JSON.stringify({ list: Array(10_001).fill(1) }))).toBe('field "list": an array has more than 10000 elements, the limit');
    const wide = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, i]));
    expect(refusal(JSON.stringify(wide))).toMatch(/: an object has more than 10000 entries, the limit$/);
    // Commas inside strings are not members.
    expect(checkRequestData(JSON.stringify({ s: ",".repeat(20_000) }))).toContain(",");
  });

  it("answer through the translation as Vault's StatusBadRequest (HTTP 400)", () => {
    const wire = { operation: "update", path: "roles/x", data: JSON.stringify({ a: "x".repeat(300_000) }), headers: {}, secret: null, auth: null, connection: null, wrap_info: null } as unknown as Request__Output;
    let caught: unknown;
    try {
      protoRequestToLogical(wire, new InmemStorage());
    } catch (err) {
      caught = err;
    }
    expect(toProtoError(caught)).toEqual({ err_type: 4, err_msg: 'field "a": a string of 300000 characters is over the limit of 262144', err_code: "0" });
  });
});
