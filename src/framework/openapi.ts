// The OpenAPI 3.0.2 document a backend returns with its help (≈ documentPaths/documentPath in
// sdk/framework/openapi.go). Vault sends root help with `requestResponsePrefix` = mount type to
// every mount for `GET /v1/sys/internal/specs/openapi`, then merges our `paths` (prefixed with the
// mount) and `components.schemas` into its own document; per-path help carries the document of
// that one path. The output follows OpenBao's generator, the server our end-to-end tests run.
import type { BackendType } from "../logical/index.js";
import { cleanString, hyphenatedToTitleCase, operationId, specialPathMatch } from "./openapi-names.js";
import { displayPattern, expandPattern } from "./openapi-pattern.js";
import {
  displayAttrsWithoutOperationHints,
  parameterSchema,
  propertySchema,
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

/** An empty document with the header OpenBao's generator writes (≈ NewOASDocument). */
export function newOasDocument(version: string): OasDocument {
  return {
    openapi: OAS_VERSION,
    info: {
      title: "OpenBao API",
      description: "HTTP API that gives you full access to OpenBao. All API routes are prefixed with `/v1/`.",
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

/** Splits fields into path/query parameters and body properties for one expanded path. */
function splitFields(fields: FieldSchemas, path: string): { params: [string, FieldSchema | undefined][]; body: [string, FieldSchema][] } {
  const inPath = new Set([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ""));
  const params: [string, FieldSchema | undefined][] = [...inPath].map((name) => [name, fields[name]]);
  const body: [string, FieldSchema][] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (inPath.has(name)) continue;
    if (field.query) params.push([name, field]);
    else body.push([name, field]);
  }
  return { params, body };
}

/** A captured or query field as a parameter; upstream lets `query` win even for a capture. */
function parameterOf(name: string, field: FieldSchema): OasParameter {
  const description = cleanString(field.description);
  return {
    name,
    ...(description !== "" ? { description } : {}),
    in: field.query ? "query" : "path",
    schema: parameterSchema(field),
    ...(field.query ? {} : { required: true }),
    ...(field.deprecated ? { deprecated: true } : {}),
  };
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function bodySchema(body: [string, FieldSchema][]): OasSchema {
  const properties: Record<string, OasSchema> = {};
  const required: string[] = [];
  for (const [name, field] of body) {
    if (field.required) required.push(name);
    properties[name] = propertySchema(field);
  }
  const schema: OasSchema = { type: "object" };
  if (body.length > 0) schema.properties = sortedRecord(properties);
  if (required.length > 0) schema.required = required.sort();
  return schema;
}

const listParameter = (description: string, required: boolean): OasParameter => ({
  name: "list",
  description,
  in: "query",
  schema: required ? { type: "string", enum: ["true"] } : { type: "string" },
  ...(required ? { required: true } : {}),
});

function responsesOf(doc: OasDocument, opType: PathOperation, props: OperationSpec<FieldSchemas> | undefined, id: string): Record<string, OasResponse> {
  const declared = Object.entries(props?.responses ?? {});
  if (declared.length === 0) return opType === "delete" ? { "204": { description: "empty body" } } : { "200": { description: "OK" } };
  const responses: Record<string, OasResponse> = {};
  for (const [code, list] of declared) {
    const response: OasResponse = { description: list[0]?.description ?? "" };
    for (const item of list) {
      const fields = Object.entries(item.fields ?? {});
      if (fields.length === 0) continue;
      const name = `${hyphenatedToTitleCase(id)}Response`;
      // The first schema registered under a name stays (OpenBao lets responses share one).
      doc.components.schemas[name] ??= { type: "object", properties: sortedRecord(Object.fromEntries(fields.map(([n, f]) => [n, propertySchema(f)]))) };
      response.content = { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } };
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

function documentOperation(
  ctx: DocumentContext,
  spec: PathSpec<FieldSchemas>,
  path: string,
  pathIndex: number,
  opType: PathOperation,
  body: [string, FieldSchema][],
): OasOperation {
  const operations = spec.operations;
  const props = propertiesOf(operations[opType]);
  const id = operationId({
    path,
    pathIndex,
    operation: opType,
    operationAttrs: props?.displayAttrs,
    pathAttrs: spec.displayAttrs,
    backendPrefix: ctx.backend.operationPrefix,
    defaultPrefix: ctx.defaultPrefix,
  });
  const summary = trimSpace(props?.summary ?? "");
  const description = trimSpace(props?.description ?? "");
  const tags = tagsOf(ctx.backend.type);

  let requestBody: OasOperation["requestBody"];
  if (opType === "create" || opType === "update" || opType === "patch") {
    const schema = bodySchema(body);
    if (schema.properties !== undefined) {
      const name = `${hyphenatedToTitleCase(id)}Request`;
      ctx.doc.components.schemas[name] = schema;
      requestBody = { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } };
    }
  }
  // LIST travels as GET with `list=true`; a path that also reads documents it as optional.
  let parameters: OasParameter[] | undefined;
  if (opType === "list") parameters = [listParameter("Must be set to `true`", true)];
  else if (opType === "read" && operations.list !== undefined) parameters = [listParameter("Return a list if `true`", false)];

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

/** Adds the OpenAPI paths of one declared path to the document (≈ documentPath). */
function documentPath(ctx: DocumentContext, spec: PathSpec<FieldSchemas>): void {
  const expanded = expandPattern(displayPattern(spec.pattern));
  // A pattern with no path spelling is still listed, under its regex, without operations.
  const paths = expanded ?? [displayPattern(spec.pattern)];
  const special = ctx.backend.specialPaths;

  paths.forEach((path, pathIndex) => {
    const item: OasPathItem = {};
    const description = cleanString(spec.helpSynopsis);
    if (description !== "") item.description = description;

    const { params, body } = splitFields(spec.fields, path);
    const parameters = params
      .filter((entry): entry is [string, FieldSchema] => entry[1] !== undefined)
      .map(([name, field]) => parameterOf(name, field))
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
    if (parameters.length > 0) item.parameters = parameters;
    if (specialPathMatch(path, special?.root)) item["x-vault-sudo"] = true;
    if (specialPathMatch(path, special?.unauthenticated)) item["x-vault-unauthenticated"] = true;

    const methods: Pick<OasPathItem, "get" | "post" | "patch" | "delete"> = {};
    const operations = spec.operations;
    for (const opType of expanded === undefined ? [] : OPERATION_ORDER) {
      if (operations[opType] === undefined) continue;
      if (opType === "create") {
        item["x-vault-createSupported"] = true;
        // With both, the update declaration documents the POST.
        if (operations.update !== undefined) continue;
      }
      if (opType === "list" && operations.read !== undefined) continue;
      // alias-lookahead and resolve-role are internal to Vault and have no HTTP method.
      if (opType === "alias-lookahead" || opType === "resolve-role") continue;
      const op = documentOperation(ctx, spec, path, pathIndex, opType, body);
      if (opType === "read" || opType === "list") methods.get = op;
      else if (opType === "create" || opType === "update") methods.post = op;
      else if (opType === "patch") methods.patch = op;
      else methods.delete = op;
    }

    const attrs = displayAttrsWithoutOperationHints(spec.displayAttrs);
    if (attrs !== undefined) item["x-vault-displayAttrs"] = attrs;
    ctx.doc.paths[`/${path}`] = { ...item, ...methods };
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
