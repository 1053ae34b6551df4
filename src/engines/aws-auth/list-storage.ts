// The identity access list (instances that logged in; local storage) and the role-tag deny list,
// in Vault's layout: `whitelist/identity/<instance_id>` and `blacklist/roletag/<base64 tag>`,
// times as Go's time.Time JSON.
import { jsonCollection } from "../../framework/index.js";
import { putJson, type Storage } from "../../logical/index.js";
import { asObject, storedBool, storedString, storedTime } from "./stored-json.js";
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
const goTime = (d: Date): string => d.toISOString().replace(/\.000Z$/, "Z");

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

export const denyList = jsonCollection(STORAGE.denyListPrefix, (value): DenyListEntry => {
  const o = asObject(value);
  return { creationTime: storedTime(o, "creation_time"), expirationTime: storedTime(o, "expiration_time") };
});

export function denyListEntryToStorage(e: DenyListEntry): Record<string, unknown> {
  return { creation_time: goTime(e.creationTime), expiration_time: goTime(e.expirationTime) };
}

export function writeAccessListEntry(storage: Storage, instanceId: string, entry: AccessListEntry): Promise<void> {
  return putJson(storage, accessList.key(instanceId), accessListEntryToStorage(entry), false);
}

/** `tag` is the base64 form of the role tag, the deny list's storage name. */
export function writeDenyListEntry(storage: Storage, base64Tag: string, entry: DenyListEntry): Promise<void> {
  return putJson(storage, denyList.key(base64Tag), denyListEntryToStorage(entry), false);
}
