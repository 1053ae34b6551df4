// The plugin's socket is reachable only by Vault's user (and PLUGIN_UNIX_SOCKET_GROUP), whatever
// the umask and however open the directory Vault names.
import { mkdtempSync, rmSync, statSync, chmodSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { getgid } from "node:process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planUnixSocket, removeSocket, restrictSocket } from "../../src/plugin/listener.js";

const mode = (path: string): number => statSync(path).mode & 0o777;

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(path, () => resolve(server));
  });
}

describe("the plugin's Unix socket", () => {
  let base = "";
  let oldUmask = 0;
  let server: Server | undefined;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), "vnp-listener-"));
    // A directory anyone may write to, like /tmp, and the widest umask.
    chmodSync(base, 0o777);
    oldUmask = process.umask(0);
  });
  afterEach(async () => {
    process.umask(oldUmask);
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
    rmSync(base, { recursive: true, force: true });
  });

  it("under umask 000 lives in a 0700 directory of its own and is 0600", async () => {
    const plan = planUnixSocket({ PLUGIN_UNIX_SOCKET_DIR: base });
    expect(dirname(plan.dir)).toBe(base);
    expect(dirname(plan.path)).toBe(plan.dir);
    expect(mode(plan.dir)).toBe(0o700);
    server = await listen(plan.path);
    // What bind left under umask 000: open to everyone — which is why the directory is private.
    expect(mode(plan.path) & 0o007).not.toBe(0);
    restrictSocket(plan);
    expect(mode(plan.path)).toBe(0o600);
    expect(mode(plan.dir)).toBe(0o700);
  });

  it("with PLUGIN_UNIX_SOCKET_GROUP: the group may connect (0660, directory 0710), others may not", async () => {
    const gid = getgid?.() ?? 0;
    const plan = planUnixSocket({ PLUGIN_UNIX_SOCKET_DIR: base, PLUGIN_UNIX_SOCKET_GROUP: String(gid) });
    server = await listen(plan.path);
    restrictSocket(plan);
    expect(mode(plan.path)).toBe(0o660);
    expect(mode(plan.dir)).toBe(0o710);
    expect(statSync(plan.path).gid).toBe(gid);
    expect(statSync(plan.dir).gid).toBe(gid);
  });

  it("uses the OS temp dir when PLUGIN_UNIX_SOCKET_DIR is unset or empty", () => {
    for (const env of [{}, { PLUGIN_UNIX_SOCKET_DIR: "" }]) {
      const plan = planUnixSocket(env);
      try {
        expect(dirname(plan.dir)).toBe(tmpdir());
        expect(mode(plan.dir)).toBe(0o700);
      } finally {
        removeSocket(plan);
      }
    }
  });

  it("removing the socket removes its directory", async () => {
    const plan = planUnixSocket({ PLUGIN_UNIX_SOCKET_DIR: base });
    server = await listen(plan.path);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    removeSocket(plan);
    expect(existsSync(plan.dir)).toBe(false);
  });

  it("an unknown group fails before anything is created", () => {
    expect(() => planUnixSocket({ PLUGIN_UNIX_SOCKET_DIR: base, PLUGIN_UNIX_SOCKET_GROUP: "no-such-group-vnp" })).toThrow(/no group named/);
  });
});
