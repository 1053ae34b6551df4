// The access list, the deny list and their tidy as one piece of the backend: paths (new names
// and the pre-1.7 ones), the periodic tidy and its clean-up. State is per mount (this object).
import { KeyedLock, primaryOwnsMountData, type BackendSpec, type FieldSchemas, type PathSpec } from "../../framework/index.js";
import { ReadOnlyError, type Request } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { tidyAccessListConfigEntry, tidyDenyListConfigEntry } from "./config-storage.js";
import { deprecatedVariant } from "./deprecated-path.js";
import { ListTidy, type ListName } from "./list-tidy.js";
import { configTidyAccessListPath, configTidyDenyListPath, DEFAULT_ACCESS_LIST_SAFETY_BUFFER, DEFAULT_DENY_LIST_SAFETY_BUFFER } from "./path-config-tidy.js";
import { identityAccessListListPath, identityAccessListPath } from "./path-identity-accesslist.js";
import { roletagDenyListListPath, roletagDenyListPath, type RoleTagVerifier } from "./path-roletag-denylist.js";
import { startTidy, tidyAccessListPath, tidyDenyListPath } from "./path-tidy.js";

/** The periodic tidy runs at most this often (upstream's tidyCooldownPeriod). */
export const TIDY_COOLDOWN_MS = 60 * 60 * 1000;

export interface ListsFeature {
  paths: BackendSpec["paths"];
  /** The hourly tidy, called from the backend's periodic function. */
  periodic: (request: Request) => Promise<void>;
  /** Stops running tidies (the mount's clean-up). */
  clean: () => Promise<void>;
  /** The mount's tidy runs. */
  tidy: ListTidy;
}

export function listsFeature(ctx: AwsAuthContext, verifyRoleTag: RoleTagVerifier): ListsFeature {
  const tidy = new ListTidy(ctx.storage, ctx.logger, ctx.now);
  const lock = new KeyedLock();
  let nextTidyAt: number | undefined;

  // New name, then the old one, pair by pair as upstream lists them; a list path comes before its
  // item path, whose pattern would also match the bare folder.
  const pairs: PathSpec<FieldSchemas>[] = [
    configTidyDenyListPath(lock),
    configTidyAccessListPath(lock),
    roletagDenyListListPath,
    roletagDenyListPath({ system: ctx.system, now: ctx.now, verifyRoleTag, lock }),
    tidyDenyListPath(ctx.system, tidy),
    identityAccessListListPath,
    identityAccessListPath,
    tidyAccessListPath(ctx.system, tidy),
  ] as PathSpec<FieldSchemas>[];
  const paths = pairs.flatMap((path) => [path, deprecatedVariant(path)]);

  // Upstream ignores what the tidy functions answer here (busy, or read-only on a standby).
  const startQuietly = async (list: ListName, buffer: number): Promise<void> => {
    try {
      await startTidy(ctx.system, tidy, list, buffer);
    } catch (error) {
      if (!(error instanceof ReadOnlyError)) throw error;
    }
  };

  const periodic = async (request: Request): Promise<void> => {
    if (nextTidyAt !== undefined && ctx.now().getTime() < nextTidyAt) return;
    // The deny list is replicated: only the node that owns the mount's data tidies it.
    if (!(await primaryOwnsMountData(ctx.system))) {
      const config = await tidyDenyListConfigEntry.get(request.storage);
      if (config?.disable_periodic_tidy !== true) await startQuietly("denyList", config?.safety_buffer ?? DEFAULT_DENY_LIST_SAFETY_BUFFER);
    }
    // The access list is local storage: every node tidies its own.
    const config = await tidyAccessListConfigEntry.get(request.storage);
    if (config?.disable_periodic_tidy !== true) await startQuietly("accessList", config?.safety_buffer ?? DEFAULT_ACCESS_LIST_SAFETY_BUFFER);
    nextTidyAt = ctx.now().getTime() + TIDY_COOLDOWN_MS;
  };

  return { paths, periodic, clean: () => tidy.stop(), tidy };
}
