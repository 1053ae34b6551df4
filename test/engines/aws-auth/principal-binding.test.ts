// ARN parsing and the principal binds: exact IDs, canonical ARNs, wildcard binds on the full ARN
// looked up in the caller's own account (CVE-2025-11621) and cached per mount by unique ID.
import { describe, expect, it } from "vitest";
import { canonicalArn, entityText, parseIamArn, type IamEntity } from "../../../src/engines/aws-auth/arn.js";
import type { AwsAuthClients, IamApi } from "../../../src/engines/aws-auth/aws-api.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";
import { checkPrincipalBinding, FULL_ARN_CACHE_TTL_MS, globbedStringsMatch } from "../../../src/engines/aws-auth/principal-binding.js";
import { roleFromStorage } from "../../../src/engines/aws-auth/role-storage.js";
import { InmemStorage, StaticSystemView, type Logger } from "../../../src/logical/index.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

function entity(arn: string): IamEntity {
  const p = parseIamArn(arn);
  if ("error" in p) throw new Error(p.error);
  return p.ok;
}

describe("parseIamArn", () => {
  it("reads users, roles, instance profiles and assumed roles, and canonicalises them", () => {
    expect(entity("arn:aws:iam::123456789012:user/path/to/alice")).toEqual({ partition: "aws", accountNumber: "123456789012", type: "user", path: "path/to", friendlyName: "alice", sessionInfo: "" });
    const assumed = entity("arn:aws-us-gov:sts::123456789012:assumed-role/app/i-0abc");
    expect(assumed).toMatchObject({ partition: "aws-us-gov", type: "assumed-role", friendlyName: "app", sessionInfo: "i-0abc", path: "" });
    expect(canonicalArn(assumed)).toBe("arn:aws-us-gov:iam::123456789012:role/app");
    expect(canonicalArn(entity("arn:aws-cn:iam::1:role/a/b/web"))).toBe("arn:aws-cn:iam::1:role/web");
    expect(entity("arn:aws:iam::1:instance-profile/p").type).toBe("instance-profile");
    expect(entityText(entity("arn:aws:iam::1:user/alice"))).toBe("&{aws 1 user  alice }");
  });
  it("refuses what upstream refuses, with its texts", () => {
    const err = (arn: string): string | undefined => {
      const p = parseIamArn(arn);
      return "error" in p ? p.error : undefined;
    };
    expect(err("arn:aws:iam::1")).toBe("unrecognized arn: contains 5 colon-separated parts, expected 6");
    expect(err("urn:aws:iam::1:user/a")).toBe('unrecognized arn: does not begin with "arn:"');
    expect(err("arn:aws:s3::1:user/a")).toBe("unrecognized service: s3, not one of iam or sts");
    expect(err("arn:aws:iam::1:user")).toBe('unrecognized arn: "user" contains fewer than 2 slash-separated parts');
    expect(err("arn:aws:sts::1:assumed-role/app")).toBe('unrecognized arn: "assumed-role/app" contains fewer than 3 slash-separated parts');
    expect(err("arn:aws:iam::1:group/g")).toBe('unrecognized principal type: "group"');
  });
});

describe("globbedStringsMatch", () => {
  it("is strutil.GlobbedStringsMatch", () => {
    expect(globbedStringsMatch("arn:aws:iam::1:user/team/*", "arn:aws:iam::1:user/team/alice")).toBe(true);
    expect(globbedStringsMatch("arn:aws:iam::1:user/team/*", "arn:aws:iam::2:user/team/alice")).toBe(false);
    expect(globbedStringsMatch("*alice", "arn:aws:iam::1:user/alice")).toBe(true);
    expect(globbedStringsMatch("*", "anything")).toBe(false);
  });
});

describe("checkPrincipalBinding", () => {
  function setup() {
    const calls: string[] = [];
    let clock = 0;
    const iamFor = (account: string): IamApi => ({
      getUser: (name) => {
        calls.push(`${account}/user/${name}`);
        return Promise.resolve({ arn: `arn:aws:iam::${account}:user/team/${name}`, uniqueId: "AIDA", tags: {} });
      },
      getRole: (name) => {
        calls.push(`${account}/role/${name}`);
        return Promise.resolve({ arn: `arn:aws:iam::${account}:role/svc/${name}`, uniqueId: "AROA", tags: {} });
      },
      getInstanceProfile: () => Promise.reject(new Error("unused")),
    });
    const refused = (): Promise<never> => Promise.reject(new Error("unused"));
    const clients: AwsAuthClients = { ec2: refused, iam: (_r, account) => Promise.resolve(iamFor(account)), defaultAccountId: refused, rootKeyIam: refused, reset: () => undefined };
    const ctx: AwsAuthContext = { system: new StaticSystemView(), logger: silent, clients, storage: new InmemStorage(), now: () => new Date(clock) };
    return { ctx, calls, advance: (ms: number) => (clock += ms) };
  }
  const role = (stored: Record<string, unknown>) => roleFromStorage({ auth_type: "iam", role_id: "r", resolve_aws_unique_ids: true, ...stored });

  it("passes on a resolved unique ID, or on the canonical ARN when IDs are not resolved", async () => {
    const { ctx, calls } = setup();
    const alice = entity("arn:aws:iam::1:user/team/alice");
    expect(await checkPrincipalBinding(ctx, role({ bound_iam_principal_arn_list: ["arn:aws:iam::1:user/team/alice"], bound_iam_principal_id_list: ["AIDA1"] }), alice, "AIDA1", undefined)).toEqual({ bound: true });
    expect(await checkPrincipalBinding(ctx, role({ bound_iam_principal_arn_list: ["arn:aws:iam::1:user/alice"], bound_iam_principal_id_list: ["AIDA9"] }), alice, "AIDA1", undefined)).toEqual({ bound: false });
    expect(await checkPrincipalBinding(ctx, role({ bound_iam_principal_arn_list: ["arn:aws:iam::1:user/alice"], resolve_aws_unique_ids: false }), alice, "AIDA1", undefined)).toEqual({ bound: true });
    expect(await checkPrincipalBinding(ctx, role({}), alice, "AIDA1", undefined)).toEqual({ bound: true });
    expect(calls).toEqual([]);
  });

  it("looks the full ARN up in the caller's account only, once per unique ID for 7 days", async () => {
    const { ctx, calls, advance } = setup();
    const wildcard = role({ bound_iam_principal_arn_list: ["arn:aws:iam::1:role/svc/*"] });
    const trusted = entity("arn:aws:sts::1:assumed-role/app/s1");
    const untrusted = entity("arn:aws:sts::2:assumed-role/app/s1");
    expect(await checkPrincipalBinding(ctx, wildcard, trusted, "AROA1", undefined)).toEqual({ bound: true });
    expect(await checkPrincipalBinding(ctx, wildcard, trusted, "AROA1", undefined)).toEqual({ bound: true });
    expect(calls).toEqual(["1/role/app"]);
    // A same-named role in another account is looked up there, and does not match account 1's bind.
    expect(await checkPrincipalBinding(ctx, wildcard, untrusted, "AROA2", undefined)).toEqual({ bound: false });
    expect(calls).toEqual(["1/role/app", "2/role/app"]);
    advance(FULL_ARN_CACHE_TTL_MS + 1);
    await checkPrincipalBinding(ctx, wildcard, trusted, "AROA1", undefined);
    expect(calls).toHaveLength(3);
  });

  it("reports a failed lookup apart from a mismatch", async () => {
    const { ctx } = setup();
    const wildcard = role({ bound_iam_principal_arn_list: ["arn:aws:iam::1:user/*"] });
    expect(await checkPrincipalBinding(ctx, wildcard, entity("arn:aws-unknown:iam::1:user/a"), "AIDA", undefined)).toEqual({ lookupFailed: 'unable to resolve partition "aws-unknown" to a region' });
  });
});
