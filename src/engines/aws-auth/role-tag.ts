// Role tags: a value an operator puts on an EC2 instance (under the role's role_tag key) that
// narrows what the instance gets from its role: fewer policies, a shorter max TTL, one instance,
// no reauthentication. The value is signed with the role's own random hmac_key, so only Vault can
// make one, and it is bound to the role it was made for.
//
// Format (upstream's, fields in this order; optional ones only when set):
//   v1:<nonce>:r=<role>:d=<bool>:m=<bool>[:p=<policy,…>][:i=<instance id>][:t=<max ttl seconds>]:<hmac>
// nonce = base64 of 8 random bytes; hmac = base64 HMAC-SHA256 of everything before the last colon.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { goQuote, parseDurationSecond } from "../../framework/index.js";
import type { Nanoseconds, Storage } from "../../logical/index.js";
import type { AwsAuthRole } from "./role-model.js";
import { readRole } from "./role-storage.js";

export const ROLE_TAG_VERSION = "v1";

/** EC2 allows tag values of at most 255 characters. */
export const MAX_ROLE_TAG_VALUE_LENGTH = 255;

export interface RoleTag {
  version: string;
  nonce: string;
  /** The role the tag was made for (lower-cased name). */
  role: string;
  /** Policies that replace the role's at login; empty: the role's own. */
  policies: string[];
  /** Caps the token's max TTL; 0 when the tag sets none. */
  maxTtl: Nanoseconds;
  /** The only instance that may use the tag; "" for any. */
  instanceId: string;
  disallowReauthentication: boolean;
  allowInstanceMigration: boolean;
}

/** A parsed tag with the HMAC it carried. */
export interface SignedRoleTag extends RoleTag {
  hmac: string;
}

export type RoleTagParseResult = { ok: true; tag: SignedRoleTag; role: AwsAuthRole } | { ok: false; error: string };

const NS_PER_SECOND = 1_000_000_000n;

/** A fresh nonce: base64 of 8 random bytes. */
export function createRoleTagNonce(): string {
  return randomBytes(8).toString("base64");
}

/** The signed part of a tag (upstream's prepareRoleTagPlaintextValue). */
export function roleTagPlaintext(tag: RoleTag): string {
  if (tag.version === "") throw new Error("missing version");
  if (tag.nonce === "") throw new Error("missing nonce");
  if (tag.role === "") throw new Error("missing role");
  let value = `${tag.version}:${tag.nonce}:r=${tag.role}:d=${String(tag.disallowReauthentication)}:m=${String(tag.allowInstanceMigration)}`;
  if (tag.policies.length > 0) value += `:p=${tag.policies.join(",")}`;
  if (tag.instanceId !== "") value += `:i=${tag.instanceId}`;
  const seconds = tag.maxTtl / NS_PER_SECOND;
  if (seconds > 0n) value += `:t=${seconds}`;
  return value;
}

function hmacBase64(key: string, value: string): string {
  if (key === "") throw new Error("invalid HMAC key");
  return createHmac("sha256", key).update(value, "utf8").digest("base64");
}

/** The full tag value, signed with the role's hmac_key. Throws when it would not fit on EC2. */
export function createRoleTagValue(tag: RoleTag, hmacKey: string): string {
  const plaintext = roleTagPlaintext(tag);
  const value = `${plaintext}:${hmacBase64(hmacKey, plaintext)}`;
  if (value.length > MAX_ROLE_TAG_VALUE_LENGTH) throw new Error("role tag 'value' exceeding the limit of 255 characters");
  return value;
}

/** Whether the tag's HMAC is the one `hmacKey` gives its content (constant time). */
export function verifyRoleTag(tag: SignedRoleTag, hmacKey: string): boolean {
  const expected = Buffer.from(hmacBase64(hmacKey, roleTagPlaintext(tag)), "utf8");
  const given = Buffer.from(tag.hmac, "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Go's strconv.ParseBool, with its error text. */
function parseGoBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
}

/** The tag's fields without checking its signature; throws with upstream's texts. */
export function parseRoleTag(value: string): SignedRoleTag {
  const items = value.split(":");
  if (items.length < 4) throw new Error("invalid tag");
  const hmac = items.pop() ?? "";
  const [version = "", nonce = "", ...rest] = items;
  if (version !== ROLE_TAG_VERSION) throw new Error("invalid role tag version");
  const tag: SignedRoleTag = {
    version,
    nonce,
    role: "",
    policies: [],
    maxTtl: 0n,
    instanceId: "",
    disallowReauthentication: false,
    allowInstanceMigration: false,
    hmac,
  };
  for (const item of rest) {
    const body = item.slice(2);
    if (item.startsWith("i=")) tag.instanceId = body;
    else if (item.startsWith("r=")) tag.role = body;
    else if (item.startsWith("p=")) tag.policies = body.split(",");
    else if (item.startsWith("d=")) tag.disallowReauthentication = parseGoBool(body);
    else if (item.startsWith("m=")) tag.allowInstanceMigration = parseGoBool(body);
    else if (item.startsWith("t=")) tag.maxTtl = parseDurationSecond(`${body}s`);
    else throw new Error(`unrecognized item ${goQuote(item)} in tag`);
  }
  if (tag.role === "") throw new Error("missing role name");
  return tag;
}

/**
 * Parses a tag value and checks its HMAC against the key of the role it names (upstream's
 * parseAndVerifyRoleTagValue), for ec2 login and the deny list. The error texts are upstream's;
 * they never contain the key or the expected HMAC.
 */
export async function parseRoleTagValue(storage: Storage, value: string): Promise<RoleTagParseResult> {
  let tag: SignedRoleTag;
  try {
    tag = parseRoleTag(value);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const role = await readRole(storage, tag.role);
  if (role === undefined) return { ok: false, error: `entry not found for ${goQuote(tag.role)}` };
  let verified: boolean;
  try {
    verified = verifyRoleTag(tag, role.hmacKey);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (!verified) return { ok: false, error: "role tag signature verification failed" };
  return { ok: true, tag, role };
}
