// Where the plugin listens (protocol.md §2.1; hashicorp/go-plugin server.go serverListener):
// a fresh Unix socket in PLUGIN_UNIX_SOCKET_DIR or the OS temp dir, group-writable when the host
// names a group. Vault accepts unix or tcp; every non-Windows Go plugin uses unix.
import { chmodSync, chownSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { ENV, type Env } from "./handshake.js";

export interface SocketPlan {
  path: string;
  /** gid to chown the socket to, when PLUGIN_UNIX_SOCKET_GROUP is set. */
  gid?: number;
}

export function planUnixSocket(env: Env): SocketPlan {
  const dir = env[ENV.unixSocketDir] ?? tmpdir();
  const path = join(dir, `plugin${randomInt(100_000_000, 999_999_999)}`);
  const group = env[ENV.unixSocketGroup];
  return group === undefined || group === "" ? { path } : { path, gid: resolveGroupId(group) };
}

/** A numeric gid, or a group name looked up in /etc/group. */
export function resolveGroupId(group: string, groupFile = "/etc/group"): number {
  if (/^\d+$/.test(group)) return Number(group);
  for (const line of readFileSync(groupFile, "utf8").split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new Error(`${ENV.unixSocketGroup}: no group named ${JSON.stringify(group)}`);
}

/** Applies go-plugin's group rule once the socket file exists: chown to the group, mode 0660. */
export function applySocketGroup(plan: SocketPlan): void {
  if (plan.gid === undefined) return;
  chownSync(plan.path, -1, plan.gid);
  chmodSync(plan.path, 0o660);
}

export function removeSocket(path: string): void {
  rmSync(path, { force: true });
}
