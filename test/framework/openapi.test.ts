// OpenAPI generation: pattern expansion, operation IDs, names, special paths and type mapping as
// tables (cases follow the sdk's framework/openapi_test.go), then whole documents against golden
// files.
//
// The goldens follow Vault's generator (sdk v0.21.0, which Vault 1.21.4 uses; v0.25.1 generates
// the same): a Go twin of fixture-backend.ts built on the sdk produced byte for byte the same
// documents and help texts (info.version aside). OpenBao's generator differs in durations
// (integer / "seconds"), query fields (path-level parameters), list operations (a `list` query
// parameter on the read path), and a capture missing from one expansion (a body property); we
// follow Vault, the engines we stand in for. Route texts differ only by `\-` in the name helpers
// of patterns.ts.
import { describe, expect, it } from "vitest";
import { definePath, field, type FieldTypeName, type PathSpec } from "../../src/framework/index.js";
import { genericNameRegex, genericNameWithAtRegex, optionalParamRegex } from "../../src/framework/patterns.js";
import { openApiDocument, type OasDocument } from "../../src/framework/openapi.js";
import { cleanString, hyphenatedToTitleCase, operationId, specialPathMatch, type OperationIdInput } from "../../src/framework/openapi-names.js";
import { displayPattern, expandPattern } from "../../src/framework/openapi-pattern.js";
import { convertType, type SchemaType } from "../../src/framework/openapi-schema.js";
import { configLeasePath, credsPath, fixtureBackend, lookupPath, rolePath } from "./testdata/fixture-backend.js";
import { expectGoldenJson } from "./testdata/golden.js";

const handler = (): Promise<undefined> => Promise.resolve(undefined);

describe("expandPattern", () => {
  const cases: [string, string[]][] = [
    ["rotate/root/backup", ["rotate/root/backup"]],
    ["rotate/root/backup$", ["rotate/root/backup"]],
    ["^rotate/root/backup", ["rotate/root/backup"]],
    ["auth/(?P<path>.+?)/tune$", ["auth/{path}/tune"]],
    ["auth/(?<path>.+?)/tune/(?<more>.*?)$", ["auth/{path}/tune/{more}"]],
    ["something/(?<something>(a|b(c|d))|e+|f{1,3}[ghi-k]?.*)", ["something/{something}"]],
    ["tools/hash(/(?<urlalgorithm>.+))?", ["tools/hash", "tools/hash/{urlalgorithm}"]],
    ["(leases/)?renew(/(?<url_lease_id>.+))?", ["leases/renew", "leases/renew/{url_lease_id}", "renew", "renew/{url_lease_id}"]],
    [`config/ui/headers/${genericNameRegex("header")}`, ["config/ui/headers/{header}"]],
    ["leases/lookup/(?<prefix>.+?)?", ["leases/lookup/", "leases/lookup/{prefix}"]],
    ["(raw/?$|raw/(?<path>.+))", ["raw", "raw/{path}"]],
    [`lookup${optionalParamRegex("urltoken")}`, ["lookup", "lookup/{urltoken}"]],
    ["roles/?$", ["roles"]],
    ["roles/?", ["roles"]],
    ["accessors/$", ["accessors/"]],
    [`verify/${genericNameRegex("name")}${optionalParamRegex("urlalgorithm")}`, ["verify/{name}", "verify/{name}/{urlalgorithm}"]],
    ["^plugins/catalog/(?<type>auth|database|secret)/(?<name>.+)$", ["plugins/catalog/{type}/{name}"]],
    ["^plugins/catalog/(?<type>auth|database|secret)/?$", ["plugins/catalog/{type}"]],
    ["(pathOne|pathTwo)/", ["pathOne/", "pathTwo/"]],
    [`(pathOne|pathTwo)/${genericNameRegex("name")}`, ["pathOne/{name}", "pathTwo/{name}"]],
    [`(pathOne|path-2|Path_3)/${genericNameRegex("name")}`, ["Path_3/{name}", "path-2/{name}", "pathOne/{name}"]],
    [`(creds|sts)/${genericNameWithAtRegex("name")}`, ["creds/{name}", "sts/{name}"]],
    ["keys/generate/(internal|exported|kms)", ["keys/generate/exported", "keys/generate/internal", "keys/generate/kms"]],
    ["rolesets?/?", ["roleset", "rolesets"]],
    ["crl(/pem|/delta(/pem)?)?", ["crl", "crl/delta", "crl/delta/pem", "crl/pem"]],
    // JavaScript spellings that mean the same literal text.
    ["config\\/lease", ["config/lease"]],
    ["a(?:b|cd)e", ["abe", "acde"]],
    ["x[/]y", ["x/y"]],
    ["\\bfoo\\B", ["foo"]],
    // An unnamed group around a slash is not the "optional trailing slash" idiom.
    ["roles(/)?", ["roles", "roles/"]],
    ["roles(?:/)?", ["roles"]],
    // Common prefixes are factored before expanding, which keeps the order of the branches.
    ["(role|roles)", ["role", "roles"]],
  ];
  it.each(cases)("%s", (pattern, paths) => {
    expect(expandPattern(pattern)?.sort()).toEqual(paths);
  });

  it("keeps upstream's order: each optional part appends its variants after those without it", () => {
    expect(expandPattern("(leases/)?renew(/(?<id>.+))?")).toEqual(["renew", "leases/renew", "renew/{id}", "leases/renew/{id}"]);
    expect(expandPattern("(creds|sts)/(?<name>.+)")).toEqual(["creds/{name}", "sts/{name}"]);
  });

  const unsupported = ["[a-z]", ".", "a+", "a*", ".*", "a{2}", "a{0,1}", "\\w", "(?=a)b", "(a)\\1", "(a|b)", "(ab|ac)", "x(?:a|b)?"];
  it.each(unsupported)("%s has no OpenAPI spelling", (pattern) => {
    expect(expandPattern(pattern)).toBeUndefined();
  });

  it("anchors and respells the route for display", () => {
    expect(displayPattern("config/lease")).toBe("^config/lease$");
    expect(displayPattern("^roles/?$")).toBe("^roles/?$");
    expect(displayPattern("a/(?<b>[(?<]x)")).toBe("^a/(?P<b>[(?<]x)$");
  });
});

describe("operationId", () => {
  const base: OperationIdInput = { path: "path/to/thing", pathIndex: 0, operation: "update", defaultPrefix: "test" };
  const cases: [string, Partial<OperationIdInput>, string][] = [
    ["empty", { path: "", operation: "read", defaultPrefix: "", operationAttrs: { operationVerb: "" } }, "read"],
    ["simple read", { operation: "read" }, "test-read-path-to-thing"],
    ["simple write", {}, "test-write-path-to-thing"],
    ["list, delete, patch and create name themselves", { operation: "list" }, "test-list-path-to-thing"],
    ["operation verb", { pathAttrs: { operationVerb: "do-something" } }, "do-something"],
    ["operation verb override", { pathAttrs: { operationVerb: "do-something" }, operationAttrs: { operationVerb: "do-something-else" } }, "do-something-else"],
    ["operation prefix", { pathAttrs: { operationPrefix: "my-prefix" } }, "my-prefix-write-path-to-thing"],
    ["operation prefix override", { pathAttrs: { operationPrefix: "my-prefix" }, operationAttrs: { operationPrefix: "better-prefix" } }, "better-prefix-write-path-to-thing"],
    ["prefix and suffix", { pathAttrs: { operationPrefix: "my-prefix", operationSuffix: "my-suffix" } }, "my-prefix-write-my-suffix"],
    [
      "prefix and suffix override",
      { pathAttrs: { operationPrefix: "my-prefix", operationSuffix: "my-suffix" }, operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "better-suffix" } },
      "better-prefix-write-better-suffix",
    ],
    [
      "prefix, verb and suffix",
      { pathAttrs: { operationPrefix: "my-prefix", operationSuffix: "my-suffix", operationVerb: "Create" }, operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "better-suffix" } },
      "better-prefix-create-better-suffix",
    ],
    [
      "prefix, verb and suffix override",
      {
        pathAttrs: { operationPrefix: "my-prefix", operationSuffix: "my-suffix", operationVerb: "Create" },
        operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "better-suffix", operationVerb: "Login" },
      },
      "better-prefix-login-better-suffix",
    ],
    ["prefix and verb", { operationAttrs: { operationPrefix: "better-prefix", operationVerb: "Login" } }, "better-prefix-login"],
    ["verb and suffix", { operationAttrs: { operationVerb: "Login", operationSuffix: "better-suffix" } }, "login-better-suffix"],
    ["pipe-delimited suffix 0", { operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "suffix0|suffix1" } }, "better-prefix-write-suffix0"],
    ["pipe-delimited suffix 1", { pathIndex: 1, operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "suffix0|suffix1" } }, "better-prefix-write-suffix1"],
    ["pipe-delimited suffix 2 falls back", { pathIndex: 2, operationAttrs: { operationPrefix: "better-prefix", operationSuffix: "suffix0|suffix1" } }, "better-prefix-write-path-to-thing"],
    ["a later expansion without suffix list uses the path even with a verb", { path: "login/{role}", pathIndex: 1, operationAttrs: { operationVerb: "login" } }, "login-login-role"],
    ["the path's prefix beats the mount type", { pathAttrs: { operationPrefix: "p" } }, "p-write-path-to-thing"],
    ["a verb without prefix leaves out the mount type", { operationAttrs: { operationVerb: "rotate" } }, "rotate"],
    ["non-word characters split the path", { path: "a.b/{c_d}/E-f", operation: "delete" }, "test-delete-a-b-c_d-e-f"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(operationId({ ...base, ...input })).toBe(expected);
  });
});

describe("names and matching", () => {
  it.each([
    ["test", "Test"],
    ["two-words", "TwoWords"],
    ["one-two-three", "OneTwoThree"],
    ["something_like_this", "Something_like_this"],
    ["aws-configure-lease", "AwsConfigureLease"],
    ["kv-write-2fa", "KvWrite2Fa"],
    ["a.b-x/y", "A.bX/Y"],
  ])("hyphenatedToTitleCase(%s) = %s", (input, expected) => {
    expect(hyphenatedToTitleCase(input)).toBe(expected);
  });

  it("cleans descriptions like cleanString", () => {
    expect(cleanString("  a \n\t b\r\n c  ")).toBe("a b c");
    expect(cleanString("")).toBe("");
  });

  const special: [string, string[], boolean][] = [
    ["foo", [], false],
    ["foo", ["foo"], true],
    ["foo", ["bar"], false],
    ["foo/bar", ["foo/*"], true],
    ["foo/bar", ["foo"], false],
    ["foo/", ["foo*"], true],
    ["foo", ["fo*"], true],
    ["foo/bar", ["a", "b", "foo/*"], true],
    ["foo/bar", ["foo/baz/*"], false],
    ["foo/bar/baz", ["foo/+/baz"], true],
    ["foo/bar/baz/something", ["foo/+/baz/*"], true],
    ["foo/bar/baz/something", ["foo/+/baz*"], true],
    ["foo/bar/baz", ["foo/+/+"], true],
    ["foo/bar/baz", ["foo/+"], false],
    ["foo/{name}", ["foo/+"], true],
  ];
  it.each(special)("specialPathMatch(%s, %j) = %s", (path, patterns, expected) => {
    expect(specialPathMatch(path, patterns)).toBe(expected);
  });

  it("maps every field type like Vault's convertType", () => {
    const expected: Record<FieldTypeName, SchemaType> = {
      string: { type: "string" },
      header: { type: "string" },
      "name string": { type: "string", pattern: "\\w([\\w-.]*\\w)?" },
      "lowercase string": { type: "string", format: "lowercase" },
      int: { type: "integer" },
      int64: { type: "integer", format: "int64" },
      "duration (sec)": { type: "string", format: "duration" },
      "signed duration (sec)": { type: "string", format: "duration" },
      bool: { type: "boolean" },
      map: { type: "object", format: "map" },
      keypair: { type: "object", format: "kvpairs" },
      slice: { type: "array", items: "object" },
      "string slice": { type: "array", items: "string" },
      "comma-separated string slice": { type: "array", items: "string" },
      "comma-separated int slice": { type: "array", items: "integer" },
      time: { type: "string", format: "date-time" },
      float: { type: "number", format: "float" },
    };
    for (const [type, schema] of Object.entries(expected)) expect(convertType(type as FieldTypeName), type).toEqual(schema);
  });
});

describe("openApiDocument", () => {
  it("documents the whole fixture backend as the golden file says (root help, prefix kv)", () => {
    expectGoldenJson("openapi-backend.json", openApiDocument(fixtureBackend, { requestResponsePrefix: "kv", vaultVersion: "2.6.1" }));
  });

  it("documents one path for per-path help", () => {
    expectGoldenJson("openapi-config-lease.json", openApiDocument(fixtureBackend, { requestResponsePrefix: "aws", only: configLeasePath }));
    expectGoldenJson("openapi-creds.json", openApiDocument(fixtureBackend, { only: credsPath }));
  });

  const doc = (): OasDocument => openApiDocument(fixtureBackend, { requestResponsePrefix: "kv" });

  it("has the header Vault decodes, with an unknown version by default", () => {
    const d = doc();
    expect(d.openapi).toBe("3.0.2");
    expect(d.info).toMatchObject({ version: "unknown", license: { name: "Mozilla Public License 2.0", url: "https://www.mozilla.org/en-US/MPL/2.0" } });
    expect(Object.keys(d)).toEqual(["openapi", "info", "paths", "components"]);
    expect(Object.keys(d.components)).toEqual(["schemas"]);
  });

  it("turns captures into required path parameters; query fields are GET parameters and POST body properties", () => {
    const d = doc();
    const item = d.paths["/sts/{name}"];
    expect(item?.parameters).toEqual([{ name: "name", description: "Name of the role", in: "path", schema: { type: "string" }, required: true }]);
    expect(item?.get?.parameters).toEqual([
      { name: "ttl", description: "Lifetime of the returned credentials", in: "query", schema: { type: "string", default: 3600 } },
    ]);
    expect(item?.get?.operationId).toBe("test-generate-sts-credentials");
    expect(item?.post?.operationId).toBe("test-generate-sts-credentials-with-parameters");
    expect(item?.post?.parameters).toBeUndefined();
    expect(Object.keys(d.components.schemas["TestGenerateStsCredentialsWithParametersRequest"]?.properties ?? {})).toEqual(["role_arn", "ttl"]);
    expect(d.paths["/creds/{name}"]?.get?.operationId).toBe("test-generate-credentials");
  });

  it("keeps a capture that is also a query field in the path", () => {
    const spec = definePath({
      pattern: `keys/${genericNameRegex("name")}`,
      fields: { name: field.string({ description: "", query: true }), other: field.string({ description: "", query: true }) },
      operations: { delete: handler },
      helpSynopsis: "",
      helpDescription: "",
    });
    const item = openApiDocument({ type: "logical", help: "", paths: [spec] }).paths["/keys/{name}"];
    expect(item?.parameters).toEqual([{ name: "name", in: "path", schema: { type: "string" }, required: true }]);
    expect(item?.delete?.parameters).toEqual([{ name: "other", in: "query", schema: { type: "string" } }]);
  });

  it("documents request bodies as named schemas with sensitive, deprecated, enum and required members", () => {
    const d = doc();
    const post = d.paths["/roles/{name}"]?.post;
    expect(post?.requestBody).toEqual({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/TestWriteRoleRequest" } } } });
    const schema = d.components.schemas["TestWriteRoleRequest"];
    expect(schema?.required).toEqual(["credential_type"]);
    expect(schema?.properties?.["secret_key"]).toEqual({ type: "string", description: "A secret.", "x-vault-displayAttrs": { sensitive: true } });
    expect(schema?.properties?.["arn"]?.deprecated).toBe(true);
    expect(schema?.properties?.["credential_type"]).toMatchObject({ description: "Type of credential to retrieve.", enum: ["iam_user", "assumed_role"] });
    expect(schema?.properties?.["max_ttl"]).toMatchObject({ default: 0 });
    expect(schema?.properties).not.toHaveProperty("name");
  });

  it("sets x-vault-createSupported, sudo and unauthenticated, and leaves out internal operations", () => {
    const d = doc();
    expect(d.paths["/roles/{name}"]?.["x-vault-createSupported"]).toBe(true);
    expect(d.paths["/config/lease"]?.["x-vault-sudo"]).toBe(true);
    expect(d.paths["/config/lease"]).not.toHaveProperty("x-vault-createSupported");
    const login = d.paths["/login"];
    expect(login?.["x-vault-unauthenticated"]).toBe(true);
    expect(Object.keys(login ?? {})).toEqual(["description", "x-vault-unauthenticated", "post"]);
    expect(login?.post?.operationId).toBe("test-auth-login");
  });

  it("documents list as GET of the path with a trailing slash and list=true, answering StandardListResponse", () => {
    const d = doc();
    expect(d.paths).not.toHaveProperty("/roles");
    expect(d.paths["/roles/"]?.get?.parameters).toEqual([
      { name: "list", description: "Must be set to `true`", in: "query", schema: { type: "string", enum: ["true"] }, required: true },
    ]);
    expect(d.paths["/roles/"]?.get?.responses).toEqual({
      "200": { description: "OK", content: { "application/json": { schema: { $ref: "#/components/schemas/StandardListResponse" } } } },
    });
    expect(d.components.schemas["StandardListResponse"]).toEqual({ type: "object", properties: { keys: { type: "array", items: { type: "string" } } } });
  });

  it("documents read and list of one pattern under two paths", () => {
    const both = openApiDocument({
      type: "credential",
      help: "",
      paths: [definePath({ pattern: "keys/?", fields: {}, operations: { read: handler, list: handler }, helpSynopsis: "Keys.", helpDescription: "" })],
    });
    expect(both.paths["/keys"]).toEqual({ description: "Keys.", get: { operationId: "read-keys", tags: ["auth"], responses: { "200": { description: "OK" } } } });
    expect(both.paths["/keys/"]?.get?.operationId).toBe("list-keys");
    expect(both.paths["/keys/"]).not.toHaveProperty("post");
  });

  it("drops the non-list operations of a path that ends in a slash (Vault cannot route them)", () => {
    const spec = definePath({ pattern: "keys/", fields: {}, operations: { read: handler, update: handler, list: handler }, helpSynopsis: "", helpDescription: "" });
    const d = openApiDocument({ type: "logical", help: "", paths: [spec] });
    expect(Object.keys(d.paths)).toEqual(["/keys/"]);
    expect(Object.keys(d.paths["/keys/"] ?? {})).toEqual(["get"]);
    expect(d.paths["/keys/"]?.get?.operationId).toBe("list-keys");
  });

  it("marks an arbitrary-input body with additionalProperties", () => {
    const spec = definePath({ pattern: "kv", fields: {}, operations: { update: handler }, takesArbitraryInput: true, helpSynopsis: "", helpDescription: "" });
    const post = openApiDocument({ type: "logical", help: "", paths: [spec] }).paths["/kv"]?.post;
    expect(post?.requestBody).toEqual({ required: true, content: { "application/json": { schema: { type: "object", additionalProperties: true } } } });
  });

  it("lists an undocumentable pattern under its regex, without operations", () => {
    expect(doc().paths["/^.*$"]).toEqual({ description: "Catch-all." });
  });

  it("expands an optional parameter into two paths; the short one does not document it at all", () => {
    const d = openApiDocument(fixtureBackend, { only: lookupPath });
    expect(Object.keys(d.paths)).toEqual(["/lookup", "/lookup/{token}"]);
    expect(d.paths["/lookup"]?.parameters).toBeUndefined();
    expect(d.paths["/lookup/{token}"]?.parameters?.map((p) => p.name)).toEqual(["token"]);
    expect(Object.keys(d.components.schemas["WriteLookupRequest"]?.properties ?? {})).toEqual(["verbose"]);
    expect(Object.keys(d.components.schemas["WriteLookupTokenRequest"]?.properties ?? {})).toEqual(["verbose"]);
  });

  it("prefixes an operation ID without prefix or verb with the mount type", () => {
    const d = openApiDocument(fixtureBackend, { requestResponsePrefix: "kv", only: rolePath });
    expect(d.paths["/roles/{name}"]?.get?.operationId).toBe("test-read-role");
    const plain = openApiDocument(fixtureBackend, { requestResponsePrefix: "kv", only: lookupPath });
    expect(plain.paths["/lookup"]?.get?.operationId).toBe("kv-read-lookup");
    expect(openApiDocument(fixtureBackend, { only: lookupPath }).paths["/lookup"]?.get?.operationId).toBe("read-lookup");
  });

  it("marks deprecated operations; a deprecated path alone changes nothing (as upstream)", () => {
    const item = doc().paths["/old/thing"];
    expect(item?.patch).toMatchObject({ summary: "Patch the thing.", operationId: "kv-patch-old-thing", deprecated: true });
    expect(item?.delete).toEqual({ operationId: "kv-delete-old-thing", tags: ["secrets"], responses: { "204": { description: "empty body" } }, deprecated: true });
  });

  it("documents declared responses with a response schema", () => {
    const d = doc();
    expect(d.paths["/info"]?.get?.responses).toEqual({
      "200": { description: "The info.", content: { "application/json": { schema: { $ref: "#/components/schemas/KvReadInfoResponse" } } } },
      "404": { description: "No info." },
    });
    expect(d.components.schemas["KvReadInfoResponse"]).toEqual({
      type: "object",
      properties: { count: { type: "integer", description: "Count." }, version: { type: "string", description: "Version." } },
    });
  });

  it("is plain JSON: it survives a round trip unchanged", () => {
    const d = doc();
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it("omits empty display attributes and the operation ID hints", () => {
    const spec: PathSpec = definePath({
      pattern: "x",
      displayAttrs: { operationPrefix: "p", operationVerb: "v" },
      fields: { f: field.string({ displayAttrs: { operationSuffix: "s", group: "G" } }) },
      operations: { update: handler },
      helpSynopsis: "",
      helpDescription: "",
    });
    const d = openApiDocument({ type: "logical", help: "", paths: [spec] });
    expect(d.paths["/x"]).not.toHaveProperty("x-vault-displayAttrs");
    expect(d.components.schemas["PVRequest"]?.properties?.["f"]).toEqual({ type: "string", "x-vault-displayAttrs": { group: "G" } });
  });
});
