// Per-mount state of the AWS secrets engine. Everything a path needs beyond its request lives
// here, so two mounts served by one process never share clients, clocks or queues.
import type { Logger, Storage, SystemView } from "../../logical/index.js";
import type { AwsClients } from "./aws-api.js";

export interface AwsSecretsContext {
  system: SystemView;
  logger: Logger;
  /** Clients built from the mount's config/root, reading it from this storage. */
  clients: AwsClients;
  /** The mount's storage (for background work such as static-role rotation). */
  storage: Storage;
  /** Injected clock, so WAL ages and rotations are deterministic in tests. */
  now: () => Date;
}
