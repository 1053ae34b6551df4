import { describe, expect, it } from "vitest";
import { defineBackend, StoredValueError } from "../../../src/framework/index.js";
import {
  InmemStorage,
  StaticSystemView,
  UnsupportedOperationError,
  getJson,
  newRequest,
  putJson,
  type Logger,
  type Operation,
} from "../../../src/logical/index.js";
import type { AwsClients } from "../../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../../src/engines/aws-secrets/context.js";
import { readRootConfig, writeRootConfig } from "../../../src/engines/aws-secrets/config-root-storage.js";
import { ROTATION_MANAGER_UNSUPPORTED } from "../../../src/engines/aws-secrets/config-root-rotation.js";
import {
  configRootPath,
  DEFAULT_USERNAME_TEMPLATE,
  WORKLOAD_IDENTITY_UNSUPPORTED,
} from "../../../src/engines/aws-secrets/path-config-root.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

function harness() {
  const storage = new InmemStorage();
  const system = new StaticSystemView();
  let resets = 0;
  const noAws = (): Promise<never> => Promise.reject(new Error("config/root makes no AWS calls"));
  const clients: AwsClients = { iam: noAws, sts: noAws, freshIam: noAws, reset: () => void (resets += 1) };
  const ctx: AwsSecretsContext = { system, logger: silent, clients, storage, now: () => new Date(0) };
  const backend = defineBackend({ type: "logical", help: "", paths: [configRootPath(ctx)] }, { storage, system, logger: silent, backendUuid: "u", config: {} });
  const request = (operation: Operation, data?: Record<string, unknown>) =>
    backend.handleRequest(newRequest({ operation, path: "config/root", storage, ...(data === undefined ? {} : { data }) }));
  return {
    storage,
    resets: () => resets,
    request,
    read: () => request("read"),
    /** A write as Vault sends it: the existence check picks create or update. */
    write: async (data: Record<string, unknown>) => {
      const { exists } = await backend.handleExistenceCheck(newRequest({ operation: "update", path: "config/root", storage, data }));
      return request(exists ? "update" : "create", data);
    },
    exists: async () => (await backend.handleExistenceCheck(newRequest({ operation: "update", path: "config/root", storage }))).exists,
  };
}

/** Every field a read returns, at the values a create with only access_key and secret_key stores. */
const DEFAULT_READ = {
  access_key: "AKIAEXAMPLE",
  region: "",
  iam_endpoint: "",
  sts_endpoint: "",
  sts_region: "",
  sts_fallback_endpoints: [],
  sts_fallback_regions: [],
  max_retries: -1,
  username_template: DEFAULT_USERNAME_TEMPLATE,
  role_arn: "",
  identity_token_ttl: 0,
  identity_token_audience: "",
  rotation_schedule: "",
  rotation_window: 0,
  rotation_period: 0,
  disable_automated_rotation: false,
};

describe("config/root", () => {
  it("creates with defaults, never reads back the secret and stores upstream's JSON seal-wrapped", async () => {
    const h = harness();
    expect(await h.exists()).toBe(false);
    expect(await h.read()).toBeUndefined();
    expect(await h.write({ access_key: "AKIAEXAMPLE", secret_key: "RandomData" })).toBeUndefined();
    expect(await h.exists()).toBe(true);
    expect((await h.read())?.data).toEqual(DEFAULT_READ);
    expect(JSON.stringify(await h.read())).not.toContain("RandomData");
    expect(await getJson(h.storage, "config/root")).toEqual({
      identity_token_ttl: 0,
      identity_token_audience: "",
      rotation_schedule: "",
      rotation_window: 0,
      rotation_period: 0,
      disable_automated_rotation: false,
      access_key: "AKIAEXAMPLE",
      secret_key: "RandomData",
      iam_endpoint: "",
      sts_endpoint: "",
      sts_region: "",
      sts_fallback_endpoints: [],
      sts_fallback_regions: [],
      region: "",
      max_retries: -1,
      username_template: DEFAULT_USERNAME_TEMPLATE,
      role_arn: "",
    });
    expect((await h.storage.get("config/root"))?.sealWrap).toBe(true);
    expect(h.resets()).toBe(1);
  });

  it("reads back upstream's full create request as upstream's test expects", async () => {
    const h = harness();
    const body = {
      access_key: "AKIAEXAMPLE",
      secret_key: "RandomData",
      region: "us-west-2",
      iam_endpoint: "https://iam.amazonaws.com",
      sts_endpoint: "https://sts.us-west-2.amazonaws.com",
      sts_region: "",
      sts_fallback_endpoints: [],
      sts_fallback_regions: [],
      role_arn: "",
      identity_token_audience: "",
      identity_token_ttl: 0,
      rotation_schedule: "",
      rotation_period: 0,
      rotation_window: 0,
      disable_automated_rotation: false,
    };
    expect(await h.request("create", body)).toBeUndefined();
    const expected: Record<string, unknown> = { ...body, max_retries: -1, username_template: DEFAULT_USERNAME_TEMPLATE };
    delete expected["secret_key"];
    expect((await h.read())?.data).toEqual(expected);
  });

  it("merges an update into the stored entry and keeps the secret, but resets username_template", async () => {
    const h = harness();
    await h.write({ access_key: "AKIAEXAMPLE", secret_key: "RandomData", region: "eu-west-1", max_retries: 3, username_template: "custom-{{ .PolicyName }}" });
    await h.write({ iam_endpoint: "http://localhost:5000", sts_fallback_endpoints: "a,b", sts_fallback_regions: ["r1", "r2"] });
    expect((await h.read())?.data).toEqual({
      ...DEFAULT_READ,
      region: "eu-west-1",
      max_retries: 3,
      // Upstream reads username_template with Get, not GetOk: a write without it stores the default.
      username_template: DEFAULT_USERNAME_TEMPLATE,
      iam_endpoint: "http://localhost:5000",
      sts_fallback_endpoints: ["a", "b"],
      sts_fallback_regions: ["r1", "r2"],
    });
    expect((await readRootConfig(h.storage))?.secretKey).toBe("RandomData");
    expect(h.resets()).toBe(2);
  });

  it.each([
    ["an empty template on create", [{ username_template: "" }], DEFAULT_USERNAME_TEMPLATE],
    ["an empty template on update", [{ username_template: "x" }, { username_template: "" }], DEFAULT_USERNAME_TEMPLATE],
    ["a custom template reset by an update without one", [{ username_template: "x" }, { region: "r" }], DEFAULT_USERNAME_TEMPLATE],
    ["a custom template sent again with an update", [{ username_template: "x" }, { region: "r", username_template: "x" }], "x"],
  ])("stores %s as expected", async (_name, writes, template) => {
    const h = harness();
    for (const body of writes) expect(await h.write(body)).toBeUndefined();
    expect((await h.read())?.data?.["username_template"]).toBe(template);
  });

  it("treats an update that finds nothing stored like a create (defaults applied)", async () => {
    const h = harness();
    await h.request("update", { access_key: "AKIA" });
    expect((await h.read())?.data).toEqual({ ...DEFAULT_READ, access_key: "AKIA" });
  });

  it("keeps max_retries on update unless sent, and accepts 0", async () => {
    const h = harness();
    await h.write({ region: "r" });
    await h.write({ region: "s" });
    expect((await h.read())?.data?.["max_retries"]).toBe(-1);
    await h.write({ max_retries: 0 });
    expect((await h.read())?.data?.["max_retries"]).toBe(0);
  });

  it.each([
    ["fallback lists of different lengths", [{ sts_fallback_endpoints: "1.1.1.1,8.8.8.8", sts_fallback_regions: "zone-1" }], "fallback endpoints and fallback regions must be the same length"],
    ["a fallback list that no longer matches the stored one", [{ sts_fallback_endpoints: "a,b", sts_fallback_regions: "x,y" }, { sts_fallback_regions: "x" }], "fallback endpoints and fallback regions must be the same length"],
    ["access_key with identity_token_audience", [{ access_key: "AKIA", identity_token_audience: "aud", role_arn: "arn" }], "only one of 'access_key' or 'identity_token_audience' can be set"],
    ["identity_token_audience without role_arn", [{ identity_token_audience: "aud" }], "missing required 'role_arn' when 'identity_token_audience' is set"],
    ["plugin workload identity", [{ identity_token_audience: "test-aud", role_arn: "test-role-arn", identity_token_ttl: 10 }], WORKLOAD_IDENTITY_UNSUPPORTED],
    ["a rotation schedule", [{ access_key: "a", secret_key: "s", rotation_schedule: "*/1 * * * *", rotation_window: 120 }], ROTATION_MANAGER_UNSUPPORTED],
    ["a rotation period", [{ rotation_period: "1h" }], ROTATION_MANAGER_UNSUPPORTED],
    ["schedule and period together", [{ rotation_schedule: "0 0 * * *", rotation_period: 60 }], "mutually exclusive fields rotation_schedule and rotation_period were both specified; only one of them can be provided"],
    ["a window with a period", [{ rotation_window: 3600, rotation_period: 60 }], "rotation_window does not apply to period"],
    ["a window without a schedule", [{ rotation_window: 3600 }], "cannot use rotation_window without rotation_schedule"],
  ])("rejects %s with upstream's text and stores nothing new", async (_name, writes, message) => {
    const h = harness();
    const last = writes.at(-1) ?? {};
    for (const body of writes.slice(0, -1)) expect(await h.write(body)).toBeUndefined();
    const before = await getJson(h.storage, "config/root");
    const resets = h.resets();
    expect(await h.write(last)).toEqual({ data: { error: message } });
    expect(await getJson(h.storage, "config/root")).toEqual(before);
    expect(h.resets()).toBe(resets);
  });

  it("rejects a value that does not parse as its field's type (400 on the write, user error on the existence check)", async () => {
    const h = harness();
    const reason = `error converting input for field "max_retries": cannot parse '' as int: strconv.ParseInt: parsing "many": invalid syntax`;
    expect(await h.request("create", { max_retries: "many" })).toEqual({ data: { error: `Field validation failed: ${reason}` } });
    await expect(h.write({ max_retries: "many" })).rejects.toThrow(reason);
    expect(await h.storage.list("")).toEqual([]);
  });

  it.each([
    ["a range over a billion", "{{range 1000000000}}x{{end}}", "unable to apply template: template evaluation exceeds the limit of 10000 steps"],
    ["a huge printf width", '{{printf "%99999999s" "x"}}', "unable to apply template: template produces a value longer than the limit of 16384 bytes (printf width 99999999)"],
    ["nesting deeper than 100", `${"{{if 1}}".repeat(101)}{{end}}`, "unable to initialize username template: unable to parse template: template nests blocks deeper than the limit of 100"],
  ])("refuses a username_template over a template limit already at the write (%s), naming the limit", async (_name, template, reason) => {
    const h = harness();
    const answer = await h.write({ username_template: template });
    expect(answer?.data?.["error"]).toMatch(/^username_template: (failed to generate username|unable to initialize)/);
    expect(answer?.data?.["error"]).toContain(reason);
    expect(await h.storage.list("")).toEqual([]);
  });

  it("stores, as upstream does, a template that fails for other reasons: creds reads report those", async () => {
    const h = harness();
    expect(await h.write({ username_template: "{{.NoSuchField}}" })).toBeUndefined();
    expect(await h.write({ username_template: "{{ unclosed" })).toBeUndefined();
    // A hostile branch the dry run does not take is stored; the limits apply at creds time.
    expect(await h.write({ username_template: '{{if eq .PolicyName "evil"}}{{range 1000000000}}x{{end}}{{end}}vault-{{random 8}}' })).toBeUndefined();
  });

  it.each([
    ["four fields", "* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
    ["six fields", "0 0 2 * * *", "expected exactly 5 fields, found 6: [0 0 2 * * *]"],
    ["a descriptor", "@daily", "parser does not accept descriptors: @daily"],
    ["a minute above 59", "61 * * * *", "end of range (61) above maximum (59): 61"],
    ["a day of month of 0", "* * 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["a word", "x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ["a leading hyphen", "-1 * * * *", 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ["a reversed range", "5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"],
    ["a zero step", "*/0 * * * *", "step of range should be a positive number: */0"],
    ["two hyphens", "1-2-3 * * * *", "too many hyphens: 1-2-3"],
    ["two slashes", "1/2/3 * * * *", "too many slashes: 1/2/3"],
    ["an unknown month name", "* * * foo *", 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
    ["an unknown time zone", "TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"],
  ])("rejects a rotation_schedule with %s as robfig/cron does", async (_name, schedule, reason) => {
    const h = harness();
    expect(await h.write({ rotation_schedule: schedule })).toEqual({ data: { error: `failed to parse provided rotation_schedule: ${reason}` } });
  });

  it.each([["0 0 * * *"], ["*/15 1-5 1,15 jan-Mar MON-fri"], ["TZ=Europe/Berlin 30 2 * * sun"], ["CRON_TZ=UTC 0 12 ? * *"]])(
    "accepts the valid schedule %j as far as CE goes (the registration is refused)",
    async (schedule) => {
      const h = harness();
      expect(await h.write({ rotation_schedule: schedule })).toEqual({ data: { error: ROTATION_MANAGER_UNSUPPORTED } });
    },
  );

  it("stores rotation settings that CE only deregisters, and reads them back in seconds", async () => {
    const h = harness();
    const body = { rotation_schedule: "0 * * * *", rotation_window: "2h", disable_automated_rotation: true };
    expect(await h.write(body)).toBeUndefined();
    expect((await h.read())?.data).toMatchObject({ ...body, rotation_window: 7200, rotation_period: 0 });
    expect(await getJson(h.storage, "config/root")).toMatchObject({ rotation_window: 7_200_000_000_000, disable_automated_rotation: true });
  });

  it("ignores rotation_policy: Vault 1.21 CE has no such field (and, answering nothing, no warning either)", async () => {
    const h = harness();
    expect(await h.write({ access_key: "AKIA", rotation_policy: "p" })).toBeUndefined();
    expect((await h.read())?.data).toEqual({ ...DEFAULT_READ, access_key: "AKIA" });
    expect(await getJson(h.storage, "config/root")).not.toHaveProperty("rotation_policy");
  });

  it("drops a rotation_policy stored by a newer Vault when it rewrites the entry, as Vault 1.21 CE does", async () => {
    const h = harness();
    await putJson(h.storage, "config/root", { access_key: "A", secret_key: "S", rotation_policy: "p", username_template: "t" });
    expect((await h.read())?.data).not.toHaveProperty("rotation_policy");
    await h.write({ username_template: "t" });
    expect(await getJson(h.storage, "config/root")).not.toHaveProperty("rotation_policy");
  });

  it("stores role_arn and identity_token_ttl alone (no audience, so no identity token is needed)", async () => {
    const h = harness();
    expect(await h.write({ role_arn: "arn:aws:iam::1:role/r", identity_token_ttl: "2h" })).toBeUndefined();
    expect((await h.read())?.data).toMatchObject({ role_arn: "arn:aws:iam::1:role/r", identity_token_ttl: 7200, identity_token_audience: "" });
  });

  it("reads an entry written by the Go engine, with members missing or null", async () => {
    const h = harness();
    await putJson(h.storage, "config/root", { access_key: "AKIAGO", secret_key: "s", region: "us-east-2", sts_fallback_endpoints: null, username_template: "" });
    expect((await h.read())?.data).toEqual({ ...DEFAULT_READ, access_key: "AKIAGO", region: "us-east-2", max_retries: 0, username_template: "" });
    // The next write stores the default template, as upstream does for an empty one.
    await h.write({ region: "us-west-1" });
    expect((await h.read())?.data).toMatchObject({ username_template: DEFAULT_USERNAME_TEMPLATE, max_retries: 0 });
  });

  it("keeps stored rotation settings across writeRootConfig of a config read back", async () => {
    const h = harness();
    await putJson(h.storage, "config/root", { access_key: "A", secret_key: "S", rotation_schedule: "0 * * * *", disable_automated_rotation: true });
    const config = await readRootConfig(h.storage);
    if (config === undefined) throw new Error("expected a config");
    await writeRootConfig(h.storage, { ...config, accessKey: "B" });
    expect(await getJson(h.storage, "config/root")).toMatchObject({ access_key: "B", rotation_schedule: "0 * * * *", disable_automated_rotation: true });
  });

  it("fails (500) on a stored entry of the wrong shape, naming the key", async () => {
    const h = harness();
    await putJson(h.storage, "config/root", { access_key: 42 });
    await expect(h.read()).rejects.toThrow(StoredValueError);
    await expect(h.read()).rejects.toThrow(/config\/root.*access_key/);
  });

  it("refuses delete as an unsupported operation (405)", async () => {
    const h = harness();
    await expect(h.request("delete")).rejects.toThrow(UnsupportedOperationError);
  });

  it("describes the fields in path help", async () => {
    const h = harness();
    const help = String((await h.request("help"))?.data?.["help"]);
    expect(help).toMatch(/access_key \(string\)/);
    expect(help).toMatch(/sts_fallback_endpoints \(slice\)/);
    expect(help).toMatch(/max_retries \(int\)/);
  });
});
