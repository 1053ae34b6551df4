import { describe, expect, it } from "vitest";
import { formatGoDuration, parseDurationSecond, parseGoDuration } from "../../src/framework/index.js";

const S = 1_000_000_000n;

describe("formatGoDuration matches Go's time.Duration.String", () => {
  it.each([
    ["zero", 0n, "0s"],
    ["nanoseconds", 999n, "999ns"],
    ["microseconds", 1_500n, "1.5µs"],
    ["milliseconds", 500_000_000n, "500ms"],
    ["fractional seconds", 1_500_000_000n, "1.5s"],
    ["thirty minutes", 1800n * S, "30m0s"],
    ["twelve hours", 43200n * S, "12h0m0s"],
    ["mixed", 5400n * S + 7n * S, "1h30m7s"],
    ["a year, beyond 2^53 ns", 31_536_000n * S, "8760h0m0s"],
    ["negative", -90n * S, "-1m30s"],
  ])("%s", (_name, ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });
});

describe("parseGoDuration matches Go's time.ParseDuration", () => {
  it.each([
    ["minutes", "30m", 1800n * S],
    ["compound", "1h30m", 5400n * S],
    ["fraction", "1.5h", 5400n * S],
    ["leading dot", ".5s", S / 2n],
    ["micro sign", "3µs", 3_000n],
    ["lone zero", "0", 0n],
    ["signed", "-2s", -2n * S],
  ])("%s", (_name, text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([
    ["letters", "abc", 'time: invalid duration "abc"'],
    ["empty", "", 'time: invalid duration ""'],
    ["missing unit", "30", 'time: missing unit in duration "30"'],
    ["unknown unit", "3y", 'time: unknown unit "y" in duration "3y"'],
    ["dot alone", ".s", 'time: invalid duration ".s"'],
  ])("rejects %s with Go's message", (_name, text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});

describe("parseDurationSecond matches go-secure-stdlib ParseDurationSecond", () => {
  it.each([
    ["empty is zero", "", 0n],
    ["integer seconds", "3600", 3600n * S],
    ["days", "2d", 172_800n * S],
    ["go duration", "12h", 43200n * S],
  ])("%s", (_name, text, ns) => {
    expect(parseDurationSecond(text)).toBe(ns);
  });

  it.each([
    ["largest whole seconds", "9223372036", 9_223_372_036n * S],
    ["largest days", "106751d", 106_751n * 86_400n * S],
    ["most negative seconds", "-9223372036", -9_223_372_036n * S],
    ["signed seconds", "+5", 5n * S],
    ["int64's largest, spelled out", "2562047h47m16.854775807s", 2n ** 63n - 1n],
  ])("holds %s as int64 nanoseconds", (_name, text, ns) => {
    expect(parseDurationSecond(text)).toBe(ns);
  });

  it.each([
    ["seconds beyond int64 ns", "9223372037"],
    ["int64's largest as seconds", "9223372036854775807"],
    ["negative seconds beyond int64 ns", "-9223372037"],
    ["days beyond int64 ns", "106752d"],
  ])("refuses %s with parseutil's overflow text", (_name, text) => {
    expect(() => parseDurationSecond(text)).toThrow("multiplication of durations resulted in overflow, one operand may be too large");
  });

  it("refuses digits beyond int64 as time.ParseDuration does", () => {
    expect(() => parseDurationSecond("99999999999999999999")).toThrow('time: invalid duration "99999999999999999999"');
    expect(() => parseDurationSecond("2562048h")).toThrow('time: invalid duration "2562048h"');
  });

  it("reports a bad value with Go's parse error", () => {
    expect(() => parseDurationSecond("abc")).toThrow('time: invalid duration "abc"');
    expect(() => parseDurationSecond("xd")).toThrow('strconv.ParseInt: parsing "x": invalid syntax');
  });
});

describe("Go's quoting and overflow in duration errors", () => {
  it.each([
    ["non-ASCII bytes as \\x escapes", "rôle", 'time: invalid duration "r\\xc3\\xb4le"'],
    ["quotes and backslashes escaped", 'a"b\\', 'time: invalid duration "a\\"b\\\\"'],
    ["an overflowing leading number", "99999999999999999999x", 'time: invalid duration "99999999999999999999x"'],
  ])("%s", (_name, text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});
