// The configuration entries in storage, in the JSON layout of Vault's builtin aws auth method
// (keys in storage-keys.ts). Field names stay snake_case: they are the stored JSON.
import { jsonCollection, jsonEntry } from "../../framework/index.js";
import { asObject, storedBool, storedInt, storedString, storedStrings } from "./stored-json.js";
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

/** config/identity. The metadata handlers store `{"auth_metadata": [...]}` (authmetadata.Handler). */
export interface IdentityConfig {
  iam_alias: string;
  iam_auth_metadata_handler: { auth_metadata: string[] };
  ec2_alias: string;
  ec2_auth_metadata_handler: { auth_metadata: string[] };
}

function handler(o: ReturnType<typeof asObject>, key: string): { auth_metadata: string[] } {
  const v = o[key];
  if (v === undefined || v === null) return { auth_metadata: [] };
  return { auth_metadata: storedStrings(asObject(v), "auth_metadata") };
}

export function identityConfigFromStorage(value: unknown): IdentityConfig {
  const o = asObject(value);
  return {
    iam_alias: storedString(o, "iam_alias"),
    iam_auth_metadata_handler: handler(o, "iam_auth_metadata_handler"),
    ec2_alias: storedString(o, "ec2_alias"),
    ec2_auth_metadata_handler: handler(o, "ec2_auth_metadata_handler"),
  };
}

export const identityConfigEntry = jsonEntry(STORAGE.identityConfig, identityConfigFromStorage);

/** config/certificate/<name>: a PEM certificate and what it verifies ("pkcs7" or "identity"). */
export interface CertificateEntry {
  aws_public_cert: string;
  type: string;
}

export const certificates = jsonCollection(STORAGE.certificatePrefix, (value): CertificateEntry => {
  const o = asObject(value);
  return { aws_public_cert: storedString(o, "aws_public_cert"), type: storedString(o, "type") };
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
