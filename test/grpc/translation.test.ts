import { describe, expect, it } from "vitest";
import { toProtoError } from "../../src/grpc/errors.js";
import {
  dateToTimestamp,
  logicalResponseToProto,
  parseJsonObject,
  protoRequestToLogical,
  timestampToDate,
} from "../../src/grpc/translation.js";
import type { Request__Output } from "../../src/generated/pb/Request.js";
import {
  CodedError,
  InmemStorage,
  InvalidRequestError,
  LogicalError,
  PermissionDeniedError,
  ReadOnlyError,
  UnrecoverableError,
  UpstreamRateLimitedError,
  UnsupportedOperationError,
  UnsupportedPathError,
  UserError,
} from "../../src/logical/index.js";

function wireRequest(fields: Partial<Request__Output>): Request__Output {
  return {
    id: "r1", ReplicationCluster: "", operation: "read", path: "config/lease", data: "", secret: null, auth: null, headers: {},
    client_token: "", client_token_accessor: "", display_name: "", mount_point: "aws/", mount_type: "aws", mount_accessor: "",
    wrap_info: null, client_token_remaining_uses: "0", entity_id: "", policy_override: false, unauthenticated: false,
    connection: null, requires_snapshot_id: "", ...fields,
  };
}

describe("JSON string fields", () => {
  it.each([
    ["nil data", {}, "null"],
    ["null data", { data: null }, "null"],
    ["object data", { data: { a: 1 } }, '{"a":1}'],
  ])("are never empty: %s", (_name, response, json) => {
    expect(logicalResponseToProto(response).data).toBe(json);
  });

  it("encodes secret internal data as {} when empty and always sends issue_time", () => {
    const wire = logicalResponseToProto({
      secret: { lease: { ttl: 1n, maxTtl: 0n, renewable: true, increment: 0n }, internalData: {}, leaseId: "" },
    });
    expect(wire.secret?.internal_data).toBe("{}");
    expect(wire.secret?.lease_options?.issue_time).toEqual({ seconds: "-62135596800", nanos: 0 });
  });

  it.each([
    ["empty", "", undefined],
    ["null", "null", undefined],
    ["object", '{"x":true}', { x: true }],
  ])("parses request data %s", (_name, text, value) => {
    expect(parseJsonObject(text, "request data")).toEqual(value);
  });

  it.each([["array", "[1]"], ["string", '"x"'], ["broken", "{"]])("rejects request data that is a %s as a user error", (_name, text) => {
    expect(() => parseJsonObject(text, "request data")).toThrow(UserError);
  });
});

describe("durations and times", () => {
  it("keeps int64 nanoseconds exact beyond 2^53", () => {
    const tenYears = 10n * 365n * 86_400n * 1_000_000_000n + 1n;
    const wire = logicalResponseToProto({
      secret: { lease: { ttl: tenYears, maxTtl: tenYears, renewable: false, increment: 0n }, internalData: {}, leaseId: "" },
    });
    expect(wire.secret?.lease_options?.TTL).toBe("315360000000000001");
    const back = protoRequestToLogical(
      wireRequest({
        operation: "renew",
        secret: {
          lease_options: { TTL: "315360000000000001", MaxTTL: "0", renewable: true, increment: "3600000000000", issue_time: { seconds: "1700000000", nanos: 5_000_000 } },
          internal_data: '{"secret_type":"access_keys"}',
          lease_id: "",
        },
      }),
      new InmemStorage(),
    );
    expect(back.secret?.lease.ttl).toBe(tenYears);
    expect(back.secret?.lease.increment).toBe(3_600_000_000_000n);
    expect(back.secret?.lease.issueTime?.toISOString()).toBe("2023-11-14T22:13:20.005Z");
    expect(back.secret?.internalData).toEqual({ secret_type: "access_keys" });
  });

  it("maps Go's zero time to unset and back", () => {
    expect(timestampToDate({ seconds: "-62135596800", nanos: 0 })).toBeUndefined();
    expect(dateToTimestamp(undefined)).toEqual({ seconds: "-62135596800", nanos: 0 });
    expect(dateToTimestamp(new Date(-1500))).toEqual({ seconds: "-2", nanos: 500_000_000 });
  });
});

describe("requests", () => {
  it("rejects an operation the SDK does not know as unsupported", () => {
    expect(() => protoRequestToLogical(wireRequest({ operation: "recover" }), new InmemStorage())).toThrow(UnsupportedOperationError);
  });

  it("carries headers, mount and connection details", () => {
    const req = protoRequestToLogical(
      wireRequest({
        headers: { "X-Custom": { header: ["a", "b"] } },
        connection: { remote_addr: "127.0.0.1", remote_port: 5555, connection_state: null },
      }),
      new InmemStorage(),
    );
    expect(req.headers).toEqual({ "X-Custom": ["a", "b"] });
    expect(req.mountPoint).toBe("aws/");
    expect(req.connection).toEqual({ remoteAddr: "127.0.0.1", remotePort: 5555, peerCertificates: [] });
  });
});

describe("errors", () => {
  it.each([
    ["user error", new UserError("bad"), 1, "bad"],
    ["plain exception", new Error("disk on fire"), 2, "disk on fire"],
    ["coded error", new CodedError(409, "conflict"), 3, "conflict"],
    ["bad request", new LogicalError("bad-request", "nope"), 4, "nope"],
    ["unsupported operation", new UnsupportedOperationError(), 5, "unsupported operation"],
    ["unsupported path", new UnsupportedPathError(), 6, "unsupported path"],
    ["invalid request", new InvalidRequestError(), 7, "invalid request"],
    ["permission denied", new PermissionDeniedError(), 8, "permission denied"],
    ["unrecoverable", new UnrecoverableError(), 10, "unrecoverable error"],
    // Vault's ErrUpstreamRateLimited travels as an unknown error matched by its text (502).
    ["upstream rate limited", new UpstreamRateLimitedError("Error creating IAM user: Throttling: Rate exceeded"), 0, "upstream rate limited"],
    // ErrReadOnly: core forwards to the active node when the text matches (logical.ShouldForward).
    ["read-only (please forward)", new ReadOnlyError(), 0, "cannot write to readonly storage"],
    ["a thrown string", "weird", 2, "weird"],
  ])("maps %s to ProtoError type %i", (_name, err, type, message) => {
    expect(toProtoError(err)).toMatchObject({ err_type: type, err_msg: message });
  });

  it("passes the HTTP status of a coded error", () => {
    expect(toProtoError(new CodedError(409, "conflict")).err_code).toBe("409");
  });
});
