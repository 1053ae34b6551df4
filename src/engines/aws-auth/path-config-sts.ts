// config/sts/<account_id> and config/sts/: the role Vault assumes to call EC2 and IAM in an
// account other than its own. Without an entry, requests for another account are refused (see
// clients.ts). Upstream: path_config_sts.go (external_id from the newest client.go).
// The clients' cache key holds the role and external ID, so a changed entry takes effect at once
// without flushing anything.
import { definePath, field, genericNameRegex, type FieldData } from "../../framework/index.js";
import { errorResponse, listResponse, type Request, type Response } from "../../logical/index.js";
import { withConfigLock } from "./config-lock.js";
import { stsEntries, type StsEntry } from "./config-storage.js";
import type { AwsAuthContext } from "./context.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";

const fields = {
  account_id: field.string({ description: "AWS account ID whose EC2 and IAM calls go through the role below." }),
  sts_role: field.string({ description: "ARN of the role Vault assumes for that account; Vault's credentials must be allowed to assume it." }),
  external_id: field.string({ description: "External ID sent with AssumeRole, when the role's trust policy asks for one." }),
};

type StsFields = typeof fields;

async function readSts(request: Request, data: FieldData<StsFields>): Promise<Response | undefined> {
  const entry = await stsEntries.get(request.storage, data.get("account_id"));
  if (entry === undefined) return undefined;
  return { data: { sts_role: entry.sts_role, ...(entry.external_id !== undefined && entry.external_id !== "" && { external_id: entry.external_id }) } };
}

function writeSts(ctx: AwsAuthContext) {
  return (request: Request, data: FieldData<StsFields>): Promise<Response | undefined> =>
    withConfigLock(ctx, STORAGE.stsPrefix, async () => {
      const accountId = data.get("account_id");
      const stored = await stsEntries.get(request.storage, accountId);
      let role = stored?.sts_role ?? "";
      let externalId = stored?.external_id ?? "";
      const sentRole = data.getOk("sts_role");
      if (sentRole.ok) role = sentRole.value;
      else if (request.operation === "create") return errorResponse("missing sts role");
      if (role === "") return errorResponse("sts role cannot be empty");
      const sentExternalId = data.getOk("external_id");
      if (sentExternalId.ok) externalId = sentExternalId.value;
      ctx.logger.info("setting sts", { account_id: accountId, sts_role: role, external_id_set: externalId !== "" });
      // external_id is left out when empty, as Go's omitempty does.
      const entry: StsEntry = { sts_role: role, ...(externalId !== "" && { external_id: externalId }) };
      await stsEntries.put(request.storage, accountId, entry);
      return undefined;
    });
}

async function deleteSts(request: Request, data: FieldData<StsFields>): Promise<Response | undefined> {
  await stsEntries.delete(request.storage, data.get("account_id"));
  return undefined;
}

export function configStsPath(ctx: AwsAuthContext) {
  const write = writeSts(ctx);
  return definePath({
    pattern: `config/sts/${genericNameRegex("account_id")}`,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "sts-role" },
    existenceCheck: async (request, data) => (await stsEntries.get(request.storage, data.get("account_id"))) !== undefined,
    operations: { create: write, update: write, read: readSts, delete: deleteSts },
    helpSynopsis: "Configure the role Vault assumes to reach another AWS account.",
    helpDescription: `EC2 instances and IAM principals of an account other than the one of Vault's own
credentials are looked up with credentials from sts:AssumeRole on the role configured here for
that account. Vault's credentials must be allowed to assume it. Logins that need AWS calls in an
account without an entry are refused.`,
  });
}

export function listStsPath() {
  return definePath({
    pattern: "config/sts/?",
    fields: {},
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "sts-role-relationships" },
    operations: { list: async (request) => listResponse(await request.storage.list(STORAGE.stsPrefix)) },
    helpSynopsis: "List the accounts that have an STS role configured.",
    helpDescription: "Lists the account IDs configured under config/sts/.",
  });
}
