// Rotation of static-role access keys (≈ upstream rotation.go and the queue half of backend.go).
//
// Each mount keeps an in-memory schedule of (role name → next rotation time). It lives only in
// memory, as upstream's priority queue does: `rebuild` recreates it from storage when the backend
// initializes, and Vault's periodic `rollback` call (about once a minute) runs `rotateDue`.
//
// Key policy (deliberately upstream's, vault#27477): a rotation adds a new key and deletes nothing,
// unless the user already holds IAM's maximum of two keys; then the *oldest* goes first. Normally
// that is the key handed out the period before, so the key a client last fetched from
// static-creds keeps working for one more period — a grace window clients rely on. A user that
// had one key when adopted ends up with two, and loses that pre-existing key at the first
// rotation; Vault documents this as adopting the user's keys. Deleting only "our" key instead
// would be a behaviour change for existing mounts, so it is not done.
import type { AccessKeyMetadata } from "@aws-sdk/client-iam";
import { awsFailure, classifyAwsError, isNoSuchEntity } from "../../aws/errors.js";
import { goQuote, KeyedLock, multiErrorText } from "../../framework/index.js";
import { LogicalError, type Storage } from "../../logical/index.js";
import type { IamApi } from "./aws-api.js";
import type { AwsSecretsContext } from "./context.js";
import {
  getStaticCreds,
  getStaticRole,
  listStaticRoles,
  periodMs,
  putStaticCreds,
  putStaticRole,
  type StaticCreds,
  type StaticRole,
} from "./static-storage.js";

/** How long a failed rotation waits before the next attempt (upstream: 10 s). */
export const ROTATION_RETRY_BACKOFF_MS = 10_000;

/** IAM's limit of access keys per user. */
export const MAX_ACCESS_KEYS_PER_USER = 2;

/** A problem with the role's IAM user that the operator must fix (answered with HTTP 400 by paths). */
export class StaticRoleUserError extends Error {
  override readonly name = "StaticRoleUserError";
}

/** Vault CE's answer to cross-account static roles (path_static_roles_ce.go, client_ce.go). */
export const ENTERPRISE_ONLY_MESSAGE = "cross-account static roles are only supported in Vault Enterprise";

/**
 * A fresh, uncached IAM client for the role, as upstream uses for every static-role call. A role
 * an Enterprise cluster stored with `assume_role_arn` lives in another account; acting on it with
 * this mount's own credentials would address the wrong user, so it is refused as Vault CE does.
 */
export async function freshIamFor(ctx: AwsSecretsContext, role: StaticRole): Promise<IamApi> {
  if (role.assumeRoleArn !== "") throw new StaticRoleUserError(ENTERPRISE_ONLY_MESSAGE);
  return ctx.clients.freshIam();
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Adds context to an error without changing how it is answered. */
export function withContext(prefix: string, err: unknown): Error {
  const message = `${prefix}: ${messageOf(err)}`;
  if (err instanceof StaticRoleUserError) return new StaticRoleUserError(message);
  if (err instanceof LogicalError) return new LogicalError(err.kind, message, err.code);
  return new Error(message, { cause: err });
}

/**
 * Looks the role's user up in IAM and returns its UserId. The name must come back unchanged, and
 * with `expectedId` set the UserId must equal it: a user deleted and re-created under the same name
 * gets a new UserId, and must not silently inherit the role.
 */
export async function validateIamUser(iam: IamApi, username: string, expectedId: string | undefined): Promise<string> {
  const prefix = `unable to validate username ${goQuote(username)}`;
  let user;
  try {
    user = (await iam.getUser({ UserName: username })).User;
  } catch (err) {
    if (isNoSuchEntity(err)) throw new StaticRoleUserError(`${prefix}: ${classifyAwsError(err).message}`);
    throw awsFailure(prefix, err);
  }
  if (user?.UserName === undefined || user.UserId === undefined) throw new StaticRoleUserError(`${prefix}: AWS returned no user`);
  if (user.UserName !== username) {
    throw new StaticRoleUserError(
      `AWS GetUser returned a username, but it didn't match: ${goQuote(username)} was requested, but ${goQuote(user.UserName)} was returned`,
    );
  }
  if (expectedId !== undefined && user.UserId !== expectedId) {
    throw new StaticRoleUserError(
      `AWS GetUser returned a user, but the ID did not match: ${goQuote(expectedId)} was requested, but ${goQuote(user.UserId)} was returned`,
    );
  }
  return user.UserId;
}

/** The key IAM created first; with equal or missing dates the earlier listed one, as upstream. */
function oldestKey(keys: readonly AccessKeyMetadata[]): AccessKeyMetadata | undefined {
  let oldest: AccessKeyMetadata | undefined;
  for (const key of keys) {
    if (oldest === undefined || (key.CreateDate?.getTime() ?? 0) < (oldest.CreateDate?.getTime() ?? 0)) oldest = key;
  }
  return oldest;
}

/** Fresh credentials with the time they are due for rotation. */
export type RotatedCreds = StaticCreds & { expiration: Date };

/**
 * Creates a new key pair for the role's user and stores it (≈ upstream createCredential). The
 * caller holds the role's lock. Uses a fresh IAM client, as upstream does for every static-role
 * call. Roles written by Vault 1.14, which did not record the UserId, adopt the current one here.
 */
export async function rotateStaticKey(ctx: AwsSecretsContext, storage: Storage, role: StaticRole): Promise<RotatedCreds> {
  let iam: IamApi;
  try {
    iam = await freshIamFor(ctx, role);
  } catch (err) {
    throw withContext(`failed to get IAM client for role ${goQuote(role.name)}`, err);
  }

  let userId: string;
  try {
    userId = await validateIamUser(iam, role.username, role.id === "" ? undefined : role.id);
  } catch (err) {
    throw withContext("iam user didn't exist, or username/userid didn't match", err);
  }
  if (role.id === "") await putStaticRole(storage, { ...role, id: userId });

  let keys: AccessKeyMetadata[];
  try {
    keys = (await iam.listAccessKeys({ UserName: role.username })).AccessKeyMetadata ?? [];
  } catch (err) {
    throw awsFailure(`unable to list existing access keys for IAM user ${goQuote(role.username)}`, err);
  }
  // At the limit a key must go before a new one can be created; the oldest is the one nobody
  // should still be using (see the module comment).
  const oldest = keys.length >= MAX_ACCESS_KEYS_PER_USER ? oldestKey(keys) : undefined;
  if (oldest !== undefined) {
    try {
      await iam.deleteAccessKey({ AccessKeyId: oldest.AccessKeyId, UserName: oldest.UserName ?? role.username });
    } catch (err) {
      throw awsFailure(`unable to delete oldest access keys for user ${goQuote(role.username)}`, err);
    }
  }

  let created;
  try {
    created = (await iam.createAccessKey({ UserName: role.username })).AccessKey;
  } catch (err) {
    throw awsFailure(`unable to create new access keys for user ${goQuote(role.username)}`, err);
  }
  if (created?.AccessKeyId === undefined || created.SecretAccessKey === undefined) {
    throw new Error(`AWS CreateAccessKey returned no key for user ${goQuote(role.username)}`);
  }
  const creds: RotatedCreds = {
    accessKeyId: created.AccessKeyId,
    secretAccessKey: created.SecretAccessKey,
    expiration: new Date(ctx.now().getTime() + periodMs(role)),
  };
  try {
    await putStaticCreds(storage, role.name, creds);
  } catch (err) {
    // A key no storage entry records would never be shown, rotated or deleted: take it back, as
    // rotate-root does. (Upstream leaves it; IAM's two-key limit then bites the next rotation.)
    await iam.deleteAccessKey({ AccessKeyId: created.AccessKeyId, UserName: role.username }).catch((cleanup: unknown) => {
      ctx.logger.warn("could not delete the new access key after failing to store it", { role: role.name, error: String(cleanup) });
    });
    throw err;
  }
  return creds;
}

/**
 * The mount's rotation schedule. One instance per backend; its `locks` serialise everything that
 * touches one role (rotation, role writes and deletes), so a rotation never interleaves with an
 * update or delete of the same role.
 */
export class StaticRotationQueue {
  /** Per-role mutual exclusion shared with the static-role paths. */
  readonly locks = new KeyedLock();
  readonly #ctx: AwsSecretsContext;
  /** Role name → next rotation, in epoch milliseconds. */
  readonly #due = new Map<string, number>();
  #rotating = false;

  constructor(ctx: AwsSecretsContext) {
    this.#ctx = ctx;
  }

  /** Number of scheduled roles. */
  get size(): number {
    return this.#due.size;
  }

  /** When `name` is next rotated, if scheduled. */
  nextRotation(name: string): Date | undefined {
    const at = this.#due.get(name);
    return at === undefined ? undefined : new Date(at);
  }

  /** Schedules (or reschedules) `name`; a role appears at most once. */
  schedule(name: string, at: Date): void {
    this.#due.set(name, at.getTime());
  }

  /** Drops `name` from the schedule. */
  remove(name: string): void {
    this.#due.delete(name);
  }

  /**
   * Recreates the schedule from storage (≈ upstream initialize): each role is due at its stored
   * `expiration`; creds written before Vault stored one get now + period (persisted, so
   * static-creds shows it); a role without creds — its first key pair failed — is due at once.
   * Broken entries are skipped and reported together after the rest are scheduled.
   */
  async rebuild(storage: Storage = this.#ctx.storage): Promise<void> {
    this.#due.clear();
    const names = await listStaticRoles(storage);
    this.#ctx.logger.info("populating rotation queue", { roles: names.length });
    const failures: string[] = [];
    for (const name of names) {
      try {
        await this.locks.run(name, () => this.#restore(storage, name));
      } catch (err) {
        failures.push(`role ${goQuote(name)}: ${messageOf(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`failed to populate the static-role rotation queue: ${multiErrorText(failures)}`);
  }

  async #restore(storage: Storage, name: string): Promise<void> {
    const role = await getStaticRole(storage, name);
    if (role === undefined) return;
    const creds = await getStaticCreds(storage, name);
    const now = this.#ctx.now();
    if (creds === undefined) {
      this.#due.set(name, now.getTime());
      return;
    }
    let expiration = creds.expiration;
    if (expiration === undefined) {
      expiration = new Date(now.getTime() + periodMs(role));
      await putStaticCreds(storage, name, { ...creds, expiration });
      this.#ctx.logger.debug("no known expiration time for credentials so resetting the expiration", { role: name });
    }
    this.#due.set(name, expiration.getTime());
  }

  /**
   * Rotates every role whose time has come (≈ upstream rotateExpiredStaticCreds), earliest first.
   * A failure re-queues that role 10 s later and the run goes on; all failures are thrown together
   * at the end. A run that starts while another is still going returns at once, so two periodic
   * calls never rotate the same role twice.
   */
  async rotateDue(storage: Storage = this.#ctx.storage): Promise<void> {
    if (this.#rotating) {
      this.#ctx.logger.debug("static-role rotation already running; skipping this round");
      return;
    }
    this.#rotating = true;
    try {
      const now = this.#ctx.now().getTime();
      const due = [...this.#due]
        .filter(([, at]) => at <= now)
        .sort(([, a], [, b]) => a - b)
        .map(([name]) => name);
      const failures: string[] = [];
      for (const name of due) {
        const failure = await this.locks.run(name, () => this.#rotateOne(storage, name));
        if (failure !== undefined) failures.push(failure);
      }
      if (failures.length > 0) throw new Error(`error(s) occurred while rotating expired static credentials: ${multiErrorText(failures)}`);
    } finally {
      this.#rotating = false;
    }
  }

  /** Rotates one role under its lock; returns the failure text, if any. */
  async #rotateOne(storage: Storage, name: string): Promise<string | undefined> {
    // Re-checked under the lock: an update may have rescheduled the role, a delete removed it.
    const at = this.#due.get(name);
    if (at === undefined || at > this.#ctx.now().getTime()) return undefined;
    try {
      const role = await getStaticRole(storage, name);
      if (role === undefined) {
        this.#due.delete(name);
        return undefined;
      }
      this.#ctx.logger.debug("rotating credential", { role: name });
      const creds = await rotateStaticKey(this.#ctx, storage, role);
      this.#due.set(name, creds.expiration.getTime());
      return undefined;
    } catch (err) {
      const message = messageOf(err);
      this.#ctx.logger.error("failed to create credential, re-queueing", { role: name, error: message });
      this.#due.set(name, this.#ctx.now().getTime() + ROTATION_RETRY_BACKOFF_MS);
      return message;
    }
  }
}
