// The JSON shapes of the OpenAPI document Vault merges from a plugin (≈ OASDocument and friends
// in sdk/framework/openapi.go), and how a field becomes a schema (≈ convertType). Objects are
// built with their keys in Go's struct order and without the members Go leaves out
// (`omitempty`), so our JSON reads like the Go framework's.
import { cleanString } from "./openapi-names.js";
import type { DisplayAttributes, FieldSchema, FieldTypeName } from "./types.js";

/** OpenAPI `x-vault-displayAttrs` as JSON: the declared attributes less the operation ID hints. */
export type OasDisplayAttrs = Omit<DisplayAttributes, "operationPrefix" | "operationVerb" | "operationSuffix">;

/** A JSON Schema object (≈ OASSchema). */
export type OasSchema = {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, OasSchema>;
  additionalProperties?: boolean;
  required?: string[];
  items?: OasSchema;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  default?: unknown;
  example?: unknown;
  deprecated?: boolean;
  "x-vault-displayAttrs"?: OasDisplayAttrs;
};

/** ≈ OASParameter. */
export type OasParameter = {
  name: string;
  description?: string;
  in: "path" | "query";
  schema?: OasSchema;
  required?: boolean;
  deprecated?: boolean;
};

/** ≈ OASMediaTypeObject keyed by media type. */
export type OasContent = Record<string, { schema?: OasSchema }>;

/** ≈ OASRequestBody. */
export type OasRequestBody = { description?: string; required?: boolean; content?: OasContent };

/** ≈ OASResponse. */
export type OasResponse = { description: string; content?: OasContent };

/** ≈ OASOperation; `responses` is keyed by HTTP status. */
export type OasOperation = {
  summary?: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  parameters?: OasParameter[];
  requestBody?: OasRequestBody;
  responses: Record<string, OasResponse>;
  deprecated?: boolean;
};

/** ≈ OASPathItem, with Vault's `x-vault-*` extensions. */
export type OasPathItem = {
  description?: string;
  parameters?: OasParameter[];
  "x-vault-sudo"?: boolean;
  "x-vault-unauthenticated"?: boolean;
  "x-vault-createSupported"?: boolean;
  "x-vault-displayAttrs"?: OasDisplayAttrs;
  get?: OasOperation;
  post?: OasOperation;
  patch?: OasOperation;
  delete?: OasOperation;
};

/** The whole document (≈ OASDocument); what a plugin returns as `data.openapi`. */
export type OasDocument = {
  openapi: string;
  info: { title: string; description: string; version: string; license: { name: string; url: string } };
  paths: Record<string, OasPathItem>;
  components: { schemas: Record<string, OasSchema> };
};

/**
 * Display attributes as documented: the operation ID hints are not part of the output, and
 * nothing is emitted when no other attribute is set.
 */
export function displayAttrsWithoutOperationHints(attrs: DisplayAttributes | undefined): OasDisplayAttrs | undefined {
  if (attrs === undefined) return undefined;
  const out: OasDisplayAttrs = {};
  if (attrs.name) out.name = attrs.name;
  if (attrs.description) out.description = attrs.description;
  if (attrs.value !== undefined && attrs.value !== null) out.value = attrs.value;
  if (attrs.sensitive === true) out.sensitive = true;
  if (attrs.navigation === true) out.navigation = true;
  if (attrs.itemType) out.itemType = attrs.itemType;
  if (attrs.group) out.group = attrs.group;
  if (attrs.action) out.action = attrs.action;
  if (attrs.editType) out.editType = attrs.editType;
  if (attrs.identifier === true) out.identifier = true;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A field type in JSON Schema terms: base type, item type of arrays, format and pattern. */
export interface SchemaType {
  type: string;
  items?: string;
  format?: string;
  pattern?: string;
}

/**
 * The JSON Schema type of a field type, as Vault's generator maps it. Durations are strings of
 * format `duration`: they accept "1h" as well as a number of seconds (OpenBao's generator says
 * integer / `seconds` instead).
 */
export function convertType(type: FieldTypeName): SchemaType {
  switch (type) {
    case "string":
    case "header":
      return { type: "string" };
    case "name string":
      return { type: "string", pattern: "\\w([\\w-.]*\\w)?" };
    case "lowercase string":
      return { type: "string", format: "lowercase" };
    case "int":
      return { type: "integer" };
    case "int64":
      return { type: "integer", format: "int64" };
    case "duration (sec)":
    case "signed duration (sec)":
      return { type: "string", format: "duration" };
    case "bool":
      return { type: "boolean" };
    case "map":
      return { type: "object", format: "map" };
    case "keypair":
      return { type: "object", format: "kvpairs" };
    case "slice":
      return { type: "array", items: "object" };
    case "string slice":
    case "comma-separated string slice":
      return { type: "array", items: "string" };
    case "comma-separated int slice":
      return { type: "array", items: "integer" };
    case "time":
      return { type: "string", format: "date-time" };
    case "float":
      return { type: "number", format: "float" };
  }
}

function enumOf(field: FieldSchema): unknown[] | undefined {
  return field.allowedValues !== undefined && field.allowedValues.length > 0 ? [...field.allowedValues] : undefined;
}

/**
 * The schema of a path or query parameter. Upstream gives parameters only type, pattern, enum,
 * default and display attributes (no description, format or items: those are body-only).
 */
export function parameterSchema(field: FieldSchema): OasSchema {
  const t = convertType(field.type);
  const schema: OasSchema = { type: t.type };
  if (t.pattern !== undefined) schema.pattern = t.pattern;
  const values = enumOf(field);
  if (values !== undefined) schema.enum = values;
  if (field.default !== undefined) schema.default = field.default;
  const attrs = displayAttrsWithoutOperationHints(field.displayAttrs);
  if (attrs !== undefined) schema["x-vault-displayAttrs"] = attrs;
  return schema;
}

/** The schema of a request-body property or a response field. */
export function propertySchema(field: FieldSchema): OasSchema {
  const t = convertType(field.type);
  const schema: OasSchema = { type: t.type };
  const description = cleanString(field.description);
  if (description !== "") schema.description = description;
  if (t.items !== undefined) schema.items = { type: t.items };
  if (t.format !== undefined) schema.format = t.format;
  if (t.pattern !== undefined) schema.pattern = t.pattern;
  const values = enumOf(field);
  if (values !== undefined) schema.enum = values;
  if (field.default !== undefined) schema.default = field.default;
  if (field.deprecated) schema.deprecated = true;
  const attrs = displayAttrsWithoutOperationHints(field.displayAttrs);
  if (attrs !== undefined) schema["x-vault-displayAttrs"] = attrs;
  return schema;
}
