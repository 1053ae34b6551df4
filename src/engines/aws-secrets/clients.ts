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
import { createIamClient, createStsClient } from "../../aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, type AwsConnectionConfig } from "../../aws/config.js";
import { tagAwsAction } from "../../aws/errors.js";
import { loadIamSdk, loadStsSdk, type IamSdk, type StsSdk } from "../../aws/sdk.js";
import type { Logger, Storage } from "../../logical/index.js";
import type { AwsClients, IamApi, StsApi } from "./aws-api.js";
import type { RootConfig } from "./model.js";

/**
 * How long a replaced or one-off SDK client lives before its sockets are closed. Closing at once
 * would cut requests still running on it (reset() can come mid-request); no request outlives this,
 * as every attempt is bounded by the socket timeouts in src/aws/clients.ts.
 */
export const RETIRED_CLIENT_GRACE_MS = 10 * 60_000;

/** Closes an SDK client after the grace period, without keeping the process alive for it. */
function retire(client: { destroy(): void }): void {
  setTimeout(() => client.destroy(), RETIRED_CLIENT_GRACE_MS).unref();
}

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
  constructor(
    readonly client: IAMClient,
    private readonly sdk: IamSdk,
  ) {}

  createUser = (i: CreateUserCommandInput) => call("IAM CreateUser", () => this.client.send(new this.sdk.CreateUserCommand(i)));
  getUser = (i: GetUserCommandInput) => call("IAM GetUser", () => this.client.send(new this.sdk.GetUserCommand(i)));
  deleteUser = (i: DeleteUserCommandInput) => call("IAM DeleteUser", () => this.client.send(new this.sdk.DeleteUserCommand(i)));
  tagUser = (i: TagUserCommandInput) => call("IAM TagUser", () => this.client.send(new this.sdk.TagUserCommand(i)));
  createAccessKey = (i: CreateAccessKeyCommandInput) => call("IAM CreateAccessKey", () => this.client.send(new this.sdk.CreateAccessKeyCommand(i)));
  deleteAccessKey = (i: DeleteAccessKeyCommandInput) => call("IAM DeleteAccessKey", () => this.client.send(new this.sdk.DeleteAccessKeyCommand(i)));
  listAccessKeys = (i: ListAccessKeysCommandInput) => call("IAM ListAccessKeys", () => this.client.send(new this.sdk.ListAccessKeysCommand(i)));
  attachUserPolicy = (i: AttachUserPolicyCommandInput) => call("IAM AttachUserPolicy", () => this.client.send(new this.sdk.AttachUserPolicyCommand(i)));
  detachUserPolicy = (i: DetachUserPolicyCommandInput) => call("IAM DetachUserPolicy", () => this.client.send(new this.sdk.DetachUserPolicyCommand(i)));
  listAttachedUserPolicies = (i: ListAttachedUserPoliciesCommandInput) =>
    call("IAM ListAttachedUserPolicies", () => this.client.send(new this.sdk.ListAttachedUserPoliciesCommand(i)));
  putUserPolicy = (i: PutUserPolicyCommandInput) => call("IAM PutUserPolicy", () => this.client.send(new this.sdk.PutUserPolicyCommand(i)));
  deleteUserPolicy = (i: DeleteUserPolicyCommandInput) => call("IAM DeleteUserPolicy", () => this.client.send(new this.sdk.DeleteUserPolicyCommand(i)));
  listUserPolicies = (i: ListUserPoliciesCommandInput) => call("IAM ListUserPolicies", () => this.client.send(new this.sdk.ListUserPoliciesCommand(i)));
  addUserToGroup = (i: AddUserToGroupCommandInput) => call("IAM AddUserToGroup", () => this.client.send(new this.sdk.AddUserToGroupCommand(i)));
  removeUserFromGroup = (i: RemoveUserFromGroupCommandInput) =>
    call("IAM RemoveUserFromGroup", () => this.client.send(new this.sdk.RemoveUserFromGroupCommand(i)));
  listGroupsForUser = (i: ListGroupsForUserCommandInput) => call("IAM ListGroupsForUser", () => this.client.send(new this.sdk.ListGroupsForUserCommand(i)));
  listGroupPolicies = (i: ListGroupPoliciesCommandInput) => call("IAM ListGroupPolicies", () => this.client.send(new this.sdk.ListGroupPoliciesCommand(i)));
  getGroupPolicy = (i: GetGroupPolicyCommandInput) => call("IAM GetGroupPolicy", () => this.client.send(new this.sdk.GetGroupPolicyCommand(i)));
  listAttachedGroupPolicies = (i: ListAttachedGroupPoliciesCommandInput) =>
    call("IAM ListAttachedGroupPolicies", () => this.client.send(new this.sdk.ListAttachedGroupPoliciesCommand(i)));
  deleteLoginProfile = (i: DeleteLoginProfileCommandInput) => call("IAM DeleteLoginProfile", () => this.client.send(new this.sdk.DeleteLoginProfileCommand(i)));
  listMFADevices = (i: ListMFADevicesCommandInput) => call("IAM ListMFADevices", () => this.client.send(new this.sdk.ListMFADevicesCommand(i)));
  deactivateMFADevice = (i: DeactivateMFADeviceCommandInput) =>
    call("IAM DeactivateMFADevice", () => this.client.send(new this.sdk.DeactivateMFADeviceCommand(i)));
  deleteVirtualMFADevice = (i: DeleteVirtualMFADeviceCommandInput) =>
    call("IAM DeleteVirtualMFADevice", () => this.client.send(new this.sdk.DeleteVirtualMFADeviceCommand(i)));
  listSSHPublicKeys = (i: ListSSHPublicKeysCommandInput) => call("IAM ListSSHPublicKeys", () => this.client.send(new this.sdk.ListSSHPublicKeysCommand(i)));
  deleteSSHPublicKey = (i: DeleteSSHPublicKeyCommandInput) => call("IAM DeleteSSHPublicKey", () => this.client.send(new this.sdk.DeleteSSHPublicKeyCommand(i)));
  listSigningCertificates = (i: ListSigningCertificatesCommandInput) =>
    call("IAM ListSigningCertificates", () => this.client.send(new this.sdk.ListSigningCertificatesCommand(i)));
  deleteSigningCertificate = (i: DeleteSigningCertificateCommandInput) =>
    call("IAM DeleteSigningCertificate", () => this.client.send(new this.sdk.DeleteSigningCertificateCommand(i)));
  listServiceSpecificCredentials = (i: ListServiceSpecificCredentialsCommandInput) =>
    call("IAM ListServiceSpecificCredentials", () => this.client.send(new this.sdk.ListServiceSpecificCredentialsCommand(i)));
  deleteServiceSpecificCredential = (i: DeleteServiceSpecificCredentialCommandInput) =>
    call("IAM DeleteServiceSpecificCredential", () => this.client.send(new this.sdk.DeleteServiceSpecificCredentialCommand(i)));
}

/** StsApi over an SDK v3 STSClient. */
export class SdkStsApi implements StsApi {
  constructor(
    readonly client: STSClient,
    private readonly sdk: StsSdk,
  ) {}

  assumeRole = (i: AssumeRoleCommandInput) => call("STS AssumeRole", () => this.client.send(new this.sdk.AssumeRoleCommand(i)));
  getFederationToken = (i: GetFederationTokenCommandInput) =>
    call("STS GetFederationToken", () => this.client.send(new this.sdk.GetFederationTokenCommand(i)));
  getSessionToken = (i: GetSessionTokenCommandInput) => call("STS GetSessionToken", () => this.client.send(new this.sdk.GetSessionTokenCommand(i)));
  getCallerIdentity = () => call("STS GetCallerIdentity", () => this.client.send(new this.sdk.GetCallerIdentityCommand({})));
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
    iam: () =>
      cached(
        () => iamBuild,
        (p) => {
          iamBuild = p;
        },
        buildIam,
      ),
    sts: () =>
      cached(
        () => stsBuild,
        (p) => {
          stsBuild = p;
        },
        buildSts,
      ),
    async freshIam() {
      const api = await buildIam();
      retire(api.client);
      return api;
    },
    reset() {
      // Callers that already hold the old adapters keep working until the grace period ends.
      for (const build of [iamBuild, stsBuild]) {
        build?.then((api) => retire(api.client)).catch(() => {});
      }
      iamBuild = undefined;
      stsBuild = undefined;
    },
  };
}
