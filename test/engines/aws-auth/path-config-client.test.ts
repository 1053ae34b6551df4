import { describe, expect, it } from "vitest";
import { getJson, putJson } from "../../../src/logical/index.js";
import { ROTATION_MANAGER_UNSUPPORTED } from "../../../src/engines/aws-secrets/config-root-rotation.js";
import { WORKLOAD_IDENTITY_UNSUPPORTED as SECRETS_WIF_TEXT } from "../../../src/engines/aws-secrets/path-config-root.js";
import { WORKLOAD_IDENTITY_UNSUPPORTED } from "../../../src/engines/aws-auth/path-config-client.js";
import { clientConfigEntry } from "../../../src/engines/aws-auth/config-storage.js";
import { harness } from "./config-harness.js";

const PATH = "config/client";

/** What a read returns after a create that sent only access_key and secret_key. */
const DEFAULT_READ = {
  access_key: "AKIAEXAMPLE",
  endpoint: "",
  iam_endpoint: "",
  sts_endpoint: "",
  sts_region: "",
  use_sts_region_from_client: false,
  iam_server_id_header_value: "",
  max_retries: -1,
  allowed_sts_header_values: null,
  role_arn: "",
  identity_token_ttl: 0,
  identity_token_audience: "",
  rotation_schedule: "",
  rotation_window: 0,
  rotation_period: 0,
  disable_automated_rotation: false,
};

describe("config/client", () => {
  it("creates with defaults, reads everything but secret_key, stores Vault's JSON seal-wrapped", async () => {
    const h = harness();
    expect(await h.exists(PATH)).toBe(false);
    expect(await h.read(PATH)).toBeUndefined();
    expect(await h.write(PATH, { access_key: "AKIAEXAMPLE", secret_key: "s3cret" })).toBeUndefined();
    expect(await h.exists(PATH)).toBe(true);
    expect((await h.read(PATH))?.data).toEqual(DEFAULT_READ);
    const raw = await h.storage.get(PATH);
    expect(raw?.sealWrap).toBe(true);
    expect(Object.keys((await getJson(h.storage, PATH)) as object)).toEqual([
      "identity_token_ttl",
      "identity_token_audience",
      "rotation_schedule",
      "rotation_window",
      "rotation_period",
      "disable_automated_rotation",
      "access_key",
      "secret_key",
      "endpoint",
      "iam_endpoint",
      "sts_endpoint",
      "sts_region",
      "use_sts_region_from_client",
      "iam_server_id_header_value",
      "allowed_sts_header_values",
      "max_retries",
      "role_arn",
    ]);
    expect(await getJson(h.storage, PATH)).toMatchObject({ secret_key: "s3cret", allowed_sts_header_values: null, max_retries: -1 });
    // The clients' view of the same entry.
    expect(await clientConfigEntry.get(h.storage)).toMatchObject({ access_key: "AKIAEXAMPLE", secret_key: "s3cret", allowed_sts_header_values: [] });
  });

  it("flushes the clients only when credentials, endpoints, regions or role change", async () => {
    const h = harness();
    await h.write(PATH, { access_key: "AKIA1", secret_key: "s" });
    const afterCreate = h.resets();
    const flushes = async (data: Record<string, unknown>) => {
      const before = h.resets();
      expect(await h.write(PATH, data)).toBeUndefined();
      return h.resets() - before;
    };
    expect(await flushes({ access_key: "AKIA1" })).toBe(0);
    expect(await flushes({ iam_server_id_header_value: "vault.example.com" })).toBe(0);
    expect(await flushes({ allowed_sts_header_values: "x-amz-extra" })).toBe(0);
    expect(await flushes({ max_retries: 5 })).toBe(0);
    for (const data of [
      { access_key: "AKIA2" },
      { secret_key: "other" },
      { endpoint: "http://ec2.local" },
      { iam_endpoint: "http://iam.local" },
      { sts_endpoint: "http://sts.local" },
      { sts_region: "eu-west-1" },
      { use_sts_region_from_client: true },
      { role_arn: "arn:aws:iam::1:role/x" },
    ]) {
      expect(await flushes(data), JSON.stringify(data)).toBe(1);
    }
    expect(afterCreate).toBeGreaterThanOrEqual(0);
    expect((await h.read(PATH))?.data).toMatchObject({
      access_key: "AKIA2",
      endpoint: "http://ec2.local",
      sts_region: "eu-west-1",
      use_sts_region_from_client: true,
      iam_server_id_header_value: "vault.example.com",
      allowed_sts_header_values: ["X-Amz-Extra"],
      max_retries: 5,
    });
  });

  it("keeps unsent fields on update and fills defaults on create", async () => {
    const h = harness();
    await h.write(PATH, { endpoint: "http://ec2.local", max_retries: 2 });
    await h.write(PATH, { sts_region: "us-west-2" });
    expect((await h.read(PATH))?.data).toMatchObject({ endpoint: "http://ec2.local", max_retries: 2, sts_region: "us-west-2", access_key: "" });
  });

  it("canonicalises allowed_sts_header_values as HTTP header names", async () => {
    const h = harness();
    await h.write(PATH, { allowed_sts_header_values: "x-amz-content-sha256, X-AMZ-FOO-bar,weird header" });
    expect((await h.read(PATH))?.data?.["allowed_sts_header_values"]).toEqual(["X-Amz-Content-Sha256", "X-Amz-Foo-Bar", "weird header"]);
    await h.write(PATH, { allowed_sts_header_values: ["X-Amz-Extra"] });
    expect((await h.read(PATH))?.data?.["allowed_sts_header_values"]).toEqual(["X-Amz-Extra"]);
  });

  it("flushes the clients when another node changes config/client or config/sts", async () => {
    const h = harness();
    const before = h.resets();
    await h.backend.invalidateKey("config/client");
    await h.backend.invalidateKey("config/sts/111122223333");
    await h.backend.invalidateKey("role/x");
    expect(h.resets()).toBe(before + 2);
  });

  it("deletes the entry and flushes the clients", async () => {
    const h = harness();
    await h.write(PATH, { access_key: "AKIA1", secret_key: "s" });
    const before = h.resets();
    expect(await h.request("delete", PATH)).toBeUndefined();
    expect(h.resets()).toBe(before + 1);
    expect(await h.read(PATH)).toBeUndefined();
    expect(await h.storage.get(PATH)).toBeUndefined();
  });

  it("refuses plugin workload identity as Vault CE does, after upstream's own checks", async () => {
    expect(WORKLOAD_IDENTITY_UNSUPPORTED).toBe(SECRETS_WIF_TEXT);
    const h = harness();
    expect((await h.write(PATH, { access_key: "AKIA1", identity_token_audience: "vault" }))?.data).toEqual({
      error: "only one of 'access_key' or 'identity_token_audience' can be set",
    });
    expect((await h.write(PATH, { identity_token_audience: "vault" }))?.data).toEqual({ error: "role_arn must be set when identity_token_audience is set" });
    expect((await h.write(PATH, { identity_token_audience: "vault", role_arn: "arn:aws:iam::1:role/wif" }))?.data).toEqual({ error: WORKLOAD_IDENTITY_UNSUPPORTED });
    expect(await h.storage.get(PATH)).toBeUndefined();
    // identity_token_ttl alone is stored (in nanoseconds) and read back in seconds.
    await h.write(PATH, { identity_token_ttl: "2h" });
    expect((await h.read(PATH))?.data?.["identity_token_ttl"]).toBe(7200);
    expect(await getJson(h.storage, PATH)).toMatchObject({ identity_token_ttl: 7200 * 1e9 });
  });

  it("refuses automated rotation as Vault CE does, accepts disabling it", async () => {
    const h = harness();
    expect((await h.write(PATH, { rotation_schedule: "0 * * * *" }))?.data).toEqual({ error: ROTATION_MANAGER_UNSUPPORTED });
    expect((await h.write(PATH, { rotation_period: 3600 }))?.data).toEqual({ error: ROTATION_MANAGER_UNSUPPORTED });
    expect((await h.write(PATH, { rotation_schedule: "0 * * * *", rotation_period: 60 }))?.data?.["error"]).toMatch(/mutually exclusive fields rotation_schedule and rotation_period/);
    expect((await h.write(PATH, { rotation_schedule: "not cron" }))?.data?.["error"]).toMatch(/^failed to parse provided rotation_schedule: /);
    expect(await h.write(PATH, { rotation_schedule: "0 * * * *", disable_automated_rotation: true })).toBeUndefined();
    expect((await h.read(PATH))?.data).toMatchObject({ rotation_schedule: "0 * * * *", disable_automated_rotation: true });
  });

  it("answers a value that does not parse with a field validation error", async () => {
    const h = harness();
    const reply = await h.write(PATH, { max_retries: "many" });
    expect(String(reply?.data?.["error"])).toMatch(/max_retries/);
  });

  it("reads an older entry as Vault does (missing max_retries is 0)", async () => {
    const h = harness();
    await putJson(h.storage, PATH, { access_key: "AKIAOLD", secret_key: "s", endpoint: "", iam_endpoint: "", sts_endpoint: "", iam_server_id_header_value: "" }, true);
    // Before max_retries existed: Go reads 0.
    expect((await h.read(PATH))?.data).toMatchObject({ access_key: "AKIAOLD", max_retries: 0, allowed_sts_header_values: null });
  });
});
