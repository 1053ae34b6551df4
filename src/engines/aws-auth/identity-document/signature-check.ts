// One signature checked with a certificate's public key, with the texts Go's crypto/x509 and the
// pkcs7 package give for each failure. Node's crypto does the math, DSA included (AWS still signs
// the `pkcs7` document with DSA, which WebCrypto and node-forge cannot verify).
import { constants, verify, type KeyObject } from "node:crypto";
import { UNSUPPORTED_ALGORITHM, type SignatureAlgorithm } from "./algorithms.js";
import { BerError, elementsOf, integerValue, parseBer, UNIVERSAL } from "./ber.js";

/** Undefined when the signature is good, else why not. */
export type CheckResult = string | undefined;

function safeVerify(hash: string, data: Buffer, key: Parameters<typeof verify>[2], signature: Buffer): boolean {
  try {
    return verify(hash, data, key, signature);
  } catch {
    // OpenSSL throws on some malformed signatures; for the caller that is a bad signature.
    return false;
  }
}

/** Go's dsaCheckSignature: a DER (r, s) pair, both positive, nothing after it. */
function checkDsa(hash: string, data: Buffer, key: KeyObject, signature: Buffer): CheckResult {
  try {
    const outer = parseBer(signature);
    const [r, s] = elementsOf(outer, UNIVERSAL.sequence, "a DSA signature");
    if (integerValue(r) <= 0n || integerValue(s) <= 0n) return "x509: DSA signature contained zero or negative values";
  } catch (err) {
    if (err instanceof BerError) return err.message === "asn1: syntax error: trailing data" ? "x509: trailing data after DSA signature" : err.message;
    throw err;
  }
  return safeVerify(hash, data, { key, dsaEncoding: "der" }, signature) ? undefined : "x509: DSA verification failure";
}

/** rsa.VerifyPKCS1v15: the signature must be exactly as long as the modulus. */
function checkRsa(hash: string, data: Buffer, key: KeyObject, signature: Buffer): CheckResult {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (signature.length !== Math.ceil(bits / 8)) return "crypto/rsa: verification error";
  return safeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature) ? undefined : "crypto/rsa: verification error";
}

export function checkSignature(algorithm: SignatureAlgorithm, data: Buffer, signature: Buffer, key: KeyObject): CheckResult {
  const keyType = key.asymmetricKeyType ?? "unknown";
  switch (algorithm.key) {
    case "dsa":
      // Go answers a non-DSA key with its generic unsupported-algorithm error.
      return keyType === "dsa" ? checkDsa(algorithm.hash, data, key, signature) : UNSUPPORTED_ALGORITHM;
    case "rsa":
      if (keyType !== "rsa") return `x509: signature algorithm specifies an RSA public key, but have public key of type ${keyType}`;
      return checkRsa(algorithm.hash, data, key, signature);
    case "ec":
      if (keyType !== "ec") return `x509: signature algorithm specifies an ECDSA public key, but have public key of type ${keyType}`;
      return safeVerify(algorithm.hash, data, { key, dsaEncoding: "der" }, signature) ? undefined : "x509: ECDSA verification failure";
  }
}
