import { beforeAll, describe, expect, it } from "vitest";
import { CodedError, newRequest } from "../../../../src/logical/index.js";
import { accessList, writeDenyListEntry } from "../../../../src/engines/aws-auth/list-storage.js";
import { putJson } from "../../../../src/logical/index.js";
import { ec2IdentitySigner, type Ec2IdentitySigner } from "../../../helpers/ec2-identity.js";
import { ACCOUNT, HOUR, defaultDoc, defaultInstance, ec2Role, newMount, roleTagValue, type Doc, type Mount } from "./ec2-fixtures.js";

let signer: Ec2IdentitySigner;
beforeAll(async () => {
  signer = await ec2IdentitySigner();
});

const errorOf = (r: unknown): unknown => (r as { data?: { error?: unknown } } | undefined)?.data?.error;

async function mountWith(role = ec2Role(), doc: Doc = defaultDoc(), maxLeaseTtl?: bigint): Promise<Mount> {
  const m = await newMount(signer, maxLeaseTtl);
  await m.putRole("web", role);
  m.instances.set(doc.instanceId, defaultInstance(doc));
  return m;
}

describe("ec2 login: first login and token", () => {
  it("issues a token with upstream's metadata, alias, internal data and max TTL, and writes the access-list entry", async () => {
    const m = await mountWith(ec2Role({ token: { ...ec2Role().token, tokenMaxTtl: 10n * HOUR } }));
    const resp = await m.call("update", m.body(defaultDoc(), { role: "web" }));
    const auth = resp?.auth;
    expect(errorOf(resp)).toBeUndefined();
    expect(auth?.policies).toEqual(["dev", "prod"]);
    expect(auth?.lease.maxTtl).toBe(10n * HOUR);
    expect(auth?.metadata).toEqual({ role: "web", role_tag_max_ttl: "0s", account_id: ACCOUNT, auth_type: "ec2", nonce: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(auth?.alias).toEqual({ name: ec2Role().roleId, metadata: { account_id: ACCOUNT, auth_type: "ec2" } });
    expect(auth?.internalData).toEqual({ instance_id: "i-0123456789abcdef0", region: "us-east-1", account_id: ACCOUNT });
    expect(m.ec2Calls).toEqual([{ region: "us-east-1", accountId: ACCOUNT }]);
    const entry = await accessList.get(m.storage, "i-0123456789abcdef0");
    expect(entry).toMatchObject({ role: "web", clientNonce: auth?.metadata["nonce"], disallowReauthentication: false, pendingTime: "2026-01-01T00:00:00Z" });
    // The entry lives as long as the longest max TTL: the mount's 48h beats the role's 10h.
    expect(entry?.expirationTime.toISOString()).toBe("2026-02-03T00:00:00.000Z");
  });

  it.each(["pkcs7", "rsa2048"] as const)("accepts the document as %s, verified against the registered pkcs7 certificates", async (form) => {
    const m = await mountWith();
    const resp = await m.call("update", m.body(defaultDoc(), { role: "web" }, form));
    expect(errorOf(resp)).toBeUndefined();
    expect(resp?.auth?.internalData["instance_id"]).toBe("i-0123456789abcdef0");
  });

  it("refuses a document signed by an unregistered key", async () => {
    const m = await mountWith();
    const stranger = await ec2IdentitySigner("stranger");
    const text = JSON.stringify(defaultDoc());
    expect(errorOf(await m.call("update", { role: "web", pkcs7: stranger.pkcs7Dsa(text) }))).toBe(
      "failed to verify the instance identity document using pkcs7: failed to verify the signature: pkcs7: No certificate for signer",
    );
    expect(errorOf(await m.call("update", { role: "web", identity: stranger.identity(text), signature: stranger.signature(text) }))).toBe(
      "failed to verify the instance identity document using the SHA256 RSA digest: instance identity verification using SHA256 RSA signature is unsuccessful",
    );
  });

  it("defaults the role to the AMI ID and looks roles up case-insensitively", async () => {
    const m = await newMount(signer);
    await m.putRole("ami-0abc", ec2Role());
    m.instances.set("i-0123456789abcdef0", defaultInstance());
    expect((await m.call("update", m.body(defaultDoc())))?.auth?.metadata["role"]).toBe("ami-0abc");
    expect(await m.call("resolve-role", m.body(defaultDoc()))).toEqual({ data: { role: "ami-0abc" } });
    const upper = await mountWith();
    expect((await upper.call("update", upper.body(defaultDoc(), { role: "WEB" })))?.auth?.metadata["role"]).toBe("WEB");
  });

  it("answers alias lookahead with only the alias, without calling EC2", async () => {
    const m = await mountWith();
    const resp = await m.call("alias-lookahead", m.body(defaultDoc(), { role: "web" }));
    expect(resp?.auth?.alias).toEqual({ name: ec2Role().roleId });
    expect(m.ec2Calls).toEqual([]);
  });

  it.each([
    ["instance_id", "i-0123456789abcdef0"],
    ["image_id", "ami-0abc"],
    ["role_id", ec2Role().roleId],
  ])("uses ec2_alias %s", async (alias, name) => {
    const m = await mountWith();
    await putJson(m.storage, "config/identity", { ec2_alias: alias, ec2_auth_metadata_handler: { auth_metadata: null } });
    expect((await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth?.alias?.name).toBe(name);
  });

  it("writes the ec2_metadata fields chosen in config/identity, and none for an explicit empty list", async () => {
    const m = await mountWith();
    await putJson(m.storage, "config/identity", { ec2_alias: "role_id", ec2_auth_metadata_handler: { auth_metadata: ["instance_id", "region", "ami_id"] } });
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "n1" })))?.auth;
    expect(auth?.metadata).toEqual({ role: "web", role_tag_max_ttl: "0s", instance_id: "i-0123456789abcdef0", region: "us-east-1", ami_id: "ami-0abc" });
    await putJson(m.storage, "config/identity", { ec2_alias: "role_id", ec2_auth_metadata_handler: { auth_metadata: [] } });
    const again = (await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "n1" })))?.auth;
    expect(again?.metadata).toEqual({ role: "web", role_tag_max_ttl: "0s" });
  });
});

describe("ec2 login: nonce and access list", () => {
  it("lets the instance back in with its nonce only", async () => {
    const m = await mountWith();
    const first = await m.call("update", m.body(defaultDoc(), { role: "web" }));
    const nonce = first?.auth?.metadata["nonce"] ?? "";
    const again = await m.call("update", m.body(defaultDoc(), { role: "web", nonce }));
    expect(errorOf(again)).toBeUndefined();
    // A nonce the client chose is not echoed.
    expect(again?.auth?.metadata["nonce"]).toBeUndefined();
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "other" })))).toBe("client nonce mismatch");
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe("client nonce mismatch");
  });

  it("refuses a document older than the one of the previous login", async () => {
    const m = await mountWith();
    await m.call("update", m.body({ ...defaultDoc(), pendingTime: "2026-01-02T00:00:00Z" }, { role: "web", nonce: "n" }));
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "n" })))).toBe("instance meta-data is older than the one used for previous login");
  });

  it("accepts a new nonce on a migrating role only with a strictly newer pendingTime, keeping the stored nonce", async () => {
    const m = await mountWith(ec2Role({ allowInstanceMigration: true }));
    await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "first" }));
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "second" })))).toBe("client nonce mismatch and instance meta-data incorrect");
    const moved = await m.call("update", m.body({ ...defaultDoc(), pendingTime: "2026-01-05T00:00:00.5Z" }, { role: "web", nonce: "second" }));
    expect(errorOf(moved)).toBeUndefined();
    expect(await accessList.get(m.storage, "i-0123456789abcdef0")).toMatchObject({ clientNonce: "first", pendingTime: "2026-01-05T00:00:00.5Z" });
  });

  it("treats an empty nonce as 'disallow reauthentication', sticky in the entry", async () => {
    const m = await mountWith();
    const resp = await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "" }));
    expect(resp?.auth?.metadata["nonce"]).toBeUndefined();
    expect(await accessList.get(m.storage, "i-0123456789abcdef0")).toMatchObject({ clientNonce: "", disallowReauthentication: true });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "x" })))).toBe("reauthentication is disabled");
  });

  it("honours the role's disallow_reauthentication and returns no nonce", async () => {
    const m = await mountWith(ec2Role({ disallowReauthentication: true }));
    const resp = await m.call("update", m.body(defaultDoc(), { role: "web" }));
    expect(resp?.auth?.metadata["nonce"]).toBeUndefined();
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe("reauthentication is disabled");
  });

  it("refuses a nonce over 128 characters and writes nothing", async () => {
    const m = await mountWith();
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "n".repeat(129) })))).toBe("client nonce exceeding the limit of 128 characters");
    expect(await accessList.get(m.storage, "i-0123456789abcdef0")).toBeUndefined();
    // Bytes count, as in Go: 43 three-byte characters are 129 bytes.
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web", nonce: "€".repeat(43) })))).toBe("client nonce exceeding the limit of 128 characters");
  });
});

describe("ec2 login: instance and binds", () => {
  it.each([
    ["instance ID", { boundEc2InstanceIds: ["i-other"] }, `Error validating instance: instance ID "i-0123456789abcdef0" does not belong to the role "web"`],
    ["account", { boundAccountIds: ["999999999999"] }, `Error validating instance: account ID "123456789012" does not belong to role "web"`],
    ["AMI", { boundAmiIds: ["ami-other"] }, `Error validating instance: AMI ID "ami-0abc" does not belong to role "web"`],
    ["subnet", { boundSubnetIds: ["subnet-2"] }, `Error validating instance: subnet ID "subnet-1" does not satisfy the constraint on role "web"`],
    ["VPC", { boundVpcIds: ["vpc-2"] }, `Error validating instance: VPC ID "vpc-1" does not satisfy the constraint on role "web"`],
    ["region", { boundRegions: ["eu-west-1"] }, `Region "us-east-1" does not satisfy the constraint on role "web"`],
    [
      "instance profile",
      { boundIamInstanceProfileArns: [`arn:aws:iam::${ACCOUNT}:instance-profile/other`] },
      `Error validating instance: IAM instance profile ARN "arn:aws:iam::${ACCOUNT}:instance-profile/path/web-profile" does not satisfy the constraint role "web"`,
    ],
    [
      "IAM role",
      { boundIamRoleArns: [`arn:aws:iam::${ACCOUNT}:role/other`] },
      `Error validating instance: IAM role ARN "arn:aws:iam::${ACCOUNT}:role/web-role" does not satisfy the constraint role "web"`,
    ],
  ])("refuses on the %s bind, naming it", async (_name, binds, message) => {
    const m = await mountWith(ec2Role(binds));
    m.profiles.set("web-profile", { arn: "", instanceProfileId: "AIPA", roles: [{ arn: `arn:aws:iam::${ACCOUNT}:role/web-role`, roleId: "AROA" }] });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe(message);
  });

  it("accepts matching binds, with exact and trailing-* ARN binds", async () => {
    const m = await mountWith(
      ec2Role({
        boundEc2InstanceIds: ["i-0123456789abcdef0"],
        boundAccountIds: [ACCOUNT],
        boundAmiIds: ["ami-0abc"],
        boundSubnetIds: ["subnet-1"],
        boundVpcIds: ["vpc-1"],
        boundRegions: ["us-east-1"],
        boundIamInstanceProfileArns: [`arn:aws:iam::${ACCOUNT}:instance-profile/path/*`],
        boundIamRoleArns: [`arn:aws:iam::${ACCOUNT}:role/web-role`],
      }),
    );
    m.profiles.set("web-profile", { arn: "", instanceProfileId: "AIPA", roles: [{ arn: `arn:aws:iam::${ACCOUNT}:role/web-role`, roleId: "AROA" }] });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBeUndefined();
  });

  it("requires exactly one role in the instance profile for an IAM role bind", async () => {
    const m = await mountWith(ec2Role({ boundIamRoleArns: [`arn:aws:iam::${ACCOUNT}:role/*`] }));
    m.profiles.set("web-profile", { arn: "", instanceProfileId: "AIPA", roles: [] });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe(
      `Error validating instance: IAM role ARN could not be fetched: instance profile "web-profile" has 0 roles, exactly one is required`,
    );
  });

  it("refuses an unknown or stopped instance", async () => {
    const m = await mountWith();
    m.instances.clear();
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe(
      `failed to verify instance ID: no instance with ID "i-0123456789abcdef0" found in region "us-east-1" of account "123456789012"`,
    );
    m.instances.set("i-0123456789abcdef0", { ...defaultInstance(), state: "stopped" });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe("failed to verify instance ID: instance is not in 'running' state");
  });

  it("refuses a role of auth_type iam, and enforces token_bound_cidrs with 403", async () => {
    const iam = await mountWith(ec2Role({ authType: "iam" }));
    expect(errorOf(await iam.call("update", iam.body(defaultDoc(), { role: "web" })))).toBe("auth method ec2 not allowed for role web");
    const cidr = await mountWith(ec2Role({ token: { ...ec2Role().token, tokenBoundCidrs: ["192.168.0.0/16"] } }));
    await expect(cidr.call("update", cidr.body(defaultDoc(), { role: "web" }))).rejects.toThrow(CodedError);
    await expect(cidr.call("update", cidr.body(defaultDoc(), { role: "web" }), { connection: undefined })).rejects.toThrow(/no connection information/);
    const ok = await cidr.call("update", cidr.body(defaultDoc(), { role: "web" }), { connection: { remoteAddr: "192.168.3.4", remotePort: 1, peerCertificates: [] } });
    expect(errorOf(ok)).toBeUndefined();
  });
});

describe("ec2 login: document input", () => {
  it("refuses a bad signature, bad base64, both forms, and a missing role without echoing the signature", async () => {
    const m = await mountWith();
    const body = m.body(defaultDoc(), { role: "web" });
    const other = m.body({ ...defaultDoc(), instanceId: "i-x" });
    const forged = await m.call("update", { ...body, signature: other["signature"] });
    expect(errorOf(forged)).toBe(
      "failed to verify the instance identity document using the SHA256 RSA digest: instance identity verification using SHA256 RSA signature is unsuccessful",
    );
    expect(JSON.stringify(forged)).not.toContain(String(other["signature"]));
    expect(errorOf(await m.call("update", { ...body, identity: "not base64!" }))).toBe("failed to base64 decode the instance identity document");
    expect(errorOf(await m.call("update", { ...body, signature: "@@@@" }))).toBe("failed to base64 decode the SHA256 RSA signature of the instance identity document");
    expect(errorOf(await m.call("update", { ...body, pkcs7: "MIAG" }))).toBe(
      "both pkcs7 and a tuple containing the instance identity document and its SHA256 RSA signature is supplied; provide only one",
    );
    expect(errorOf(await m.call("update", { pkcs7: "" }))).toBe("either pkcs7 or a tuple containing the instance identity document and its SHA256 RSA signature needs to be provided");
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "nope" })))).toBe(`entry for role "nope" not found`);
  });
});

describe("ec2 login: role tags", () => {
  const tagged = (value: string) => ({ ...defaultInstance(), tags: { VaultRole: value } });
  const tagRole = ec2Role({ roleTag: "VaultRole" });

  it("narrows policies, caps the max TTL and records role_tag_max_ttl", async () => {
    const m = await mountWith(tagRole);
    m.instances.set("i-0123456789abcdef0", tagged(roleTagValue(tagRole.hmacKey, { role: "web", policies: ["dev"], maxTtlSeconds: 3600 })));
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    expect(auth?.policies).toEqual(["dev"]);
    expect(auth?.lease.maxTtl).toBe(HOUR);
    expect(auth?.metadata["role_tag_max_ttl"]).toBe("1h0m0s");
  });

  it("accepts a tag issued by role/<role>/tag", async () => {
    const m = await mountWith(tagRole);
    const issued = await m.backend.handleRequest(newRequest({ operation: "update", path: "role/web/tag", storage: m.storage, data: { policies: "prod", max_ttl: "2h" } }));
    const value = (issued?.data as { tag_value?: string } | undefined)?.tag_value ?? "";
    expect((issued?.data as { tag_key?: string } | undefined)?.tag_key).toBe("VaultRole");
    m.instances.set("i-0123456789abcdef0", tagged(value));
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    expect(auth?.policies).toEqual(["prod"]);
    expect(auth?.lease.maxTtl).toBe(2n * HOUR);
  });

  it("lets d=true disallow reauthentication", async () => {
    const m = await mountWith(tagRole);
    m.instances.set("i-0123456789abcdef0", tagged(roleTagValue(tagRole.hmacKey, { role: "web", disallow: true })));
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    expect(auth?.metadata["nonce"]).toBeUndefined();
    expect(await accessList.get(m.storage, "i-0123456789abcdef0")).toMatchObject({ disallowReauthentication: true, clientNonce: "" });
  });

  it.each([
    ["a missing tag", () => defaultInstance(), `missing tag with key "VaultRole" on the instance`],
    ["a tag of another role", () => tagged(roleTagValue(tagRole.hmacKey, { role: "other" })), `entry not found for "other"`],
    ["a forged HMAC", () => tagged(roleTagValue("wrong key", { role: "web" })), "role tag signature verification failed"],
    ["a tag for another instance", () => tagged(roleTagValue(tagRole.hmacKey, { role: "web", instanceId: "i-other" })), "role tag is being used by an unauthorized instance"],
    ["policies beyond the role's", () => tagged(roleTagValue(tagRole.hmacKey, { role: "web", policies: ["admin"] })), "policies on the role tag must be subset of policies on the role"],
    ["an old version", () => tagged("v0:a:r=web:d=false:m=false:x"), "invalid role tag version"],
  ])("refuses %s", async (_name, instance, reason) => {
    const m = await mountWith(tagRole);
    m.instances.set("i-0123456789abcdef0", instance());
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe(`failed to fetch and verify the role tag: ${reason}`);
  });

  it("refuses a deny-listed tag", async () => {
    const m = await mountWith(tagRole);
    // Enough characters that the tag's base64 contains a "/", which storage treats as a folder.
    const value = roleTagValue(tagRole.hmacKey, { role: "web", policies: ["dev"], maxTtlSeconds: 600 });
    m.instances.set("i-0123456789abcdef0", tagged(value));
    const b64 = Buffer.from(value).toString("base64");
    if (b64.includes("/")) await putJson(m.storage, `blacklist/roletag/${b64}`, { creation_time: "2026-01-01T00:00:00Z", expiration_time: "2027-01-01T00:00:00Z" });
    else await writeDenyListEntry(m.storage, b64, { creationTime: new Date(), expirationTime: new Date() });
    expect(errorOf(await m.call("update", m.body(defaultDoc(), { role: "web" })))).toBe("failed to fetch and verify the role tag: role tag is deny listed");
  });
});

describe("ec2 renew", () => {
  it("extends the access-list entry and recomputes the max TTL with the tag's cap", async () => {
    const tagRole = ec2Role({ roleTag: "VaultRole", token: { ...ec2Role().token, tokenTtl: HOUR / 2n, tokenPeriod: 0n } });
    const m = await mountWith(tagRole);
    m.instances.set("i-0123456789abcdef0", { ...defaultInstance(), tags: { VaultRole: roleTagValue(tagRole.hmacKey, { role: "web", maxTtlSeconds: 7200 }) } });
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    m.setNow(new Date("2026-02-02T00:00:00Z"));
    const renewed = await m.call("renew", {}, { auth });
    expect(renewed?.auth?.lease.maxTtl).toBe(2n * HOUR);
    expect(renewed?.auth?.lease.ttl).toBe(HOUR / 2n);
    expect((await accessList.get(m.storage, "i-0123456789abcdef0"))?.expirationTime.toISOString()).toBe("2026-02-04T00:00:00.000Z");
  });

  it("renews a token from before account_id was recorded in Vault's own account", async () => {
    const m = await mountWith();
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    if (auth === undefined) throw new Error("login failed");
    const old = { ...auth, internalData: { instance_id: "i-0123456789abcdef0", region: "us-east-1" } };
    expect((await m.call("renew", {}, { auth: old }))?.auth?.internalData).toEqual(old.internalData);
    expect(m.ec2Calls.at(-1)).toEqual({ region: "us-east-1", accountId: ACCOUNT });
  });

  it("fails when the instance stopped, the entry is gone, or the role is gone", async () => {
    const m = await mountWith();
    const auth = (await m.call("update", m.body(defaultDoc(), { role: "web" })))?.auth;
    m.instances.set("i-0123456789abcdef0", { ...defaultInstance(), state: "stopped" });
    await expect(m.call("renew", {}, { auth })).rejects.toThrow(`failed to verify instance ID "i-0123456789abcdef0": instance is not in 'running' state`);
    m.instances.set("i-0123456789abcdef0", defaultInstance());
    await m.storage.delete("role/web");
    await expect(m.call("renew", {}, { auth })).rejects.toThrow(/role entry not found/);
    await accessList.delete(m.storage, "i-0123456789abcdef0");
    await expect(m.call("renew", {}, { auth })).rejects.toThrow(/failed to verify the access list identity entry/);
  });
});
