// The mount's AWS clients (features.md A.1 "client caching", A.6): one IAM and one STS client,
// built lazily from the stored config/root and kept until reset() (config write, rotate-root,
// invalidation). Upstream guards the pair with an RW mutex; here the cached value is the build's
// promise, so concurrent first callers share one build and nobody blocks anybody else.
// Static-role work uses freshIam(): a client built for that call only, never cached.
import type {
  AddUserToGroupCommandInput,
  AttachUserPolicyCommandInput,
  CreateAccessKeyCommandInput,
  CreateUserCommandInput,
  DeactivateMFADeviceCommandInput,
  DeleteAccessKeyCommandInput,
  DeleteLoginProfileCommandInput,
  DeleteServiceSpecificCredentialCommandInput,
  DeleteSigningCertificateCommandInput,
  DeleteSSHPublicKeyCommandInput,
  DeleteUserCommandInput,
  DeleteUserPolicyCommandInput,
  DeleteVirtualMFADeviceCommandInput,
  DetachUserPolicyCommandInput,
  GetGroupPolicyCommandInput,
  GetUserCommandInput,
  IAMClient,
  ListAccessKeysCommandInput,
  ListAttachedGroupPoliciesCommandInput,
  ListAttachedUserPoliciesCommandInput,
  ListGroupPoliciesCommandInput,
  ListGroupsForUserCommandInput,
  ListMFADevicesCommandInput,
  ListServiceSpecificCredentialsCommandInput,
  ListSigningCertificatesCommandInput,
  ListSSHPublicKeysCommandInput,
  ListUserPoliciesCommandInput,
  PutUserPolicyCommandInput,
  RemoveUserFromGroupCommandInput,
  TagUserCommandInput,
} from "@aws-sdk/client-iam";
import type { AssumeRoleCommandInput, GetFederationTokenCommandInput, GetSessionTokenCommandInput, STSClient } from "@aws-sdk/client-sts";
import { createIamClient, createStsClient, retireClient, sendOptions } from "../../aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, type AwsConnectionConfig } from "../../aws/config.js";
import { tagAwsAction } from "../../aws/errors.js";
import { loadIamSdk, loadStsSdk, type IamSdk, type StsSdk } from "../../aws/sdk.js";
import type { Logger, Storage } from "../../logical/index.js";
import type { AwsClients, IamApi, StsApi } from "./aws-api.js";
import type { RootConfig } from "./model.js";

/** Runs one SDK call, tagging a failure with the call's name for classifyAwsError's message. */
async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw tagAwsAction(err, action);
  }
}

/** IamApi over an SDK v3 IAMClient: one command per method, nothing else. */
export class SdkIamApi implements IamApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: IAMClient,
    private readonly sdk: IamSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  /** The same client, its calls aborted by `signal` (cheap: the SDK client is shared). */
  withSignal(signal: AbortSignal | undefined): SdkIamApi {
    return signal === undefined ? this : new SdkIamApi(this.client, this.sdk, signal);
  }

  createUser = (i: CreateUserCommandInput) => call("IAM CreateUser", () => this.client.send(new this.sdk.CreateUserCommand(i), this.#send));
  getUser = (i: GetUserCommandInput) => call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand(i), this.#send));
  deleteUser = (i: DeleteUserCommandInput) => call("IAM DeleteUser", () => this.client.send(new this.sdk.DeleteUserCommand(i), this.#send));
  tagUser = (i: TagUserCommandInput) => call("IAM TagUser", () => this.client.send(new this.sdk.TagUserCommand(i), this.#send));
  createAccessKey = (i: CreateAccessKeyCommandInput) => call("IAM CreateAccessKey", () => this.client.send(new this.sdk.CreateAccessKeyCommand(i), this.#send));
  deleteAccessKey = (i: DeleteAccessKeyCommandInput) => call("IAM DeleteAccessKey", () => this.client.send(new this.sdk.DeleteAccessKeyCommand(i), this.#send));
  listAccessKeys = (i: ListAccessKeysCommandInput) => call("IAM ListAccessKeys", () => this.client.send(new this.sdk.ListAccessKeysCommand(i), this.#send));
  attachUserPolicy = (i: AttachUserPolicyCommandInput) => call("IAM AttachUserPolicy", () => this.client.send(new this.sdk.AttachUserPolicyCommand(i), this.#send));
  detachUserPolicy = (i: DetachUserPolicyCommandInput) => call("IAM DetachUserPolicy", () => this.client.send(new this.sdk.DetachUserPolicyCommand(i), this.#send));
  listAttachedUserPolicies = (i: ListAttachedUserPoliciesCommandInput) =>
    call("IAM ListAttachedUserPolicies", () => this.client.send(new this.sdk.ListAttachedUserPoliciesCommand(i), this.#send));
  putUserPolicy = (i: PutUserPolicyCommandInput) => call("IAM PutUserPolicy", () => this.client.send(new this.sdk.PutUserPolicyCommand(i), this.#send));
  deleteUserPolicy = (i: DeleteUserPolicyCommandInput) => call("IAM DeleteUserPolicy", () => this.client.send(new this.sdk.DeleteUserPolicyCommand(i), this.#send));
  listUserPolicies = (i: ListUserPoliciesCommandInput) => call("IAM ListUserPolicies", () => this.client.send(new this.sdk.ListUserPoliciesCommand(i), this.#send));
  addUserToGroup = (i: AddUserToGroupCommandInput) => call("IAM AddUserToGroup", () => this.client.send(new this.sdk.AddUserToGroupCommand(i), this.#send));
  removeUserFromGroup = (i: RemoveUserFromGroupCommandInput) =>
    call("IAM RemoveUserFromGroup", () => this.client.send(new this.sdk.RemoveUserFromGroupCommand(i), this.#send));
  listGroupsForUser = (i: ListGroupsForUserCommandInput) => call("IAM ListGroupsForUser", () => this.client.send(new this.sdk.ListGroupsForUserCommand(i), this.#send));
  listGroupPolicies = (i: ListGroupPoliciesCommandInput) => call("IAM ListGroupPolicies", () => this.client.send(new this.sdk.ListGroupPoliciesCommand(i), this.#send));
  getGroupPolicy = (i: GetGroupPolicyCommandInput) => call("IAM GetGroupPolicy", () => this.client.send(new this.sdk.GetGroupPolicyCommand(i), this.#send));
  listAttachedGroupPolicies = (i: ListAttachedGroupPoliciesCommandInput) =>
    call("IAM ListAttachedGroupPolicies", () => this.client.send(new this.sdk.ListAttachedGroupPoliciesCommand(i), this.#send));
  deleteLoginProfile = (i: DeleteLoginProfileCommandInput) => call("IAM DeleteLoginProfile", () => this.client.send(new this.sdk.DeleteLoginProfileCommand(i), this.#send));
  listMFADevices = (i: ListMFADevicesCommandInput) => call("IAM ListMFADevices", () => this.client.send(new this.sdk.ListMFADevicesCommand(i), this.#send));
  deactivateMFADevice = (i: DeactivateMFADeviceCommandInput) =>
    call("IAM DeactivateMFADevice", () => this.client.send(new this.sdk.DeactivateMFADeviceCommand(i), this.#send));
  deleteVirtualMFADevice = (i: DeleteVirtualMFADeviceCommandInput) =>
    call("IAM DeleteVirtualMFADevice", () => this.client.send(new this.sdk.DeleteVirtualMFADeviceCommand(i), this.#send));
  listSSHPublicKeys = (i: ListSSHPublicKeysCommandInput) => call("IAM ListSSHPublicKeys", () => this.client.send(new this.sdk.ListSSHPublicKeysCommand(i), this.#send));
  deleteSSHPublicKey = (i: DeleteSSHPublicKeyCommandInput) => call("IAM DeleteSSHPublicKey", () => this.client.send(new this.sdk.DeleteSSHPublicKeyCommand(i), this.#send));
  listSigningCertificates = (i: ListSigningCertificatesCommandInput) =>
    call("IAM ListSigningCertificates", () => this.client.send(new this.sdk.ListSigningCertificatesCommand(i), this.#send));
  deleteSigningCertificate = (i: DeleteSigningCertificateCommandInput) =>
    call("IAM DeleteSigningCertificate", () => this.client.send(new this.sdk.DeleteSigningCertificateCommand(i), this.#send));
  listServiceSpecificCredentials = (i: ListServiceSpecificCredentialsCommandInput) =>
    call("IAM ListServiceSpecificCredentials", () => this.client.send(new this.sdk.ListServiceSpecificCredentialsCommand(i), this.#send));
  deleteServiceSpecificCredential = (i: DeleteServiceSpecificCredentialCommandInput) =>
    call("IAM DeleteServiceSpecificCredential", () => this.client.send(new this.sdk.DeleteServiceSpecificCredentialCommand(i), this.#send));
}

/** StsApi over an SDK v3 STSClient. */
export class SdkStsApi implements StsApi {
  readonly #send: { abortSignal?: AbortSignal };

  constructor(
    readonly client: STSClient,
    private readonly sdk: StsSdk,
    signal?: AbortSignal,
  ) {
    this.#send = sendOptions(signal);
  }

  /** The same client, its calls aborted by `signal`. */
  withSignal(signal: AbortSignal | undefined): SdkStsApi {
    return signal === undefined ? this : new SdkStsApi(this.client, this.sdk, signal);
  }

  assumeRole = (i: AssumeRoleCommandInput) => call("STS AssumeRole", () => this.client.send(new this.sdk.AssumeRoleCommand(i), this.#send));
  getFederationToken = (i: GetFederationTokenCommandInput) =>
    call("STS GetFederationToken", () => this.client.send(new this.sdk.GetFederationTokenCommand(i), this.#send));
  getSessionToken = (i: GetSessionTokenCommandInput) => call("STS GetSessionToken", () => this.client.send(new this.sdk.GetSessionTokenCommand(i), this.#send));
  getCallerIdentity = () => call("STS GetCallerIdentity", () => this.client.send(new this.sdk.GetCallerIdentityCommand({}), this.#send));
}

export interface CreateAwsClientsOptions {
  storage: Storage;
  /** Reads config/root; undefined (never configured) means defaults: default chain, fallback region. */
  readConnection: (storage: Storage) => Promise<RootConfig | undefined>;
  /** Environment for the region fallback; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives STS endpoint probe failures at debug level (upstream logs the same). */
  logger?: Logger;
}

/** The connection part of a stored config/root, or the defaults when there is none. */
export function connectionOf(config: RootConfig | undefined): AwsConnectionConfig {
  if (!config) return DEFAULT_CONNECTION_CONFIG;
  return {
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    iamEndpoint: config.iamEndpoint,
    stsEndpoint: config.stsEndpoint,
    stsRegion: config.stsRegion,
    stsFallbackEndpoints: config.stsFallbackEndpoints,
    stsFallbackRegions: config.stsFallbackRegions,
    maxRetries: config.maxRetries,
  };
}

/** The mount's AwsClients over real SDK clients. */
export function createAwsClients(options: CreateAwsClientsOptions): AwsClients {
  const { storage, readConnection, logger } = options;
  const env = options.env ?? process.env;
  let iamBuild: Promise<SdkIamApi> | undefined;
  let stsBuild: Promise<SdkStsApi> | undefined;

  const buildIam = async (): Promise<SdkIamApi> =>
    new SdkIamApi(await createIamClient(connectionOf(await readConnection(storage)), { env }), await loadIamSdk());
  const buildSts = async (): Promise<SdkStsApi> => {
    const probed = await createStsClient(connectionOf(await readConnection(storage)), {
      env,
      onProbeFailure: (candidate, error) =>
        logger?.debug("couldn't connect with config trying next", { endpoint: candidate.endpoint ?? "", region: candidate.region, error: error.message }),
    });
    return new SdkStsApi(probed.client, await loadStsSdk());
  };

  /**
   * The shared build for one slot. A failed build is forgotten (the next call retries, as upstream
   * rebuilds on every call until one succeeds); `current()` guards against a reset() that replaced
   * the slot while this build was running.
   */
  function cached<T>(current: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, build: () => Promise<T>): Promise<T> {
    const existing = current();
    if (existing) return existing;
    const p = build();
    set(p);
    p.catch(() => {
      if (current() === p) set(undefined);
    });
    return p;
  }

  return {
    iam: async (signal) => {
      const api = await cached(
        () => iamBuild,
        (p) => {
          iamBuild = p;
        },
        buildIam,
      );
      return api.withSignal(signal);
    },
    sts: async (signal) => {
      const api = await cached(
        () => stsBuild,
        (p) => {
          stsBuild = p;
        },
        buildSts,
      );
      return api.withSignal(signal);
    },
    async freshIam(signal) {
      const api = await buildIam();
      retireClient(api.client);
      return api.withSignal(signal);
    },
    reset() {
      // Callers that already hold the old adapters keep working until the grace period ends.
      for (const build of [iamBuild, stsBuild]) {
        build?.then((api) => retireClient(api.client)).catch(() => {});
      }
      iamBuild = undefined;
      stsBuild = undefined;
    },
  };
}
