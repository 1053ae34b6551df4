// Error texts quote user input bounded (src/framework/error-text.ts): exactly Vault's %q up to
// MAX_QUOTED_INPUT characters, cut with a count beyond; the gRPC layer caps any error text that
// still grew (src/grpc/errors.ts).
import { describe, expect, it } from "vitest";
import { boundInput, goQuote, MAX_QUOTED_INPUT, quoteInput } from "../../src/framework/index.js";
import { kvPairs, weakInt } from "../../src/framework/field-coercion.js";
import { boundErrorText, MAX_ERROR_TEXT, toProtoError } from "../../src/grpc/errors.js";
import { logicalResponseToProto } from "../../src/grpc/translation.js";
import { errorResponse } from "../../src/logical/index.js";

const thrown = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("expected a failure");
};

describe("bounded input in error texts", () => {
  it("quotes inputs up to the limit exactly as Go's %q", () => {
    for (const text of ["", "plain", 'a"b\\c\n', "é😀", "x".repeat(MAX_QUOTED_INPUT)]) expect(quoteInput(text)).toBe(goQuote(text));
    expect(boundInput("short")).toBe("short");
  });

  it("cuts a longer input and says how much was left out, never splitting a surrogate pair", () => {
    const long = "x".repeat(1_000_000);
    expect(quoteInput(long)).toBe(`${goQuote("x".repeat(MAX_QUOTED_INPUT))}... (${1_000_000 - MAX_QUOTED_INPUT} more characters)`);
    expect(boundInput(long)).toBe(`${"x".repeat(MAX_QUOTED_INPUT)}... (${1_000_000 - MAX_QUOTED_INPUT} more characters)`);
    const emoji = `${"a".repeat(MAX_QUOTED_INPUT - 1)}😀tail`;
    expect(quoteInput(emoji)).toBe(`${goQuote("a".repeat(MAX_QUOTED_INPUT - 1))}... (6 more characters)`);
  });

  it("field coercion errors stay small for a 1 MB value and keep Vault's text for a short one", () => {
    expect(thrown(() => weakInt("ttl", "many"))).toBe(`cannot parse 'ttl' as int: strconv.ParseInt: parsing "many": invalid syntax`);
    expect(thrown(() => weakInt("ttl", "9".repeat(1_000_000))).length).toBeLessThan(2 * MAX_QUOTED_INPUT);
    expect(thrown(() => kvPairs(["x".repeat(1_000_000)])).length).toBeLessThan(2 * MAX_QUOTED_INPUT);
    expect(thrown(() => weakInt("ttl", { a: "y".repeat(1_000_000) })).length).toBeLessThan(2 * MAX_QUOTED_INPUT);
  });

  it("the gRPC layer caps any error text and error response at MAX_ERROR_TEXT", () => {
    const huge = "e".repeat(MAX_ERROR_TEXT + 5000);
    expect(boundErrorText("fine")).toBe("fine");
    expect(toProtoError(new Error(huge)).err_msg).toBe(`${"e".repeat(MAX_ERROR_TEXT)}... (5000 more characters)`);
    const reply = JSON.parse(logicalResponseToProto(errorResponse(huge)).data ?? "null") as { error: string };
    expect(reply.error.length).toBeLessThan(MAX_ERROR_TEXT + 100);
  });
});
