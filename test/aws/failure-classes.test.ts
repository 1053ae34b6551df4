// AWS failures classified once: the client limits (timeouts, a retry budget) and the class, status
// and message shape of each failure, for every credential type. The failures are real: a closed
// loopback port, a loopback server that accepts and never answers, and one that answers with AWS's
// error XML (test/helpers/failing-aws.ts).
import { GetUserCommand } from "@aws-sdk/client-iam";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { attemptLimitMs, CALL_BUDGET_MS, createIamClient, createStsClient, DEFAULT_CALL_TIMEOUTS, iamClientConfig, type CallTimeouts } from "../../src/aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, type AwsConnectionConfig } from "../../src/aws/config.js";
import { AwsApiError, awsIssuanceFailure, classifyAwsError } from "../../src/aws/errors.js";
import { BudgetedRetryStrategy } from "../../src/aws/retry-budget.js";
import { createAwsSecretsBackend } from "../../src/engines/aws-secrets/index.js";
import { InmemStorage, LogicalError, newRequest, StaticSystemView, type Backend, type Logger } from "../../src/logical/index.js";
import { closedPort, type FailingAws, type FailingAwsMode, failure, startFailingAws } from "../helpers/failing-aws.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

const servers: FailingAws[] = [];
async function failingAws(mode: FailingAwsMode): Promise<FailingAws> {
  const server = await startFailingAws(mode);
  servers.push(server);
  return server;
}

beforeEach(() => {
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  for (const name of ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_REGION"]) vi.stubEnv(name, undefined);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const conn = (endpoint: string, over: Partial<AwsConnectionConfig> = {}): AwsConnectionConfig => ({
  ...DEFAULT_CONNECTION_CONFIG,
  accessKey: "AKIAEXAMPLE",
  secretKey: "secret",
  region: "us-east-1",
  iamEndpoint: endpoint,
  stsEndpoint: endpoint,
  ...over,
});


describe("client limits", () => {
  it("every client has the documented socket limits, fails a late answer and bounds retries by the call budget", () => {
    const settings = iamClientConfig(conn("http://127.0.0.1:1"));
    expect(settings.requestHandler).toEqual({ connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true, socketTimeout: 10_000 });
    expect(settings.maxAttempts).toBe(3);
    expect(settings.retryStrategy).toBeInstanceOf(BudgetedRetryStrategy);
    expect(iamClientConfig(conn("http://127.0.0.1:1", { maxRetries: 0 })).maxAttempts).toBe(1);
    // The worst call (a retry started just within the budget, then a whole attempt) ends before Vault's 90 s.
    expect(CALL_BUDGET_MS).toBeLessThanOrEqual(60_000);
    expect(attemptLimitMs(DEFAULT_CALL_TIMEOUTS)).toBe(33_000);
    expect(attemptLimitMs(DEFAULT_CALL_TIMEOUTS)).toBeLessThan(CALL_BUDGET_MS);
  });
});

describe("BudgetedRetryStrategy", () => {
  const transient = { errorType: "TRANSIENT" as const };
  function strategy(limits: { maxAttempts: number; attemptMs: number; budgetMs: number }) {
    let now = 0;
    const s = new BudgetedRetryStrategy(limits, () => now, () => 0.5);
    return { s, advance: (ms: number) => (now += ms) };
  }

  it("retries throttling and transient failures up to maxAttempts", async () => {
    const { s } = strategy({ maxAttempts: 3, attemptMs: 1, budgetMs: 1_000_000 });
    let token = await s.acquireInitialRetryToken();
    token = await s.refreshRetryTokenForRetry(token, transient);
    token = await s.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
    expect(token.getRetryCount()).toBe(2);
    await expect(s.refreshRetryTokenForRetry(token, transient)).rejects.toThrow("not retried");
  });

  it("does not retry client or plain server errors", async () => {
    const { s } = strategy({ maxAttempts: 3, attemptMs: 1, budgetMs: 1_000_000 });
    const token = await s.acquireInitialRetryToken();
    await expect(s.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR" })).rejects.toThrow("not retried");
    await expect(s.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR" })).rejects.toThrow("not retried");
  });

  it("starts a retry only when a whole attempt still fits in the budget", async () => {
    const { s, advance } = strategy({ maxAttempts: 10, attemptMs: 30_000, budgetMs: 55_000 });
    let token = await s.acquireInitialRetryToken();
    advance(20_000); // a hung first attempt
    token = await s.refreshRetryTokenForRetry(token, transient);
    expect(token.getRetryDelay()).toBe(50); // full jitter over 100 ms
    advance(20_000); // a hung second attempt
    await expect(s.refreshRetryTokenForRetry(token, transient)).rejects.toThrow("no time left");
  });

  it("honours a Retry-After hint, up to 5 s beyond its own delay", async () => {
    const { s } = strategy({ maxAttempts: 3, attemptMs: 1, budgetMs: 1_000_000 });
    const token = await s.acquireInitialRetryToken();
    const next = await s.refreshRetryTokenForRetry(token, { errorType: "THROTTLING", retryAfterHint: new Date(60_000) });
    expect(next.getRetryDelay()).toBe(250 + 5_000);
  });
});

describe("a hung endpoint fails in bounded time", () => {
  // Connecting to loopback is instant; a generous connection limit keeps a loaded machine's stalls
  // from turning "never answers" into "could not connect".
  const short: CallTimeouts = { connectionMs: 1_000, requestMs: 300, socketMs: 200, budgetMs: 1_500 };

  it("as timed out, after the attempts that fit in the budget", async () => {
    const hung = await failingAws({ kind: "hang" });
    const client = await createIamClient(conn(hung.endpoint), { timeouts: short });
    const started = Date.now();
    const err = await failure(client.send(new GetUserCommand({})));
    const elapsed = Date.now() - started;
    client.destroy();
    const classified = classifyAwsError(err, "IAM GetUser");
    expect(classified).toMatchObject({ kind: "internal", failure: "timed_out" });
    expect(classified.message).toMatch(/^IAM GetUser: AWS did not answer in time: .*(200 ms of inactivity|300 ms requestTimeout).* \(3 attempts\)$/);
    expect(elapsed).toBeLessThan(short.budgetMs);
    expect(hung.actions.length).toBe(3);
  });

  it("stops retrying when the budget would be exceeded", async () => {
    const hung = await failingAws({ kind: "hang" });
    const client = await createIamClient(conn(hung.endpoint, { maxRetries: 10 }), { timeouts: { ...short, budgetMs: 1_000 } });
    const started = Date.now();
    const err = await failure(client.send(new GetUserCommand({})));
    const elapsed = Date.now() - started;
    client.destroy();
    // 11 attempts were allowed; the budget stops them after two or three (the backoff is jittered,
    // so whether a third still fits varies from run to run).
    const attempts = Number(/ \((\d+) attempts\)$/.exec(classifyAwsError(err, "IAM GetUser").message)?.[1]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThan(1_000 + 250);
  });

  const FALLBACK_REGIONS = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "us-west-1", "us-west-2", "ap-south-1"];

  it("STS probing of every candidate keeps to one budget", async () => {
    const hung = await failingAws({ kind: "hang" });
    const started = Date.now();
    const err = await failure(
      // Enough fallbacks that trying them all (200 ms each) cannot fit in the 1.5 s budget, however
      // fast the machine: some must be left untried.
      createStsClient(conn(hung.endpoint, { stsFallbackEndpoints: FALLBACK_REGIONS.map(() => hung.endpoint), stsFallbackRegions: FALLBACK_REGIONS }), {
        timeouts: short,
      }),
    );
    expect(Date.now() - started).toBeLessThan(short.budgetMs + 500);
    expect(err).toMatchObject({ kind: "internal", failure: "timed_out" });
    expect((err as Error).message).toMatch(/^could not obtain sts client: .*STS GetCallerIdentity: AWS did not answer in time: .*not tried: the 1.5 s for reaching STS were spent/);
  });
});

describe("classification of real failures", () => {
  it.each([
    ["AccessDenied (403)", { status: 403, code: "AccessDenied", message: "not authorized" }, "user", "denied"],
    ["InvalidClientTokenId (403)", { status: 403, code: "InvalidClientTokenId", message: "bad key" }, "user", "denied"],
    ["NoSuchEntity (404)", { status: 404, code: "NoSuchEntity", message: "no user" }, "user", "not_found"],
    ["EntityAlreadyExists (409)", { status: 409, code: "EntityAlreadyExists", message: "exists" }, "user", "rejected"],
    ["Throttling (400)", { status: 400, code: "Throttling", message: "Rate exceeded" }, "internal", "throttled"],
    ["ServiceFailure (500)", { status: 500, code: "ServiceFailure", message: "boom" }, "internal", "aws_error"],
  ] as const)("%s", async (_name, answer, kind, failureClass) => {
    const aws = await failingAws({ kind: "error", ...answer });
    const client = await createIamClient(conn(aws.endpoint, { maxRetries: 0 }));
    const classified = classifyAwsError(await failure(client.send(new GetUserCommand({}))), "IAM GetUser");
    client.destroy();
    expect(classified).toMatchObject({ kind, failure: failureClass });
    const text = failureClass === "aws_error" ? `IAM GetUser: AWS failed (HTTP 500, ServiceFailure): boom` : `IAM GetUser: ${answer.code}: ${answer.message}`;
    expect(classified.message).toBe(text);
  });

  it("a closed port is unreachable", async () => {
    const client = await createIamClient(conn(`http://127.0.0.1:${await closedPort()}`, { maxRetries: 0 }));
    const classified = classifyAwsError(await failure(client.send(new GetUserCommand({}))), "IAM GetUser");
    expect(classified).toMatchObject({ kind: "internal", failure: "unreachable" });
    expect(classified.message).toMatch(/^IAM GetUser: AWS could not be reached: .*ECONNREFUSED/);
  });

  it("an SDK connection timeout is unreachable, a cancelled call cancelled", () => {
    const connect = Object.assign(new Error("@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms."), { name: "TimeoutError" });
    expect(classifyAwsError(connect, "STS AssumeRole")).toMatchObject({ failure: "unreachable" });
    const aborted = Object.assign(new Error("Request aborted"), { name: "AbortError" });
    expect(classifyAwsError(aborted, "STS AssumeRole")).toMatchObject({ failure: "cancelled", message: "STS AssumeRole: the request was cancelled before AWS answered" });
  });

  it("STS probes that were all throttled are throttling, which creds answer with 502", async () => {
    const aws = await failingAws({ kind: "error", status: 400, code: "Throttling", message: "Rate exceeded", identityToo: true });
    const err = await failure(createStsClient(conn(aws.endpoint, { maxRetries: 0 })));
    expect(err).toMatchObject({ kind: "internal", failure: "throttled" });
    expect(() => awsIssuanceFailure(err)).toThrow(expect.objectContaining({ kind: "upstream-rate-limited" }) as unknown);
  });
});

/** The status Vault would answer a creds request with, and its text. */
async function answer(backend: Backend, storage: InmemStorage, path: string): Promise<{ status: number; text: string }> {
  try {
    const response = await backend.handleRequest(newRequest({ operation: "read", path, storage }));
    const error = response?.data?.["error"];
    return typeof error === "string" ? { status: 400, text: error } : { status: 200, text: "" };
  } catch (err) {
    if (err instanceof LogicalError && err.kind === "upstream-rate-limited") return { status: 502, text: err.message };
    if (err instanceof AwsApiError) return { status: 500, text: err.message };
    throw err;
  }
}

async function mountWithRoles(endpoint: string): Promise<{ backend: Backend; storage: InmemStorage }> {
  const storage = new InmemStorage();
  const backend = await createAwsSecretsBackend({ storage, system: new StaticSystemView(), logger: silent, backendUuid: "u", config: {} });
  const write = (path: string, data: Record<string, unknown>) => backend.handleRequest(newRequest({ operation: "update", path, storage, data }));
  await write("config/root", { access_key: "AKIAEXAMPLE", secret_key: "secret", region: "us-east-1", iam_endpoint: endpoint, sts_endpoint: endpoint, max_retries: 0 });
  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  await write("roles/iam", { credential_type: "iam_user", policy_document: policy });
  await write("roles/assumed", { credential_type: "assumed_role", role_arns: "arn:aws:iam::123456789012:role/r" });
  await write("roles/federation", { credential_type: "federation_token", policy_document: policy });
  return { backend, storage };
}

describe("creds answer each failure class alike, whichever the credential type", () => {
  const CALLS = { iam: "Error creating IAM user: IAM CreateUser", assumed: "Error assuming role: STS AssumeRole", federation: "Error generating STS keys: STS GetFederationToken" };
  const PROBE = (endpoint: string) => `could not obtain sts client: ${endpoint} [us-east-1]: STS GetCallerIdentity`;

  it("unreachable (closed port): 400, '<step>: <call>: AWS could not be reached: …'", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { backend, storage } = await mountWithRoles(endpoint);
    expect(await answer(backend, storage, "creds/iam")).toEqual({ status: 400, text: expect.stringMatching(/^Error creating IAM user: IAM CreateUser: AWS could not be reached: .*ECONNREFUSED/) as unknown });
    for (const role of ["assumed", "federation"]) {
      const got = await answer(backend, storage, `creds/${role}`);
      expect(got.status).toBe(400);
      expect(got.text.startsWith(`${PROBE(endpoint)}: AWS could not be reached: `)).toBe(true);
    }
  });

  it.each([
    ["throttled", { status: 400, code: "Throttling", message: "Rate exceeded" }, 502],
    ["denied", { status: 403, code: "AccessDenied", message: "not authorized" }, 400],
    ["not found", { status: 404, code: "NoSuchEntity", message: "no such role" }, 400],
  ] as const)("%s: the same status and '<step>: <call>: <code>: <message>'", async (_name, fault, status) => {
    const aws = await failingAws({ kind: "error", ...fault });
    const { backend, storage } = await mountWithRoles(aws.endpoint);
    for (const [role, call] of Object.entries(CALLS)) {
      expect(await answer(backend, storage, `creds/${role}`)).toEqual({ status, text: `${call}: ${fault.code}: ${fault.message}` });
    }
  });
});
