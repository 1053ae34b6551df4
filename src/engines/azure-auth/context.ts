// Per-mount state of the Azure auth method: two mounts served by one process never share
// clients, key sets or caches.
import type { Logger, Storage, SystemView } from "../../logical/index.js";
import type { AzureAuthClients } from "./azure-api.js";

export interface AzureAuthContext {
  system: SystemView;
  logger: Logger;
  /** Built from the mount's config (and the environment), reset when it changes. */
  clients: AzureAuthClients;
  /** The mount's storage (for background work: the periodic completion of rotate-root). */
  storage: Storage;
  /** Injected clock, so expirations are deterministic in tests. */
  now: () => Date;
}
