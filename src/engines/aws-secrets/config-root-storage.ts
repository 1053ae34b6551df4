// Storage of config/root in the JSON layout of upstream's rootConfig struct, so a mount keeps its
// root credentials when it moves between Vault's builtin engine and this plugin. The entry is
// seal-wrapped (Enterprise honours it; elsewhere it is ignored), as upstream declares.
import { jsonEntry } from "../../framework/index.js";
import type { Nanoseconds, Storage } from "../../logical/index.js";
import type { RootConfig } from "./model.js";
import { storedBool, storedInt, storedObject, storedString, storedStringList } from "./role-json.js";

export const ROOT_CONFIG_KEY = "config/root";

/**
 * Upstream's automated-rotation parameters (Enterprise rotation manager). This plugin cannot
 * register rotation jobs, but it keeps whatever a Vault Enterprise mount stored, and Vault CE
 * itself stores a schedule when `disable_automated_rotation` is set. Vault 1.21's SDK (v0.21) has
 * no `rotation_policy`; a member of that name written by a newer Vault is dropped on rewrite, as
 * Vault 1.21 drops it.
 */
export interface RootRotationSettings {
  schedule: string;
  window: Nanoseconds;
  period: Nanoseconds;
  disableAutomated: boolean;
}

export const NO_ROTATION: Readonly<RootRotationSettings> = Object.freeze({
  schedule: "",
  window: 0n,
  period: 0n,
  disableAutomated: false,
});

/** What is stored: the model plus the rotation parameters the rest of the engine never needs. */
export interface StoredRootConfig extends RootConfig {
  rotation: RootRotationSettings;
}

/**
 * The Go struct's JSON, members in its field order. The embedded PluginIdentityTokenParams and
 * AutomatedRotationParams come first and are flattened into the object, as encoding/json does;
 * durations are int64 nanoseconds.
 */
interface RootConfigJson {
  identity_token_ttl: number;
  identity_token_audience: string;
  rotation_schedule: string;
  rotation_window: number;
  rotation_period: number;
  disable_automated_rotation: boolean;
  access_key: string;
  secret_key: string;
  iam_endpoint: string;
  sts_endpoint: string;
  sts_region: string;
  sts_fallback_endpoints: string[];
  sts_fallback_regions: string[];
  region: string;
  max_retries: number;
  username_template: string;
  role_arn: string;
}

/** Checks a stored value and fills Go's zero values for absent or null members. */
function normalize(value: unknown): RootConfigJson {
  const json = storedObject(value);
  return {
    identity_token_ttl: storedInt(json, "identity_token_ttl"),
    identity_token_audience: storedString(json, "identity_token_audience"),
    rotation_schedule: storedString(json, "rotation_schedule"),
    rotation_window: storedInt(json, "rotation_window"),
    rotation_period: storedInt(json, "rotation_period"),
    disable_automated_rotation: storedBool(json, "disable_automated_rotation"),
    access_key: storedString(json, "access_key"),
    secret_key: storedString(json, "secret_key"),
    iam_endpoint: storedString(json, "iam_endpoint"),
    sts_endpoint: storedString(json, "sts_endpoint"),
    sts_region: storedString(json, "sts_region"),
    sts_fallback_endpoints: storedStringList(json, "sts_fallback_endpoints"),
    sts_fallback_regions: storedStringList(json, "sts_fallback_regions"),
    region: storedString(json, "region"),
    // Go's zero is 0 (not -1) when the member is missing, e.g. in entries written before 0.11.
    max_retries: storedInt(json, "max_retries"),
    username_template: storedString(json, "username_template"),
    role_arn: storedString(json, "role_arn"),
  };
}

function fromJson(json: RootConfigJson): StoredRootConfig {
  return {
    accessKey: json.access_key,
    secretKey: json.secret_key,
    region: json.region,
    iamEndpoint: json.iam_endpoint,
    stsEndpoint: json.sts_endpoint,
    stsRegion: json.sts_region,
    stsFallbackEndpoints: json.sts_fallback_endpoints,
    stsFallbackRegions: json.sts_fallback_regions,
    maxRetries: json.max_retries,
    usernameTemplate: json.username_template,
    roleArn: json.role_arn,
    identityTokenAudience: json.identity_token_audience,
    identityTokenTtl: BigInt(json.identity_token_ttl),
    rotation: {
      schedule: json.rotation_schedule,
      window: BigInt(json.rotation_window),
      period: BigInt(json.rotation_period),
      disableAutomated: json.disable_automated_rotation,
    },
  };
}

function toJson(config: RootConfig, rotation: RootRotationSettings): RootConfigJson {
  return {
    identity_token_ttl: Number(config.identityTokenTtl),
    identity_token_audience: config.identityTokenAudience,
    rotation_schedule: rotation.schedule,
    rotation_window: Number(rotation.window),
    rotation_period: Number(rotation.period),
    disable_automated_rotation: rotation.disableAutomated,
    access_key: config.accessKey,
    secret_key: config.secretKey,
    iam_endpoint: config.iamEndpoint,
    sts_endpoint: config.stsEndpoint,
    sts_region: config.stsRegion,
    sts_fallback_endpoints: [...config.stsFallbackEndpoints],
    sts_fallback_regions: [...config.stsFallbackRegions],
    region: config.region,
    max_retries: config.maxRetries,
    username_template: config.usernameTemplate,
    role_arn: config.roleArn,
  };
}

const rootEntry = jsonEntry<RootConfigJson>(ROOT_CONFIG_KEY, normalize, { sealWrap: true });

/** The stored config/root, or undefined when it was never written. */
export async function readRootConfig(storage: Storage): Promise<StoredRootConfig | undefined> {
  const json = await rootEntry.get(storage);
  return json === undefined ? undefined : fromJson(json);
}

/**
 * Stores config/root. A config obtained from `readRootConfig` carries its rotation parameters
 * and writing it back (e.g. with new keys) keeps them; a config built from scratch stores none.
 */
export async function writeRootConfig(storage: Storage, config: RootConfig & { rotation?: RootRotationSettings }): Promise<void> {
  await rootEntry.put(storage, toJson(config, config.rotation ?? NO_ROTATION));
}
