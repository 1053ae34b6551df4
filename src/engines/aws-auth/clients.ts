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
import type { EC2Client, Instance } from "@aws-sdk/client-ec2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { STSClient } from "@aws-sdk/client-sts";
import { baseConfig, DEFAULT_CALL_TIMEOUTS, type CallTimeouts } from "../../aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, fallbackRegion, type AwsConnectionConfig } from "../../aws/config.js";
import { awsErrorCode, awsFailure, classifyAwsError } from "../../aws/errors.js";
import { loadEc2Sdk, loadIamSdk, loadStsSdk, type Ec2Sdk, type IamSdk, type StsSdk } from "../../aws/sdk.js";
import { quoteInput } from "../../framework/index.js";
import { UserError, type Logger, type Storage } from "../../logical/index.js";
import type { AwsAuthClients, Ec2Api, Ec2Instance, IamApi, IamInstanceProfile, IamPrincipal, RootKeyIamApi } from "./aws-api.js";
import { clientConfigEntry, stsEntries, type ClientConfig } from "./config-storage.js";

export interface CreateAwsAuthClientsOptions {
  storage: Storage;
  logger: Logger;
  /** Environment for the region fallback of Vault's own calls; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time limits of every call; default DEFAULT_CALL_TIMEOUTS (tests shorten them). */
  timeouts?: CallTimeouts;
}

/**
 * How long a replaced or one-off SDK client lives before its sockets are closed: reset() can come
 * while a request still uses the old client, and no call outlives the socket timeouts.
 */
export const RETIRED_CLIENT_GRACE_MS = 10 * 60_000;

/** Assumed-role credentials are renewed this long before they expire. */
export const ASSUMED_CREDENTIALS_REFRESH_MS = 5 * 60_000;

/** AssumeRole's session length, upstream's (stscreds' default of 15 minutes). */
const ASSUMED_SESSION_SECONDS = 900;

function retire(client: { destroy(): void }): void {
  setTimeout(() => client.destroy(), RETIRED_CLIENT_GRACE_MS).unref();
}

function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}

/** Runs one SDK call; a failure leaves as a classified AwsApiError naming the call. */
async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw classifyAwsError(err, action);
  }
}

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

function tagsOf(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return out;
}

export function ec2InstanceOf(instance: Instance): Ec2Instance {
  return {
    instanceId: instance.InstanceId ?? "",
    state: instance.State?.Name ?? "",
    imageId: instance.ImageId ?? "",
    subnetId: instance.SubnetId ?? "",
    vpcId: instance.VpcId ?? "",
    iamInstanceProfileArn: instance.IamInstanceProfile?.Arn ?? "",
    launchTime: instance.LaunchTime,
    tags: tagsOf(instance.Tags),
    privateDnsName: instance.PrivateDnsName ?? "",
  };
}

/** Ec2Api over an SDK v3 EC2Client. */
export class SdkEc2Api implements Ec2Api {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: EC2Client,
    private readonly sdk: Ec2Sdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  withSignal(signal: AbortSignal | undefined): SdkEc2Api {
    return signal === undefined ? this : new SdkEc2Api(this.client, this.sdk, signal);
  }

  async describeInstance(instanceId: string): Promise<Ec2Instance | undefined> {
    let output;
    try {
      output = await this.client.send(new this.sdk.DescribeInstancesCommand({ InstanceIds: [instanceId] }), this.#send);
    } catch (err) {
      // EC2 answers an unknown ID with an error, not with an empty list.
      if (awsErrorCode(err) === "InvalidInstanceID.NotFound") return undefined;
      throw classifyAwsError(err, "EC2 DescribeInstances");
    }
    const instance = output.Reservations?.[0]?.Instances?.[0];
    return instance === undefined ? undefined : ec2InstanceOf(instance);
  }
}

/** IamApi over an SDK v3 IAMClient. */
export class SdkIamApi implements IamApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: IAMClient,
    private readonly sdk: IamSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  withSignal(signal: AbortSignal | undefined): SdkIamApi {
    return signal === undefined ? this : new SdkIamApi(this.client, this.sdk, signal);
  }

  async getUser(userName: string): Promise<IamPrincipal> {
    const { User: user } = await call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand({ UserName: userName }), this.#send));
    if (user?.Arn === undefined || user.UserId === undefined) throw new Error("got nil result from GetUser");
    return { arn: user.Arn, uniqueId: user.UserId, tags: tagsOf(user.Tags) };
  }

  async getRole(roleName: string): Promise<IamPrincipal> {
    const { Role: role } = await call("IAM GetRole", () => this.client.send(new this.sdk.GetRoleCommand({ RoleName: roleName }), this.#send));
    if (role?.Arn === undefined || role.RoleId === undefined) throw new Error("got nil result from GetRole");
    return { arn: role.Arn, uniqueId: role.RoleId, tags: tagsOf(role.Tags) };
  }

  async getInstanceProfile(profileName: string): Promise<IamInstanceProfile> {
    const { InstanceProfile: profile } = await call("IAM GetInstanceProfile", () =>
      this.client.send(new this.sdk.GetInstanceProfileCommand({ InstanceProfileName: profileName }), this.#send),
    );
    if (profile?.Arn === undefined || profile.InstanceProfileId === undefined) throw new Error("got nil result from GetInstanceProfile");
    return {
      arn: profile.Arn,
      instanceProfileId: profile.InstanceProfileId,
      roles: (profile.Roles ?? []).map((role) => ({ arn: role.Arn ?? "", roleId: role.RoleId ?? "" })),
    };
  }
}

/** RootKeyIamApi over an IAM client signing with config/client's static keys. */
class SdkRootKeyIamApi implements RootKeyIamApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    private readonly client: IAMClient,
    private readonly sdk: IamSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  async currentUserName(): Promise<string> {
    // GetUser without a name describes the caller: the user owning the configured key.
    const { User: user } = await call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand({}), this.#send));
    if (user === undefined) throw new Error("nil user returned from GetUser");
    if (user.UserName === undefined) throw new Error("nil UserName returned from GetUser");
    return user.UserName;
  }

  async createAccessKey(userName: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const { AccessKey: key } = await call("IAM CreateAccessKey", () =>
      this.client.send(new this.sdk.CreateAccessKeyCommand({ UserName: userName }), this.#send),
    );
    if (key === undefined) throw new Error("nil response from CreateAccessKey");
    if (key.AccessKeyId === undefined || key.SecretAccessKey === undefined) {
      throw new Error("nil AccessKeyId or SecretAccessKey returned from CreateAccessKey");
    }
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    await call("IAM DeleteAccessKey", () => this.client.send(new this.sdk.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }), this.#send));
  }
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
      retire(client);
      return new SdkRootKeyIamApi(client, sdk, signal);
    },

    reset() {
      generation += 1;
      for (const client of built) retire(client);
      built = [];
      ec2Builds.clear();
      iamBuilds.clear();
      defaultAccountBuild = undefined;
      knownDefaultAccount = undefined;
    },
  };
}
