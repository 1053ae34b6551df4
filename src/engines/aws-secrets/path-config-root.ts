// config/root: the credentials and endpoints this mount uses to call IAM and STS.
import { automatedRotationFields, definePath, field, pluginIdentityTokenFields, type FieldData, type FieldValue } from "../../framework/index.js";
import { errorResponse, secondsToNs, type Request, type Response } from "../../logical/index.js";
import { applyRotationFields, rotationManagerError, rotationSeconds } from "./config-root-rotation.js";
import { NO_ROTATION, readRootConfig, writeRootConfig, type StoredRootConfig } from "./config-root-storage.js";
import { withRootConfigLock } from "./config-root-lock.js";
import { FORWARDED, OPERATION_PREFIX } from "./constants.js";
import { DEFAULT_CONNECTION_CONFIG } from "../../aws/config.js";
import type { AwsSecretsContext } from "./context.js";
import { DEFAULT_USERNAME_TEMPLATE, usernameTemplateOverLimit } from "./username.js";

/**
 * Vault's default username template, stored whenever none is given. It is data, not prose: one
 * template serves both name limits, 32 characters for STS federation names and 64 for IAM users.
 */
export { DEFAULT_USERNAME_TEMPLATE };

/** What a Vault CE server answers when plugin workload identity (WIF) is configured. */
export const WORKLOAD_IDENTITY_UNSUPPORTED =
  "failed to generate plugin identity token: plugin workload identity not supported in Vault community edition";

/** The UI group of the rotation and identity-token fields (upstream's helpers put both in "default"). */
const ROTATION_GROUP = "default";

const fields = {
  access_key: field.string({ description: "AWS access key ID of the IAM user this mount acts as." }),
  // No `sensitive` display attribute: upstream declares none (the key is never read back anyway).
  secret_key: field.string({ description: "AWS secret access key belonging to access_key. Never returned by a read." }),
  region: field.string({ description: "Region for IAM calls; without it AWS_REGION, AWS_DEFAULT_REGION or us-east-1." }),
  iam_endpoint: field.string({ description: "URL of a custom IAM endpoint." }),
  sts_endpoint: field.string({ description: "URL of a custom STS endpoint." }),
  sts_region: field.string({ description: "Region to sign STS calls for; used only together with sts_endpoint." }),
  sts_fallback_endpoints: field.commaStringSlice({ description: "STS endpoints to try, in order, when the primary one fails." }),
  sts_fallback_regions: field.commaStringSlice({ description: "Regions of the sts_fallback_endpoints, one per endpoint." }),
  max_retries: field.int({ default: -1, description: "Retries of retryable AWS errors; -1 keeps the AWS SDK's default." }),
  username_template: field.string({ description: "Template for the names of generated IAM users and STS sessions." }),
  role_arn: field.string({ description: "Role to assume with a plugin identity token (Vault Enterprise only)." }),
  ...pluginIdentityTokenFields(ROTATION_GROUP),
  ...automatedRotationFields(ROTATION_GROUP, "the root credentials"),
};

type RootFields = typeof fields;

/** A config with every default applied, the baseline of a create. */
function defaultConfig(): StoredRootConfig {
  return {
    ...DEFAULT_CONNECTION_CONFIG,
    stsFallbackEndpoints: [],
    stsFallbackRegions: [],
    usernameTemplate: DEFAULT_USERNAME_TEMPLATE,
    roleArn: "",
    identityTokenAudience: "",
    // Upstream only stores a TTL that was sent, so the field's default of 3600 is never stored.
    identityTokenTtl: 0n,
    rotation: { ...NO_ROTATION },
  };
}

async function readConfig(request: Request): Promise<Response | undefined> {
  const config = await readRootConfig(request.storage);
  if (config === undefined) return undefined;
  return {
    data: {
      access_key: config.accessKey,
      region: config.region,
      iam_endpoint: config.iamEndpoint,
      sts_endpoint: config.stsEndpoint,
      sts_region: config.stsRegion,
      sts_fallback_endpoints: config.stsFallbackEndpoints,
      sts_fallback_regions: config.stsFallbackRegions,
      max_retries: config.maxRetries,
      username_template: config.usernameTemplate,
      role_arn: config.roleArn,
      identity_token_ttl: Math.trunc(Number(config.identityTokenTtl) / 1e9),
      identity_token_audience: config.identityTokenAudience,
      rotation_schedule: config.rotation.schedule,
      rotation_window: rotationSeconds(config.rotation.window),
      rotation_period: rotationSeconds(config.rotation.period),
      disable_automated_rotation: config.rotation.disableAutomated,
    },
  };
}

/** The stored config with this request's fields merged in, or the user error. */
function mergeConfig(current: StoredRootConfig, data: FieldData<RootFields>): StoredRootConfig | string {
  const next: StoredRootConfig = { ...current };
  // The sent value, or undefined when the field is absent (so the stored value stays).
  const sent = <K extends keyof RootFields>(name: K): FieldValue<RootFields[K]> | undefined => {
    const { value, ok } = data.getOk(name);
    return ok ? value : undefined;
  };
  next.accessKey = sent("access_key") ?? next.accessKey;
  next.secretKey = sent("secret_key") ?? next.secretKey;
  next.region = sent("region") ?? next.region;
  next.iamEndpoint = sent("iam_endpoint") ?? next.iamEndpoint;
  next.stsEndpoint = sent("sts_endpoint") ?? next.stsEndpoint;
  next.stsRegion = sent("sts_region") ?? next.stsRegion;
  next.roleArn = sent("role_arn") ?? next.roleArn;
  next.maxRetries = sent("max_retries") ?? next.maxRetries;
  next.stsFallbackEndpoints = sent("sts_fallback_endpoints") ?? next.stsFallbackEndpoints;
  next.stsFallbackRegions = sent("sts_fallback_regions") ?? next.stsFallbackRegions;
  // Unlike the fields above, upstream takes username_template as sent on every write: a write
  // without it (or with an empty one) stores the default, even over a custom template.
  next.usernameTemplate = data.get("username_template") || DEFAULT_USERNAME_TEMPLATE;
  // Unlike upstream, a template that would exceed the template limits is refused here already,
  // rather than failing every creds read later.
  const overLimit = usernameTemplateOverLimit(next.usernameTemplate);
  if (overLimit !== undefined) return `username_template: ${overLimit}`;

  if (next.stsFallbackEndpoints.length !== next.stsFallbackRegions.length) {
    return "fallback endpoints and fallback regions must be the same length";
  }
  const ttl = sent("identity_token_ttl");
  if (ttl !== undefined) next.identityTokenTtl = secondsToNs(ttl);
  next.identityTokenAudience = sent("identity_token_audience") ?? next.identityTokenAudience;
  const rotation = applyRotationFields(next.rotation, {
    schedule: data.getOk("rotation_schedule"),
    window: data.getOk("rotation_window"),
    period: data.getOk("rotation_period"),
    disableAutomated: data.getOk("disable_automated_rotation"),
  });
  if (typeof rotation === "string") return rotation;
  next.rotation = rotation;
  return next;
}

function writeConfig(ctx: AwsSecretsContext) {
  return (request: Request, data: FieldData<RootFields>): Promise<Response | undefined> =>
    withRootConfigLock(ctx, async () => {
      const stored = await readRootConfig(request.storage);
      // A create, or an update that finds nothing stored, starts from the defaults.
      const next = mergeConfig(stored ?? defaultConfig(), data);
      if (typeof next === "string") return errorResponse(next);
      if (next.identityTokenAudience !== "") {
        if (next.accessKey !== "") return errorResponse("only one of 'access_key' or 'identity_token_audience' can be set");
        if (next.roleArn === "") return errorResponse("missing required 'role_arn' when 'identity_token_audience' is set");
        // Upstream probes for an identity token here; neither OpenBao nor Vault CE can issue one.
        return errorResponse(WORKLOAD_IDENTITY_UNSUPPORTED);
      }
      const rotationError = rotationManagerError(next.rotation);
      if (rotationError !== undefined) return errorResponse(rotationError);
      await writeRootConfig(request.storage, next);
      ctx.clients.reset();
      return undefined;
    });
}

const HELP_SYNOPSIS = "Configure the AWS credentials and endpoints this mount uses to manage IAM.";

const HELP_DESCRIPTION = `The engine needs AWS credentials allowed to manage IAM users, their access keys and
policies, and to call STS. They do not have to belong to the account root user; any IAM user
with those permissions will do.

Without access_key and secret_key the AWS SDK's default chain is used: environment variables,
the shared credentials and config files, then ECS or EC2 instance metadata.

A write changes only the fields it sends, except username_template, which every write sets (to
the default when it is not sent); the first write fills the rest with defaults. Reading
the path returns every setting except secret_key. "config/rotate-root" replaces the stored key
pair with a new one that only Vault knows.`;

/** The config/root path of one mount. */
export function configRootPath(ctx: AwsSecretsContext) {
  const write = writeConfig(ctx);
  return definePath({
    pattern: "config/root",
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX },
    existenceCheck: async (request) => (await readRootConfig(request.storage)) !== undefined,
    operations: {
      read: { handler: readConfig, displayAttrs: { operationSuffix: "root-iam-credentials-configuration" } },
      create: { handler: write, ...FORWARDED, displayAttrs: { operationVerb: "configure", operationSuffix: "root-iam-credentials" } },
      update: { handler: write, ...FORWARDED, displayAttrs: { operationVerb: "configure", operationSuffix: "root-iam-credentials" } },
    },
    helpSynopsis: HELP_SYNOPSIS,
    helpDescription: HELP_DESCRIPTION,
  });
}
