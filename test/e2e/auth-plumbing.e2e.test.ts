// The framework's auth plumbing through a real server: a test-only auth plugin
// (test/plugins/auth-test) is built, registered and mounted; a role is written, a login yields a
// token whose lookup shows the policies, metadata and display name the backend set, the token
// renews with the role's TTL, and bad credentials are refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, parseCliJson, registerAndMount, startServer, type DevServer } from "./lib.js";

interface BundleLib {
  bundlePlugin: (options: { entry: string; outfile: string }) => Promise<string>;
}

interface AuthBody {
  auth?: { client_token: string; policies: string[]; token_policies: string[]; metadata: Record<string, string>; lease_duration: number; renewable: boolean };
  data?: Record<string, unknown>;
}

const bundle = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts/lib/bundle.mjs")).href)) as BundleLib;

let server: DevServer | undefined;
let buildDir = "";

function srv(): DevServer {
  if (server === undefined) throw new Error("server did not start (see beforeAll error)");
  return server;
}

describe("auth plumbing through a real server (test-only auth plugin)", () => {
  beforeAll(async () => {
    buildDir = mkdtempSync(path.join(tmpdir(), "vnp-auth-test-"));
    const file = path.join(buildDir, "vault-plugin-auth-test");
    await bundle.bundlePlugin({ entry: path.join(REPO_ROOT, "test/plugins/auth-test/main.ts"), outfile: file });
    server = await startServer({ startTimeoutMs: 60_000 });
    await registerAndMount(server, { file, type: "auth", name: "auth-test", mountPath: "test" });
    const write = await server.cli(["write", "auth/test/role/dev", "password=s3cret", "token_policies=dev,ops", "token_ttl=1h", "token_max_ttl=2h"]);
    expect(write.code, write.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (buildDir !== "") rmSync(buildDir, { recursive: true, force: true });
  });

  it("lists roles sorted, and answers an empty list with 404 as Vault does", async () => {
    expect((await srv().cli(["write", "auth/test/role/alpha", "password=x"])).code).toBe(0);
    const list = parseCliJson(await srv().cli(["list", "-format=json", "auth/test/role"]));
    expect(list).toEqual(["alpha", "dev"]);
    expect((await srv().cli(["delete", "auth/test/role/alpha"])).code).toBe(0);
    expect((await srv().cli(["delete", "auth/test/role/dev"])).code).toBe(0);
    const empty = await srv().http("LIST", "/v1/auth/test/role");
    expect(empty.status).toBe(404);
    expect((await srv().cli(["write", "auth/test/role/dev", "password=s3cret", "token_policies=dev,ops", "token_ttl=1h", "token_max_ttl=2h"])).code).toBe(0);
  });

  it("reads the role back with its token settings", async () => {
    const body = parseCliJson(await srv().cli(["read", "-format=json", "auth/test/role/dev"]));
    expect(body.data).toMatchObject({ token_policies: ["dev", "ops"], token_ttl: 3600, token_max_ttl: 7200, token_type: "default" });
    expect(body.data).not.toHaveProperty("password");
  });

  it("logs in: the token carries the role's policies, metadata, TTL and display name", async () => {
    const login = parseCliJson<AuthBody>(await srv().cli(["write", "-format=json", "auth/test/login", "role=dev", "password=s3cret"]));
    const auth = login.auth;
    expect(auth?.token_policies).toEqual(["default", "dev", "ops"]);
    expect(auth?.metadata).toEqual({ role: "dev", method: "auth-test" });
    expect(auth?.lease_duration).toBe(3600);
    expect(auth?.renewable).toBe(true);

    const token = auth?.client_token ?? "";
    const lookup = parseCliJson(await srv().cli(["token", "lookup", "-format=json", token]));
    expect(lookup.data).toMatchObject({
      policies: ["default", "dev", "ops"],
      meta: { role: "dev", method: "auth-test" },
      display_name: "test-dev",
      path: "auth/test/login",
    });

    const renewed = parseCliJson<AuthBody>(await srv().cli(["token", "renew", "-format=json", token]));
    expect(renewed.auth?.lease_duration).toBe(3600);
    expect(renewed.auth?.token_policies).toEqual(["default", "dev", "ops"]);
  });

  it("renews with the role's current TTL after the role changes", async () => {
    const login = parseCliJson<AuthBody>(await srv().cli(["write", "-format=json", "auth/test/login", "role=dev", "password=s3cret"]));
    const token = login.auth?.client_token ?? "";
    expect((await srv().cli(["write", "auth/test/role/dev", "token_ttl=30m"])).code).toBe(0);
    const renewed = parseCliJson<AuthBody>(await srv().cli(["token", "renew", "-format=json", token]));
    expect(renewed.auth?.lease_duration).toBe(1800);
  });

  it("refuses a wrong password with 403", async () => {
    const res = await srv().http("POST", "/v1/auth/test/login", { role: "dev", password: "wrong" }, { token: "" });
    expect(res.status).toBe(403);
  });

  it("answers an invalid token setting with a 400 naming it", async () => {
    const res = await srv().http("POST", "/v1/auth/test/role/bad", { password: "x", token_type: "weird" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("token_type");
  });

  it("warns about an unknown parameter, naming it (on a response; a 204 carries none, as in Vault)", async () => {
    const res = await srv().http("GET", "/v1/auth/test/role/dev?colour=blue");
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain("Endpoint ignored these unrecognized parameters: [colour]");
  });

  it("answers resolve-role so role-based rate-limit quotas can be created", async () => {
    const res = await srv().cli(["write", "sys/quotas/rate-limit/per-role", "path=auth/test/", "role=dev", "rate=100"]);
    expect(res.code, res.stderr).toBe(0);
  });
});
