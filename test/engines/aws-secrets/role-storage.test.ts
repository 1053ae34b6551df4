import { describe, expect, it } from "vitest";
import { StoredValueError } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, getJson, putJson, type Storage } from "../../../src/logical/index.js";
import type { RoleEntry } from "../../../src/engines/aws-secrets/model.js";
import { compactJson } from "../../../src/engines/aws-secrets/role-json.js";
import { emptyRole, upgradeLegacyPolicyEntry } from "../../../src/engines/aws-secrets/role-legacy.js";
import {
  canPersistLegacyUpgrade,
  deleteRole,
  getRole,
  listRoles,
  putRole,
} from "../../../src/engines/aws-secrets/role-storage.js";

const S = 1_000_000_000n;

async function putRaw(storage: Storage, key: string, text: string): Promise<void> {
  await storage.put({ key, value: Buffer.from(text, "utf8") });
}

const POLICY_DOC = `
{
	"Version": "2012-10-07",
	"Statement": [
		{
			"Effect": "Allow",
			"Action": "ec2:Describe*",
			"Resource": "*"
		}
	]
}`;
const POLICY_DOC_COMPACT = `{"Version":"2012-10-07","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`;

const fullRole: RoleEntry = {
  credentialTypes: ["assumed_role"],
  policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  roleArns: ["arn:aws:iam::123456789012:role/deploy"],
  policyDocument: POLICY_DOC_COMPACT,
  iamGroups: ["g1"],
  iamTags: { team: "a" },
  sessionTags: { k: "v" },
  externalId: "ext",
  defaultStsTtl: 900n * S,
  maxStsTtl: 3600n * S,
  ttl: 0n,
  maxTtl: 0n,
  userPath: "",
  permissionsBoundaryArn: "",
  mfaSerialNumber: "",
  invalidData: "",
  prohibitFlexibleCredPath: false,
  version: 0,
};

describe("role storage", () => {
  it("stores a role in upstream's awsRoleEntry layout and reads it back", async () => {
    const storage = new InmemStorage();
    await putRole(storage, "deploy", fullRole);
    expect(await getJson(storage, "role/deploy")).toEqual({
      credential_types: ["assumed_role"],
      policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      role_arns: ["arn:aws:iam::123456789012:role/deploy"],
      policy_document: POLICY_DOC_COMPACT,
      iam_groups: ["g1"],
      iam_tags: { team: "a" },
      session_tags: { k: "v" },
      external_id: "ext",
      version: 0,
      default_sts_ttl: 900_000_000_000,
      max_sts_ttl: 3_600_000_000_000,
      user_path: "",
      permissions_boundary_arn: "",
      mfa_serial_number: "",
    });
    expect(await getRole(storage, "deploy")).toEqual(fullRole);
  });

  it("writes Go's nil (null) for lists and maps never set and omits the omitempty members", async () => {
    const storage = new InmemStorage();
    await putRole(storage, "r", { ...emptyRole(), credentialTypes: ["iam_user"], userPath: "/" });
    const stored = (await getJson(storage, "role/r")) as Record<string, unknown>;
    expect(stored).toMatchObject({ policy_arns: null, role_arns: null, iam_groups: null, iam_tags: null, session_tags: null });
    expect(Object.keys(stored)).not.toContain("invalid_data");
    expect(Object.keys(stored)).not.toContain("prohibit_flexible_cred_path");
    await putRole(storage, "legacy", { ...emptyRole(), invalidData: "junk", prohibitFlexibleCredPath: true, version: 1 });
    expect(await getJson(storage, "role/legacy")).toMatchObject({ credential_types: null, invalid_data: "junk", prohibit_flexible_cred_path: true });
  });

  it("reads an entry written by the Go engine, members missing or null", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "role/go", { credential_types: ["iam_user", "federation_token"], policy_arns: null, policy_document: "{}", prohibit_flexible_cred_path: true, version: 1 });
    expect(await getRole(storage, "go")).toEqual({
      ...emptyRole(),
      credentialTypes: ["iam_user", "federation_token"],
      policyDocument: "{}",
      prohibitFlexibleCredPath: true,
      version: 1,
    });
  });

  it.each([
    ["an unknown credential type", { credential_types: ["root_user"] }],
    ["a list of the wrong type", { policy_arns: "arn" }],
    ["a map with a number", { iam_tags: { a: 1 } }],
    ["a fractional duration", { max_sts_ttl: 1.5 }],
  ])("fails on a stored role with %s, naming the key", async (_name, stored) => {
    const storage = new InmemStorage();
    await putJson(storage, "role/bad", stored);
    await expect(getRole(storage, "bad")).rejects.toThrow(StoredValueError);
    await expect(getRole(storage, "bad")).rejects.toThrow(/role\/bad/);
  });

  it("returns undefined for a role that does not exist", async () => {
    expect(await getRole(new InmemStorage(), "none")).toBeUndefined();
  });
});

describe("legacy policy/<name> entries", () => {
  const legacy = { ...emptyRole(), version: 1 };
  it.each([
    ["a role ARN", "arn:aws:iam::123456789012:role/path/RoleName", { ...legacy, credentialTypes: ["assumed_role"], roleArns: ["arn:aws:iam::123456789012:role/path/RoleName"], prohibitFlexibleCredPath: true }],
    ["a customer policy ARN", "arn:aws:iam::123456789012:policy/MyPolicy", { ...legacy, credentialTypes: ["iam_user"], policyArns: ["arn:aws:iam::123456789012:policy/MyPolicy"], prohibitFlexibleCredPath: true }],
    ["an AWS managed policy ARN", "arn:aws:iam::aws:policy/AWSManagedPolicy", { ...legacy, credentialTypes: ["iam_user"], policyArns: ["arn:aws:iam::aws:policy/AWSManagedPolicy"], prohibitFlexibleCredPath: true }],
    ["a policy document", POLICY_DOC, { ...legacy, credentialTypes: ["iam_user", "federation_token"], policyDocument: POLICY_DOC_COMPACT, prohibitFlexibleCredPath: true }],
    ["an ARN too short to parse", "arn:gobbledygook", { ...legacy, invalidData: "arn:gobbledygook" }],
    ["an ARN of another resource type", "arn:aws:iam::123456789012:user/bob", { ...legacy, invalidData: "arn:aws:iam::123456789012:user/bob" }],
    ["text that is not JSON", "{not json", { ...legacy, invalidData: "{not json" }],
  ])("upgrades %s as upstream's upgradeLegacyPolicyEntry", async (_name, value, expected) => {
    expect(upgradeLegacyPolicyEntry(value)).toEqual(expected);
    const storage = new InmemStorage();
    await putRaw(storage, "policy/old", value);
    expect(await getRole(storage, "old")).toEqual(expected);
  });

  it("persists the upgrade (role/<name> written, policy/<name> deleted) only when asked", async () => {
    const storage = new InmemStorage();
    await putRaw(storage, "policy/old", "arn:aws:iam::123456789012:role/r");
    await getRole(storage, "old");
    expect(await storage.list("")).toEqual(["policy/"]);
    const role = await getRole(storage, "old", { upgradeLegacy: true });
    expect(await storage.get("policy/old")).toBeUndefined();
    expect(await getJson(storage, "role/old")).toMatchObject({ credential_types: ["assumed_role"], prohibit_flexible_cred_path: true, version: 1 });
    expect(await getRole(storage, "old")).toEqual(role);
  });

  it("prefers role/<name> over a leftover policy/<name>", async () => {
    const storage = new InmemStorage();
    await putRole(storage, "both", fullRole);
    await putRaw(storage, "policy/both", "arn:aws:iam::1:policy/p");
    expect(await getRole(storage, "both", { upgradeLegacy: true })).toEqual(fullRole);
  });

  it.each([
    ["unknown replication state", 0, false, true],
    ["a performance primary", 1 << 5, false, true],
    ["a DR secondary", 1 << 9, false, true],
    ["a performance secondary", 1 << 6, false, false],
    ["a performance standby", 1 << 14, false, false],
    ["a performance secondary with a local mount", 1 << 6, true, true],
  ])("decides whether %s may persist the upgrade", async (_name, replicationState, localMount, expected) => {
    expect(await canPersistLegacyUpgrade(new StaticSystemView({ replicationState, localMount }))).toBe(expected);
  });
});

describe("listing and deleting roles", () => {
  it("lists role/ and legacy policy/ names, sorted and without duplicates", async () => {
    const storage = new InmemStorage();
    expect(await listRoles(storage)).toEqual([]);
    await putRole(storage, "b", fullRole);
    await putRole(storage, "a@example.com", fullRole);
    await putRaw(storage, "policy/c", "{}");
    await putRaw(storage, "policy/b", "{}");
    expect(await listRoles(storage)).toEqual(["a@example.com", "b", "c"]);
  });

  it("deletes both the role and a legacy entry of the same name", async () => {
    const storage = new InmemStorage();
    await putRole(storage, "x", fullRole);
    await putRaw(storage, "policy/x", "{}");
    await deleteRole(storage, "x");
    expect(await storage.list("")).toEqual([]);
    await deleteRole(storage, "never-existed");
  });
});

describe("compactJson (Go's json.Compact)", () => {
  it.each([
    ["whitespace between tokens", ' { "a" : [ 1 , 2 ] ,\n\t"b":null }\r\n', '{"a":[1,2],"b":null}'],
    ["whitespace and escapes inside strings", '{"a b": "c \\" d\\n", "e":"\\u00e9"}', '{"a b":"c \\" d\\n","e":"\\u00e9"}'],
    ["number spelling and key order", '{"z": 1.50, "a": 1e3, "z": 2}', '{"z":1.50,"a":1e3,"z":2}'],
    ["a scalar", ' "text" ', '"text"'],
  ])("keeps %s as Go does", (_name, input, output) => {
    expect(compactJson(input)).toBe(output);
  });

  it.each([[""], ["{"], ["{'a':1}"], ["[1,]"], ['{"a":"\u0001"}']])("rejects %j", (input) => {
    expect(compactJson(input)).toBeUndefined();
  });
});
