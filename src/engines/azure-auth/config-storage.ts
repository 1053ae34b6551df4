// `config` in storage, in the JSON layout of upstream's azureConfig (durations as integer
// nanoseconds, times as RFC 3339 with Go's zero time for "never"), seal-wrapped as upstream asks.
import { jsonEntry } from "../../framework/index.js";
import { asObject, storedInt, storedString, storedTime, type JsonObject } from "../../framework/stored-json.js";
import { putJson, type Storage } from "../../logical/index.js";
import type { AzureAuthConfig } from "./config-model.js";
import { STORAGE } from "./storage-keys.js";

const NS_PER_MS = 1_000_000;
const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

const ms = (o: JsonObject, key: string): number => storedInt(o, key) / NS_PER_MS;
const goTime = (d: Date | undefined): string => (d === undefined ? GO_ZERO_TIME : d.toISOString());

function optionalTime(o: JsonObject, key: string): Date | undefined {
  const t = storedTime(o, key);
  return t.getUTCFullYear() <= 1 ? undefined : t;
}

export function configFromStorage(value: unknown): AzureAuthConfig {
  const s = asObject(value);
  const pendingSecret = storedString(s, "new_client_secret");
  return {
    tenantId: storedString(s, "tenant_id"),
    resource: storedString(s, "resource"),
    environment: storedString(s, "environment"),
    clientId: storedString(s, "client_id"),
    clientSecret: storedString(s, "client_secret"),
    clientSecretKeyId: storedString(s, "client_secret_key_id"),
    pending:
      pendingSecret === ""
        ? undefined
        : {
            secret: pendingSecret,
            keyId: storedString(s, "new_client_secret_key_id"),
            created: storedTime(s, "new_client_secret_created"),
            expiration: storedTime(s, "new_client_secret_expiration_date"),
          },
    rootPasswordTtlMs: ms(s, "root_password_ttl"),
    rootPasswordExpiration: optionalTime(s, "root_password_expiration_date"),
    maxRetries: storedInt(s, "max_retries"),
    retryDelayMs: ms(s, "retry_delay"),
    maxRetryDelayMs: ms(s, "max_retry_delay"),
    authType: storedString(s, "auth_type"),
    authorityHost: storedString(s, "authority_host"),
    resourceManagerEndpoint: storedString(s, "resource_manager_endpoint"),
    graphEndpoint: storedString(s, "graph_endpoint"),
    identityTokenAudience: storedString(s, "identity_token_audience"),
    identityTokenTtlMs: ms(s, "identity_token_ttl"),
  };
}

/** Our additions are stored only when set, so a config written without them is byte-for-byte upstream's. */
function beyondUpstream(c: AzureAuthConfig): Record<string, string> {
  const extra: Record<string, string> = {};
  if (c.authType !== "") extra["auth_type"] = c.authType;
  if (c.authorityHost !== "") extra["authority_host"] = c.authorityHost;
  if (c.resourceManagerEndpoint !== "") extra["resource_manager_endpoint"] = c.resourceManagerEndpoint;
  if (c.graphEndpoint !== "") extra["graph_endpoint"] = c.graphEndpoint;
  return extra;
}

export function configToStorage(c: AzureAuthConfig): Record<string, unknown> {
  return {
    identity_token_ttl: c.identityTokenTtlMs * NS_PER_MS,
    identity_token_audience: c.identityTokenAudience,
    rotation_schedule: "",
    rotation_window: 0,
    rotation_period: 0,
    disable_automated_rotation: false,
    tenant_id: c.tenantId,
    resource: c.resource,
    environment: c.environment,
    client_id: c.clientId,
    client_secret: c.clientSecret,
    client_secret_key_id: c.clientSecretKeyId,
    new_client_secret: c.pending?.secret ?? "",
    new_client_secret_created: goTime(c.pending?.created),
    new_client_secret_expiration_date: goTime(c.pending?.expiration),
    new_client_secret_key_id: c.pending?.keyId ?? "",
    root_password_ttl: c.rootPasswordTtlMs * NS_PER_MS,
    root_password_expiration_date: goTime(c.rootPasswordExpiration),
    max_retries: c.maxRetries,
    max_retry_delay: c.maxRetryDelayMs * NS_PER_MS,
    retry_delay: c.retryDelayMs * NS_PER_MS,
    ...beyondUpstream(c),
  };
}

const configEntry = jsonEntry(STORAGE.config, configFromStorage, { sealWrap: true });

export function readConfig(storage: Storage): Promise<AzureAuthConfig | undefined> {
  return configEntry.get(storage);
}

export function writeConfig(storage: Storage, config: AzureAuthConfig): Promise<void> {
  return putJson(storage, STORAGE.config, configToStorage(config), true);
}

export function deleteConfig(storage: Storage): Promise<void> {
  return configEntry.delete(storage);
}
