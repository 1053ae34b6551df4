// Secrets must never reach a log line, at any level. SecretWatch wraps a DevServer so that every
// secret going in (CLI arguments and request bodies: `secret_key=…`) or coming out (response
// fields such as secret_key, session_token, client_token) of a test run is remembered;
// expectNoSecretsInLog then searches the server's log — which holds the plugin's stderr too —
// for each of them.
import fs from "node:fs";
import { expect } from "vitest";
import type { CliResult, DevServer, HttpResult } from "./lib.js";

/** Response and request fields whose values are secret. */
const SECRET_FIELDS = new Set([
  "secret_key", "session_token", "security_token", "client_token", "token", "password", "jwt", "signature",
  // AWS auth login material: a signed identity document and the parts of a signed STS request.
  "pkcs7", "Authorization", "X-Amz-Security-Token", "X-Amz-Signature",
]);

/**
 * Login fields that carry signatures inside an encoding: iam_request_headers (JSON, or base64 of
 * it) and iam_request_url (base64 of a presigned URL with X-Amz-Signature in its query).
 */
function encodedLoginSecrets(key: string, value: unknown): [string, unknown][] {
  const decode = (v: string): string => Buffer.from(v, "base64").toString("utf8");
  if (key === "iam_request_headers") {
    if (typeof value !== "string") return [["headers", value]];
    for (const text of [value, decode(value)]) {
      try {
        return [["headers", JSON.parse(text) as unknown]];
      } catch {
        // not this form
      }
    }
  }
  if (key === "iam_request_url" && typeof value === "string") {
    try {
      const url = new URL(decode(value));
      return [...url.searchParams].filter(([name]) => SECRET_FIELDS.has(name));
    } catch {
      return [];
    }
  }
  return [];
}
/** Shorter values would match by chance (and no real secret is this short). */
const MIN_LENGTH = 8;

export class SecretWatch {
  /** value → what it is (for the failure message). */
  readonly secrets = new Map<string, string>();

  add(what: string, value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.add(what, item);
      return;
    }
    if (typeof value !== "string") return;
    // A SigV4 Authorization header: its signature alone must not be logged either.
    const signature = /Signature=([0-9a-f]+)/.exec(value)?.[1];
    if (signature !== undefined && signature !== value) this.add(`${what}, its signature`, signature);
    if (value.length >= MIN_LENGTH && !this.secrets.has(value)) this.secrets.set(value, what);
  }

  /** Remembers every secret field anywhere in a parsed JSON value. */
  addFromJson(value: unknown, where: string): void {
    if (Array.isArray(value)) {
      for (const item of value) this.addFromJson(item, where);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (SECRET_FIELDS.has(key)) this.add(`${key} (${where})`, inner);
        else this.addFromJson(inner, where);
        for (const [name, secret] of encodedLoginSecrets(key, inner)) {
          if (SECRET_FIELDS.has(name)) this.add(`${name} in ${key} (${where})`, secret);
          else this.addFromJson({ [name]: secret }, where);
        }
      }
    }
  }

  /** `name=value` CLI arguments and the CLI's JSON or table output. */
  addFromCli(args: string[], res: CliResult): void {
    const where = `bao ${args.slice(0, 2).join(" ")}`;
    for (const arg of args) {
      const m = /^([a-z_]+)=(.*)$/s.exec(arg);
      if (m !== null && SECRET_FIELDS.has(m[1] ?? "")) this.add(`${m[1] ?? ""} (${where})`, m[2]);
      if (m !== null) this.addFromJson({ [m[1] ?? ""]: m[2] }, where);
    }
    try {
      this.addFromJson(JSON.parse(res.stdout), where);
    } catch {
      // Table output: "secret_key    <value>".
      for (const line of res.stdout.split("\n")) {
        const m = /^(\S+)\s+(\S+)\s*$/.exec(line);
        if (m !== null && SECRET_FIELDS.has(m[1] ?? "")) this.add(`${m[1] ?? ""} (${where})`, m[2]);
      }
    }
  }

  /**
   * The server with cli() and http() observed; the root token counts as a secret from the start.
   * Tokens passed to http() in opts.token are remembered too.
   */
  watch(server: DevServer): DevServer {
    this.add("root token", server.token);
    const cli = server.cli.bind(server);
    const http = server.http.bind(server);
    const watched: DevServer = Object.create(server) as DevServer;
    watched.cli = async (args, opts) => {
      const res = await cli(args, opts);
      this.addFromCli(args, res);
      return res;
    };
    watched.http = async (method, path, body, opts): Promise<HttpResult> => {
      this.add("token (http)", opts?.token);
      this.addFromJson(body, `${method} ${path}`);
      const res = await http(method, path, body, opts);
      this.addFromJson(res.json, `${method} ${path}`);
      return res;
    };
    return watched;
  }
}

/** Fails naming each secret (by what it is, never by value) found in the server's log. */
export function expectNoSecretsInLog(server: DevServer, secrets: Map<string, string>): void {
  const log = fs.readFileSync(server.logFile, "utf8");
  const leaked: string[] = [];
  for (const [value, what] of secrets) {
    if (log.includes(value)) {
      const line = log.split("\n").findIndex((l) => l.includes(value)) + 1;
      leaked.push(`${what} at ${server.logFile}:${line}`);
    }
  }
  expect(leaked, `secrets in the server log (${secrets.size} checked)`).toEqual([]);
}
