import { describe, expect, it } from "vitest";
import { defineBackend } from "../../../src/framework/index.js";
import {
  InmemStorage,
  StaticSystemView,
  UnsupportedOperationError,
  UnsupportedPathError,
  getJson,
  newRequest,
  type Logger,
  type Operation,
  type Storage,
} from "../../../src/logical/index.js";
import type { AwsClients } from "../../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../../src/engines/aws-secrets/context.js";
import { rolePath, rolesListPath } from "../../../src/engines/aws-secrets/path-roles.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

function harness(system = new StaticSystemView()) {
  const storage = new InmemStorage();
  const noAws = (): Promise<never> => Promise.reject(new Error("roles make no AWS calls"));
  const clients: AwsClients = { iam: noAws, sts: noAws, freshIam: noAws, reset: () => undefined };
  const ctx: AwsSecretsContext = { system, logger: silent, clients, storage, now: () => new Date(0) };
  const backend = defineBackend(
    { type: "logical", help: "", paths: [rolesListPath(ctx), rolePath(ctx)] },
    { storage, system, logger: silent, backendUuid: "u", config: {} },
  );
  const request = (operation: Operation, path: string, data?: Record<string, unknown>) =>
    backend.handleRequest(newRequest({ operation, path, storage, ...(data === undefined ? {} : { data }) }));
  return {
    backend,
    storage,
    request,
    write: (name: string, data: Record<string, unknown>) => request("update", `roles/${name}`, data),
    read: async (name: string) => (await request("read", `roles/${name}`))?.data,
  };
}

async function putRaw(storage: Storage, key: string, text: string): Promise<void> {
  await storage.put({ key, value: Buffer.from(text, "utf8") });
}

/** Upstream's reply to a role that fails validation: the multierror text, Go-quoted. */
function invalid(...errors: string[]) {
  const heading = errors.length === 1 ? "1 error occurred:" : `${errors.length} errors occurred:`;
  const text = `${heading}\n\t${errors.map((e) => `* ${e}`).join("\n\t")}\n\n`;
  // JSON's string escapes equal Go's %q for this ASCII text.
  return { data: { error: `error(s) validating supplied role data: ${JSON.stringify(text)}` } };
}

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const ROLE_ARN = "arn:aws:iam::123456789012:role/path/RoleName";
const DOC = '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*" }]\n}';
const DOC_COMPACT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}';
const USER_PATH_ERROR = String.raw`the specified value for user_path is invalid. It must match "^\\/([\\x21-\\x7F]{0,510}\\/)?$" regexp`;
const STS_ONLY = "parameter only valid for assumed_role, federation_token, and session_token credential types";

/** The read reply of a role with only credential_type set. */
const BARE = {
  policy_arns: null,
  role_arns: null,
  policy_document: "",
  iam_groups: null,
  iam_tags: null,
  session_tags: null,
  external_id: "",
  default_sts_ttl: 0,
  max_sts_ttl: 0,
  // Ours (vault#15176): per-role lease of IAM users.
  ttl: 0,
  max_ttl: 0,
  user_path: "",
  permissions_boundary_arn: "",
  mfa_serial_number: "",
};

describe("roles/<name>", () => {
  it("creates an iam_user role with a compacted policy document and reads upstream's shape", async () => {
    const h = harness();
    expect(await h.write("deploy", { credential_type: "iam_user", policy_document: DOC })).toBeUndefined();
    expect(await h.read("deploy")).toEqual({ ...BARE, credential_type: "iam_user", policy_document: DOC_COMPACT });
    expect(await getJson(h.storage, "role/deploy")).toMatchObject({ credential_types: ["iam_user"], policy_document: DOC_COMPACT, version: 0 });
  });

  it("stores and reads every field of an assumed_role role", async () => {
    const h = harness();
    const body = {
      credential_type: "assumed_role",
      role_arns: `${ROLE_ARN},arn:aws:iam::123456789012:role/other`,
      policy_arns: [ADMIN],
      policy_document: DOC,
      iam_groups: "g1, g2",
      iam_tags: ["team=a", "env=dev"],
      session_tags: { k1: "v1" },
      external_id: "ext-1",
      default_sts_ttl: "15m",
      max_sts_ttl: 3600,
    };
    expect(await h.write("assume@example.com", body)).toBeUndefined();
    expect(await h.read("assume@example.com")).toEqual({
      ...BARE,
      credential_type: "assumed_role",
      role_arns: [ROLE_ARN, "arn:aws:iam::123456789012:role/other"],
      policy_arns: [ADMIN],
      policy_document: DOC_COMPACT,
      iam_groups: ["g1", "g2"],
      iam_tags: { team: "a", env: "dev" },
      session_tags: { k1: "v1" },
      external_id: "ext-1",
      default_sts_ttl: 900,
      max_sts_ttl: 3600,
    });
    expect(await getJson(h.storage, "role/assume@example.com")).toMatchObject({ default_sts_ttl: 900_000_000_000, max_sts_ttl: 3_600_000_000_000 });
  });

  it("stores iam_user specifics and a session_token role's MFA serial", async () => {
    const h = harness();
    const pb = "arn:aws:iam::aws:policy/EC2FullAccess";
    expect(await h.write("u", { credential_type: "iam_user", policy_arns: ADMIN, permissions_boundary_arn: pb, user_path: "/vault/" })).toBeUndefined();
    expect(await h.read("u")).toMatchObject({ permissions_boundary_arn: pb, user_path: "/vault/", policy_arns: [ADMIN] });
    expect(await h.write("s", { credential_type: "session_token", mfa_serial_number: "arn:aws:iam::1:mfa/me", max_sts_ttl: "1h" })).toBeUndefined();
    expect(await h.read("s")).toMatchObject({ credential_type: "session_token", mfa_serial_number: "arn:aws:iam::1:mfa/me", max_sts_ttl: 3600 });
  });

  it("merges an update into the stored role; a field sent empty is cleared", async () => {
    const h = harness();
    await h.write("r", { credential_type: "assumed_role", role_arns: ROLE_ARN, default_sts_ttl: 60, external_id: "x" });
    expect(await h.write("r", { max_sts_ttl: 120, external_id: "" })).toBeUndefined();
    expect(await h.read("r")).toEqual({ ...BARE, credential_type: "assumed_role", role_arns: [ROLE_ARN], default_sts_ttl: 60, max_sts_ttl: 120 });
    // Changing the type alone re-validates the stored fields.
    expect(await h.write("r", { credential_type: "federation_token" })).toEqual(invalid("cannot supply role_arns when credential_type isn't assumed_role"));
  });

  it.each([
    ["no credential_type", {}, ["did not supply credential_type"]],
    ["an unknown credential_type", { credential_type: "root" }, ["unrecognized credential type: root (credential_type must be one of iam_user, assumed_role, federation_token, session_token)"]],
    ["an empty credential_type", { credential_type: "" }, ["unrecognized credential type:  (credential_type must be one of iam_user, assumed_role, federation_token, session_token)"]],
    ["two credential types in one value", { credential_type: "iam_user,federation_token" }, ["unrecognized credential type: iam_user,federation_token (credential_type must be one of iam_user, assumed_role, federation_token, session_token)"]],
    ["default_sts_ttl on iam_user", { credential_type: "iam_user", default_sts_ttl: 1 }, [`default_sts_ttl ${STS_ONLY}`]],
    ["max_sts_ttl on iam_user", { credential_type: "iam_user", max_sts_ttl: 1 }, [`max_sts_ttl ${STS_ONLY}`]],
    ["ttl on an STS role", { credential_type: "assumed_role", role_arns: ROLE_ARN, ttl: 60 }, ["ttl and max_ttl parameters only valid for iam_user credential type"]],
    ["ttl above max_ttl", { credential_type: "iam_user", ttl: 120, max_ttl: 60 }, ['"ttl" value must be less than or equal to "max_ttl" value']],
    ["default_sts_ttl above max_sts_ttl", { credential_type: "federation_token", default_sts_ttl: 3, max_sts_ttl: 2 }, ['"default_sts_ttl" value must be less than or equal to "max_sts_ttl" value']],
    ["user_path on assumed_role", { credential_type: "assumed_role", user_path: "/foobar/" }, ["user_path parameter only valid for iam_user credential type"]],
    ["a user_path without its slashes", { credential_type: "iam_user", user_path: "path" }, [USER_PATH_ERROR]],
    ["a non-ASCII user_path", { credential_type: "iam_user", user_path: "/šiauliai/" }, [USER_PATH_ERROR]],
    ["a too long user_path", { credential_type: "iam_user", user_path: `/${"a".repeat(511)}/` }, [USER_PATH_ERROR]],
    ["permissions_boundary_arn on assumed_role", { credential_type: "assumed_role", permissions_boundary_arn: "arn:aws:iam::aws:policy/FooBar" }, ["cannot supply permissions_boundary_arn when credential_type isn't iam_user"]],
    ["a permissions boundary that is no ARN", { credential_type: "iam_user", permissions_boundary_arn: "not_an_arn" }, ["invalid permissions_boundary_arn parameter: arn: invalid prefix"]],
    ["a permissions boundary with too few sections", { credential_type: "iam_user", permissions_boundary_arn: "arn:aws:iam" }, ["invalid permissions_boundary_arn parameter: arn: not enough sections"]],
    ["a permissions boundary of another service", { credential_type: "iam_user", permissions_boundary_arn: "arn:aws:notiam::aws:policy/FooBar" }, ["invalid permissions_boundary_arn parameter: expected a service of iam but got notiam"]],
    ["a permissions boundary that is no policy", { credential_type: "iam_user", permissions_boundary_arn: "arn:aws:iam::aws:policynot/FooBar" }, ["invalid permissions_boundary_arn parameter: expected a resource type of policy but got policynot/FooBar"]],
    ["a policy document on session_token", { credential_type: "session_token", policy_document: "{}" }, ["cannot supply a policy or role when using credential_type session_token"]],
    ["policy ARNs on session_token", { credential_type: "session_token", policy_arns: ADMIN }, ["cannot supply a policy or role when using credential_type session_token"]],
    ["role_arns on iam_user", { credential_type: "iam_user", role_arns: ROLE_ARN }, ["cannot supply role_arns when credential_type isn't assumed_role"]],
    ["session_tags on federation_token", { credential_type: "federation_token", session_tags: "a=b" }, ["cannot supply session_tags when credential_type isn't assumed_role"]],
    ["external_id on iam_user", { credential_type: "iam_user", external_id: "my-ext-id" }, ["cannot supply external_id when credential_type isn't assumed_role"]],
    [
      "several broken rules at once (all reported, in upstream's order)",
      { credential_type: "iam_user", default_sts_ttl: 5, role_arns: ROLE_ARN, session_tags: { a: "b" }, external_id: "e" },
      [`default_sts_ttl ${STS_ONLY}`, "cannot supply role_arns when credential_type isn't assumed_role", "cannot supply session_tags when credential_type isn't assumed_role", "cannot supply external_id when credential_type isn't assumed_role"],
    ],
    [
      "a bad boundary after other errors (upstream would drop the earlier ones)",
      { credential_type: "assumed_role", user_path: "/x/", permissions_boundary_arn: "nope" },
      ["user_path parameter only valid for iam_user credential type", "cannot supply permissions_boundary_arn when credential_type isn't iam_user", "invalid permissions_boundary_arn parameter: arn: invalid prefix"],
    ],
  ])("rejects %s with upstream's text", async (_name, body, errors) => {
    const h = harness();
    expect(await h.write("bad", body)).toEqual(invalid(...errors));
    expect(await h.storage.list("")).toEqual([]);
  });

  it.each([
    ["a policy document that is not JSON", { credential_type: "iam_user", policy_document: '{"a": ' }, 'cannot parse policy document: "{\\"a\\": " (policy_document must be a JSON policy)'],
    ["a duration that does not parse", { credential_type: "assumed_role", default_sts_ttl: "soon" }, 'Field validation failed: error converting input for field "default_sts_ttl": time: invalid duration "soon"'],
    ["a malformed tag pair", { credential_type: "iam_user", iam_tags: ["novalue"] }, 'Field validation failed: error converting input for field "iam_tags": invalid key pair "novalue"'],
  ])("rejects %s (400)", async (_name, body, message) => {
    const h = harness();
    expect(await h.write("bad", body)).toEqual({ data: { error: message } });
    expect(await h.storage.list("")).toEqual([]);
  });

  it("accepts the boundary user_path values", async () => {
    const h = harness();
    expect(await h.write("root", { credential_type: "iam_user", user_path: "/" })).toBeUndefined();
    expect(await h.write("max", { credential_type: "iam_user", user_path: `/${"a".repeat(510)}/` })).toBeUndefined();
  });

  it("deletes a role (and any legacy entry); reading it then finds nothing (404)", async () => {
    const h = harness();
    await h.write("gone", { credential_type: "iam_user" });
    await putRaw(h.storage, "policy/gone", "{}");
    expect(await h.request("delete", "roles/gone")).toBeUndefined();
    expect(await h.request("read", "roles/gone")).toBeUndefined();
    expect(await h.storage.list("")).toEqual([]);
    expect(await h.request("delete", "roles/never")).toBeUndefined();
  });

  it("has no existence check (writes are updates, as upstream) and routes only valid names", async () => {
    const h = harness();
    expect(await h.backend.handleExistenceCheck(newRequest({ operation: "update", path: "roles/x", storage: h.storage }))).toEqual({ found: false, exists: false });
    await expect(h.request("create", "roles/x", { credential_type: "iam_user" })).rejects.toThrow(UnsupportedOperationError);
    await expect(h.request("read", "roles/-x")).rejects.toThrow(UnsupportedPathError);
    await expect(h.request("read", "roles/a/b")).rejects.toThrow(UnsupportedPathError);
  });
});

describe("legacy roles", () => {
  const LEGACY_WARNING = "Detected use of legacy role or policy parameter. Please upgrade to use the new parameters.";

  it.each([
    ["policy (an inline document)", { policy: DOC }, { credential_type: "iam_user,federation_token", policy_document: DOC_COMPACT }],
    ["arn of a role", { arn: ROLE_ARN }, { credential_type: "assumed_role", role_arns: [ROLE_ARN] }],
    ["arn of a managed policy", { arn: ADMIN }, { credential_type: "iam_user", policy_arns: [ADMIN] }],
    ["arn with fields upstream lets through and then drops", { arn: ADMIN, iam_groups: "g", external_id: "e" }, { credential_type: "iam_user", policy_arns: [ADMIN] }],
  ])("converts a write with %s and warns", async (_name, body, read) => {
    const h = harness();
    expect(await h.write("old", body)).toEqual({ warnings: [LEGACY_WARNING] });
    expect(await h.read("old")).toEqual({ ...BARE, ...read });
    expect(await getJson(h.storage, "role/old")).toMatchObject({ prohibit_flexible_cred_path: true, version: 1 });
  });

  it.each([
    ["credential_type", { credential_type: "iam_user" }, "cannot supply deprecated role or policy parameters with an explicit credential_type"],
    ["role_arns", { role_arns: ROLE_ARN }, "cannot supply deprecated role or policy parameters with role_arns"],
    ["policy_arns", { policy_arns: ADMIN }, "cannot supply deprecated role or policy parameters with policy_arns"],
    ["policy_document", { policy_document: "{}" }, "cannot supply deprecated role or policy parameters with policy_document"],
    ["default_sts_ttl", { default_sts_ttl: 60 }, "cannot supply deprecated role or policy parameters with default_sts_ttl"],
    ["max_sts_ttl", { max_sts_ttl: 60 }, "cannot supply deprecated role or policy parameters with max_sts_ttl"],
    ["user_path", { user_path: "/" }, "cannot supply deprecated role or policy parameters with user_path"],
    ["permissions_boundary_arn", { permissions_boundary_arn: ADMIN }, "cannot supply deprecated role or policy parameters with permissions_boundary_arn"],
  ])("rejects a legacy parameter together with %s", async (_name, body, message) => {
    const h = harness();
    expect(await h.write("old", { policy: "{}", ...body })).toEqual({ data: { error: message } });
    expect(await h.write("old", { arn: ADMIN, ...body })).toEqual({ data: { error: message } });
  });

  it.each([
    ["both policy and arn", { policy: "{}", arn: ADMIN }, "only one of policy or arn should be provided"],
    ["an ARN of another resource", { arn: "arn:aws:iam::123456789012:user/bob" }, 'unable to parse supplied data: "arn:aws:iam::123456789012:user/bob" (arn must be the ARN of an IAM role or managed policy)'],
    ["a policy that is not JSON", { policy: "allow all" }, 'unable to parse supplied data: "allow all" (policy must be a JSON policy document)'],
  ])("rejects %s", async (_name, body, message) => {
    const h = harness();
    expect(await h.write("old", body)).toEqual({ data: { error: message } });
  });

  it("clears the legacy path restriction once a role is written with the new parameters", async () => {
    const h = harness();
    await h.write("old", { arn: ROLE_ARN });
    expect(await h.write("old", { default_sts_ttl: 60 })).toBeUndefined();
    expect(await getJson(h.storage, "role/old")).not.toHaveProperty("prohibit_flexible_cred_path");
  });

  it("upgrades a stored policy/<name> entry on read and persists it on an active node", async () => {
    const h = harness();
    await putRaw(h.storage, "policy/ancient", DOC);
    expect(await h.request("list", "roles/")).toEqual({ data: { keys: ["ancient"] } });
    expect(await h.read("ancient")).toEqual({ ...BARE, credential_type: "iam_user,federation_token", policy_document: DOC_COMPACT });
    expect(await h.storage.get("policy/ancient")).toBeUndefined();
    expect(await getJson(h.storage, "role/ancient")).toMatchObject({ credential_types: ["iam_user", "federation_token"] });
  });

  it("upgrades in memory only on a performance standby", async () => {
    const h = harness(new StaticSystemView({ replicationState: 1 << 14 }));
    await putRaw(h.storage, "policy/ancient", ADMIN);
    expect(await h.read("ancient")).toMatchObject({ credential_type: "iam_user", policy_arns: [ADMIN] });
    expect(await h.storage.list("")).toEqual(["policy/"]);
  });

  it("shows invalid legacy data on read and clears it, with a warning, on the next write", async () => {
    const h = harness();
    await putRaw(h.storage, "policy/broken", "arn:gobbledygook");
    expect(await h.read("broken")).toEqual({ ...BARE, credential_type: "", invalid_data: "arn:gobbledygook" });
    expect(await h.write("broken", { credential_type: "iam_user" })).toEqual({ warnings: ['Invalid data of "arn:gobbledygook" cleared out of role'] });
    expect(await h.read("broken")).toEqual({ ...BARE, credential_type: "iam_user" });
  });
});

describe("roles/ (LIST)", () => {
  it("lists role names sorted, under roles and roles/", async () => {
    const h = harness();
    for (let i = 10; i >= 1; i -= 1) {
      expect(await h.write(`testrole${i}`, { role_arns: [ROLE_ARN], credential_type: "assumed_role", default_sts_ttl: 3600, max_sts_ttl: 3600 })).toBeUndefined();
    }
    const keys = Array.from({ length: 10 }, (_v, i) => `testrole${i + 1}`).sort();
    expect(await h.request("list", "roles")).toEqual({ data: { keys } });
    expect(await h.request("list", "roles/")).toEqual({ data: { keys } });
  });

  it("answers an empty list when there are no roles", async () => {
    const h = harness();
    expect(await h.request("list", "roles/")).toEqual({ data: {} });
  });
});
