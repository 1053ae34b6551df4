// Roles from before credential_type (Vault ≤ 0.10): a `policy/<name>` entry whose raw bytes are an
// inline policy document or an ARN, and the deprecated `policy`/`arn` write parameters. Both are
// turned into a role as upstream's upgradeLegacyPolicyEntry does; such roles keep
// prohibit_flexible_cred_path, so they stay on the path (creds/ or sts/) they were used with.
import type { RoleEntry } from "./model.js";
import { compactJson } from "./role-json.js";
import { parseArn } from "./role-validation.js";

/** A role with every field at its zero value. */
export function emptyRole(): RoleEntry {
  return {
    credentialTypes: [],
    policyArns: [],
    roleArns: [],
    policyDocument: "",
    iamGroups: [],
    iamTags: {},
    sessionTags: {},
    externalId: "",
    defaultStsTtl: 0n,
    maxStsTtl: 0n,
    ttl: 0n,
    maxTtl: 0n,
    userPath: "",
    permissionsBoundaryArn: "",
    mfaSerialNumber: "",
    invalidData: "",
    prohibitFlexibleCredPath: false,
    version: 0,
  };
}

/**
 * The role a legacy value stands for: a role ARN → assumed_role, a policy ARN → iam_user with that
 * managed policy, a JSON document → iam_user or federation_token with it inline (the old API did
 * not say which). Anything else is kept verbatim in `invalidData` so it can still be read.
 */
export function upgradeLegacyPolicyEntry(value: string): RoleEntry {
  const legacy = { ...emptyRole(), version: 1 };
  if (value.startsWith("arn:")) {
    const arn = parseArn(value);
    if (typeof arn === "string") return { ...legacy, invalidData: value };
    switch (arn.resource.split("/")[0] ?? "") {
      case "role":
        return { ...legacy, credentialTypes: ["assumed_role"], roleArns: [value], prohibitFlexibleCredPath: true };
      case "policy":
        return { ...legacy, credentialTypes: ["iam_user"], policyArns: [value], prohibitFlexibleCredPath: true };
      default:
        return { ...legacy, invalidData: value };
    }
  }
  const compacted = compactJson(value);
  if (compacted === undefined) return { ...legacy, invalidData: value };
  return { ...legacy, credentialTypes: ["iam_user", "federation_token"], policyDocument: compacted, prohibitFlexibleCredPath: true };
}
