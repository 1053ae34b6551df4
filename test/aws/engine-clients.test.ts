// createAwsClients' caching contract, with a stub readConnection: building an IAM client makes
// no request, and an STS build against a closed 127.0.0.1 port fails fast, so no emulator is needed.
import net from "node:net";
import { describe, expect, it } from "vitest";
import { connectionOf, createAwsClients, SdkIamApi } from "../../src/engines/aws-secrets/clients.js";
import type { RootConfig } from "../../src/engines/aws-secrets/model.js";
import { InmemStorage, type Storage } from "../../src/logical/index.js";
import { closedPort } from "../helpers/failing-aws.js";


function rootConfig(over: Partial<RootConfig> = {}): RootConfig {
  return {
    accessKey: "AKIAEXAMPLE",
    secretKey: "secret",
    region: "eu-west-1",
    iamEndpoint: "http://127.0.0.1:9",
    stsEndpoint: "",
    stsRegion: "",
    stsFallbackEndpoints: [],
    stsFallbackRegions: [],
    maxRetries: 0,
    usernameTemplate: "",
    roleArn: "",
    identityTokenAudience: "",
    identityTokenTtl: 0n,
    ...over,
  };
}

/** A readConnection that counts its calls and can be told to fail. */
function stubReader(config: () => RootConfig | undefined) {
  const seen: Storage[] = [];
  let failNext = false;
  return {
    seen,
    failOnce() {
      failNext = true;
    },
    read: async (storage: Storage): Promise<RootConfig | undefined> => {
      seen.push(storage);
      await new Promise((r) => setImmediate(r)); // a real storage read is asynchronous too
      if (failNext) {
        failNext = false;
        throw new Error("storage unavailable");
      }
      return config();
    },
  };
}

describe("createAwsClients", () => {
  it("shares one IAM build between concurrent first callers and caches it", async () => {
    const storage = new InmemStorage();
    const reader = stubReader(() => rootConfig());
    const clients = createAwsClients({ storage, readConnection: reader.read, env: {} });
    const [a, b] = await Promise.all([clients.iam(), clients.iam()]);
    expect(a).toBe(b);
    expect(await clients.iam()).toBe(a);
    expect(reader.seen).toEqual([storage]);
    expect(a).toBeInstanceOf(SdkIamApi);
    expect(await (a as SdkIamApi).client.config.region()).toBe("eu-west-1");
  });

  it("rebuilds from the then-stored config after reset()", async () => {
    let region = "eu-west-1";
    const reader = stubReader(() => rootConfig({ region }));
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
    const first = await clients.iam();
    region = "ap-southeast-2";
    expect(await clients.iam()).toBe(first);
    clients.reset();
    const second = (await clients.iam()) as SdkIamApi;
    expect(second).not.toBe(first);
    expect(await second.client.config.region()).toBe("ap-southeast-2");
    expect(reader.seen).toHaveLength(2);
  });

  it("freshIam() builds a new, uncached client on every call", async () => {
    const reader = stubReader(() => rootConfig());
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
    const cached = await clients.iam();
    const f1 = await clients.freshIam();
    const f2 = await clients.freshIam();
    expect(new Set([cached, f1, f2]).size).toBe(3);
    expect(await clients.iam()).toBe(cached);
    expect(reader.seen).toHaveLength(3);
  });

  it("does not cache a failed build: the next call tries again", async () => {
    const reader = stubReader(() => rootConfig());
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
    reader.failOnce();
    await expect(clients.iam()).rejects.toThrow("storage unavailable");
    const api = await clients.iam();
    expect(await clients.iam()).toBe(api);
    expect(reader.seen).toHaveLength(2);
  });

  it("shares one STS build (probe included) and forgets it when every endpoint failed", async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const reader = stubReader(() => rootConfig({ stsEndpoint: dead }));
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
    const results = await Promise.allSettled([clients.sts(), clients.sts()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(reader.seen).toHaveLength(1);
    await expect(clients.sts()).rejects.toMatchObject({ kind: "internal", message: expect.stringContaining(`could not obtain sts client: ${dead}`) as unknown });
    expect(reader.seen).toHaveLength(2);
  });

  it("a reset() during a build leaves the new slot to the next caller", async () => {
    const reader = stubReader(() => rootConfig());
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
    const inFlight = clients.iam();
    clients.reset();
    const next = clients.iam();
    expect(await inFlight).not.toBe(await next);
    expect(await clients.iam()).toBe(await next);
  });

  it("uses upstream's defaults when no config/root is stored", async () => {
    expect(connectionOf(undefined)).toMatchObject({ accessKey: "", secretKey: "", region: "", maxRetries: -1 });
    const clients = createAwsClients({ storage: new InmemStorage(), readConnection: async () => undefined, env: { AWS_DEFAULT_REGION: "us-west-1" } });
    const api = (await clients.iam()) as SdkIamApi;
    expect(await api.client.config.region()).toBe("us-west-1");
  });
});

describe("a request's AbortSignal on the SDK calls", () => {
  it("iam(signal) shares the cached SDK client, and aborting the signal stops a call AWS has not answered", async () => {
    // An endpoint that accepts the request and never answers, as a slow AWS would.
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const reader = stubReader(() => rootConfig({ iamEndpoint: `http://127.0.0.1:${port}` }));
      const clients = createAwsClients({ storage: new InmemStorage(), readConnection: reader.read, env: {} });
      const controller = new AbortController();
      const plain = (await clients.iam()) as SdkIamApi;
      const bound = (await clients.iam(controller.signal)) as SdkIamApi;
      expect(bound).not.toBe(plain);
      expect(bound.client).toBe(plain.client);
      const started = Date.now();
      const pending = bound.createUser({ UserName: "u" });
      setTimeout(() => controller.abort(new Error("the host cancelled the call")), 100);
      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("AbortError");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
