// A role of the Azure auth method, in memory. Stored as upstream's azureRole JSON (role-storage.ts).
import { emptyLegacyTokenParams, emptyTokenParams, type LegacyTokenParams, type TokenParams } from "../../framework/index.js";

export interface AzureAuthRole {
  /** Match the token's `oid`; `*` = any. */
  boundServicePrincipalIds: string[];
  /** Any of the token's `groups`; `*` = any. */
  boundGroupIds: string[];
  boundSubscriptionIds: string[];
  boundResourceGroups: string[];
  boundLocations: string[];
  boundScaleSets: string[];
  token: TokenParams;
  /** The deprecated policies/ttl/max_ttl/period, kept as upstream keeps them. */
  legacy: LegacyTokenParams;
}

export function blankRole(): AzureAuthRole {
  return {
    boundServicePrincipalIds: [],
    boundGroupIds: [],
    boundSubscriptionIds: [],
    boundResourceGroups: [],
    boundLocations: [],
    boundScaleSets: [],
    token: emptyTokenParams(),
    legacy: emptyLegacyTokenParams(),
  };
}

/** Whether login must ask ARM about the resource (upstream: any of these four binds set). */
export function hasResourceBinds(role: AzureAuthRole): boolean {
  return [role.boundSubscriptionIds, role.boundResourceGroups, role.boundLocations, role.boundScaleSets].some((l) => l.length > 0);
}
