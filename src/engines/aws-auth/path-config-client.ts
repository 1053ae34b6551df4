// config/client: the credentials and endpoints this mount uses for its own AWS calls, and the
// checks applied to iam logins (server-ID header, extra allowed X-Amz-* headers). Upstream:
// path_config_client.go. A write changes only what it sends (a create fills the rest with
// defaults); it flushes the cached clients only when something they were built from changed.
import { automatedRotationFields, canonicalHeaderKey, definePath, field, pluginIdentityTokenFields, type FieldData } from "../../framework/index.js";
import { errorResponse, type Request, type Response } from "../../logical/index.js";
import { applyRotationFields, rotationManagerError, rotationSeconds } from "../aws-secrets/config-root-rotation.js";
import { emptyStoredClientConfig, storedClientConfigEntry, type StoredClientConfig } from "./config-storage.js";
import { withConfigLock } from "./config-lock.js";
import type { AwsAuthContext } from "./context.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";
/** What a Vault CE server answers when plugin workload identity (WIF) is configured. */
export const WORKLOAD_IDENTITY_UNSUPPORTED =
  "failed to generate plugin identity token: plugin workload identity not supported in Vault community edition";
const FORWARDED = { forwardPerformanceStandby: true, forwardPerformanceSecondary: true } as const;
/** The UI group upstream's identity-token and rotation helpers use. */
const DEFAULT_GROUP = "default";
const NS_PER_SECOND = 1_000_000_000;

const fields = {
  access_key: field.string({ default: "", description: "AWS access key ID Vault signs its EC2, IAM and STS calls with." }),
  secret_key: field.string({ default: "", description: "AWS secret access key belonging to access_key. Never returned by a read." }),
  endpoint: field.string({ default: "", description: "URL of a custom EC2 endpoint." }),
  iam_endpoint: field.string({ default: "", description: "URL of a custom IAM endpoint." }),
  sts_endpoint: field.string({ default: "", description: "URL of a custom STS endpoint, for Vault's own calls and for forwarding iam logins." }),
  sts_region: field.string({ default: "", description: "Region to sign STS calls for (the one of sts_endpoint, when set)." }),
  use_sts_region_from_client: field.bool({
    default: false,
    description: "Forward an iam login to the STS endpoint of the region the client signed its request for.",
  }),
  iam_server_id_header_value: field.string({
    default: "",
    description: "When set, iam logins must carry this value in a signed X-Vault-AWS-IAM-Server-ID header.",
  }),
  allowed_sts_header_values: field.commaStringSlice({ description: "Extra X-Amz-* headers an iam login request may carry." }),
  max_retries: field.int({ default: -1, description: "Retries of retryable AWS errors; -1 keeps the AWS SDK's default." }),
  role_arn: field.string({ default: "", description: "Role to assume with a plugin identity token (Vault Enterprise only)." }),
  ...pluginIdentityTokenFields(DEFAULT_GROUP),
  ...automatedRotationFields(DEFAULT_GROUP, "the access key"),
};

type ClientFields = typeof fields;

function readClient(request: Request): Promise<Response | undefined> {
  return storedClientConfigEntry.get(request.storage).then((config) => {
    if (config === undefined) return undefined;
    return {
      data: {
        access_key: config.access_key,
        endpoint: config.endpoint,
        iam_endpoint: config.iam_endpoint,
        sts_endpoint: config.sts_endpoint,
        sts_region: config.sts_region,
        use_sts_region_from_client: config.use_sts_region_from_client,
        iam_server_id_header_value: config.iam_server_id_header_value,
        max_retries: config.max_retries,
        allowed_sts_header_values: config.allowed_sts_header_values,
        role_arn: config.role_arn,
        identity_token_ttl: Math.trunc(config.identity_token_ttl / NS_PER_SECOND),
        identity_token_audience: config.identity_token_audience,
        rotation_schedule: config.rotation_schedule,
        rotation_window: rotationSeconds(BigInt(config.rotation_window)),
        rotation_period: rotationSeconds(BigInt(config.rotation_period)),
        disable_automated_rotation: config.disable_automated_rotation,
      },
    };
  });
}

/** strutil.EquivalentSlices: the same members, in any order. */
function equivalent(a: readonly string[] | null, b: readonly string[]): boolean {
  const x = [...(a ?? [])].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((item, i) => item === y[i]);
}

interface Merged {
  config: StoredClientConfig;
  /** Something the cached clients or the default account depend on changed. */
  changedCreds: boolean;
  /** Something else changed that needs storing. */
  changedOther: boolean;
}

/** The stored config with this request's fields applied, or the user error (upstream's order of checks). */
function merge(current: StoredClientConfig, data: FieldData<ClientFields>, create: boolean): Merged | string {
  const next = { ...current };
  let changedCreds = false;
  let changedOther = false;
  // Fields whose change invalidates the clients: a sent value that differs flushes; on a create,
  // an absent one takes its default.
  const credsFields = ["access_key", "secret_key", "endpoint", "iam_endpoint", "sts_endpoint", "role_arn"] as const;
  for (const name of credsFields) {
    const { value, ok } = data.getOk(name);
    if (ok) {
      if (next[name] !== value) {
        changedCreds = true;
        next[name] = value;
      }
    } else if (create) next[name] = data.get(name);
  }
  // Upstream takes these two only when sent, also on a create.
  const stsRegion = data.getOk("sts_region");
  if (stsRegion.ok && next.sts_region !== stsRegion.value) {
    changedCreds = true;
    next.sts_region = stsRegion.value;
  }
  const fromClient = data.getOk("use_sts_region_from_client");
  if (fromClient.ok && next.use_sts_region_from_client !== fromClient.value) {
    changedCreds = true;
    next.use_sts_region_from_client = fromClient.value;
  }
  const serverId = data.getOk("iam_server_id_header_value");
  if (serverId.ok) {
    if (next.iam_server_id_header_value !== serverId.value) {
      next.iam_server_id_header_value = serverId.value;
      changedOther = true;
    }
  } else if (create) next.iam_server_id_header_value = data.get("iam_server_id_header_value");
  const headers = data.getOk("allowed_sts_header_values");
  if (headers.ok) {
    const canonical = headers.value.map(canonicalHeaderKey);
    if (!equivalent(next.allowed_sts_header_values, canonical)) {
      next.allowed_sts_header_values = canonical;
      changedOther = true;
    }
  }
  const retries = data.getOk("max_retries");
  if (retries.ok) {
    // Stored on every write that sends it, without flushing the clients (as upstream).
    next.max_retries = retries.value;
    changedOther = true;
  } else if (create) next.max_retries = data.get("max_retries");

  const ttl = data.getOk("identity_token_ttl");
  if (ttl.ok) next.identity_token_ttl = ttl.value * NS_PER_SECOND;
  const audience = data.getOk("identity_token_audience");
  if (audience.ok) next.identity_token_audience = audience.value;

  const rotation = applyRotationFields(
    {
      schedule: next.rotation_schedule,
      window: BigInt(next.rotation_window),
      period: BigInt(next.rotation_period),
      disableAutomated: next.disable_automated_rotation,
    },
    {
      schedule: data.getOk("rotation_schedule"),
      window: data.getOk("rotation_window"),
      period: data.getOk("rotation_period"),
      disableAutomated: data.getOk("disable_automated_rotation"),
    },
  );
  if (typeof rotation === "string") return rotation;
  next.rotation_schedule = rotation.schedule;
  next.rotation_window = Number(rotation.window);
  next.rotation_period = Number(rotation.period);
  next.disable_automated_rotation = rotation.disableAutomated;

  if (next.identity_token_audience !== "" && next.access_key !== "") return "only one of 'access_key' or 'identity_token_audience' can be set";
  if (next.identity_token_audience !== "" && next.role_arn === "") return "role_arn must be set when identity_token_audience is set";
  // Upstream asks the host for an identity token here; Vault CE and OpenBao cannot issue one.
  if (next.identity_token_audience !== "") return WORKLOAD_IDENTITY_UNSUPPORTED;
  const rotationError = rotationManagerError(rotation);
  if (rotationError !== undefined) return rotationError;
  return { config: next, changedCreds, changedOther };
}

function writeClient(ctx: AwsAuthContext) {
  return (request: Request, data: FieldData<ClientFields>): Promise<Response | undefined> =>
    withConfigLock(ctx, STORAGE.clientConfig, async () => {
      const create = request.operation === "create";
      const stored = await storedClientConfigEntry.get(request.storage);
      const merged = merge(stored ?? emptyStoredClientConfig(), data, create);
      if (typeof merged === "string") return errorResponse(merged);
      // Access and secret keys may arrive in separate writes, so a half pair is stored; the
      // clients refuse it when they are built.
      if (merged.changedCreds || merged.changedOther || create) await storedClientConfigEntry.put(request.storage, merged.config);
      if (merged.changedCreds) ctx.clients.reset();
      return undefined;
    });
}

function deleteClient(ctx: AwsAuthContext) {
  return (request: Request): Promise<Response | undefined> =>
    withConfigLock(ctx, STORAGE.clientConfig, async () => {
      await storedClientConfigEntry.delete(request.storage);
      ctx.clients.reset();
      return undefined;
    });
}

const HELP_DESCRIPTION = `The credentials configured here are used for every AWS call the method makes on its own
behalf: ec2:DescribeInstances for ec2 logins and inferred EC2 instances, iam:GetInstanceProfile
for bound_iam_role_arn, iam:GetUser and iam:GetRole to resolve bound principal ARNs, and
sts:AssumeRole for accounts configured under "config/sts". Without access_key and secret_key the
AWS SDK's default chain is used (environment, shared files, ECS or EC2 instance metadata).

iam_server_id_header_value and allowed_sts_header_values constrain iam logins. A read returns
every setting except secret_key.`;

export function configClientPath(ctx: AwsAuthContext) {
  const write = writeClient(ctx);
  return definePath({
    pattern: "config/client$",
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX },
    existenceCheck: async (request) => (await storedClientConfigEntry.get(request.storage)) !== undefined,
    operations: {
      create: { handler: write, ...FORWARDED, displayAttrs: { operationVerb: "configure", operationSuffix: "client" } },
      update: { handler: write, ...FORWARDED, displayAttrs: { operationVerb: "configure", operationSuffix: "client" } },
      delete: { handler: deleteClient(ctx), displayAttrs: { operationSuffix: "client-configuration" } },
      read: { handler: readClient, displayAttrs: { operationSuffix: "client-configuration" } },
    },
    helpSynopsis: "Configure the AWS credentials and endpoints the method uses to query AWS.",
    helpDescription: HELP_DESCRIPTION,
  });
}
