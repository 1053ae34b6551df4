// The tenant's signing keys, published as a JWKS. Entra rotates keys by publishing the next key
// before signing with it and keeping the old one for a while; rotate() mirrors that, and
// removeKey() ends the overlap, so tests can prove a verifier refetches on an unknown kid.
import { createHash } from "node:crypto";
import { exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** SubjectPublicKeyInfo PEM, e.g. as the "secret" of an HS256 key-confusion token. */
  publicPem: string;
}

/** A fresh RSA-2048 key; kid in the form Entra uses (base64url SHA-1 thumbprint, 27 chars). */
export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const publicPem = await exportSPKI(publicKey);
  const kid = createHash("sha1").update(publicPem).digest("base64url");
  const jwk = await exportJWK(publicKey);
  // Entra's JWKS entries carry kty/use/kid/x5t/n/e; the fake has no certificate, so no x5c.
  const publicJwk: JWK = { kty: "RSA", use: "sig", kid, x5t: kid, n: jwk.n, e: jwk.e };
  return { kid, privateKey, publicKey, publicJwk, publicPem };
}

export class KeyRing {
  private readonly keys: SigningKey[] = [];
  private activeKid = "";

  static async create(): Promise<KeyRing> {
    const ring = new KeyRing();
    const first = await newSigningKey();
    ring.keys.push(first);
    ring.activeKid = first.kid;
    return ring;
  }

  /** The key new tokens are signed with. */
  get active(): SigningKey {
    const key = this.find(this.activeKid);
    if (key === undefined) throw new Error("azure-fake: the active signing key was removed");
    return key;
  }

  find(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  /** Publishes a new key without signing with it yet. */
  async addKey(): Promise<SigningKey> {
    const key = await newSigningKey();
    this.keys.push(key);
    return key;
  }

  /** Publishes a new key and signs with it from now on; old keys stay published. */
  async rotate(): Promise<SigningKey> {
    const key = await this.addKey();
    this.activeKid = key.kid;
    return key;
  }

  /** Signs with an already published key. */
  activate(kid: string): void {
    if (this.find(kid) === undefined) throw new Error(`azure-fake: no key ${kid}`);
    this.activeKid = kid;
  }

  /** Withdraws a key from the JWKS; tokens signed with it stop verifying. Not the active key. */
  removeKey(kid: string): void {
    if (kid === this.activeKid) throw new Error("azure-fake: rotate before removing the active key");
    const i = this.keys.findIndex((k) => k.kid === kid);
    if (i >= 0) this.keys.splice(i, 1);
  }

  get kids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }
}
