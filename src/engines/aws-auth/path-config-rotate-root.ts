// config/rotate-root: replaces config/client's access key with a new one of the same IAM user, so
// that only Vault knows the key it works with. Upstream: path_config_rotate_root.go — GetUser
// (self), CreateAccessKey, store, flush the clients, DeleteAccessKey (old); a new key that could
// not be stored is deleted again.
import { definePath } from "../../framework/index.js";
import { awsFailure } from "../../aws/errors.js";
import { errorResponse, LogicalError, type Request, type Response } from "../../logical/index.js";
import { withConfigLock } from "./config-lock.js";
import { storedClientConfigEntry } from "./config-storage.js";
import type { AwsAuthContext } from "./context.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";

/** One AWS call, its failure classified and prefixed with upstream's step text. */
async function step<T>(text: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw awsFailure(text, err);
  }
}

function rotate(ctx: AwsAuthContext) {
  return (request: Request): Promise<Response | undefined> =>
    withConfigLock(ctx, STORAGE.clientConfig, async () => {
      const config = await storedClientConfigEntry.get(request.storage);
      if (config === undefined) return errorResponse("can't update client config because it's unset");
      if (config.access_key === "") return errorResponse("can't update access_key because it's unset");
      if (config.secret_key === "") return errorResponse("can't update secret_key because it's unset");

      // Only the read-only GetUser stops when the caller gives up. From CreateAccessKey on the
      // rotation runs to its end: an abort mid-way could leave a key nobody stores, using up one
      // of the user's two key slots. The new key's record is config/client, written below.
      const lookup = await ctx.clients.rootKeyIam(request.signal);
      const userName = await step("error calling GetUser", () => lookup.currentUserName());
      const iam = await ctx.clients.rootKeyIam();
      const created = await step("error calling CreateAccessKey", () => iam.createAccessKey(userName));

      try {
        await storedClientConfigEntry.put(request.storage, { ...config, access_key: created.accessKeyId, secret_key: created.secretAccessKey });
      } catch (err) {
        // Nobody would know the new key: delete it so the user keeps a free key slot. The storage
        // failure is what the caller needs to see.
        await iam.deleteAccessKey(userName, created.accessKeyId).catch((cleanup: unknown) => {
          ctx.logger.warn("error deleting newly created but unstored access key", {
            access_key_id: created.accessKeyId,
            error: cleanup instanceof Error ? cleanup.message : String(cleanup),
          });
        });
        throw new Error(`error saving new client config: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      ctx.clients.reset();

      await step(`error deleting old access key ID ${config.access_key}`, () => iam.deleteAccessKey(userName, config.access_key));
      return { data: { access_key: created.accessKeyId } };
    });
}

/**
 * AWS refusing a call for a reason on the caller's side (the stored key is unknown or not
 * allowed, the key limit is reached) is an error response (400); AWS failing on its side stays
 * an internal error (500).
 */
function rotateRoot(ctx: AwsAuthContext) {
  const run = rotate(ctx);
  return async (request: Request): Promise<Response | undefined> => {
    try {
      return await run(request);
    } catch (err) {
      if (err instanceof LogicalError && err.kind === "user") return errorResponse(err.message);
      throw err;
    }
  };
}

export function configRotateRootPath(ctx: AwsAuthContext) {
  return definePath({
    pattern: "config/rotate-root",
    fields: {},
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationVerb: "rotate", operationSuffix: "root-credentials" },
    // Forwarded to the active node: a standby cannot store the new key.
    operations: { update: { handler: rotateRoot(ctx), forwardPerformanceStandby: true, forwardPerformanceSecondary: true } },
    helpSynopsis: "Rotate the AWS access key stored in config/client.",
    helpDescription: `Creates a new access key for the IAM user owning the key in "config/client", stores it in
place of the old one and deletes the old key in IAM. The response shows the new access key ID;
the secret key is never returned. This needs a static access_key and secret_key in config/client,
and the user must be allowed iam:GetUser, iam:CreateAccessKey and iam:DeleteAccessKey on itself.
IAM allows two keys per user, so the user must not already have a second one.`,
  });
}
