import { describe, expect, it } from "vitest";
import { getWal, listWal } from "../../../src/framework/index.js";
import { LogicalError } from "../../../src/logical/index.js";
import {
  AWS_USER_ROLLBACK_MIN_AGE_MS,
  createIamUser,
  deleteIamUser,
  listAllPages,
} from "../../../src/engines/aws-secrets/iam-user.js";
import type { RoleEntry } from "../../../src/engines/aws-secrets/model.js";
import { accessDenied, awsError, harness, noSuchEntity, recordingLogger } from "./creds-fakes.js";

function role(overrides: Partial<RoleEntry> = {}): RoleEntry {
  return {
    credentialTypes: ["iam_user"], policyArns: [], roleArns: [], policyDocument: "", iamGroups: [], iamTags: {}, sessionTags: {},
    externalId: "", defaultStsTtl: 0n, maxStsTtl: 0n, ttl: 0n, maxTtl: 0n, userPath: "", permissionsBoundaryArn: "", mfaSerialNumber: "", invalidData: "",
    prohibitFlexibleCredPath: false, version: 3, ...overrides,
  };
}

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

describe("createIamUser", () => {
  it("creates the user with path, boundary, policies, groups, tags and one access key", async () => {
    const h = harness();
    h.iam.groups.set("devs", { attached: [], inline: new Map() });
    h.iam.groups.set("ops", { attached: [], inline: new Map() });
    const created = await createIamUser(
      h.ctx,
      h.request({ operation: "read", path: "creds/deploy", displayName: "token-alice" }),
      role({
        userPath: "/vault/",
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary",
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/extra"],
        policyDocument: POLICY,
        iamGroups: ["devs", "ops"],
        iamTags: { team: "platform", env: "prod" },
      }),
      "deploy",
    );
    const user = h.iam.users.get(created.username);
    expect(user).toBeDefined();
    expect(created.username).toMatch(/^vault-token-alice-deploy-\d+-[A-Za-z0-9]+$/);
    expect(user?.path).toBe("/vault/");
    expect(user?.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/boundary");
    expect([...(user?.attached ?? [])]).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/extra"]);
    // The inline policy is named after the Vault role.
    expect([...(user?.inline ?? [])]).toEqual([["deploy", POLICY]]);
    expect([...(user?.groups ?? [])]).toEqual(["devs", "ops"]);
    expect(user?.tags).toEqual([{ Key: "team", Value: "platform" }, { Key: "env", Value: "prod" }]);
    expect(user?.keys.get(created.accessKeyId)).toBe(created.secretAccessKey);
    // Upstream's order: tags by TagUser after the groups, the key last.
    expect(h.iam.calls.map((c) => c.split(" ")[0])).toEqual([
      "CreateUser", "AttachUserPolicy", "AttachUserPolicy", "PutUserPolicy", "AddUserToGroup", "AddUserToGroup", "TagUser", "CreateAccessKey",
    ]);
  });

  it("defaults the path to / and sends no boundary or tags when the role has none", async () => {
    const h = harness();
    const created = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r");
    expect(h.iam.users.get(created.username)?.path).toBe("/");
    expect(h.iam.users.get(created.username)?.permissionsBoundary).toBeUndefined();
    expect(h.iam.calls.map((c) => c.split(" ")[0])).toEqual(["CreateUser", "CreateAccessKey"]);
  });

  it("writes the WAL entry {UserName} before CreateUser and leaves it for the caller to commit after the reply", async () => {
    const h = harness();
    const seen: unknown[] = [];
    h.iam.onCreateUser = async (name) => {
      const ids = await listWal(h.storage);
      expect(ids).toHaveLength(1);
      const entry = await getWal(h.storage, ids[0] ?? "");
      seen.push({ kind: entry?.kind, data: entry?.data, name });
    };
    const created = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r");
    expect(seen).toEqual([{ kind: "user", data: { UserName: created.username }, name: created.username }]);
    // Until Vault has the reply, the entry is the user's only record (path-creds commits it).
    expect(await listWal(h.storage)).toEqual([created.walId]);
  });

  it("stamps the WAL entry with the injected clock", async () => {
    const h = harness();
    let createdAt = 0;
    h.iam.onCreateUser = async () => {
      createdAt = (await getWal(h.storage, (await listWal(h.storage))[0] ?? ""))?.createdAt ?? 0;
    };
    await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r");
    expect(createdAt).toBe(Math.floor(h.clock.current.getTime() / 1000));
  });

  it("removes the WAL entry at once when CreateUser fails, and answers with upstream's prefix", async () => {
    const h = harness();
    h.iam.failures.set("CreateUser", () => awsError("LimitExceeded", "Cannot exceed quota for UsersPerAccount: 5000", 409));
    const error = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogicalError);
    expect((error as LogicalError).kind).toBe("user");
    expect((error as LogicalError).message).toBe("Error creating IAM user: LimitExceeded: Cannot exceed quota for UsersPerAccount: 5000");
    expect(await listWal(h.storage)).toEqual([]);
    expect(h.iam.users.size).toBe(0);
  });

  it.each<[string, string, Partial<RoleEntry>]>([
    ["AttachUserPolicy", "Error attaching user policy", { policyArns: ["arn:aws:iam::aws:policy/Nope"] }],
    ["PutUserPolicy", "Error putting user policy", { policyDocument: POLICY }],
    ["AddUserToGroup", "Error adding user to group", { iamGroups: ["missing-group"] }],
    ["TagUser", "Error adding tags to user", { iamTags: { a: "b" } }],
    ["CreateAccessKey", "Error creating access keys", {}],
  ])("leaves the WAL entry for the rollback when %s fails", async (op, prefix, overrides) => {
    const h = harness();
    if (op !== "AddUserToGroup") h.iam.failures.set(op, () => awsError("MalformedPolicyDocument", "bad input"));
    const error = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(overrides), "r").catch((e: unknown) => e);
    expect((error as Error).message.startsWith(`${prefix}: `)).toBe(true);
    expect((error as LogicalError).kind).toBe("user");
    expect(await listWal(h.storage)).toHaveLength(1);
    expect(h.iam.users.size).toBe(1);
  });

  it("calls CreateAccessKey last, once the attachments are in place", async () => {
    const h = harness();
    let inlineAtKeyTime = -1;
    h.iam.failures.set("CreateAccessKey", (input) => {
      inlineAtKeyTime = h.iam.users.get(String(input["UserName"]))?.inline.size ?? -1;
      return new Error("injected crash");
    });
    const error = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role({ policyDocument: POLICY }), "r").catch((e: unknown) => e);
    expect((error as Error).message).toBe("Error creating access keys: AWS call: failed: injected crash");
    expect(inlineAtKeyTime).toBe(1);
    expect(await listWal(h.storage)).toHaveLength(1);
  });

  it("keeps the WAL entry when CreateUser fails without an answer from AWS (the user may exist)", async () => {
    const h = harness();
    h.iam.failures.set("CreateUser", () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const error = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogicalError);
    expect(await listWal(h.storage)).toHaveLength(1);
  });

  it("answers a username template that yields an over-long name as a user error, before touching IAM", async () => {
    const h = harness();
    const { writeRootConfig } = await import("../../../src/engines/aws-secrets/config-root-storage.js");
    await writeRootConfig(h.storage, {
      accessKey: "", secretKey: "", region: "", iamEndpoint: "", stsEndpoint: "", stsRegion: "", stsFallbackEndpoints: [], stsFallbackRegions: [],
      maxRetries: -1, usernameTemplate: "x".repeat(65), roleArn: "", identityTokenAudience: "", identityTokenTtl: 0n,
    });
    const error = await createIamUser(h.ctx, h.request({ operation: "read", path: "creds/r" }), role(), "r").catch((e: unknown) => e);
    expect((error as LogicalError).kind).toBe("user");
    expect((error as Error).message).toMatch(/64/);
    expect(h.iam.calls).toEqual([]);
    expect(await listWal(h.storage)).toEqual([]);
  });
});

/** A user carrying one of everything IAM refuses DeleteUser over. */
function loadedUser(h: ReturnType<typeof harness>, name = "vault-loaded"): void {
  h.iam.groups.set("g1", { attached: [], inline: new Map() });
  h.iam.groups.set("g2", { attached: [], inline: new Map() });
  h.iam.virtualMfa.add("arn:aws:iam::123456789012:mfa/vault-loaded");
  h.iam.addUser(name, {
    keys: new Map([["AKIA1", "s1"], ["AKIA2", "s2"]]),
    attached: new Set(["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"]),
    inline: new Map([["p1", "{}"], ["p2", "{}"]]),
    groups: new Set(["g1", "g2"]),
    loginProfile: true,
    mfaDevices: new Set(["arn:aws:iam::123456789012:mfa/vault-loaded", "GAHT12345678"]),
    sshKeys: new Set(["APKA1", "APKA2"]),
    signingCerts: new Set(["CERT1", "CERT2"]),
    serviceCreds: new Set(["ACCA1", "ACCA2"]),
  });
}

describe("deleteIamUser", () => {
  it("removes every kind of attachment, then the user (IAM refuses DeleteUser otherwise)", async () => {
    const h = harness();
    loadedUser(h);
    await deleteIamUser(h.ctx, "vault-loaded", { fromRollback: false });
    expect(h.iam.users.has("vault-loaded")).toBe(false);
    // The virtual MFA device goes too; a hardware device is only deactivated.
    expect(h.iam.virtualMfa.size).toBe(0);
    const ops = h.iam.calls.map((c) => c.split(" ")[0]);
    for (const op of [
      "DeleteAccessKey", "DeleteLoginProfile", "DeleteSSHPublicKey", "DeleteSigningCertificate", "DeleteServiceSpecificCredential",
      "DeactivateMFADevice", "DeleteVirtualMFADevice", "DetachUserPolicy", "DeleteUserPolicy", "RemoveUserFromGroup",
    ]) {
      expect(ops.filter((o) => o === op).length, op).toBeGreaterThanOrEqual(op === "DeleteLoginProfile" || op === "DeleteVirtualMFADevice" ? 1 : 2);
    }
    expect(ops[0]).toBe("ListGroupsForUser");
    expect(ops.at(-1)).toBe("DeleteUser");
    // Keys are the first thing removed, so they stop working before anything else happens.
    expect(ops.indexOf("DeleteAccessKey")).toBeLessThan(ops.indexOf("DeleteLoginProfile"));
  });

  it("follows list pagination to the last page", async () => {
    const h = harness();
    h.iam.pageSize = 1;
    h.iam.addUser("u", { keys: new Map([["K1", "a"], ["K2", "b"], ["K3", "c"]]), inline: new Map([["a", "{}"], ["b", "{}"], ["c", "{}"]]) });
    await deleteIamUser(h.ctx, "u", { fromRollback: false });
    expect(h.iam.users.has("u")).toBe(false);
    expect(h.iam.calls.filter((c) => c.startsWith("ListAccessKeys"))).toHaveLength(3);
  });

  it("deletes a plain user with upstream's calls plus the extra lists", async () => {
    const h = harness();
    h.iam.addUser("plain");
    await deleteIamUser(h.ctx, "plain", { fromRollback: false });
    expect(h.iam.users.size).toBe(0);
  });

  describe("a user that is already gone", () => {
    it("counts as deleted for a rollback", async () => {
      const h = harness();
      await expect(deleteIamUser(h.ctx, "ghost", { fromRollback: true })).resolves.toBeUndefined();
      expect(h.iam.calls).toEqual(["ListGroupsForUser ghost"]);
    });

    it("counts as deleted for a lease older than five minutes", async () => {
      const h = harness();
      const issued = new Date(h.clock.current.getTime() - AWS_USER_ROLLBACK_MIN_AGE_MS - 1000);
      await expect(deleteIamUser(h.ctx, "ghost", { fromRollback: false, leaseIssued: issued })).resolves.toBeUndefined();
    });

    it("counts as deleted when the lease has no issue time (Go's zero time), as upstream", async () => {
      const h = harness();
      await expect(deleteIamUser(h.ctx, "ghost", { fromRollback: false })).resolves.toBeUndefined();
      await expect(deleteIamUser(h.ctx, "ghost", { fromRollback: false, leaseIssued: new Date("0001-01-01T00:00:00Z") })).resolves.toBeUndefined();
    });

    it("is NOT believed for a lease younger than five minutes (IAM eventual consistency)", async () => {
      const h = harness();
      const issued = new Date(h.clock.current.getTime() - 60_000);
      const error = await deleteIamUser(h.ctx, "ghost", { fromRollback: false, leaseIssued: issued }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^error deleting IAM user "ghost": NoSuchEntity: /);
      h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS);
      await expect(deleteIamUser(h.ctx, "ghost", { fromRollback: false, leaseIssued: issued })).resolves.toBeUndefined();
    });

    it("ignores NoSuchEntity on later deletes and on DeleteUser (removed concurrently)", async () => {
      const h = harness();
      h.iam.addUser("u", { keys: new Map([["K1", "a"]]), attached: new Set(["arn:p"]) });
      h.iam.failures.set("DeleteAccessKey", () => noSuchEntity("gone"));
      h.iam.failures.set("DetachUserPolicy", () => noSuchEntity("gone"));
      h.iam.failures.set("DeleteUser", () => noSuchEntity("gone"));
      await expect(deleteIamUser(h.ctx, "u", { fromRollback: false })).resolves.toBeUndefined();
    });
  });

  it("tolerates AccessDenied on the attachment kinds upstream never touched, and warns", async () => {
    const warnings: string[] = [];
    const h = harness({ logger: recordingLogger(warnings) });
    h.iam.addUser("u");
    for (const op of ["DeleteLoginProfile", "ListSSHPublicKeys", "ListSigningCertificates", "ListServiceSpecificCredentials", "ListMFADevices"]) {
      h.iam.failures.set(op, () => accessDenied(`iam:${op}`));
    }
    await deleteIamUser(h.ctx, "u", { fromRollback: false });
    expect(h.iam.users.size).toBe(0);
    expect(warnings).toHaveLength(1);
  });

  it("skips an optional listing the endpoint cannot answer (moto lacks service-specific credentials)", async () => {
    const h = harness();
    h.iam.addUser("u");
    h.iam.failures.set("ListServiceSpecificCredentials", () => awsError("InternalFailure", "not implemented", 500, "server"));
    await deleteIamUser(h.ctx, "u", { fromRollback: false });
    expect(h.iam.users.size).toBe(0);
  });

  it("explains a DeleteConflict with what it could not list", async () => {
    const h = harness();
    h.iam.addUser("u", { sshKeys: new Set(["APKA1"]) });
    h.iam.failures.set("ListSSHPublicKeys", () => accessDenied("iam:ListSSHPublicKeys"));
    const error = await deleteIamUser(h.ctx, "u", { fromRollback: false }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^error deleting IAM user "u": DeleteConflict: .*\(could not list SSH public keys: .*iam:ListSSHPublicKeys\)$/);
    expect(h.iam.users.has("u")).toBe(true);
  });

  it("fails on AccessDenied for the calls upstream needs too", async () => {
    const h = harness();
    h.iam.addUser("u", { keys: new Map([["K1", "a"]]) });
    h.iam.failures.set("ListAccessKeys", () => accessDenied("iam:ListAccessKeys"));
    const error = await deleteIamUser(h.ctx, "u", { fromRollback: false }).catch((e: unknown) => e);
    expect((error as LogicalError).message).toMatch(/^error deleting IAM user "u": AccessDenied: /);
    expect(h.iam.users.has("u")).toBe(true);
  });

  it("reports throttling as an internal error, as upstream's revoke returns it", async () => {
    const h = harness();
    h.iam.addUser("u");
    h.iam.failures.set("ListGroupsForUser", () => awsError("Throttling", "Rate exceeded"));
    const error = await deleteIamUser(h.ctx, "u", { fromRollback: true }).catch((e: unknown) => e);
    expect((error as LogicalError).kind).toBe("internal");
    expect((error as LogicalError).message).toBe('error deleting IAM user "u": Throttling: Rate exceeded');
  });

  it("serialises concurrent teardowns of one user, so both succeed", async () => {
    const h = harness();
    loadedUser(h);
    await Promise.all([
      deleteIamUser(h.ctx, "vault-loaded", { fromRollback: false }),
      deleteIamUser(h.ctx, "vault-loaded", { fromRollback: false }),
    ]);
    expect(h.iam.users.size).toBe(0);
  });
});

describe("listAllPages", () => {
  it("stops on a truncated page without a new marker instead of looping", async () => {
    let calls = 0;
    const items = await listAllPages(
      async () => {
        calls += 1;
        return { IsTruncated: true, Marker: "same", items: [calls] };
      },
      (p) => p.items,
    );
    expect(items).toEqual([1, 2]);
  });
});
