// What config/identity decides for ec2 logins: the entity alias (ec2_alias) and which login facts
// become token and alias metadata (ec2_metadata). Read from the stored JSON directly: Vault's
// metadata handler stores `auth_metadata: null` for "default" and `[]` for "none", a difference
// the shared entry reader folds away.
import { getJson, type Storage } from "../../logical/index.js";
import { STORAGE } from "./storage-keys.js";

/** ec2_metadata's "default": the fields written when the operator never chose. */
export const EC2_DEFAULT_METADATA = ["account_id", "auth_type"] as const;

export type Ec2AliasSource = "role_id" | "instance_id" | "image_id";

export interface Ec2IdentitySettings {
  alias: Ec2AliasSource;
  metadataFields: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export async function ec2IdentitySettings(storage: Storage): Promise<Ec2IdentitySettings> {
  const stored = record(await getJson(storage, STORAGE.identityConfig)) ?? {};
  const alias = stored["ec2_alias"];
  const handler = record(stored["ec2_auth_metadata_handler"]);
  const fields = handler?.["auth_metadata"];
  return {
    alias: alias === "instance_id" || alias === "image_id" ? alias : "role_id",
    metadataFields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === "string") : [...EC2_DEFAULT_METADATA],
  };
}

/** The chosen fields among `available`, skipping empty values (authmetadata.PopulateDesiredMetadata). */
export function selectMetadata(fields: readonly string[], available: Record<string, string>): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const [name, value] of Object.entries(available)) {
    if (value !== "" && fields.includes(name)) chosen[name] = value;
  }
  return chosen;
}
