// The Bearer check ARM and Graph make: a token the fake issued (signature by a published key,
// RS256), for this tenant, for the surface's audience, inside its lifetime.
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { v1Issuer, v2Issuer } from "./claims.js";
import type { KeyRing } from "./keys.js";

export const armAudiences = [
  "https://management.azure.com/",
  "https://management.azure.com",
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
];
export const graphAudiences = ["https://graph.microsoft.com", "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"];

export type BearerResult =
  | { ok: true; claims: JWTPayload }
  | { ok: false; reason: "missing" | "malformed" | "invalid" | "expired" | "not_yet_valid" | "audience" | "issuer"; detail: string };

export async function checkBearer(
  header: string | undefined,
  ring: KeyRing,
  tenantId: string,
  audiences: string[],
  nowMs: number,
): Promise<BearerResult> {
  if (header === undefined || header === "") return { ok: false, reason: "missing", detail: "no Authorization header" };
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (m === null || m[1] === undefined) return { ok: false, reason: "malformed", detail: "not a Bearer token" };
  try {
    const { payload } = await jwtVerify(m[1], createLocalJWKSet(ring.jwks()), {
      algorithms: ["RS256"],
      currentDate: new Date(nowMs),
      clockTolerance: 0,
    });
    if (payload.iss !== v1Issuer(tenantId) && payload.iss !== v2Issuer(tenantId)) {
      return { ok: false, reason: "issuer", detail: String(payload.iss) };
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => a !== undefined && audiences.includes(a))) return { ok: false, reason: "audience", detail: aud.join(",") };
    return { ok: true, claims: payload };
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { ok: false, reason: "expired", detail: e.message };
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === "nbf") return { ok: false, reason: "not_yet_valid", detail: e.message };
    return { ok: false, reason: "invalid", detail: e instanceof Error ? e.message : String(e) };
  }
}
