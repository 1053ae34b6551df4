// Temporary credentials from STS for the assumed_role, federation_token and session_token
// credential types (≈ upstream secret_access_keys.go assumeRole/getFederationToken/getSessionToken
// and iam_policies.go). STS credentials cannot be revoked, so these only issue; the lease that
// carries them lasts exactly until AWS expires them and is not renewable.
import { boundInput } from "../../framework/index.js";
import { UserError, type Nanoseconds, type Request } from "../../logical/index.js";
import { AwsApiError, awsFailure } from "../../aws/errors.js";
import type { IamApi, StsApi } from "./aws-api.js";
import { readRootConfig } from "./config-root-storage.js";
import type { AwsSecretsContext } from "./context.js";
import { listAllPages } from "./iam-user.js";
import type { RoleEntry } from "./model.js";
import { assumeRoleInputError, federationTokenInputError, sessionTokenInputError } from "./sts-input-validation.js";
import { DEFAULT_USERNAME_TEMPLATE, generateUsername, sanitizeSessionName, UsernameError } from "./username.js";

/** What an STS credential request produced, ready for the `access_keys` secret response. */
export interface StsIssued {
  /** The client-facing data (access_key, secret_key, security_token, session_token, ttl[, arn]). */
  data: Record<string, unknown>;
  /** Stored with the lease; `is_sts: true` makes revoke a no-op, as upstream. */
  internal: Record<string, unknown>;
  /** Time left until AWS expires the credentials: the lease TTL. */
  leaseTtl: Nanoseconds;
}

/** The caller's choices for AssumeRole, already resolved by the creds path. */
export interface AssumeRoleParams {
  roleArn: string;
  ttlSeconds: number;
  /** Empty: generate one from the username template. */
  roleSessionName: string;
}

// The policy language version AWS documents as current; upstream stamps it on merged documents.
const POLICY_VERSION = "2012-10-17";

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Builds a client, answering failure as upstream does: a user-facing error with its text. A failed
 * STS probe stays the classified AWS failure it is, so that the creds path answers it as any other
 * AWS failure (400, or 502 when every endpoint throttled).
 */
async function client<T>(build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    if (err instanceof AwsApiError) throw err;
    throw new UserError(messageOf(err));
  }
}

/**
 * Answers an input aws-sdk-go v1 would refuse (e.g. a ttl below 900 seconds) as upstream does: a
 * 400 with the step's prefix and the SDK's text, without calling AWS.
 */
function refuseInvalid(prefix: string, problem: string | undefined): void {
  if (problem !== undefined) throw new UserError(`${prefix}: ${problem}`);
}

async function usernameTemplate(request: Request): Promise<string> {
  const config = await readRootConfig(request.storage);
  return config?.usernameTemplate || DEFAULT_USERNAME_TEMPLATE;
}

function generated(...args: Parameters<typeof generateUsername>): string {
  try {
    return generateUsername(...args);
  } catch (err) {
    // Template errors and over-long names are the operator's or caller's to fix: a 400.
    if (err instanceof UsernameError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte, and a malformed escape an error with
 * Go's text. IAM returns inline group policies URL-encoded and the SDK hands them over as sent.
 */
export function queryUnescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "%") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (ch === "+") {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(ch ?? "", "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Go's encoding/json string escaping: like JSON.stringify, plus HTML-safe `<`, `>`, `&` and U+2028/9. */
function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Serialises a decoded JSON value the way Go's json.Marshal writes an `interface{}`: object keys
 * sorted, HTML characters escaped. Upstream round-trips statements through Go maps, so this keeps
 * merged policies byte-identical to what Vault's engine sends.
 */
export function goJsonMarshal(value: unknown): string {
  if (value === null || typeof value !== "object") return typeof value === "string" ? goJsonString(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(",")}]`;
  const record = value as Record<string, unknown>;
  // Go sorts map keys by their UTF-8 bytes, which differs from UTF-16 order beyond the BMP.
  const keys = Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(record[k])}`).join(",")}}`;
}

/**
 * The statements of one policy document. "Statement" may be a list or a single statement (IAM
 * allows both); Go's decoder matches the member name case-insensitively, the last match winning.
 */
function statementsOf(policy: string): unknown[] {
  const doc: unknown = JSON.parse(policy);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new Error(`policy document is not a JSON object: ${boundInput(policy)}`);
  }
  let statements: unknown = undefined;
  for (const [key, value] of Object.entries(doc)) if (key.toLowerCase() === "statement") statements = value;
  if (statements === undefined) return [];
  if (statements === null) throw new Error("unsupported data type <nil> for StatementEntries");
  return Array.isArray(statements) ? statements : [statements];
}

/**
 * Merges policy documents into one `{"Version":"2012-10-17","Statement":[…]}` (≈ upstream
 * combinePolicyDocuments): statements concatenated in order, empty documents skipped.
 */
export function combinePolicyDocuments(policies: readonly string[]): string {
  const statements = policies.filter((p) => p.length > 0).flatMap(statementsOf);
  return `{"Version":${goJsonString(POLICY_VERSION)},"Statement":${goJsonMarshal(statements)}}`;
}

/** The inline policy documents (URL-decoded) and managed policy ARNs of `groups`, in group order. */
export async function groupPolicies(iam: IamApi, groups: readonly string[]): Promise<{ documents: string[]; arns: string[] }> {
  const documents: string[] = [];
  const arns: string[] = [];
  for (const GroupName of groups) {
    const attached = await listAllPages(
      (marker) => iam.listAttachedGroupPolicies({ GroupName, ...(marker === undefined ? {} : { Marker: marker }) }),
      (page) => page.AttachedPolicies,
    );
    for (const policy of attached) if (policy.PolicyArn !== undefined) arns.push(policy.PolicyArn);
    const names = await listAllPages(
      (marker) => iam.listGroupPolicies({ GroupName, ...(marker === undefined ? {} : { Marker: marker }) }),
      (page) => page.PolicyNames,
    );
    for (const PolicyName of names) {
      const inline = await iam.getGroupPolicy({ GroupName, PolicyName });
      if (inline.PolicyDocument !== undefined) documents.push(queryUnescape(inline.PolicyDocument));
    }
  }
  return { documents, arns };
}

/**
 * The session policy and policy ARNs for an STS call: the role's own, plus those of its
 * `iam_groups` (group documents first, then the role's, merged into one document; group ARNs
 * appended). Without groups no IAM client is built, as upstream.
 */
async function effectivePolicies(ctx: AwsSecretsContext, role: RoleEntry, signal: AbortSignal | undefined): Promise<{ policy: string; policyArns: string[] }> {
  if (role.iamGroups.length === 0) return { policy: role.policyDocument, policyArns: [...role.policyArns] };
  const iam = await client(() => ctx.clients.iam(signal));
  let fromGroups: { documents: string[]; arns: string[] };
  try {
    fromGroups = await groupPolicies(iam, role.iamGroups);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("invalid URL escape")) throw new UserError(err.message);
    throw awsFailure("", err);
  }
  let policy = role.policyDocument;
  if (fromGroups.documents.length > 0) {
    try {
      policy = combinePolicyDocuments([...fromGroups.documents, role.policyDocument]);
    } catch (err) {
      throw new UserError(messageOf(err));
    }
  }
  return { policy, policyArns: [...role.policyArns, ...fromGroups.arns] };
}

interface StsCredentialsLike {
  AccessKeyId?: string | undefined;
  SecretAccessKey?: string | undefined;
  SessionToken?: string | undefined;
  Expiration?: Date | undefined;
}

/**
 * The response data every STS type shares. `security_token` is the historical key, `session_token`
 * (Vault 1.16+) the AWS name; both carry the same token so either generation of client works
 * (upstream omits `security_token` for session_token credentials: an addition here, on purpose).
 * `ttl` is whole seconds left, truncated as upstream's `uint64(ttl.Seconds())`.
 */
function stsData(ctx: AwsSecretsContext, credentials: StsCredentialsLike | undefined, call: string): { data: Record<string, unknown>; leaseTtl: Nanoseconds } {
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  if (AccessKeyId === undefined || SecretAccessKey === undefined || SessionToken === undefined || Expiration === undefined) {
    throw new Error(`${call} returned incomplete credentials`);
  }
  // A clock ahead of AWS's must not yield a negative TTL (0 would mean "mount default" to Vault).
  const leftMs = Math.max(Expiration.getTime() - ctx.now().getTime(), 1000);
  return {
    data: {
      access_key: AccessKeyId,
      secret_key: SecretAccessKey,
      security_token: SessionToken,
      session_token: SessionToken,
      ttl: Math.floor(leftMs / 1000),
    },
    leaseTtl: BigInt(leftMs) * 1_000_000n,
  };
}

/** assumed_role: sts:AssumeRole on `params.roleArn` with the role's session policies, tags and external ID. */
export async function assumeRoleCreds(
  ctx: AwsSecretsContext,
  request: Request,
  role: RoleEntry,
  roleName: string,
  params: AssumeRoleParams,
): Promise<StsIssued> {
  const { policy, policyArns } = await effectivePolicies(ctx, role, request.signal);
  const sts: StsApi = await client(() => ctx.clients.sts(request.signal));
  const template = await usernameTemplate(request);
  // A supplied name is only sanitised (AWS enforces its length); a generated one uses the IAM limits.
  const sessionName =
    params.roleSessionName === ""
      ? generated({ template, type: "IAM", displayName: request.displayName, policyName: roleName, now: ctx.now() })
      : sanitizeSessionName(params.roleSessionName);
  const tags = Object.entries(role.sessionTags).map(([Key, Value]) => ({ Key, Value }));
  const input = {
    RoleArn: params.roleArn,
    RoleSessionName: sessionName,
    DurationSeconds: params.ttlSeconds,
    ...(policy === "" ? {} : { Policy: policy }),
    ...(policyArns.length === 0 ? {} : { PolicyArns: policyArns.map((arn) => ({ arn })) }),
    ...(tags.length === 0 ? {} : { Tags: tags }),
    ...(role.externalId === "" ? {} : { ExternalId: role.externalId }),
  };
  refuseInvalid("Error assuming role", assumeRoleInputError(input));

  let output;
  try {
    output = await sts.assumeRole(input);
  } catch (err) {
    throw awsFailure("Error assuming role", err);
  }
  const { data, leaseTtl } = stsData(ctx, output.Credentials, "AssumeRole");
  const arn = output.AssumedRoleUser?.Arn;
  if (arn === undefined) throw new Error("AssumeRole returned no assumed-role user");
  return { data: { ...data, arn }, internal: { username: sessionName, policy: params.roleArn, is_sts: true }, leaseTtl };
}

/**
 * federation_token: sts:GetFederationToken. Refused when neither a policy document nor policy ARNs
 * remain after merging groups: AWS would then hand out credentials as powerful as Vault's own.
 */
export async function federationTokenCreds(
  ctx: AwsSecretsContext,
  request: Request,
  role: RoleEntry,
  roleName: string,
  ttlSeconds: number,
): Promise<StsIssued> {
  const { policy, policyArns } = await effectivePolicies(ctx, role, request.signal);
  const sts = await client(() => ctx.clients.sts(request.signal));
  const template = await usernameTemplate(request);
  // An "STS" name sees neither display nor role name (upstream; 32 characters leave no room).
  const name = generated({ template, type: "STS", displayName: request.displayName, policyName: roleName, now: ctx.now() });
  if (policy === "" && policyArns.length === 0) {
    throw new UserError("must specify at least one of policy_arns or policy_document with federation_token credential_type");
  }

  const input = {
    Name: name,
    DurationSeconds: ttlSeconds,
    ...(policy === "" ? {} : { Policy: policy }),
    ...(policyArns.length === 0 ? {} : { PolicyArns: policyArns.map((arn) => ({ arn })) }),
  };
  refuseInvalid("Error generating STS keys", federationTokenInputError(input));

  let output;
  try {
    output = await sts.getFederationToken(input);
  } catch (err) {
    throw awsFailure("Error generating STS keys", err);
  }
  const { data, leaseTtl } = stsData(ctx, output.Credentials, "GetFederationToken");
  return { data, internal: { username: name, policy, is_sts: true }, leaseTtl };
}

/**
 * session_token: sts:GetSessionToken with the role's MFA device and the caller's code. It needs
 * IAM-user root credentials (AWS refuses role sessions) and applies no policy of its own.
 */
export async function sessionTokenCreds(
  ctx: AwsSecretsContext,
  role: RoleEntry,
  ttlSeconds: number,
  mfaCode: string,
  signal?: AbortSignal,
): Promise<StsIssued> {
  const sts = await client(() => ctx.clients.sts(signal));
  const input = {
    DurationSeconds: ttlSeconds,
    ...(role.mfaSerialNumber === "" ? {} : { SerialNumber: role.mfaSerialNumber }),
    ...(mfaCode === "" ? {} : { TokenCode: mfaCode }),
  };
  refuseInvalid("Error generating STS keys", sessionTokenInputError(input));

  let output;
  try {
    output = await sts.getSessionToken(input);
  } catch (err) {
    throw awsFailure("Error generating STS keys", err);
  }
  const { data, leaseTtl } = stsData(ctx, output.Credentials, "GetSessionToken");
  // Upstream stores only the flag: there is no name or policy to remember for a session token.
  return { data, internal: { is_sts: true }, leaseTtl };
}
