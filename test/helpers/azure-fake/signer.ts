// Signing: RS256 with the tenant's active key (or a named one) and Entra's JWT header
// (typ, alg, x5t, kid); plus the hostile variants a verifier must refuse.
import { SignJWT } from "jose";
import type { Claims } from "./claims.js";
import { newSigningKey, type KeyRing, type SigningKey } from "./keys.js";

export async function signWith(key: SigningKey, claims: Claims): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", x5t: key.kid, kid: key.kid })
    .sign(key.privateKey);
}

export async function sign(ring: KeyRing, claims: Claims, kid?: string): Promise<string> {
  const key = kid === undefined ? ring.active : ring.find(kid);
  if (key === undefined) throw new Error(`azure-fake: no published key ${kid ?? ""}`);
  return signWith(key, claims);
}

function b64json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64url");
}

/** Tokens no verifier may accept although their claims look right. */
export class HostileTokens {
  constructor(private readonly ring: KeyRing) {}

  /** `alg: none`, empty signature. */
  algNone(claims: Claims): string {
    return `${b64json({ typ: "JWT", alg: "none" })}.${b64json(claims)}.`;
  }

  /** HS256 keyed with the tenant's public key PEM (the RS/HS key-confusion attack). */
  async hs256WithPublicKey(claims: Claims): Promise<string> {
    const key = this.ring.active;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: "JWT", alg: "HS256", kid: key.kid })
      .sign(new TextEncoder().encode(key.publicPem));
  }

  /** Signed by a key the JWKS never published (fresh kid). */
  async unknownKid(claims: Claims): Promise<string> {
    return signWith(await newSigningKey(), claims);
  }

  /** Signed by a foreign key but carrying a published kid. */
  async forgedWithKnownKid(claims: Claims): Promise<string> {
    const foreign = await newSigningKey();
    return signWith({ ...foreign, kid: this.ring.active.kid }, claims);
  }

  /** A valid token whose payload was changed after signing (e.g. another oid). */
  async tampered(claims: Claims, changes: Claims): Promise<string> {
    const [h, , s] = (await sign(this.ring, claims)).split(".");
    return `${h ?? ""}.${b64json({ ...claims, ...changes })}.${s ?? ""}`;
  }
}
