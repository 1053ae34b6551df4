// The few fields of a trusted certificate that PKCS#7 verification needs, read from its DER:
// Node's X509Certificate exposes the issuer only as text and the validity only as strings, while
// the signer is matched on the issuer's exact encoding (as Go compares RawIssuer).
import type { X509Certificate } from "node:crypto";
import { asn1Time } from "./asn1-time.js";
import { elementsOf, integerValue, isContext, parseBer, toDer, UNIVERSAL } from "./ber.js";

export interface CertificateFields {
  certificate: X509Certificate;
  /** DER of the issuer Name. */
  issuer: Buffer;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
}

const cache = new WeakMap<X509Certificate, CertificateFields | null>();

function read(certificate: X509Certificate): CertificateFields | null {
  try {
    const [tbs] = elementsOf(parseBer(certificate.raw), UNIVERSAL.sequence, "a Certificate");
    const fields = elementsOf(tbs, UNIVERSAL.sequence, "a TBSCertificate");
    const rest = isContext(fields[0], 0) ? fields.slice(1) : fields;
    const [serial, , issuer, validity] = rest;
    if (issuer === undefined) return null;
    const [from, to] = elementsOf(validity, UNIVERSAL.sequence, "a Validity");
    const notBefore = asn1Time(from);
    const notAfter = asn1Time(to);
    if (notBefore === undefined || notAfter === undefined) return null;
    return { certificate, issuer: toDer(issuer), serial: integerValue(serial), notBefore, notAfter };
  } catch {
    // Node accepted the certificate, so this only happens for encodings this reader refuses;
    // such a certificate can then never be chosen as a signer.
    return null;
  }
}

/** The certificate's issuer, serial and validity; undefined if they cannot be read. */
export function certificateFields(certificate: X509Certificate): CertificateFields | undefined {
  let fields = cache.get(certificate);
  if (fields === undefined) {
    fields = read(certificate);
    cache.set(certificate, fields);
  }
  return fields ?? undefined;
}
