// Property-based fuzzing of every declared field of every path of the AWS auth method, in process
// (fake EC2/IAM/STS, in-memory storage). See test/fuzz/lib/driver.ts for the properties.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakeSts, INSTANCE_ID } from "./aws-auth-fakes.js";
import { awsAuthProfile, FOREIGN_ROLE_TAGS, iamLoginBody } from "./aws-auth-profile.js";
import { fuzzOptions, fuzzProfile } from "./fuzz-run.js";
import { Coverage, FuzzSession } from "./lib/driver.js";

describe("fuzz: aws-auth, in process", () => {
  const stray: string[] = [];
  const onRejection = (reason: unknown): void => void stray.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  const onException = (error: Error): void => void stray.push(`uncaught exception: ${error.stack ?? error.message}`);
  let uninstallSts: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
    uninstallSts = await installFakeSts();
    await awsAuthProfile();
  }, 60_000);
  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
    await uninstallSts?.();
  });

  it("answers every input without a 5xx, names the problem, stores only what reads back, and shows no secret", async () => {
    const profile = await awsAuthProfile();
    const options = fuzzOptions({ numRuns: 200, maxSteps: 25 });
    const started = Date.now();
    const coverage = await fuzzProfile(profile, options);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stray).toEqual([]);
    expect(coverage.gaps((await profile.create()).backend)).toEqual([]);
    expect(coverage.requests).toBeGreaterThan(1000);
    for (const pattern of ["config/client", "config/certificate/", "config/sts/", "config/identity", "role/", "config/tidy/"]) {
      expect([...coverage.acceptedWrites.keys()].some((p) => p.startsWith(pattern)), pattern).toBe(true);
    }
    const kinds = [...coverage.answers.keys()];
    expect(kinds.some((k) => k.startsWith("error: Field validation failed") || k.includes("error converting input"))).toBe(true);
    expect(kinds).toContain("thrown unsupported-path");
    expect(kinds).toContain("ok");
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  // Fixed scenarios a random run reaches too rarely: every login form through to its binds, a tag
  // issued by role/<role>/tag on the deny list and in a login, and the known findings.
  it("takes logins of both kinds through to their binds, and role tags through the deny list", async () => {
    const profile = await awsAuthProfile();
    const session = await FuzzSession.start(profile, new Coverage());
    const tag = await session.request("write", "role/tagged/tag", { policies: "dev", instance_id: INSTANCE_ID });
    const value = String(tag?.data?.["tag_value"]);
    expect(value).toMatch(/^v1:/);
    await session.request("write", `roletag-denylist/${value}`);
    await session.request("read", `roletag-denylist/${value}`);
    for (const foreign of FOREIGN_ROLE_TAGS) await session.request("write", `roletag-denylist/${foreign}`);
    const refused = await session.request("write", "login", iamLoginBody("AKIAFUZZOTHER", "deploy"));
    expect(String(refused?.data?.["error"])).toMatch(/does not belong to the role|no STS configuration/);
    const deploy = await session.request("write", "login", iamLoginBody("AKIAFUZZDEPLOY", "deploy"));
    expect(deploy?.auth?.policies).toContain("dev");
    const instance = await session.request("write", "login", iamLoginBody("ASIAFUZZINSTANCE"));
    expect(instance?.auth).toBeDefined();
    // Found by this fuzzer: a role name with "/" was a 500 (storage key error), now not found as upstream.
    const slashed = await session.request("write", "login", iamLoginBody("AKIAFUZZDEPLOY", "a/b"));
    expect(slashed?.data?.["error"]).toBe("entry for role a/b not found");
    await session.request("write", "tidy/identity-accesslist", { safety_buffer: "1s" });
    await session.request("write", "tidy/roletag-denylist", { safety_buffer: "1s" });
  }, 60_000);
});
