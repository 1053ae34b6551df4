import { describe, expect, it } from "vitest";
import { getJson, StaticSystemView } from "../../../src/logical/index.js";
import { harness } from "./role-harness.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const err = (error: string) => ({ data: { error } });

describe("role/<role> writes", () => {
  it("creates an iam role by default, resolving principal ARNs to unique IDs, and reads it back in upstream's shape", async () => {
    const h = harness();
    h.iam.known.set("123456789012/role/MyRole", "AROAEXAMPLE");
    expect(await h.write("MyRole", { bound_iam_principal_arn: "arn:aws:iam::123456789012:role/MyRole,arn:aws:iam::123456789012:role/dev-*", token_policies: "a,b", token_ttl: "1h" })).toBeUndefined();
    const data = await h.read("myrole");
    expect(data).toEqual({
      auth_type: "iam",
      bound_ami_id: [],
      bound_account_id: [],
      bound_ec2_instance_id: null,
      bound_iam_principal_arn: ["arn:aws:iam::123456789012:role/MyRole", "arn:aws:iam::123456789012:role/dev-*"],
      bound_iam_principal_id: ["AROAEXAMPLE"],
      bound_iam_role_arn: [],
      bound_iam_instance_profile_arn: [],
      bound_region: [],
      bound_subnet_id: [],
      bound_vpc_id: [],
      inferred_entity_type: "",
      inferred_aws_region: "",
      resolve_aws_unique_ids: true,
      role_id: expect.stringMatching(UUID),
      role_tag: "",
      allow_instance_migration: false,
      disallow_reauthentication: false,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_period: 0,
      token_policies: ["a", "b"],
      token_type: "default",
      token_ttl: 3600,
      token_num_uses: 0,
    });
    const stored = (await getJson(h.storage, "role/myrole")) as Record<string, unknown>;
    expect(stored["hmac_key"]).toMatch(UUID);
    expect(stored["version"]).toBe(3);
    expect(data).not.toHaveProperty("hmac_key");
    expect((await h.request("list", "role/"))?.data).toEqual({ keys: ["myrole"] });
    expect((await h.request("list", "roles/"))?.data).toEqual({ keys: ["myrole"] });
  });

  it("keeps role_id and hmac_key across updates; delete removes the role", async () => {
    const h = harness();
    await h.write("r", { auth_type: "ec2", bound_ami_id: "ami-1" });
    const before = (await getJson(h.storage, "role/r")) as Record<string, unknown>;
    await h.write("r", { bound_ami_id: "ami-2" });
    const after = (await getJson(h.storage, "role/r")) as Record<string, unknown>;
    expect([after["role_id"], after["hmac_key"]]).toEqual([before["role_id"], before["hmac_key"]]);
    expect(after["bound_ami_id_list"]).toEqual(["ami-2"]);
    expect(await h.request("delete", "role/R")).toBeUndefined();
    expect(await h.read("r")).toBeUndefined();
  });

  it("bound_ec2_instance_id reads null until set, then a list (even an empty one), as upstream", async () => {
    const h = harness();
    await h.write("r", { auth_type: "ec2", bound_ami_id: "ami-1" });
    expect((await h.read("r"))?.["bound_ec2_instance_id"]).toBeNull();
    await h.write("r", { bound_ec2_instance_id: "" });
    expect((await h.read("r"))?.["bound_ec2_instance_id"]).toEqual([]);
    expect(((await getJson(h.storage, "role/r")) as Record<string, unknown>)["bound_ec2_instance_id_list"]).toEqual([]);
  });

  it("ec2 mounts of the legacy aws-ec2 type default to ec2", async () => {
    const h = harness({ mountType: "aws-ec2" });
    await h.write("r", { bound_ami_id: "ami-1" });
    expect((await h.read("r"))?.["auth_type"]).toBe("ec2");
  });

  it.each([
    [{ auth_type: "foo", bound_ami_id: "a" }, "unrecognized auth_type: foo"],
    [{ bound_ami_id: "a" }, "specified bound_ami_id but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_account_id: "1" }, "specified bound_account_id but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_region: "us-east-1" }, "specified bound_region but not specifying ec2 auth_type"],
    [{ bound_region: "us-east-1", inferred_entity_type: "ec2_instance", inferred_aws_region: "us-east-1" }, "specified bound_region but not specifying ec2 auth_type"],
    [{ bound_vpc_id: "v" }, "specified bound_vpc_id but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_subnet_id: "s" }, "specified bound_subnet_id but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_iam_role_arn: "arn:aws:iam::1:role/x" }, "specified bound_iam_role_arn but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_iam_instance_profile_arn: "arn:aws:iam::1:instance-profile/x" }, "specified bound_iam_instance_profile_arn but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ bound_ec2_instance_id: "i-1" }, "specified bound_ec2_instance_id but not specifying ec2 auth_type or inferring ec2_instance"],
    [{ auth_type: "ec2", bound_iam_principal_arn: "arn:aws:iam::1:role/*" }, "specified bound_iam_principal_arn but not specifying iam auth_type"],
    [{ auth_type: "iam" }, "at least one bound parameter should be specified on the role"],
    [{ auth_type: "ec2", inferred_entity_type: "ec2_instance", bound_ami_id: "a" }, "specified inferred_entity_type but didn't allow iam auth_type"],
    [{ inferred_entity_type: "lambda", inferred_aws_region: "r", bound_ami_id: "a" }, "specified invalid inferred_entity_type: lambda"],
    [{ inferred_entity_type: "ec2_instance", bound_ami_id: "a" }, "specified inferred_entity_type but not inferred_aws_region"],
    [{ inferred_aws_region: "us-east-1", bound_ami_id: "a" }, "specified inferred_aws_region but not inferred_entity_type"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", disallow_reauthentication: false }, "specified disallow_reauthentication when not using ec2 auth type"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", allow_instance_migration: true }, "specified allow_instance_migration when not using ec2 auth type"],
    [{ auth_type: "ec2", bound_ami_id: "a", allow_instance_migration: true, disallow_reauthentication: true }, "cannot specify both disallow_reauthentication=true and allow_instance_migration=true"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", role_tag: "t" }, "tried to enable role_tag when not using ec2 auth method"],
    [{ auth_type: "ec2", bound_ami_id: "a", role_tag: "k".repeat(128) }, "length of role tag exceeds the EC2 key limit of 127 characters"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", token_ttl: 10, token_max_ttl: 5 }, "'token_ttl' cannot be greater than 'token_max_ttl'"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", ttl: 10, max_ttl: 5 }, "ttl should be shorter than max ttl"],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", token_type: "nope" }, `invalid 'token_type' value "nope"`],
    [{ bound_iam_principal_arn: "arn:aws:iam::1:role/*", token_period: "800h" }, `period of "800h0m0s" is greater than the backend's maximum lease TTL of "48h0m0s"`],
  ])("refuses %j: %s", async (data, error) => {
    const h = harness();
    expect(await h.write("r", data)).toEqual(err(error));
    expect(await h.read("r")).toBeUndefined();
  });

  it("inferred ec2_instance roles may use the ec2 binds except bound_region", async () => {
    const h = harness();
    const data = { inferred_entity_type: "ec2_instance", inferred_aws_region: "us-west-2", bound_ami_id: "ami-1", bound_account_id: "1", bound_vpc_id: "v", bound_subnet_id: "s", bound_iam_role_arn: "arn:aws:iam::1:role/x*", bound_iam_instance_profile_arn: "arn:aws:iam::1:instance-profile/p*", bound_ec2_instance_id: "i-1" };
    expect(await h.write("r", data)).toBeUndefined();
    expect(await h.read("r")).toMatchObject({ auth_type: "iam", inferred_entity_type: "ec2_instance", bound_ec2_instance_id: ["i-1"] });
  });

  it("auth_type is fixed after create; resolve_aws_unique_ids may not go from true to false", async () => {
    const h = harness();
    await h.write("r", { auth_type: "iam", bound_iam_principal_arn: "arn:aws:iam::1:role/*" });
    expect(await h.write("r", { auth_type: "ec2" })).toEqual(err("changing auth_type on a role is not allowed"));
    expect(await h.write("r", { auth_type: "iam" })).toBeUndefined();
    expect(await h.write("r", { resolve_aws_unique_ids: false })).toEqual(err("changing resolve_aws_unique_ids from true to false is not allowed"));
    const off = harness();
    await off.write("r", { resolve_aws_unique_ids: false, bound_iam_principal_arn: "arn:aws:iam::1:role/x" });
    expect(off.iam.calls).toEqual([]);
    expect(await off.read("r")).toMatchObject({ resolve_aws_unique_ids: false, bound_iam_principal_id: [] });
    // Turning resolution on resolves the ARNs already bound.
    off.iam.known.set("1/role/x", "AROAX");
    expect(await off.write("r", { resolve_aws_unique_ids: true })).toBeUndefined();
    expect(await off.read("r")).toMatchObject({ resolve_aws_unique_ids: true, bound_iam_principal_id: ["AROAX"] });
  });

  it("warns when token_max_ttl exceeds the mount's maximum", async () => {
    const h = harness({ system: new StaticSystemView({ maxLeaseTtl: 3600n * 1_000_000_000n }) });
    expect(await h.write("r", { bound_iam_principal_arn: "arn:aws:iam::1:role/*", token_max_ttl: 7200 })).toEqual({
      warnings: ["Given max ttl of 7200 seconds greater than current mount/system default of 3600 seconds; max ttl will be capped at login time"],
    });
  });

  it("the deprecated policies/ttl/max_ttl/period read back beside token_*", async () => {
    const h = harness();
    await h.write("r", { bound_iam_principal_arn: "arn:aws:iam::1:role/*", policies: "B,a", ttl: 60, max_ttl: 120, period: 30 });
    expect(await h.read("r")).toMatchObject({ policies: ["a", "b"], token_policies: ["a", "b"], ttl: 60, token_ttl: 60, max_ttl: 120, token_max_ttl: 120, period: 30, token_period: 30 });
    await h.write("r", { token_policies: "c" });
    const data = await h.read("r");
    expect(data).toMatchObject({ token_policies: ["c"], ttl: 60 });
    expect(data).not.toHaveProperty("policies");
  });

  it("role_tag and the ec2 options are stored for ec2 roles", async () => {
    const h = harness();
    await h.write("r", { auth_type: "ec2", bound_ami_id: "ami-1", role_tag: "VaultRole", allow_instance_migration: true });
    expect(await h.read("r")).toMatchObject({ role_tag: "VaultRole", allow_instance_migration: true, disallow_reauthentication: false });
  });
});

describe("unique-ID resolution", () => {
  it("fails the write with upstream's text when IAM does not know the principal (after the retries)", async () => {
    const h = harness();
    const started = Date.now();
    const reply = await h.write("r", { bound_iam_principal_arn: "arn:aws:iam::123456789012:user/ghost" });
    const error = String(reply?.data?.["error"]);
    expect(error).toMatch(/^unable to resolve ARN "arn:aws:iam::123456789012:user\/ghost" to internal ID: IAM GetUser: NoSuchEntity: The user with name ghost cannot be found\. \(still not found after 6 attempts over \d+\.\ds\)$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    expect(h.iam.calls.length).toBe(6);
  }, 20_000);

  it("succeeds when the principal appears while the write waits (IAM eventual consistency)", async () => {
    const h = harness();
    setTimeout(() => h.iam.known.set("123456789012/instance-profile/p", "AIPAP"), 1_200);
    expect(await h.write("r", { bound_iam_principal_arn: "arn:aws:iam::123456789012:instance-profile/p" })).toBeUndefined();
    expect(await h.read("r")).toMatchObject({ bound_iam_principal_id: ["AIPAP"] });
  });

  it("refuses an unparsable ARN", async () => {
    const h = harness();
    expect(await h.write("r", { bound_iam_principal_arn: "arn:aws:iam::1:group/g" })).toEqual(
      err(`unable to resolve ARN "arn:aws:iam::1:group/g" to internal ID: unrecognized principal type: "group"`),
    );
    expect(await h.write("r", { bound_iam_principal_arn: "nope" })).toEqual(
      err(`unable to resolve ARN "nope" to internal ID: unrecognized arn: contains 1 colon-separated parts, expected 6`),
    );
  });
});
