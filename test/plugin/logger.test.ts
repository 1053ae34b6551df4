import { describe, expect, it } from "vitest";
import { HclogLogger, goTimestamp } from "../../src/plugin/logger.js";

describe("hclog JSON logger", () => {
  it("formats time in Go's layout with six fractional digits", () => {
    expect(goTimestamp(new Date("2026-11-23T01:02:03.456Z"))).toBe("2026-11-23T01:02:03.456000Z");
  });

  it("writes one JSON line with @level, @message, @timestamp, @module and extra pairs", () => {
    const lines: string[] = [];
    new HclogLogger("aws", "info", (l) => lines.push(l)).named("broker").warn("slow", { id: 3, ttl: 10n, cause: new Error("boom") });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const entry = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(entry).toMatchObject({ "@level": "warn", "@message": "slow", "@module": "aws.broker", id: 3, ttl: "10", cause: "boom" });
    expect(entry["@timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it("drops lines below the minimum level", () => {
    const lines: string[] = [];
    const logger = new HclogLogger("", "warn", (l) => lines.push(l));
    logger.debug("hidden");
    logger.info("hidden");
    logger.error("shown");
    expect(lines).toHaveLength(1);
  });
});
