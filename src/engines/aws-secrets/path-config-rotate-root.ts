// config/rotate-root: replaces the stored root access key with a new one of the same IAM user, so
// that only Vault knows the key it works with.
import { definePath } from "../../framework/index.js";
import { errorResponse, LogicalError, type Request, type Response } from "../../logical/index.js";
import { awsFailure } from "../../aws/errors.js";
import { withRootConfigLock } from "./config-root-lock.js";
import { readRootConfig, writeRootConfig } from "./config-root-storage.js";
import { FORWARDED, OPERATION_PREFIX } from "./constants.js";
import type { AwsSecretsContext } from "./context.js";

/** One AWS call, its failure classified and prefixed with upstream's context ("error calling GetUser: …"). */
async function call<T>(context: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw awsFailure(context, err, action);
  }
}

/**
 * AWS refusing a call for a reason on the caller's side (the stored key is unknown or not allowed,
 * the key limit is reached) is answered as an error response (HTTP 400). Raised, it would be a
 * 500: Vault's HTTP layer answers a raised user error without a response with 500, which is what
 * upstream's plain errors get. AWS failing on its side stays a raised internal error (500).
 */
function rotateRoot(ctx: AwsSecretsContext) {
  const rotate = rotateRootLocked(ctx);
  return async (request: Request): Promise<Response | undefined> => {
    try {
      return await rotate(request);
    } catch (err) {
      if (err instanceof LogicalError && err.kind === "user") return errorResponse(err.message);
      throw err;
    }
  };
}

function rotateRootLocked(ctx: AwsSecretsContext) {
  return (request: Request): Promise<Response | undefined> =>
    withRootConfigLock(ctx, async () => {
      const config = await readRootConfig(request.storage);
      // Without a stored key pair (none at all, or credentials from the SDK's default chain)
      // there is nothing Vault owns that it could rotate.
      if (config === undefined || config.accessKey === "" || config.secretKey === "") {
        return errorResponse("Cannot call config/rotate-root when either access_key or secret_key is empty");
      }

      // Only the read-only GetUser stops when the caller gives up. From CreateAccessKey on the
      // rotation runs to its end: an abort mid-CreateAccessKey could leave a key nobody stores,
      // using up one of the user's two key slots; the new key's record is config/root, written below.
      const oldIam = await ctx.clients.iam();
      const lookup = await ctx.clients.iam(request.signal);
      // GetUser without a name describes the caller: the user owning the stored key.
      const { User: user } = await call("error calling GetUser", "IAM GetUser", () => lookup.getUser({}));
      if (user === undefined) throw new Error("nil user returned from GetUser");
      const userName = user.UserName;
      if (userName === undefined) throw new Error("nil UserName returned from GetUser");

      const { AccessKey: created } = await call("error calling CreateAccessKey", "IAM CreateAccessKey", () => oldIam.createAccessKey({ UserName: userName }));
      if (created === undefined) throw new Error("nil response from CreateAccessKey");
      const { AccessKeyId: newKeyId, SecretAccessKey: newSecret } = created;
      if (newKeyId === undefined || newSecret === undefined) {
        throw new Error("nil AccessKeyId or SecretAccessKey returned from CreateAccessKey");
      }

      try {
        await writeRootConfig(request.storage, { ...config, accessKey: newKeyId, secretKey: newSecret });
      } catch (err) {
        // The new key would be known to nobody; remove it so the user keeps a free key slot
        // (IAM allows two). Best effort: the storage error is what the caller needs to see.
        await oldIam.deleteAccessKey({ AccessKeyId: newKeyId, UserName: userName }).catch((cleanup: unknown) => {
          ctx.logger.warn("could not delete the new access key after failing to store it", { error: String(cleanup) });
        });
        throw new Error(`error saving new config/root: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      ctx.clients.reset();

      // The old key deletes itself, as upstream does: a key created a moment ago is often refused
      // by IAM for some seconds (eventual consistency), while the old one is valid until deleted.
      // If this fails, the new key is stored and works; the old one is left for the operator.
      await call("error deleting old access key", "IAM DeleteAccessKey", () =>
        oldIam.deleteAccessKey({ AccessKeyId: config.accessKey, UserName: userName }),
      );
      return { data: { access_key: newKeyId } };
    });
}

const HELP_SYNOPSIS = "Rotate the AWS access key stored in config/root.";

const HELP_DESCRIPTION = `Creates a new access key for the IAM user whose key is stored in "config/root", stores
it in place of the old one and deletes the old key in IAM. The response shows the new access
key ID; the secret key is never returned.

This works only when config/root holds an access_key and secret_key (not with credentials from
the environment or instance metadata), and the user must be allowed iam:GetUser,
iam:CreateAccessKey and iam:DeleteAccessKey on itself. IAM allows two keys per user, so the user
must not already have a second key.`;

/** The config/rotate-root path of one mount. */
export function configRotateRootPath(ctx: AwsSecretsContext) {
  return definePath({
    pattern: "config/rotate-root",
    fields: {},
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationVerb: "rotate", operationSuffix: "root-iam-credentials" },
    operations: { update: { handler: rotateRoot(ctx), ...FORWARDED } },
    helpSynopsis: HELP_SYNOPSIS,
    helpDescription: HELP_DESCRIPTION,
  });
}
