import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { builtInCertificates, verifyIdentitySignature } from "../../../src/engines/aws-auth/identity-document/index.js";
import { ec2IdentityDocument, ec2IdentityDocumentForInstance, ec2IdentitySigner, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";
import { refusal } from "./refusal.js";

const DOCUMENT = ec2IdentityDocument({ instanceId: "i-0abc", imageId: "ami-0def", region: "eu-west-1", pendingTime: "2026-04-01T08:00:00Z" });

let signer: Ec2IdentitySigner;
let identityCert: X509Certificate;

beforeAll(async () => {
  signer = await ec2IdentitySigner();
  identityCert = new X509Certificate(signer.certificates.rsaIdentity);
}, 60_000);

describe("verifyIdentitySignature", () => {
  it("accepts the document with its RSA SHA-256 signature", () => {
    expect(verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), [identityCert])).toMatchObject({
      instanceId: "i-0abc",
      imageId: "ami-0def",
      accountId: "123456789012",
      region: "eu-west-1",
      pendingTime: "2026-04-01T08:00:00Z",
    });
  });

  it("tries every trusted certificate, DSA ones included, until one verifies", () => {
    const trusted = [...builtInCertificates(), new X509Certificate(signer.certificates.dsa), identityCert];
    expect(verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), trusted).instanceId).toBe("i-0abc");
  });

  it("accepts base64 split over lines, as the metadata service serves it", () => {
    const wrap = (b64: string): string => (b64.match(/.{1,64}/g) ?? []).join("\n");
    expect(verifyIdentitySignature(wrap(signer.identity(DOCUMENT)), wrap(signer.signature(DOCUMENT)), [identityCert]).region).toBe("eu-west-1");
  });

  const UNSUCCESSFUL = "instance identity verification using SHA256 RSA signature is unsuccessful";

  it("refuses a document changed after signing", () => {
    const changed = DOCUMENT.replace("i-0abc", "i-0abd");
    expect(refusal(() => verifyIdentitySignature(signer.identity(changed), signer.signature(DOCUMENT), [identityCert]))).toBe(UNSUCCESSFUL);
  });

  it("refuses a signature by a key that is not trusted", () => {
    expect(refusal(() => verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), [...builtInCertificates(), new X509Certificate(signer.certificates.rsa2048)]))).toBe(UNSUCCESSFUL);
  });

  it("refuses a truncated signature", () => {
    const short = Buffer.from(signer.signature(DOCUMENT), "base64").subarray(1).toString("base64");
    expect(refusal(() => verifyIdentitySignature(signer.identity(DOCUMENT), short, [identityCert]))).toBe(UNSUCCESSFUL);
  });

  it.each([
    ["an identity that is not base64", "%%%", "c2ln", "failed to base64 decode the instance identity document"],
    ["an identity that decodes to nothing", "\n", "c2ln", "failed to base64 decode the instance identity document"],
    ["a signature that is not base64", "e30=", "c2ln*", "failed to base64 decode the SHA256 RSA signature of the instance identity document"],
    ["no identity", "", "c2ln", "missing instance identity document"],
    ["no signature", "e30=", "", "missing SHA256 RSA signature of the instance identity document"],
  ])("refuses %s with upstream's text", (_what, identity, signature, text) => {
    expect(refusal(() => verifyIdentitySignature(identity, signature, [identityCert]))).toBe(text);
  });

  it("refuses when no certificate is trusted", () => {
    expect(refusal(() => verifyIdentitySignature(signer.identity(DOCUMENT), signer.signature(DOCUMENT), []))).toBe("certificates to verify the signature are not found");
  });

  it("refuses a verified identity that is not a JSON object", async () => {
    const { sign } = await import("node:crypto");
    const text = "[1, 2]";
    const signature = sign("sha256", Buffer.from(text), signer.material.rsaIdentity.key).toString("base64");
    expect(refusal(() => verifyIdentitySignature(Buffer.from(text).toString("base64"), signature, [identityCert]))).toBe("the instance identity document is not a JSON object");
  });

  it("verifies a document made from an EC2 Instance as moto returns it", () => {
    const doc = ec2IdentityDocumentForInstance(
      { InstanceId: "i-0moto", ImageId: "ami-0moto", InstanceType: "m5.large", LaunchTime: new Date("2026-05-06T07:08:09.123Z"), Placement: { AvailabilityZone: "us-east-1c" } },
      "us-east-1",
    );
    expect(verifyIdentitySignature(signer.identity(doc), signer.signature(doc), [identityCert])).toMatchObject({
      instanceId: "i-0moto",
      imageId: "ami-0moto",
      accountId: "123456789012",
      region: "us-east-1",
      pendingTime: "2026-05-06T07:08:09Z",
      raw: expect.objectContaining({ instanceType: "m5.large", availabilityZone: "us-east-1c" }),
    });
  });
});
