// IAM principal ARNs → AWS's unique IDs (AIDA…/AROA…/AIPA…), for roles with
// resolve_aws_unique_ids: a principal deleted and re-created under the same name gets a new ID, so
// binding the ID keeps the new principal out. The lookup happens in the ARN's own account.
//
// Beyond upstream (terraform-provider-vault#2439): IAM is eventually consistent, and a principal
// created a moment ago can still answer NoSuchEntity. Such answers are retried with backoff for
// about ten seconds (a fixed floor, not configurable) before the write fails; the request's
// cancellation stops the wait at once.
import { classifyAwsError, isNoSuchEntity } from "../../aws/errors.js";
import { parseIamArn, type IamEntity } from "./arn.js";
import type { AwsAuthClients } from "./aws-api.js";
import { regionForPartition, unknownPartitionMessage } from "./partition-regions.js";

/** Waits between lookups that answered NoSuchEntity: ≈10 s in all. */
export const NOT_FOUND_RETRY_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 3_000, 3_500];

export interface ResolveOptions {
  signal?: AbortSignal;
  /** The waits between attempts after NoSuchEntity (tests shorten it; handlers use the default). */
  retryDelaysMs?: readonly number[];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new Error("the request was cancelled while waiting for IAM to know the principal"));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error("the request was cancelled while waiting for IAM to know the principal"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** One lookup of the entity's unique ID; AWS's errors are thrown as they came. */
async function lookUp(clients: AwsAuthClients, entity: IamEntity, region: string, signal: AbortSignal | undefined): Promise<string> {
  const iam = await clients.iam(region, entity.accountNumber, signal);
  switch (entity.type) {
    case "user":
      return (await iam.getUser(entity.friendlyName)).uniqueId;
    case "role":
      return (await iam.getRole(entity.friendlyName)).uniqueId;
    case "instance-profile":
      return (await iam.getInstanceProfile(entity.friendlyName)).instanceProfileId;
    default:
      throw new Error(`unrecognized error type ${JSON.stringify(entity.type)}`);
  }
}

const ACTIONS: Readonly<Record<string, string>> = { user: "IAM GetUser", role: "IAM GetRole", "instance-profile": "IAM GetInstanceProfile" };

/**
 * The unique ID of the principal `arn` names (upstream's resolveArnToRealUniqueId), retrying
 * NoSuchEntity as described at the top. Throws an Error whose message says what failed; the
 * caller puts upstream's "unable to resolve ARN … to internal ID: " in front.
 */
export async function resolveArnToUniqueId(clients: AwsAuthClients, arn: string, options: ResolveOptions = {}): Promise<string> {
  const parsed = parseIamArn(arn);
  if ("error" in parsed) throw new Error(parsed.error);
  const entity = parsed.ok;
  const region = regionForPartition(entity.partition);
  if (region === undefined) throw new Error(unknownPartitionMessage(entity.partition));
  const delays = options.retryDelaysMs ?? NOT_FOUND_RETRY_DELAYS_MS;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await lookUp(clients, entity, region, options.signal);
    } catch (err) {
      const delay = delays[attempt];
      if (isNoSuchEntity(err) && delay !== undefined && options.signal?.aborted !== true) {
        await sleep(delay, options.signal);
        continue;
      }
      const message = classifyAwsError(err, ACTIONS[entity.type]).message;
      if (!isNoSuchEntity(err) || attempt === 0) throw new Error(message, { cause: err });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      throw new Error(`${message} (still not found after ${attempt + 1} attempts over ${seconds}s)`, { cause: err });
    }
  }
}
