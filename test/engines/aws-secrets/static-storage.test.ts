import { describe, expect, it } from "vitest";
import {
  deleteStaticCreds,
  deleteStaticRole,
  formatGoTime,
  getStaticCreds,
  getStaticRole,
  listStaticRoles,
  parseGoTime,
  periodMs,
  putStaticCreds,
  putStaticRole,
  type StaticRole,
} from "../../../src/engines/aws-secrets/static-storage.js";
import { StoredValueError } from "../../../src/framework/index.js";
import { InmemStorage, getJson, putJson } from "../../../src/logical/index.js";

const role: StaticRole = {
  name: "deploy",
  id: "AIDAEXAMPLE",
  username: "deploy-bot",
  rotationPeriod: 86_400n * 1_000_000_000n,
  assumeRoleArn: "",
  assumeRoleSessionName: "",
  externalId: "",
};

describe("static-roles/<name> storage", () => {
  it("writes Go's staticRoleEntry JSON: json tags, rotation_period in nanoseconds", async () => {
    const storage = new InmemStorage();
    await putStaticRole(storage, role);
    expect(await getJson(storage, "static-roles/deploy")).toEqual({
      name: "deploy",
      id: "AIDAEXAMPLE",
      username: "deploy-bot",
      rotation_period: 86_400_000_000_000,
      assume_role_arn: "",
      assume_role_session_name: "",
      external_id: "",
    });
    expect(await getStaticRole(storage, "deploy")).toEqual(role);
  });

  it("reads a Vault 1.14 entry (no id, no assume-role fields) with Go's zero values", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-roles/old", { name: "old", username: "u", rotation_period: 3_600_000_000_000 });
    expect(await getStaticRole(storage, "old")).toEqual({
      name: "old",
      id: "",
      username: "u",
      rotationPeriod: 3_600_000_000_000n,
      assumeRoleArn: "",
      assumeRoleSessionName: "",
      externalId: "",
    });
  });

  it("keeps Enterprise cross-account settings through a read-modify-write", async () => {
    const storage = new InmemStorage();
    const stored = { ...role, assumeRoleArn: "arn:aws:iam::111122223333:role/x", assumeRoleSessionName: "s", externalId: "e" };
    await putStaticRole(storage, stored);
    expect(await getStaticRole(storage, "deploy")).toEqual(stored);
  });

  it("keeps long periods exact (a year is beyond 2^53 ns)", async () => {
    const storage = new InmemStorage();
    const year = 365n * 86_400n * 1_000_000_000n;
    await putStaticRole(storage, { ...role, rotationPeriod: year });
    expect((await getStaticRole(storage, "deploy"))?.rotationPeriod).toBe(year);
    expect(periodMs({ ...role, rotationPeriod: year })).toBe(365 * 86_400_000);
  });

  it("rejects entries Go could not decode", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-roles/bad", { name: "bad", rotation_period: "1h" });
    await expect(getStaticRole(storage, "bad")).rejects.toThrow(StoredValueError);
  });

  it("lists and deletes roles", async () => {
    const storage = new InmemStorage();
    await putStaticRole(storage, role);
    await putStaticRole(storage, { ...role, name: "a@example.com" });
    expect(await listStaticRoles(storage)).toEqual(["a@example.com", "deploy"]);
    await deleteStaticRole(storage, "deploy");
    expect(await listStaticRoles(storage)).toEqual(["a@example.com"]);
    expect(await getStaticRole(storage, "deploy")).toBeUndefined();
  });
});

describe("static-creds/<name> storage", () => {
  it("writes Go's awsCredentials JSON, seal-wrapped, with expiration as RFC 3339", async () => {
    const storage = new InmemStorage();
    await putStaticCreds(storage, "deploy", { accessKeyId: "AKIA1", secretAccessKey: "s3cret", expiration: new Date("2025-03-02T12:00:00.250Z") });
    expect(await getJson(storage, "static-creds/deploy")).toEqual({ access_key: "AKIA1", expiration: "2025-03-02T12:00:00.25Z", secret_key: "s3cret" });
    expect((await storage.get("static-creds/deploy"))?.sealWrap).toBe(true);
    expect(await getStaticCreds(storage, "deploy")).toEqual({
      accessKeyId: "AKIA1",
      secretAccessKey: "s3cret",
      expiration: new Date("2025-03-02T12:00:00.250Z"),
    });
  });

  it("reads creds stored before Vault recorded an expiration, and omits it when writing none", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-creds/old", { access_key: "AKIA0", secret_key: "s" });
    expect(await getStaticCreds(storage, "old")).toEqual({ accessKeyId: "AKIA0", secretAccessKey: "s", expiration: undefined });
    await putStaticCreds(storage, "old", { accessKeyId: "AKIA0", secretAccessKey: "s", expiration: undefined });
    expect(await getJson(storage, "static-creds/old")).toEqual({ access_key: "AKIA0", secret_key: "s" });
  });

  it("reads Go's nanosecond times and numeric offsets", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-creds/x", { access_key: "A", expiration: "2025-03-02T14:00:00.123456789+02:00", secret_key: "s" });
    expect((await getStaticCreds(storage, "x"))?.expiration).toEqual(new Date("2025-03-02T12:00:00.123Z"));
  });

  it.each([
    ["2025-03-02T14:00:00.123456789+02:00"],
    ["2025-03-02T12:00:00.000001Z"],
    ["2025-03-02T07:30:00.1-04:30"],
    ["2025-03-02T12:00:00Z"],
  ])("writes a stored expiration %s back byte for byte", async (text) => {
    const storage = new InmemStorage();
    await putJson(storage, "static-creds/x", { access_key: "A", expiration: text, secret_key: "s" });
    const creds = await getStaticCreds(storage, "x");
    if (creds === undefined) throw new Error("expected creds");
    await putStaticCreds(storage, "x", creds);
    expect(await getJson(storage, "static-creds/x")).toEqual({ access_key: "A", expiration: text, secret_key: "s" });
  });

  it("forgets the stored text once the expiration is replaced", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-creds/x", { access_key: "A", expiration: "2025-03-02T14:00:00.123456789+02:00", secret_key: "s" });
    const creds = await getStaticCreds(storage, "x");
    if (creds === undefined) throw new Error("expected creds");
    await putStaticCreds(storage, "x", { ...creds, expiration: new Date("2025-03-03T00:00:00Z") });
    expect(await getJson(storage, "static-creds/x")).toMatchObject({ expiration: "2025-03-03T00:00:00Z" });
  });

  it("names the key when the stored expiration is not a time", async () => {
    const storage = new InmemStorage();
    await putJson(storage, "static-creds/x", { access_key: "A", expiration: "tomorrow", secret_key: "s" });
    await expect(getStaticCreds(storage, "x")).rejects.toThrow('invalid expiration stored at "static-creds/x"');
  });

  it("deletes creds", async () => {
    const storage = new InmemStorage();
    await putStaticCreds(storage, "deploy", { accessKeyId: "A", secretAccessKey: "s", expiration: undefined });
    await deleteStaticCreds(storage, "deploy");
    expect(await getStaticCreds(storage, "deploy")).toBeUndefined();
  });
});

describe("Go time text", () => {
  it.each([
    ["2025-03-02T12:00:00.000Z", "2025-03-02T12:00:00Z"],
    ["2025-03-02T12:00:00.100Z", "2025-03-02T12:00:00.1Z"],
    ["2025-03-02T12:00:00.123Z", "2025-03-02T12:00:00.123Z"],
  ])("formats %s as %s (RFC3339Nano trims trailing zeros)", (iso, go) => {
    expect(formatGoTime(new Date(iso))).toBe(go);
    expect(parseGoTime(go)).toEqual(new Date(iso));
  });

  it.each([
    ["2025-03-02T12:00:00.123456789Z", "2025-03-02T12:00:00.123456789Z"],
    ["2025-03-02T12:00:00.500000000Z", "2025-03-02T12:00:00.5Z"],
    ["2025-03-02T12:00:00.000000000Z", "2025-03-02T12:00:00Z"],
    ["2025-03-02T12:00:00+00:00", "2025-03-02T12:00:00Z"],
    ["2025-03-02T12:00:00.25-00:00", "2025-03-02T12:00:00.25Z"],
    ["2025-03-02T13:00:00.0001+01:00", "2025-03-02T13:00:00.0001+01:00"],
  ])("reads %s and writes it again as Go's encoder would: %s", (stored, go) => {
    expect(formatGoTime(parseGoTime(stored))).toBe(go);
  });

  it.each(["2025-03-02", "2025-03-02T12:00:00", "2025-03-02T12:00:00.1234567890Z"])("rejects %s", (text) => {
    expect(() => parseGoTime(text)).toThrow("invalid time");
  });
});
