import { createHash, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { builtInCertificates, verifyPkcs7 } from "../../../src/engines/aws-auth/identity-document/index.js";
import { ec2IdentityDocument, ec2IdentitySigner, selfSignedCertificate, signedData, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";
import { REAL_US_EAST_1_PKCS7, SCEP_COMPOUND_CONTENT_PKCS7, SCEP_SIGNER_CERTIFICATE } from "./pkcs7-vectors.js";
import { refusal } from "./refusal.js";

const DOCUMENT = ec2IdentityDocument({ instanceId: "i-0123456789abcdef0", imageId: "ami-12345678", region: "us-west-2", pendingTime: "2026-03-01T10:00:00Z" });

let signer: Ec2IdentitySigner;
let dsaCert: X509Certificate;
let rsaCert: X509Certificate;

beforeAll(async () => {
  signer = await ec2IdentitySigner();
  dsaCert = new X509Certificate(signer.certificates.dsa);
  rsaCert = new X509Certificate(signer.certificates.rsa2048);
}, 60_000);

/** The base64 body with the document's bytes changed after signing. */
function tampered(pkcs7: string, from: string, to: string): string {
  const der = Buffer.from(pkcs7, "base64");
  const at = der.indexOf(from);
  expect(at).toBeGreaterThan(0);
  Buffer.from(to).copy(der, at);
  return der.toString("base64");
}

describe("verifyPkcs7 with AWS-shaped documents", () => {
  it("accepts the DSA/SHA-1 pkcs7 document and returns its fields", () => {
    const doc = verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), [dsaCert]);
    expect(doc).toMatchObject({ instanceId: "i-0123456789abcdef0", imageId: "ami-12345678", accountId: "123456789012", region: "us-west-2", pendingTime: "2026-03-01T10:00:00Z" });
    expect(doc.raw["instanceType"]).toBe("t2.micro");
  });

  it("accepts the RSA-2048/SHA-256 rsa2048 document", () => {
    expect(verifyPkcs7(signer.pkcs7Rsa2048(DOCUMENT), [dsaCert, rsaCert]).instanceId).toBe("i-0123456789abcdef0");
  });

  it("finds the signer among many trusted certificates (the built-ins first)", () => {
    expect(verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), [...builtInCertificates(), rsaCert, dsaCert]).region).toBe("us-west-2");
  });

  it("tolerates whitespace and line breaks in the base64 body", () => {
    const body = signer.pkcs7Dsa(DOCUMENT);
    const spaced = `  ${body.replace(/\n/g, "\r\n\t ")}\n`;
    expect(verifyPkcs7(spaced, [dsaCert]).instanceId).toBe("i-0123456789abcdef0");
  });

  it("accepts a message without signed attributes (the signature covers the content)", () => {
    const pkcs7 = signer.pkcs7Dsa(DOCUMENT, { withoutSignedAttributes: true });
    expect(verifyPkcs7(pkcs7, [dsaCert]).imageId).toBe("ami-12345678");
  });

  it("accepts a message without a signingTime attribute", () => {
    expect(verifyPkcs7(signer.pkcs7Rsa2048(DOCUMENT, { signingTime: null }), [rsaCert]).imageId).toBe("ami-12345678");
  });
});

describe("verifyPkcs7 refusals", () => {
  it("refuses a document changed after signing (digest mismatch)", () => {
    const changed = tampered(signer.pkcs7Dsa(DOCUMENT), "i-0123456789abcdef0", "i-0123456789abcdef1");
    const sha1 = createHash("sha1");
    expect(refusal(() => verifyPkcs7(changed, [dsaCert]))).toBe(
      `failed to verify the signature: pkcs7: Message digest mismatch for algo: 1.3.14.3.2.26\n\tExpected: ${sha1.update(DOCUMENT).digest("hex").toUpperCase()}\n\tActual: ${createHash("sha1").update(DOCUMENT.replace("abcdef0", "abcdef1")).digest("hex").toUpperCase()}`,
    );
  });

  it("refuses a messageDigest attribute that is not the content's digest", () => {
    const wrong = createHash("sha256").update("another document").digest();
    expect(refusal(() => verifyPkcs7(signer.pkcs7Rsa2048(DOCUMENT, { messageDigest: wrong }), [rsaCert]))).toMatch(
      /^failed to verify the signature: pkcs7: Message digest mismatch for algo: 2\.16\.840\.1\.101\.3\.4\.2\.1\n\tExpected: [0-9A-F]{64}\n\tActual: [0-9A-F]{64}$/,
    );
  });

  it("refuses a changed content without signed attributes as a bad signature", () => {
    const changed = tampered(signer.pkcs7Dsa(DOCUMENT, { withoutSignedAttributes: true }), "ami-12345678", "ami-87654321");
    expect(refusal(() => verifyPkcs7(changed, [dsaCert]))).toBe("failed to verify the signature: x509: DSA verification failure");
  });

  it("refuses a changed signed attribute (the signature no longer holds)", () => {
    // A minute ago, with seconds 00 so that the changed value (seconds 01) is valid too.
    const when = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const utcTime = (d: Date): string => `${d.toISOString().slice(2, 19).replace(/[-T:]/g, "")}Z`;
    const pkcs7 = signer.pkcs7Rsa2048(DOCUMENT, { signingTime: when });
    const changed = tampered(pkcs7, utcTime(when), utcTime(new Date(when.getTime() + 1000)));
    expect(refusal(() => verifyPkcs7(changed, [rsaCert]))).toBe("failed to verify the signature: crypto/rsa: verification error");
  });

  it("refuses a signer that is not among the trusted certificates", () => {
    expect(refusal(() => verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), [rsaCert, ...builtInCertificates()]))).toBe("failed to verify the signature: pkcs7: No certificate for signer");
  });

  it("refuses a certificate that claims the signer's issuer and serial with another key", async () => {
    const other = await ec2IdentitySigner("impostor");
    const impostor = selfSignedCertificate(
      { publicKey: new X509Certificate(other.certificates.dsa).publicKey, privateKey: other.material.dsa.key },
      { commonName: "ec2 identity test DSA pkcs7", serial: signer.material.dsa.serial },
    );
    expect(refusal(() => verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), [new X509Certificate(impostor.pem)]))).toBe("failed to verify the signature: x509: DSA verification failure");
  }, 60_000);

  it("refuses a signingTime before the certificate's validity", () => {
    const pkcs7 = signer.pkcs7Dsa(DOCUMENT, { signingTime: new Date("2001-02-03T04:05:06Z") });
    expect(refusal(() => verifyPkcs7(pkcs7, [dsaCert]))).toMatch(
      /^failed to verify the signature: pkcs7: signing time "2001-02-03T04:05:06Z" is outside of certificate validity "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" to "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/,
    );
  });

  it("refuses a signingTime after the certificate's validity", () => {
    const pkcs7 = signer.pkcs7Rsa2048(DOCUMENT, { signingTime: new Date("2049-12-31T00:00:00Z") });
    expect(refusal(() => verifyPkcs7(pkcs7, [rsaCert]))).toContain('pkcs7: signing time "2049-12-31T00:00:00Z" is outside of certificate validity');
  });

  it("refuses when no certificate is trusted", () => {
    expect(refusal(() => verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), []))).toBe("certificates to verify the signature are not found");
  });

  it("refuses a signed empty content", () => {
    const pkcs7 = signedData(Buffer.alloc(0), { certificate: signer.material.dsa, hash: "sha1" }).toString("base64");
    expect(refusal(() => verifyPkcs7(pkcs7, [dsaCert]))).toBe("instance identity document could not be found in the signature");
  });

  it.each([
    ["not JSON", "instance document", "the instance identity document is not valid JSON"],
    ["a JSON array", '["i-1"]', "the instance identity document is not a JSON object"],
    ["JSON null", "null", "the instance identity document is not a JSON object"],
    ["a field of the wrong type", '{"instanceId": 7}', "field instanceId of the instance identity document is not a string"],
  ])("refuses signed content that is %s", (_what, content, text) => {
    const pkcs7 = signedData(Buffer.from(content), { certificate: signer.material.rsa2048, hash: "sha256" }).toString("base64");
    expect(refusal(() => verifyPkcs7(pkcs7, [rsaCert]))).toBe(text);
  });

  it("reads missing and null fields as empty, as Go's decoding does", () => {
    const pkcs7 = signedData(Buffer.from('{"instanceId": "i-1", "region": null}'), { certificate: signer.material.rsa2048, hash: "sha256" }).toString("base64");
    expect(verifyPkcs7(pkcs7, [rsaCert])).toEqual({ instanceId: "i-1", imageId: "", accountId: "", region: "", pendingTime: "", raw: { instanceId: "i-1", region: null } });
  });

  it.each([
    ["invalid base64", "not base64!", "failed to decode the PEM encoded PKCS#7 signature"],
    ["a truncated value", "MIIB", "failed to parse the BER encoded PKCS#7 signature: asn1: truncated length"],
    ["the PEM armour itself", "-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----", "failed to decode the PEM encoded PKCS#7 signature"],
    ["an empty body", "  \n ", "failed to parse the BER encoded PKCS#7 signature: pkcs7: input data is empty"],
    ["an empty SEQUENCE", "MAA=", "failed to parse the BER encoded PKCS#7 signature: asn1: expected a ContentInfo"],
    ["trailing bytes", "MAAA", "failed to parse the BER encoded PKCS#7 signature: asn1: syntax error: trailing data"],
    ["another content type", Buffer.from("300b06092a864886f70d010701", "hex").toString("base64"), "failed to parse the BER encoded PKCS#7 signature: pkcs7: cannot parse data: unimplemented content type"],
    ["EnvelopedData", Buffer.from("300b06092a864886f70d010703", "hex").toString("base64"), "failed to verify the signature: pkcs7: Message has no signers"],
  ])("refuses %s with upstream's text", (_what, input, text) => {
    expect(refusal(() => verifyPkcs7(input, [dsaCert]))).toBe(text);
  });
});

describe("verifyPkcs7 with published vectors", () => {
  it("verifies a real AWS pkcs7 document (us-east-1, DSA, BER) against the built-in certificates", () => {
    expect(verifyPkcs7(REAL_US_EAST_1_PKCS7, builtInCertificates())).toMatchObject({
      instanceId: "i-f79fe56c",
      imageId: "ami-fce3c696",
      accountId: "121659014334",
      region: "us-east-1",
      pendingTime: "2016-04-08T03:01:38Z",
    });
  });

  it("refuses the real document once its content is changed", () => {
    const der = Buffer.from(REAL_US_EAST_1_PKCS7, "base64");
    const at = der.indexOf("i-f79fe56c");
    der[at + 2] = "0".charCodeAt(0);
    expect(refusal(() => verifyPkcs7(der.toString("base64"), builtInCertificates()))).toMatch(/^failed to verify the signature: pkcs7: Message digest mismatch for algo: 1\.3\.14\.3\.2\.26\n/);
  });

  it("refuses the real document when AWS's certificate is not trusted", () => {
    expect(refusal(() => verifyPkcs7(REAL_US_EAST_1_PKCS7, [dsaCert, rsaCert]))).toBe("failed to verify the signature: pkcs7: No certificate for signer");
  });

  it("joins a constructed OCTET STRING content and verifies RSA/SHA-512 (Vault's SCEP vector)", () => {
    // The signature holds (else the text would be a verification failure); the content is a
    // nested PKCS#7, not a document.
    expect(refusal(() => verifyPkcs7(SCEP_COMPOUND_CONTENT_PKCS7, [new X509Certificate(SCEP_SIGNER_CERTIFICATE)]))).toBe("the instance identity document is not valid JSON");
  });

  it("ignores the certificates embedded in a message", () => {
    expect(refusal(() => verifyPkcs7(SCEP_COMPOUND_CONTENT_PKCS7, builtInCertificates()))).toBe("failed to verify the signature: pkcs7: No certificate for signer");
  });
});
