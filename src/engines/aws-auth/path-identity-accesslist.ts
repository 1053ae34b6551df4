// identity-accesslist/<instance_id> (read, delete) and identity-accesslist/ (list): the EC2
// instances that logged in, kept in local storage under `whitelist/identity/`. Deleting an entry
// is how an operator lets an instance whose reauthentication is disallowed log in again.
import { definePath, field, genericNameRegex, jsonCollection } from "../../framework/index.js";
import { errorResponse, listResponse, type Request, type Response } from "../../logical/index.js";
import { goTimeText } from "./go-time.js";
import { accessList } from "./list-storage.js";
import { asObject, storedBool, storedString, storedTime, type JsonObject } from "../../framework/stored-json.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";

/** A stored time as upstream's read prints it (Format(RFC3339Nano) of the decoded value). */
export function storedTimeText(o: JsonObject, key: string): string {
  storedTime(o, key); // refuses what Go could not decode
  const raw = o[key];
  return typeof raw === "string" ? goTimeText(raw) : "0001-01-01T00:00:00Z";
}

// The read's view of an entry: the stored time texts kept (offset, nanoseconds), not Dates.
const accessListView = jsonCollection(STORAGE.accessListPrefix, (value) => {
  const o = asObject(value);
  return {
    role: storedString(o, "role"),
    client_nonce: storedString(o, "client_nonce"),
    creation_time: storedTimeText(o, "creation_time"),
    disallow_reauthentication: storedBool(o, "disallow_reauthentication"),
    pending_time: storedString(o, "pending_time"),
    expiration_time: storedTimeText(o, "expiration_time"),
    last_updated_time: storedTimeText(o, "last_updated_time"),
  };
});

const fields = {
  instance_id: field.string({
    description: `EC2 instance ID. Each successful login of an EC2 instance records it in the
access list under its instance ID.`,
  }),
};

async function readEntry(request: Request, instanceId: string): Promise<Response | undefined> {
  if (instanceId === "") return errorResponse("missing instance_id");
  const view = await accessListView.get(request.storage, instanceId);
  return view === undefined ? undefined : { data: view };
}

async function deleteEntry(request: Request, instanceId: string): Promise<Response | undefined> {
  if (instanceId === "") return errorResponse("missing instance_id");
  await accessList.delete(request.storage, instanceId);
  return undefined;
}

export const identityAccessListPath = definePath({
  pattern: `identity-accesslist/${genericNameRegex("instance_id")}`,
  fields,
  displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "identity-access-list" },
  operations: {
    read: (request, data) => readEntry(request, data.get("instance_id")),
    delete: (request, data) => deleteEntry(request, data.get("instance_id")),
  },
  helpSynopsis: "Read or delete entries of the identity access list.",
  helpDescription: `Every login of an EC2 instance creates or updates its entry in the identity
access list: the role, the client nonce, the identity document's pending time and
when the entry expires.

Read an entry here, or delete it (for example so that an instance of a role with
'disallow_reauthentication' can log in again). Expired entries are removed by the
hourly tidy (see 'config/tidy/identity-accesslist') or on demand with
'tidy/identity-accesslist'.`,
});

export const identityAccessListListPath = definePath({
  pattern: "identity-accesslist/?",
  fields: {},
  displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "identity-access-list" },
  operations: {
    // Every entry, expired or not, by instance ID.
    list: async (request) => listResponse(await request.storage.list(STORAGE.accessListPrefix)),
  },
  helpSynopsis: "List the instance IDs in the identity access list.",
  helpDescription: `Lists the instance IDs that have an entry in the identity access list, expired
entries included. 'tidy/identity-accesslist' removes the expired ones.`,
});
