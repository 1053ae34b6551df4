// Which signed form of the identity document the client sent (pkcs7, or identity + signature),
// checked in upstream's order with its messages, then verified against AWS's certificates plus
// the registered config/certificate entries of the matching type.
import type { Storage } from "../../logical/index.js";
import {
  IDENTITY_ERRORS,
  IdentityDocumentError,
  decodeStdBase64,
  mountTrustedCertificates,
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

const VERIFY_FAILED: Record<CertificateKind, string> = {
  pkcs7: "failed to verify the instance identity document using pkcs7",
  identity: "failed to verify the instance identity document using the SHA256 RSA digest",
};

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
  const trusted = await mountTrustedCertificates(storage, kind);
  try {
    return kind === "pkcs7" ? verifyPkcs7(input.pkcs7, trusted) : verifyIdentitySignature(input.identity, input.signature, trusted);
  } catch (err) {
    // Upstream's refusal names the method; the verifier's text says which step failed.
    if (err instanceof IdentityDocumentError) return { refused: `${VERIFY_FAILED[kind]}: ${err.message}` };
    throw err;
  }
}
