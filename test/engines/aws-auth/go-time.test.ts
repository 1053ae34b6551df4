import { describe, expect, it } from "vitest";
import { goTimeJson, goTimeText } from "../../../src/engines/aws-auth/go-time.js";

describe("goTimeJson (Go's json.Marshal of a UTC time)", () => {
  it.each([
    [Date.UTC(2025, 0, 1), "2025-01-01T00:00:00Z"],
    [Date.UTC(2025, 0, 1, 0, 0, 0, 120), "2025-01-01T00:00:00.12Z"],
    [Date.UTC(2025, 0, 1, 0, 0, 0, 5), "2025-01-01T00:00:00.005Z"],
    [-62_135_596_800_000, "0001-01-01T00:00:00Z"],
  ])("%d → %s", (ms, text) => {
    expect(goTimeJson(new Date(ms))).toBe(text);
  });
});

describe("goTimeText (Format(RFC3339Nano) of a decoded stored time)", () => {
  it.each([
    ["2025-01-01T10:00:00.123456789+02:00", "2025-01-01T10:00:00.123456789+02:00"],
    ["2025-01-01T10:00:00.100000000Z", "2025-01-01T10:00:00.1Z"],
    ["2025-01-01T10:00:00.000Z", "2025-01-01T10:00:00Z"],
    ["2025-01-01T10:00:00+00:00", "2025-01-01T10:00:00Z"],
    ["2025-01-01T10:00:00-00:00", "2025-01-01T10:00:00Z"],
    ["2025-01-01t10:00:00.5z", "2025-01-01T10:00:00.5Z"],
    ["2025-01-01T10:00:00.1234567891Z", "2025-01-01T10:00:00.123456789Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
  ])("%s → %s", (stored, text) => {
    expect(goTimeText(stored)).toBe(text);
  });
});
