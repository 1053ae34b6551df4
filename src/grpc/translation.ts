// The one place where protobuf messages become transport-neutral values and back (≈ Vault
// sdk/plugin/pb/translation.go). Rules from protocol.md §5.4: JSON string fields are never empty
// (Vault's json.Unmarshal rejects ""), `issue_time` always accompanies lease options, and int64
// nanosecond durations stay exact (decimal strings on the wire, bigint here).
import type { Alias__Output, Alias as ProtoAlias } from "../generated/logical/Alias.js";
import type { Auth as ProtoAuth, Auth__Output } from "../generated/pb/Auth.js";
import type { Header as ProtoHeader, Header__Output } from "../generated/pb/Header.js";
import type { LeaseOptions as ProtoLeaseOptions, LeaseOptions__Output } from "../generated/pb/LeaseOptions.js";
import type { Request__Output } from "../generated/pb/Request.js";
import type { Response as ProtoResponse } from "../generated/pb/Response.js";
import type { Secret as ProtoSecret, Secret__Output } from "../generated/pb/Secret.js";
import type { Timestamp, Timestamp__Output } from "../generated/google/protobuf/Timestamp.js";
import type { Paths as ProtoPaths } from "../generated/pb/Paths.js";
import { boundErrorText, MAX_ERROR_TEXT } from "./errors.js";
import { checkRequestData } from "./request-limits.js";
import {
  UserError,
  isOperation,
  UnsupportedOperationError,
  type Alias,
  type Auth,
  type LeaseOptions,
  type Request,
  type Response,
  type Secret,
  type SpecialPaths,
  type Storage,
} from "../logical/index.js";

/** Seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z), which Go plugins send for "unset". */
const GO_ZERO_TIME_SECONDS = "-62135596800";

export function timestampToDate(ts: Timestamp__Output | null): Date | undefined {
  if (ts === null || ts.seconds === GO_ZERO_TIME_SECONDS) return undefined;
  const ms = BigInt(ts.seconds) * 1000n + BigInt(Math.trunc(ts.nanos / 1_000_000));
  return new Date(Number(ms));
}

export function dateToTimestamp(date: Date | undefined): Timestamp {
  if (date === undefined) return { seconds: GO_ZERO_TIME_SECONDS, nanos: 0 };
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** Parses a JSON-object field; "" and "null" mean absent. Anything but an object is the caller's mistake. */
export function parseJsonObject(text: string, field: string): Record<string, unknown> | undefined {
  if (text === "" || text === "null") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${field} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new UserError(`${field} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** JSON for Vault: bigint becomes a number (Go decodes numbers as float64 anyway). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "null";
}

function leaseFromProto(lease: LeaseOptions__Output | null): LeaseOptions {
  const issueTime = timestampToDate(lease?.issue_time ?? null);
  return {
    ttl: BigInt(lease?.TTL ?? "0"),
    maxTtl: BigInt(lease?.MaxTTL ?? "0"),
    renewable: lease?.renewable ?? false,
    increment: BigInt(lease?.increment ?? "0"),
    ...(issueTime === undefined ? {} : { issueTime }),
  };
}

function leaseToProto(lease: LeaseOptions): ProtoLeaseOptions {
  return {
    TTL: lease.ttl.toString(),
    MaxTTL: lease.maxTtl.toString(),
    renewable: lease.renewable,
    increment: lease.increment.toString(),
    issue_time: dateToTimestamp(lease.issueTime),
  };
}

export function secretFromProto(secret: Secret__Output): Secret {
  return {
    lease: leaseFromProto(secret.lease_options),
    internalData: parseJsonObject(secret.internal_data, "secret internal_data") ?? {},
    leaseId: secret.lease_id,
  };
}

export function secretToProto(secret: Secret): ProtoSecret {
  return { lease_options: leaseToProto(secret.lease), internal_data: toJson(secret.internalData), lease_id: secret.leaseId };
}

function aliasFromProto(alias: Alias__Output): Alias {
  return {
    name: alias.name,
    metadata: alias.metadata,
    customMetadata: alias.custom_metadata,
    local: alias.local,
    mountType: alias.mount_type,
    mountAccessor: alias.mount_accessor,
    id: alias.ID,
    namespaceId: alias.namespace_id,
  };
}

function aliasToProto(alias: Alias): ProtoAlias {
  return {
    name: alias.name,
    metadata: alias.metadata ?? {},
    custom_metadata: alias.customMetadata ?? {},
    local: alias.local ?? false,
    mount_type: alias.mountType ?? "",
    mount_accessor: alias.mountAccessor ?? "",
    ID: alias.id ?? "",
    namespace_id: alias.namespaceId ?? "",
  };
}

export function authFromProto(auth: Auth__Output): Auth {
  return {
    lease: leaseFromProto(auth.lease_options),
    internalData: parseJsonObject(auth.internal_data, "auth internal_data") ?? {},
    displayName: auth.display_name,
    policies: auth.policies,
    metadata: auth.metadata,
    period: BigInt(auth.period),
    explicitMaxTtl: BigInt(auth.explicit_max_ttl),
    numUses: Number(auth.num_uses),
    boundCidrs: auth.bound_cidrs,
    tokenType: auth.token_type,
    noDefaultPolicy: auth.no_default_policy,
    ...(auth.alias === null ? {} : { alias: aliasFromProto(auth.alias) }),
    groupAliases: auth.group_aliases.map(aliasFromProto),
    clientToken: auth.client_token,
    accessor: auth.accessor,
    entityId: auth.entity_id,
    tokenPolicies: auth.token_policies,
    identityPolicies: auth.identity_policies,
  };
}

export function authToProto(auth: Auth): ProtoAuth {
  return {
    lease_options: leaseToProto(auth.lease),
    // Go engines leave an unused InternalData nil, which marshals as "null" (an alias lookahead's
    // reply, for one); an empty map here is that nil map.
    internal_data: Object.keys(auth.internalData).length === 0 ? "null" : toJson(auth.internalData),
    display_name: auth.displayName,
    policies: auth.policies,
    metadata: auth.metadata,
    client_token: auth.clientToken,
    accessor: auth.accessor,
    period: auth.period.toString(),
    num_uses: String(auth.numUses),
    entity_id: auth.entityId,
    ...(auth.alias === undefined ? {} : { alias: aliasToProto(auth.alias) }),
    group_aliases: auth.groupAliases.map(aliasToProto),
    bound_cidrs: auth.boundCidrs,
    token_policies: auth.tokenPolicies,
    identity_policies: auth.identityPolicies,
    explicit_max_ttl: auth.explicitMaxTtl.toString(),
    token_type: auth.tokenType,
    no_default_policy: auth.noDefaultPolicy,
  };
}

function headersFromProto(headers: Record<string, Header__Output>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, h]) => [name, h.header]));
}

function headersToProto(headers: Record<string, string[]>): Record<string, ProtoHeader> {
  return Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, { header: values }]));
}

/**
 * A wire request as the backend sees it. Throws UnsupportedOperationError for an operation this
 * SDK does not know, RequestLimitError (400) for a `data` field over the limits of
 * request-limits.ts, and UserError for a `data` field that is not a JSON object.
 */
/** `signal` is the call's cancellation (see cancellation.ts); handlers receive it as `request.signal`. */
export function protoRequestToLogical(req: Request__Output, storage: Storage, signal?: AbortSignal): Request {
  if (!isOperation(req.operation)) throw new UnsupportedOperationError();
  const wrapTtl = req.wrap_info === null ? undefined : BigInt(req.wrap_info.TTL);
  return {
    id: req.id,
    operation: req.operation,
    path: req.path,
    data: parseJsonObject(checkRequestData(req.data), "request data"),
    storage,
    ...(req.secret === null ? {} : { secret: secretFromProto(req.secret) }),
    ...(req.auth === null ? {} : { auth: authFromProto(req.auth) }),
    headers: headersFromProto(req.headers),
    clientToken: req.client_token,
    clientTokenAccessor: req.client_token_accessor,
    displayName: req.display_name,
    mountPoint: req.mount_point,
    mountType: req.mount_type,
    mountAccessor: req.mount_accessor,
    entityId: req.entity_id,
    unauthenticated: req.unauthenticated,
    ...(req.connection === null
      ? {}
      : {
          connection: {
            remoteAddr: req.connection.remote_addr,
            remotePort: req.connection.remote_port,
            peerCertificates: req.connection.connection_state?.peer_certificates?.certificates.map((c) => c.asn1_data) ?? [],
          },
        }),
    ...(wrapTtl === undefined ? {} : { wrapTtl }),
    ...(signal === undefined ? {} : { signal }),
  };
}

export function logicalResponseToProto(resp: Response): ProtoResponse {
  // An error response's text is bounded like an error's (errors.ts).
  const error = resp.data?.["error"];
  const data = typeof error === "string" && error.length > MAX_ERROR_TEXT ? { ...resp.data, error: boundErrorText(error) } : resp.data;
  return {
    data: toJson(data ?? null),
    ...(resp.secret === undefined ? {} : { secret: secretToProto(resp.secret) }),
    ...(resp.auth === undefined ? {} : { auth: authToProto(resp.auth) }),
    redirect: resp.redirect ?? "",
    warnings: resp.warnings ?? [],
    headers: headersToProto(resp.headers ?? {}),
  };
}

export function specialPathsToProto(paths: SpecialPaths): ProtoPaths {
  return {
    root: paths.root ?? [],
    unauthenticated: paths.unauthenticated ?? [],
    local_storage: paths.localStorage ?? [],
    seal_wrap_storage: paths.sealWrapStorage ?? [],
  };
}
