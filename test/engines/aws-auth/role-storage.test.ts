import { describe, expect, it } from "vitest";
import { getJson } from "../../../src/logical/index.js";
import { roleFromStorage, roleToStorage } from "../../../src/engines/aws-auth/role-storage.js";
import { upgradeStoredBinds, needsPrincipalIdResolution } from "../../../src/engines/aws-auth/role-upgrade.js";
import { harness } from "./role-harness.js";

// Every member Vault 1.21.4's awsRoleEntry (with sdk v0.21.0's TokenParams) marshals; the
// singular pre-list binds are omitempty and never written once empty.
const GO_KEYS = [
  "token_bound_cidrs", "token_explicit_max_ttl", "token_max_ttl", "token_no_default_policy", "token_num_uses", "token_period",
  "token_policies", "token_type", "token_ttl", "alias_metadata",
  "role_id", "auth_type", "bound_ami_id_list", "bound_account_id_list", "bound_ec2_instance_id_list", "bound_iam_principal_arn_list",
  "bound_iam_principal_id_list", "bound_iam_role_arn_list", "bound_iam_instance_profile_arn_list", "bound_region_list",
  "bound_subnet_id_list", "bound_vpc_id_list", "inferred_entity_type", "inferred_aws_region", "resolve_aws_unique_ids", "role_tag",
  "allow_instance_migration", "disallow_reauthentication", "hmac_key", "version", "ttl", "max_ttl", "period", "policies",
].sort();

describe("role storage JSON", () => {
  it("writes exactly the members Vault's Go struct marshals, durations as nanoseconds", async () => {
    const h = harness();
    await h.write("r", { auth_type: "ec2", bound_ami_id: "ami-1", token_ttl: "1h", token_type: "batch", token_bound_cidrs: "10.0.0.0/8" });
    const stored = (await getJson(h.storage, "role/r")) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(GO_KEYS);
    expect(stored).toMatchObject({ token_ttl: 3_600_000_000_000, token_type: 2, token_bound_cidrs: ["10.0.0.0/8"], alias_metadata: null, bound_vpc_id_list: null });
    expect(roleToStorage(roleFromStorage(stored))).toEqual(stored);
  });

  it("an Enterprise-only field is an ignored parameter in CE, as in Vault CE", async () => {
    const h = harness();
    // Undeclared, so ignored; the write answers 204, which carries no warnings (as Vault's does).
    expect(await h.write("r", { auth_type: "ec2", bound_ami_id: "ami-1", alias_metadata: { a: "b" } })).toBeUndefined();
    const warned = await h.write("r", { token_max_ttl: "100h", alias_metadata: { a: "b" } });
    expect(warned?.warnings).toContain("Endpoint ignored these unrecognized parameters: [alias_metadata]");
    expect(((await getJson(h.storage, "role/r")) as Record<string, unknown>)["alias_metadata"]).toBeNull();
  });

  it("refuses a role version newer than this code knows", () => {
    expect(() => roleFromStorage({ version: 4 })).toThrow("unrecognized role version: 4");
  });
});

describe("upgradeStoredBinds", () => {
  const empty = {
    authType: "", roleId: "", boundAmiIds: [], boundAccountIds: [], boundEc2InstanceIds: [], boundIamPrincipalArns: [], boundIamPrincipalIds: [],
    boundIamRoleArns: [], boundIamInstanceProfileArns: [], boundRegions: [], boundSubnetIds: [], boundVpcIds: [],
    legacy: { boundAmiId: "", boundAccountId: "", boundIamPrincipalArn: "", boundIamPrincipalId: "", boundIamRoleArn: "", boundIamInstanceProfileArn: "", boundRegion: "", boundSubnetId: "", boundVpcId: "" },
  };

  it("version 0: singular binds become lists, role ARNs get the prefix star, auth_type defaults to ec2", () => {
    const out = upgradeStoredBinds({ ...empty, legacy: { ...empty.legacy, boundIamRoleArn: "arn:aws:iam::1:role/a", boundVpcId: "vpc-1" } }, 0);
    expect(out).toMatchObject({ authType: "ec2", boundIamRoleArns: ["arn:aws:iam::1:role/a*"], boundVpcIds: ["vpc-1"], boundIamInstanceProfileArns: [] });
  });

  it("version 2 only gains a role_id; version 3 is left alone", () => {
    const v2 = upgradeStoredBinds({ ...empty, authType: "ec2", boundIamRoleArns: ["arn:aws:iam::1:role/a*"] }, 2);
    expect(v2.boundIamRoleArns).toEqual(["arn:aws:iam::1:role/a*"]);
    expect(v2.roleId).not.toBe("");
    expect(upgradeStoredBinds({ ...empty, authType: "iam", roleId: "kept" }, 3).roleId).toBe("kept");
  });

  it("only version-0 iam roles with one exact, unresolved principal ARN need resolution", () => {
    const base = { version: 0, authType: "iam", resolveAwsUniqueIds: true, arn: "arn:aws:iam::1:role/a", id: "" };
    expect(needsPrincipalIdResolution(base)).toBe(true);
    expect(needsPrincipalIdResolution({ ...base, arn: "arn:aws:iam::1:role/a*" })).toBe(false);
    expect(needsPrincipalIdResolution({ ...base, id: "AROA" })).toBe(false);
    expect(needsPrincipalIdResolution({ ...base, version: 1 })).toBe(false);
    expect(needsPrincipalIdResolution({ ...base, resolveAwsUniqueIds: false })).toBe(false);
  });
});
