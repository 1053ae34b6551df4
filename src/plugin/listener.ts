// Where the plugin listens (protocol.md §2.1; hashicorp/go-plugin server.go serverListener):
// a fresh Unix socket under PLUGIN_UNIX_SOCKET_DIR or the OS temp dir, group-writable when the host
// names a group. Vault accepts unix or tcp; every non-Windows Go plugin uses unix.
//
// Unlike go-plugin, the socket goes into a private directory of its own (mkdtemp: 0700 whatever
// the umask) and is chmod-ed to 0600: a socket bound under umask 000 is 0777, and the temp dir is
// shared by every user of the machine. mTLS already refuses strangers; this keeps them from even
// reaching the TLS handshake, also in the moment between bind and chmod.
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV, type Env } from "./handshake.js";

export interface SocketPlan {
  /** The private directory holding the socket, removed with it. */
  dir: string;
  path: string;
  /** gid to chown the socket to, when PLUGIN_UNIX_SOCKET_GROUP is set. */
  gid?: number;
}

/** Creates the socket's private directory; the socket itself is bound by the caller. */
export function planUnixSocket(env: Env): SocketPlan {
  const base = env[ENV.unixSocketDir];
  const group = env[ENV.unixSocketGroup];
  const gid = group === undefined || group === "" ? undefined : resolveGroupId(group);
  const dir = mkdtempSync(join(base === undefined || base === "" ? tmpdir() : base, "plugin-"));
  // mkdtemp asks for 0700, which the umask can only narrow; say it again so it is never wider.
  chmodSync(dir, 0o700);
  const path = join(dir, "plugin.sock");
  return gid === undefined ? { dir, path } : { dir, path, gid };
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

/**
 * Once the socket file exists: owner-only (0600), or go-plugin's group rule (the group owns the
 * socket, mode 0660, and may traverse the directory: 0710).
 */
export function restrictSocket(plan: SocketPlan): void {
  if (plan.gid === undefined) {
    chmodSync(plan.path, 0o600);
    return;
  }
  chownSync(plan.dir, -1, plan.gid);
  chmodSync(plan.dir, 0o710);
  chownSync(plan.path, -1, plan.gid);
  chmodSync(plan.path, 0o660);
}

export function removeSocket(plan: SocketPlan): void {
  rmSync(plan.dir, { recursive: true, force: true });
}
