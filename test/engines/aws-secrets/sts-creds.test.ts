import { describe, expect, it } from "vitest";
import type { LogicalError } from "../../../src/logical/index.js";
import type { StsApi } from "../../../src/engines/aws-secrets/aws-api.js";
import type { RoleEntry } from "../../../src/engines/aws-secrets/model.js";
import {
  assumeRoleCreds,
  combinePolicyDocuments,
  federationTokenCreds,
  goJsonMarshal,
  groupPolicies,
  queryUnescape,
  sessionTokenCreds,
} from "../../../src/engines/aws-secrets/sts-creds.js";
import { GOOD_MFA_CODE, harness } from "./creds-fakes.js";

function role(overrides: Partial<RoleEntry> = {}): RoleEntry {
  return {
    credentialTypes: ["assumed_role"], policyArns: [], roleArns: [], policyDocument: "", iamGroups: [], iamTags: {}, sessionTags: {},
    externalId: "", defaultStsTtl: 0n, maxStsTtl: 0n, ttl: 0n, maxTtl: 0n, userPath: "", permissionsBoundaryArn: "", mfaSerialNumber: "", invalidData: "",
    prohibitFlexibleCredPath: false, version: 3, ...overrides,
  };
}

const DEPLOYER = "arn:aws:iam::123456789012:role/deployer";
const S3_DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

describe("policy merging (iam_policies.go)", () => {
  it("concatenates statements into one 2012-10-17 document, wrapping a lone statement and skipping empty documents", () => {
    const merged = combinePolicyDocuments([
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}}',
      "",
      '{"Version":"2008-10-17","Statement":[{"Sid":"b","Effect":"Deny","Action":["iam:*"],"Resource":"*"}]}',
    ]);
    expect(merged).toBe(
      '{"Version":"2012-10-17","Statement":[{"Action":"ec2:Describe*","Effect":"Allow","Resource":"*"},{"Action":["iam:*"],"Effect":"Deny","Resource":"*","Sid":"b"}]}',
    );
  });

  it("writes statements the way Go's json.Marshal does: sorted keys, HTML characters escaped", () => {
    // Keys in UTF-8 byte order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 …), unlike in UTF-16.
    expect(goJsonMarshal({ b: "<&>", a: [1, true, null], "\u2028": "x", "\u{1F600}": 1, "\uFFFD": 2 })).toBe(
      '{"a":[1,true,null],"b":"\\u003c\\u0026\\u003e","\\u2028":"x","\uFFFD":2,"\u{1F600}":1}',
    );
  });

  it("matches the Statement member case-insensitively, as Go's decoder", () => {
    expect(combinePolicyDocuments(['{"statement":[{"Effect":"Allow"}]}'])).toBe('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}');
    expect(combinePolicyDocuments(['{"Version":"2012-10-17"}'])).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it("rejects documents that are not JSON objects or carry a null Statement", () => {
    expect(() => combinePolicyDocuments(["not json"])).toThrow();
    expect(() => combinePolicyDocuments(["[]"])).toThrow(/not a JSON object/);
    expect(() => combinePolicyDocuments(['{"Statement":null}'])).toThrow("unsupported data type <nil> for StatementEntries");
  });

  it("URL-decodes like Go's QueryUnescape", () => {
    expect(queryUnescape("%7B%22a%22%3A+%22b%C3%A9%22%7D")).toBe('{"a": "bé"}');
    expect(() => queryUnescape("100%zz")).toThrow('invalid URL escape "%zz"');
    expect(() => queryUnescape("50%")).toThrow('invalid URL escape "%"');
  });

  it("collects inline documents and managed ARNs of every group, across pages", async () => {
    const h = harness();
    h.iam.groups.set("g1", { attached: ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"], inline: new Map([["i1", S3_DOC], ["i2", "{}"]]) });
    h.iam.groups.set("g2", { attached: ["arn:aws:iam::aws:policy/C"], inline: new Map() });
    const result = await groupPolicies(h.iam, ["g1", "g2"]);
    expect(result).toEqual({ documents: [S3_DOC, "{}"], arns: ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B", "arn:aws:iam::aws:policy/C"] });
  });
});

describe("assumed_role", () => {
  it("calls AssumeRole with the role's policies, session tags and external ID, and returns upstream's shape", async () => {
    const h = harness();
    const issued = await assumeRoleCreds(
      h.ctx,
      h.request({ operation: "read", path: "sts/deploy", displayName: "token-bob" }),
      role({ policyDocument: S3_DOC, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], sessionTags: { team: "a", cost: "b" }, externalId: "ext-1" }),
      "deploy",
      { roleArn: DEPLOYER, ttlSeconds: 900, roleSessionName: "" },
    );
    const input = h.sts.assumeRoleInputs[0];
    expect(input).toMatchObject({
      RoleArn: DEPLOYER,
      DurationSeconds: 900,
      Policy: S3_DOC,
      PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
      Tags: [{ Key: "team", Value: "a" }, { Key: "cost", Value: "b" }],
      ExternalId: "ext-1",
    });
    expect(input?.RoleSessionName).toMatch(/^vault-token-bob-deploy-\d+-/);
    expect(Object.keys(issued.data).sort()).toEqual(["access_key", "arn", "secret_key", "security_token", "session_token", "ttl"]);
    expect(issued.data["security_token"]).toBe(issued.data["session_token"]);
    expect(issued.data["ttl"]).toBe(900);
    expect(issued.data["arn"]).toBe(`arn:aws:sts::123456789012:assumed-role/deployer/${String(input?.RoleSessionName)}`);
    expect(issued.internal).toEqual({ username: input?.RoleSessionName, policy: DEPLOYER, is_sts: true });
    expect(issued.leaseTtl).toBe(900n * 1_000_000_000n);
  });

  it("omits Policy, PolicyArns, Tags and ExternalId when the role has none", async () => {
    const h = harness();
    await assumeRoleCreds(h.ctx, h.request({ operation: "read", path: "sts/r" }), role(), "r", { roleArn: DEPLOYER, ttlSeconds: 3600, roleSessionName: "" });
    expect(Object.keys(h.sts.assumeRoleInputs[0] ?? {}).sort()).toEqual(["DurationSeconds", "RoleArn", "RoleSessionName"]);
  });

  it("sanitises a caller-supplied session name instead of generating one", async () => {
    const h = harness();
    await assumeRoleCreds(h.ctx, h.request({ operation: "read", path: "sts/r" }), role(), "r", {
      roleArn: DEPLOYER, ttlSeconds: 3600, roleSessionName: "alice smith/ci#1@corp.example",
    });
    expect(h.sts.assumeRoleInputs[0]?.RoleSessionName).toBe("alice_smith_ci_1@corp.example");
  });

  it("merges the inline and managed policies of iam_groups into the request", async () => {
    const h = harness();
    const groupDoc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}';
    h.iam.groups.set("g", { attached: ["arn:aws:iam::aws:policy/G"], inline: new Map([["p", groupDoc]]) });
    await assumeRoleCreds(
      h.ctx,
      h.request({ operation: "read", path: "sts/r" }),
      role({ iamGroups: ["g"], policyDocument: S3_DOC, policyArns: ["arn:aws:iam::aws:policy/R"] }),
      "r",
      { roleArn: DEPLOYER, ttlSeconds: 3600, roleSessionName: "" },
    );
    const input = h.sts.assumeRoleInputs[0];
    expect(input?.Policy).toBe(
      '{"Version":"2012-10-17","Statement":[{"Action":"ec2:*","Effect":"Allow","Resource":"*"},{"Action":"s3:*","Effect":"Allow","Resource":"*"}]}',
    );
    expect(input?.PolicyArns).toEqual([{ arn: "arn:aws:iam::aws:policy/R" }, { arn: "arn:aws:iam::aws:policy/G" }]);
  });

  it("answers a missing group as a user error and AWS refusals with upstream's prefix", async () => {
    const h = harness();
    const missing = await assumeRoleCreds(h.ctx, h.request({ operation: "read", path: "sts/r" }), role({ iamGroups: ["nope"] }), "r", {
      roleArn: DEPLOYER, ttlSeconds: 3600, roleSessionName: "",
    }).catch((e: unknown) => e);
    expect((missing as LogicalError).kind).toBe("user");
    expect((missing as Error).message).toMatch(/^NoSuchEntity: The group with name nope cannot be found/);

    const denied = await assumeRoleCreds(h.ctx, h.request({ operation: "read", path: "sts/r" }), role(), "r", {
      roleArn: "arn:aws:iam::123456789012:role/unknown", ttlSeconds: 3600, roleSessionName: "",
    }).catch((e: unknown) => e);
    expect((denied as LogicalError).kind).toBe("user");
    expect((denied as Error).message).toMatch(/^Error assuming role: AccessDenied: not authorized to perform: sts:AssumeRole/);
  });
});

describe("federation_token", () => {
  it("calls GetFederationToken with a generated STS name of at most 32 characters", async () => {
    const h = harness();
    const issued = await federationTokenCreds(h.ctx, h.request({ operation: "read", path: "sts/f", displayName: "token-carol" }), role({ credentialTypes: ["federation_token"], policyDocument: S3_DOC }), "f", 1800);
    const input = h.sts.federationInputs[0];
    expect(input?.Name).toMatch(/^vault-\d+-[A-Za-z0-9]+$/);
    expect(input?.Name?.length).toBeLessThanOrEqual(32);
    expect(input).toMatchObject({ DurationSeconds: 1800, Policy: S3_DOC });
    expect(input?.PolicyArns).toBeUndefined();
    expect(Object.keys(issued.data).sort()).toEqual(["access_key", "secret_key", "security_token", "session_token", "ttl"]);
    expect(issued.internal).toEqual({ username: input?.Name, policy: S3_DOC, is_sts: true });
  });

  it("refuses a role without any policy (the token would carry Vault's own permissions)", async () => {
    const h = harness();
    const error = await federationTokenCreds(h.ctx, h.request({ operation: "read", path: "sts/f" }), role({ credentialTypes: ["federation_token"] }), "f", 3600).catch(
      (e: unknown) => e,
    );
    expect((error as LogicalError).kind).toBe("user");
    expect((error as Error).message).toBe("must specify at least one of policy_arns or policy_document with federation_token credential_type");
    expect(h.sts.federationInputs).toEqual([]);
  });

  it("accepts a role whose only policies come from its groups", async () => {
    const h = harness();
    h.iam.groups.set("g", { attached: ["arn:aws:iam::aws:policy/G"], inline: new Map() });
    await federationTokenCreds(h.ctx, h.request({ operation: "read", path: "sts/f" }), role({ credentialTypes: ["federation_token"], iamGroups: ["g"] }), "f", 3600);
    expect(h.sts.federationInputs[0]?.PolicyArns).toEqual([{ arn: "arn:aws:iam::aws:policy/G" }]);
    expect(h.sts.federationInputs[0]?.Policy).toBeUndefined();
  });
});

describe("session_token", () => {
  it("calls GetSessionToken with the role's MFA serial and the caller's code", async () => {
    const h = harness();
    const serial = "arn:aws:iam::123456789012:mfa/ops";
    const issued = await sessionTokenCreds(h.ctx, role({ credentialTypes: ["session_token"], mfaSerialNumber: serial }), 7200, GOOD_MFA_CODE);
    expect(h.sts.sessionInputs[0]).toEqual({ DurationSeconds: 7200, SerialNumber: serial, TokenCode: GOOD_MFA_CODE });
    expect(Object.keys(issued.data).sort()).toEqual(["access_key", "secret_key", "security_token", "session_token", "ttl"]);
    expect(issued.internal).toEqual({ is_sts: true });
  });

  it("sends neither serial nor code when there are none, and reports a wrong code with AWS's text", async () => {
    const h = harness();
    await sessionTokenCreds(h.ctx, role({ credentialTypes: ["session_token"] }), 3600, "");
    expect(h.sts.sessionInputs[0]).toEqual({ DurationSeconds: 3600 });
    const error = await sessionTokenCreds(h.ctx, role({ credentialTypes: ["session_token"], mfaSerialNumber: "GAHT12345" }), 3600, "000000").catch((e: unknown) => e);
    expect((error as Error).message).toBe("Error generating STS keys: AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code.");
  });
});

describe("STS lease length", () => {
  it("is the time left until AWS's expiry: truncated seconds in the data, exact for the lease", async () => {
    const h = harness();
    const expiry = new Date(h.clock.current.getTime() + 899_750);
    const sts: StsApi = h.sts;
    sts.getSessionToken = async () => ({
      Credentials: { AccessKeyId: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: expiry },
      $metadata: {},
    });
    const issued = await sessionTokenCreds(h.ctx, role({ credentialTypes: ["session_token"] }), 900, "");
    expect(issued.data["ttl"]).toBe(899);
    expect(issued.leaseTtl).toBe(899_750n * 1_000_000n);
  });

  it("fails clearly when AWS answers without credentials", async () => {
    const h = harness();
    const sts: StsApi = h.sts;
    sts.getSessionToken = async () => ({ $metadata: {} });
    await expect(sessionTokenCreds(h.ctx, role({ credentialTypes: ["session_token"] }), 900, "")).rejects.toThrow(
      "GetSessionToken returned incomplete credentials",
    );
  });
});
