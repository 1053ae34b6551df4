// Cross-checks with OpenSSL (the Debian `openssl` CLI): what the test signer makes verifies with
// `openssl cms -verify`, and what `openssl cms -sign` makes (testing.md §4's recipe) verifies
// with verifyPkcs7.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPkcs7 } from "../../../src/engines/aws-auth/identity-document/index.js";
import { ec2IdentityDocument, ec2IdentitySigner, type Ec2IdentitySigner } from "../../helpers/ec2-identity.js";
import { refusal } from "./refusal.js";

const DOCUMENT = ec2IdentityDocument({ instanceId: "i-0openssl", imageId: "ami-0openssl", region: "sa-east-1" });

let signer: Ec2IdentitySigner;
let dir: string;

beforeAll(async () => {
  signer = await ec2IdentitySigner();
  dir = mkdtempSync(join(tmpdir(), "ec2-identity-openssl-"));
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(...args: string[]): string {
  return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The base64 body of a PEM file, as a client sends `pkcs7` (armour removed). */
function body(pem: string): string {
  return pem.split("\n").filter((line) => line !== "" && !line.startsWith("-----")).join("\n");
}

describe("the test signer's messages verify with openssl cms", () => {
  it.each([
    ["DSA/SHA-1", (s: Ec2IdentitySigner) => s.pkcs7Dsa(DOCUMENT), (s: Ec2IdentitySigner) => s.certificates.dsa],
    ["RSA-2048/SHA-256", (s: Ec2IdentitySigner) => s.pkcs7Rsa2048(DOCUMENT), (s: Ec2IdentitySigner) => s.certificates.rsa2048],
  ])("%s", (name, make, cert) => {
    const slug = name.replace(/\W/g, "");
    const p7 = file(`${slug}.p7.pem`, `-----BEGIN PKCS7-----\n${make(signer)}\n-----END PKCS7-----\n`);
    const certFile = file(`${slug}.cert.pem`, cert(signer));
    const out = join(dir, `${slug}.out`);
    openssl("cms", "-verify", "-noverify", "-inform", "PEM", "-in", p7, "-certfile", certFile, "-out", out);
    expect(readFileSync(out, "utf8")).toBe(DOCUMENT);
  });
});

describe("openssl cms -sign messages verify with verifyPkcs7", () => {
  function opensslSigned(slug: string, key: string, md: string, extra: string[] = []): { pkcs7: string; cert: X509Certificate } {
    const keyFile = file(`${slug}.key.pem`, key);
    const certFile = join(dir, `${slug}.cert.pem`);
    openssl("req", "-x509", "-new", "-key", keyFile, "-sha256", "-days", "3650", "-subj", "/CN=fake", "-out", certFile);
    const doc = file(`${slug}.json`, DOCUMENT);
    const out = join(dir, `${slug}.p7.pem`);
    openssl("cms", "-sign", "-in", doc, "-signer", certFile, "-inkey", keyFile, "-md", md, "-nodetach", ...extra, "-outform", "PEM", "-out", out);
    return { pkcs7: body(readFileSync(out, "utf8")), cert: new X509Certificate(readFileSync(certFile)) };
  }

  it("the whole recipe in openssl: dsaparam, gendsa, req -x509, cms -sign -md sha1 -nocerts", () => {
    openssl("dsaparam", "-out", "recipe.param.pem", "2048");
    openssl("gendsa", "-out", "recipe.key.pem", "recipe.param.pem");
    openssl("req", "-x509", "-new", "-key", "recipe.key.pem", "-sha256", "-days", "3650", "-subj", "/CN=fake", "-out", "recipe.cert.pem");
    file("recipe.json", DOCUMENT);
    openssl("cms", "-sign", "-in", "recipe.json", "-signer", "recipe.cert.pem", "-inkey", "recipe.key.pem", "-md", "sha1", "-nodetach", "-nocerts", "-outform", "PEM", "-out", "recipe.p7.pem");
    const pkcs7 = body(readFileSync(join(dir, "recipe.p7.pem"), "utf8"));
    const cert = new X509Certificate(readFileSync(join(dir, "recipe.cert.pem")));
    expect(cert.publicKey.asymmetricKeyType).toBe("dsa");
    expect(verifyPkcs7(pkcs7, [cert])).toMatchObject({ instanceId: "i-0openssl", imageId: "ami-0openssl", region: "sa-east-1" });
  }, 60_000);

  it("DSA with SHA-1 and no embedded certificates (AWS's shape, with smimeCapabilities added)", () => {
    const { pkcs7, cert } = opensslSigned("dsa", signer.material.dsa.key.export({ type: "pkcs8", format: "pem" }).toString(), "sha1", ["-nocerts"]);
    expect(verifyPkcs7(pkcs7, [cert])).toMatchObject({ instanceId: "i-0openssl", imageId: "ami-0openssl", region: "sa-east-1" });
  });

  it("RSA with SHA-256", () => {
    const { pkcs7, cert } = opensslSigned("rsa", signer.material.rsa2048.key.export({ type: "pkcs8", format: "pem" }).toString(), "sha256", ["-nocerts"]);
    expect(verifyPkcs7(pkcs7, [cert]).instanceId).toBe("i-0openssl");
  });

  it("a message embedding its certificate still needs that certificate to be trusted", () => {
    const { pkcs7, cert } = opensslSigned("embedded", signer.material.dsa.key.export({ type: "pkcs8", format: "pem" }).toString(), "sha1");
    expect(verifyPkcs7(pkcs7, [cert]).region).toBe("sa-east-1");
    expect(refusal(() => verifyPkcs7(pkcs7, [new X509Certificate(signer.certificates.dsa)]))).toBe("failed to verify the signature: pkcs7: No certificate for signer");
  });

  it("DSA with SHA-256 named dsa-with-sha256 is refused, as Vault's pkcs7 package refuses it", () => {
    // OpenSSL names the signature 2.16.840.1.101.3.4.3.2; upstream knows DSA only as 1.2.840.10040.4.1/4.3.
    const { pkcs7, cert } = opensslSigned("dsa256", signer.material.dsa.key.export({ type: "pkcs8", format: "pem" }).toString(), "sha256", ["-nocerts"]);
    expect(refusal(() => verifyPkcs7(pkcs7, [cert]))).toBe('failed to verify the signature: pkcs7: unsupported algorithm "2.16.840.1.101.3.4.3.2"');
  });
});
