// The mount's AWS clients (features.md A.1 "client caching", A.6): one IAM and one STS client,
// built lazily from the stored config/root and kept until reset() (config write, rotate-root,
// invalidation). Upstream guards the pair with an RW mutex; here the cached value is the build's
// promise, so concurrent first callers share one build and nobody blocks anybody else.
// Static-role work uses freshIam(): a client built for that call only, never cached.
import type { IAMClient } from "@aws-sdk/client-iam";
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  GetGroupPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
} from "@aws-sdk/client-iam";
import type { STSClient } from "@aws-sdk/client-sts";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { createIamClient, createStsClient } from "../../aws/clients.js";
import { DEFAULT_CONNECTION_CONFIG, type AwsConnectionConfig } from "../../aws/config.js";
import { tagAwsAction } from "../../aws/errors.js";
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
  constructor(readonly client: IAMClient) {}

  createUser = (i: CreateUserCommand["input"]) => call("IAM CreateUser", () => this.client.send(new CreateUserCommand(i)));
  getUser = (i: GetUserCommand["input"]) => call("IAM GetUser", () => this.client.send(new GetUserCommand(i)));
  deleteUser = (i: DeleteUserCommand["input"]) => call("IAM DeleteUser", () => this.client.send(new DeleteUserCommand(i)));
  tagUser = (i: TagUserCommand["input"]) => call("IAM TagUser", () => this.client.send(new TagUserCommand(i)));
  createAccessKey = (i: CreateAccessKeyCommand["input"]) => call("IAM CreateAccessKey", () => this.client.send(new CreateAccessKeyCommand(i)));
  deleteAccessKey = (i: DeleteAccessKeyCommand["input"]) => call("IAM DeleteAccessKey", () => this.client.send(new DeleteAccessKeyCommand(i)));
  listAccessKeys = (i: ListAccessKeysCommand["input"]) => call("IAM ListAccessKeys", () => this.client.send(new ListAccessKeysCommand(i)));
  attachUserPolicy = (i: AttachUserPolicyCommand["input"]) => call("IAM AttachUserPolicy", () => this.client.send(new AttachUserPolicyCommand(i)));
  detachUserPolicy = (i: DetachUserPolicyCommand["input"]) => call("IAM DetachUserPolicy", () => this.client.send(new DetachUserPolicyCommand(i)));
  listAttachedUserPolicies = (i: ListAttachedUserPoliciesCommand["input"]) =>
    call("IAM ListAttachedUserPolicies", () => this.client.send(new ListAttachedUserPoliciesCommand(i)));
  putUserPolicy = (i: PutUserPolicyCommand["input"]) => call("IAM PutUserPolicy", () => this.client.send(new PutUserPolicyCommand(i)));
  deleteUserPolicy = (i: DeleteUserPolicyCommand["input"]) => call("IAM DeleteUserPolicy", () => this.client.send(new DeleteUserPolicyCommand(i)));
  listUserPolicies = (i: ListUserPoliciesCommand["input"]) => call("IAM ListUserPolicies", () => this.client.send(new ListUserPoliciesCommand(i)));
  addUserToGroup = (i: AddUserToGroupCommand["input"]) => call("IAM AddUserToGroup", () => this.client.send(new AddUserToGroupCommand(i)));
  removeUserFromGroup = (i: RemoveUserFromGroupCommand["input"]) =>
    call("IAM RemoveUserFromGroup", () => this.client.send(new RemoveUserFromGroupCommand(i)));
  listGroupsForUser = (i: ListGroupsForUserCommand["input"]) => call("IAM ListGroupsForUser", () => this.client.send(new ListGroupsForUserCommand(i)));
  listGroupPolicies = (i: ListGroupPoliciesCommand["input"]) => call("IAM ListGroupPolicies", () => this.client.send(new ListGroupPoliciesCommand(i)));
  getGroupPolicy = (i: GetGroupPolicyCommand["input"]) => call("IAM GetGroupPolicy", () => this.client.send(new GetGroupPolicyCommand(i)));
  listAttachedGroupPolicies = (i: ListAttachedGroupPoliciesCommand["input"]) =>
    call("IAM ListAttachedGroupPolicies", () => this.client.send(new ListAttachedGroupPoliciesCommand(i)));
  deleteLoginProfile = (i: DeleteLoginProfileCommand["input"]) => call("IAM DeleteLoginProfile", () => this.client.send(new DeleteLoginProfileCommand(i)));
  listMFADevices = (i: ListMFADevicesCommand["input"]) => call("IAM ListMFADevices", () => this.client.send(new ListMFADevicesCommand(i)));
  deactivateMFADevice = (i: DeactivateMFADeviceCommand["input"]) =>
    call("IAM DeactivateMFADevice", () => this.client.send(new DeactivateMFADeviceCommand(i)));
  deleteVirtualMFADevice = (i: DeleteVirtualMFADeviceCommand["input"]) =>
    call("IAM DeleteVirtualMFADevice", () => this.client.send(new DeleteVirtualMFADeviceCommand(i)));
  listSSHPublicKeys = (i: ListSSHPublicKeysCommand["input"]) => call("IAM ListSSHPublicKeys", () => this.client.send(new ListSSHPublicKeysCommand(i)));
  deleteSSHPublicKey = (i: DeleteSSHPublicKeyCommand["input"]) => call("IAM DeleteSSHPublicKey", () => this.client.send(new DeleteSSHPublicKeyCommand(i)));
  listSigningCertificates = (i: ListSigningCertificatesCommand["input"]) =>
    call("IAM ListSigningCertificates", () => this.client.send(new ListSigningCertificatesCommand(i)));
  deleteSigningCertificate = (i: DeleteSigningCertificateCommand["input"]) =>
    call("IAM DeleteSigningCertificate", () => this.client.send(new DeleteSigningCertificateCommand(i)));
  listServiceSpecificCredentials = (i: ListServiceSpecificCredentialsCommand["input"]) =>
    call("IAM ListServiceSpecificCredentials", () => this.client.send(new ListServiceSpecificCredentialsCommand(i)));
  deleteServiceSpecificCredential = (i: DeleteServiceSpecificCredentialCommand["input"]) =>
    call("IAM DeleteServiceSpecificCredential", () => this.client.send(new DeleteServiceSpecificCredentialCommand(i)));
}

/** StsApi over an SDK v3 STSClient. */
export class SdkStsApi implements StsApi {
  constructor(readonly client: STSClient) {}

  assumeRole = (i: AssumeRoleCommand["input"]) => call("STS AssumeRole", () => this.client.send(new AssumeRoleCommand(i)));
  getFederationToken = (i: GetFederationTokenCommand["input"]) =>
    call("STS GetFederationToken", () => this.client.send(new GetFederationTokenCommand(i)));
  getSessionToken = (i: GetSessionTokenCommand["input"]) => call("STS GetSessionToken", () => this.client.send(new GetSessionTokenCommand(i)));
  getCallerIdentity = () => call("STS GetCallerIdentity", () => this.client.send(new GetCallerIdentityCommand({})));
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

  const buildIam = async (): Promise<SdkIamApi> => new SdkIamApi(createIamClient(connectionOf(await readConnection(storage)), { env }));
  const buildSts = async (): Promise<SdkStsApi> => {
    const probed = await createStsClient(connectionOf(await readConnection(storage)), {
      env,
      onProbeFailure: (candidate, error) =>
        logger?.debug("couldn't connect with config trying next", { endpoint: candidate.endpoint ?? "", region: candidate.region, error: error.message }),
    });
    return new SdkStsApi(probed.client);
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
