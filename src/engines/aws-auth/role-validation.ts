// A write to `role/<role>` applied to the stored role, in upstream's order and with its texts:
// sent fields replace stored ones, resolve_aws_unique_ids resolves principal ARNs, then the
// auth_type, inferred-entity, bind, ec2-option, token and role_tag rules are checked. The first
// broken rule is the answer (HTTP 400).
import { randomUUID } from "node:crypto";
import { formatGoDuration, goQuote, parseTokenFields, type FieldData } from "../../framework/index.js";
import type { Request } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { blankRole, type AuthType, type AwsAuthRole } from "./role-model.js";
import { roleFields, type RoleFields } from "./role-fields.js";
import { resolveArnToUniqueId, type ResolveOptions } from "./unique-ids.js";

/** The only inferred entity type upstream supports. */
export const EC2_ENTITY_TYPE = "ec2_instance";

/** A role being written; auth_type is "" until the write sets it. */
type Draft = Omit<AwsAuthRole, "authType"> & { authType: AuthType | "" };

export type RoleWriteResult = { ok: true; role: AwsAuthRole; warnings: string[] } | { ok: false; error: string };

function newDraft(): Draft {
  return { ...blankRole(randomUUID(), "ec2"), authType: "", boundEc2InstanceIdsUnset: true };
}

const fail = (error: string): RoleWriteResult => ({ ok: false, error });

/**
 * The role after this write, or the error to answer with. `existing` is the stored role (undefined
 * on create); it is not modified. `resolve` is passed to the unique-ID lookups (tests shorten the
 * NoSuchEntity retries through it).
 */
export async function applyRoleWrite(
  ctx: AwsAuthContext,
  request: Request,
  data: FieldData<RoleFields>,
  existing: AwsAuthRole | undefined,
  resolve: Omit<ResolveOptions, "signal"> = {},
): Promise<RoleWriteResult> {
  const creating = request.operation === "create";
  const r: Draft = existing === undefined ? newDraft() : structuredClone(existing);
  const sent = <K extends keyof RoleFields>(name: K) => data.getOk(name);

  const lists = [
    ["bound_ami_id", "boundAmiIds"],
    ["bound_account_id", "boundAccountIds"],
    ["bound_region", "boundRegions"],
    ["bound_vpc_id", "boundVpcIds"],
    ["bound_subnet_id", "boundSubnetIds"],
  ] as const;
  for (const [name, key] of lists) {
    const v = sent(name);
    if (v.ok) r[key] = [...v.value];
  }

  const resolveIds = sent("resolve_aws_unique_ids");
  if (resolveIds.ok) {
    if (!creating && r.resolveAwsUniqueIds && !resolveIds.value) return fail("changing resolve_aws_unique_ids from true to false is not allowed");
    r.resolveAwsUniqueIds = resolveIds.value;
  } else if (creating) {
    r.resolveAwsUniqueIds = data.get("resolve_aws_unique_ids");
  }

  const more = [
    ["bound_iam_role_arn", "boundIamRoleArns"],
    ["bound_iam_instance_profile_arn", "boundIamInstanceProfileArns"],
    ["bound_ec2_instance_id", "boundEc2InstanceIds"],
  ] as const;
  for (const [name, key] of more) {
    const v = sent(name);
    if (v.ok) r[key] = [...v.value];
  }
  if (sent("bound_ec2_instance_id").ok) r.boundEc2InstanceIdsUnset = false;

  const principals = sent("bound_iam_principal_arn");
  if (principals.ok) {
    r.boundIamPrincipalArns = [...principals.value];
    r.boundIamPrincipalIds = [];
  }
  if (r.resolveAwsUniqueIds && r.boundIamPrincipalIds.length === 0) {
    // Resolution may just have been turned on: every exact ARN needs its ID.
    for (const arn of r.boundIamPrincipalArns) {
      if (arn.endsWith("*")) continue;
      try {
        r.boundIamPrincipalIds.push(await resolveArnToUniqueId(ctx.clients, arn, { ...resolve, signal: request.signal }));
      } catch (err) {
        return fail(`unable to resolve ARN ${goQuote(arn)} to internal ID: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const inferredType = sent("inferred_entity_type");
  if (inferredType.ok) r.inferredEntityType = inferredType.value;
  const inferredRegion = sent("inferred_aws_region");
  if (inferredRegion.ok) r.inferredAwsRegion = inferredRegion.value;

  const authType = sent("auth_type");
  if (authType.ok) {
    // Only a new role has no auth_type: stored roles were upgraded to carry one.
    if (r.authType === "") {
      if (authType.value !== "ec2" && authType.value !== "iam") return fail(`unrecognized auth_type: ${authType.value}`);
      r.authType = authType.value;
    } else if (authType.value !== r.authType) {
      return fail("changing auth_type on a role is not allowed");
    }
  } else if (creating) {
    // Mounts of the old "aws-ec2" type keep ec2 as the default.
    r.authType = request.mountType === "aws-ec2" ? "ec2" : "iam";
  }

  const bindError = checkBinds(r);
  if (bindError !== undefined) return fail(bindError);

  const disallow = sent("disallow_reauthentication");
  if (disallow.ok) {
    if (r.authType !== "ec2") return fail("specified disallow_reauthentication when not using ec2 auth type");
    r.disallowReauthentication = disallow.value;
  } else if (creating && r.authType === "ec2") {
    r.disallowReauthentication = data.get("disallow_reauthentication");
  }
  const migrate = sent("allow_instance_migration");
  if (migrate.ok) {
    if (r.authType !== "ec2") return fail("specified allow_instance_migration when not using ec2 auth type");
    r.allowInstanceMigration = migrate.value;
  } else if (creating && r.authType === "ec2") {
    r.allowInstanceMigration = data.get("allow_instance_migration");
  }
  if (r.allowInstanceMigration && r.disallowReauthentication) {
    return fail("cannot specify both disallow_reauthentication=true and allow_instance_migration=true");
  }

  const tokens = parseTokenFields(data, { existing: r.token, existingLegacy: r.legacy, declared: roleFields });
  if (!tokens.ok) return fail(tokens.error);
  r.token = tokens.params;
  r.legacy = tokens.legacy;

  const warnings: string[] = [];
  const systemMax = await ctx.system.maxLeaseTtl();
  const seconds = (ns: bigint): string => (ns / 1_000_000_000n).toString();
  if (r.token.tokenMaxTtl > systemMax) {
    warnings.push(
      `Given max ttl of ${seconds(r.token.tokenMaxTtl)} seconds greater than current mount/system default of ${seconds(systemMax)} seconds; max ttl will be capped at login time`,
    );
  }
  if (r.token.tokenMaxTtl !== 0n && r.token.tokenMaxTtl < r.token.tokenTtl) return fail("ttl should be shorter than max ttl");
  if (r.token.tokenPeriod > systemMax) {
    return fail(
      `period of ${goQuote(formatGoDuration(r.token.tokenPeriod))} is greater than the backend's maximum lease TTL of ${goQuote(formatGoDuration(systemMax))}`,
    );
  }

  const roleTag = sent("role_tag");
  if (roleTag.ok) {
    if (r.authType !== "ec2") return fail("tried to enable role_tag when not using ec2 auth method");
    r.roleTag = roleTag.value;
    // EC2 allows tag keys of at most 127 characters (upstream counts bytes).
    if (Buffer.byteLength(r.roleTag, "utf8") > 127) return fail("length of role tag exceeds the EC2 key limit of 127 characters");
  } else if (creating && r.authType === "ec2") {
    r.roleTag = data.get("role_tag");
  }

  if (r.hmacKey === "") r.hmacKey = randomUUID();
  // checkBinds has refused a role without auth_type (no binds would be allowed).
  const role: AwsAuthRole = { ...r, authType: r.authType === "" ? "iam" : r.authType };
  return { ok: true, role, warnings };
}

/** The inferred-entity and bind rules; the first broken one's text, or undefined. */
function checkBinds(r: Draft): string | undefined {
  let allowEc2Binds = r.authType === "ec2";
  if (r.inferredEntityType !== "") {
    if (r.authType !== "iam") return "specified inferred_entity_type but didn't allow iam auth_type";
    if (r.inferredEntityType !== EC2_ENTITY_TYPE) return `specified invalid inferred_entity_type: ${r.inferredEntityType}`;
    if (r.inferredAwsRegion === "") return "specified inferred_entity_type but not inferred_aws_region";
    allowEc2Binds = true;
  } else if (r.inferredAwsRegion !== "") {
    return "specified inferred_aws_region but not inferred_entity_type";
  }

  const ec2Only = (name: string): string => `specified ${name} but not specifying ec2 auth_type or inferring ${EC2_ENTITY_TYPE}`;
  // Upstream's order of checks, which decides which text a role breaking several rules gets.
  const checks: [values: string[], problem: string | undefined][] = [
    [r.boundAccountIds, allowEc2Binds ? undefined : ec2Only("bound_account_id")],
    [r.boundRegions, r.authType === "ec2" ? undefined : "specified bound_region but not specifying ec2 auth_type"],
    [r.boundAmiIds, allowEc2Binds ? undefined : ec2Only("bound_ami_id")],
    [r.boundIamInstanceProfileArns, allowEc2Binds ? undefined : ec2Only("bound_iam_instance_profile_arn")],
    [r.boundEc2InstanceIds, allowEc2Binds ? undefined : ec2Only("bound_ec2_instance_id")],
    [r.boundIamRoleArns, allowEc2Binds ? undefined : ec2Only("bound_iam_role_arn")],
    [r.boundIamPrincipalArns, r.authType === "iam" ? undefined : "specified bound_iam_principal_arn but not specifying iam auth_type"],
    [r.boundVpcIds, allowEc2Binds ? undefined : ec2Only("bound_vpc_id")],
    [r.boundSubnetIds, allowEc2Binds ? undefined : ec2Only("bound_subnet_id")],
  ];
  let binds = 0;
  for (const [values, problem] of checks) {
    if (values.length === 0) continue;
    if (problem !== undefined) return problem;
    binds++;
  }
  return binds === 0 ? "at least one bound parameter should be specified on the role" : undefined;
}
