// roletag-denylist/<role_tag> (update, read, delete) and roletag-denylist/ (list): role tags an
// operator has revoked. Stored under `blacklist/roletag/<base64 of the tag>`; reads and deletes
// take the tag as it is, the update also its base64 form.
import { definePath, field, type KeyedLock, type PathSpec } from "../../framework/index.js";
import { errorResponse, getJson, putJson, type Nanoseconds, type Request, type Response, type Storage, type SystemView } from "../../logical/index.js";
import { goTimeJson } from "./go-time.js";
import { denyListKey } from "./list-storage.js";
import { storedTimeText } from "./path-identity-accesslist.js";
import { readRole } from "./role-storage.js";
import { asObject, storedTime } from "../../framework/stored-json.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";

/** What the deny list needs of a role tag once its HMAC checked out. */
export interface VerifiedRoleTag {
  /** The role named in the tag (`r=`). */
  role: string;
  /** The tag's `t=` max_ttl; 0 when it has none. */
  maxTtl: Nanoseconds;
}

/**
 * Parses a role tag's text and verifies its HMAC with its role's key (upstream's
 * parseAndVerifyRoleTagValue). A tag that does not parse or verify is answered with the reason in
 * upstream's words; storage failures are thrown.
 */
export type RoleTagVerifier = (storage: Storage, tag: string) => Promise<VerifiedRoleTag | { error: string }>;

/**
 * Go's base64.StdEncoding.DecodeString: the standard alphabet with padding, line breaks ignored;
 * undefined for anything else (the update then takes the value as the tag itself).
 */
export function decodeStdBase64(text: string): Buffer | undefined {
  const stripped = text.replace(/[\r\n]/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(stripped)) return undefined;
  return Buffer.from(stripped, "base64");
}

/** Go's zero time.Time, 0001-01-01T00:00:00Z. */
const ZERO_TIME_MS = -62_135_596_800_000;

/** Go's time.Time JSON cannot hold years past 9999 (MarshalJSON fails there). */
const LATEST_STORABLE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const fields = {
  role_tag: field.string({
    description: `The role tag to deny. Give it as it is, or base64-encoded to avoid encoding
problems.`,
  }),
};

const biggest = (values: Nanoseconds[]): Nanoseconds => values.reduce((a, b) => (b > a ? b : a), 0n);

export interface DenyListDeps {
  system: SystemView;
  now: () => Date;
  verifyRoleTag: RoleTagVerifier;
  lock: KeyedLock;
}

export function roletagDenyListPath(deps: DenyListDeps): PathSpec<typeof fields> {
  const update = async (request: Request, tagInput: string): Promise<Response | undefined> => {
    if (tagInput === "") return errorResponse("missing role_tag");
    const tagBytes = decodeStdBase64(tagInput) ?? Buffer.from(tagInput, "utf8");
    const verified = await deps.verifyRoleTag(request.storage, tagBytes.toString("utf8"));
    if ("error" in verified) return errorResponse(verified.error);
    const role = await readRole(request.storage, verified.role);
    if (role === undefined) return errorResponse("role entry not found");
    // Upstream's role() moves a legacy max_ttl into token_max_ttl when the latter is unset.
    const roleMaxTtl = role.token.tokenMaxTtl !== 0n ? role.token.tokenMaxTtl : role.legacy.maxTtl;
    // Denying restricts access, so the entry lives as long as the longest of the limits.
    const longest = biggest([verified.maxTtl, roleMaxTtl, await deps.system.maxLeaseTtl()]);

    const key = denyListKey(tagBytes);
    return deps.lock.run(key, async () => {
      const now = deps.now();
      const expiration = now.getTime() + Number(longest / 1_000_000n);
      if (expiration > LATEST_STORABLE_MS) {
        return errorResponse("the deny-list entry would expire after the year 9999, which Vault cannot store; lower the role's or the tag's max_ttl");
      }
      // A repeated update only moves the expiration; the creation time stays as first stored.
      const stored = await getJson(request.storage, key);
      let creation = goTimeJson(now);
      if (stored !== undefined) {
        const o = asObject(stored);
        if (storedTime(o, "creation_time").getTime() !== ZERO_TIME_MS) creation = storedTimeText(o, "creation_time");
      }
      await putJson(request.storage, key, { creation_time: creation, expiration_time: goTimeJson(new Date(expiration)) });
      return undefined;
    });
  };

  const read = async (request: Request, tag: string): Promise<Response | undefined> => {
    if (tag === "") return errorResponse("missing role_tag");
    const stored = await getJson(request.storage, denyListKey(tag));
    if (stored === undefined) return undefined;
    const o = asObject(stored);
    return { data: { creation_time: storedTimeText(o, "creation_time"), expiration_time: storedTimeText(o, "expiration_time") } };
  };

  const remove = async (request: Request, tag: string): Promise<Response | undefined> => {
    if (tag === "") return errorResponse("missing role_tag");
    const key = denyListKey(tag);
    await deps.lock.run(key, () => request.storage.delete(key));
    return undefined;
  };

  return definePath({
    pattern: "roletag-denylist/(?<role_tag>.*)",
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "role-tag-deny-list" },
    operations: {
      update: (request, data) => update(request, data.get("role_tag")),
      read: (request, data) => read(request, data.get("role_tag")),
      delete: (request, data) => remove(request, data.get("role_tag")),
    },
    helpSynopsis: "Deny a role tag created earlier.",
    helpDescription: `Adds a role tag to the deny list: no EC2 instance can log in with it any more.
Use it when a tag may have reached someone it was not meant for. The tag must
verify against its role. Reading shows when it was denied and until when the
entry is kept; deleting lifts the denial.

Expired entries are removed by the hourly tidy (see 'config/tidy/roletag-denylist')
or on demand with 'tidy/roletag-denylist'.`,
  });
}

/** The names under the deny list are base64; the list shows the tags themselves. */
async function listDenied(request: Request): Promise<Response> {
  const names = await request.storage.list(STORAGE.denyListPrefix);
  const tags = names.map((name) => {
    const decoded = decodeStdBase64(name);
    if (decoded === undefined) throw new Error(`illegal base64 data in deny-list key ${JSON.stringify(name)}`);
    return decoded.toString("utf8");
  });
  // In storage order, as upstream (sorting the decoded tags would reorder them).
  return tags.length === 0 ? { data: {} } : { data: { keys: tags } };
}

export const roletagDenyListListPath = definePath({
  pattern: "roletag-denylist/?",
  fields: {},
  displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "role-tag-deny-lists" },
  operations: { list: listDenied },
  helpSynopsis: "List the denied role tags.",
  helpDescription: `Lists every role tag in the deny list, expired entries included.
'tidy/roletag-denylist' removes the expired ones.`,
});
