// Which signed form of the identity document the client sent (pkcs7, or identity + signature),
// its decoding with upstream's messages, and the signature check that yields the document.
import { X509Certificate, verify as verifySignature } from "node:crypto";
import type { Storage } from "../../logical/index.js";
import { certificates } from "./config-storage.js";
import { decodeStdBase64, identityDocumentFromJson, type IdentityDocument } from "./ec2-identity-document.js";

export interface SignedDocumentInput {
  pkcs7: string;
  identity: string;
  signature: string;
}

export type VerifiedDocument = IdentityDocument | { refused: string };

/** The registered config/certificate entries of `type`, parsed. */
async function registeredCertificates(storage: Storage, type: "pkcs7" | "identity"): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const name of await certificates.list(storage)) {
    const entry = await certificates.get(storage, name);
    if (entry === undefined || entry.type !== type) continue;
    const pem = entry.aws_public_cert.includes("-----BEGIN") ? entry.aws_public_cert : Buffer.from(entry.aws_public_cert, "base64").toString("utf8");
    out.push(new X509Certificate(pem));
  }
  return out;
}

async function identityWithSignature(storage: Storage, identity: Buffer, signature: Buffer): Promise<VerifiedDocument> {
  if (identity.length === 0) return { refused: "missing instance identity document" };
  if (signature.length === 0) return { refused: "missing SHA256 RSA signature of the instance identity document" };
  for (const cert of await registeredCertificates(storage, "identity")) {
    if (verifySignature("sha256", identity, cert.publicKey, signature)) return identityDocumentFromJson(identity);
  }
  return { refused: "failed to verify the instance identity document using the SHA256 RSA digest: instance identity verification using SHA256 RSA signature is unsuccessful" };
}

/** The verified document, or which step refused it. Nothing of the signature is echoed. */
export async function verifiedIdentityDocument(storage: Storage, input: SignedDocumentInput): Promise<VerifiedDocument> {
  let identity: Buffer = Buffer.alloc(0);
  if (input.identity !== "") {
    const decoded = decodeStdBase64(input.identity);
    if (decoded === undefined || decoded.length === 0) return { refused: "failed to base64 decode the instance identity document" };
    identity = decoded;
  }
  let signature: Buffer = Buffer.alloc(0);
  if (input.signature !== "") {
    const decoded = decodeStdBase64(input.signature);
    if (decoded === undefined) return { refused: "failed to base64 decode the SHA256 RSA signature of the instance identity document" };
    signature = decoded;
  }
  const tuple = identity.length > 0 || signature.length > 0;
  if (input.pkcs7 === "" && !tuple) {
    return { refused: "either pkcs7 or a tuple containing the instance identity document and its SHA256 RSA signature needs to be provided" };
  }
  if (input.pkcs7 !== "" && identity.length > 0 && signature.length > 0) {
    return { refused: "both pkcs7 and a tuple containing the instance identity document and its SHA256 RSA signature is supplied; provide only one" };
  }
  if (input.pkcs7 !== "") return { refused: "failed to verify the instance identity document using pkcs7: not available in this build" };
  return identityWithSignature(storage, identity, signature);
}
