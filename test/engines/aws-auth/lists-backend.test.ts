import { describe, expect, it } from "vitest";
import { createAwsAuthBackend } from "../../../src/engines/aws-auth/index.js";
import { toDeprecatedTerms } from "../../../src/engines/aws-auth/deprecated-path.js";
import { openApiDocument } from "../../../src/framework/openapi.js";
import { InmemStorage, StaticSystemView, newRequest } from "../../../src/logical/index.js";
import { recordingLogger } from "./lists-fixtures.js";

async function awsAuth() {
  const storage = new InmemStorage();
  const backend = await createAwsAuthBackend({ storage, system: new StaticSystemView(), logger: recordingLogger([]), backendUuid: "u", config: {} });
  return { backend, storage };
}

describe("the lists in the aws auth backend", () => {
  it("routes every new and old name to its path, the old ones flagged deprecated", async () => {
    const { backend } = await awsAuth();
    const cases: [string, string, boolean][] = [
      ["identity-accesslist/i-1", "identity-accesslist/", false],
      ["identity-whitelist/i-1", "identity-whitelist/", true],
      ["identity-accesslist/", "identity-accesslist/?", false],
      ["identity-whitelist", "identity-whitelist/?", true],
      ["roletag-denylist/v1:a:b/c", "roletag-denylist/(?<role_tag>.*)", false],
      ["roletag-blacklist/v1:a:b/c", "roletag-blacklist/(?<role_tag>.*)", true],
      ["roletag-denylist/", "roletag-denylist/?", false],
      ["roletag-blacklist/", "roletag-blacklist/?", true],
      ["config/tidy/identity-accesslist", "config/tidy/identity-accesslist$", false],
      ["config/tidy/identity-whitelist", "config/tidy/identity-whitelist$", true],
      ["config/tidy/roletag-denylist", "config/tidy/roletag-denylist$", false],
      ["config/tidy/roletag-blacklist", "config/tidy/roletag-blacklist$", true],
      ["tidy/identity-accesslist", "tidy/identity-accesslist$", false],
      ["tidy/identity-whitelist", "tidy/identity-whitelist$", true],
      ["tidy/roletag-denylist", "tidy/roletag-denylist$", false],
      ["tidy/roletag-blacklist", "tidy/roletag-blacklist$", true],
    ];
    for (const [path, pattern, deprecated] of cases) {
      const spec = backend.routeOf(path);
      expect(spec?.pattern.startsWith(pattern), path).toBe(true);
      expect(spec?.deprecated === true, path).toBe(deprecated);
    }
  });

  it("names operations as upstream: old words in the old paths' operation IDs", async () => {
    const { backend } = await awsAuth();
    const doc = openApiDocument(backend.spec);
    const ids = (path: string) => {
      const item = doc.paths[path];
      return [item?.get?.operationId, item?.post?.operationId, item?.delete?.operationId].filter((id) => id !== undefined);
    };
    expect(ids("/identity-accesslist/{instance_id}")).toEqual(["aws-read-identity-access-list", "aws-delete-identity-access-list"]);
    expect(ids("/identity-whitelist/{instance_id}")).toEqual(["aws-read-identity-whitelist", "aws-delete-identity-whitelist"]);
    expect(ids("/identity-accesslist/")).toEqual(["aws-list-identity-access-list"]);
    expect(ids("/identity-whitelist/")).toEqual(["aws-list-identity-whitelist"]);
    expect(ids("/roletag-denylist/{role_tag}")).toEqual(["aws-read-role-tag-deny-list", "aws-write-role-tag-deny-list", "aws-delete-role-tag-deny-list"]);
    expect(ids("/roletag-blacklist/{role_tag}")).toEqual(["aws-read-role-tag-blacklist", "aws-write-role-tag-blacklist", "aws-delete-role-tag-blacklist"]);
    expect(ids("/roletag-denylist/")).toEqual(["aws-list-role-tag-deny-lists"]);
    expect(ids("/roletag-blacklist/")).toEqual(["aws-list-role-tag-blacklists"]);
    expect(ids("/config/tidy/identity-accesslist")).toEqual([
      "aws-read-identity-access-list-tidy-settings",
      "aws-configure-identity-access-list-tidy-operation",
      "aws-delete-identity-access-list-tidy-settings",
    ]);
    expect(ids("/config/tidy/identity-whitelist")).toEqual([
      "aws-read-identity-whitelist-tidy-settings",
      "aws-configure-identity-whitelist-tidy-operation",
      "aws-delete-identity-whitelist-tidy-settings",
    ]);
    expect(ids("/config/tidy/roletag-blacklist")).toEqual([
      "aws-read-role-tag-blacklist-tidy-settings",
      "aws-configure-role-tag-blacklist-tidy-operation",
      "aws-delete-role-tag-blacklist-tidy-settings",
    ]);
    expect(ids("/tidy/identity-accesslist")).toEqual(["aws-tidy-identity-access-list"]);
    expect(ids("/tidy/identity-whitelist")).toEqual(["aws-tidy-identity-whitelist"]);
    expect(ids("/tidy/roletag-denylist")).toEqual(["aws-tidy-role-tag-deny-list"]);
    expect(ids("/tidy/roletag-blacklist")).toEqual(["aws-tidy-role-tag-blacklist"]);
  });

  it("denies a tag made by role/<role>/tag (raw or base64), verified with the role's key; a forged one is refused", async () => {
    const { backend, storage } = await awsAuth();
    const call = (operation: "update" | "read" | "list", path: string, data?: Record<string, unknown>) =>
      backend.handleRequest(newRequest({ operation, path, storage, ...(data !== undefined && { data }) }));
    const created = await call("update", "role/web", { auth_type: "ec2", bound_ami_id: "ami-1", role_tag: "VaultRole", token_max_ttl: "100h" });
    expect(created?.data?.["error"]).toBeUndefined();
    const tagged = await call("update", "role/web/tag", { max_ttl: "1h" });
    const tag = String(tagged?.data?.["tag_value"]);
    expect(tag).toMatch(/^v1:/);

    const forged = `${tag.slice(0, tag.lastIndexOf(":"))}:${Buffer.alloc(32).toString("base64")}`;
    expect(await call("update", `roletag-denylist/${forged}`)).toEqual({ data: { error: "role tag signature verification failed" } });
    expect(await call("update", "roletag-denylist/v1:x:r=nobody:sig")).toEqual({ data: { error: 'entry not found for "nobody"' } });
    expect(await storage.list("blacklist/roletag/")).toEqual([]);

    expect(await call("update", `roletag-blacklist/${Buffer.from(tag).toString("base64")}`)).toBeUndefined();
    expect(await call("list", "roletag-denylist/")).toEqual({ data: { keys: [tag] } });
    const read = await call("read", `roletag-denylist/${tag}`);
    const { creation_time: created_at, expiration_time: expires_at } = read?.data as { creation_time: string; expiration_time: string };
    // The role's token_max_ttl (100h) is the longest of tag (1h), role and mount (48h).
    expect(Date.parse(expires_at) - Date.parse(created_at)).toBe(100 * 3_600_000);
  });
});

describe("toDeprecatedTerms (upstream's strings.Replacer)", () => {
  it.each([
    ["identity-accesslist/", "identity-whitelist/"],
    ["role-tag-deny-list-tidy-settings", "role-tag-blacklist-tidy-settings"],
    ["identity-access-list", "identity-whitelist"],
    ["config/tidy/roletag-denylist$", "config/tidy/roletag-blacklist$"],
    ["nothing-to-change", "nothing-to-change"],
  ])("%s → %s", (from, to) => {
    expect(toDeprecatedTerms(from)).toBe(to);
  });
});
