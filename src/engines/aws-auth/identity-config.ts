// config/identity's rules (upstream path_config_identity.go and sdk helper/authmetadata): which
// entity-alias sources each login type may use, and which auth metadata it attaches. A metadata
// list is either "default" (stored as JSON null: the default fields, whatever they are in this
// version) or an explicit list, possibly empty (no metadata at all).
import { goQuote } from "../../framework/index.js";

export const ALIAS_ROLE_ID = "role_id";

/** iam_alias values, in upstream's order (its error lists them so). */
export const IAM_ALIAS_VALUES = [ALIAS_ROLE_ID, "unique_id", "full_arn", "canonical_arn"] as const;
/** ec2_alias values, in upstream's order. */
export const EC2_ALIAS_VALUES = [ALIAS_ROLE_ID, "instance_id", "image_id"] as const;

/** One metadata field of config/identity (authmetadata.Fields). */
export interface AuthMetadataFields {
  fieldName: "iam_metadata" | "ec2_metadata";
  defaults: readonly string[];
  availableToAdd: readonly string[];
}

export const IAM_METADATA_FIELDS: AuthMetadataFields = Object.freeze({
  fieldName: "iam_metadata",
  defaults: Object.freeze(["account_id", "auth_type"]),
  availableToAdd: Object.freeze([
    "canonical_arn",
    "client_arn",
    "client_user_id",
    "inferred_aws_region",
    "inferred_entity_id",
    "inferred_entity_type",
    "inferred_hostname",
  ]),
});

export const EC2_METADATA_FIELDS: AuthMetadataFields = Object.freeze({
  fieldName: "ec2_metadata",
  defaults: Object.freeze(["account_id", "auth_type"]),
  availableToAdd: Object.freeze(["ami_id", "instance_id", "region"]),
});

/** The list a login uses: the stored one, or the defaults when none (null) is stored. */
export function effectiveAuthMetadata(stored: readonly string[] | null, fields: AuthMetadataFields): string[] {
  return [...(stored ?? fields.defaults)];
}

/** Go's `%q` of a []string: `["a" "b"]`. */
function goQuoteList(items: readonly string[]): string {
  return `[${items.map((item) => goQuote(item)).join(" ")}]`;
}

/**
 * The list to store for a sent value (authmetadata ParseAuthMetadata): trimmed, lower-cased, deduplicated
 * and sorted; exactly ["default"] means null (the defaults); anything else must be a subset of the
 * known fields. A string is the user error, in upstream's words.
 */
export function parseAuthMetadata(sent: readonly string[], fields: AuthMetadataFields): string[] | null | { error: string } {
  const items = [...new Set(sent.map((item) => item.trim().toLowerCase()).filter((item) => item !== ""))].sort();
  if (items.length === 1 && items[0] === "default") return null;
  if (items.includes("default")) {
    return { error: `${goQuoteList(items)} contains default - default can't be used in combination with other fields` };
  }
  const all = [...fields.defaults, ...fields.availableToAdd];
  if (!items.every((item) => all.includes(item))) {
    return { error: `${goQuote(items.join(", "))} contains an unavailable field, please select from ${goQuote(all.join(", "))}` };
  }
  return items;
}

/** The help text of a metadata field. */
export function authMetadataDescription(fields: AuthMetadataFields): string {
  return (
    `Metadata fields attached to the token and its entity alias (and so to audit logs). "default" means ` +
    `${fields.defaults.join(", ")}; any of ${fields.availableToAdd.join(", ")} may be added by listing the ` +
    `fields explicitly, comma separated. An empty value attaches none; leaving the field out keeps the current list.`
  );
}
