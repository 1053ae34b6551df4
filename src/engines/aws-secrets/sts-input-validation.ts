// The parameter checks Vault's engine gets from aws-sdk-go v1, which validates every STS input
// against the API model before sending it (the v3 SDK used here sends it as it is). Upstream
// answers such a failure like any other STS error: a 400 reading "<step>: InvalidParameter: …".
// Repeating the checks keeps that answer — a ttl below AWS's 900-second minimum is the common
// case — and keeps requests AWS would refuse from leaving the plugin at all.
import type { AssumeRoleCommandInput, GetFederationTokenCommandInput, GetSessionTokenCommandInput } from "@aws-sdk/client-sts";

/** AWS's lower bound on DurationSeconds for AssumeRole, GetFederationToken and GetSessionToken. */
export const MIN_STS_DURATION_SECONDS = 900;

/** Collects failed constraints in the SDK's order and words them as its ErrInvalidParams does. */
class InvalidParams {
  readonly #problems: string[] = [];

  constructor(private readonly context: string) {}

  minValue(field: string, value: number | undefined, min: number): void {
    if (value !== undefined && value < min) this.#problems.push(`minimum field value of ${min}, ${this.context}.${field}.`);
  }

  /** Go's len counts bytes, so lengths are measured in UTF-8. */
  minLen(field: string, value: string | undefined, min: number): void {
    if (value !== undefined && Buffer.byteLength(value, "utf8") < min) this.#problems.push(`minimum field size of ${min}, ${this.context}.${field}.`);
  }

  required(field: string, value: unknown): void {
    if (value === undefined) this.#problems.push(`missing required field, ${this.context}.${field}.`);
  }

  policyArns(arns: readonly { arn?: string | undefined }[] | undefined): void {
    (arns ?? []).forEach((descriptor, i) => this.minLen(`PolicyArns[${i}].Arn`, descriptor.arn, 20));
  }

  tags(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): void {
    (tags ?? []).forEach((tag, i) => {
      this.required(`Tags[${i}].Key`, tag.Key);
      this.minLen(`Tags[${i}].Key`, tag.Key, 1);
      this.required(`Tags[${i}].Value`, tag.Value);
    });
  }

  /** The SDK's error text (trailing newline included), or undefined when every check passed. */
  text(): string | undefined {
    if (this.#problems.length === 0) return undefined;
    return `InvalidParameter: ${this.#problems.length} validation error(s) found.\n${this.#problems.map((p) => `- ${p}\n`).join("")}`;
  }
}

/** Why aws-sdk-go v1 would refuse this AssumeRole input, or undefined. */
export function assumeRoleInputError(input: AssumeRoleCommandInput): string | undefined {
  const check = new InvalidParams("AssumeRoleInput");
  check.minValue("DurationSeconds", input.DurationSeconds, MIN_STS_DURATION_SECONDS);
  check.minLen("ExternalId", input.ExternalId, 2);
  check.minLen("Policy", input.Policy, 1);
  check.required("RoleArn", input.RoleArn);
  check.minLen("RoleArn", input.RoleArn, 20);
  check.required("RoleSessionName", input.RoleSessionName);
  check.minLen("RoleSessionName", input.RoleSessionName, 2);
  check.minLen("SerialNumber", input.SerialNumber, 9);
  check.minLen("SourceIdentity", input.SourceIdentity, 2);
  check.minLen("TokenCode", input.TokenCode, 6);
  check.policyArns(input.PolicyArns);
  check.tags(input.Tags);
  return check.text();
}

/** Why aws-sdk-go v1 would refuse this GetFederationToken input, or undefined. */
export function federationTokenInputError(input: GetFederationTokenCommandInput): string | undefined {
  const check = new InvalidParams("GetFederationTokenInput");
  check.minValue("DurationSeconds", input.DurationSeconds, MIN_STS_DURATION_SECONDS);
  check.required("Name", input.Name);
  check.minLen("Name", input.Name, 2);
  check.minLen("Policy", input.Policy, 1);
  check.policyArns(input.PolicyArns);
  check.tags(input.Tags);
  return check.text();
}

/** Why aws-sdk-go v1 would refuse this GetSessionToken input, or undefined. */
export function sessionTokenInputError(input: GetSessionTokenCommandInput): string | undefined {
  const check = new InvalidParams("GetSessionTokenInput");
  check.minValue("DurationSeconds", input.DurationSeconds, MIN_STS_DURATION_SECONDS);
  check.minLen("SerialNumber", input.SerialNumber, 9);
  check.minLen("TokenCode", input.TokenCode, 6);
  return check.text();
}
