// The OpenAPI 3.0.2 document a backend returns with its help (≈ documentPaths/documentPath in
// sdk/framework/openapi.go). Vault sends root help with `requestResponsePrefix` = mount type to
// every mount for `GET /v1/sys/internal/specs/openapi`, then merges our `paths` (prefixed with the
// mount) and `components.schemas` into its own document; per-path help carries the document of
// that one path. The output follows Vault's generator (sdk v0.21.0, Vault 1.21.4), since our
// engines stand in for Vault's own; OpenBao merges the same `paths` and schemas.
import type { BackendType } from "../logical/index.js";
import { cleanString, hyphenatedToTitleCase, operationId, specialPathMatch } from "./openapi-names.js";
import { displayPattern, expandPatternWithCaptures } from "./openapi-pattern.js";
import {
  displayAttrsWithoutOperationHints,
  parameterSchema,
  propertySchema,
  type OasContent,
  type OasDocument,
  type OasOperation,
  type OasParameter,
  type OasPathItem,
  type OasResponse,
  type OasSchema,
} from "./openapi-schema.js";
import { trimSpace } from "./help.js";
import type { BackendSpec, FieldSchema, FieldSchemas, Handler, OperationSpec, PathOperation, PathSpec } from "./types.js";

export type { OasDocument, OasOperation, OasParameter, OasPathItem, OasSchema } from "./openapi-schema.js";

/** The OpenAPI version Vault's generator writes. */
export const OAS_VERSION = "3.0.2";

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** The mount type Vault sends with root help; prefixes operation IDs that have no prefix or verb. */
  requestResponsePrefix?: string;
  /** `info.version`: the server version from the plugin environment; "unknown" when absent. */
  vaultVersion?: string;
  /** Document this path only (per-path help) instead of every path of the backend. */
  only?: PathSpec<FieldSchemas>;
}

/** An empty document with the header Vault's generator writes (≈ NewOASDocument). */
export function newOasDocument(version: string): OasDocument {
  return {
    openapi: OAS_VERSION,
    info: {
      title: "HashiCorp Vault API",
      description: "HTTP API that gives you full access to Vault. All API routes are prefixed with `/v1/`.",
      version,
      license: { name: "Mozilla Public License 2.0", url: "https://www.mozilla.org/en-US/MPL/2.0" },
    },
    paths: {},
    components: { schemas: {} },
  };
}

function propertiesOf(declared: Handler<FieldSchemas> | OperationSpec<FieldSchemas> | undefined): OperationSpec<FieldSchemas> | undefined {
  return declared === undefined || typeof declared === "function" ? undefined : declared;
}

// A fixed order keeps shared schema names stable; Go's map order is random, with the same result
// for every name that only one operation writes.
const OPERATION_ORDER: readonly PathOperation[] = ["read", "list", "create", "update", "patch", "delete", "alias-lookahead", "resolve-role"];

type NamedField = [string, FieldSchema];

/** A path's fields by where they travel, for one expanded path (≈ splitFields). */
interface SplitFields {
  /** The captures this path spells as `{name}`. */
  path: NamedField[];
  /** `query` fields: URL parameters of GET/DELETE, body properties of POST/PATCH. */
  query: NamedField[];
  body: NamedField[];
}

/**
 * A capture of the pattern is a path parameter where the path spells it, and documented nowhere
 * else: a capture of an alternative this path does not take is neither a parameter nor a body
 * property, since the router sets every capture from the URL (an absent one to "").
 */
function splitFields(fields: FieldSchemas, path: string, captures: ReadonlySet<string>): SplitFields {
  const split: SplitFields = { path: [], query: [], body: [] };
  for (const [, name = ""] of path.matchAll(/\{(\w+)\}/g)) {
    const field = fields[name];
    if (field !== undefined) split.path.push([name, field]);
  }
  for (const [name, field] of Object.entries(fields)) {
    if (captures.has(name)) continue;
    (field.query ? split.query : split.body).push([name, field]);
  }
  return split;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A capture as a path parameter, or a query field as a parameter of a GET or DELETE. */
function parameterOf(name: string, field: FieldSchema, where: "path" | "query"): OasParameter {
  const description = cleanString(field.description);
  return {
    name,
    ...(description !== "" ? { description } : {}),
    in: where,
    schema: parameterSchema(field),
    ...(where === "path" ? { required: true } : {}),
    ...(field.deprecated ? { deprecated: true } : {}),
  };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The request body of a POST or PATCH: body and query fields alike, as one object schema. */
function bodySchema(fields: readonly NamedField[], arbitraryInput: boolean): OasSchema {
  const properties: Record<string, OasSchema> = {};
  const required: string[] = [];
  for (const [name, field] of fields) {
    if (field.required) required.push(name);
    properties[name] = propertySchema(field);
  }
  const schema: OasSchema = { type: "object" };
  if (fields.length > 0) schema.properties = sortedRecord(properties);
  // Said explicitly for code generators that default it to false.
  if (arbitraryInput) schema.additionalProperties = true;
  if (required.length > 0) schema.required = required.sort();
  return schema;
}

/** The parameter that turns a GET into a LIST. */
const LIST_PARAMETER: OasParameter = {
  name: "list",
  description: "Must be set to `true`",
  in: "query",
  schema: { type: "string", enum: ["true"] },
  required: true,
};

/** What a list answers when its operation declares no responses: `{keys: [...]}`. */
const STANDARD_LIST_RESPONSE = "StandardListResponse";
const standardListSchema = (): OasSchema => ({ type: "object", properties: { keys: { type: "array", items: { type: "string" } } } });

const schemaRef = (name: string): OasContent => ({ "application/json": { schema: { $ref: `#/components/schemas/${name}` } } });

function defaultResponses(doc: OasDocument, opType: PathOperation): Record<string, OasResponse> {
  if (opType === "delete") return { "204": { description: "empty body" } };
  if (opType === "list") {
    doc.components.schemas[STANDARD_LIST_RESPONSE] = standardListSchema();
    return { "200": { description: "OK", content: schemaRef(STANDARD_LIST_RESPONSE) } };
  }
  return { "200": { description: "OK" } };
}

/**
 * The declared responses; one with fields gets a schema named after the operation ID
 * (`<OperationId in TitleCase>Response`), written again by every operation of that name.
 */
function responsesOf(doc: OasDocument, opType: PathOperation, props: OperationSpec<FieldSchemas> | undefined, id: string): Record<string, OasResponse> {
  const declared = Object.entries(props?.responses ?? {});
  if (declared.length === 0) return defaultResponses(doc, opType);
  const responses: Record<string, OasResponse> = {};
  for (const [code, list] of declared) {
    const response: OasResponse = { description: list[0]?.description ?? "" };
    for (const item of list) {
      const fields = Object.entries(item.fields ?? {});
      if (fields.length === 0) continue;
      const name = `${hyphenatedToTitleCase(id)}Response`;
      doc.components.schemas[name] = { type: "object", properties: sortedRecord(Object.fromEntries(fields.map(([n, f]) => [n, propertySchema(f)]))) };
      response.content = schemaRef(name);
    }
    responses[code] = response;
  }
  return responses;
}

interface DocumentContext {
  doc: OasDocument;
  backend: BackendSpec;
  defaultPrefix: string;
}

function documentOperation(ctx: DocumentContext, spec: PathSpec<FieldSchemas>, path: string, pathIndex: number, opType: PathOperation, fields: SplitFields): OasOperation {
  const props = propertiesOf(spec.operations[opType]);
  const id = operationId({
    path,
    pathIndex,
    operation: opType,
    operationAttrs: props?.displayAttrs,
    pathAttrs: spec.displayAttrs,
    defaultPrefix: ctx.defaultPrefix,
  });
  const summary = trimSpace(props?.summary ?? "");
  const description = trimSpace(props?.description ?? "");
  const tags = tagsOf(ctx.backend.type);

  let requestBody: OasOperation["requestBody"];
  let parameters: OasParameter[] | undefined;
  if (opType === "create" || opType === "update" || opType === "patch") {
    // A `query` field is a URL parameter only for methods without a body.
    const arbitrary = spec.takesArbitraryInput === true;
    const schema = bodySchema([...fields.body, ...fields.query], arbitrary);
    if (schema.properties !== undefined) {
      const name = `${hyphenatedToTitleCase(id)}Request`;
      ctx.doc.components.schemas[name] = schema;
      requestBody = { required: true, content: schemaRef(name) };
    } else if (arbitrary) {
      // Too trivial for a named schema.
      requestBody = { required: true, content: { "application/json": { schema } } };
    }
  } else {
    // LIST travels as GET with `list=true`.
    const list = opType === "list" ? [LIST_PARAMETER] : [];
    const query = fields.query.map(([name, field]) => parameterOf(name, field, "query"));
    if (list.length + query.length > 0) parameters = [...list, ...query].sort(byName);
  }

  return {
    ...(summary !== "" ? { summary } : {}),
    ...(description !== "" ? { description } : {}),
    ...(id !== "" ? { operationId: id } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(requestBody !== undefined ? { requestBody } : {}),
    responses: responsesOf(ctx.doc, opType, props, id),
    ...(props?.deprecated === true ? { deprecated: true } : {}),
  };
}

function tagsOf(type: BackendType): string[] | undefined {
  return type === "logical" ? ["secrets"] : type === "credential" ? ["auth"] : undefined;
}

type Methods = Pick<OasPathItem, "get" | "post" | "patch" | "delete">;

/** The operations of one expanded path: the non-list methods, and the list operation apart. */
function documentOperations(ctx: DocumentContext, spec: PathSpec<FieldSchemas>, path: string, pathIndex: number, fields: SplitFields) {
  const methods: Methods = {};
  let list: OasOperation | undefined;
  let createSupported = false;
  const operations = spec.operations;
  for (const opType of OPERATION_ORDER) {
    if (operations[opType] === undefined) continue;
    // alias-lookahead and resolve-role are internal to Vault and have no HTTP method.
    if (opType === "alias-lookahead" || opType === "resolve-role") continue;
    if (opType === "create") {
      createSupported = true;
      // With both, the update declaration documents the POST.
      if (operations.update !== undefined) continue;
    }
    const op = documentOperation(ctx, spec, path, pathIndex, opType, fields);
    if (opType === "list") list = op;
    else if (opType === "read") methods.get = op;
    else if (opType === "create" || opType === "update") methods.post = op;
    else if (opType === "patch") methods.patch = op;
    else methods.delete = op;
  }
  return { methods, list, createSupported };
}

/**
 * Adds the OpenAPI paths of one declared path to the document (≈ documentPath). A LIST is a GET
 * of its own path with a trailing slash (`roles/`), so it never collides with the read of
 * `roles`; the path without the slash is written only when it has other operations, or none at
 * all (then it still tells a reader the route exists).
 */
function documentPath(ctx: DocumentContext, spec: PathSpec<FieldSchemas>): void {
  const expanded = expandPatternWithCaptures(displayPattern(spec.pattern));
  // A pattern with no path spelling is still listed, under its regex, without operations.
  const paths = expanded?.paths ?? [displayPattern(spec.pattern)];
  const special = ctx.backend.specialPaths;
  const description = cleanString(spec.helpSynopsis);
  const attrs = displayAttrsWithoutOperationHints(spec.displayAttrs);

  paths.forEach((path, pathIndex) => {
    const fields = splitFields(spec.fields, path, expanded?.captures ?? new Set());
    const parameters = fields.path.map(([name, field]) => parameterOf(name, field, "path")).sort(byName);
    const itemFor = (at: string): OasPathItem => ({
      ...(description !== "" ? { description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(specialPathMatch(at, special?.root) ? { "x-vault-sudo": true } : {}),
      ...(specialPathMatch(at, special?.unauthenticated) ? { "x-vault-unauthenticated": true } : {}),
    });
    const withAttrs = (item: OasPathItem): OasPathItem => (attrs !== undefined ? { ...item, "x-vault-displayAttrs": attrs } : item);

    const { methods, list, createSupported } =
      expanded === undefined ? { methods: {}, list: undefined, createSupported: false } : documentOperations(ctx, spec, path, pathIndex, fields);
    // Vault routes a path ending in "/" to LIST only; other methods there could never be called.
    const trailingSlash = path.endsWith("/");
    const others: Methods = trailingSlash ? {} : methods;
    const hasOthers = Object.keys(others).length > 0;

    if (list === undefined || hasOthers) {
      const item = itemFor(path);
      if (createSupported) item["x-vault-createSupported"] = true;
      ctx.doc.paths[`/${path}`] = { ...withAttrs(item), ...others };
    }
    if (list !== undefined) {
      const listPath = trailingSlash ? path : `${path}/`;
      ctx.doc.paths[`/${listPath}`] = { ...withAttrs(itemFor(listPath)), get: list };
    }
  });
}

/**
 * The OpenAPI document of a backend (or of one of its paths, with `only`), in the shape Vault
 * merges into `GET /v1/sys/internal/specs/openapi`: one entry per expanded path with captures as
 * `{name}` path parameters and query fields as query parameters, `get`/`post`/`patch`/`delete`
 * operations (list as `get` with `list=true`), request bodies as named component schemas
 * (`<OperationId in TitleCase>Request`), default responses, and the `x-vault-*` extensions
 * (sudo and unauthenticated from the backend's special paths, createSupported, display attrs).
 */
export function openApiDocument(backend: BackendSpec, options: OpenApiOptions = {}): OasDocument {
  const ctx: DocumentContext = {
    doc: newOasDocument(options.vaultVersion ?? "unknown"),
    backend,
    defaultPrefix: options.requestResponsePrefix ?? "",
  };
  const paths: readonly PathSpec<FieldSchemas>[] = options.only === undefined ? (backend.paths as PathSpec<FieldSchemas>[]) : [options.only];
  for (const spec of paths) documentPath(ctx, spec);
  // Go writes map keys sorted.
  ctx.doc.paths = sortedRecord(ctx.doc.paths);
  ctx.doc.components.schemas = sortedRecord(ctx.doc.components.schemas);
  return ctx.doc;
}
