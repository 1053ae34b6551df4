// Per-mount state of the AWS auth method. Everything a path needs beyond its request lives here,
// so two mounts served by one process never share clients, caches or clocks.
import type { Logger, Storage, SystemView } from "../../logical/index.js";
import type { AwsAuthClients } from "./aws-api.js";

export interface AwsAuthContext {
  system: SystemView;
  logger: Logger;
  /** Clients built from the mount's config/client and config/sts entries. */
  clients: AwsAuthClients;
  /** The mount's storage (for background work: periodic tidy, role upgrade). */
  storage: Storage;
  /** Injected clock, so expirations and tidy are deterministic in tests. */
  now: () => Date;
}
