// IAM principal ARNs as login reads them (upstream's parseIamArn and iamEntity): the caller's ARN
// from STS, and instance-profile ARNs for the ec2 binds. An assumed-role ARN names the role and the
// session; the canonical ARN drops paths and sessions so binds can name a role or user plainly.

export interface IamEntity {
  /** aws, aws-cn, aws-us-gov, … */
  partition: string;
  accountNumber: string;
  /** user, role, instance-profile or assumed-role. */
  type: string;
  /** The path between type and name (always "" for assumed roles, whose ARNs carry none). */
  path: string;
  /** The user, role or instance-profile name. */
  friendlyName: string;
  /** The session name of an assumed role ("" otherwise); the instance ID for EC2 instance roles. */
  sessionInfo: string;
}

export type ParsedArn = { ok: IamEntity } | { error: string };

/** parseIamArn, with upstream's error texts. */
export function parseIamArn(arn: string): ParsedArn {
  const full = arn.split(":");
  if (full.length !== 6) return { error: `unrecognized arn: contains ${full.length} colon-separated parts, expected 6` };
  const [prefix = "", partition = "", service = "", , accountNumber = "", resource = ""] = full;
  if (prefix !== "arn") return { error: 'unrecognized arn: does not begin with "arn:"' };
  if (service !== "iam" && service !== "sts") return { error: `unrecognized service: ${service}, not one of iam or sts` };
  const parts = resource.split("/");
  if (parts.length < 2) return { error: `unrecognized arn: ${JSON.stringify(resource)} contains fewer than 2 slash-separated parts` };
  const type = parts[0] ?? "";
  const entity: IamEntity = {
    partition,
    accountNumber,
    type,
    path: parts.slice(1, -1).join("/"),
    friendlyName: parts[parts.length - 1] ?? "",
    sessionInfo: "",
  };
  switch (type) {
    case "assumed-role":
      if (parts.length < 3) return { error: `unrecognized arn: ${JSON.stringify(resource)} contains fewer than 3 slash-separated parts` };
      return { ok: { ...entity, path: "", friendlyName: parts[1] ?? "", sessionInfo: parts[2] ?? "" } };
    case "user":
    case "role":
    case "instance-profile":
      return { ok: entity };
    default:
      return { error: `unrecognized principal type: ${JSON.stringify(type)}` };
  }
}

/** `arn:<partition>:iam::<account>:<user|role|…>/<name>`: path dropped, assumed-role → role. */
export function canonicalArn(e: IamEntity): string {
  const type = e.type === "assumed-role" ? "role" : e.type;
  return `arn:${e.partition}:iam::${e.accountNumber}:${type}/${e.friendlyName}`;
}

/** Go's %v of an iamEntity (`&{aws 123 user  alice }`), as upstream's error texts print it. */
export function entityText(e: IamEntity): string {
  return `&{${e.partition} ${e.accountNumber} ${e.type} ${e.path} ${e.friendlyName} ${e.sessionInfo}}`;
}
