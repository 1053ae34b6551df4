// Identifiers in Azure's formats: GUIDs for tenants, principals and key ids; ARM resource ids.
import { randomBytes, randomUUID } from "node:crypto";

export function guid(): string {
  return randomUUID();
}

/** Opaque base64url noise of the length Azure uses for `aio`, `uti` and `rh`-like claims. */
export function opaque(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** `/subscriptions/<s>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>` as ARM returns it. */
export function armResourceId(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`;
}

/**
 * The same id as Entra writes it into `xms_mirid`/`xms_az_rid`: the `resourcegroups` segment in
 * lower case, everything else as the resource's own casing.
 */
export function claimResourceId(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${type}/${name}`;
}

export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. `Microsoft.Compute` */
  namespace: string;
  /** e.g. `virtualMachines` (nested types joined with `/`) */
  type: string;
  name: string;
}

/** Parses a resource-group-scoped ARM id; ARM matches every segment case-insensitively. */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const parts = id.split("/").filter((p) => p !== "");
  if (parts.length < 8 || parts.length % 2 !== 0) return undefined;
  if (parts[0]?.toLowerCase() !== "subscriptions" || parts[2]?.toLowerCase() !== "resourcegroups") return undefined;
  if (parts[4]?.toLowerCase() !== "providers") return undefined;
  const rest = parts.slice(6);
  const types: string[] = [];
  for (let i = 0; i < rest.length; i += 2) types.push(rest[i] ?? "");
  return {
    subscriptionId: parts[1] ?? "",
    resourceGroup: parts[3] ?? "",
    namespace: parts[5] ?? "",
    type: types.join("/"),
    name: rest[rest.length - 1] ?? "",
  };
}

/** ARM's lookup key: ids differing only in case name the same resource. */
export function resourceKey(id: string): string {
  return id.replace(/\/+$/, "").toLowerCase();
}
