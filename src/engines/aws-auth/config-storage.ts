// The configuration entries in storage, in the JSON layout of Vault's builtin aws auth method
// (keys in storage-keys.ts). Field names stay snake_case: they are the stored JSON.
import { jsonCollection, jsonEntry } from "../../framework/index.js";
import type { Storage } from "../../logical/index.js";
import { asObject, storedBool, storedInt, storedString, storedStrings } from "../../framework/stored-json.js";
import { ALIAS_ROLE_ID, EC2_METADATA_FIELDS, effectiveAuthMetadata, IAM_METADATA_FIELDS } from "./identity-config.js";
import { STORAGE } from "./storage-keys.js";

/** config/client (seal-wrapped). */
export interface ClientConfig {
  access_key: string;
  secret_key: string;
  endpoint: string;
  iam_endpoint: string;
  sts_endpoint: string;
  sts_region: string;
  use_sts_region_from_client: boolean;
  iam_server_id_header_value: string;
  allowed_sts_header_values: string[];
  max_retries: number;
  role_arn: string;
  /** Members this code does not model (Enterprise WIF and rotation settings), kept as written. */
  [other: string]: unknown;
}

export function clientConfigFromStorage(value: unknown): ClientConfig {
  const o = asObject(value);
  return {
    ...o,
    access_key: storedString(o, "access_key"),
    secret_key: storedString(o, "secret_key"),
    endpoint: storedString(o, "endpoint"),
    iam_endpoint: storedString(o, "iam_endpoint"),
    sts_endpoint: storedString(o, "sts_endpoint"),
    sts_region: storedString(o, "sts_region"),
    use_sts_region_from_client: storedBool(o, "use_sts_region_from_client"),
    iam_server_id_header_value: storedString(o, "iam_server_id_header_value"),
    allowed_sts_header_values: storedStrings(o, "allowed_sts_header_values"),
    max_retries: storedInt(o, "max_retries", -1),
    role_arn: storedString(o, "role_arn"),
  };
}

export const clientConfigEntry = jsonEntry(STORAGE.clientConfig, clientConfigFromStorage, { sealWrap: true });

/**
 * config/client exactly as Vault stores it (the Go struct's members in order, the embedded plugin
 * identity and automated rotation parameters first; durations in nanoseconds), for config/client's
 * own handlers and config/rotate-root. `allowed_sts_header_values` stays null when never set, as
 * Vault reads it back.
 */
export interface StoredClientConfig {
  identity_token_ttl: number;
  identity_token_audience: string;
  rotation_schedule: string;
  rotation_window: number;
  rotation_period: number;
  disable_automated_rotation: boolean;
  access_key: string;
  secret_key: string;
  endpoint: string;
  iam_endpoint: string;
  sts_endpoint: string;
  sts_region: string;
  use_sts_region_from_client: boolean;
  iam_server_id_header_value: string;
  allowed_sts_header_values: string[] | null;
  max_retries: number;
  role_arn: string;
}

/** Go's zero values: what upstream starts a config from when none is stored. */
export function emptyStoredClientConfig(): StoredClientConfig {
  return {
    identity_token_ttl: 0,
    identity_token_audience: "",
    rotation_schedule: "",
    rotation_window: 0,
    rotation_period: 0,
    disable_automated_rotation: false,
    access_key: "",
    secret_key: "",
    endpoint: "",
    iam_endpoint: "",
    sts_endpoint: "",
    sts_region: "",
    use_sts_region_from_client: false,
    iam_server_id_header_value: "",
    allowed_sts_header_values: null,
    max_retries: 0,
    role_arn: "",
  };
}

export function storedClientConfigFromStorage(value: unknown): StoredClientConfig {
  const o = asObject(value);
  const headers = o["allowed_sts_header_values"];
  return {
    identity_token_ttl: storedInt(o, "identity_token_ttl"),
    identity_token_audience: storedString(o, "identity_token_audience"),
    rotation_schedule: storedString(o, "rotation_schedule"),
    rotation_window: storedInt(o, "rotation_window"),
    rotation_period: storedInt(o, "rotation_period"),
    disable_automated_rotation: storedBool(o, "disable_automated_rotation"),
    access_key: storedString(o, "access_key"),
    secret_key: storedString(o, "secret_key"),
    endpoint: storedString(o, "endpoint"),
    iam_endpoint: storedString(o, "iam_endpoint"),
    sts_endpoint: storedString(o, "sts_endpoint"),
    sts_region: storedString(o, "sts_region"),
    use_sts_region_from_client: storedBool(o, "use_sts_region_from_client"),
    iam_server_id_header_value: storedString(o, "iam_server_id_header_value"),
    allowed_sts_header_values: headers === null || headers === undefined ? null : storedStrings(o, "allowed_sts_header_values"),
    // Go's zero when the member is missing (entries written before max_retries existed).
    max_retries: storedInt(o, "max_retries", 0),
    role_arn: storedString(o, "role_arn"),
  };
}

export const storedClientConfigEntry = jsonEntry(STORAGE.clientConfig, storedClientConfigFromStorage, { sealWrap: true });

/**
 * config/identity with upstream's defaults applied, as every login reads it: an empty alias means
 * "role_id", and a metadata list stored as null (never set, or set to "default") means that list's
 * default fields. config/identity's own handlers keep the stored form (storedIdentityConfigEntry).
 */
export interface IdentityConfig {
  iam_alias: string;
  iam_auth_metadata_handler: { auth_metadata: string[] };
  ec2_alias: string;
  ec2_auth_metadata_handler: { auth_metadata: string[] };
}

/**
 * config/identity as stored (Vault's JSON): `auth_metadata` null means "the defaults".
 * `iam_metadata_tags` is ours (vault#31864, IAM tags as metadata): stored only when set, and
 * ignored (then dropped on its next write) by Vault's builtin method.
 */
export interface StoredIdentityConfig {
  iam_alias: string;
  iam_auth_metadata_handler: { auth_metadata: string[] | null };
  ec2_alias: string;
  ec2_auth_metadata_handler: { auth_metadata: string[] | null };
  iam_metadata_tags?: string[];
}

function storedHandler(o: ReturnType<typeof asObject>, key: string): { auth_metadata: string[] | null } {
  const v = o[key];
  if (v === undefined || v === null) return { auth_metadata: null };
  const list = asObject(v)["auth_metadata"];
  return { auth_metadata: list === undefined || list === null ? null : storedStrings(asObject(v), "auth_metadata") };
}

export function storedIdentityConfigFromStorage(value: unknown): StoredIdentityConfig {
  const o = asObject(value);
  return {
    iam_alias: storedString(o, "iam_alias"),
    iam_auth_metadata_handler: storedHandler(o, "iam_auth_metadata_handler"),
    ec2_alias: storedString(o, "ec2_alias"),
    ec2_auth_metadata_handler: storedHandler(o, "ec2_auth_metadata_handler"),
    ...(o["iam_metadata_tags"] !== undefined && o["iam_metadata_tags"] !== null && { iam_metadata_tags: storedStrings(o, "iam_metadata_tags") }),
  };
}

/** The effective settings of a stored (or absent) config/identity. */
export function effectiveIdentityConfig(stored: StoredIdentityConfig | undefined): IdentityConfig {
  return {
    iam_alias: stored?.iam_alias || ALIAS_ROLE_ID,
    iam_auth_metadata_handler: { auth_metadata: effectiveAuthMetadata(stored?.iam_auth_metadata_handler.auth_metadata ?? null, IAM_METADATA_FIELDS) },
    ec2_alias: stored?.ec2_alias || ALIAS_ROLE_ID,
    ec2_auth_metadata_handler: { auth_metadata: effectiveAuthMetadata(stored?.ec2_auth_metadata_handler.auth_metadata ?? null, EC2_METADATA_FIELDS) },
  };
}

export function identityConfigFromStorage(value: unknown): IdentityConfig {
  return effectiveIdentityConfig(storedIdentityConfigFromStorage(value));
}

/** config/identity's effective settings, defaults included when nothing is stored. */
export async function readIdentityConfig(storage: Storage): Promise<IdentityConfig> {
  return effectiveIdentityConfig(await storedIdentityConfigEntry.get(storage));
}

/** Read-only view for logins (effective values; get() is undefined when nothing is stored). */
export const identityConfigEntry = jsonEntry(STORAGE.identityConfig, identityConfigFromStorage);
/** The stored form, for config/identity's read and write. */
export const storedIdentityConfigEntry = jsonEntry(STORAGE.identityConfig, storedIdentityConfigFromStorage);

/** config/certificate/<name>: a PEM certificate and what it verifies ("pkcs7" or "identity"). */
export interface CertificateEntry {
  aws_public_cert: string;
  type: string;
}

export const certificates = jsonCollection(STORAGE.certificatePrefix, (value): CertificateEntry => {
  const o = asObject(value);
  // Entries written before the type existed have none: they are PKCS#7 certificates (upstream
  // fills "pkcs7" on read as well).
  return { aws_public_cert: storedString(o, "aws_public_cert"), type: storedString(o, "type") || "pkcs7" };
});

/** config/sts/<account_id>: the role Vault assumes to reach that account. */
export interface StsEntry {
  sts_role: string;
  external_id?: string;
}

export const stsEntries = jsonCollection(STORAGE.stsPrefix, (value): StsEntry => {
  const o = asObject(value);
  const externalId = storedString(o, "external_id");
  return { sts_role: storedString(o, "sts_role"), ...(externalId !== "" && { external_id: externalId }) };
});

/** config/tidy/identity-whitelist and config/tidy/roletag-blacklist. */
export interface TidyConfig {
  safety_buffer: number;
  disable_periodic_tidy: boolean;
}

function tidyConfigFromStorage(value: unknown): TidyConfig {
  const o = asObject(value);
  return { safety_buffer: storedInt(o, "safety_buffer"), disable_periodic_tidy: storedBool(o, "disable_periodic_tidy") };
}

export const tidyAccessListConfigEntry = jsonEntry(STORAGE.tidyAccessListConfig, tidyConfigFromStorage);
export const tidyDenyListConfigEntry = jsonEntry(STORAGE.tidyDenyListConfig, tidyConfigFromStorage);
