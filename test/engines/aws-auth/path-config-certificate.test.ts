import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, putJson } from "../../../src/logical/index.js";
import { certificates } from "../../../src/engines/aws-auth/config-storage.js";
import { harness } from "./config-harness.js";

let dir: string;
let rsaPem: string;
let dsaPem: string;

/** A self-signed certificate made by the openssl CLI for a key of the given kind. */
function selfSigned(kind: "rsa" | "dsa"): string {
  const key = path.join(dir, `${kind}.key`);
  const cert = path.join(dir, `${kind}.crt`);
  if (kind === "dsa") {
    execFileSync("openssl", ["dsaparam", "-genkey", "-out", key, "1024"], { stdio: "ignore" });
  } else {
    execFileSync("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key], { stdio: "ignore" });
  }
  execFileSync("openssl", ["req", "-x509", "-new", "-key", key, "-subj", `/CN=${kind}-test`, "-days", "2", "-sha256", "-out", cert], { stdio: "ignore" });
  return readFileSync(cert, "utf8");
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "vnp-aws-auth-cert-"));
  rsaPem = selfSigned("rsa");
  dsaPem = selfSigned("dsa");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

describe("config/certificate", () => {
  it("stores a DSA certificate sent as PEM with the default type pkcs7", async () => {
    const h = harness();
    expect(await h.exists("config/certificate/dsa")).toBe(false);
    expect(await h.write("config/certificate/dsa", { aws_public_cert: dsaPem })).toBeUndefined();
    expect((await h.read("config/certificate/dsa"))?.data).toEqual({ aws_public_cert: dsaPem, type: "pkcs7" });
    expect(await getJson(h.storage, "config/certificate/dsa")).toEqual({ aws_public_cert: dsaPem, type: "pkcs7" });
  });

  it("accepts base64 of the PEM and stores the PEM; type is case-insensitive", async () => {
    const h = harness();
    expect(await h.write("config/certificate/rsa", { aws_public_cert: b64(rsaPem), type: "IDENTITY" })).toBeUndefined();
    expect((await h.read("config/certificate/rsa"))?.data).toEqual({ aws_public_cert: rsaPem, type: "identity" });
  });

  it("keeps the type on an update that does not send it, but always needs the certificate", async () => {
    const h = harness();
    await h.write("config/certificate/c", { aws_public_cert: rsaPem, type: "identity" });
    expect((await h.write("config/certificate/c", {}))?.data).toEqual({ error: "missing aws_public_cert" });
    expect(await h.write("config/certificate/c", { aws_public_cert: dsaPem })).toBeUndefined();
    expect((await h.read("config/certificate/c"))?.data).toEqual({ aws_public_cert: dsaPem, type: "identity" });
  });

  it("refuses bad types and anything but exactly one certificate", async () => {
    const h = harness();
    const error = async (data: Record<string, unknown>) => (await h.write("config/certificate/x", data))?.data?.["error"];
    expect(await error({ aws_public_cert: rsaPem, type: "rsa" })).toBe('invalid certificate type "rsa"');
    expect(await error({ aws_public_cert: "" })).toBe("invalid aws_public_cert");
    expect(await error({ aws_public_cert: "not a certificate" })).toBe("invalid certificate; should be one PEM block only");
    expect(await error({ aws_public_cert: rsaPem + dsaPem })).toBe("invalid certificate; should be one PEM block only");
    expect(await error({ aws_public_cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" })).toMatch(/^invalid certificate; failed to parse certificate/);
    expect(await h.storage.list("config/certificate/")).toEqual([]);
  });

  it("lists, deletes, and reads a pre-type entry as pkcs7", async () => {
    const h = harness();
    await h.write("config/certificate/a", { aws_public_cert: rsaPem });
    await putJson(h.storage, "config/certificate/old", { aws_public_cert: dsaPem });
    expect((await h.request("list", "config/certificates/"))?.data).toEqual({ keys: ["a", "old"] });
    expect((await h.read("config/certificate/old"))?.data).toEqual({ aws_public_cert: dsaPem, type: "pkcs7" });
    expect(await certificates.get(h.storage, "old")).toEqual({ aws_public_cert: dsaPem, type: "pkcs7" });
    expect(await h.request("delete", "config/certificate/a")).toBeUndefined();
    expect(await h.read("config/certificate/a")).toBeUndefined();
    expect((await h.request("list", "config/certificates"))?.data).toEqual({ keys: ["old"] });
  });
});
