import { describe, expect, it } from "vitest";
import { SECRET_TYPE_KEY } from "../../../src/framework/index.js";
import { type Request, type Secret } from "../../../src/logical/index.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS } from "../../../src/engines/aws-secrets/iam-user.js";
import type { RoleEntry } from "../../../src/engines/aws-secrets/model.js";
import { ACCESS_KEYS_SECRET_TYPE, accessKeysSecret, iamUserLeaseTerms, upstreamRoleJson } from "../../../src/engines/aws-secrets/secret-access-keys.js";
import { writeLeaseConfig } from "../../../src/engines/aws-secrets/storage.js";
import { harness, NS_PER_S, putRole, recordingLogger, type Harness } from "./creds-fakes.js";

function secret(internal: Record<string, unknown>, issueTime?: Date): Secret {
  return {
    leaseId: "aws/creds/deploy/abc",
    internalData: { [SECRET_TYPE_KEY]: ACCESS_KEYS_SECRET_TYPE, ...internal },
    lease: { ttl: 3600n * NS_PER_S, maxTtl: 0n, renewable: true, increment: 0n, ...(issueTime === undefined ? {} : { issueTime }) },
  };
}

function leaseRequest(h: Harness, operation: "renew" | "revoke", internal: Record<string, unknown>, issueTime?: Date): Request {
  return h.request({ operation, path: "", secret: secret(internal, issueTime), data: { access_key: "AKIA1", secret_key: "s", security_token: null } });
}

// Internal data exactly as Vault's builtin engine writes it for an iam_user lease.
const VAULT_IAM_LEASE = {
  username: "vault-token-deploy-1700000000-abcdefghij0123456789",
  policy: { credential_types: ["iam_user"], policy_arns: null, role_arns: null, policy_document: "{}", iam_groups: null, iam_tags: null, version: 3 },
  is_sts: false,
};

describe("access_keys renew", () => {
  it("re-applies config/lease to an IAM user lease", async () => {
    const h = harness();
    await writeLeaseConfig(h.storage, { lease: 1800n * NS_PER_S, leaseMax: 7200n * NS_PER_S });
    const response = await h.backend.handleRequest(leaseRequest(h, "renew", VAULT_IAM_LEASE));
    expect(response?.secret?.lease).toMatchObject({ ttl: 1800n * NS_PER_S, maxTtl: 7200n * NS_PER_S, renewable: true });
    expect(response?.secret?.internalData).toMatchObject({ username: VAULT_IAM_LEASE.username, is_sts: false });
  });

  it("hands zeros (the mount's defaults) to Vault without config/lease", async () => {
    const h = harness();
    const response = await h.backend.handleRequest(leaseRequest(h, "renew", VAULT_IAM_LEASE));
    expect(response?.secret?.lease).toMatchObject({ ttl: 0n, maxTtl: 0n });
  });

  it("renews nothing for STS credentials", async () => {
    const h = harness();
    expect(await h.backend.handleRequest(leaseRequest(h, "renew", { username: "s", policy: "arn", is_sts: true }))).toBeUndefined();
  });

  describe("with the role named by the lease path", () => {
    const renewAt = (h: Harness, path: string): Request => ({ ...leaseRequest(h, "renew", VAULT_IAM_LEASE), path });

    it("applies the role's own ttl/max_ttl when it sets them", async () => {
      const h = harness();
      await writeLeaseConfig(h.storage, { lease: 1800n * NS_PER_S, leaseMax: 7200n * NS_PER_S });
      await putRole(h.storage, "deploy", { credential_types: ["iam_user"], ttl: 600 * 1e9, max_ttl: 1200 * 1e9 });
      const response = await h.backend.handleRequest(renewAt(h, "creds/deploy"));
      expect(response?.secret?.lease).toMatchObject({ ttl: 600n * NS_PER_S, maxTtl: 1200n * NS_PER_S });
    });

    it.each([
      ["deleted", undefined],
      ["not JSON", "{not json"],
      ["of the wrong shape", JSON.stringify({ credential_types: 5 })],
    ])("falls back to config/lease when the role is %s (upstream's renew never reads it)", async (_name, stored) => {
      const warnings: string[] = [];
      const h = harness({ logger: recordingLogger(warnings) });
      await writeLeaseConfig(h.storage, { lease: 1800n * NS_PER_S, leaseMax: 7200n * NS_PER_S });
      if (stored !== undefined) await h.storage.put({ key: "role/deploy", value: Buffer.from(stored, "utf8") });
      const response = await h.backend.handleRequest(renewAt(h, "creds/deploy"));
      expect(response?.secret?.lease).toMatchObject({ ttl: 1800n * NS_PER_S, maxTtl: 7200n * NS_PER_S, renewable: true });
      expect(warnings).toHaveLength(stored === undefined ? 0 : 1);
    });
  });

  it("treats a lease without is_sts (issued before the flag existed) as an IAM user", async () => {
    const h = harness();
    await writeLeaseConfig(h.storage, { lease: 60n * NS_PER_S, leaseMax: 120n * NS_PER_S });
    const response = await h.backend.handleRequest(leaseRequest(h, "renew", { username: "u", policy: "{}" }));
    expect(response?.secret?.lease.ttl).toBe(60n * NS_PER_S);
  });
});

describe("access_keys revoke", () => {
  it("tears down a user issued by Vault's builtin engine, including a login profile and SSH key added later", async () => {
    const h = harness();
    h.iam.addUser(VAULT_IAM_LEASE.username, {
      keys: new Map([["AKIA1", "s"]]),
      inline: new Map([["deploy", "{}"]]),
      loginProfile: true,
      sshKeys: new Set(["APKA1"]),
    });
    expect(await h.backend.handleRequest(leaseRequest(h, "revoke", VAULT_IAM_LEASE))).toBeUndefined();
    expect(h.iam.users.size).toBe(0);
  });

  it("is a no-op for STS credentials", async () => {
    const h = harness();
    for (const internal of [{ username: "s", policy: "arn:aws:iam::1:role/r", is_sts: true }, { is_sts: true }]) {
      expect(await h.backend.handleRequest(leaseRequest(h, "revoke", internal))).toBeUndefined();
    }
    expect(h.iam.calls).toEqual([]);
  });

  it("deletes an IAM user for a lease without is_sts", async () => {
    const h = harness();
    h.iam.addUser("old-user");
    await h.backend.handleRequest(leaseRequest(h, "revoke", { username: "old-user", policy: "{}" }));
    expect(h.iam.users.size).toBe(0);
  });

  it("refuses leases whose internal data it cannot read, with upstream's texts", async () => {
    const h = harness();
    await expect(h.backend.handleRequest(leaseRequest(h, "revoke", { username: "u", is_sts: "yes" }))).rejects.toThrow(
      "secret has is_sts but value could not be understood",
    );
    await expect(h.backend.handleRequest(leaseRequest(h, "revoke", { is_sts: false }))).rejects.toThrow("secret is missing username internal data");
    await expect(h.backend.handleRequest(leaseRequest(h, "revoke", { username: 42, is_sts: false }))).rejects.toThrow(
      "secret is missing username internal data",
    );
  });

  it("counts a user that is already gone as revoked once the lease is five minutes old", async () => {
    const h = harness();
    const old = new Date(h.clock.current.getTime() - AWS_USER_ROLLBACK_MIN_AGE_MS - 1);
    expect(await h.backend.handleRequest(leaseRequest(h, "revoke", VAULT_IAM_LEASE, old))).toBeUndefined();
  });

  it("keeps retrying (fails) for a missing user on a young lease: IAM may not show a new user yet", async () => {
    const h = harness();
    const young = new Date(h.clock.current.getTime() - 10_000);
    await expect(h.backend.handleRequest(leaseRequest(h, "revoke", VAULT_IAM_LEASE, young))).rejects.toThrow(/NoSuchEntity/);
  });
});

describe("access_keys declaration", () => {
  it("is renewable and documents upstream's fields", () => {
    const h = harness();
    const spec = accessKeysSecret(h.ctx);
    expect(spec.type).toBe("access_keys");
    expect(Object.keys(spec.fields ?? {})).toEqual(["access_key", "secret_key", "session_token", "security_token"]);
    // security_token is the older name: still sent, documented as deprecated, as upstream does.
    expect(spec.fields?.["security_token"]?.deprecated).toBe(true);
    expect(spec.fields?.["session_token"]?.deprecated).toBe(false);
    expect(spec.renew).toBeDefined();
    expect(spec.revoke).toBeDefined();
  });

  it("stores the role in upstream's awsRoleEntry layout as the lease's policy", () => {
    const role: RoleEntry = {
      credentialTypes: ["iam_user"], policyArns: ["arn:aws:iam::aws:policy/A"], roleArns: [], policyDocument: "{}", iamGroups: [], iamTags: { a: "b" },
      sessionTags: {}, externalId: "", defaultStsTtl: 0n, maxStsTtl: 0n, ttl: 0n, maxTtl: 0n, userPath: "/x/", permissionsBoundaryArn: "", mfaSerialNumber: "",
      invalidData: "", prohibitFlexibleCredPath: true, version: 1,
    };
    expect(upstreamRoleJson(role)).toEqual({
      credential_types: ["iam_user"], policy_arns: ["arn:aws:iam::aws:policy/A"], role_arns: null, policy_document: "{}", iam_groups: null,
      iam_tags: { a: "b" }, session_tags: null, external_id: "", prohibit_flexible_cred_path: true, version: 1, default_sts_ttl: 0,
      max_sts_ttl: 0, user_path: "/x/", permissions_boundary_arn: "", mfa_serial_number: "",
    });
  });
});

describe("per-role lease of IAM users (vault#15176)", () => {
  const S = 1_000_000_000n;
  it.each([
    ["the role's ttl and max_ttl win", { ttl: 600n * S, maxTtl: 1200n * S }, { lease: 3600n * S, leaseMax: 7200n * S }, { ttl: 600n * S, maxTtl: 1200n * S }],
    ["config/lease fills what the role leaves unset", { ttl: 600n * S, maxTtl: 0n }, { lease: 3600n * S, leaseMax: 7200n * S }, { ttl: 600n * S, maxTtl: 7200n * S }],
    ["zeros (mount defaults) without either", { ttl: 0n, maxTtl: 0n }, undefined, { ttl: 0n, maxTtl: 0n }],
    ["a deleted role falls back to config/lease", undefined, { lease: 60n * S, leaseMax: 120n * S }, { ttl: 60n * S, maxTtl: 120n * S }],
  ])("%s", (_name, role, lease, terms) => {
    expect(iamUserLeaseTerms(role, lease)).toEqual(terms);
  });
});
