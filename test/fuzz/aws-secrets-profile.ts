// The AWS secrets engine as the fuzzer sees it: the whole engine (awsSecretsBackendSpec) over the
// in-memory IAM and STS of the creds tests, upstream's storage layouts (the JSON of its Go
// structs), and the few error texts that name a problem rather than a field.
import { awsSecretsBackendSpec } from "../../src/engines/aws-secrets/backend.js";
import type { AwsClients } from "../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../src/engines/aws-secrets/context.js";
import { defineBackend } from "../../src/framework/index.js";
import { InmemStorage, StaticSystemView } from "../../src/logical/index.js";
import { FakeIam, FakeSts, silentLogger, TestClock } from "../engines/aws-secrets/creds-fakes.js";
import type { StorageLayout } from "./lib/checks.js";
import { MEMORY_PROBES, TEMPLATE_LIMIT_PROBES } from "./lib/inputs.js";
import type { FuzzInstance, FuzzProfile } from "./lib/driver.js";

/** Names used for roles and existing IAM users alike, so writes, reads and issuance meet. */
const NAMES = ["deploy", "ops.team", "svc@example.com", "fed-1"] as const;

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

/** The fake IAM, where GetUser without a name describes the caller (the user of config/root's key). */
class CallerAwareIam extends FakeIam {
  override getUser(input: Parameters<FakeIam["getUser"]>[0]): ReturnType<FakeIam["getUser"]> {
    return super.getUser({ ...input, UserName: input.UserName ?? ROOT_USER });
  }
}

const ROOT_USER = "vault-root";

async function create(): Promise<FuzzInstance> {
  const storage = new InmemStorage();
  const clock = new TestClock();
  const iam = new CallerAwareIam();
  iam.addUser(ROOT_USER, { keys: new Map([["AKIAFUZZ", "fuzz-secret"]]) });
  const sts = new FakeSts(clock.now);
  for (const name of NAMES) iam.addUser(name);
  iam.groups.set("devs", { attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], inline: new Map([["inline", POLICY]]) });
  const clients: AwsClients = { iam: async () => iam, sts: async () => sts, freshIam: async () => iam, reset() {} };
  const system = new StaticSystemView();
  const ctx: AwsSecretsContext = { system, logger: silentLogger, clients, storage, now: clock.now };
  const backend = defineBackend(awsSecretsBackendSpec(ctx), { storage, system, logger: silentLogger, backendUuid: "fuzz", config: {} });
  return { backend, storage };
}

/** Upstream's structs as encoding/json writes them (builtin/logical/aws, sdk framework WAL). */
const LAYOUTS: StorageLayout[] = [
  {
    prefix: "config/root",
    exact: true,
    members: {
      identity_token_ttl: "int64", identity_token_audience: "string", rotation_schedule: "string", rotation_window: "int64",
      rotation_period: "int64", disable_automated_rotation: "bool", access_key: "string", secret_key: "string", iam_endpoint: "string",
      sts_endpoint: "string", sts_region: "string", sts_fallback_endpoints: "[]string", sts_fallback_regions: "[]string", region: "string",
      max_retries: "int64", username_template: "string", role_arn: "string",
    },
  },
  { prefix: "config/lease", exact: true, members: { Lease: "int64", LeaseMax: "int64" } },
  {
    prefix: "role/",
    members: {
      credential_types: "[]string", policy_arns: "[]string", role_arns: "[]string", policy_document: "string", iam_groups: "[]string",
      iam_tags: "map[string]string", session_tags: "map[string]string", external_id: "string", invalid_data: "string",
      prohibit_flexible_cred_path: "bool", version: "int64", default_sts_ttl: "int64", max_sts_ttl: "int64", ttl: "int64", max_ttl: "int64",
      user_path: "string", permissions_boundary_arn: "string", mfa_serial_number: "string",
    },
    // omitempty upstream; ttl and max_ttl are this plugin's (vault#15176), written only when set.
    optional: ["invalid_data", "prohibit_flexible_cred_path", "ttl", "max_ttl"],
  },
  { prefix: "policy/", members: {}, neverWritten: true },
  {
    prefix: "static-roles/",
    members: { name: "string", id: "string", username: "string", rotation_period: "int64", assume_role_arn: "string", assume_role_session_name: "string", external_id: "string" },
  },
  { prefix: "static-creds/", members: { access_key: "string", expiration: "time", secret_key: "string" }, optional: ["expiration"] },
  { prefix: "wal/", members: { type: "string", data: "any", created_at: "int64" } },
];

export const awsSecretsProfile: FuzzProfile = {
  name: "aws-secrets",
  create,
  names: NAMES,
  preamble: [
    { operation: "create", path: "config/root", data: { access_key: "AKIAFUZZ", secret_key: "fuzz-secret" } },
    { operation: "update", path: "roles/deploy", data: { credential_type: "iam_user", policy_document: POLICY, iam_groups: "devs", iam_tags: ["team=fuzz"] } },
    { operation: "update", path: "roles/ops.team", data: { credential_type: "assumed_role", role_arns: "arn:aws:iam::123456789012:role/deployer", session_tags: { team: "fuzz" } } },
    { operation: "update", path: "roles/svc@example.com", data: { credential_type: "federation_token", policy_arns: "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
    { operation: "update", path: "roles/fed-1", data: { credential_type: "session_token", mfa_serial_number: "arn:aws:iam::123456789012:mfa/fuzz" } },
    { operation: "update", path: "static-roles/deploy", data: { username: "deploy", rotation_period: "1h" } },
  ],
  hints: {
    credential_type: ["iam_user", "assumed_role", "federation_token", "session_token"],
    role_arns: ["arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/deployer,arn:aws:iam::123456789012:role/reader"],
    role_arn: ["arn:aws:iam::123456789012:role/deployer"],
    policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    policy_document: [POLICY, "", "{}"],
    iam_groups: ["devs", ["devs"]],
    permissions_boundary_arn: ["arn:aws:iam::123456789012:policy/boundary"],
    user_path: ["/", "/fuzz/"],
    username: [...NAMES],
    rotation_period: ["1h", 3600, "60s"],
    lease: ["1h", "30m", "3600"],
    lease_max: ["12h", "24h"],
    access_key: ["AKIAFUZZ"],
    secret_key: ["fuzz-secret"],
    mfa_serial_number: ["arn:aws:iam::123456789012:mfa/fuzz"],
    mfa_code: ["123456"],
    sts_fallback_endpoints: ["http://127.0.0.1:1"],
    sts_fallback_regions: ["us-east-1"],
    username_template: ["vault-{{ .RoleName }}-{{ unix_time }}", "{{ .DisplayName | truncate 10 }}-{{ random 8 }}", ...TEMPLATE_LIMIT_PROBES, ...MEMORY_PROBES],
  },
  layouts: LAYOUTS,
  problems: [
    /^Role ".*" not found$/s,
    /^unsupported operation$/,
    /^Cannot call config\/rotate-root when either access_key or secret_key is empty$/,
    /^fallback endpoints and fallback regions must be the same length$/,
    /^did not supply a role_arn parameter and unable to determine one$/,
    // AWS's own answer relayed after upstream's step text: "Error creating IAM user: AccessDenied: …".
    /: [A-Z][A-Za-z]+: \S/s,
    // Enterprise features, in upstream's (Vault CE core's) words.
    /not supported in Vault community edition$/,
  ],
};
