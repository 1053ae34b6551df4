// Storage keys of vault-plugin-auth-azure, so a mount moved between it and us keeps its data.
export const STORAGE = {
  /** The mount's Azure settings (seal-wrapped), JSON of upstream's azureConfig. */
  config: "config",
  /** `role/<lower-cased name>`, JSON of upstream's azureRole. */
  rolePrefix: "role/",
} as const;

/** WAL kind of a root-password rotation in flight (upstream's walRotateRootCreds). */
export const WAL_ROTATE_ROOT_CREDS = "rotateRootCreds";
