// tidy/identity-accesslist and tidy/roletag-denylist: start a background tidy of one list and
// answer 202 at once; a second call while it runs gets upstream's warning instead.
import { definePath, field, type PathSpec } from "../../framework/index.js";
import { REPLICATION_PERFORMANCE_STANDBY } from "../../framework/replication.js";
import { ReadOnlyError, type Request, type Response, type SystemView } from "../../logical/index.js";
import type { ListName, ListTidy } from "./list-tidy.js";

const OPERATION_PREFIX = "aws";

export const TIDY_IN_PROGRESS = "Tidy operation already in progress.";
export const TIDY_STARTED = "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.";

/** Both tidy paths default to 72 hours, the deny list's too (its periodic default is 180 days). */
const MANUAL_SAFETY_BUFFER = 259_200;

export type TidyStart = "started" | "already-running";

/**
 * Starts a tidy of `list` unless one runs (upstream's tidy functions, shared by the paths and the
 * periodic function). A performance standby refuses: its writes would be refused too, and Vault
 * forwards the request to the active node on this error.
 */
export async function startTidy(system: SystemView, tidy: ListTidy, list: ListName, safetyBufferSeconds: number): Promise<TidyStart> {
  if (((await system.replicationState()) & REPLICATION_PERFORMANCE_STANDBY) !== 0) throw new ReadOnlyError();
  return tidy.start(list, safetyBufferSeconds) ? "started" : "already-running";
}

/**
 * logical.RespondWithStatusCode: Vault answers with `http_status_code` and the JSON body given in
 * `http_raw_body`, which is the HTTP form of `response` (Go's HTTPResponse, fields in its order).
 */
export function respondWithStatusCode(response: Response, request: Request, code: number): Response {
  const body = {
    request_id: request.id,
    lease_id: "",
    renewable: false,
    lease_duration: 0,
    data: response.data ?? null,
    wrap_info: null,
    warnings: response.warnings ?? null,
    auth: null,
    mount_type: "",
  };
  return { data: { http_content_type: "application/json", http_status_code: code, http_raw_body: JSON.stringify(body) } };
}

interface TidyVariant {
  pattern: string;
  list: ListName;
  bufferDescription: string;
  suffix: string;
  helpSynopsis: string;
  helpDescription: string;
}

function tidyPath(variant: TidyVariant, system: SystemView, tidy: ListTidy) {
  const fields = {
    safety_buffer: field.durationSeconds({ description: variant.bufferDescription, default: MANUAL_SAFETY_BUFFER }),
  };
  return definePath({
    pattern: variant.pattern,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: variant.suffix, operationVerb: "tidy" },
    operations: {
      update: async (request, data) => {
        const started = await startTidy(system, tidy, variant.list, data.get("safety_buffer"));
        if (started === "already-running") return { warnings: [TIDY_IN_PROGRESS] };
        return respondWithStatusCode({ warnings: [TIDY_STARTED] }, request, 202);
      },
    },
    helpSynopsis: variant.helpSynopsis,
    helpDescription: variant.helpDescription,
  });
}

export type TidyPath = ReturnType<typeof tidyPath>;

export function tidyAccessListPath(system: SystemView, tidy: ListTidy): PathSpec<TidyPath["fields"]> {
  return tidyPath(
    {
      pattern: "tidy/identity-accesslist$",
      list: "accessList",
      bufferDescription: `How long past an identity's expiration its access-list entry is kept before
it is removed.`,
      suffix: "identity-access-list",
      helpSynopsis: "Remove expired entries from the identity access list.",
      helpDescription: `An access-list entry expires with the longest TTL allowed by the role, the role
tag and the mount. This removes, in the background, every entry that expired more
than 'safety_buffer' seconds ago (72h by default). Progress and errors go to the
server log.`,
    },
    system,
    tidy,
  );
}

export function tidyDenyListPath(system: SystemView, tidy: ListTidy): PathSpec<TidyPath["fields"]> {
  return tidyPath(
    {
      pattern: "tidy/roletag-denylist$",
      list: "denyList",
      bufferDescription: `How long past a role tag's deny-list expiration the entry is kept before it is
removed.`,
      suffix: "role-tag-deny-list",
      helpSynopsis: "Remove expired entries from the role-tag deny list.",
      helpDescription: `A deny-list entry expires with the longest TTL allowed by the role tag, the role
and the mount. This removes, in the background, every entry that expired more
than 'safety_buffer' seconds ago (72h by default). Progress and errors go to the
server log.`,
    },
    system,
    tidy,
  );
}
