// static-creds/<name>: the current key pair of a static role (≈ upstream path_static_creds.go).
// Not a lease: the pair stays valid until the role rotates it, so the reply carries no secret
// and nothing to renew or revoke.
import { definePath, field, genericNameWithAtRegex, type FieldData } from "../../framework/index.js";
import type { Request, Response } from "../../logical/index.js";
import { OPERATION_PREFIX } from "./constants.js";
import type { AwsSecretsContext } from "./context.js";
import { formatGoTime, getStaticCreds } from "./static-storage.js";

const fields = {
  name: field.string({ description: "Name of the static role." }),
};

/**
 * A read answers the stored pair as upstream does: `access_key`, `secret_key` and `expiration`
 * (the next rotation, in Go's JSON time format; null for pairs stored by Vault before it recorded
 * one). An unknown role answers nothing, i.e. 404.
 */
async function readCreds(request: Request, data: FieldData<typeof fields>): Promise<Response | undefined> {
  const creds = await getStaticCreds(request.storage, data.get("name"));
  if (creds === undefined) return undefined;
  return {
    data: {
      access_key: creds.accessKeyId,
      expiration: creds.expiration === undefined ? null : formatGoTime(creds.expiration),
      secret_key: creds.secretAccessKey,
    },
  };
}

const HELP_DESCRIPTION = `Returns the access key of a static role as last rotated, with the time of its
next rotation. Every read returns the same pair until then; there is no lease to renew or
revoke.`;

/** static-creds/<name>: read only. */
export function staticCredsPath(_ctx: AwsSecretsContext) {
  return definePath({
    pattern: `static-creds/${genericNameWithAtRegex("name")}`,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "static-credentials" },
    operations: {
      read: { handler: readCreds, displayAttrs: { operationVerb: "read" } },
    },
    helpSynopsis: "Read the current access key of a static role.",
    helpDescription: HELP_DESCRIPTION,
  });
}
