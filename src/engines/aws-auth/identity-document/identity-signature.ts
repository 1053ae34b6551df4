// Verification of the `identity` + `signature` login parameters: the base64 document and AWS's
// base64 RSA PKCS#1 v1.5 SHA-256 signature over its exact bytes (upstream's
// verifyInstanceIdentitySignature: any trusted certificate whose key verifies it will do).
import type { X509Certificate } from "node:crypto";
import { decodeStdBase64 } from "./go-encoding.js";
import { IdentityDocumentError, identityDocumentFromJson, type IdentityDocument } from "./identity-document.js";
import { checkSignature } from "./signature-check.js";
import { publicKeyOf } from "./trusted-certificates.js";

export const IDENTITY_ERRORS = {
  decodeIdentity: "failed to base64 decode the instance identity document",
  decodeSignature: "failed to base64 decode the SHA256 RSA signature of the instance identity document",
  missingIdentity: "missing instance identity document",
  missingSignature: "missing SHA256 RSA signature of the instance identity document",
  noCertificates: "certificates to verify the signature are not found",
  unsuccessful: "instance identity verification using SHA256 RSA signature is unsuccessful",
} as const;

/** Throws IdentityDocumentError with upstream's text when the pair does not verify. */
export function verifyIdentitySignature(identityBase64: string, signatureBase64: string, trusted: readonly X509Certificate[]): IdentityDocument {
  const identity = decodeStdBase64(identityBase64);
  if (identity === undefined || (identityBase64 !== "" && identity.length === 0)) throw new IdentityDocumentError(IDENTITY_ERRORS.decodeIdentity);
  const signature = decodeStdBase64(signatureBase64);
  if (signature === undefined) throw new IdentityDocumentError(IDENTITY_ERRORS.decodeSignature);
  if (identity.length === 0) throw new IdentityDocumentError(IDENTITY_ERRORS.missingIdentity);
  if (signature.length === 0) throw new IdentityDocumentError(IDENTITY_ERRORS.missingSignature);
  if (trusted.length === 0) throw new IdentityDocumentError(IDENTITY_ERRORS.noCertificates);
  // Certificates with other key types (the DSA ones among the built-ins) simply do not match.
  const verified = trusted.some((cert) => checkSignature({ key: "rsa", hash: "sha256" }, identity, signature, publicKeyOf(cert)) === undefined);
  if (!verified) throw new IdentityDocumentError(IDENTITY_ERRORS.unsuccessful);
  return identityDocumentFromJson(identity);
}
