// Role tags at ec2 login: a role with `role_tag` set requires the instance to carry an EC2 tag of
// that key whose value is a role tag this mount issued (role/<role>/tag) for this role — and, if
// the tag names one, this instance — not on the deny list, with policies within the role's.
import { createHmac, timingSafeEqual } from "node:crypto";
import { parseDurationSecond, upgradeStoredTokenParams } from "../../framework/index.js";
import { getJson, type Nanoseconds, type Storage } from "../../logical/index.js";
import type { Ec2Instance } from "./aws-api.js";
import type { AwsAuthRole } from "./role-model.js";
import { readRole } from "./role-storage.js";
import { STORAGE } from "./storage-keys.js";

/** What a verified tag grants: narrower policies, a max TTL cap, and possibly no reauthentication. */
export interface RoleTagGrant {
  policies: string[];
  maxTtl: Nanoseconds;
  disallowReauthentication: boolean;
}

interface ParsedTag {
  role: string;
  nonce: string;
  policies: string[];
  instanceId: string;
  maxTtl: Nanoseconds;
  disallowReauthentication: boolean;
  allowInstanceMigration: boolean;
  hmac: string;
}

function parseBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/** Upstream's reading of a tag value: version, nonce, then r/d/m/p/i/t items, the HMAC last. */
function parseTag(value: string): ParsedTag | string {
  const items = value.split(":");
  if (items.length < 4) return "invalid tag";
  const hmac = items.pop() ?? "";
  if (items[0] !== "v1") return "invalid role tag version";
  const tag: ParsedTag = { role: "", nonce: items[1] ?? "", policies: [], instanceId: "", maxTtl: 0n, disallowReauthentication: false, allowInstanceMigration: false, hmac };
  for (const item of items.slice(2)) {
    const [key, rest] = [item.slice(0, 2), item.slice(2)];
    if (key === "i=") tag.instanceId = rest;
    else if (key === "r=") tag.role = rest;
    else if (key === "p=") tag.policies = rest.split(",");
    else if (key === "d=" || key === "m=") {
      const b = parseBool(rest);
      if (b === undefined) return `invalid boolean ${JSON.stringify(rest)} in tag item ${key.slice(0, 1)}`;
      if (key === "d=") tag.disallowReauthentication = b;
      else tag.allowInstanceMigration = b;
    } else if (key === "t=") {
      try {
        tag.maxTtl = parseDurationSecond(`${rest}s`);
      } catch {
        return `invalid max TTL ${JSON.stringify(rest)} in tag`;
      }
    } else return `unrecognized item ${JSON.stringify(item)} in tag`;
  }
  if (tag.role === "") return "missing role name";
  return tag;
}

/** The canonical text the HMAC covers, rebuilt from the parsed items. */
function plaintext(tag: ParsedTag): string {
  let value = `v1:${tag.nonce}:r=${tag.role}:d=${String(tag.disallowReauthentication)}:m=${String(tag.allowInstanceMigration)}`;
  if (tag.policies.length > 0) value += `:p=${tag.policies.join(",")}`;
  if (tag.instanceId !== "") value += `:i=${tag.instanceId}`;
  const seconds = tag.maxTtl / 1_000_000_000n;
  if (seconds > 0n) value += `:t=${seconds}`;
  return value;
}

async function verifyTag(storage: Storage, value: string): Promise<ParsedTag | string> {
  const tag = parseTag(value);
  if (typeof tag === "string") return tag;
  if (tag.nonce === "") return "missing nonce";
  const owner = await readRole(storage, tag.role);
  if (owner === undefined) return `entry not found for ${JSON.stringify(tag.role)}`;
  if (owner.hmacKey === "") return "invalid HMAC key";
  const expected = Buffer.from(createHmac("sha256", owner.hmacKey).update(plaintext(tag)).digest("base64"));
  const given = Buffer.from(tag.hmac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "role tag signature verification failed";
  return tag;
}

/** The grant of the instance's role tag, or why there is none (the login then fails). */
export async function roleTagLogin(storage: Storage, roleName: string, role: AwsAuthRole, instance: Ec2Instance): Promise<RoleTagGrant | { refused: string }> {
  const value = instance.tags[role.roleTag] ?? "";
  if (value === "") return { refused: `missing tag with key ${JSON.stringify(role.roleTag)} on the instance` };
  const tag = await verifyTag(storage, value);
  if (typeof tag === "string") return { refused: tag };
  if (tag.role !== roleName) return { refused: "role on the tag is not matching the role supplied" };
  if (tag.instanceId !== "" && tag.instanceId !== instance.instanceId) return { refused: "role tag is being used by an unauthorized instance" };
  if ((await getJson(storage, STORAGE.denyListPrefix + Buffer.from(value).toString("base64"))) !== undefined) {
    return { refused: "role tag is deny listed" };
  }
  const allowed = upgradeStoredTokenParams(role.token, role.legacy).tokenPolicies;
  if (!tag.policies.every((p) => allowed.includes(p))) return { refused: "policies on the role tag must be subset of policies on the role" };
  return { policies: tag.policies, maxTtl: tag.maxTtl, disallowReauthentication: tag.disallowReauthentication };
}
