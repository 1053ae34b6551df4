// Hostile input never crashes verification: whatever the bytes, the outcome is a verified
// document or an IdentityDocumentError (a 400), never another exception (a 500).
import { X509Certificate } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { builtInCertificates, IdentityDocumentError, verifyIdentitySignature, verifyPkcs7 } from "../../../src/engines/aws-auth/identity-document/index.js";
import { ec2IdentityDocument, ec2IdentitySigner, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";
import { REAL_US_EAST_1_PKCS7 } from "./pkcs7-vectors.js";

const SEED = 20_261_203;
const DOCUMENT = ec2IdentityDocument({ instanceId: "i-0fuzz", imageId: "ami-0fuzz", region: "us-east-2" });

let signer: Ec2IdentitySigner;
let trusted: X509Certificate[];

beforeAll(async () => {
  signer = await ec2IdentitySigner();
  trusted = [...builtInCertificates(), new X509Certificate(signer.certificates.dsa), new X509Certificate(signer.certificates.rsa2048), new X509Certificate(signer.certificates.rsaIdentity)];
}, 60_000);

/** True when `call` returned or raised an IdentityDocumentError; anything else fails the property. */
function settles(call: () => unknown): boolean {
  try {
    call();
    return true;
  } catch (err) {
    if (err instanceof IdentityDocumentError) return true;
    throw err;
  }
}

type Mutation = { kind: "flip"; at: number; value: number } | { kind: "truncate"; at: number } | { kind: "insert"; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(der: Buffer, m: Mutation): Buffer {
  const at = m.at % der.length;
  switch (m.kind) {
    case "flip": {
      const copy = Buffer.from(der);
      copy[at] = m.value;
      return copy;
    }
    case "truncate":
      return der.subarray(0, at);
    case "insert":
      return Buffer.concat([der.subarray(0, at), Buffer.from([m.value]), der.subarray(at)]);
  }
}

describe("verification of hostile input", () => {
  it("random bytes as pkcs7", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => settles(() => verifyPkcs7(Buffer.from(bytes).toString("base64"), trusted))), { seed: SEED, numRuns: 400 });
  });

  it("random text as pkcs7", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => settles(() => verifyPkcs7(text, trusted))), { seed: SEED, numRuns: 300 });
  });

  it.each([
    ["our DSA message", () => signer.pkcs7Dsa(DOCUMENT)],
    ["our RSA-2048 message", () => signer.pkcs7Rsa2048(DOCUMENT)],
    ["AWS's real BER message", () => REAL_US_EAST_1_PKCS7],
  ])("mutations of %s", (_name, make) => {
    const der = Buffer.from(make(), "base64");
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (list) => settles(() => verifyPkcs7(list.reduce(mutate, der).toString("base64"), trusted))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("a mutated signed message never verifies with a changed document", () => {
    const der = Buffer.from(signer.pkcs7Dsa(DOCUMENT), "base64");
    const start = der.indexOf(DOCUMENT);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DOCUMENT.length - 1 }), fc.integer({ min: 0x20, max: 0x7e }), (offset, value) => {
        const copy = Buffer.from(der);
        if (copy[start + offset] === value) return true;
        copy[start + offset] = value;
        expect(() => verifyPkcs7(copy.toString("base64"), trusted)).toThrow(IdentityDocumentError);
        return true;
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("random identity and signature", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("base64"))), fc.uint8Array({ maxLength: 300 }), (identity, signature) =>
        settles(() => verifyIdentitySignature(identity, Buffer.from(signature).toString("base64"), trusted)),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
