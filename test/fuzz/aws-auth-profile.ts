// The AWS auth method as the fuzzer sees it: the whole method (awsAuthBackendSpec) over in-memory
// storage and the fakes of aws-auth-fakes.ts (EC2, IAM, STS), upstream's storage layouts (the JSON
// of its Go structs), plausible values for every field (ARNs, account IDs, regions, signed identity
// documents, iam_request_* of GetCallerIdentity requests, role tags), and the few error texts that
// name a problem rather than a field.
import { awsAuthBackendSpec } from "../../src/engines/aws-auth/backend.js";
import type { AwsAuthContext } from "../../src/engines/aws-auth/context.js";
import { defineBackend } from "../../src/framework/index.js";
import { InmemStorage, StaticSystemView, type Logger } from "../../src/logical/index.js";
import { ec2IdentityDocument, ec2IdentitySigner } from "../helpers/ec2-identity.js";
import { ACCOUNT, AMI, DEPLOY_USER, fakeClients, INSTANCE_ID, INSTANCE_PROFILE, OTHER_ACCOUNT, REGION, WEB_ROLE } from "./aws-auth-fakes.js";
import type { StorageLayout } from "./lib/checks.js";
import type { FuzzInstance, FuzzProfile } from "./lib/driver.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

/**
 * Names shared by every capture: roles (an ec2 login without `role` uses the AMI ID, an iam login
 * the caller's name), certificates, STS accounts and access-list instances.
 */
const NAMES = ["deploy", "web-role", AMI, "tagged", "dsa", ACCOUNT, OTHER_ACCOUNT, INSTANCE_ID] as const;

export const VAULT_SECRET_KEY = "fuzz-vault-secret-key-0000";
const NOW = new Date("2026-02-01T00:00:00Z");

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

const STS_URL = "https://sts.amazonaws.com/";
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/** Headers of a signed GetCallerIdentity POST (the fake STS reads the key ID; nothing checks the signature). */
function stsHeaders(accessKeyId: string, serverId = false): Record<string, string[]> {
  const signed = `content-type;host;x-amz-date${serverId ? ";x-vault-aws-iam-server-id" : ""}`;
  return {
    Authorization: [`AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260201/us-east-1/sts/aws4_request, SignedHeaders=${signed}, Signature=${"0f".repeat(32)}`],
    "Content-Type": ["application/x-www-form-urlencoded; charset=utf-8"],
    Host: ["sts.amazonaws.com"],
    "X-Amz-Date": ["20260201T000000Z"],
    ...(serverId && { "X-Vault-Aws-Iam-Server-Id": ["vault.example.com"] }),
  };
}

/** A presigned GetCallerIdentity GET URL. */
const presignedUrl = (accessKeyId: string): string =>
  `${STS_URL}?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${accessKeyId}%2F20260201%2Fus-east-1%2Fsts%2Faws4_request` +
  `&X-Amz-Date=20260201T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=${"0f".repeat(32)}`;

/** The body of an iam login as the fake STS knows `accessKeyId`. */
export function iamLoginBody(accessKeyId: string, role?: string): Record<string, unknown> {
  return {
    ...(role !== undefined && { role }),
    iam_http_request_method: "POST",
    iam_request_url: b64(STS_URL),
    iam_request_body: b64(STS_BODY),
    iam_request_headers: stsHeaders(accessKeyId),
  };
}

/** Role tags in upstream's format, signed with a key no role has: they parse, and fail to verify. */
const FOREIGN_ROLE_TAGS = [
  "v1:AAAAAAAAAAA=:r=tagged:d=false:m=false:p=dev:aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28=",
  `v1:AAAAAAAAAAA=:r=ami-0fuzz:d=true:m=false:p=dev,prod:i=${INSTANCE_ID}:t=3600:aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28=`,
  "v1:AAAAAAAAAAA=:r=tagged:d=false:m=false",
  "v2:x:r=tagged",
];

/** Upstream's structs as encoding/json writes them (builtin/credential/aws, sdk helpers). */
const TOKEN_PARAMS = {
  token_bound_cidrs: "[]string", token_explicit_max_ttl: "int64", token_max_ttl: "int64", token_no_default_policy: "bool", token_num_uses: "int64",
  token_period: "int64", token_policies: "[]string", token_type: "int64", token_ttl: "int64", alias_metadata: "map[string]string",
} as const;

const TIDY = { members: { safety_buffer: "int64", disable_periodic_tidy: "bool" } } as const;

export const LAYOUTS: StorageLayout[] = [
  {
    // clientConfig with the embedded PluginIdentityTokenParams and AutomatedRotationParams.
    prefix: "config/client",
    exact: true,
    members: {
      identity_token_ttl: "int64", identity_token_audience: "string", rotation_schedule: "string", rotation_window: "int64", rotation_period: "int64",
      disable_automated_rotation: "bool", access_key: "string", secret_key: "string", endpoint: "string", iam_endpoint: "string", sts_endpoint: "string",
      sts_region: "string", use_sts_region_from_client: "bool", iam_server_id_header_value: "string", allowed_sts_header_values: "[]string",
      max_retries: "int64", role_arn: "string",
    },
  },
  {
    // identityConfig: the metadata handlers marshal as {"auth_metadata": [...] | null}.
    prefix: "config/identity",
    exact: true,
    members: { iam_alias: "string", iam_auth_metadata_handler: "any", ec2_alias: "string", ec2_auth_metadata_handler: "any", iam_metadata_tags: "[]string" },
    // This plugin's (vault#31864, IAM tags as metadata): written only when set; Vault ignores it.
    optional: ["iam_metadata_tags"],
  },
  { prefix: "config/certificate/", members: { aws_public_cert: "string", type: "string" } },
  { prefix: "config/sts/", members: { sts_role: "string", external_id: "string" }, optional: ["external_id"] },
  { prefix: "config/tidy/identity-whitelist", exact: true, ...TIDY },
  { prefix: "config/tidy/roletag-blacklist", exact: true, ...TIDY },
  { prefix: "config/version", exact: true, members: { version: "int64" } },
  {
    // awsRoleEntry with the embedded tokenutil.TokenParams; the singular binds are omitempty.
    prefix: "role/",
    members: {
      ...TOKEN_PARAMS,
      role_id: "string", auth_type: "string", bound_ami_id_list: "[]string", bound_account_id_list: "[]string", bound_ec2_instance_id_list: "[]string",
      bound_iam_principal_arn_list: "[]string", bound_iam_principal_id_list: "[]string", bound_iam_role_arn_list: "[]string",
      bound_iam_instance_profile_arn_list: "[]string", bound_region_list: "[]string", bound_subnet_id_list: "[]string", bound_vpc_id_list: "[]string",
      inferred_entity_type: "string", inferred_aws_region: "string", resolve_aws_unique_ids: "bool", role_tag: "string", allow_instance_migration: "bool",
      disallow_reauthentication: "bool", hmac_key: "string", version: "int64", ttl: "int64", max_ttl: "int64", period: "int64", policies: "[]string",
      bound_ami_id: "string", bound_account_id: "string", bound_iam_principal_arn: "string", bound_iam_principal_id: "string", bound_iam_role_arn: "string",
      bound_iam_instance_profile_arn: "string", bound_region: "string", bound_subnet_id: "string", bound_vpc_id: "string",
    },
    optional: [
      "bound_ami_id", "bound_account_id", "bound_iam_principal_arn", "bound_iam_principal_id", "bound_iam_role_arn", "bound_iam_instance_profile_arn",
      "bound_region", "bound_subnet_id", "bound_vpc_id",
    ],
  },
  {
    // whitelistIdentity, under its pre-1.7 storage name.
    prefix: "whitelist/identity/",
    members: {
      role: "string", client_nonce: "string", creation_time: "time", disallow_reauthentication: "bool", pending_time: "string", expiration_time: "time",
      last_updated_time: "time",
    },
  },
  // roleTagBlacklistEntry, under its pre-1.7 storage name.
  { prefix: "blacklist/roletag/", members: { creation_time: "time", expiration_time: "time" } },
];

/** The upstream texts (and this plugin's refusals beyond them) that name a problem, not a field. */
const PROBLEMS: RegExp[] = [
  /^unsupported operation$/,
  // login: which method, the role, the document, the request, the binds.
  /^supplied (some of the )?auth values for/,
  /^didn't supply required authentication values$/,
  /^entry for role ".*" not found$/s,
  /^entry for role .* not found$/s,
  /^auth method (ec2|iam) not allowed for role /,
  /^failed to verify (the signature|instance ID|.* as a valid EC2 instance)/,
  /^failed to parse the BER encoded PKCS#7 signature/,
  /^instance identity verification using SHA256 RSA signature is unsuccessful/,
  /^Error validating instance: /i,
  /^(reauthentication is disabled|client nonce mismatch( and instance meta-data incorrect)?|client nonce missing in stored identity)$/,
  /^region missing from Authorization header$/,
  /^Region .* does not satisfy the constraint on role /s,
  /^IAM Principal .* does not belong to the role /s,
  /^error making upstream request: /,
  /^error parsing arn /,
  /^client nonce /,
  /^(no action found in request|found multiple actions|unexpected action parameter|invalid request|iam request body is invalid|missing Authorization header)/,
  /^invalid request (header|query param): /,
  /^error validating X-Vault-AWS-IAM-Server-ID header: /,
  /^failed to fetch and verify the role tag: /,
  // Role tags (deny list, login): upstream's parse and verification texts, about the tag value.
  /^(invalid tag|invalid role tag version|unrecognized item .* in tag|missing role name|role tag signature verification failed|missing (version|nonce|role))$/s,
  /^entry not found for ".*"$/s,
  /^(failed to verify the role tag and parse it|role entry not found)$/,
  // role: the texts of pathRoleCreateUpdate about combinations of settings.
  // sdk tokenutil/parseutil's text for a token_bound_cidrs item (upstream names no field either).
  /^error parsing address ".*": /s,
  /^at least one bound parameter should be specified on the role$/,
  /^unable to resolve ARN .* to internal ID: /s,
  // config/*: upstream's texts about the certificate and the stored client config.
  /^invalid certificate; /,
  /^can't update client config because it's unset$/,
  /not supported in Vault community edition$/,
  // sdk authmetadata's texts (config/identity's iam_metadata / ec2_metadata).
  /contains default - default can't be used in combination with other fields$/,
  /^no STS configuration found for account ID /,
];

async function fuzzProfileOf(): Promise<FuzzProfile> {
  const signer = await ec2IdentitySigner("aws-auth fuzz");
  const document = ec2IdentityDocument({ instanceId: INSTANCE_ID, imageId: AMI, region: REGION, accountId: ACCOUNT, pendingTime: "2026-01-01T00:00:00Z" });
  const foreignDocument = ec2IdentityDocument({ instanceId: "i-0fffffffffffffff0", imageId: "ami-0other", region: "eu-west-1", accountId: OTHER_ACCOUNT });
  const pkcs7 = signer.pkcs7Dsa(document);

  async function create(): Promise<FuzzInstance> {
    const storage = new InmemStorage();
    const system = new StaticSystemView();
    const ctx: AwsAuthContext = { system, logger: silent, clients: fakeClients(storage), storage, now: () => NOW };
    const backend = defineBackend(awsAuthBackendSpec(ctx), { storage, system, logger: silent, backendUuid: "fuzz", config: {} });
    return { backend, storage };
  }

  return {
    name: "aws-auth",
    create,
    names: NAMES,
    preamble: [
      { operation: "create", path: "config/client", data: { access_key: "AKIAFUZZVAULT", secret_key: VAULT_SECRET_KEY, max_retries: 0 } },
      { operation: "update", path: "config/identity", data: { iam_alias: "full_arn", iam_metadata: "canonical_arn,client_arn", ec2_alias: "instance_id", ec2_metadata: "ami_id,region" } },
      { operation: "create", path: "config/certificate/dsa", data: { aws_public_cert: signer.certificates.dsa, type: "pkcs7" } },
      { operation: "create", path: "config/certificate/rsa-identity", data: { aws_public_cert: b64(signer.certificates.rsaIdentity), type: "identity" } },
      { operation: "create", path: `config/sts/${OTHER_ACCOUNT}`, data: { sts_role: `arn:aws:iam::${OTHER_ACCOUNT}:role/vault`, external_id: "fuzz-external" } },
      { operation: "create", path: "role/deploy", data: { auth_type: "iam", bound_iam_principal_arn: [DEPLOY_USER, `arn:aws:iam::${ACCOUNT}:user/ops*`], token_policies: "dev" } },
      {
        operation: "create",
        path: "role/web-role",
        data: { auth_type: "iam", bound_iam_principal_arn: WEB_ROLE, inferred_entity_type: "ec2_instance", inferred_aws_region: REGION, bound_ami_id: AMI, policies: "web" },
      },
      {
        operation: "create",
        path: `role/${AMI}`,
        data: { auth_type: "ec2", bound_ami_id: AMI, bound_account_id: ACCOUNT, bound_region: REGION, bound_iam_instance_profile_arn: INSTANCE_PROFILE, token_ttl: "1h" },
      },
      { operation: "create", path: "role/tagged", data: { auth_type: "ec2", bound_ami_id: AMI, role_tag: "VaultRole", disallow_reauthentication: false } },
      { operation: "update", path: "role/tagged/tag", data: { policies: "dev", instance_id: INSTANCE_ID, max_ttl: "1h" } },
      { operation: "update", path: "login", data: { role: AMI, pkcs7, nonce: "fuzz-nonce-0001" } },
      { operation: "update", path: "login", data: iamLoginBody("AKIAFUZZDEPLOY") },
      { operation: "update", path: "login", data: iamLoginBody("ASIAFUZZINSTANCE") },
      { operation: "update", path: "config/tidy/identity-accesslist", data: { safety_buffer: "72h" } },
      { operation: "update", path: "config/tidy/roletag-denylist", data: { safety_buffer: "72h", disable_periodic_tidy: true } },
    ],
    hints: {
      // login
      role: [...NAMES],
      pkcs7: [pkcs7, signer.pkcs7Rsa2048(document), signer.pkcs7Dsa(foreignDocument), pkcs7.slice(0, 200), b64("not a pkcs7 message"), `-----BEGIN PKCS7-----\n${pkcs7}\n-----END PKCS7-----`],
      identity: [signer.identity(document), signer.identity(foreignDocument), b64("{}"), b64("{not json")],
      signature: [signer.signature(document), signer.signature(foreignDocument), b64("garbage signature")],
      nonce: ["fuzz-nonce-0001", "another-nonce", ""],
      iam_http_request_method: ["POST", "GET", "PUT"],
      iam_request_url: [b64(STS_URL), b64(presignedUrl("AKIAFUZZDEPLOY")), b64(presignedUrl("ASIAFUZZINSTANCE")), b64("https://sts.amazonaws.com/?Action=ListUsers"), b64("::not a url")],
      iam_request_body: [b64(STS_BODY), b64("Action=GetCallerIdentity&Version=2011-06-15&Action=ListUsers"), b64("Action=AssumeRole")],
      iam_request_headers: [
        stsHeaders("AKIAFUZZDEPLOY"),
        stsHeaders("ASIAFUZZINSTANCE"),
        stsHeaders("AKIAFUZZOTHER"),
        stsHeaders("AKIAFUZZDEPLOY", true),
        stsHeaders("AKIAUNKNOWN"),
        JSON.stringify(stsHeaders("AKIAFUZZDEPLOY")),
        b64(JSON.stringify(stsHeaders("ASIAFUZZINSTANCE"))),
        { Host: ["sts.amazonaws.com"], "X-Amz-Foo": ["bar"] },
      ],
      // config/client
      access_key: ["AKIAFUZZVAULT", ""],
      secret_key: [VAULT_SECRET_KEY, ""],
      endpoint: ["https://ec2.us-east-1.amazonaws.com", ""],
      iam_endpoint: ["https://iam.amazonaws.com", ""],
      sts_endpoint: ["https://sts.us-east-1.amazonaws.com", "http://127.0.0.1:1", ""],
      sts_region: [REGION, "eu-west-1", ""],
      iam_server_id_header_value: ["vault.example.com", ""],
      allowed_sts_header_values: ["X-Amz-Foo", "x-amz-foo,x-amz-bar", ""],
      max_retries: [0, 1, -1],
      role_arn: [`arn:aws:iam::${ACCOUNT}:role/vault`, ""],
      identity_token_audience: [""],
      rotation_schedule: [""],
      // config/certificate, config/sts, config/identity
      aws_public_cert: [signer.certificates.dsa, b64(signer.certificates.rsa2048), "not a certificate", b64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")],
      type: ["pkcs7", "identity", "rsa"],
      cert_name: ["dsa", "extra"],
      account_id: [ACCOUNT, OTHER_ACCOUNT],
      sts_role: [`arn:aws:iam::${OTHER_ACCOUNT}:role/vault`, "arn:aws:iam::bad", "not-an-arn"],
      external_id: ["fuzz-external", ""],
      iam_alias: ["role_id", "unique_id", "full_arn", "canonical_arn"],
      ec2_alias: ["role_id", "instance_id", "image_id"],
      iam_metadata_tags: ["team", "team,cost-center", ""],
      iam_metadata: ["default", "", "account_id,canonical_arn,client_arn,client_user_id,inferred_aws_region,inferred_entity_id,inferred_entity_type,auth_type", "unknown_field"],
      ec2_metadata: ["default", "", "account_id,ami_id,instance_id,region,auth_type", "unknown_field"],
      // role
      auth_type: ["iam", "ec2"],
      bound_ami_id: [AMI, [AMI, "ami-0other"]],
      bound_account_id: [ACCOUNT, [ACCOUNT, OTHER_ACCOUNT]],
      bound_iam_principal_arn: [DEPLOY_USER, WEB_ROLE, `arn:aws:iam::${ACCOUNT}:user/*`, `arn:aws:iam::${OTHER_ACCOUNT}:role/stranger`, `arn:aws:iam::${ACCOUNT}:role/web-role,${DEPLOY_USER}`, "arn:aws:iam::*"],
      bound_region: [REGION, "eu-west-1"],
      bound_iam_role_arn: [WEB_ROLE, `arn:aws:iam::${ACCOUNT}:role/web*`],
      bound_iam_instance_profile_arn: [INSTANCE_PROFILE, `arn:aws:iam::${ACCOUNT}:instance-profile/web*`],
      bound_ec2_instance_id: [INSTANCE_ID, "i-0fffffffffffffff0"],
      bound_vpc_id: ["vpc-0fuzz"],
      bound_subnet_id: ["subnet-0fuzz"],
      resolve_aws_unique_ids: [true, false],
      inferred_entity_type: ["ec2_instance", ""],
      inferred_aws_region: [REGION, ""],
      role_tag: ["VaultRole", "", ...FOREIGN_ROLE_TAGS],
      policies: ["dev", "dev,prod", ""],
      token_policies: ["dev", "dev,prod"],
      token_bound_cidrs: ["10.0.0.0/8", "127.0.0.1/32,::1/128"],
      token_type: ["default", "service", "batch", "default-service", "default-batch"],
      ttl: ["1h", 3600], max_ttl: ["2h", 7200], period: ["1h", 0],
      token_ttl: ["1h"], token_max_ttl: ["2h"], token_explicit_max_ttl: ["3h"], token_period: ["30m"], token_num_uses: [0, 3],
      // role tag
      instance_id: [INSTANCE_ID, "i-0fffffffffffffff0"],
      // lists and tidy
      safety_buffer: ["72h", "1s", 259200],
    },
    bodies: {
      "login$": [
        iamLoginBody("AKIAFUZZDEPLOY"),
        iamLoginBody("AKIAFUZZDEPLOY", "web-role"),
        iamLoginBody("ASIAFUZZINSTANCE"),
        iamLoginBody("ASIAFUZZINSTANCE", "deploy"),
        iamLoginBody("AKIAFUZZOTHER", "deploy"),
        { ...iamLoginBody("AKIAFUZZDEPLOY"), iam_http_request_method: "GET", iam_request_url: b64(presignedUrl("AKIAFUZZDEPLOY")), iam_request_body: "" },
        { pkcs7, nonce: "fuzz-nonce-0001" },
        { role: "tagged", pkcs7: signer.pkcs7Rsa2048(document), nonce: "fuzz-nonce-0002" },
        { identity: signer.identity(document), signature: signer.signature(document) },
        { role: AMI, identity: signer.identity(foreignDocument), signature: signer.signature(foreignDocument) },
      ],
      "role/(?<role>\\w(([\\w-.]+)?\\w)?)": [
        { auth_type: "iam", bound_iam_principal_arn: DEPLOY_USER },
        { auth_type: "iam", bound_iam_principal_arn: WEB_ROLE, inferred_entity_type: "ec2_instance", inferred_aws_region: REGION, bound_vpc_id: "vpc-0fuzz" },
        { auth_type: "iam", bound_iam_principal_arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/stranger`, resolve_aws_unique_ids: true },
        { auth_type: "ec2", bound_ami_id: AMI, role_tag: "VaultRole" },
        { auth_type: "ec2", bound_iam_role_arn: WEB_ROLE, bound_subnet_id: "subnet-0fuzz", allow_instance_migration: true },
      ],
    },
    // Logins and roles carry most of the method's logic: sent about as often as all config paths together.
    weights: { "login$": 24, "role/(?<role>\\w(([\\w-.]+)?\\w)?)": 12 },
    layouts: LAYOUTS,
    problems: PROBLEMS,
    secretsOf: (key, stored) => {
      if (key === "config/client") return typeof stored["secret_key"] === "string" ? [stored["secret_key"]] : [];
      if (key.startsWith("role/")) return typeof stored["hmac_key"] === "string" ? [stored["hmac_key"]] : [];
      return [];
    },
  };
}

let profile: Promise<FuzzProfile> | undefined;

/** The profile, made once (the signer's DSA key takes a moment). */
export function awsAuthProfile(): Promise<FuzzProfile> {
  profile ??= fuzzProfileOf();
  return profile;
}

export { FOREIGN_ROLE_TAGS };
