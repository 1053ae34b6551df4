// Roles in storage, in the JSON layout of upstream's azureRole under `role/<lower-cased name>`:
// the token_* members, the deprecated policies/num_uses/ttl/max_ttl/period, and the six bind lists.
import {
  emptyLegacyTokenParams,
  jsonCollection,
  tokenParamsFromStorage,
  tokenParamsToStorage,
} from "../../framework/index.js";
import { asObject, storedInt, storedStrings } from "../../framework/stored-json.js";
import { putJson, type Storage } from "../../logical/index.js";
import type { AzureAuthRole } from "./role-model.js";
import { STORAGE } from "./storage-keys.js";

export function roleFromStorage(value: unknown): AzureAuthRole {
  const s = asObject(value);
  return {
    boundServicePrincipalIds: storedStrings(s, "bound_service_principal_ids"),
    boundGroupIds: storedStrings(s, "bound_group_ids"),
    boundSubscriptionIds: storedStrings(s, "bound_subscription_ids"),
    boundResourceGroups: storedStrings(s, "bound_resource_groups"),
    boundLocations: storedStrings(s, "bound_locations"),
    boundScaleSets: storedStrings(s, "bound_scale_sets"),
    token: tokenParamsFromStorage(s),
    legacy: {
      ...emptyLegacyTokenParams(),
      policies: storedStrings(s, "policies"),
      numUses: storedInt(s, "num_uses"),
      ttl: BigInt(storedInt(s, "ttl")),
      maxTtl: BigInt(storedInt(s, "max_ttl")),
      period: BigInt(storedInt(s, "period")),
    },
  };
}

/** Go's encoding of a nil slice is null. */
const list = (values: readonly string[]): string[] | null => (values.length === 0 ? null : [...values]);

export function roleToStorage(role: AzureAuthRole): Record<string, unknown> {
  return {
    ...tokenParamsToStorage(role.token),
    // Vault's TokenParams marshals this Enterprise-only map too; always nil in CE.
    alias_metadata: null,
    policies: list(role.legacy.policies),
    num_uses: role.legacy.numUses,
    ttl: Number(role.legacy.ttl),
    max_ttl: Number(role.legacy.maxTtl),
    period: Number(role.legacy.period),
    bound_service_principal_ids: list(role.boundServicePrincipalIds),
    bound_group_ids: list(role.boundGroupIds),
    bound_resource_groups: list(role.boundResourceGroups),
    bound_subscription_ids: list(role.boundSubscriptionIds),
    bound_locations: list(role.boundLocations),
    bound_scale_sets: list(role.boundScaleSets),
  };
}

const roles = jsonCollection(STORAGE.rolePrefix, roleFromStorage);

/** Role names are case-insensitive: stored lower-cased, as upstream does. */
export function readRole(storage: Storage, name: string): Promise<AzureAuthRole | undefined> {
  // No role is ever stored under a name holding "/" (the role path does not match one).
  if (name.includes("/")) return Promise.resolve(undefined);
  return roles.get(storage, name.toLowerCase());
}

export function writeRole(storage: Storage, name: string, role: AzureAuthRole): Promise<void> {
  return putJson(storage, roles.key(name.toLowerCase()), roleToStorage(role), false);
}

export function deleteRole(storage: Storage, name: string): Promise<void> {
  return roles.delete(storage, name.toLowerCase());
}

export function listRoles(storage: Storage): Promise<string[]> {
  return roles.list(storage);
}
