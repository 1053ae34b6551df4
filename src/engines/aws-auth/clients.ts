// AWS clients of one mount (features.md B.1, B.4; upstream client.go): EC2 and IAM clients built
// from config/client (static keys or the SDK's default chain, endpoint overrides, max_retries) and,
// for an account with a config/sts/<account> entry, signed with credentials from AssumeRole
// (sts_role, external_id). A client for any other account than Vault's own (learnt once through
// sts:GetCallerIdentity) is refused.
//
// Every cache key holds the account ID, the region and the STS role (and external ID): a key
// without the account let a same-named role of an untrusted account resolve against the trusted
// one (CVE-2025-11621). A cached value is the build's promise, so concurrent first callers share
// one build; a failed build is forgotten so the next call tries again, as upstream rebuilds until
// one succeeds. A caller waits for a shared build only as long as its own request lives.
import type { STSClient } from "@aws-sdk/client-sts";
import { baseConfig, DEFAULT_CALL_TIMEOUTS, retireClient, type CallTimeouts } from "../../aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, fallbackRegion, type AwsConnectionConfig } from "../../aws/config.js";
import { awsFailure, classifyAwsError } from "../../aws/errors.js";
import { loadEc2Sdk, loadIamSdk, loadStsSdk, type StsSdk } from "../../aws/sdk.js";
import { quoteInput } from "../../framework/index.js";
import { UserError, type Logger, type Storage } from "../../logical/index.js";
import type { AwsAuthClients } from "./aws-api.js";
import { clientConfigEntry, stsEntries, type ClientConfig } from "./config-storage.js";
import { call, SdkEc2Api, SdkIamApi, SdkRootKeyIamApi } from "./sdk-apis.js";

export interface CreateAwsAuthClientsOptions {
  storage: Storage;
  logger: Logger;
  /** Environment for the region fallback of Vault's own calls; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time limits of every call; default DEFAULT_CALL_TIMEOUTS (tests shorten them). */
  timeouts?: CallTimeouts;
}

/** Assumed-role credentials are renewed this long before they expire. */
export const ASSUMED_CREDENTIALS_REFRESH_MS = 5 * 60_000;

/** AssumeRole's session length, upstream's (stscreds' default of 15 minutes). */
const ASSUMED_SESSION_SECONDS = 900;

/** An AbortError as the SDK throws it, so that classifyAwsError calls it "cancelled". */
function abortError(action: string): Error {
  const error = new Error(`${action} was cancelled`);
  error.name = "AbortError";
  return error;
}

/**
 * `shared`, awaited only while `signal` is not aborted. A build is shared by concurrent callers,
 * so one caller giving up must not fail it for the others; the build itself is bounded by the
 * call timeouts.
 */
function whileAlive<T>(shared: Promise<T>, signal: AbortSignal | undefined, action: string): Promise<T> {
  if (signal === undefined) return shared;
  if (signal.aborted) return Promise.reject(classifyAwsError(abortError(action), action));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(classifyAwsError(abortError(action), action));
    signal.addEventListener("abort", onAbort, { once: true });
    shared.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** The connection part of config/client that src/aws understands (keys and retries). */
function connectionOf(config: ClientConfig | undefined): AwsConnectionConfig {
  if (config === undefined) return DEFAULT_CONNECTION_CONFIG;
  return { ...DEFAULT_CONNECTION_CONFIG, accessKey: config.access_key, secretKey: config.secret_key, maxRetries: config.max_retries };
}

/** The role Vault assumes for an account; an empty role means Vault's own credentials. */
interface StsTarget {
  role: string;
  externalId: string;
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export function createAwsAuthClients(options: CreateAwsAuthClientsOptions): AwsAuthClients {
  const { storage, logger } = options;
  const env = options.env ?? process.env;
  const timeouts = options.timeouts ?? DEFAULT_CALL_TIMEOUTS;

  const ec2Builds = new Map<string, Promise<SdkEc2Api>>();
  const iamBuilds = new Map<string, Promise<SdkIamApi>>();
  let defaultAccountBuild: Promise<string> | undefined;
  /** Vault's own account, once GetCallerIdentity has answered (upstream's defaultAWSAccountID). */
  let knownDefaultAccount: string | undefined;
  /** SDK clients of the current generation, retired on reset(). */
  let built: { destroy(): void }[] = [];
  let generation = 0;

  const readConfig = (): Promise<ClientConfig | undefined> => clientConfigEntry.get(storage);

  /** Vault's own STS client: sts_endpoint, and sts_region over the client's region. */
  async function ownStsClient(config: ClientConfig | undefined, region: string): Promise<{ client: STSClient; sdk: StsSdk }> {
    const sdk = await loadStsSdk();
    const settings = baseConfig(connectionOf(config), config?.sts_region || region, config?.sts_endpoint || undefined, timeouts);
    const client = new sdk.STSClient(settings);
    built.push(client);
    return { client, sdk };
  }

  /** The caller identity's account, asked once per generation and shared by concurrent callers. */
  function defaultAccount(config: ClientConfig | undefined, region: string): Promise<string> {
    if (defaultAccountBuild !== undefined) return defaultAccountBuild;
    const startedIn = generation;
    const build = (async () => {
      const { client, sdk } = await ownStsClient(config, region);
      let identity;
      try {
        identity = await client.send(new sdk.GetCallerIdentityCommand({}));
      } catch (err) {
        throw awsFailure("unable to fetch current caller", err, "STS GetCallerIdentity");
      }
      if (identity.Account === undefined) throw new Error("got nil result from GetCallerIdentity");
      if (startedIn === generation) knownDefaultAccount = identity.Account;
      return identity.Account;
    })();
    defaultAccountBuild = build;
    build.catch(() => {
      if (defaultAccountBuild === build) defaultAccountBuild = undefined;
    });
    return build;
  }

  /** config/sts/<account>, or the refusal of an account that is known not to be Vault's own. */
  async function stsTargetFor(accountId: string): Promise<StsTarget> {
    let entry;
    try {
      entry = await stsEntries.get(storage, accountId);
    } catch (err) {
      throw new Error(`error fetching STS config for account ID ${quoteInput(accountId)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (entry !== undefined) return { role: entry.sts_role, externalId: entry.external_id ?? "" };
    if (knownDefaultAccount !== undefined && knownDefaultAccount !== accountId) {
      throw new UserError(`no STS configuration found for account ID ${quoteInput(accountId)}`);
    }
    return { role: "", externalId: "" };
  }

  /**
   * A credential provider over AssumeRole, renewed shortly before expiry. The first AssumeRole
   * happens at build time, as upstream checks that the role can be assumed before caching.
   */
  async function assumedCredentials(config: ClientConfig | undefined, region: string, target: StsTarget): Promise<() => Promise<TemporaryCredentials>> {
    const { client, sdk } = await ownStsClient(config, region);
    const assume = async (): Promise<TemporaryCredentials> => {
      const output = await call("STS AssumeRole", () =>
        client.send(
          new sdk.AssumeRoleCommand({
            RoleArn: target.role,
            RoleSessionName: `${Date.now()}000000`,
            DurationSeconds: ASSUMED_SESSION_SECONDS,
            ...(target.externalId !== "" && { ExternalId: target.externalId }),
          }),
        ),
      );
      const creds = output.Credentials;
      if (creds?.AccessKeyId === undefined || creds.SecretAccessKey === undefined || creds.SessionToken === undefined) {
        throw new Error("AssumeRole returned no credentials");
      }
      return {
        accessKeyId: creds.AccessKeyId,
        secretAccessKey: creds.SecretAccessKey,
        sessionToken: creds.SessionToken,
        expiration: creds.Expiration ?? new Date(Date.now() + ASSUMED_SESSION_SECONDS * 1000),
      };
    };
    // Renewed when less than the refresh margin is left — or half the lifetime STS granted, for
    // sessions too short for the margin — so that concurrent calls share one AssumeRole.
    const renewAt = (creds: TemporaryCredentials, obtainedAt: number): number => {
      const lifetime = creds.expiration.getTime() - obtainedAt;
      return creds.expiration.getTime() - Math.min(ASSUMED_CREDENTIALS_REFRESH_MS, lifetime / 2);
    };
    const obtain = (): Promise<{ creds: TemporaryCredentials; renewAt: number }> => {
      const obtainedAt = Date.now();
      return assume().then((creds) => ({ creds, renewAt: renewAt(creds, obtainedAt) }));
    };
    let current = obtain();
    await current;
    return async () => {
      const held = await current.catch(() => undefined);
      if (held !== undefined && Date.now() < held.renewAt) return held.creds;
      const next = obtain();
      current = next;
      return (await next).creds;
    };
  }

  /** The settings of an EC2 or IAM client for one (account, region, STS role). */
  async function serviceSettings(region: string, accountId: string, target: StsTarget, endpoint: (c: ClientConfig) => string) {
    const config = await readConfig();
    const settings = baseConfig(connectionOf(config), region, (config && endpoint(config)) || undefined, timeouts);
    if (target.role !== "") {
      settings.credentials = await assumedCredentials(config, region, target);
    } else {
      const account = await defaultAccount(config, region);
      if (account !== accountId) {
        throw new UserError(`unable to fetch client for account ID ${quoteInput(accountId)} -- default client is for account ${quoteInput(account)}`);
      }
    }
    return settings;
  }

  /** The cached build for `key`, or a new one stored under it (in this generation only). */
  function cached<T>(builds: Map<string, Promise<T>>, key: string, build: () => Promise<T>): Promise<T> {
    const existing = builds.get(key);
    if (existing !== undefined) return existing;
    const startedIn = generation;
    const promise = build();
    builds.set(key, promise);
    promise.catch(() => {
      if (startedIn === generation && builds.get(key) === promise) builds.delete(key);
    });
    return promise;
  }

  const keyOf = (accountId: string, region: string, target: StsTarget): string => JSON.stringify([accountId, region, target.role, target.externalId]);

  return {
    async ec2(region, accountId, signal) {
      const target = await stsTargetFor(accountId);
      const api = cached(ec2Builds, keyOf(accountId, region, target), async () => {
        const settings = await serviceSettings(region, accountId, target, (c) => c.endpoint);
        const sdk = await loadEc2Sdk();
        const client = new sdk.EC2Client(settings);
        built.push(client);
        return new SdkEc2Api(client, sdk);
      });
      return (await whileAlive(api, signal, "building the EC2 client")).withSignal(signal);
    },

    async iam(region, accountId, signal) {
      const target = await stsTargetFor(accountId);
      logger.debug(target.role === "" ? "no stsRole found for account" : "found stsRole for account", { accountID: accountId, stsRole: target.role });
      const api = cached(iamBuilds, keyOf(accountId, region, target), async () => {
        const settings = await serviceSettings(region, accountId, target, (c) => c.iam_endpoint);
        const sdk = await loadIamSdk();
        const client = new sdk.IAMClient(settings);
        built.push(client);
        return new SdkIamApi(client, sdk);
      });
      return (await whileAlive(api, signal, "building the IAM client")).withSignal(signal);
    },

    async defaultAccountId(signal) {
      if (knownDefaultAccount !== undefined) return knownDefaultAccount;
      const config = await readConfig();
      return whileAlive(defaultAccount(config, fallbackRegion(env)), signal, "STS GetCallerIdentity");
    },

    async rootKeyIam(signal) {
      const config = await readConfig();
      if (config === undefined || config.access_key === "" || config.secret_key === "") {
        throw new UserError("can't update client config because it's unset");
      }
      // Upstream signs with exactly the stored keys, in the region of the environment, and
      // without max_retries; only iam_endpoint is honoured.
      const settings = baseConfig(
        { ...DEFAULT_CONNECTION_CONFIG, accessKey: config.access_key, secretKey: config.secret_key },
        fallbackRegion(env),
        config.iam_endpoint || undefined,
        timeouts,
      );
      const sdk = await loadIamSdk();
      const client = new sdk.IAMClient(settings);
      retireClient(client);
      return new SdkRootKeyIamApi(client, sdk, signal);
    },

    reset() {
      generation += 1;
      for (const client of built) retireClient(client);
      built = [];
      ec2Builds.clear();
      iamBuilds.clear();
      defaultAccountBuild = undefined;
      knownDefaultAccount = undefined;
    },
  };
}
