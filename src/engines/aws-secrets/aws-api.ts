// The AWS calls this engine makes, as narrow interfaces (≈ upstream's iamAPI/stsAPI). Paths depend
// on these, never on SDK clients, so tests can substitute them and the client layer decides how
// requests are signed, retried and routed (src/aws, clients.ts).
import type {
  AddUserToGroupCommandInput,
  AttachUserPolicyCommandInput,
  CreateAccessKeyCommandInput,
  CreateAccessKeyCommandOutput,
  CreateUserCommandInput,
  CreateUserCommandOutput,
  DeleteAccessKeyCommandInput,
  DeleteLoginProfileCommandInput,
  DeleteServiceSpecificCredentialCommandInput,
  DeleteSigningCertificateCommandInput,
  DeleteSSHPublicKeyCommandInput,
  DeleteUserCommandInput,
  DeleteUserPolicyCommandInput,
  DeactivateMFADeviceCommandInput,
  DeleteVirtualMFADeviceCommandInput,
  DetachUserPolicyCommandInput,
  GetGroupPolicyCommandInput,
  GetGroupPolicyCommandOutput,
  GetUserCommandInput,
  GetUserCommandOutput,
  ListAccessKeysCommandInput,
  ListAccessKeysCommandOutput,
  ListAttachedGroupPoliciesCommandInput,
  ListAttachedGroupPoliciesCommandOutput,
  ListAttachedUserPoliciesCommandInput,
  ListAttachedUserPoliciesCommandOutput,
  ListGroupPoliciesCommandInput,
  ListGroupPoliciesCommandOutput,
  ListGroupsForUserCommandInput,
  ListGroupsForUserCommandOutput,
  ListMFADevicesCommandInput,
  ListMFADevicesCommandOutput,
  ListServiceSpecificCredentialsCommandInput,
  ListServiceSpecificCredentialsCommandOutput,
  ListSigningCertificatesCommandInput,
  ListSigningCertificatesCommandOutput,
  ListSSHPublicKeysCommandInput,
  ListSSHPublicKeysCommandOutput,
  ListUserPoliciesCommandInput,
  ListUserPoliciesCommandOutput,
  PutUserPolicyCommandInput,
  RemoveUserFromGroupCommandInput,
  TagUserCommandInput,
} from "@aws-sdk/client-iam";
import type {
  AssumeRoleCommandInput,
  AssumeRoleCommandOutput,
  GetCallerIdentityCommandOutput,
  GetFederationTokenCommandInput,
  GetFederationTokenCommandOutput,
  GetSessionTokenCommandInput,
  GetSessionTokenCommandOutput,
} from "@aws-sdk/client-sts";

/** IAM, as used by dynamic users, static roles and root rotation. */
export interface IamApi {
  createUser(input: CreateUserCommandInput): Promise<CreateUserCommandOutput>;
  getUser(input: GetUserCommandInput): Promise<GetUserCommandOutput>;
  deleteUser(input: DeleteUserCommandInput): Promise<unknown>;
  tagUser(input: TagUserCommandInput): Promise<unknown>;
  createAccessKey(input: CreateAccessKeyCommandInput): Promise<CreateAccessKeyCommandOutput>;
  deleteAccessKey(input: DeleteAccessKeyCommandInput): Promise<unknown>;
  listAccessKeys(input: ListAccessKeysCommandInput): Promise<ListAccessKeysCommandOutput>;
  attachUserPolicy(input: AttachUserPolicyCommandInput): Promise<unknown>;
  detachUserPolicy(input: DetachUserPolicyCommandInput): Promise<unknown>;
  listAttachedUserPolicies(input: ListAttachedUserPoliciesCommandInput): Promise<ListAttachedUserPoliciesCommandOutput>;
  putUserPolicy(input: PutUserPolicyCommandInput): Promise<unknown>;
  deleteUserPolicy(input: DeleteUserPolicyCommandInput): Promise<unknown>;
  listUserPolicies(input: ListUserPoliciesCommandInput): Promise<ListUserPoliciesCommandOutput>;
  addUserToGroup(input: AddUserToGroupCommandInput): Promise<unknown>;
  removeUserFromGroup(input: RemoveUserFromGroupCommandInput): Promise<unknown>;
  listGroupsForUser(input: ListGroupsForUserCommandInput): Promise<ListGroupsForUserCommandOutput>;
  listGroupPolicies(input: ListGroupPoliciesCommandInput): Promise<ListGroupPoliciesCommandOutput>;
  getGroupPolicy(input: GetGroupPolicyCommandInput): Promise<GetGroupPolicyCommandOutput>;
  listAttachedGroupPolicies(input: ListAttachedGroupPoliciesCommandInput): Promise<ListAttachedGroupPoliciesCommandOutput>;
  // Attachments upstream never removes, so DeleteUser failed with DeleteConflict (vault#16685).
  deleteLoginProfile(input: DeleteLoginProfileCommandInput): Promise<unknown>;
  listMFADevices(input: ListMFADevicesCommandInput): Promise<ListMFADevicesCommandOutput>;
  deactivateMFADevice(input: DeactivateMFADeviceCommandInput): Promise<unknown>;
  deleteVirtualMFADevice(input: DeleteVirtualMFADeviceCommandInput): Promise<unknown>;
  listSSHPublicKeys(input: ListSSHPublicKeysCommandInput): Promise<ListSSHPublicKeysCommandOutput>;
  deleteSSHPublicKey(input: DeleteSSHPublicKeyCommandInput): Promise<unknown>;
  listSigningCertificates(input: ListSigningCertificatesCommandInput): Promise<ListSigningCertificatesCommandOutput>;
  deleteSigningCertificate(input: DeleteSigningCertificateCommandInput): Promise<unknown>;
  listServiceSpecificCredentials(input: ListServiceSpecificCredentialsCommandInput): Promise<ListServiceSpecificCredentialsCommandOutput>;
  deleteServiceSpecificCredential(input: DeleteServiceSpecificCredentialCommandInput): Promise<unknown>;
}

/** STS, as used by the three temporary credential types. */
export interface StsApi {
  assumeRole(input: AssumeRoleCommandInput): Promise<AssumeRoleCommandOutput>;
  getFederationToken(input: GetFederationTokenCommandInput): Promise<GetFederationTokenCommandOutput>;
  getSessionToken(input: GetSessionTokenCommandInput): Promise<GetSessionTokenCommandOutput>;
  getCallerIdentity(): Promise<GetCallerIdentityCommandOutput>;
}

/**
 * Clients for one mount, built from its stored config/root and cached until the config changes
 * (upstream keeps one IAM and one STS client per mount behind a lock).
 */
export interface AwsClients {
  /**
   * The mount's IAM client. With `signal` (a request's, see logical Request.signal) every call made
   * through the returned adapter passes it as the SDK's abortSignal, so a request Vault gave up on
   * stops mid-call instead of carrying on.
   */
  iam(signal?: AbortSignal): Promise<IamApi>;
  /** The mount's STS client; `signal` as for iam(). */
  sts(signal?: AbortSignal): Promise<StsApi>;
  /** A fresh, uncached IAM client (static-role operations, root rotation checks); `signal` as for iam(). */
  freshIam(signal?: AbortSignal): Promise<IamApi>;
  /** Forget cached clients; called when config/root changes or is invalidated. */
  reset(): void;
}
