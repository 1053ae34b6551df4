import { describe, expect, it } from "vitest";
import { getJson, putJson } from "../../../src/logical/index.js";
import { readIdentityConfig } from "../../../src/engines/aws-auth/config-storage.js";
import { harness } from "./config-harness.js";

const PATH = "config/identity";

describe("config/identity", () => {
  it("reads the effective defaults when nothing is stored", async () => {
    const h = harness();
    expect((await h.read(PATH))?.data).toEqual({
      iam_alias: "role_id",
      iam_metadata: ["account_id", "auth_type"],
      ec2_alias: "role_id",
      ec2_metadata: ["account_id", "auth_type"],
    });
    expect(await h.storage.get(PATH)).toBeUndefined();
  });

  it("stores Vault's layout: aliases filled in, default metadata as null", async () => {
    const h = harness();
    expect(await h.request("update", PATH, { iam_alias: "full_arn" })).toBeUndefined();
    expect(await getJson(h.storage, PATH)).toEqual({
      iam_alias: "full_arn",
      iam_auth_metadata_handler: { auth_metadata: null },
      ec2_alias: "role_id",
      ec2_auth_metadata_handler: { auth_metadata: null },
    });
  });

  it("accepts the allowed aliases and refuses others with upstream's text", async () => {
    const h = harness();
    for (const alias of ["role_id", "unique_id", "full_arn", "canonical_arn"]) expect(await h.request("update", PATH, { iam_alias: alias })).toBeUndefined();
    for (const alias of ["role_id", "instance_id", "image_id"]) expect(await h.request("update", PATH, { ec2_alias: alias })).toBeUndefined();
    expect((await h.request("update", PATH, { iam_alias: "instance_id" }))?.data).toEqual({
      error: 'iam_alias of "instance_id" not in set of allowed values: [role_id unique_id full_arn canonical_arn]',
    });
    expect((await h.request("update", PATH, { ec2_alias: "unique_id" }))?.data).toEqual({
      error: 'ec2_alias of "unique_id" not in set of allowed values: [role_id instance_id image_id]',
    });
    expect((await h.read(PATH))?.data).toMatchObject({ iam_alias: "canonical_arn", ec2_alias: "image_id" });
  });

  it("handles metadata as authmetadata does: lists, 'default', empty", async () => {
    const h = harness();
    await h.request("update", PATH, { iam_metadata: "inferred_hostname, Auth_Type,account_id,auth_type", ec2_metadata: ["region", "ami_id"] });
    expect((await h.read(PATH))?.data).toMatchObject({ iam_metadata: ["account_id", "auth_type", "inferred_hostname"], ec2_metadata: ["ami_id", "region"] });
    expect(await readIdentityConfig(h.storage)).toMatchObject({ ec2_auth_metadata_handler: { auth_metadata: ["ami_id", "region"] } });

    await h.request("update", PATH, { iam_metadata: "" });
    expect((await h.read(PATH))?.data).toMatchObject({ iam_metadata: [] });
    expect(await getJson(h.storage, PATH)).toMatchObject({ iam_auth_metadata_handler: { auth_metadata: [] } });

    await h.request("update", PATH, { iam_metadata: "default", ec2_metadata: "default" });
    expect((await h.read(PATH))?.data).toMatchObject({ iam_metadata: ["account_id", "auth_type"], ec2_metadata: ["account_id", "auth_type"] });
    expect(await getJson(h.storage, PATH)).toMatchObject({ iam_auth_metadata_handler: { auth_metadata: null }, ec2_auth_metadata_handler: { auth_metadata: null } });
  });

  it("refuses unknown metadata fields and 'default' mixed with others", async () => {
    const h = harness();
    expect((await h.request("update", PATH, { iam_metadata: "default,client_arn" }))?.data).toEqual({
      error: '["client_arn" "default"] contains default - default can\'t be used in combination with other fields',
    });
    expect((await h.request("update", PATH, { ec2_metadata: "instance_id,bogus" }))?.data).toEqual({
      error: '"bogus, instance_id" contains an unavailable field, please select from "account_id, auth_type, ami_id, instance_id, region"',
    });
    expect(await h.storage.get(PATH)).toBeUndefined();
  });

  it("reads an entry whose aliases are empty as role_id", async () => {
    const h = harness();
    await putJson(h.storage, PATH, { iam_alias: "", iam_auth_metadata_handler: { auth_metadata: ["client_arn"] }, ec2_alias: "" });
    expect((await h.read(PATH))?.data).toEqual({ iam_alias: "role_id", iam_metadata: ["client_arn"], ec2_alias: "role_id", ec2_metadata: ["account_id", "auth_type"] });
  });

  it("stores iam_metadata_tags (beyond Vault), keeps it across other writes, reads it only when set", async () => {
    const h = harness();
    await h.request("update", PATH, { iam_metadata_tags: "team, cost-center,team" });
    expect((await h.read(PATH))?.data).toMatchObject({ iam_metadata_tags: ["team", "cost-center"] });
    await h.request("update", PATH, { iam_alias: "unique_id" });
    expect(await getJson(h.storage, PATH)).toMatchObject({ iam_alias: "unique_id", iam_metadata_tags: ["team", "cost-center"] });
    expect((await h.request("update", PATH, { iam_metadata_tags: "bad#key" }))?.data).toEqual({
      error: 'iam_metadata_tags: "bad#key" is not an IAM tag key (1 to 128 letters, digits, spaces and _.:/=+-@)',
    });
    await h.request("update", PATH, { iam_metadata_tags: "" });
    expect((await h.read(PATH))?.data).not.toHaveProperty("iam_metadata_tags");
    expect(await getJson(h.storage, PATH)).not.toHaveProperty("iam_metadata_tags");
  });
});
