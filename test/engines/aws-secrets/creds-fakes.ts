// In-memory IAM and STS for the creds/revoke/rollback tests. The IAM fake models what the engine
// touches — users with keys, policies, groups, tags, and the attachments IAM refuses to delete a
// user over (login profile, MFA devices, SSH keys, signing certificates, service credentials) —
// and answers with the SDK's own exception classes (or its generic ServiceException for AWS codes
// the SDK does not model, such as AccessDenied), paging every list call so pagination is exercised.
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  IAMServiceException,
  NoSuchEntityException,
  type Tag,
} from "@aws-sdk/client-iam";
import { STSServiceException } from "@aws-sdk/client-sts";
import { defineBackend, type FrameworkBackend } from "../../../src/framework/index.js";
import {
  InmemStorage,
  StaticSystemView,
  newRequest,
  type Logger,
  type Request,
  type Storage,
  type SystemView,
} from "../../../src/logical/index.js";
import type { AwsClients, IamApi, StsApi } from "../../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../../src/engines/aws-secrets/context.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS, walRollbacks } from "../../../src/engines/aws-secrets/rollback.js";
import { credsPath } from "../../../src/engines/aws-secrets/path-creds.js";
import { accessKeysSecret } from "../../../src/engines/aws-secrets/secret-access-keys.js";
import { putJson } from "../../../src/logical/index.js";

/**
 * What the SDK's query protocol (IAM, STS) attaches to every error it throws: AWS's code as
 * `Code` and the raw `Error` element, besides the class's own `name`.
 */
function asQueryError<E extends Error>(error: E, code: string): E {
  return Object.assign(error, { Code: code, Type: "Sender", Error: { Type: "Sender", Code: code, Message: error.message } });
}

export const noSuchEntity = (message: string): Error =>
  asQueryError(new NoSuchEntityException({ message, $metadata: { httpStatusCode: 404 } }), "NoSuchEntity");

/** An AWS error the SDK has no class for: a ServiceException named by the AWS error code. */
export function awsError(name: string, message: string, status = 400, fault: "client" | "server" = "client"): Error {
  return asQueryError(new IAMServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: status } }), name);
}

const stsError = (name: string, message: string): Error =>
  asQueryError(new STSServiceException({ name, message, $fault: "client", $metadata: { httpStatusCode: 403 } }), name);

export const accessDenied = (action: string): Error =>
  awsError("AccessDenied", `User: arn:aws:iam::123456789012:user/vault is not authorized to perform: ${action}`, 403);

export interface FakeUser {
  path: string;
  permissionsBoundary: string | undefined;
  tags: Tag[];
  keys: Map<string, string>;
  attached: Set<string>;
  inline: Map<string, string>;
  groups: Set<string>;
  loginProfile: boolean;
  mfaDevices: Set<string>;
  sshKeys: Set<string>;
  signingCerts: Set<string>;
  serviceCreds: Set<string>;
}

function page<T>(items: readonly T[], marker: string | undefined, size: number): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = marker === undefined ? 0 : Number(marker);
  const end = start + size;
  return end < items.length ? { items: items.slice(start, end), IsTruncated: true, Marker: String(end) } : { items: items.slice(start), IsTruncated: false };
}

/** Hook for one call: return an error to make it fail (once per returned error), or undefined. */
export type FailureHook = (input: Record<string, unknown>) => Error | undefined;

export class FakeIam implements IamApi {
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, { attached: string[]; inline: Map<string, string> }>();
  readonly virtualMfa = new Set<string>();
  /** Every call as "<operation> <UserName|GroupName>" in order. */
  readonly calls: string[] = [];
  readonly failures = new Map<string, FailureHook>();
  /** Items per list page; small so every test pages. */
  pageSize = 1;
  /** Invoked inside CreateUser, before the user exists (to look at storage at that moment). */
  onCreateUser: ((name: string) => void | Promise<void>) | undefined;
  #seq = 0;

  #id(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${String(this.#seq).padStart(16, "0")}`;
  }

  async #enter(op: string, input: object): Promise<void> {
    const record = input as Record<string, unknown>;
    const subject = record["UserName"] ?? record["GroupName"] ?? record["SerialNumber"];
    this.calls.push(`${op} ${typeof subject === "string" ? subject : ""}`);
    // Yield so that parallel requests really interleave.
    await Promise.resolve();
    const error = this.failures.get(op)?.(record);
    if (error !== undefined) throw error;
  }

  #user(name: string | undefined): FakeUser {
    const user = name === undefined ? undefined : this.users.get(name);
    if (user === undefined) throw noSuchEntity(`The user with name ${String(name)} cannot be found.`);
    return user;
  }

  /** Adds a user the way an operator would, outside Vault. */
  addUser(name: string, extra: Partial<FakeUser> = {}): FakeUser {
    const user: FakeUser = {
      path: "/", permissionsBoundary: undefined, tags: [], keys: new Map(), attached: new Set(), inline: new Map(), groups: new Set(),
      loginProfile: false, mfaDevices: new Set(), sshKeys: new Set(), signingCerts: new Set(), serviceCreds: new Set(), ...extra,
    };
    this.users.set(name, user);
    return user;
  }

  async createUser(input: Parameters<IamApi["createUser"]>[0]) {
    await this.#enter("CreateUser", input);
    const name = input.UserName ?? "";
    await this.onCreateUser?.(name);
    if (this.users.has(name)) throw asQueryError(new EntityAlreadyExistsException({ message: `User with name ${name} already exists.`, $metadata: { httpStatusCode: 409 } }), "EntityAlreadyExists");
    this.addUser(name, { path: input.Path ?? "/", permissionsBoundary: input.PermissionsBoundary, tags: [...(input.Tags ?? [])] });
    return { User: { UserName: name, Path: input.Path, UserId: this.#id("AIDA"), Arn: `arn:aws:iam::123456789012:user/${name}`, CreateDate: new Date() }, $metadata: {} };
  }
  async getUser(input: Parameters<IamApi["getUser"]>[0]) {
    await this.#enter("GetUser", input);
    this.#user(input.UserName);
    return { User: { UserName: input.UserName, Path: "/", UserId: "AIDA", Arn: "arn", CreateDate: new Date() }, $metadata: {} };
  }
  async deleteUser(input: Parameters<IamApi["deleteUser"]>[0]) {
    await this.#enter("DeleteUser", input);
    const user = this.#user(input.UserName);
    // IAM's rule: every attachment must be gone first.
    const left = [user.keys.size, user.attached.size, user.inline.size, user.groups.size, user.mfaDevices.size, user.sshKeys.size, user.signingCerts.size, user.serviceCreds.size];
    if (user.loginProfile || left.some((n) => n > 0)) {
      throw asQueryError(new DeleteConflictException({ message: "Cannot delete entity, must remove all attachments first.", $metadata: { httpStatusCode: 409 } }), "DeleteConflict");
    }
    this.users.delete(input.UserName ?? "");
    return { $metadata: {} };
  }
  async tagUser(input: Parameters<IamApi["tagUser"]>[0]) {
    await this.#enter("TagUser", input);
    this.#user(input.UserName).tags.push(...(input.Tags ?? []));
    return { $metadata: {} };
  }
  async createAccessKey(input: Parameters<IamApi["createAccessKey"]>[0]) {
    await this.#enter("CreateAccessKey", input);
    const user = this.#user(input.UserName);
    const id = this.#id("AKIA");
    const secret = `secret-${id}`;
    user.keys.set(id, secret);
    return { AccessKey: { UserName: input.UserName, AccessKeyId: id, SecretAccessKey: secret, Status: "Active" as const }, $metadata: {} };
  }
  async deleteAccessKey(input: Parameters<IamApi["deleteAccessKey"]>[0]) {
    await this.#enter("DeleteAccessKey", input);
    if (!this.#user(input.UserName).keys.delete(input.AccessKeyId ?? "")) throw noSuchEntity(`The Access Key with id ${String(input.AccessKeyId)} cannot be found.`);
    return { $metadata: {} };
  }
  async listAccessKeys(input: Parameters<IamApi["listAccessKeys"]>[0]) {
    await this.#enter("ListAccessKeys", input);
    const p = page([...this.#user(input.UserName).keys.keys()], input.Marker, this.pageSize);
    return { AccessKeyMetadata: p.items.map((id) => ({ UserName: input.UserName, AccessKeyId: id })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async attachUserPolicy(input: Parameters<IamApi["attachUserPolicy"]>[0]) {
    await this.#enter("AttachUserPolicy", input);
    this.#user(input.UserName).attached.add(input.PolicyArn ?? "");
    return { $metadata: {} };
  }
  async detachUserPolicy(input: Parameters<IamApi["detachUserPolicy"]>[0]) {
    await this.#enter("DetachUserPolicy", input);
    if (!this.#user(input.UserName).attached.delete(input.PolicyArn ?? "")) throw noSuchEntity(`Policy ${String(input.PolicyArn)} was not found.`);
    return { $metadata: {} };
  }
  async listAttachedUserPolicies(input: Parameters<IamApi["listAttachedUserPolicies"]>[0]) {
    await this.#enter("ListAttachedUserPolicies", input);
    const p = page([...this.#user(input.UserName).attached], input.Marker, this.pageSize);
    return { AttachedPolicies: p.items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split("/").pop() })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async putUserPolicy(input: Parameters<IamApi["putUserPolicy"]>[0]) {
    await this.#enter("PutUserPolicy", input);
    this.#user(input.UserName).inline.set(input.PolicyName ?? "", input.PolicyDocument ?? "");
    return { $metadata: {} };
  }
  async deleteUserPolicy(input: Parameters<IamApi["deleteUserPolicy"]>[0]) {
    await this.#enter("DeleteUserPolicy", input);
    if (!this.#user(input.UserName).inline.delete(input.PolicyName ?? "")) throw noSuchEntity(`The user policy with name ${String(input.PolicyName)} cannot be found.`);
    return { $metadata: {} };
  }
  async listUserPolicies(input: Parameters<IamApi["listUserPolicies"]>[0]) {
    await this.#enter("ListUserPolicies", input);
    const p = page([...this.#user(input.UserName).inline.keys()], input.Marker, this.pageSize);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async addUserToGroup(input: Parameters<IamApi["addUserToGroup"]>[0]) {
    await this.#enter("AddUserToGroup", input);
    if (!this.groups.has(input.GroupName ?? "")) throw noSuchEntity(`The group with name ${String(input.GroupName)} cannot be found.`);
    this.#user(input.UserName).groups.add(input.GroupName ?? "");
    return { $metadata: {} };
  }
  async removeUserFromGroup(input: Parameters<IamApi["removeUserFromGroup"]>[0]) {
    await this.#enter("RemoveUserFromGroup", input);
    if (!this.#user(input.UserName).groups.delete(input.GroupName ?? "")) throw noSuchEntity(`The user is not in group ${String(input.GroupName)}.`);
    return { $metadata: {} };
  }
  async listGroupsForUser(input: Parameters<IamApi["listGroupsForUser"]>[0]) {
    await this.#enter("ListGroupsForUser", input);
    const p = page([...this.#user(input.UserName).groups], input.Marker, this.pageSize);
    const Groups = p.items.map((g) => ({ GroupName: g, Path: "/", GroupId: g, Arn: `arn:aws:iam::123456789012:group/${g}`, CreateDate: new Date(0) }));
    return { Groups, IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  #group(name: string | undefined) {
    const group = name === undefined ? undefined : this.groups.get(name);
    if (group === undefined) throw noSuchEntity(`The group with name ${String(name)} cannot be found.`);
    return group;
  }
  async listGroupPolicies(input: Parameters<IamApi["listGroupPolicies"]>[0]) {
    await this.#enter("ListGroupPolicies", input);
    const p = page([...this.#group(input.GroupName).inline.keys()], input.Marker, this.pageSize);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async getGroupPolicy(input: Parameters<IamApi["getGroupPolicy"]>[0]) {
    await this.#enter("GetGroupPolicy", input);
    const doc = this.#group(input.GroupName).inline.get(input.PolicyName ?? "");
    if (doc === undefined) throw noSuchEntity(`The group policy with name ${String(input.PolicyName)} cannot be found.`);
    // IAM returns documents URL-encoded, and the SDK passes them on as sent.
    return { GroupName: input.GroupName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(doc), $metadata: {} };
  }
  async listAttachedGroupPolicies(input: Parameters<IamApi["listAttachedGroupPolicies"]>[0]) {
    await this.#enter("ListAttachedGroupPolicies", input);
    const p = page(this.#group(input.GroupName).attached, input.Marker, this.pageSize);
    return { AttachedPolicies: p.items.map((arn) => ({ PolicyArn: arn })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async deleteLoginProfile(input: Parameters<IamApi["deleteLoginProfile"]>[0]) {
    await this.#enter("DeleteLoginProfile", input);
    const user = this.#user(input.UserName);
    if (!user.loginProfile) throw noSuchEntity(`Login Profile for User ${String(input.UserName)} cannot be found.`);
    user.loginProfile = false;
    return { $metadata: {} };
  }
  async listMFADevices(input: Parameters<IamApi["listMFADevices"]>[0]) {
    await this.#enter("ListMFADevices", input);
    const p = page([...this.#user(input.UserName).mfaDevices], input.Marker, this.pageSize);
    return { MFADevices: p.items.map((s) => ({ UserName: input.UserName, SerialNumber: s, EnableDate: new Date(0) })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async deactivateMFADevice(input: Parameters<IamApi["deactivateMFADevice"]>[0]) {
    await this.#enter("DeactivateMFADevice", input);
    if (!this.#user(input.UserName).mfaDevices.delete(input.SerialNumber ?? "")) throw noSuchEntity(`MFA device ${String(input.SerialNumber)} not found.`);
    return { $metadata: {} };
  }
  async deleteVirtualMFADevice(input: Parameters<IamApi["deleteVirtualMFADevice"]>[0]) {
    await this.#enter("DeleteVirtualMFADevice", input);
    if (!this.virtualMfa.delete(input.SerialNumber ?? "")) throw noSuchEntity(`VirtualMFADevice ${String(input.SerialNumber)} not found.`);
    return { $metadata: {} };
  }
  async listSSHPublicKeys(input: Parameters<IamApi["listSSHPublicKeys"]>[0]) {
    await this.#enter("ListSSHPublicKeys", input);
    const p = page([...this.#user(input.UserName).sshKeys], input.Marker, this.pageSize);
    return { SSHPublicKeys: p.items.map((id) => ({ UserName: input.UserName, SSHPublicKeyId: id, Status: "Active" as const, UploadDate: new Date(0) })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async deleteSSHPublicKey(input: Parameters<IamApi["deleteSSHPublicKey"]>[0]) {
    await this.#enter("DeleteSSHPublicKey", input);
    if (!this.#user(input.UserName).sshKeys.delete(input.SSHPublicKeyId ?? "")) throw noSuchEntity("SSH key not found.");
    return { $metadata: {} };
  }
  async listSigningCertificates(input: Parameters<IamApi["listSigningCertificates"]>[0]) {
    await this.#enter("ListSigningCertificates", input);
    const p = page([...this.#user(input.UserName).signingCerts], input.Marker, this.pageSize);
    return { Certificates: p.items.map((id) => ({ UserName: input.UserName, CertificateId: id, CertificateBody: "-----", Status: "Active" as const })), IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async deleteSigningCertificate(input: Parameters<IamApi["deleteSigningCertificate"]>[0]) {
    await this.#enter("DeleteSigningCertificate", input);
    if (!this.#user(input.UserName).signingCerts.delete(input.CertificateId ?? "")) throw noSuchEntity("Certificate not found.");
    return { $metadata: {} };
  }
  async listServiceSpecificCredentials(input: Parameters<IamApi["listServiceSpecificCredentials"]>[0]) {
    await this.#enter("ListServiceSpecificCredentials", input);
    const p = page([...this.#user(input.UserName).serviceCreds], input.Marker, this.pageSize);
    const ServiceSpecificCredentials = p.items.map((id) => ({
      UserName: input.UserName, ServiceSpecificCredentialId: id, ServiceName: "codecommit.amazonaws.com", ServiceUserName: "u-at-1", Status: "Active" as const, CreateDate: new Date(0),
    }));
    return { ServiceSpecificCredentials, IsTruncated: p.IsTruncated, Marker: p.Marker, $metadata: {} };
  }
  async deleteServiceSpecificCredential(input: Parameters<IamApi["deleteServiceSpecificCredential"]>[0]) {
    await this.#enter("DeleteServiceSpecificCredential", input);
    if (!this.#user(input.UserName).serviceCreds.delete(input.ServiceSpecificCredentialId ?? "")) throw noSuchEntity("Credential not found.");
    return { $metadata: {} };
  }
}

/** A valid MFA code for the fake's GetSessionToken. */
export const GOOD_MFA_CODE = "123456";

export class FakeSts implements StsApi {
  /** Roles that may be assumed. */
  readonly roles = new Set<string>(["arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/reader"]);
  readonly assumeRoleInputs: Parameters<StsApi["assumeRole"]>[0][] = [];
  readonly federationInputs: Parameters<StsApi["getFederationToken"]>[0][] = [];
  readonly sessionInputs: Parameters<StsApi["getSessionToken"]>[0][] = [];
  #seq = 0;

  constructor(private readonly now: () => Date) {}

  #credentials(seconds: number | undefined) {
    this.#seq += 1;
    const id = `ASIA${String(this.#seq).padStart(16, "0")}`;
    return { AccessKeyId: id, SecretAccessKey: `secret-${id}`, SessionToken: `token-${id}`, Expiration: new Date(this.now().getTime() + (seconds ?? 3600) * 1000) };
  }

  async assumeRole(input: Parameters<StsApi["assumeRole"]>[0]) {
    this.assumeRoleInputs.push(input);
    if (!this.roles.has(input.RoleArn ?? "")) {
      throw stsError("AccessDenied", `not authorized to perform: sts:AssumeRole on resource: ${String(input.RoleArn)}`);
    }
    const role = (input.RoleArn ?? "").split("/").pop() ?? "";
    return {
      Credentials: this.#credentials(input.DurationSeconds),
      AssumedRoleUser: { AssumedRoleId: `AROA:${String(input.RoleSessionName)}`, Arn: `arn:aws:sts::123456789012:assumed-role/${role}/${String(input.RoleSessionName)}` },
      $metadata: {},
    };
  }
  async getFederationToken(input: Parameters<StsApi["getFederationToken"]>[0]) {
    this.federationInputs.push(input);
    return { Credentials: this.#credentials(input.DurationSeconds), FederatedUser: { FederatedUserId: `123456789012:${String(input.Name)}`, Arn: "arn" }, $metadata: {} };
  }
  async getSessionToken(input: Parameters<StsApi["getSessionToken"]>[0]) {
    this.sessionInputs.push(input);
    if (input.SerialNumber !== undefined && input.TokenCode !== GOOD_MFA_CODE) {
      throw stsError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.");
    }
    return { Credentials: this.#credentials(input.DurationSeconds), $metadata: {} };
  }
  async getCallerIdentity() {
    return { Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/vault", UserId: "AIDA", $metadata: {} };
  }
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silentLogger };

/** A recording logger, to check warnings. */
export function recordingLogger(lines: string[]): Logger {
  const self: Logger = {
    trace() {}, debug() {}, info() {}, error() {},
    warn: (message) => void lines.push(message),
    named: () => self,
  };
  return self;
}

/** The clock every part of a test shares; `advance` moves it. */
export class TestClock {
  constructor(public current = new Date("2030-01-01T00:00:00Z")) {}
  readonly now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Harness {
  ctx: AwsSecretsContext;
  iam: FakeIam;
  sts: FakeSts;
  storage: InmemStorage;
  clock: TestClock;
  backend: FrameworkBackend;
  /** A request against the backend with the harness storage. */
  request(fields: Partial<Request> & Pick<Request, "operation" | "path">): Request;
}

/** Builds the fakes, a context over them and a backend with exactly this feature's parts. */
export function harness(options: { system?: SystemView; logger?: Logger; storage?: Storage } = {}): Harness {
  const storage = new InmemStorage();
  const clock = new TestClock();
  const iam = new FakeIam();
  const sts = new FakeSts(clock.now);
  const clients: AwsClients = {
    iam: async () => iam,
    sts: async () => sts,
    freshIam: async () => iam,
    reset() {},
  };
  const system = options.system ?? new StaticSystemView();
  const logger = options.logger ?? silentLogger;
  const backendStorage = options.storage ?? storage;
  const ctx: AwsSecretsContext = { system, logger, clients, storage: backendStorage, now: clock.now };
  const backend = defineBackend(
    {
      type: "logical",
      help: "test",
      paths: [credsPath(ctx)],
      secrets: [accessKeysSecret(ctx)],
      walRollback: walRollbacks(ctx),
      walRollbackMinAgeMs: AWS_USER_ROLLBACK_MIN_AGE_MS,
    },
    { storage: backendStorage, system, logger, backendUuid: "test", config: {} },
  );
  return {
    ctx, iam, sts, storage, clock, backend,
    request: (fields) => newRequest({ storage: backendStorage, displayName: "token", ...fields }),
  };
}

/** Stores a role the way Vault's engine does (`role/<name>`, upstream's awsRoleEntry JSON). */
export async function putRole(storage: Storage, name: string, role: Record<string, unknown>): Promise<void> {
  await putJson(storage, `role/${name}`, {
    credential_types: [], policy_arns: null, role_arns: null, policy_document: "", iam_groups: null, iam_tags: null,
    version: 3, default_sts_ttl: 0, max_sts_ttl: 0, user_path: "", permissions_boundary_arn: "", ...role,
  });
}

export const NS_PER_S = 1_000_000_000n;
