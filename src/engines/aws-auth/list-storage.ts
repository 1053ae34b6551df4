// The identity access list (instances that logged in; local storage) and the role-tag deny list,
// in Vault's layout: `whitelist/identity/<instance_id>` and `blacklist/roletag/<base64 tag>`,
// times as Go's time.Time JSON.
import { jsonCollection, StoredValueError } from "../../framework/index.js";
import { getJson, putJson, type Storage } from "../../logical/index.js";
import { goTimeJson } from "./go-time.js";
import { asObject, storedBool, storedString, storedTime } from "../../framework/stored-json.js";
import { STORAGE } from "./storage-keys.js";

export interface AccessListEntry {
  role: string;
  clientNonce: string;
  creationTime: Date;
  disallowReauthentication: boolean;
  /** The identity document's pendingTime, as the document spells it. */
  pendingTime: string;
  expirationTime: Date;
  lastUpdatedTime: Date;
}

export interface DenyListEntry {
  creationTime: Date;
  expirationTime: Date;
}

/** Go marshals time.Time as RFC 3339 with nanoseconds; JS dates carry milliseconds. */
const goTime = goTimeJson;

export const accessList = jsonCollection(STORAGE.accessListPrefix, (value): AccessListEntry => {
  const o = asObject(value);
  return {
    role: storedString(o, "role"),
    clientNonce: storedString(o, "client_nonce"),
    creationTime: storedTime(o, "creation_time"),
    disallowReauthentication: storedBool(o, "disallow_reauthentication"),
    pendingTime: storedString(o, "pending_time"),
    expirationTime: storedTime(o, "expiration_time"),
    lastUpdatedTime: storedTime(o, "last_updated_time"),
  };
});

/** Read with `accessList.get/list/delete`; write with writeAccessListEntry (the stored JSON is snake_case). */
export function accessListEntryToStorage(e: AccessListEntry): Record<string, unknown> {
  return {
    role: e.role,
    client_nonce: e.clientNonce,
    creation_time: goTime(e.creationTime),
    disallow_reauthentication: e.disallowReauthentication,
    pending_time: e.pendingTime,
    expiration_time: goTime(e.expirationTime),
    last_updated_time: goTime(e.lastUpdatedTime),
  };
}

function denyListEntryFromStorage(value: unknown): DenyListEntry {
  const o = asObject(value);
  return { creationTime: storedTime(o, "creation_time"), expirationTime: storedTime(o, "expiration_time") };
}

export const denyList = jsonCollection(STORAGE.denyListPrefix, denyListEntryFromStorage);

export function denyListEntryToStorage(e: DenyListEntry): Record<string, unknown> {
  return { creation_time: goTime(e.creationTime), expiration_time: goTime(e.expirationTime) };
}

export function writeAccessListEntry(storage: Storage, instanceId: string, entry: AccessListEntry): Promise<void> {
  return putJson(storage, accessList.key(instanceId), accessListEntryToStorage(entry), false);
}

/**
 * The deny list's storage key of a role tag: the standard base64 of its bytes. Upstream does not
 * escape the "/" base64 may contain, so such a key nests one level deeper; keys are built here
 * rather than with `denyList.key` (which refuses "/") so they stay exactly Vault's.
 */
export function denyListKey(tag: string | Uint8Array): string {
  const bytes = typeof tag === "string" ? Buffer.from(tag, "utf8") : Buffer.from(tag);
  return STORAGE.denyListPrefix + bytes.toString("base64");
}

/** The deny-list entry of a role tag (as given, not base64), or undefined. */
export async function readDenyListEntry(storage: Storage, tag: string | Uint8Array): Promise<DenyListEntry | undefined> {
  const key = denyListKey(tag);
  const raw = await getJsonChecked(storage, key);
  if (raw === undefined) return undefined;
  try {
    return denyListEntryFromStorage(raw);
  } catch (error) {
    throw new StoredValueError(key, error instanceof Error ? error.message : String(error));
  }
}

/** `tag` is the base64 form of the role tag, the deny list's storage name. */
export function writeDenyListEntry(storage: Storage, base64Tag: string, entry: DenyListEntry): Promise<void> {
  return putJson(storage, STORAGE.denyListPrefix + base64Tag, denyListEntryToStorage(entry), false);
}

async function getJsonChecked(storage: Storage, key: string): Promise<unknown> {
  try {
    return await getJson(storage, key);
  } catch (error) {
    if (error instanceof SyntaxError) throw new StoredValueError(key, error.message);
    throw error;
  }
}
