import { describe, expect, it } from "vitest";
import { KeyedLock } from "../../../src/framework/index.js";
import { getJson, InmemStorage, StaticSystemView, type Storage } from "../../../src/logical/index.js";
import { REPLICATION_PERFORMANCE_SECONDARY } from "../../../src/framework/replication.js";
import { readRole } from "../../../src/engines/aws-auth/role-storage.js";
import { upgradeRoleStorage } from "../../../src/engines/aws-auth/storage-upgrade.js";
import { harness } from "./role-harness.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR_NS = 3_600_000_000_000;

async function putRaw(storage: Storage, key: string, value: unknown): Promise<void> {
  await storage.put({ key, value: Buffer.from(JSON.stringify(value), "utf8") });
}

// Roles as Vault 0.7/0.8 (version 0: singular binds, no version member), 0.9 (version 1: lists)
// and 0.10 (version 2: prefix binds spelled with "*", no role_id) wrote them.
const V0_EC2 = {
  bound_ami_id: "ami-fce3c696",
  bound_account_id: "123456789012",
  bound_iam_role_arn: "arn:aws:iam::123456789012:instance-profile/web",
  bound_region: "us-east-1",
  role_tag: "VaultRole",
  policies: ["default", "dev"],
  ttl: HOUR_NS,
  max_ttl: 2 * HOUR_NS,
  period: 0,
  allow_instance_migration: false,
  disallow_reauthentication: true,
  hmac_key: "11111111-2222-3333-4444-555555555555",
};
const V0_IAM = {
  auth_type: "iam",
  bound_iam_principal_arn: "arn:aws:iam::123456789012:role/MyRole",
  resolve_aws_unique_ids: true,
  policies: ["dev"],
  ttl: 0,
  max_ttl: 0,
  period: 0,
  hmac_key: "h",
};
const V1_EC2 = {
  auth_type: "ec2",
  bound_ami_id_list: ["ami-1"],
  bound_iam_role_arn_list: ["arn:aws:iam::1:role/app"],
  bound_iam_instance_profile_arn_list: ["arn:aws:iam::1:instance-profile/app"],
  policies: ["p"],
  hmac_key: "h",
  version: 1,
};
const V2_IAM = {
  auth_type: "iam",
  bound_iam_principal_arn_list: ["arn:aws:iam::1:role/x"],
  bound_iam_principal_id_list: ["AROAX"],
  resolve_aws_unique_ids: true,
  token_policies: ["a"],
  hmac_key: "h",
  version: 2,
};

describe("storage upgrade to role version 3", () => {
  it("upgrades version 0, 1 and 2 roles, resolves a version-0 principal, and records config/version", async () => {
    const h = harness();
    h.iam.known.set("123456789012/role/MyRole", "AROAMYROLE");
    await putRaw(h.storage, "role/v0ec2", V0_EC2);
    await putRaw(h.storage, "role/v0iam", V0_IAM);
    await putRaw(h.storage, "role/v1ec2", V1_EC2);
    await putRaw(h.storage, "role/v2iam", V2_IAM);
    expect(await upgradeRoleStorage(h.ctx, h.storage, new KeyedLock())).toBe(true);
    expect(await getJson(h.storage, "config/version")).toEqual({ version: 1 });

    const v0 = (await getJson(h.storage, "role/v0ec2")) as Record<string, unknown>;
    expect(v0).toMatchObject({
      version: 3,
      auth_type: "ec2",
      bound_ami_id_list: ["ami-fce3c696"],
      bound_account_id_list: ["123456789012"],
      bound_iam_role_arn_list: null,
      // An instance profile stored in the role field moves, and binds by prefix.
      bound_iam_instance_profile_arn_list: ["arn:aws:iam::123456789012:instance-profile/web*"],
      bound_region_list: ["us-east-1"],
      hmac_key: "11111111-2222-3333-4444-555555555555",
      policies: ["default", "dev"],
      ttl: HOUR_NS,
    });
    expect(v0["role_id"]).toMatch(UUID);
    expect(v0).not.toHaveProperty("bound_ami_id");
    expect(v0).not.toHaveProperty("bound_iam_role_arn");
    expect(await h.read("v0ec2")).toMatchObject({ token_policies: ["default", "dev"], policies: ["default", "dev"], token_ttl: 3600, ttl: 3600, token_max_ttl: 7200, disallow_reauthentication: true, role_tag: "VaultRole" });

    expect(await getJson(h.storage, "role/v0iam")).toMatchObject({ version: 3, bound_iam_principal_arn_list: ["arn:aws:iam::123456789012:role/MyRole"], bound_iam_principal_id_list: ["AROAMYROLE"] });
    expect(await getJson(h.storage, "role/v1ec2")).toMatchObject({
      version: 3,
      bound_iam_role_arn_list: ["arn:aws:iam::1:role/app*"],
      bound_iam_instance_profile_arn_list: ["arn:aws:iam::1:instance-profile/app*"],
    });
    const v2 = (await getJson(h.storage, "role/v2iam")) as Record<string, unknown>;
    expect(v2).toMatchObject({ version: 3, bound_iam_principal_id_list: ["AROAX"], token_policies: ["a"] });
    expect(v2["role_id"]).toMatch(UUID);

    // The role_id is kept from then on, and a second run does nothing.
    const id = v2["role_id"];
    expect(await upgradeRoleStorage(h.ctx, h.storage, new KeyedLock())).toBe(false);
    expect((await readRole(h.storage, "v2iam"))?.roleId).toBe(id);
  });

  it("reads an old role as upgraded before the upgrade has run", async () => {
    const storage = new InmemStorage();
    await putRaw(storage, "role/old", V1_EC2);
    const role = await readRole(storage, "OLD");
    expect(role).toMatchObject({ version: 3, authType: "ec2", boundIamRoleArns: ["arn:aws:iam::1:role/app*"], token: { tokenPolicies: ["p"] } });
  });

  it("does not record config/version while a role fails, and upgrades the rest", async () => {
    const h = harness();
    await putRaw(h.storage, "role/v0iam", V0_IAM); // IAM does not know the principal
    await putRaw(h.storage, "role/v1ec2", V1_EC2);
    await expect(upgradeRoleStorage(h.ctx, h.storage, new KeyedLock(), AbortSignal.timeout(15_000))).rejects.toThrow(
      /^error upgrading roleEntry: role "v0iam": IAM GetRole: NoSuchEntity/,
    );
    expect(await getJson(h.storage, "config/version")).toBeUndefined();
    expect(await getJson(h.storage, "role/v1ec2")).toMatchObject({ version: 3 });
  }, 20_000);

  it("refuses a config/version newer than this code", async () => {
    const h = harness();
    await putRaw(h.storage, "config/version", { version: 2 });
    await expect(upgradeRoleStorage(h.ctx, h.storage, new KeyedLock())).rejects.toThrow("unrecognized role version: 2");
  });

  it("initialize runs it in the background on a writable node only", async () => {
    const h = harness();
    await putRaw(h.storage, "role/v1ec2", V1_EC2);
    await h.backend.initialize(h.storage);
    await expect.poll(() => getJson(h.storage, "config/version")).toEqual({ version: 1 });

    const secondary = harness({ system: new StaticSystemView({ replicationState: REPLICATION_PERFORMANCE_SECONDARY }) });
    await putRaw(secondary.storage, "role/v1ec2", V1_EC2);
    await secondary.backend.initialize(secondary.storage);
    await new Promise((r) => setTimeout(r, 50));
    expect(await getJson(secondary.storage, "config/version")).toBeUndefined();
    expect(await getJson(secondary.storage, "role/v1ec2")).toMatchObject({ version: 1 });
  });
});
