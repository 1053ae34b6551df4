// Verification of the `pkcs7` login parameter: the base64 body of a PKCS#7 SignedData (without its
// PEM armour) whose content is the instance identity document. Steps and texts follow upstream's
// parseIdentityDocument and the pkcs7 package's Verify.
import { createHash, timingSafeEqual, type X509Certificate } from "node:crypto";
import { hashForDigestAlgorithm, OID, signatureAlgorithm, UNSUPPORTED_ALGORITHM } from "./algorithms.js";
import { rfc3339, asn1Time } from "./asn1-time.js";
import { BerError, derValue, isUniversal, UNIVERSAL } from "./ber.js";
import { certificateFields, type CertificateFields } from "./certificate-fields.js";
import { decodePemBody } from "./go-encoding.js";
import { IdentityDocumentError, identityDocumentFromJson, type IdentityDocument } from "./identity-document.js";
import { checkSignature } from "./signature-check.js";
import { publicKeyOf } from "./trusted-certificates.js";
import { parsePkcs7, type Attribute, type SignerInfo } from "./signed-data.js";

export const PKCS7_ERRORS = {
  pem: "failed to decode the PEM encoded PKCS#7 signature",
  parse: "failed to parse the BER encoded PKCS#7 signature",
  noCertificates: "certificates to verify the signature are not found",
  verify: "failed to verify the signature",
  noContent: "instance identity document could not be found in the signature",
} as const;

function signerCertificate(signer: SignerInfo, trusted: readonly X509Certificate[]): CertificateFields | undefined {
  const issuer = signer.issuer;
  if (issuer === undefined) return undefined;
  for (const cert of trusted) {
    const fields = certificateFields(cert);
    if (fields !== undefined && fields.serial === signer.serial && fields.issuer.equals(issuer)) return fields;
  }
  return undefined;
}

function attribute(attrs: readonly Attribute[], type: string): Attribute | undefined {
  return attrs.find((a) => a.type === type);
}

/** The signed attributes as DER `SET OF Attribute` (tag 0x31, members sorted as DER requires). */
function signedAttributesDer(attrs: readonly Attribute[]): Buffer {
  const body = Buffer.concat([...attrs].map((a) => a.der).sort((a, b) => Buffer.compare(a, b)));
  return derValue(0x31, body);
}

/** Why this signer's signature does not hold, or undefined when it does (Go's verifySignature). */
function signerFailure(content: Buffer, signer: SignerInfo, trusted: readonly X509Certificate[]): string | undefined {
  const cert = signerCertificate(signer, trusted);
  if (cert === undefined) return "pkcs7: No certificate for signer";
  let signed = content;
  if (signer.signedAttributes.length > 0) {
    const digestAttr = attribute(signer.signedAttributes, OID.messageDigest);
    if (digestAttr === undefined) return "pkcs7: attribute type not in attributes";
    const digestValue = digestAttr.values[0];
    if (!isUniversal(digestValue, UNIVERSAL.octetString) || digestValue.constructed) return "pkcs7: the messageDigest attribute is not an OCTET STRING";
    const hash = hashForDigestAlgorithm(signer.digestAlgorithm);
    if (hash === undefined) return UNSUPPORTED_ALGORITHM;
    const computed = createHash(hash).update(content).digest();
    const expected = digestValue.contents;
    if (expected.length !== computed.length || !timingSafeEqual(expected, computed)) {
      return `pkcs7: Message digest mismatch for algo: ${signer.digestAlgorithm}\n\tExpected: ${expected.toString("hex").toUpperCase()}\n\tActual: ${computed.toString("hex").toUpperCase()}`;
    }
    signed = signedAttributesDer(signer.signedAttributes);
    // An unreadable signingTime is ignored, as Go ignores a failed unmarshal of it.
    const signingTime = asn1Time(attribute(signer.signedAttributes, OID.signingTime)?.values[0]);
    if (signingTime !== undefined && (signingTime > cert.notAfter || signingTime < cert.notBefore)) {
      return `pkcs7: signing time "${rfc3339(signingTime)}" is outside of certificate validity "${rfc3339(cert.notBefore)}" to "${rfc3339(cert.notAfter)}"`;
    }
  }
  const algorithm = signatureAlgorithm(signer.signatureAlgorithm, signer.digestAlgorithm);
  if (algorithm instanceof Error) return algorithm.message;
  return checkSignature(algorithm, signed, signer.signature, publicKeyOf(cert.certificate));
}

/**
 * The identity document signed in `pkcs7Base64`, verified against `trusted` only (certificates
 * embedded in the message are ignored, the signer is matched by issuer and serial). Every signer
 * must verify. Throws IdentityDocumentError with upstream's text on any failure.
 */
export function verifyPkcs7(pkcs7Base64: string, trusted: readonly X509Certificate[]): IdentityDocument {
  const ber = decodePemBody(pkcs7Base64);
  if (ber === undefined) throw new IdentityDocumentError(PKCS7_ERRORS.pem);
  let parsed;
  try {
    parsed = parsePkcs7(ber);
  } catch (err) {
    if (err instanceof BerError) throw new IdentityDocumentError(`${PKCS7_ERRORS.parse}: ${err.message}`);
    throw err;
  }
  if (trusted.length === 0) throw new IdentityDocumentError(PKCS7_ERRORS.noCertificates);
  const signers = parsed.kind === "signed-data" ? parsed.signers : [];
  if (signers.length === 0) throw new IdentityDocumentError(`${PKCS7_ERRORS.verify}: pkcs7: Message has no signers`);
  const content = parsed.kind === "signed-data" ? parsed.content : Buffer.alloc(0);
  for (const signer of signers) {
    const failure = signerFailure(content, signer, trusted);
    if (failure !== undefined) throw new IdentityDocumentError(`${PKCS7_ERRORS.verify}: ${failure}`);
  }
  if (content.length === 0) throw new IdentityDocumentError(PKCS7_ERRORS.noContent);
  return identityDocumentFromJson(content);
}
