// A bounded sample of the in-process fuzz suite (test/fuzz) through a real OpenBao: the same
// generated requests over HTTP to dist/vault-plugin-secrets-aws, with AWS played by moto on
// loopback. Checked: no 5xx, every error text readable, a read and list after each accepted write,
// and at the end every entry of the mount's storage (through sys/raw) in upstream's layout.
// Steps that would point the engine at another AWS endpoint (config/root's endpoint and region
// fields) are left to the in-process suite: here every AWS call must stay on this machine.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { awsSecretsProfile } from "../fuzz/aws-secrets-profile.js";
import { DEFAULT_SEED } from "../fuzz/fuzz-run.js";
import { errorTextProblem, storageEntryProblem } from "../fuzz/lib/checks.js";
import { stepArbitrary, type Step } from "../fuzz/lib/driver.js";
import { fillShape } from "../fuzz/lib/path-shapes.js";
import type { FieldSchemas, PathSpec } from "../../src/framework/index.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { type DevServer, type HttpResult, registerAndMount, requireDistFile, started, startServer } from "./lib.js";

/** Requests sent in all (the sample's bound). */
const REQUESTS = 200;
const MOUNT = "fuzz";
/** Fields that choose where the engine connects: never fuzzed against a real server. */
const ENDPOINT_FIELDS = new Set(["iam_endpoint", "sts_endpoint", "sts_fallback_endpoints", "sts_fallback_regions", "region", "sts_region"]);

let moto: MotoServer | undefined;
let server: DevServer | undefined;

const srv = started<DevServer>(() => server, "server");

const METHOD: Record<string, string> = { read: "GET", list: "LIST", write: "POST", delete: "DELETE", patch: "PATCH" };

/** The URL path of a request path: captures as a client would send them, encoded or raw. */
function urlPath(path: string, encode: boolean): string {
  const encoded = encode ? path.split("/").map(encodeURIComponent).join("/") : encodeURI(path);
  return `/v1/${MOUNT}/${encoded}`;
}

function problemsOf(what: string, res: HttpResult, fieldNames: readonly string[], input: unknown): string[] {
  const problems: string[] = [];
  // The one 500 Vault's own engines give for bad input: a field that does not parse, on a path
  // with an existence check (the framework's HandleExistenceCheck raises a user error, which
  // Vault's HTTP layer answers with 500). The in-process suite checks the same exemption.
  const existenceCheckParse = res.status === 500 && (res.json?.errors ?? []).every((e) => /error converting input for field /.test(e));
  if (res.status >= 500 && !existenceCheckParse) problems.push(`${what}: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
  if (res.text !== "" && res.json === null) problems.push(`${what}: body is not JSON: ${res.text.slice(0, 200)}`);
  for (const error of res.json?.errors ?? []) {
    // Vault's own answers (no handler, unsupported operation) name no field; the engine's do.
    const text = errorTextProblem(error, { fieldNames, inputText: JSON.stringify(input) ?? "", problems: [...(awsSecretsProfile.problems ?? []), /./] });
    if (text !== undefined) problems.push(`${what}: ${text}`);
  }
  return problems;
}

describe("fuzz: aws-secrets through OpenBao (a bounded sample)", () => {
  beforeAll(async () => {
    moto = await startMoto({ sigv4: true });
    const iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.rootCredentials });
    for (const name of awsSecretsProfile.names) await iam.send(new CreateUserCommand({ UserName: name }));
    iam.destroy();
    server = await startServer({ startTimeoutMs: 60_000, rawStorage: true });
    await registerAndMount(server, { file: requireDistFile("vault-plugin-secrets-aws"), type: "secret", name: "aws", mountPath: MOUNT });
    const { accessKeyId, secretAccessKey } = moto.rootCredentials;
    const root = await srv().http("POST", `/v1/${MOUNT}/config/root`, {
      access_key: accessKeyId, secret_key: secretAccessKey, region: "us-east-1", iam_endpoint: moto.endpoint, sts_endpoint: moto.endpoint, max_retries: 0,
    });
    expect(root.status, root.text).toBeLessThan(300);
  }, MOTO_START_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    await moto?.stop();
  }, 60_000);

  it(`answers ${REQUESTS} generated requests without a 5xx and stores only upstream's layout`, async () => {
    const { backend } = await awsSecretsProfile.create();
    const paths = backend.spec.paths as PathSpec<FieldSchemas>[];
    const allFields = [...new Set(paths.flatMap((p) => Object.keys(p.fields)))];
    const safe = (step: Step): boolean => step.kind === "path" && !Object.keys(step.data).some((name) => ENDPOINT_FIELDS.has(name));
    const steps = fc.sample(fc.tuple(stepArbitrary(awsSecretsProfile, backend).filter(safe), fc.boolean()), { seed: Number(process.env["VNP_FUZZ_SEED"] ?? DEFAULT_SEED), numRuns: REQUESTS * 2 });

    // Requests to the engine's own config/root keep moto's endpoints: only its other fields.
    const preamble = (awsSecretsProfile.preamble ?? []).filter((p) => p.path !== "config/root");
    for (const { path, data } of preamble) {
      const res = await srv().http("POST", `/v1/${MOUNT}/${path}`, data);
      expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
    }

    const problems: string[] = [];
    let sent = 0;
    for (const [step, encode] of steps) {
      if (sent >= REQUESTS || problems.length > 0) break;
      if (step.kind !== "path") continue;
      const spec = paths[step.path];
      if (spec === undefined) continue;
      const path = fillShape(step.shape, step.captures);
      const url = urlPath(path, encode);
      const method = METHOD[step.verb] ?? "GET";
      const body = method === "GET" || method === "LIST" || method === "DELETE" ? undefined : step.data;
      const what = `${method} ${url} ${JSON.stringify(body)?.slice(0, 500) ?? ""}`;
      sent += 1;
      const headers = method === "PATCH" ? { headers: { "Content-Type": "application/merge-patch+json" } } : {};
      const res = await srv().http(method, url, body, headers);
      problems.push(...problemsOf(what, res, allFields, body));
      if (res.status >= 300 || (method !== "POST" && method !== "PATCH")) continue;
      // After an accepted write: the same path reads back, and every list answers.
      if (spec.operations.read !== undefined) {
        sent += 1;
        problems.push(...problemsOf(`${what}, then GET`, await srv().http("GET", url), allFields, {}));
      }
      for (const list of ["roles/", "static-roles/"]) {
        sent += 1;
        problems.push(...problemsOf(`${what}, then LIST ${list}`, await srv().http("LIST", `/v1/${MOUNT}/${list}`), allFields, {}));
      }
    }
    expect(problems, `seed ${process.env["VNP_FUZZ_SEED"] ?? DEFAULT_SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);

    // Every entry the engine left, read raw from OpenBao's storage.
    const mounts = await srv().http("GET", "/v1/sys/mounts");
    const uuid = (mounts.json as { data: Record<string, { uuid: string }> }).data[`${MOUNT}/`]?.uuid ?? "";
    const base = `/v1/sys/raw/logical/${uuid}/`;
    const walk = async (prefix: string): Promise<string[]> => {
      const listed = await srv().http("LIST", base + prefix);
      const keys = (listed.json?.data?.["keys"] as string[] | undefined) ?? [];
      const nested = await Promise.all(keys.map((k) => (k.endsWith("/") ? walk(prefix + k) : Promise.resolve([prefix + k]))));
      return nested.flat();
    };
    const keys = await walk("");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const read = await srv().http("GET", base + key);
      const value = (read.json?.data?.["value"] as string | undefined) ?? "";
      expect(storageEntryProblem(key, Buffer.from(value, "utf8"), awsSecretsProfile.layouts), key).toBeUndefined();
    }
  }, 300_000);
});
