import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { StaticSystemView, getJson } from "../../../src/logical/index.js";
import { createRoleTagValue, parseRoleTagValue, roleTagPlaintext, type RoleTag } from "../../../src/engines/aws-auth/role-tag.js";
import { harness } from "./role-harness.js";

const err = (error: string) => ({ data: { error } });

async function ec2Role(data: Record<string, unknown> = {}) {
  const h = harness({ system: new StaticSystemView({ maxLeaseTtl: 7200n * 1_000_000_000n }) });
  await h.write("Web", { auth_type: "ec2", bound_ami_id: "ami-1", role_tag: "VaultRole", token_policies: "a,b", ...data });
  const key = String(((await getJson(h.storage, "role/web")) as Record<string, unknown>)["hmac_key"]);
  return { h, key };
}

describe("role/<role>/tag", () => {
  it("makes a signed tag in upstream's format that parses back and verifies", async () => {
    const { h, key } = await ec2Role({ allow_instance_migration: true });
    const reply = await h.request("update", "role/Web/tag", { policies: "B", max_ttl: "1h", instance_id: "I-ABC", allow_instance_migration: true });
    expect(reply?.warnings).toBeUndefined();
    const value = String(reply?.data?.["tag_value"]);
    expect(reply?.data?.["tag_key"]).toBe("VaultRole");
    expect(value).toMatch(/^v1:[A-Za-z0-9+/]{11}=:r=web:d=false:m=true:p=b:i=i-abc:t=3600:[A-Za-z0-9+/]{43}=$/);
    const plaintext = value.slice(0, value.lastIndexOf(":"));
    expect(value.slice(value.lastIndexOf(":") + 1)).toBe(createHmac("sha256", key).update(plaintext).digest("base64"));
    const parsed = await parseRoleTagValue(h.storage, value);
    expect(parsed.ok && parsed.tag).toMatchObject({ role: "web", policies: ["b"], maxTtl: 3600n * 1_000_000_000n, instanceId: "i-abc", allowInstanceMigration: true, disallowReauthentication: false });
  });

  it("leaves out p=, i= and t= when not set", async () => {
    const { h } = await ec2Role();
    const value = String((await h.request("update", "role/web/tag", {}))?.data?.["tag_value"]);
    expect(value).toMatch(/^v1:[^:]+:r=web:d=false:m=false:[^:]+$/);
  });

  it("refuses tampering, an unknown role, a wrong version and unknown items", async () => {
    const { h } = await ec2Role();
    const value = String((await h.request("update", "role/web/tag", { policies: "a" }))?.data?.["tag_value"]);
    const bad = async (v: string) => parseRoleTagValue(h.storage, v);
    expect(await bad(value.replace("p=a", "p=b"))).toEqual({ ok: false, error: "role tag signature verification failed" });
    expect(await bad(value.replace("d=false", "d=true"))).toEqual({ ok: false, error: "role tag signature verification failed" });
    // A different last HMAC character (one in sixteen tags already ends in "A=").
    expect(await bad(value.slice(0, -2) + (value.at(-2) === "A" ? "E=" : "A="))).toEqual({ ok: false, error: "role tag signature verification failed" });
    expect(await bad(value.replace("r=web", "r=other"))).toEqual({ ok: false, error: `entry not found for "other"` });
    expect(await bad(value.replace("v1:", "v2:"))).toEqual({ ok: false, error: "invalid role tag version" });
    expect(await bad("v1:n:r=web")).toEqual({ ok: false, error: "invalid tag" });
    expect(await bad(value.replace("d=false", "d=maybe"))).toEqual({ ok: false, error: `strconv.ParseBool: parsing "maybe": invalid syntax` });
    expect(await bad(value.replace("d=false", "x=1"))).toEqual({ ok: false, error: `unrecognized item "x=1" in tag` });
    expect(await bad("v1:n:d=true:m=false:hmac")).toEqual({ ok: false, error: "missing role name" });
    // Re-writing the role keeps its key, so tags stay valid.
    await h.write("web", { bound_ami_id: "ami-2" });
    expect((await bad(value)).ok).toBe(true);
  });

  it("answers upstream's errors and warnings", async () => {
    const { h } = await ec2Role({ token_max_ttl: 600 });
    expect(await h.request("update", "role/none/tag", {})).toEqual(err("entry not found for role none"));
    expect(await h.request("update", "role/web/tag", { allow_instance_migration: true, disallow_reauthentication: true })).toEqual(
      err("cannot set both disallow_reauthentication and allow_instance_migration"),
    );
    const reply = await h.request("update", "role/web/tag", { policies: "a,c", allow_instance_migration: true, max_ttl: "3h" });
    expect(reply?.warnings).toEqual([
      "Policies on the tag are not a subset of the policies set on the role. Login will not be allowed with this tag unless the role policies are updated.",
      "Role does not allow instance migration. Login will not be allowed with this tag unless the role value is updated.",
      "Given max TTL of 10800 is greater than the mount maximum of 7200 seconds, and will be capped at login time.",
      "Given max TTL of 10800 is greater than the role maximum of 600 seconds, and will be capped at login time.",
    ]);
    // Vault's field parsing refuses a negative duration before the handler's own check.
    expect(await h.request("update", "role/web/tag", { max_ttl: -5 })).toEqual(err(`Field validation failed: error converting input for field "max_ttl": cannot provide negative value '-5'`));
    await h.write("plain", { auth_type: "ec2", bound_ami_id: "ami-1" });
    expect(await h.request("update", "role/plain/tag", {})).toEqual(err("tag creation is not enabled for this role"));
  });

  it("refuses a value longer than EC2's 255 characters", () => {
    const tag: RoleTag = { version: "v1", nonce: "n", role: "r", policies: ["p".repeat(250)], maxTtl: 0n, instanceId: "", disallowReauthentication: false, allowInstanceMigration: false };
    expect(roleTagPlaintext(tag)).toBe(`v1:n:r=r:d=false:m=false:p=${"p".repeat(250)}`);
    expect(() => createRoleTagValue(tag, "key")).toThrow("role tag 'value' exceeding the limit of 255 characters");
  });
});
