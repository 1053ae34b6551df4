// The digest and signature algorithms a SignerInfo may name, mapped the way Vault's pkcs7 package
// maps them (helper/pkcs7: getHashForOID, getSignatureAlgorithm), with its error texts.

export type HashName = "sha1" | "sha256" | "sha384" | "sha512";
export type KeyKind = "rsa" | "dsa" | "ec";

export interface SignatureAlgorithm {
  key: KeyKind;
  hash: HashName;
}

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  dsa: "1.2.840.10040.4.1",
  dsaWithSha1: "1.2.840.10040.4.3",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha1WithRsa: "1.2.840.113549.1.1.5",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  ecP256: "1.2.840.10045.3.1.7",
  ecP384: "1.3.132.0.34",
  ecP521: "1.3.132.0.35",
} as const;

/** Go's pkcs7.ErrUnsupportedAlgorithm, whose text (written for decryption) it also returns here. */
export const UNSUPPORTED_ALGORITHM = "pkcs7: cannot decrypt data: only RSA, DES, DES-EDE3, AES-256-CBC and AES-128-GCM supported";

/** The hash that computes the messageDigest attribute for the SignerInfo's digestAlgorithm. */
export function hashForDigestAlgorithm(oid: string): HashName | undefined {
  switch (oid) {
    // Go's table also accepts these signature OIDs as a digest algorithm, meaning SHA-1.
    case OID.sha1:
    case OID.ecdsaWithSha1:
    case OID.dsa:
    case OID.dsaWithSha1:
    case OID.rsaEncryption:
      return "sha1";
    case OID.sha256:
    case OID.ecdsaWithSha256:
      return "sha256";
    case OID.sha384:
    case OID.ecdsaWithSha384:
      return "sha384";
    case OID.sha512:
    case OID.ecdsaWithSha512:
      return "sha512";
    default:
      return undefined;
  }
}

const DIGESTS: Record<string, HashName> = { [OID.sha1]: "sha1", [OID.sha256]: "sha256", [OID.sha384]: "sha384", [OID.sha512]: "sha512" };

function unsupportedDigest(digestOid: string, encryptionOid: string): Error {
  return new Error(`pkcs7: unsupported digest "${digestOid}" for encryption algorithm "${encryptionOid}"`);
}

/** The key type and hash that check the signature, or the pkcs7 package's error. */
export function signatureAlgorithm(encryptionOid: string, digestOid: string): SignatureAlgorithm | Error {
  const digest = DIGESTS[digestOid];
  switch (encryptionOid) {
    case OID.ecdsaWithSha1:
      return { key: "ec", hash: "sha1" };
    case OID.ecdsaWithSha256:
      return { key: "ec", hash: "sha256" };
    case OID.ecdsaWithSha384:
      return { key: "ec", hash: "sha384" };
    case OID.ecdsaWithSha512:
      return { key: "ec", hash: "sha512" };
    case OID.rsaEncryption:
    case OID.sha1WithRsa:
    case OID.sha256WithRsa:
    case OID.sha384WithRsa:
    case OID.sha512WithRsa:
      // The digestAlgorithm decides the hash, whatever hash the RSA OID names.
      return digest === undefined ? unsupportedDigest(digestOid, encryptionOid) : { key: "rsa", hash: digest };
    case OID.dsa:
    case OID.dsaWithSha1:
      return digest === "sha1" || digest === "sha256" ? { key: "dsa", hash: digest } : unsupportedDigest(digestOid, encryptionOid);
    case OID.ecP256:
    case OID.ecP384:
    case OID.ecP521:
      return digest === undefined ? unsupportedDigest(digestOid, encryptionOid) : { key: "ec", hash: digest };
    default:
      return new Error(`pkcs7: unsupported algorithm "${encryptionOid}"`);
  }
}
