// AutoMTLS, the plugin side (protocol.md §3.1; hashicorp/go-plugin mtls.go, server.go): a fresh
// self-signed certificate per process, presented both by our gRPC server and on broker dials,
// and the host's PLUGIN_CLIENT_CERT as the only trust root in both directions.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import * as der from "./der.js";

export interface ServerCertificate {
  /** DER of the leaf certificate, advertised in handshake field 6. */
  der: Buffer;
  certPem: string;
  keyPem: string;
}

const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const HOST_NAME = "localhost";
/** go-plugin backdates by 30 s against clock skew and lets certificates live ~30 years. */
const BACKDATE_MS = 30_000;
const LIFETIME_MS = 262_980 * 3600 * 1000;

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? der.sequence(der.oid(id), der.bool(true), der.octetString(value)) : der.sequence(der.oid(id), der.octetString(value));
}

/**
 * ECDSA P-256, SAN `localhost`, EKU server+client, CA flag set: what the Go host's verifier needs
 * when it pins this very certificate as the root for host name `localhost`.
 */
export function generateServerCertificate(now = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const name = der.sequence(
    der.set(der.sequence(der.oid(OID.commonName), der.utf8String(HOST_NAME))),
    der.set(der.sequence(der.oid(OID.organization), der.utf8String("vault-node-plugins"))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive, like go-plugin's [0, 2^128) serial
  const signatureAlgorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  // digitalSignature | keyEncipherment | keyAgreement | keyCertSign = bits 0, 2, 4, 5 → 0xAC
  const keyUsage = der.bitString(Buffer.from([0xac]), 2);
  const extensions = der.sequence(
    extension(OID.basicConstraints, true, der.sequence(der.bool(true))),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth), der.oid(OID.clientAuth))),
    extension(OID.subjectAltName, false, der.sequence(der.implicitPrimitive(2, Buffer.from(HOST_NAME, "ascii")))),
  );
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(serial),
    signatureAlgorithm,
    name,
    der.sequence(der.time(new Date(now.getTime() - BACKDATE_MS)), der.time(new Date(now.getTime() + LIFETIME_MS))),
    name,
    spki,
    der.explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const certDer = der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
  return { der: certDer, certPem: toPem("CERTIFICATE", certDer), keyPem: keyToPem(privateKey) };
}

function keyToPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

export function toPem(label: string, body: Uint8Array): string {
  const base64 = Buffer.from(body).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith("\n") ? "" : "\n"}-----END ${label}-----\n`;
}

/** Everything the gRPC server and the broker dialer need to speak AutoMTLS. */
export interface MtlsMaterial {
  own: ServerCertificate;
  /** PEM of the host's certificate: the one and only trust root. */
  hostCertPem: string;
}
