// EC2 instance identity documents signed the way AWS signs them, with keys made at test time
// (test-only keys, never written to disk):
// - `pkcs7`: PKCS#7 SignedData, DSA with SHA-1, signed attributes contentType, signingTime and
//   messageDigest, no embedded certificates — the body returned base64 without PEM armour;
// - `rsa2048`: the same with an RSA-2048 key and SHA-256;
// - `signature`: base64 RSA PKCS#1 v1.5 SHA-256 over the document's bytes (`identity`).
// Register `certificates.dsa`/`.rsa2048` as type=pkcs7 and `.rsaIdentity` as type=identity.
// Node can make DSA keys but nothing in the stack builds DSA certificates, so the self-signed
// certificates are put together here as DER and signed with crypto.sign.
import { createHash, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { bitString, explicit, octetString, oid, sequence, set, smallInteger, tlv, time, unsignedInteger, utf8String } from "../../src/plugin/der.js";

const generate = promisify(generateKeyPair);

const OIDS = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  dsaWithSha1: "1.2.840.10040.4.3",
  dsaWithSha256: "2.16.840.1.101.3.4.3.2",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRsa: "1.2.840.113549.1.1.11",
} as const;

const NULL = Buffer.from([0x05, 0x00]);

/** An instance's document as AWS writes it ("key" : value, two-space indent). */
export interface DocumentFields {
  instanceId: string;
  imageId: string;
  region: string;
  accountId?: string;
  pendingTime?: string;
  [other: string]: unknown;
}

/** The document JSON for an instance (e.g. one moto's RunInstances returned). */
export function ec2IdentityDocument(fields: DocumentFields): string {
  const doc = {
    accountId: "123456789012",
    architecture: "x86_64",
    availabilityZone: `${fields.region}a`,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    instanceType: "t2.micro",
    kernelId: null,
    pendingTime: "2026-01-01T00:00:00Z",
    privateIp: "10.0.0.10",
    ramdiskId: null,
    version: "2017-09-30",
    ...fields,
  };
  return JSON.stringify(doc, null, 2).replace(/": /g, '" : ');
}

/** The fields of an EC2 `Instance` (SDK shape, e.g. moto's RunInstances reply) a document carries. */
export interface InstanceLike {
  InstanceId?: string;
  ImageId?: string;
  InstanceType?: string;
  LaunchTime?: Date;
  PrivateIpAddress?: string;
  Placement?: { AvailabilityZone?: string };
}

/** The document AWS would serve on `instance` (moto's account is 123456789012). */
export function ec2IdentityDocumentForInstance(instance: InstanceLike, region: string, accountId = "123456789012"): string {
  const launched = instance.LaunchTime ?? new Date();
  return ec2IdentityDocument({
    instanceId: instance.InstanceId ?? "",
    imageId: instance.ImageId ?? "",
    region,
    accountId,
    pendingTime: `${launched.toISOString().slice(0, 19)}Z`,
    availabilityZone: instance.Placement?.AvailabilityZone ?? `${region}a`,
    ...(instance.InstanceType !== undefined && { instanceType: instance.InstanceType }),
    ...(instance.PrivateIpAddress !== undefined && { privateIp: instance.PrivateIpAddress }),
  });
}

export interface TestCertificate {
  pem: string;
  key: KeyObject;
  /** DER of the certificate's issuer (its own subject: it is self-signed). */
  issuer: Buffer;
  serial: Buffer;
}

export interface CertificateOptions {
  commonName: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Reuse this serial (to make a certificate that claims another one's identity). */
  serial?: Buffer;
}

function name(commonName: string): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(OIDS.organization, "vault-node-plugins tests"), rdn(OIDS.commonName, commonName));
}

/** A self-signed X.509 v3 certificate for `keys`, signed with SHA-256 (DSA or RSA). */
export function selfSignedCertificate(keys: { publicKey: KeyObject; privateKey: KeyObject }, options: CertificateOptions): TestCertificate {
  const dsa = keys.privateKey.asymmetricKeyType === "dsa";
  const algorithm = dsa ? sequence(oid(OIDS.dsaWithSha256)) : sequence(oid(OIDS.sha256WithRsa), NULL);
  const serial = options.serial ?? Buffer.concat([Buffer.from([0x01]), randomBytes(8)]);
  const subject = name(options.commonName);
  const notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 10 * 365 * 86_400_000);
  const spki = keys.publicKey.export({ type: "spki", format: "der" });
  const tbs = sequence(explicit(0, smallInteger(2)), unsignedInteger(serial), algorithm, subject, sequence(time(notBefore), time(notAfter)), subject, spki);
  const signature = sign("sha256", tbs, dsa ? { key: keys.privateKey, dsaEncoding: "der" } : keys.privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const pem = new X509Certificate(der).toString();
  return { pem, key: keys.privateKey, issuer: subject, serial };
}

export interface SignOptions {
  /** The signingTime attribute (default: now); null leaves the attribute out. */
  signingTime?: Date | null;
  /** Sign the content directly, without signed attributes. */
  withoutSignedAttributes?: boolean;
  /** The messageDigest attribute's value instead of the content's real digest. */
  messageDigest?: Buffer;
}

interface SignerSpec {
  certificate: TestCertificate;
  hash: "sha1" | "sha256";
}

/** A DER PKCS#7 SignedData over `content`, shaped like AWS's (no certificates, one signer). */
export function signedData(content: Buffer, spec: SignerSpec, options: SignOptions = {}): Buffer {
  const dsa = spec.certificate.key.asymmetricKeyType === "dsa";
  const digestAlgorithm = sequence(oid(spec.hash === "sha1" ? OIDS.sha1 : OIDS.sha256), NULL);
  // AWS names DSA as dsaWithSHA1 without parameters, RSA as rsaEncryption with NULL.
  const signatureAlgorithm = dsa ? sequence(oid(OIDS.dsaWithSha1)) : sequence(oid(OIDS.rsaEncryption), NULL);
  const keyOptions = dsa ? { key: spec.certificate.key, dsaEncoding: "der" as const } : spec.certificate.key;
  let attributes: Buffer | undefined;
  let signature: Buffer;
  if (options.withoutSignedAttributes === true) {
    signature = sign(spec.hash, content, keyOptions);
  } else {
    const digest = options.messageDigest ?? createHash(spec.hash).update(content).digest();
    const attrs = [sequence(oid(OIDS.contentType), set(oid(OIDS.data))), sequence(oid(OIDS.messageDigest), set(octetString(digest)))];
    const signingTime = options.signingTime === undefined ? new Date() : options.signingTime;
    if (signingTime !== null) attrs.push(sequence(oid(OIDS.signingTime), set(time(signingTime))));
    const body = Buffer.concat(attrs.sort((a, b) => Buffer.compare(a, b)));
    signature = sign(spec.hash, tlv(0x31, body), keyOptions);
    attributes = tlv(0xa0, body);
  }
  const signerInfo = sequence(
    smallInteger(1),
    sequence(spec.certificate.issuer, unsignedInteger(spec.certificate.serial)),
    digestAlgorithm,
    ...(attributes === undefined ? [] : [attributes]),
    signatureAlgorithm,
    octetString(signature),
  );
  const encapsulated = sequence(oid(OIDS.data), explicit(0, octetString(content)));
  return sequence(oid(OIDS.signedData), explicit(0, sequence(smallInteger(1), set(digestAlgorithm), encapsulated, set(signerInfo))));
}

/** Base64 in 64-character lines, as the instance metadata service serves `pkcs7`. */
function base64Lines(der: Buffer): string {
  return (der.toString("base64").match(/.{1,64}/g) ?? []).join("\n");
}

export interface Ec2IdentitySigner {
  certificates: { dsa: string; rsa2048: string; rsaIdentity: string };
  /** The full key material, for tests that build unusual messages with signedData(). */
  material: { dsa: TestCertificate; rsa2048: TestCertificate; rsaIdentity: TestCertificate };
  /** The `pkcs7` login parameter: DSA with SHA-1. */
  pkcs7Dsa(document: string, options?: SignOptions): string;
  /** The `rsa2048` document, sent as the `pkcs7` login parameter: RSA-2048 with SHA-256. */
  pkcs7Rsa2048(document: string, options?: SignOptions): string;
  /** The `identity` login parameter: the document's bytes in base64. */
  identity(document: string): string;
  /** The `signature` login parameter: RSA SHA-256 over the document's bytes, base64. */
  signature(document: string): string;
}

async function makeSigner(label: string): Promise<Ec2IdentitySigner> {
  const [dsaKeys, rsa2048Keys, identityKeys] = await Promise.all([
    generate("dsa", { modulusLength: 2048, divisorLength: 256 }),
    generate("rsa", { modulusLength: 2048 }),
    generate("rsa", { modulusLength: 2048 }),
  ]);
  const material = {
    dsa: selfSignedCertificate(dsaKeys, { commonName: `${label} DSA pkcs7` }),
    rsa2048: selfSignedCertificate(rsa2048Keys, { commonName: `${label} RSA-2048 pkcs7` }),
    rsaIdentity: selfSignedCertificate(identityKeys, { commonName: `${label} RSA identity` }),
  };
  return {
    certificates: { dsa: material.dsa.pem, rsa2048: material.rsa2048.pem, rsaIdentity: material.rsaIdentity.pem },
    material,
    pkcs7Dsa: (document, options) => base64Lines(signedData(Buffer.from(document), { certificate: material.dsa, hash: "sha1" }, options)),
    pkcs7Rsa2048: (document, options) => base64Lines(signedData(Buffer.from(document), { certificate: material.rsa2048, hash: "sha256" }, options)),
    identity: (document) => Buffer.from(document).toString("base64"),
    signature: (document) => sign("sha256", Buffer.from(document), material.rsaIdentity.key).toString("base64"),
  };
}

const signers = new Map<string, Promise<Ec2IdentitySigner>>();

/**
 * A signer with its own keys, made once per process and label (DSA key generation takes a
 * moment); a different label gives independent keys, e.g. for "untrusted signer" cases.
 */
export function ec2IdentitySigner(label = "ec2 identity test"): Promise<Ec2IdentitySigner> {
  let signer = signers.get(label);
  if (signer === undefined) {
    signer = makeSigner(label);
    signers.set(label, signer);
  }
  return signer;
}
