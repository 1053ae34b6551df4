import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { certificates } from "../../../src/engines/aws-auth/config-storage.js";
import { builtInCertificates, mountTrustedCertificates, parseAwsPublicCert, parsePemCertificate, trustedCertificates, verifyIdentitySignature, verifyPkcs7 } from "../../../src/engines/aws-auth/identity-document/index.js";
import { InmemStorage, LogicalError } from "../../../src/logical/index.js";
import { ec2IdentityDocument, ec2IdentitySigner, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";

const DOCUMENT = ec2IdentityDocument({ instanceId: "i-0feed", imageId: "ami-0beef", region: "ap-south-1" });

let signer: Ec2IdentitySigner;

beforeAll(async () => {
  signer = await ec2IdentitySigner();
}, 60_000);

describe("built-in AWS certificates", () => {
  it("parses all 42 certificates upstream embeds (8 + 8 + 26; its pkcs7 list holds one RSA one)", () => {
    const certs = builtInCertificates();
    expect(certs).toHaveLength(42);
    const types = certs.map((c) => c.publicKey.asymmetricKeyType);
    expect(types.filter((t) => t === "dsa")).toHaveLength(7);
    expect(types.filter((t) => t === "rsa")).toHaveLength(35);
  });

  it("are trusted for both flows, before any registered certificate", () => {
    expect(trustedCertificates([], "pkcs7")).toHaveLength(42);
    expect(trustedCertificates([], "identity")).toHaveLength(42);
  });
});

describe("trustedCertificates with registered entries", () => {
  it("adds a pkcs7 entry given as PEM to the pkcs7 flow only", () => {
    const entries = [{ aws_public_cert: signer.certificates.dsa, type: "pkcs7" }];
    const pkcs7 = trustedCertificates(entries, "pkcs7");
    expect(pkcs7).toHaveLength(43);
    expect(verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), pkcs7).instanceId).toBe("i-0feed");
    expect(trustedCertificates(entries, "identity")).toHaveLength(42);
  });

  it("adds an identity entry given as base64 of the PEM to the identity flow only", () => {
    const entries = [{ aws_public_cert: Buffer.from(signer.certificates.rsaIdentity).toString("base64"), type: "identity" }];
    const identity = trustedCertificates(entries, "identity");
    expect(verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), identity).imageId).toBe("ami-0beef");
    expect(trustedCertificates(entries, "pkcs7")).toHaveLength(42);
  });

  it("treats an entry without a type as pkcs7 (upstream's upgrade of old entries)", () => {
    const entries = [{ aws_public_cert: signer.certificates.rsa2048, type: "" }];
    expect(verifyPkcs7(signer.pkcs7Rsa2048(DOCUMENT), trustedCertificates(entries, "pkcs7")).region).toBe("ap-south-1");
    expect(trustedCertificates(entries, "identity")).toHaveLength(42);
  });

  it("fails as an internal error (not the caller's fault) when a stored entry does not parse", () => {
    const entries = [{ aws_public_cert: "garbage", type: "pkcs7" }];
    let thrown: unknown;
    try {
      trustedCertificates(entries, "pkcs7");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(LogicalError);
    expect(thrown).toMatchObject({ kind: "internal", message: "invalid certificate; should be one PEM block only" });
  });

  it("parses a stored text once and answers each text with its own certificate", () => {
    const dsa = [{ aws_public_cert: signer.certificates.dsa, type: "pkcs7" }];
    const rsa = [{ aws_public_cert: signer.certificates.rsa2048, type: "pkcs7" }];
    const first = trustedCertificates(dsa, "pkcs7")[42];
    expect(trustedCertificates(dsa, "pkcs7")[42]).toBe(first);
    const other = trustedCertificates(rsa, "pkcs7")[42];
    expect(other).not.toBe(first);
    expect(other?.fingerprint256).toBe(new X509Certificate(signer.certificates.rsa2048).fingerprint256);
    // A text that does not parse is refused every time, never remembered.
    for (let i = 0; i < 2; i++) expect(() => trustedCertificates([{ aws_public_cert: "garbage", type: "pkcs7" }], "pkcs7")).toThrow(LogicalError);
  });
});

describe("certificate texts (decodePEMAndParseCertificate rules)", () => {
  it("accepts one PEM block, with text before it and a final line break", () => {
    expect(parsePemCertificate(`AWS certificate for us-east-1:\n${signer.certificates.dsa}`)).toBeInstanceOf(X509Certificate);
    expect(parseAwsPublicCert(signer.certificates.dsa.trimEnd())).toBeInstanceOf(X509Certificate);
  });

  it.each([
    ["two PEM blocks", (pem: string) => pem + pem, "invalid certificate; should be one PEM block only"],
    ["text after the block", (pem: string) => `${pem}trailer\n`, "invalid certificate; should be one PEM block only"],
    ["no PEM at all", () => "not a certificate", "invalid certificate; should be one PEM block only"],
    ["a PEM block that is not a certificate", () => "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", "invalid certificate; failed to parse certificate"],
  ])("refuses %s", (_what, make, text) => {
    expect(() => parseAwsPublicCert(make(signer.certificates.rsa2048))).toThrow(text);
  });
});

describe("mountTrustedCertificates", () => {
  it("reads the mount's config/certificate entries of the flow's type", async () => {
    const storage = new InmemStorage();
    await certificates.put(storage, "dsa", { aws_public_cert: signer.certificates.dsa, type: "pkcs7" });
    await certificates.put(storage, "rsa", { aws_public_cert: signer.certificates.rsaIdentity, type: "identity" });
    const pkcs7 = await mountTrustedCertificates(storage, "pkcs7");
    expect(pkcs7).toHaveLength(43);
    expect(verifyPkcs7(signer.pkcs7Dsa(DOCUMENT), pkcs7).instanceId).toBe("i-0feed");
    const identity = await mountTrustedCertificates(storage, "identity");
    expect(verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), identity).instanceId).toBe("i-0feed");
    expect(await mountTrustedCertificates(new InmemStorage(), "identity")).toHaveLength(42);
  });
});
