import { describe, expect, it } from "vitest";
import { listWal, SECRET_TYPE_KEY } from "../../../src/framework/index.js";
import { StaticSystemView, type Response } from "../../../src/logical/index.js";
import { writeLeaseConfig } from "../../../src/engines/aws-secrets/storage.js";
import { awsError, GOOD_MFA_CODE, harness, NS_PER_S, putRole, type Harness } from "./creds-fakes.js";

const DEPLOYER = "arn:aws:iam::123456789012:role/deployer";
const READER = "arn:aws:iam::123456789012:role/reader";
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

async function read(h: Harness, path: string, data?: Record<string, unknown>, operation: "read" | "update" = "read"): Promise<Response | undefined> {
  return h.backend.handleRequest(h.request({ operation, path, ...(data === undefined ? {} : { data }) }));
}

const errorOf = (response: Response | undefined): unknown => response?.data?.["error"];

async function legacyRole(h: Harness, name: string, text: string): Promise<void> {
  await h.storage.put({ key: `policy/${name}`, value: Buffer.from(text, "utf8") });
}

describe("creds/<name> for iam_user", () => {
  it("answers upstream's shape: keys, null session_token and security_token, a renewable lease from config/lease", async () => {
    const h = harness();
    await writeLeaseConfig(h.storage, { lease: 1800n * NS_PER_S, leaseMax: 7200n * NS_PER_S });
    await putRole(h.storage, "deploy", { credential_types: ["iam_user"], policy_document: POLICY });
    const response = await read(h, "creds/deploy");
    const data = response?.data ?? {};
    // Vault 1.21 answers session_token: null; older Vault (and its clients) security_token.
    expect(Object.keys(data).sort()).toEqual(["access_key", "secret_key", "security_token", "session_token"]);
    expect(data["session_token"]).toBeNull();
    expect(data["security_token"]).toBeNull();
    const [username] = [...h.iam.users.keys()];
    expect(h.iam.users.get(username ?? "")?.keys.get(String(data["access_key"]))).toBe(data["secret_key"]);
    expect(response?.secret?.lease).toMatchObject({ ttl: 1800n * NS_PER_S, maxTtl: 7200n * NS_PER_S, renewable: true });
    expect(Object.keys(response?.secret?.internalData ?? {}).sort()).toEqual(["is_sts", "policy", SECRET_TYPE_KEY, "username"]);
    expect(response?.secret?.internalData).toMatchObject({ username, is_sts: false, [SECRET_TYPE_KEY]: "access_keys" });
    // The WAL entry goes only once the reply is handed to Vault (the transport runs afterReply).
    expect(await listWal(h.storage)).toHaveLength(1);
    await response?.afterReply?.();
    expect(await listWal(h.storage)).toEqual([]);
  });

  it("leaves the lease to the mount defaults without config/lease, and serves POST like GET", async () => {
    const h = harness();
    await putRole(h.storage, "deploy", { credential_types: ["iam_user"], policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] });
    const response = await read(h, "creds/deploy", {}, "update");
    expect(response?.secret?.lease).toMatchObject({ ttl: 0n, maxTtl: 0n, renewable: true });
  });

  it("issues 50 distinct users for 50 parallel requests, and revoking all leases leaves none", async () => {
    const h = harness();
    await putRole(h.storage, "deploy", { credential_types: ["iam_user"], policy_document: POLICY, iam_tags: { team: "a" } });
    const responses = await Promise.all(Array.from({ length: 50 }, () => read(h, "creds/deploy")));
    expect(new Set(responses.map((r) => r?.secret?.internalData["username"])).size).toBe(50);
    expect(new Set(responses.map((r) => r?.data?.["access_key"])).size).toBe(50);
    expect(h.iam.users.size).toBe(50);
    for (const r of responses) await r?.afterReply?.();
    expect(await listWal(h.storage)).toEqual([]);

    await Promise.all(
      responses.map((r) => h.backend.handleRequest(h.request({ operation: "revoke", path: "", ...(r?.secret === undefined ? {} : { secret: r.secret }) }))),
    );
    expect(h.iam.users.size).toBe(0);
  });

  it("answers every AWS failure with upstream's prefix as a 400, and throttling as upstream-rate-limited (502)", async () => {
    const h = harness();
    await putRole(h.storage, "deploy", { credential_types: ["iam_user"] });
    h.iam.failures.set("CreateUser", () => awsError("AccessDenied", "not authorized to perform: iam:CreateUser", 403));
    expect(await read(h, "creds/deploy")).toEqual({ data: { error: "Error creating IAM user: AccessDenied: not authorized to perform: iam:CreateUser" } });
    // AWS failing on its side is still an error response upstream (ErrorResponse, no error).
    h.iam.failures.set("CreateUser", () => awsError("ServiceFailure", "boom", 500, "server"));
    expect(await read(h, "creds/deploy")).toEqual({ data: { error: "Error creating IAM user: AWS call: AWS failed (HTTP 500, ServiceFailure): boom" } });
    h.iam.failures.set("CreateUser", () => awsError("Throttling", "Rate exceeded"));
    await expect(read(h, "creds/deploy")).rejects.toMatchObject({ kind: "upstream-rate-limited", message: "Error creating IAM user: Throttling: Rate exceeded" });
  });
});

describe("creds/ and sts/ for the STS types", () => {
  it("assumed_role: access_key, secret_key, security_token = session_token, arn, ttl; lease until expiry, not renewable", async () => {
    const h = harness();
    await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
    for (const path of ["sts/ar", "creds/ar"]) {
      const response = await read(h, path);
      const data = response?.data ?? {};
      expect(Object.keys(data).sort()).toEqual(["access_key", "arn", "secret_key", "security_token", "session_token", "ttl"]);
      expect(data["session_token"]).toBe(data["security_token"]);
      expect(data["ttl"]).toBe(3600);
      expect(String(data["arn"])).toMatch(/^arn:aws:sts::123456789012:assumed-role\/deployer\//);
      expect(response?.secret?.lease).toMatchObject({ ttl: 3600n * NS_PER_S, renewable: false });
      expect(response?.secret?.internalData).toMatchObject({ policy: DEPLOYER, is_sts: true });
    }
  });

  it("federation_token and session_token: the same keys without arn", async () => {
    const h = harness();
    await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY });
    await putRole(h.storage, "st", { credential_types: ["session_token"], mfa_serial_number: "arn:aws:iam::123456789012:mfa/ops" });
    for (const [path, data] of [["sts/ft", undefined], ["creds/st", { mfa_code: GOOD_MFA_CODE }]] as const) {
      const response = await read(h, path, data);
      expect(Object.keys(response?.data ?? {}).sort()).toEqual(["access_key", "secret_key", "security_token", "session_token", "ttl"]);
      expect(response?.secret?.lease.renewable).toBe(false);
    }
    expect(h.sts.sessionInputs[0]).toMatchObject({ TokenCode: GOOD_MFA_CODE, SerialNumber: "arn:aws:iam::123456789012:mfa/ops" });
  });

  it("passes role_session_name for assumed_role", async () => {
    const h = harness();
    await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
    await read(h, "sts/ar", { role_session_name: "ci job 7" });
    expect(h.sts.assumeRoleInputs[0]?.RoleSessionName).toBe("ci_job_7");
  });

  describe("TTL", () => {
    it.each([
      ["the explicit ttl", { default_sts_ttl: 1200 * 1e9 }, { ttl: "15m" }, 900],
      ["the role's default_sts_ttl", { default_sts_ttl: 1200 * 1e9 }, undefined, 1200],
      ["3600 without either", {}, undefined, 3600],
      ["the explicit ttl capped at max_sts_ttl", { max_sts_ttl: 1800 * 1e9 }, { ttl: 7200 }, 1800],
    ])("uses %s", async (_name, ttls, data, expected) => {
      const h = harness();
      await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY, ...ttls });
      await read(h, "sts/ft", data);
      expect(h.sts.federationInputs[0]?.DurationSeconds).toBe(expected);
    });

    const tooShort = (context: string): string =>
      `InvalidParameter: 1 validation error(s) found.\n- minimum field value of 900, ${context}.DurationSeconds.\n`;

    it.each([
      ["assumed_role, ttl=899", "ar", { ttl: 899 }, `Error assuming role: ${tooShort("AssumeRoleInput")}`],
      ["federation_token, ttl=10m", "ft", { ttl: "10m" }, `Error generating STS keys: ${tooShort("GetFederationTokenInput")}`],
      ["session_token, ttl=0", "st", { ttl: 0 }, `Error generating STS keys: ${tooShort("GetSessionTokenInput")}`],
      ["a default_sts_ttl of 600", "short", undefined, `Error assuming role: ${tooShort("AssumeRoleInput")}`],
      ["a max_sts_ttl of 300 capping the ttl", "capped", { ttl: 3600 }, `Error generating STS keys: ${tooShort("GetFederationTokenInput")}`],
    ])("refuses STS credentials below AWS's 900 s minimum (%s) with aws-sdk-go's text, before calling AWS", async (_name, role, data, message) => {
      const h = harness();
      await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
      await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY });
      await putRole(h.storage, "st", { credential_types: ["session_token"] });
      await putRole(h.storage, "short", { credential_types: ["assumed_role"], role_arns: [DEPLOYER], default_sts_ttl: 600 * 1e9 });
      await putRole(h.storage, "capped", { credential_types: ["federation_token"], policy_document: POLICY, max_sts_ttl: 300 * 1e9 });
      expect(await read(h, `sts/${role}`, data)).toEqual({ data: { error: message } });
      expect([...h.sts.assumeRoleInputs, ...h.sts.federationInputs, ...h.sts.sessionInputs]).toEqual([]);
    });

    it("refuses a mount max lease TTL below 900 s the same way (it caps the ttl)", async () => {
      const h = harness({ system: new StaticSystemView({ maxLeaseTtl: 600n * NS_PER_S }) });
      await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
      expect(errorOf(await read(h, "sts/ar"))).toBe(`Error assuming role: ${tooShort("AssumeRoleInput")}`);
      expect(h.sts.assumeRoleInputs).toEqual([]);
    });

    it("leaves iam_user alone: ttl does not apply to it", async () => {
      const h = harness();
      await putRole(h.storage, "deploy", { credential_types: ["iam_user"], policy_document: POLICY });
      expect(await read(h, "creds/deploy", { ttl: 60 })).toHaveProperty("secret");
    });

    it("caps at the mount's max lease TTL when the role sets no max_sts_ttl", async () => {
      const h = harness({ system: new StaticSystemView({ maxLeaseTtl: 1000n * NS_PER_S }) });
      await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
      await read(h, "sts/ar", { ttl: 3600 });
      expect(h.sts.assumeRoleInputs[0]?.DurationSeconds).toBe(1000);
    });
  });

  describe("role_arn", () => {
    it("may be omitted when the role has exactly one, and must be listed otherwise", async () => {
      const h = harness();
      await putRole(h.storage, "one", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
      await putRole(h.storage, "two", { credential_types: ["assumed_role"], role_arns: [DEPLOYER, READER] });
      await read(h, "sts/one");
      await read(h, "sts/two", { role_arn: READER });
      expect(h.sts.assumeRoleInputs.map((i) => i.RoleArn)).toEqual([DEPLOYER, READER]);
      expect(await read(h, "sts/two")).toEqual({ data: { error: "did not supply a role_arn parameter and unable to determine one" } });
      expect(await read(h, "sts/one", { role_arn: "arn:aws:iam::123456789012:role/other" })).toEqual({
        data: { error: 'role_arn "arn:aws:iam::123456789012:role/other" not in allowed role arns for Vault role "one"' },
      });
    });

    it("quotes a hostile role_arn the way Go's %q does", async () => {
      const h = harness();
      await putRole(h.storage, "one", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
      expect(errorOf(await read(h, "sts/one", { role_arn: 'x"\\\n\u0001é' }))).toBe('role_arn "x\\"\\\\\\n\\x01é" not in allowed role arns for Vault role "one"');
    });
  });
});

describe("credential type resolution", () => {
  it("serves a legacy inline-policy role as iam_user on creds/ and federation_token on sts/ (and upgrades it)", async () => {
    const h = harness();
    await legacyRole(h, "legacy", POLICY);
    const viaCreds = await read(h, "creds/legacy");
    expect(viaCreds?.data?.["security_token"]).toBeNull();
    expect(viaCreds?.data?.["session_token"]).toBeNull();
    expect(h.iam.users.size).toBe(1);
    const viaSts = await read(h, "sts/legacy");
    expect(viaSts?.data?.["session_token"]).toBeDefined();
    expect(h.sts.federationInputs[0]?.Policy).toBe(POLICY);
    expect(await h.storage.get("policy/legacy")).toBeUndefined();
    expect(await h.storage.get("role/legacy")).toBeDefined();
  });

  it("keeps legacy ARN roles on the path of their type", async () => {
    const h = harness();
    await legacyRole(h, "legacy-role", DEPLOYER);
    await legacyRole(h, "legacy-policy", "arn:aws:iam::aws:policy/ReadOnlyAccess");
    expect(await read(h, "creds/legacy-role")).toEqual({
      data: { error: "attempted to retrieve assumed_role credentials through the creds path; this is not allowed for legacy roles" },
    });
    expect(await read(h, "sts/legacy-policy")).toEqual({
      data: { error: "attempted to retrieve iam_user credentials through the sts path; this is not allowed for legacy roles" },
    });
    expect((await read(h, "sts/legacy-role"))?.data?.["arn"]).toBeDefined();
  });

  it("refuses a multi-type role whose path-chosen type it does not allow, with upstream's Go formatting", async () => {
    const h = harness();
    await putRole(h.storage, "multi", { credential_types: ["assumed_role", "session_token"], role_arns: [DEPLOYER] });
    expect(await read(h, "sts/multi")).toEqual({
      data: { error: 'requested credential type "federation_token" not in allowed credential types []string{"assumed_role", "session_token"}' },
    });
  });

  it("refuses a role without a credential type", async () => {
    const h = harness();
    await putRole(h.storage, "empty", {});
    expect(await read(h, "creds/empty")).toEqual({ data: { error: 'unknown credential_type: ""' } });
  });
});

describe("user input errors are 400s naming the problem", () => {
  it.each([
    ["an unknown role", "creds/nope", undefined, 'Role "nope" not found'],
    ["an unknown role with @ in its name", "sts/a@b.example", undefined, 'Role "a@b.example" not found'],
    ["a ttl that is not a duration", "sts/ft", { ttl: "soon" }, /^Field validation failed: error converting input for field "ttl": /],
    ["a negative ttl", "sts/ft", { ttl: -5 }, /^Field validation failed: error converting input for field "ttl": /],
    ["a federation role without policies", "sts/bare", undefined, "must specify at least one of policy_arns or policy_document with federation_token credential_type"],
    ["a wrong MFA code", "creds/st", { mfa_code: "000000" }, /^Error generating STS keys: AccessDenied: MultiFactorAuthentication failed/],
    ["an unknown IAM group", "creds/grp", undefined, /^Error adding user to group: NoSuchEntity: /],
  ])("%s", async (_name, path, data, message) => {
    const h = harness();
    await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY });
    await putRole(h.storage, "bare", { credential_types: ["federation_token"] });
    await putRole(h.storage, "st", { credential_types: ["session_token"], mfa_serial_number: "GAHT12345" });
    await putRole(h.storage, "grp", { credential_types: ["iam_user"], iam_groups: ["missing"] });
    const response = await read(h, path, data);
    expect(Object.keys(response?.data ?? {})).toEqual(["error"]);
    if (typeof message === "string") expect(errorOf(response)).toBe(message);
    else expect(String(errorOf(response))).toMatch(message);
  });

  it("answers an over-long generated name as a 400", async () => {
    const h = harness();
    const { writeRootConfig } = await import("../../../src/engines/aws-secrets/config-root-storage.js");
    await writeRootConfig(h.storage, {
      accessKey: "", secretKey: "", region: "", iamEndpoint: "", stsEndpoint: "", stsRegion: "", stsFallbackEndpoints: [], stsFallbackRegions: [],
      maxRetries: -1, usernameTemplate: "y".repeat(40), roleArn: "", identityTokenAudience: "", identityTokenTtl: 0n,
    });
    await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY });
    expect(String(errorOf(await read(h, "sts/ft")))).toMatch(/32/);
    expect(h.sts.federationInputs).toEqual([]);
  });
});

describe("username_template", () => {
  it("names IAM users, session names and federation tokens with the configured template", async () => {
    const h = harness();
    const { writeRootConfig } = await import("../../../src/engines/aws-secrets/config-root-storage.js");
    await writeRootConfig(h.storage, {
      accessKey: "", secretKey: "", region: "", iamEndpoint: "", stsEndpoint: "", stsRegion: "", stsFallbackEndpoints: [], stsFallbackRegions: [],
      maxRetries: -1, usernameTemplate: '{{ printf "%s_%s_%s" .Type .DisplayName .PolicyName }}', roleArn: "", identityTokenAudience: "", identityTokenTtl: 0n,
    });
    await putRole(h.storage, "iu", { credential_types: ["iam_user"] });
    await putRole(h.storage, "ar", { credential_types: ["assumed_role"], role_arns: [DEPLOYER] });
    await putRole(h.storage, "ft", { credential_types: ["federation_token"], policy_document: POLICY });
    await h.backend.handleRequest(h.request({ operation: "read", path: "creds/iu", displayName: "token-x" }));
    await h.backend.handleRequest(h.request({ operation: "read", path: "sts/ar", displayName: "token-x" }));
    await h.backend.handleRequest(h.request({ operation: "read", path: "sts/ft", displayName: "token-x" }));
    expect([...h.iam.users.keys()]).toEqual(["IAM_token-x_iu"]);
    expect(h.sts.assumeRoleInputs[0]?.RoleSessionName).toBe("IAM_token-x_ar");
    // Upstream hands STS names neither the display name nor the role name.
    expect(h.sts.federationInputs[0]?.Name).toBe("STS__");
  });
});

describe("declaration", () => {
  it("routes creds/ and sts/ through one path, with upstream's fields", () => {
    const h = harness();
    const spec = h.backend.routeOf("creds/x");
    expect(spec).toBe(h.backend.routeOf("sts/x"));
    expect(Object.keys(spec?.fields ?? {}).sort()).toEqual(["mfa_code", "name", "role_arn", "role_session_name", "ttl"]);
    expect(spec?.fields["ttl"]?.default).toBe(3600);
    expect(h.backend.routeOf("creds/")).toBeUndefined();
    expect(h.backend.routeOf("other/x")).toBeUndefined();
  });
});
