// static-creds/<name>: the current key pair of a static role (≈ upstream path_static_creds.go).
// Not a lease: the pair stays valid until the role rotates it, so the reply carries no secret
// and nothing to renew or revoke.
import { definePath, field, genericNameWithAtRegex, type FieldData } from "../../framework/index.js";
import type { Request, Response } from "../../logical/index.js";
import type { AwsSecretsContext } from "./context.js";
import { formatGoTime, getStaticCreds } from "./static-storage.js";

const fields = {
  name: field.string({ description: "Name of the static role." }),
};

/** What OpenAPI shows of a read (upstream documents the key pair, not `expiration`). */
const CREDS_RESPONSES = {
  200: [
    {
      description: "OK",
      fields: {
        access_key: field.string({ description: "Access key ID of the static role's IAM user." }),
        secret_key: field.string({ description: "Secret access key belonging to access_key." }),
      },
    },
  ],
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
    // No display attributes, as upstream: the operation ID comes from the path ("aws-read-static-creds-name").
    operations: {
      read: { handler: readCreds, responses: CREDS_RESPONSES },
    },
    helpSynopsis: "Read the current access key of a static role.",
    helpDescription: HELP_DESCRIPTION,
  });
}
