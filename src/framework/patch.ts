// JSON merge patch (RFC 7396) for `patch` handlers (≈ framework.HandlePatchOperation): the
// request's declared fields, parsed by their types, are merged into the stored resource; a
// `null` removes a key.
import type { FieldData, FieldSchemas } from "./types.js";

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Applies the declared fields the caller sent to `resource`. Explicit `null`s unset keys; fields
 * that were not sent are left alone; parse errors surface as the field's error.
 */
export function patchResource<F extends FieldSchemas>(
  data: FieldData<F>,
  schemas: F,
  resource: Record<string, unknown>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(schemas)) {
    if (!(name in data.raw)) continue;
    if (data.raw[name] === null) {
      input[name] = null;
      continue;
    }
    const { value, ok } = data.getOk(name);
    if (ok) input[name] = value;
  }
  return mergePatch(resource, input) as Record<string, unknown>;
}
