import type { FieldSchemas, PathSpec } from "./types.js";

/**
 * Declares one path. The identity function exists for inference: the field declarations type
 * every handler's `data.get(...)`, so an undeclared field name does not compile.
 */
export function definePath<F extends FieldSchemas>(spec: PathSpec<F>): PathSpec<F> {
  return spec;
}
