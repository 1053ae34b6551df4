import { describe, expect, it, vi } from "vitest";
import {
  DeclarationError,
  defineBackend,
  definePath,
  field,
  genericNameRegex,
  optionalParamRegex,
  type BackendSpec,
} from "../../src/framework/index.js";
import {
  InmemStorage,
  StaticSystemView,
  UnsupportedOperationError,
  UnsupportedPathError,
  UserError,
  listResponse,
  newRequest,
  type BackendConfig,
  type Logger,
  type Operation,
} from "../../src/logical/index.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };
const config = (): BackendConfig => ({ storage: new InmemStorage(), system: new StaticSystemView(), logger: silent, backendUuid: "u", config: {} });

const rolePath = definePath({
  pattern: `role/${genericNameRegex("name")}`,
  fields: {
    name: field.string({ description: "Role name." }),
    ttl: field.durationSeconds({ description: "TTL.", default: "1h" }),
    policies: field.commaStringSlice({ description: "Policies." }),
  },
  existenceCheck: async (req, data) => (await req.storage.get(`role/${data.get("name")}`)) !== undefined,
  operations: {
    read: async (_req, data) => ({ data: { name: data.get("name"), ttl: data.get("ttl"), policies: data.get("policies") } }),
    create: async (req, data) => {
      await req.storage.put({ key: `role/${data.get("name")}`, value: Buffer.from("{}") });
      return undefined;
    },
    update: async () => ({ data: { updated: true } }),
    delete: async () => undefined,
  },
  helpSynopsis: "Manage roles.",
  helpDescription: "Roles map names to policies.",
});

const listPath = definePath({
  pattern: "role/?",
  fields: {},
  operations: { list: async (req) => listResponse(await req.storage.list("role/")) },
  helpSynopsis: "List roles.",
  helpDescription: "",
});

const spec = (extra: Partial<BackendSpec> = {}): BackendSpec => ({ type: "logical", help: "Test backend.", paths: [rolePath, listPath], ...extra });

function request(operation: Operation, path: string, data?: Record<string, unknown>, storage = new InmemStorage()) {
  return newRequest({ operation, path, storage, ...(data === undefined ? {} : { data }) });
}

describe("declaration checks at build time", () => {
  const base = { fields: {}, operations: {}, helpSynopsis: "", helpDescription: "" };
  it.each([
    ["a blank pattern", { ...base, pattern: "" }, /Routing pattern cannot be blank/],
    ["an invalid regex", { ...base, pattern: "role/(" }, /not a valid regular expression/],
    ["create without an existence check", { ...base, pattern: "x", operations: { create: () => Promise.resolve(undefined) } }, /create operation but no existence check/],
    ["a capture that is not a field", { ...base, pattern: `x/${genericNameRegex("name")}` }, /captures name, which is not a declared field/],
  ])("rejects %s", (_name, path, message) => {
    expect(() => defineBackend({ type: "logical", help: "", paths: [path] }, config())).toThrow(DeclarationError);
    expect(() => defineBackend({ type: "logical", help: "", paths: [path] }, config())).toThrow(message);
  });

  it("rejects the same pattern twice", () => {
    expect(() => defineBackend({ type: "logical", help: "", paths: [listPath, listPath] }, config())).toThrow(/declared twice/);
  });

  it("accepts Go's (?P<name>) group syntax", () => {
    const path = definePath({ ...base, pattern: "x/(?P<name>[a-z]+)", fields: { name: field.string() }, operations: { read: async (_r, d) => ({ data: { name: d.get("name") } }) } });
    const backend = defineBackend({ type: "logical", help: "", paths: [path] }, config());
    return expect(backend.handleRequest(request("read", "x/abc"))).resolves.toEqual({ data: { name: "abc" } });
  });
});

describe("routing and fields", () => {
  const backend = defineBackend(spec(), config());

  it("routes by pattern, fills captures and applies defaults and coercion", async () => {
    const response = await backend.handleRequest(request("read", "role/web", { policies: "a, b" }));
    expect(response?.data).toEqual({ name: "web", ttl: 3600, policies: ["a", "b"] });
  });

  it("warns about unknown parameters, sorted, in Go's list format", async () => {
    const response = await backend.handleRequest(request("read", "role/web", { zeta: 1, alpha: 2 }));
    expect(response?.warnings).toEqual(["Endpoint ignored these unrecognized parameters: [alpha zeta]"]);
  });

  it("lets captures win over body fields, with Vault's warning", async () => {
    const response = await backend.handleRequest(request("read", "role/web", { name: "other" }));
    expect(response?.data?.["name"]).toBe("web");
    expect(response?.warnings).toEqual(["Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [name]"]);
  });

  it("answers a value that does not parse with a 400 error response naming the field", async () => {
    const response = await backend.handleRequest(request("read", "role/web", { ttl: "soon" }));
    expect(String(response?.data?.["error"])).toMatch(/^Field validation failed: .*ttl/);
  });

  it.each([
    ["an unknown path", "read", "nope", UnsupportedPathError],
    ["an undeclared operation", "patch", "role/web", UnsupportedOperationError],
    ["an operation no path can have", "header", "role/web", UnsupportedOperationError],
  ] as const)("refuses %s", async (_name, op, path, error) => {
    await expect(backend.handleRequest(request(op, path))).rejects.toThrow(error);
  });

  it("lists keys", async () => {
    const storage = new InmemStorage();
    await backend.handleRequest(request("create", "role/b", {}, storage));
    await backend.handleRequest(request("create", "role/a", {}, storage));
    expect(await backend.handleRequest(request("list", "role/", undefined, storage))).toEqual({ data: { keys: ["a", "b"] } });
  });

  it("exposes the route of a path", () => {
    expect(backend.routeOf("role/x")).toBe(rolePath);
    expect(backend.routeOf("nothing")).toBeUndefined();
  });
});

describe("existence checks", () => {
  const backend = defineBackend(spec(), config());

  it("reports found/exists from the path's check", async () => {
    const storage = new InmemStorage();
    expect(await backend.handleExistenceCheck(request("create", "role/web", {}, storage))).toEqual({ found: true, exists: false });
    await backend.handleRequest(request("create", "role/web", {}, storage));
    expect(await backend.handleExistenceCheck(request("update", "role/web", {}, storage))).toEqual({ found: true, exists: true });
  });

  it("reports no check for a path without one", async () => {
    const noCheck = definePath({ pattern: "cfg", fields: {}, operations: { update: async () => undefined }, helpSynopsis: "", helpDescription: "" });
    const b = defineBackend({ type: "logical", help: "", paths: [noCheck] }, config());
    expect(await b.handleExistenceCheck(request("update", "cfg"))).toEqual({ found: false, exists: false });
  });

  it("turns a field that does not parse into a user error", async () => {
    await expect(backend.handleExistenceCheck(request("create", "role/web", { ttl: "x" }))).rejects.toThrow(UserError);
  });

  it("refuses operations other than create/update", async () => {
    await expect(backend.handleExistenceCheck(request("read", "role/web"))).rejects.toThrow(/incorrect operation type read/);
  });
});

describe("global operations", () => {
  it("answers rollback with nothing to do with no response and no error, as Vault's framework does", async () => {
    const backend = defineBackend(spec(), config());
    await expect(backend.handleRequest(request("rollback", ""))).resolves.toBeUndefined();
  });

  it("runs the periodic function on rollback and reports its failure", async () => {
    const periodic = vi.fn().mockRejectedValueOnce(new Error("tidy failed")).mockResolvedValue(undefined);
    const backend = defineBackend(spec({ periodic }), config());
    await expect(backend.handleRequest(request("rollback", ""))).rejects.toThrow("tidy failed");
    await expect(backend.handleRequest(request("rollback", ""))).resolves.toBeUndefined();
    expect(periodic).toHaveBeenCalledTimes(2);
  });

  it("refuses token renewal without an auth renew handler with Vault's message", async () => {
    const backend = defineBackend(spec({ type: "credential" }), config());
    const renew = newRequest({
      operation: "renew",
      path: "login",
      storage: new InmemStorage(),
      auth: {
        lease: { ttl: 0n, maxTtl: 0n, renewable: true, increment: 0n },
        internalData: {}, displayName: "", policies: [], metadata: {}, period: 0n, explicitMaxTtl: 0n, numUses: 0,
        boundCidrs: [], tokenType: 0, noDefaultPolicy: false, groupAliases: [], clientToken: "", accessor: "",
        entityId: "", tokenPolicies: [], identityPolicies: [],
      },
    });
    expect(await backend.handleRequest(renew)).toEqual({ data: { error: "this auth type doesn't support renew" } });
  });

  it("always answers root help, with an OpenAPI document", async () => {
    const backend = defineBackend(spec(), config());
    const response = await backend.handleRequest(request("help", "", { requestResponsePrefix: "test" }));
    expect(response?.data?.["help"]).toEqual(expect.stringContaining("Test backend."));
    expect(response?.data?.["see_also"]).toBeNull();
    expect(response?.data?.["openapi"]).toMatchObject({ openapi: "3.0.2" });
  });

  it("answers path help for a routed path", async () => {
    const backend = defineBackend(spec(), config());
    const response = await backend.handleRequest(request("help", "role/web"));
    expect(response?.data?.["help"]).toEqual(expect.stringContaining("Manage roles."));
  });
});

describe("pattern helpers", () => {
  const re = (source: string) => new RegExp(`^${source}$`);
  it.each([
    ["web", true],
    ["a", true],
    ["my-role.v2", true],
    ["-bad", false],
    ["bad-", false],
    ["a/b", false],
  ])("genericNameRegex %j matches: %s", (name, ok) => {
    expect(re(`role/${genericNameRegex("name")}`).test(`role/${name}`)).toBe(ok);
  });

  it("optionalParamRegex captures an optional trailing segment", () => {
    const r = re(`creds${optionalParamRegex("rest")}`);
    expect(r.exec("creds")?.groups?.["rest"]).toBeUndefined();
    expect(r.exec("creds/a/b")?.groups?.["rest"]).toBe("a/b");
  });
});
