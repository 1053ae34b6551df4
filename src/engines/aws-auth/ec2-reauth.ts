// Replay protection of ec2 login: the identity access list remembers, per instance, the nonce of
// its first login and the document's pendingTime. A later login must present the same nonce (or,
// on a role allowing instance migration, a newer pendingTime) and a pendingTime no older than the
// stored one. pendingTime only changes when an instance is stopped and started, not on reboot.
import { timingSafeEqual } from "node:crypto";
import type { AccessListEntry } from "./list-storage.js";

/** The nonce that stands for "reauthentication disabled" (upstream's sentinel, never stored). */
export const REAUTH_DISABLED_NONCE = "reauthentication-disabled-nonce";

/** Longest client nonce kept in the access list. */
export const MAX_NONCE_LENGTH = 128;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  // timingSafeEqual needs equal lengths; comparing a buffer with itself keeps the time flat.
  return x.length === y.length ? timingSafeEqual(x, y) : (timingSafeEqual(x, x), false);
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time (as Go's time.Parse reads it) in nanoseconds since the epoch, or undefined. */
export function rfc3339Nanos(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1] ?? ""}${m[3] ?? ""}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/**
 * Why a login presenting `clientNonce` and `pendingTime` may not reuse the stored entry, or
 * undefined when it may. Texts as upstream's validateMetadata, with the unparsable-time cases named.
 */
export function reauthRefusal(
  clientNonce: string,
  pendingTime: string,
  stored: AccessListEntry,
  allowInstanceMigration: boolean,
): string | undefined {
  if (!stored.disallowReauthentication && stored.clientNonce === "") return "client nonce missing in stored identity";
  if (stored.disallowReauthentication || sameText(REAUTH_DISABLED_NONCE, clientNonce)) return "reauthentication is disabled";
  const given = rfc3339Nanos(pendingTime);
  if (given === undefined) return `pendingTime ${JSON.stringify(pendingTime)} of the identity document is not an RFC 3339 time`;
  const previous = rfc3339Nanos(stored.pendingTime);
  if (previous === undefined) return "the pending time stored in the identity access list entry is not an RFC 3339 time";
  if (!sameText(clientNonce, stored.clientNonce)) {
    if (!allowInstanceMigration) return "client nonce mismatch";
    if (given <= previous) return "client nonce mismatch and instance meta-data incorrect";
  }
  if (given < previous) return "instance meta-data is older than the one used for previous login";
  return undefined;
}
