// The certificates a document is verified against: AWS's built-in ones plus those registered at
// config/certificate/<name> for the flow (upstream's awsPublicCertificates).
import { X509Certificate, type KeyObject } from "node:crypto";
import { LogicalError } from "../../../logical/index.js";
import type { CertificateEntry } from "../config-storage.js";
import { DSA_PKCS7_CERTIFICATES, RSA2048_PKCS7_CERTIFICATES, RSA_SIGNATURE_CERTIFICATES } from "./aws-public-certificates.js";
import { decodeFirstPem, decodeStdBase64 } from "./go-encoding.js";

export type CertificateKind = "pkcs7" | "identity";

/** Why a certificate text was refused (upstream's decodePEMAndParseCertificate texts). */
export class CertificateParseError extends Error {
  override readonly name = "CertificateParseError";
}

/**
 * A certificate from a PEM text holding exactly one block (text before the block is skipped, as
 * pem.Decode does). Throws CertificateParseError.
 */
export function parsePemCertificate(text: string): X509Certificate {
  const block = decodeFirstPem(text);
  if (block === undefined || block.rest !== "") throw new CertificateParseError("invalid certificate; should be one PEM block only");
  try {
    return new X509Certificate(block.bytes);
  } catch {
    throw new CertificateParseError("invalid certificate; failed to parse certificate");
  }
}

/**
 * `aws_public_cert` as stored or as given: a PEM text, or the base64 of one (the write path of
 * config/certificate decodes base64 first, so both spellings name the same certificate).
 */
export function parseAwsPublicCert(value: string): X509Certificate {
  const decoded = decodeStdBase64(value);
  return parsePemCertificate(decoded !== undefined && decoded.length > 0 ? decoded.toString("utf8") : value);
}

const publicKeys = new WeakMap<X509Certificate, KeyObject>();

/**
 * The certificate's public key, extracted once per certificate object: `X509Certificate.publicKey`
 * builds a new KeyObject on every read, and an identity signature is tried against every built-in
 * certificate, so each ec2 login paid some forty key extractions.
 */
export function publicKeyOf(certificate: X509Certificate): KeyObject {
  let key = publicKeys.get(certificate);
  if (key === undefined) {
    key = certificate.publicKey;
    publicKeys.set(certificate, key);
  }
  return key;
}

/** Registered certificates already parsed, by their stored text (bounded; oldest dropped first). */
const parsedRegistered = new Map<string, X509Certificate>();
const MAX_PARSED_REGISTERED = 256;

/**
 * A registered certificate, parsed once per stored text: every ec2 login reads the entries again
 * (as upstream does), and parsing one took longer than checking a signature with it. The text is
 * the key, so a changed or deleted entry is never answered from here; a text that does not parse
 * is not kept and fails every time.
 */
function registeredCertificate(text: string): X509Certificate {
  let certificate = parsedRegistered.get(text);
  if (certificate === undefined) {
    certificate = parseAwsPublicCert(text);
    if (parsedRegistered.size >= MAX_PARSED_REGISTERED) {
      const oldest = parsedRegistered.keys().next();
      if (oldest.done !== true) parsedRegistered.delete(oldest.value);
    }
    parsedRegistered.set(text, certificate);
  }
  return certificate;
}

let builtIn: readonly X509Certificate[] | undefined;

/** AWS's certificates, parsed once per process (they are constants). */
export function builtInCertificates(): readonly X509Certificate[] {
  builtIn ??= [...DSA_PKCS7_CERTIFICATES, ...RSA_SIGNATURE_CERTIFICATES, ...RSA2048_PKCS7_CERTIFICATES].map((pem) => new X509Certificate(pem));
  return builtIn;
}

/**
 * The built-in certificates (all of them, for either flow, as upstream) followed by the registered
 * entries of `kind`; an entry without a type is a pkcs7 one (upstream's upgrade rule). A stored
 * entry that does not parse is an operator's configuration problem, not the caller's: it fails
 * the request as an internal error, as upstream does.
 */
export function trustedCertificates(registered: readonly CertificateEntry[], kind: CertificateKind): X509Certificate[] {
  const out = [...builtInCertificates()];
  for (const entry of registered) {
    const type = entry.type === "" ? "pkcs7" : entry.type;
    if (type !== kind) continue;
    try {
      out.push(registeredCertificate(entry.aws_public_cert));
    } catch (err) {
      if (err instanceof CertificateParseError) throw new LogicalError("internal", err.message);
      throw err;
    }
  }
  return out;
}
