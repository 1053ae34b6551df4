// The AWS auth method's access list, deny list and tidy through a real OpenBao and the `bao` CLI:
// the README's command lines, the old path names, the 202 of a started tidy, and a role tag made
// by role/<role>/tag denied and listed. No AWS is needed: nothing here calls it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCliJson, registerAndMount, requireDistFile, startServer, type DevServer } from "./lib.js";

let server: DevServer | undefined;

function srv(): DevServer {
  if (server === undefined) throw new Error("server did not start (see beforeAll error)");
  return server;
}

async function ok(args: string[]): Promise<string> {
  const result = await srv().cli(args);
  expect(result.code, `${args.join(" ")}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout + result.stderr;
}

describe("aws auth lists and tidy through OpenBao", () => {
  beforeAll(async () => {
    const file = requireDistFile("vault-plugin-auth-aws");
    server = await startServer({ startTimeoutMs: 60_000 });
    await registerAndMount(server, { file, type: "auth", name: "vault-plugin-auth-aws", mountPath: "aws" });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("configures the periodic tidy under both names, with each list's own default", async () => {
    await ok(["write", "auth/aws/config/tidy/identity-accesslist", "safety_buffer=24h"]);
    expect(parseCliJson(await srv().cli(["read", "-format=json", "auth/aws/config/tidy/identity-whitelist"])).data).toEqual({ safety_buffer: 86400, disable_periodic_tidy: false });
    await ok(["write", "auth/aws/config/tidy/roletag-denylist", "disable_periodic_tidy=true"]);
    expect(parseCliJson(await srv().cli(["read", "-format=json", "auth/aws/config/tidy/roletag-blacklist"])).data).toEqual({ safety_buffer: 15552000, disable_periodic_tidy: true });
    await ok(["delete", "auth/aws/config/tidy/roletag-denylist"]);
    expect((await srv().http("GET", "/v1/auth/aws/config/tidy/roletag-denylist")).status).toBe(404);
  });

  it("starts a tidy with 202 and upstream's warning; the CLI prints it", async () => {
    const first = await srv().http("POST", "/v1/auth/aws/tidy/identity-accesslist", { safety_buffer: "1h" });
    expect(first.status).toBe(202);
    expect(first.json?.warnings).toEqual(["Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs."]);
    expect(await ok(["write", "-f", "auth/aws/tidy/roletag-blacklist"])).toContain("Tidy operation successfully started");
    expect(await ok(["write", "auth/aws/tidy/roletag-denylist", "safety_buffer=1h"])).toMatch(/Tidy operation (successfully started|already in progress)/);
  });

  it("lists an empty access list as 404, under both names", async () => {
    expect((await srv().http("LIST", "/v1/auth/aws/identity-accesslist")).status).toBe(404);
    expect((await srv().http("LIST", "/v1/auth/aws/identity-whitelist")).status).toBe(404);
    expect((await srv().http("GET", "/v1/auth/aws/identity-accesslist/i-0123456789abcdef0")).status).toBe(404);
  });

  it("denies a role tag made by role/<role>/tag, reads, lists and lifts the denial", async () => {
    await ok(["write", "auth/aws/role/web", "auth_type=ec2", "bound_ami_id=ami-0123", "role_tag=VaultRole", "token_max_ttl=100h"]);
    const tag = (await ok(["write", "-field=tag_value", "-f", "auth/aws/role/web/tag"])).trim();
    expect(tag).toMatch(/^v1:/);
    const encoded = Buffer.from(tag).toString("base64");
    await ok(["write", "-f", `auth/aws/roletag-denylist/${encoded}`]);
    expect(parseCliJson(await srv().cli(["list", "-format=json", "auth/aws/roletag-blacklist"]))).toEqual([tag]);
    const read = parseCliJson(await srv().cli(["read", "-format=json", `auth/aws/roletag-denylist/${tag}`])).data as { creation_time: string; expiration_time: string };
    // The longest of tag (none), role (100h) and mount: the dev server's max lease, 768h.
    expect(Date.parse(read.expiration_time) - Date.parse(read.creation_time)).toBe(768 * 3_600_000);
    await ok(["delete", `auth/aws/roletag-denylist/${tag}`]);
    expect((await srv().http("LIST", "/v1/auth/aws/roletag-denylist")).status).toBe(404);
    const forged = await srv().cli(["write", "-f", `auth/aws/roletag-denylist/${tag.slice(0, tag.lastIndexOf(":"))}:AAAA`]);
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toContain("role tag signature verification failed");
  });
});
