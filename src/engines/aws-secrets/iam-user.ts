// Dynamic IAM users (credential_type iam_user): creation bracketed by a WAL entry, and the
// teardown shared by lease revocation and WAL rollback (≈ upstream secret_access_keys.go
// secretAccessKeysCreate and path_user.go pathUserRollback). Unlike upstream, the teardown also
// removes what an operator or the user may have added after creation — login profile, MFA devices,
// SSH keys, signing certificates, service-specific credentials — because IAM refuses DeleteUser
// (DeleteConflict) while any of them remain and the lease then fails forever (vault#16685).
import { deleteWal, KeyedLock, putWal } from "../../framework/index.js";
import { LogicalError, UserError, type Request } from "../../logical/index.js";
import { awsErrorCode, awsFailure, awsHttpStatus, isNoSuchEntity } from "../../aws/errors.js";
import type { IamApi } from "./aws-api.js";
import { readRootConfig } from "./config-root-storage.js";
import type { AwsSecretsContext } from "./context.js";
import type { RoleEntry } from "./model.js";
import { DEFAULT_USERNAME_TEMPLATE, generateUsername, UsernameError } from "./username.js";

/**
 * Upstream's `minAwsUserRollbackAge`: a WAL entry is rolled back, and a revoked lease may treat
 * NoSuchEntity as "already gone", only once this much time has passed since the user was created.
 * IAM is eventually consistent, so a user created seconds ago can still answer NoSuchEntity; taking
 * that at face value would make Vault forget a user that really exists.
 */
export const AWS_USER_ROLLBACK_MIN_AGE_MS = 5 * 60 * 1000;

/** The WAL kinds this engine writes (one today: a user that may be half-created). */
export type AwsWalKind = "user";

/** The kind of the WAL entry guarding a user creation (upstream's "user"). */
export const USER_WAL_KIND: AwsWalKind = "user";

/** The key pair of a freshly created user. */
export interface IamUserCredentials {
  username: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A created user, still guarded by its WAL entry: the caller commits it (deleteWalAfterReply). */
export interface IamUserCreation extends IamUserCredentials {
  walId: string;
}

/** How a teardown was triggered; decides whether a missing user counts as success. */
export interface DeleteIamUserOptions {
  /** True for a WAL rollback: the entry is already older than the minimum age. */
  fromRollback: boolean;
  /** When the lease being revoked was issued; absent (or Go's zero time) means "long ago". */
  leaseIssued?: Date | undefined;
  /** The revoke's or rollback's cancellation: Vault retries both, so stopping early is safe. */
  signal?: AbortSignal | undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates an IAM user for `role` and one access key for it. The WAL entry `{UserName}` is written
 * before CreateUser: written after, a failed WAL write would leave a user nobody knows about. If
 * AWS refuses CreateUser the entry is removed at once (nothing to roll back); any other failure,
 * a cancelled request included, leaves it, so the rollback tears the user down once the entry is
 * old enough. On success the entry is still there: the caller removes it only once the keys have
 * been handed to Vault (deleteWalAfterReply), because until Vault records the lease the entry is
 * the user's only record.
 *
 * `request.signal` aborts every AWS call and stops the creation at the next step.
 * Throws UserError for input problems (username template, length) and classified AWS errors,
 * prefixed with upstream's step texts ("Error creating IAM user: …").
 */
export async function createIamUser(
  ctx: AwsSecretsContext,
  request: Request,
  role: RoleEntry,
  roleName: string,
): Promise<IamUserCreation> {
  const { signal } = request;
  let iam: IamApi;
  try {
    iam = await ctx.clients.iam(signal);
  } catch (err) {
    // Upstream answers a client that cannot be built as a user-facing error (bad config/root).
    throw new UserError(messageOf(err));
  }
  const config = await readRootConfig(request.storage);
  const template = config?.usernameTemplate || DEFAULT_USERNAME_TEMPLATE;
  let username: string;
  try {
    username = generateUsername({ template, type: "IAM", displayName: request.displayName, policyName: roleName, now: ctx.now() });
  } catch (err) {
    // Template errors and over-long names are the operator's to fix: a 400, before any AWS call.
    if (err instanceof UsernameError) throw new UserError(err.message);
    throw err;
  }

  signal?.throwIfAborted();
  const walId = await putWal(request.storage, USER_WAL_KIND, { UserName: username }, { now: ctx.now() });
  try {
    signal?.throwIfAborted();
    await iam.createUser({
      UserName: username,
      Path: role.userPath || "/",
      ...(role.permissionsBoundaryArn === "" ? {} : { PermissionsBoundary: role.permissionsBoundaryArn }),
    });
  } catch (err) {
    // Only AWS's own refusal proves there is no user. An abort, a timeout or a lost connection may
    // come after IAM created it: the entry stays and the rollback finds out (fail closed).
    if (signal?.aborted === true || awsHttpStatus(err) === undefined) throw awsFailure("Error creating IAM user", err);
    try {
      await deleteWal(request.storage, walId);
    } catch (walErr) {
      throw new Error(`failed to delete WAL entry: ${messageOf(walErr)}`, { cause: walErr });
    }
    throw awsFailure("Error creating IAM user", err);
  }

  const step = <T>(prefix: string, call: () => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    return awsStep(prefix, call);
  };
  for (const policyArn of role.policyArns) {
    await step("Error attaching user policy", () => iam.attachUserPolicy({ UserName: username, PolicyArn: policyArn }));
  }
  if (role.policyDocument !== "") {
    // The inline policy is named after the Vault role, as upstream, so operators can trace it.
    await step("Error putting user policy", () =>
      iam.putUserPolicy({ UserName: username, PolicyName: roleName, PolicyDocument: role.policyDocument }),
    );
  }
  for (const group of role.iamGroups) {
    await step("Error adding user to group", () => iam.addUserToGroup({ UserName: username, GroupName: group }));
  }
  const tags = Object.entries(role.iamTags).map(([Key, Value]) => ({ Key, Value }));
  if (tags.length > 0) {
    // As upstream: a separate TagUser call (not Tags in CreateUser), so the call sequence an
    // operator's IAM policy and CloudTrail alerts were built for stays the same.
    await step("Error adding tags to user", () => iam.tagUser({ UserName: username, Tags: tags }));
  }

  const created = await step("Error creating access keys", () => iam.createAccessKey({ UserName: username }));
  const accessKeyId = created.AccessKey?.AccessKeyId;
  const secretAccessKey = created.AccessKey?.SecretAccessKey;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new Error(`CreateAccessKey for IAM user ${JSON.stringify(username)} returned no key`);
  }
  signal?.throwIfAborted();
  return { username, accessKeyId, secretAccessKey, walId };
}

/** Runs one AWS call of the creation, turning its failure into upstream's prefixed error. */
async function awsStep<T>(prefix: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw awsFailure(prefix, err);
  }
}

// One lock per mount context, keyed by user name: a lease revoke retried by Vault while the first
// attempt is still running, or a rollback racing a revoke, would otherwise interleave deletes and
// fail each other with NoSuchEntity/DeleteConflict noise.
const teardownLocks = new WeakMap<AwsSecretsContext, KeyedLock>();

function lockFor(ctx: AwsSecretsContext): KeyedLock {
  let lock = teardownLocks.get(ctx);
  if (lock === undefined) {
    lock = new KeyedLock();
    teardownLocks.set(ctx, lock);
  }
  return lock;
}

/**
 * Deletes IAM user `username` and everything attached to it. Resolves when the user is gone,
 * including when it was already gone — but a NoSuchEntity on the very first call is believed only
 * for a rollback or a lease issued more than AWS_USER_ROLLBACK_MIN_AGE_MS ago (upstream's rule).
 */
export async function deleteIamUser(ctx: AwsSecretsContext, username: string, options: DeleteIamUserOptions): Promise<void> {
  await lockFor(ctx).run(username, () => teardown(ctx, username, options));
}

function missingUserAccepted(ctx: AwsSecretsContext, options: DeleteIamUserOptions): boolean {
  if (options.fromRollback || options.leaseIssued === undefined) return true;
  // Go's zero issue time yields a huge age, so it is accepted as upstream does.
  return ctx.now().getTime() - options.leaseIssued.getTime() > AWS_USER_ROLLBACK_MIN_AGE_MS;
}

/** A paged IAM list response (every list call used here pages with Marker/IsTruncated). */
interface Paged {
  IsTruncated?: boolean | undefined;
  Marker?: string | undefined;
}

/** Every item of a paged IAM list call, following markers to the end (upstream reads one page). */
export async function listAllPages<O extends Paged, T>(call: (marker: string | undefined) => Promise<O>, items: (page: O) => readonly T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await call(marker);
    all.push(...(items(page) ?? []));
    // A truncated page without a marker would loop forever; IAM never sends one, but be safe.
    if (page.IsTruncated !== true || page.Marker === undefined || page.Marker === marker) return all;
    marker = page.Marker;
  }
}

const withMarker = (marker: string | undefined): { Marker?: string } => (marker === undefined ? {} : { Marker: marker });

const isAccessDenied = (err: unknown): boolean => awsErrorCode(err) === "AccessDenied";

/**
 * The endpoint cannot list this kind at all: IAM-compatible emulators (moto lacks
 * ListServiceSpecificCredentials) answer 5xx or an unknown-action code. Skipping the listing is
 * safe — if such an attachment exists, DeleteUser refuses with DeleteConflict and nothing leaks.
 */
const listingUnsupported = (err: unknown): boolean =>
  (awsHttpStatus(err) ?? 0) >= 500 || ["NotImplemented", "InvalidAction", "UnknownOperationException"].includes(awsErrorCode(err) ?? "");

/** Collects what the teardown had to skip, so a final DeleteConflict can say why. */
class TeardownNotes {
  readonly skipped: string[] = [];
}

/**
 * Lists and deletes one kind of attachment. A user that vanished meanwhile has nothing left
 * (NoSuchEntity). For the kinds upstream never touched, AccessDenied (on listing or deleting) is
 * tolerated: mounts
 * configured with upstream's documented IAM policy lack these permissions, and for the usual user
 * without such attachments DeleteUser succeeds anyway; if one does remain, DeleteUser reports the
 * conflict and the note explains it.
 */
async function clearKind<T>(
  notes: TeardownNotes,
  kind: string,
  optional: boolean,
  list: () => Promise<T[]>,
  remove: (item: T) => Promise<unknown>,
): Promise<void> {
  let items: T[];
  try {
    items = await list();
  } catch (err) {
    if (isNoSuchEntity(err)) return;
    if (optional && (isAccessDenied(err) || listingUnsupported(err))) {
      notes.skipped.push(`could not list ${kind}: ${messageOf(err)}`);
      return;
    }
    throw err;
  }
  for (const item of items) {
    try {
      await remove(item);
    } catch (err) {
      // Already gone (deleted concurrently, or the user itself vanished): nothing to do.
      if (isNoSuchEntity(err)) continue;
      if (optional && isAccessDenied(err)) {
        notes.skipped.push(`could not delete ${kind}: ${messageOf(err)}`);
        return;
      }
      throw err;
    }
  }
}

async function teardown(ctx: AwsSecretsContext, username: string, options: DeleteIamUserOptions): Promise<void> {
  const iam = await ctx.clients.iam(options.signal);
  const UserName = username;
  const fail = (err: unknown): LogicalError => awsFailure(`error deleting IAM user ${JSON.stringify(username)}`, err);

  // The first call doubles as the existence check, as upstream (see the min-age rule above).
  let groups: string[];
  try {
    groups = await listAllPages(
      (m) => iam.listGroupsForUser({ UserName, ...withMarker(m) }),
      (p) => p.Groups?.flatMap((g) => (g.GroupName === undefined ? [] : [g.GroupName])),
    );
  } catch (err) {
    if (isNoSuchEntity(err) && missingUserAccepted(ctx, options)) return;
    throw fail(err);
  }

  const notes = new TeardownNotes();
  try {
    // Credentials first: the point of a revoke is that the keys stop working as soon as possible.
    await clearKind(notes, "access keys", false,
      () => listAllPages((m) => iam.listAccessKeys({ UserName, ...withMarker(m) }), (p) => ids(p.AccessKeyMetadata, (k) => k.AccessKeyId)),
      (id) => iam.deleteAccessKey({ UserName, AccessKeyId: id }));
    await clearKind(notes, "login profile", true,
      // There is no list call: deleting an absent profile answers NoSuchEntity, which is fine.
      () => Promise.resolve([UserName]),
      (name) => iam.deleteLoginProfile({ UserName: name }));
    await clearKind(notes, "SSH public keys", true,
      () => listAllPages((m) => iam.listSSHPublicKeys({ UserName, ...withMarker(m) }), (p) => ids(p.SSHPublicKeys, (k) => k.SSHPublicKeyId)),
      (id) => iam.deleteSSHPublicKey({ UserName, SSHPublicKeyId: id }));
    await clearKind(notes, "signing certificates", true,
      () => listAllPages((m) => iam.listSigningCertificates({ UserName, ...withMarker(m) }), (p) => ids(p.Certificates, (c) => c.CertificateId)),
      (id) => iam.deleteSigningCertificate({ UserName, CertificateId: id }));
    await clearKind(notes, "service-specific credentials", true,
      () => listAllPages((m) => iam.listServiceSpecificCredentials({ UserName, ...withMarker(m) }), (p) => ids(p.ServiceSpecificCredentials, (c) => c.ServiceSpecificCredentialId)),
      (id) => iam.deleteServiceSpecificCredential({ UserName, ServiceSpecificCredentialId: id }));
    await clearKind(notes, "MFA devices", true,
      () => listAllPages((m) => iam.listMFADevices({ UserName, ...withMarker(m) }), (p) => ids(p.MFADevices, (d) => d.SerialNumber)),
      async (serial) => {
        await iam.deactivateMFADevice({ UserName, SerialNumber: serial });
        // A virtual device (serial is its ARN) would otherwise outlive the user, unassigned and
        // useless; a hardware device's serial is not an ARN and only needs deactivating.
        if (serial.startsWith("arn:")) await iam.deleteVirtualMFADevice({ SerialNumber: serial });
      });
    await clearKind(notes, "attached policies", false,
      () => listAllPages((m) => iam.listAttachedUserPolicies({ UserName, ...withMarker(m) }), (p) => ids(p.AttachedPolicies, (a) => a.PolicyArn)),
      (arn) => iam.detachUserPolicy({ UserName, PolicyArn: arn }));
    await clearKind(notes, "inline policies", false,
      () => listAllPages((m) => iam.listUserPolicies({ UserName, ...withMarker(m) }), (p) => p.PolicyNames),
      (name) => iam.deleteUserPolicy({ UserName, PolicyName: name }));
    await clearKind(notes, "groups", false, () => Promise.resolve(groups), (group) => iam.removeUserFromGroup({ UserName, GroupName: group }));
  } catch (err) {
    throw fail(err);
  }

  try {
    await iam.deleteUser({ UserName });
  } catch (err) {
    // Gone already (a concurrent teardown got there first): revoked all the same.
    if (isNoSuchEntity(err)) return;
    const failure = fail(err);
    if (notes.skipped.length === 0) throw failure;
    throw new LogicalError(failure.kind, `${failure.message} (${notes.skipped.join("; ")})`, failure.code);
  }
  if (notes.skipped.length > 0) ctx.logger.warn("IAM user deleted; some attachment kinds could not be listed", { username, skipped: notes.skipped.join("; ") });
}

/** The defined ids of a page's items. */
function ids<T>(items: readonly T[] | undefined, id: (item: T) => string | undefined): string[] {
  return (items ?? []).flatMap((item) => {
    const value = id(item);
    return value === undefined ? [] : [value];
  });
}
