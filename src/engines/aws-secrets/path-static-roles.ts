// static-roles/ (LIST) and static-roles/<name>: IAM users whose access key this mount owns and
// rotates on a schedule (≈ upstream path_static_roles.go and path_static_roles_ce.go).
//
// Like upstream, the path declares no existence check: every write is an `update`, and the handler
// tells creation from modification by looking in storage. ACL policies written for Vault therefore
// need the same capability (`update`) here.
import { awsFailure, isNoSuchEntity } from "../../aws/errors.js";
import { definePath, field, genericNameWithAtRegex, writeSafeReplicationState, type FieldData } from "../../framework/index.js";
import { errorResponse, listResponse, LogicalError, nsToSeconds, secondsToNs, type Request, type Response, type Storage } from "../../logical/index.js";
import type { IamApi } from "./aws-api.js";
import { FORWARDED } from "./constants.js";
import type { AwsSecretsContext } from "./context.js";
import { staticCredsPath } from "./path-static-creds.js";
import {
  deleteStaticCreds,
  deleteStaticRole,
  getStaticCreds,
  getStaticRole,
  listStaticRoles,
  periodMs,
  putStaticCreds,
  putStaticRole,
  type StaticRole,
} from "./static-storage.js";
import {
  ENTERPRISE_ONLY_MESSAGE,
  freshIamFor,
  ROTATION_RETRY_BACKOFF_MS,
  rotateStaticKey,
  StaticRoleUserError,
  StaticRotationQueue,
  validateIamUser,
  withContext,
} from "./static-rotation.js";

export { ENTERPRISE_ONLY_MESSAGE };

/** Upstream's lower bound on `rotation_period`. */
export const MIN_ROTATION_PERIOD_SECONDS = 60;

const fields = {
  name: field.string({ description: "Name of the static role." }),
  username: field.string({ description: "Name of the existing IAM user whose access keys this role manages. Required on creation." }),
  rotation_period: field.durationSeconds({
    description: "How often the user's access key is replaced: a duration such as '12h' or a number of seconds, at least one minute. Required on creation.",
  }),
  // The cross-account fields (assume_role_arn, assume_role_session_name, external_id) are not
  // declared: Vault CE adds them only in Enterprise builds, so a CE server ignores them with the
  // unrecognized-parameter warning. Stored values (from an Enterprise cluster) are still read back.
};

type RoleFields = typeof fields;

/** Reads and writes answer the role; OpenAPI documents the answer with the path's own fields, as upstream. */
const ROLE_RESPONSES = { 200: [{ description: "OK", fields }] };

/** The read/write reply: upstream's struct-to-map of the entry, with the period in seconds. */
function roleData(role: StaticRole): Record<string, unknown> {
  return {
    name: role.name,
    id: role.id,
    username: role.username,
    rotation_period: nsToSeconds(role.rotationPeriod),
    assume_role_arn: role.assumeRoleArn,
    assume_role_session_name: role.assumeRoleSessionName,
    external_id: role.externalId,
  };
}

/**
 * Turns the user-facing failures of IAM validation into a 400 — AWS refusing on the caller's side
 * (an unknown user, a stored key AWS does not accept) included: raised, Vault's HTTP layer would
 * answer a user error with a 500. Everything else propagates.
 */
async function answerUserErrors(work: () => Promise<Response | undefined>): Promise<Response | undefined> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StaticRoleUserError) return errorResponse(err.message);
    if (err instanceof LogicalError && err.kind === "user") return errorResponse(err.message);
    throw err;
  }
}

/** LIST static-roles/: the names of all static roles. */
export function staticRolesListPath(_ctx: AwsSecretsContext) {
  return definePath({
    pattern: "static-roles/?$",
    fields: {},
    // No display attributes, as upstream: operation IDs come from the path ("aws-list-static-roles").
    operations: {
      list: { handler: async (request: Request) => listResponse(await listStaticRoles(request.storage)) },
    },
    helpSynopsis: "List the static roles of this mount.",
    helpDescription: "Returns the names of all roles defined under \"static-roles/\".",
  });
}

/** static-roles/<name>: read, write (create or update) and delete one static role. */
export function staticRolePath(ctx: AwsSecretsContext, queue: StaticRotationQueue) {
  async function read(request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> {
    const role = await getStaticRole(request.storage, data.get("name"));
    return role === undefined ? undefined : { data: roleData(role) };
  }

  async function write(request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> {
    const name = data.get("name");
    if (name === "") throw new Error("empty role name attribute given");
    return queue.locks.run(name, () => answerUserErrors(() => writeLocked(request, data, name)));
  }

  // Upstream's order: existing entry, username (checked in IAM), period;
  // then store the role, and either bootstrap its first key or reschedule its rotation.
  async function writeLocked(request: Request, data: FieldData<RoleFields>, name: string): Promise<Response | undefined> {
    const existing = await getStaticRole(request.storage, name);
    const isCreate = existing === undefined;
    const role: StaticRole = existing ?? {
      name,
      id: "",
      username: "",
      rotationPeriod: 0n,
      assumeRoleArn: "",
      assumeRoleSessionName: "",
      externalId: "",
    };

    const username = data.getOk("username");
    if (username.ok) {
      role.username = username.value;
      let iam: IamApi;
      try {
        iam = await freshIamFor(ctx, role);
      } catch (err) {
        throw withContext(`unable to get client to validate username ${JSON.stringify(role.username)}`, err);
      }
      // On creation the UserId is recorded; afterwards it must still match (a Vault 1.14 entry
      // without one adopts the current user's).
      role.id = await validateIamUser(iam, role.username, isCreate || role.id === "" ? undefined : role.id);
    } else if (isCreate) {
      return errorResponse('missing "username" parameter');
    }

    const period = data.getOk("rotation_period");
    if (period.ok) {
      if (period.value < MIN_ROTATION_PERIOD_SECONDS) {
        return errorResponse(`role rotation period out of range: must be greater than ${MIN_ROTATION_PERIOD_SECONDS.toFixed(2)} seconds`);
      }
      role.rotationPeriod = secondsToNs(period.value);
    } else if (isCreate) {
      return errorResponse('missing "rotation_period" parameter');
    }

    await putStaticRole(request.storage, role);

    const creds = await getStaticCreds(request.storage, name);
    if (creds === undefined) {
      // A secret access key is only ever shown when it is created, so the role needs its own.
      try {
        const created = await rotateStaticKey(ctx, request.storage, role);
        queue.schedule(name, created.expiration);
      } catch (err) {
        // Leave the role scheduled shortly, so the periodic function retries a passing failure.
        queue.schedule(name, new Date(ctx.now().getTime() + ROTATION_RETRY_BACKOFF_MS));
        throw withContext(`failed to create new credentials for role ${JSON.stringify(name)}`, err);
      }
    } else {
      // Any update restarts the clock at now + period (vault#21967). Upstream changes only its
      // in-memory queue; the new expiration is stored too, so a restart keeps it.
      const expiration = new Date(ctx.now().getTime() + periodMs(role));
      await putStaticCreds(request.storage, name, { ...creds, expiration });
      queue.schedule(name, expiration);
    }
    return { data: roleData(role) };
  }

  async function remove(request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> {
    const name = data.get("name");
    return queue.locks.run(name, async () => {
      const role = await getStaticRole(request.storage, name);
      if (role === undefined) return undefined;
      const creds = await getStaticCreds(request.storage, name);
      const warnings: string[] = [];
      if (creds !== undefined) {
        if (role.assumeRoleArn === "") {
          await deleteVaultKey(role, creds.accessKeyId);
        } else {
          // A cross-account role (stored by Vault Enterprise) cannot be reached from here; removing
          // it must still be possible, so its key is left behind and named.
          const where = `IAM user ${JSON.stringify(role.username)} behind ${role.assumeRoleArn}`;
          warnings.push(`access key ${creds.accessKeyId} of ${where} was not deleted: ${ENTERPRISE_ONLY_MESSAGE}`);
        }
        await deleteStaticCreds(request.storage, name);
      }
      queue.remove(name);
      await deleteStaticRole(request.storage, name);
      return warnings.length === 0 ? undefined : { warnings };
    });
  }

  // Only the key this mount created is removed; the user and its other key stay. IAM goes first,
  // so a failure leaves everything in place for a retry (upstream drops the stored creds before
  // calling IAM, and loses track of the key when IAM then fails).
  async function deleteVaultKey(role: StaticRole, accessKeyId: string): Promise<void> {
    const context = `failed to clean credentials while deleting role ${JSON.stringify(role.name)}`;
    let iam: IamApi;
    try {
      iam = await ctx.clients.freshIam();
    } catch (err) {
      throw withContext(`${context}: failed to get IAM client for role ${JSON.stringify(role.name)} while deleting`, err);
    }
    try {
      await iam.deleteAccessKey({ AccessKeyId: accessKeyId, UserName: role.username });
    } catch (err) {
      // Already gone (deleted by hand, or with the user) is what delete wants anyway.
      if (!isNoSuchEntity(err)) throw awsFailure(`${context}: couldn't delete from IAM`, err);
    }
  }

  return definePath({
    pattern: `static-roles/${genericNameWithAtRegex("name")}`,
    fields,
    // No display attributes, as upstream: operation IDs come from the path ("aws-read-static-roles-name").
    operations: {
      read: { handler: read, responses: ROLE_RESPONSES },
      update: { handler: write, ...FORWARDED, responses: ROLE_RESPONSES },
      delete: { handler: remove, ...FORWARDED, responses: { 204: [{ description: "No Content" }] } },
    },
    helpSynopsis: "Manage static roles: existing IAM users whose access keys this mount rotates.",
    helpDescription: HELP_DESCRIPTION,
  });
}

const HELP_DESCRIPTION = `A static role adopts one existing IAM user. On creation the mount creates an
access key for the user right away and serves it from "static-creds/<name>"; every
rotation_period it creates a new key. The user keeps at most two keys: when both slots are
taken, the older key is deleted before the new one is made, so the previous key stays valid
for one more period.

Updating a role restarts its rotation clock. Deleting it deletes the access key this mount
created, but not the user.`;

/**
 * Everything static roles add to the backend: their paths, the periodic rotation and the queue
 * rebuild at start-up, all sharing one per-mount queue. Rotation and rebuild run only where
 * storage is writable (WriteSafeReplicationState), as upstream. The functions are plain closures,
 * so they can be passed on detached (`periodic: feature.periodic`).
 */
export function staticRolesFeature(ctx: AwsSecretsContext) {
  const queue = new StaticRotationQueue(ctx);
  const periodic = async (request: Request): Promise<void> => {
    if (await writeSafeReplicationState(ctx.system)) await queue.rotateDue(request.storage);
  };
  const initialize = async (storage: Storage): Promise<void> => {
    if (!(await writeSafeReplicationState(ctx.system))) {
      ctx.logger.info("skipping populating rotation queue");
      return;
    }
    await queue.rebuild(storage);
  };
  return {
    queue,
    paths: [staticRolesListPath(ctx), staticRolePath(ctx, queue), staticCredsPath(ctx)] as const,
    periodic,
    initialize,
  };
}
