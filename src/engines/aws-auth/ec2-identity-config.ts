// What config/identity decides for ec2 logins: the entity alias (ec2_alias) and which login facts
// become token and alias metadata (ec2_metadata), defaults applied by readIdentityConfig.
import type { Storage } from "../../logical/index.js";
import { readIdentityConfig } from "./config-storage.js";

export type Ec2AliasSource = "role_id" | "instance_id" | "image_id";

export interface Ec2IdentitySettings {
  alias: Ec2AliasSource;
  metadataFields: string[];
}

export async function ec2IdentitySettings(storage: Storage): Promise<Ec2IdentitySettings> {
  const config = await readIdentityConfig(storage);
  const alias = config.ec2_alias;
  return {
    alias: alias === "instance_id" || alias === "image_id" ? alias : "role_id",
    metadataFields: config.ec2_auth_metadata_handler.auth_metadata,
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
