// Property-based fuzzing of every declared field of every path of the AWS secrets engine, in
// process (fake IAM/STS, in-memory storage). See test/fuzz/lib/driver.ts for the properties.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsSecretsProfile } from "./aws-secrets-profile.js";
import { fuzzOptions, fuzzProfile } from "./fuzz-run.js";
import { Coverage, FuzzSession } from "./lib/driver.js";
import { TEMPLATE_LIMIT_PROBES } from "./lib/inputs.js";

describe("fuzz: aws-secrets, in process", () => {
  const stray: string[] = [];
  const onRejection = (reason: unknown): void => void stray.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  const onException = (error: Error): void => void stray.push(`uncaught exception: ${error.stack ?? error.message}`);
  beforeAll(() => {
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
  });
  afterAll(() => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  });

  it("answers every input without a 5xx, names the problem, and stores only what reads back", async () => {
    const options = fuzzOptions({ numRuns: 150, maxSteps: 25 });
    const started = Date.now();
    const coverage = await fuzzProfile(awsSecretsProfile, options);
    // Let stray promises settle before judging.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stray).toEqual([]);
    expect(coverage.gaps((await awsSecretsProfile.create()).backend)).toEqual([]);
    expect(coverage.requests).toBeGreaterThan(1000);
    // Every path that stores something had writes accepted, so read-after-write really ran.
    for (const pattern of ["config/root", "config/lease", "config/rotate-root", "roles/", "static-roles/"]) {
      expect([...coverage.acceptedWrites.keys()].some((p) => p.startsWith(pattern)), pattern).toBe(true);
    }
    // The hostile part really reached the engine: field parsing refused some, routing others.
    const kinds = [...coverage.answers.keys()];
    expect(kinds.some((k) => k.startsWith("error: Field validation failed"))).toBe(true);
    expect(kinds).toContain("thrown unsupported-path");
    expect(kinds).toContain("ok");
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  // Fixed scenarios for inputs a random run reaches too rarely: a template asking for huge output,
  // stored by config/root, then used by every credential type that generates a name.
  it.each(TEMPLATE_LIMIT_PROBES)("answers a username_template of %s with a clear 4xx", async (template) => {
    const session = await FuzzSession.start(awsSecretsProfile, new Coverage());
    await session.request("write", "config/root", { username_template: template });
    for (const path of ["creds/deploy", "sts/svc@example.com", "creds/ops.team"]) await session.request("read", path);
  });
});
