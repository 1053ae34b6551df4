// The built plugin file driven by a Node stand-in for Vault (test/helpers/fake-vault-host.ts):
// the wire contract of protocol.md checked from outside the process, including inputs that the
// Go SDK would never send.
import * as grpc from "@grpc/grpc-js";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson } from "../../src/logical/index.js";
import { protos } from "../../src/plugin/proto.js";
import { generateServerCertificate } from "../../src/plugin/mtls.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import type { SpecialPathsReply__Output } from "../../src/generated/pb/SpecialPathsReply.js";
import { metadataFor, startFakeHost, unary, type FakeHost } from "../helpers/fake-vault-host.js";

const PLUGIN = new URL("../../dist/vault-plugin-secrets-aws", import.meta.url).pathname;
const VERSION = `v${(JSON.parse(spawnSync("node", ["-p", "JSON.stringify(require('./package.json'))"], { encoding: "utf8" }).stdout) as { version: string }).version}`;

function waitForExit(host: FakeHost, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (host.child.exitCode !== null) return resolve(host.child.exitCode);
    const timer = setTimeout(() => reject(new Error(`plugin still running after ${ms} ms`)), ms);
    host.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const ERR = { user: 1, unsupportedOperation: 5, unsupportedPath: 6 } as const;

describe("dist/vault-plugin-secrets-aws as Vault launches it", () => {
  let host: FakeHost;

  beforeAll(async () => {
    expect(existsSync(PLUGIN), "run npm run build first").toBe(true);
    host = await startFakeHost(PLUGIN);
  });
  afterAll(() => host.close());

  it("prints a go-plugin v5 handshake with an unpadded base64 DER certificate", () => {
    const [core, app, network, address, protocol, cert, ...rest] = host.handshake;
    expect([core, app, network, protocol]).toEqual(["1", "5", "unix", "grpc"]);
    expect(rest).toEqual([]);
    expect(statSync(address ?? "").isSocket()).toBe(true);
    expect(cert).toMatch(/^[A-Za-z0-9+/]{50,}$/);
  });

  it("reports SERVING for the health service \"plugin\"", async () => {
    const health = new (protos().grpc.health.v1.Health)("p", grpc.credentials.createInsecure(), { channelOverride: host.channel });
    const reply = await unary<{ status: number }>((cb) => health.Check({ service: "plugin" }, cb));
    expect(reply.status).toBe(1);
  });

  it("answers Type, PluginVersion and MultiplexingSupport", async () => {
    const p = protos();
    const type = await unary<{ type: number }>((cb) => host.backend.Type({}, metadataFor("a"), cb));
    expect(type.type).toBe(1);
    const versions = new p.logical.PluginVersion("p", grpc.credentials.createInsecure(), { channelOverride: host.channel });
    const version = await unary<{ plugin_version: string }>((cb) => versions.Version({}, metadataFor("a"), cb));
    expect(version.plugin_version).toBe(VERSION);
    const mux = new p.pluginutil.multiplexing.PluginMultiplexing("p", grpc.credentials.createInsecure(), { channelOverride: host.channel });
    const supported = await unary<{ supported: boolean }>((cb) => mux.MultiplexingSupport({}, cb));
    expect(supported.supported).toBe(true);
  });

  describe("one mount", () => {
    const mount = "mount-one";
    let storage: Awaited<ReturnType<FakeHost["setup"]>>;
    beforeAll(async () => {
      storage = await host.setup(mount);
    });

    it("declares the WAL prefix local and config/root seal-wrapped", async () => {
      const reply = await unary<SpecialPathsReply__Output>((cb) => host.backend.SpecialPaths({}, metadataFor(mount), cb));
      expect(reply.paths?.local_storage).toEqual(["wal/"]);
      expect(reply.paths?.seal_wrap_storage).toContain("config/root");
    });

    it("reads nothing before config/lease is written", async () => {
      const reply = await host.request(mount, { operation: "read", path: "config/lease", data: "null" });
      expect(reply.response).toBeNull();
      expect(reply.err).toBeNull();
    });

    it("writes config/lease into Vault's storage in upstream's format and reads Go duration strings", async () => {
      const write = await host.request(mount, { operation: "update", path: "config/lease", data: JSON.stringify({ lease: "30m", lease_max: "12h" }) });
      expect(write.err).toBeNull();
      expect(await getJson(storage.storage, "config/lease")).toEqual({ Lease: 1_800_000_000_000, LeaseMax: 43_200_000_000_000 });
      const read = await host.request(mount, { operation: "read", path: "config/lease", data: "null" });
      expect(JSON.parse(read.response?.data ?? "")).toEqual({ lease: "30m0s", lease_max: "12h0m0s" });
    });

    it.each([
      ["a bad duration", { lease: "abc", lease_max: "1h" }, 'Invalid lease: time: invalid duration "abc"'],
      ["a bad maximum", { lease: "1h", lease_max: "1y" }, 'Invalid lease_max: time: unknown unit "y" in duration "1y"'],
      ["a missing lease", { lease_max: "1h" }, "'lease' is a required parameter"],
    ])("answers %s with an error response naming the field", async (_name, body, message) => {
      const reply = await host.request(mount, { operation: "update", path: "config/lease", data: JSON.stringify(body) });
      expect(JSON.parse(reply.response?.data ?? "")).toEqual({ error: message });
    });

    it("answers malformed request JSON with a user error and keeps serving", async () => {
      const reply = await host.request(mount, { operation: "update", path: "config/lease", data: "{not json" });
      expect(reply.err?.err_type).toBe(ERR.user);
      expect(reply.err?.err_msg).toMatch(/request data is not valid JSON/);
      const again = await host.request(mount, { operation: "read", path: "config/lease", data: "null" });
      expect(again.response).not.toBeNull();
    });

    it.each([
      ["an unknown operation", { operation: "frobnicate", path: "config/lease" }, ERR.unsupportedOperation],
      ["an undeclared operation (DELETE)", { operation: "delete", path: "config/lease" }, ERR.unsupportedOperation],
      ["an unknown path", { operation: "read", path: "no/such/path" }, ERR.unsupportedPath],
    ])("answers %s with the matching ProtoError type", async (_name, request, errType) => {
      const reply = await host.request(mount, { ...request, data: "null" });
      expect(reply.err?.err_type).toBe(errType);
    });

    it("answers rollback with nothing to do with neither response nor error, as Vault's framework does", async () => {
      const reply = await host.request(mount, { operation: "rollback", path: "", data: "null" });
      expect(reply.err).toBeNull();
      expect(reply.response).toBeNull();
    });

    it("always answers root help with a response", async () => {
      const reply = await host.request(mount, { operation: "help", path: "", data: JSON.stringify({ requestResponsePrefix: "aws" }) });
      expect(JSON.parse(reply.response?.data ?? "null")).toMatchObject({ help: expect.stringContaining("AWS") as unknown });
    });

    it("reports no existence check for config/lease", async () => {
      const reply = await unary<{ check_found: boolean; exists: boolean }>((cb) =>
        host.backend.HandleExistenceCheck({ request: { operation: "create", path: "config/lease", data: "null" } }, metadataFor(mount), cb),
      );
      expect(reply).toMatchObject({ check_found: false, exists: false });
    });
  });

  it("keeps two multiplexed mounts apart", async () => {
    const a = await host.setup("mux-a");
    const b = await host.setup("mux-b");
    await host.request("mux-a", { operation: "update", path: "config/lease", data: JSON.stringify({ lease: "1h", lease_max: "2h" }) });
    await host.request("mux-b", { operation: "update", path: "config/lease", data: JSON.stringify({ lease: "3h", lease_max: "4h" }) });
    expect(await getJson(a.storage, "config/lease")).toEqual({ Lease: 3_600_000_000_000, LeaseMax: 7_200_000_000_000 });
    expect(await getJson(b.storage, "config/lease")).toEqual({ Lease: 10_800_000_000_000, LeaseMax: 14_400_000_000_000 });
  });

  it("refuses a request for a mount that never ran Setup, without dying", async () => {
    await expect(host.request("never-set-up", { operation: "read", path: "config/lease", data: "null" })).rejects.toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
    });
    expect(host.child.exitCode).toBeNull();
  });

  it("refuses a TLS client that does not present Vault's certificate", async () => {
    const stranger = generateServerCertificate();
    const channel = new grpc.Channel(
      `unix:${host.handshake[3] ?? ""}`,
      grpc.credentials.createSsl(Buffer.from(host.pluginCertPem), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem)),
      { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" },
    );
    const health = new (protos().grpc.health.v1.Health)("p", grpc.credentials.createInsecure(), { channelOverride: channel });
    await expect(
      unary((cb) => health.Check({ service: "plugin" }, { deadline: Date.now() + 3_000 }, cb)),
    ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    channel.close();
  });

  it("logs hclog JSON lines on stderr", () => {
    const lines = host.stderr().split("\n").filter((l) => l !== "");
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry["@level"]).toMatch(/^(trace|debug|info|warn|error)$/);
      expect(entry["@timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });
});

describe("process lifecycle", () => {
  it("exits within 2 s of the controller's Shutdown and removes its socket", async () => {
    const host = await startFakeHost(PLUGIN);
    await host.setup("m");
    const controller = new (protos().plugin.GRPCController)("p", grpc.credentials.createInsecure(), { channelOverride: host.channel });
    await unary((cb) => controller.Shutdown({}, cb));
    expect(await waitForExit(host, 1_000)).toBe(0);
    expect(existsSync(host.handshake[3] ?? "")).toBe(false);
    await host.close();
  });

  it("refuses requests in Vault's v4 metadata mode, as the Go SDK does", async () => {
    const host = await startFakeHost(PLUGIN, { VAULT_PLUGIN_METADATA_MODE: "true", BAO_PLUGIN_METADATA_MODE: "true" });
    await expect(host.setup("meta")).rejects.toThrow(/plugin server can not perform action while in metadata mode/);
    await host.close();
  });

  it("ignores SIGINT and stops on SIGTERM", async () => {
    const host = await startFakeHost(PLUGIN);
    host.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    expect(host.child.exitCode).toBeNull();
    host.child.kill("SIGTERM");
    expect(await waitForExit(host, 1_000)).toBe(0);
    await host.close();
  });

  it("listens in PLUGIN_UNIX_SOCKET_DIR, group-writable for PLUGIN_UNIX_SOCKET_GROUP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnp-sockdir-"));
    const gid = process.getgid?.() ?? 0;
    const host = await startFakeHost(PLUGIN, { PLUGIN_UNIX_SOCKET_DIR: dir, PLUGIN_UNIX_SOCKET_GROUP: String(gid) });
    const socket = host.handshake[3] ?? "";
    expect(socket.startsWith(`${dir}/plugin`)).toBe(true);
    expect(statSync(socket).mode & 0o777).toBe(0o660);
    expect(statSync(dirname(socket)).mode & 0o777).toBe(0o710);
    expect(statSync(socket).gid).toBe(gid);
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a brokered storage server that does not present Vault's certificate", async () => {
    const host = await startFakeHost(PLUGIN);
    try {
      const impostor = generateServerCertificate();
      // Setup dials lazily, so it succeeds; the first storage call must fail the TLS check.
      const storage = await host.setup("impostor", { storageCert: impostor });
      const write = await host.request("impostor", { operation: "update", path: "config/lease", data: JSON.stringify({ lease: "30m", lease_max: "1h" }) });
      expect(write.response).toBeNull();
      expect(write.err?.err_msg).toMatch(/certificate/);
      expect(await storage.storage.list("")).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it("started under umask 000 in a world-writable PLUGIN_UNIX_SOCKET_DIR, its socket is 0600 in a 0700 directory, removed on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnp-sockdir-"));
    chmodSync(dir, 0o777);
    const wrapper = join(dir, "umask-000");
    writeFileSync(wrapper, `#!/bin/sh\numask 000\nexec ${JSON.stringify(PLUGIN)}\n`, { mode: 0o755 });
    const host = await startFakeHost(wrapper, { PLUGIN_UNIX_SOCKET_DIR: dir });
    try {
      const socket = host.handshake[3] ?? "";
      expect(dirname(dirname(socket))).toBe(dir);
      expect(statSync(socket).isSocket()).toBe(true);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(socket)).mode & 0o777).toBe(0o700);
      host.child.kill("SIGTERM");
      expect(await waitForExit(host, 3_000)).toBe(0);
      expect(existsSync(dirname(socket))).toBe(false);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["without the magic cookie", {}, /This binary is a plugin/],
    ["with a wrong magic cookie", { [MAGIC_COOKIE_KEY]: "nope" }, /This binary is a plugin/],
    ["when asked for go-plugin's multiplexed broker", { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_MULTIPLEX_GRPC: "true" }, /PLUGIN_MULTIPLEX_GRPC is set/],
  ])("refuses to start %s: stderr explains, stdout stays empty, exit 1", (_name, env, message) => {
    const run = spawnSync(PLUGIN, [], { env: { PATH: process.env["PATH"] ?? "", ...env }, encoding: "utf8", timeout: 10_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });
});
