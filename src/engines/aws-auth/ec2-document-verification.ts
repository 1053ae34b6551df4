// Which signed form of the identity document the client sent (pkcs7, or identity + signature),
// checked in upstream's order with its messages, then verified against AWS's certificates plus
// the registered config/certificate entries of the matching type.
import type { Storage } from "../../logical/index.js";
import { certificates, type CertificateEntry } from "./config-storage.js";
import {
  IDENTITY_ERRORS,
  IdentityDocumentError,
  decodeStdBase64,
  trustedCertificates,
  verifyIdentitySignature,
  verifyPkcs7,
  type CertificateKind,
  type IdentityDocument,
} from "./identity-document/index.js";

export interface SignedDocumentInput {
  pkcs7: string;
  identity: string;
  signature: string;
}

export type VerifiedDocument = IdentityDocument | { refused: string };

async function registered(storage: Storage): Promise<CertificateEntry[]> {
  const out: CertificateEntry[] = [];
  for (const name of await certificates.list(storage)) {
    const entry = await certificates.get(storage, name);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}

/** The verified document, or which step refused it. Nothing of the signature is echoed. */
export async function verifiedIdentityDocument(storage: Storage, input: SignedDocumentInput): Promise<VerifiedDocument> {
  const identity = input.identity === "" ? Buffer.alloc(0) : decodeStdBase64(input.identity);
  if (identity === undefined || (input.identity !== "" && identity.length === 0)) return { refused: IDENTITY_ERRORS.decodeIdentity };
  const signature = input.signature === "" ? Buffer.alloc(0) : decodeStdBase64(input.signature);
  if (signature === undefined) return { refused: IDENTITY_ERRORS.decodeSignature };
  if (input.pkcs7 === "" && identity.length === 0 && signature.length === 0) {
    return { refused: "either pkcs7 or a tuple containing the instance identity document and its SHA256 RSA signature needs to be provided" };
  }
  if (input.pkcs7 !== "" && identity.length > 0 && signature.length > 0) {
    return { refused: "both pkcs7 and a tuple containing the instance identity document and its SHA256 RSA signature is supplied; provide only one" };
  }
  const kind: CertificateKind = input.pkcs7 !== "" ? "pkcs7" : "identity";
  const trusted = trustedCertificates(await registered(storage), kind);
  try {
    return kind === "pkcs7" ? verifyPkcs7(input.pkcs7, trusted) : verifyIdentitySignature(input.identity, input.signature, trusted);
  } catch (err) {
    if (err instanceof IdentityDocumentError) return { refused: err.message };
    throw err;
  }
}
