// What config/identity decides for iam logins: the entity alias (iam_alias), which login facts
// become token and alias metadata (iam_metadata), and — beyond upstream — which IAM tags of the
// caller are copied into them (iam_metadata_tags). Read from the stored JSON directly, as the ec2
// side does: Vault's metadata handler stores `auth_metadata: null` for "default" and `[]` for
// "none", a difference the shared entry reader folds away.
import { getJson, type Storage } from "../../logical/index.js";
import { STORAGE } from "./storage-keys.js";

/** iam_metadata's "default": the fields written when the operator never chose. */
export const IAM_DEFAULT_METADATA = ["account_id", "auth_type"] as const;

export type IamAliasSource = "role_id" | "unique_id" | "full_arn" | "canonical_arn";

/** Prefix of the metadata keys made from IAM tags (`tag_<TagKey>`), apart from upstream's fields. */
export const TAG_METADATA_PREFIX = "tag_";

export interface IamIdentitySettings {
  alias: IamAliasSource;
  metadataFields: string[];
  /** IAM tag keys of the caller (user or role) to copy into metadata; empty = no IAM call. */
  metadataTags: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined);

export async function iamIdentitySettings(storage: Storage): Promise<IamIdentitySettings> {
  const stored = record(await getJson(storage, STORAGE.identityConfig)) ?? {};
  const alias = stored["iam_alias"];
  const handler = record(stored["iam_auth_metadata_handler"]);
  return {
    alias: alias === "unique_id" || alias === "full_arn" || alias === "canonical_arn" ? alias : "role_id",
    metadataFields: strings(handler?.["auth_metadata"]) ?? [...IAM_DEFAULT_METADATA],
    metadataTags: strings(stored["iam_metadata_tags"]) ?? [],
  };
}
