import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateServerCertificate } from "../../src/plugin/mtls.js";
import * as der from "../../src/plugin/der.js";

describe("AutoMTLS certificate", () => {
  const now = new Date("2026-11-23T00:00:00Z");
  const cert = generateServerCertificate(now);
  const x509 = new X509Certificate(cert.der);

  it("names localhost in the SAN, as the Go host verifies", () => {
    expect(x509.subjectAltName).toBe("DNS:localhost");
    expect(x509.checkHost("localhost")).toBe("localhost");
  });

  it("is a self-signed CA usable for both server and client auth", () => {
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]));
  });

  it("is backdated 30 s and lives ~30 years (GeneralizedTime past 2049)", () => {
    expect(new Date(x509.validFrom).getTime()).toBe(now.getTime() - 30_000);
    expect(new Date(x509.validTo).getUTCFullYear()).toBe(2056);
  });

  it("has a positive 128-bit-or-less serial and a fresh key per call", () => {
    expect(Number.parseInt(x509.serialNumber.slice(0, 1), 16)).toBeLessThan(8);
    expect(generateServerCertificate(now).keyPem).not.toBe(cert.keyPem);
  });

  it("PEM and DER describe the same certificate", () => {
    expect(new X509Certificate(cert.certPem).fingerprint256).toBe(x509.fingerprint256);
  });
});

describe("DER writer", () => {
  it.each([
    ["short length", der.octetString(Buffer.alloc(3)), "0403000000"],
    ["long length", der.octetString(Buffer.alloc(200)).subarray(0, 3), "0481c8"],
    ["two-byte length", der.octetString(Buffer.alloc(300)).subarray(0, 4), "0482012c"],
    ["integer with high bit gets a zero pad", der.unsignedInteger(Buffer.from([0x80])), "02020080"],
    ["integer drops leading zeros", der.unsignedInteger(Buffer.from([0, 0, 5])), "020105"],
    ["OID with multi-byte arc", der.oid("1.2.840.10045.2.1"), "06072a8648ce3d0201"],
    ["UTCTime before 2050", der.time(new Date("2049-12-31T23:59:59Z")), "170d3439313233313233353935395a"],
    ["GeneralizedTime from 2050", der.time(new Date("2050-01-01T00:00:00Z")), "180f32303530303130313030303030305a"],
  ])("%s", (_name, bytes, hex) => {
    expect(Buffer.from(bytes).toString("hex")).toBe(hex);
  });
});
