// The one-time storage upgrade upstream runs when a mount initializes: every role is rewritten at
// role storage version 3 (role-upgrade.ts), then `config/version` records that the mount's
// storage is current, so later starts skip the walk. Version-0 iam roles get their principal's
// unique ID resolved, as upstream's upgrade does.
import { goQuote, jsonEntry, writeSafeReplicationState, type KeyedLock } from "../../framework/index.js";
import type { Storage } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { needsPrincipalIdResolution } from "./role-upgrade.js";
import { ROLE_STORAGE_VERSION } from "./role-model.js";
import { listRoles, readRawRole, roleFromStorage, storedRoleVersion, writeRole } from "./role-storage.js";
import { STORAGE } from "./storage-keys.js";
import { asObject, storedBool, storedInt, storedString } from "../../framework/stored-json.js";
import { resolveArnToUniqueId } from "./unique-ids.js";

/** The mount-wide storage version this code writes (upstream's currentAwsVersion). */
export const MOUNT_STORAGE_VERSION = 1;

const versionEntry = jsonEntry(STORAGE.version, (value) => ({ version: storedInt(asObject(value), "version") }));

/** Rewrites one role at version 3 if it is older; true when it did. */
async function upgradeOne(ctx: AwsAuthContext, storage: Storage, name: string, signal: AbortSignal | undefined): Promise<boolean> {
  const raw = await readRawRole(storage, name);
  if (raw === undefined) return false;
  const version = storedRoleVersion(raw);
  if (version >= ROLE_STORAGE_VERSION) {
    roleFromStorage(raw); // refuses versions newer than this code knows
    return false;
  }
  const role = roleFromStorage(raw);
  const stored = asObject(raw);
  const legacyArn = storedString(stored, "bound_iam_principal_arn");
  const needsId = needsPrincipalIdResolution({
    version,
    authType: storedString(stored, "auth_type"),
    resolveAwsUniqueIds: storedBool(stored, "resolve_aws_unique_ids"),
    arn: legacyArn,
    id: storedString(stored, "bound_iam_principal_id"),
  });
  if (needsId) role.boundIamPrincipalIds = [await resolveArnToUniqueId(ctx.clients, legacyArn, signal === undefined ? {} : { signal })];
  await writeRole(storage, name, role);
  return true;
}

/**
 * Upgrades every role not yet at version 3 and records `config/version`. A role that fails (its
 * principal cannot be resolved, its JSON is damaged) does not stop the others; the version is
 * then not recorded, so the next start tries again, and the failures are thrown together.
 * Returns whether anything was upgraded. `locks` are the role paths' per-role write locks.
 */
export async function upgradeRoleStorage(ctx: AwsAuthContext, storage: Storage, locks: KeyedLock, signal?: AbortSignal): Promise<boolean> {
  const version = (await versionEntry.get(storage))?.version ?? 0;
  if (version === MOUNT_STORAGE_VERSION) return false;
  if (version !== 0) throw new Error(`unrecognized role version: ${version}`);
  const failures: string[] = [];
  for (const name of await listRoles(storage)) {
    signal?.throwIfAborted();
    try {
      await locks.run(name, () => upgradeOne(ctx, storage, name, signal));
    } catch (err) {
      failures.push(`role ${goQuote(name)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) throw new Error(`error upgrading roleEntry: ${failures.join("; ")}`);
  await versionEntry.put(storage, { version: MOUNT_STORAGE_VERSION });
  return true;
}

/**
 * Starts the upgrade in the background, as upstream does, on a node that may write the mount's
 * storage; the returned controller stops it (backend clean-up). Failures are logged.
 */
export async function startRoleStorageUpgrade(ctx: AwsAuthContext, storage: Storage, locks: KeyedLock): Promise<AbortController | undefined> {
  if (!(await writeSafeReplicationState(ctx.system))) return undefined;
  const controller = new AbortController();
  const logger = ctx.logger.named("initialize");
  upgradeRoleStorage(ctx, storage, locks, controller.signal).then(
    (upgraded) => {
      if (upgraded) logger.info("an upgrade was performed during initialization");
    },
    (err: unknown) => {
      if (!controller.signal.aborted) logger.error("error running initialization", { error: err instanceof Error ? err.message : String(err) });
    },
  );
  return controller;
}
