// config/identity: how logins name their entity alias (iam_alias, ec2_alias) and which metadata
// they attach (iam_metadata, ec2_metadata). Upstream: path_config_identity.go with sdk
// helper/authmetadata. A read shows the effective values (role_id and the default metadata fields
// when nothing was set); the stored entry keeps "default" as null, as Vault stores it. Beyond
// upstream, iam_metadata_tags names IAM tags the iam login copies into metadata (vault#31864).
import { definePath, field, goQuote, quoteInput, type FieldData } from "../../framework/index.js";
import { errorResponse, type Request, type Response } from "../../logical/index.js";
import { effectiveIdentityConfig, storedIdentityConfigEntry, type StoredIdentityConfig } from "./config-storage.js";
import {
  ALIAS_ROLE_ID,
  authMetadataDescription,
  EC2_ALIAS_VALUES,
  EC2_METADATA_FIELDS,
  IAM_ALIAS_VALUES,
  IAM_METADATA_FIELDS,
  parseAuthMetadata,
  type AuthMetadataFields,
} from "./identity-config.js";

const OPERATION_PREFIX = "aws";

const metadataField = (fields: AuthMetadataFields) =>
  field.commaStringSlice({
    default: ["default"],
    description: authMetadataDescription(fields),
    displayAttrs: { name: fields.fieldName, value: "field1,field2" },
  });

const fields = {
  // Upstream's schema default is unique_id/instance_id, but an unset alias means role_id at login
  // and on read; the schema default only shows in help and OpenAPI.
  iam_alias: field.string({
    default: "unique_id",
    description: `Source of the entity alias name of iam logins: ${IAM_ALIAS_VALUES.map((v) => `"${v}"`).join(", ")}. Unset means "${ALIAS_ROLE_ID}".`,
  }),
  iam_metadata: metadataField(IAM_METADATA_FIELDS),
  ec2_alias: field.string({
    default: "instance_id",
    description: `Source of the entity alias name of ec2 logins: ${EC2_ALIAS_VALUES.map((v) => `"${v}"`).join(", ")}. Unset means "${ALIAS_ROLE_ID}".`,
  }),
  ec2_metadata: metadataField(EC2_METADATA_FIELDS),
  // Beyond upstream (vault#31864).
  iam_metadata_tags: field.commaStringSlice({
    description: `Keys of IAM tags of the logging-in user or role to add to token and alias metadata as "tag_<key>" (iam logins; needs iam:GetUser/iam:GetRole). Empty (the default) reads no tags.`,
  }),
};

/** IAM's tag key rules: 1 to 128 letters, digits, spaces and _.:/=+-@; 50 tags per principal. */
const IAM_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const MAX_TAG_KEYS = 50;

/** The tag keys to store (deduplicated, in the order sent), or the user error. */
function parseTagKeys(sent: readonly string[]): string[] | { error: string } {
  const keys = [...new Set(sent.map((key) => key.trim()).filter((key) => key !== ""))];
  if (keys.length > MAX_TAG_KEYS) return { error: `iam_metadata_tags: at most ${MAX_TAG_KEYS} tag keys (IAM allows ${MAX_TAG_KEYS} tags per principal)` };
  const bad = keys.find((key) => !IAM_TAG_KEY.test(key));
  if (bad !== undefined) return { error: `iam_metadata_tags: ${quoteInput(bad)} is not an IAM tag key (1 to 128 letters, digits, spaces and _.:/=+-@)` };
  return keys;
}

type IdentityFields = typeof fields;

async function readIdentity(request: Request): Promise<Response> {
  const stored = await storedIdentityConfigEntry.get(request.storage);
  const config = effectiveIdentityConfig(stored);
  return {
    data: {
      iam_alias: config.iam_alias,
      iam_metadata: config.iam_auth_metadata_handler.auth_metadata,
      ec2_alias: config.ec2_alias,
      ec2_metadata: config.ec2_auth_metadata_handler.auth_metadata,
      // Only when set, so that a mount not using it reads exactly as Vault's.
      ...(stored?.iam_metadata_tags !== undefined && stored.iam_metadata_tags.length > 0 && { iam_metadata_tags: stored.iam_metadata_tags }),
    },
  };
}

/** Go's `%v` of a []string: `[a b c]`. */
const goList = (items: readonly string[]): string => `[${items.join(" ")}]`;

async function updateIdentity(request: Request, data: FieldData<IdentityFields>): Promise<Response | undefined> {
  const stored = await storedIdentityConfigEntry.get(request.storage);
  // What upstream writes back: the aliases with role_id filled in, the metadata lists as stored.
  const next: StoredIdentityConfig = {
    iam_alias: stored?.iam_alias || ALIAS_ROLE_ID,
    iam_auth_metadata_handler: { auth_metadata: stored?.iam_auth_metadata_handler.auth_metadata ?? null },
    ec2_alias: stored?.ec2_alias || ALIAS_ROLE_ID,
    ec2_auth_metadata_handler: { auth_metadata: stored?.ec2_auth_metadata_handler.auth_metadata ?? null },
    ...(stored?.iam_metadata_tags !== undefined && stored.iam_metadata_tags.length > 0 && { iam_metadata_tags: stored.iam_metadata_tags }),
  };
  const iamAlias = data.getOk("iam_alias");
  if (iamAlias.ok) {
    if (!(IAM_ALIAS_VALUES as readonly string[]).includes(iamAlias.value)) {
      return errorResponse(`iam_alias of ${goQuote(iamAlias.value)} not in set of allowed values: ${goList(IAM_ALIAS_VALUES)}`);
    }
    next.iam_alias = iamAlias.value;
  }
  const ec2Alias = data.getOk("ec2_alias");
  if (ec2Alias.ok) {
    if (!(EC2_ALIAS_VALUES as readonly string[]).includes(ec2Alias.value)) {
      return errorResponse(`ec2_alias of ${goQuote(ec2Alias.value)} not in set of allowed values: ${goList(EC2_ALIAS_VALUES)}`);
    }
    next.ec2_alias = ec2Alias.value;
  }
  for (const [name, handler, fieldsOf] of [
    ["iam_metadata", next.iam_auth_metadata_handler, IAM_METADATA_FIELDS],
    ["ec2_metadata", next.ec2_auth_metadata_handler, EC2_METADATA_FIELDS],
  ] as const) {
    const sent = data.getOk(name);
    if (!sent.ok) continue;
    const parsed = parseAuthMetadata(sent.value, fieldsOf);
    if (parsed !== null && !Array.isArray(parsed)) return errorResponse(parsed.error);
    handler.auth_metadata = parsed;
  }
  const tags = data.getOk("iam_metadata_tags");
  if (tags.ok) {
    const keys = parseTagKeys(tags.value);
    if (!Array.isArray(keys)) return errorResponse(keys.error);
    if (keys.length > 0) next.iam_metadata_tags = keys;
    else delete next.iam_metadata_tags;
  }
  await storedIdentityConfigEntry.put(request.storage, next);
  return undefined;
}

export function configIdentityPath() {
  return definePath({
    pattern: "config/identity$",
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX },
    operations: {
      read: { handler: readIdentity, displayAttrs: { operationSuffix: "identity-integration-configuration" } },
      update: { handler: updateIdentity, displayAttrs: { operationVerb: "configure", operationSuffix: "identity-integration" } },
    },
    helpSynopsis: "Configure how logins appear in Vault's identity store.",
    helpDescription: `iam_alias picks the entity alias name of iam logins: the role's role_id (default), the
principal's unique ID, its full ARN, or its canonical ARN. ec2_alias does the same for ec2 logins:
role_id (default), the instance ID or the AMI ID. iam_metadata and ec2_metadata choose the
metadata attached to tokens and aliases. iam_metadata_tags (beyond Vault) adds the named IAM tags
of the logging-in user or role as "tag_<key>" metadata.`,
  });
}
