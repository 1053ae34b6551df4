// Routing: patterns are anchored and compiled once, the first match wins, and named captures
// become fields (≈ framework.Backend.init and route). Compilation problems are declaration
// mistakes and fail when the backend is built, never per request.
import { normalizePattern } from "./patterns.js";
import type { FieldSchemas, PathSpec } from "./types.js";

export interface CompiledPath {
  spec: PathSpec<FieldSchemas>;
  regex: RegExp;
  /** The anchored pattern as shown in help (`^config/lease$`). */
  anchored: string;
}

export interface RouteMatch {
  path: CompiledPath;
  /** Every named group; a group that did not participate is "" (Go's FindStringSubmatch). */
  captures: Record<string, string>;
}

export class DeclarationError extends Error {
  override readonly name = "DeclarationError";
}

function anchor(pattern: string): string {
  let anchored = normalizePattern(pattern);
  if (!anchored.startsWith("^")) anchored = `^${anchored}`;
  if (!anchored.endsWith("$")) anchored = `${anchored}$`;
  return anchored;
}

function captureNames(regex: RegExp): string[] {
  // A match against nothing still lists group names when the pattern allows it; otherwise read
  // them from the source, which is exact for the `(?<name>` syntax.
  return [...regex.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] ?? "");
}

/** Validates and compiles every path, in order. */
export function compilePaths(paths: readonly PathSpec<FieldSchemas>[]): CompiledPath[] {
  const seen = new Set<string>();
  return paths.map((spec) => {
    if (spec.pattern === "") throw new DeclarationError("Routing pattern cannot be blank");
    const anchored = anchor(spec.pattern);
    if (seen.has(anchored)) throw new DeclarationError(`Pattern ${anchored} is declared twice`);
    seen.add(anchored);
    let regex: RegExp;
    try {
      regex = new RegExp(anchored);
    } catch (err) {
      throw new DeclarationError(`Pattern ${spec.pattern} is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (spec.operations.create !== undefined && spec.existenceCheck === undefined) {
      throw new DeclarationError(`Pattern ${anchored} defines a create operation but no existence check`);
    }
    for (const name of captureNames(regex)) {
      if (!(name in spec.fields)) throw new DeclarationError(`Pattern ${anchored} captures ${name}, which is not a declared field`);
    }
    return { spec, regex, anchored };
  });
}

export function route(paths: readonly CompiledPath[], requestPath: string): RouteMatch | undefined {
  for (const path of paths) {
    const match = path.regex.exec(requestPath);
    if (match === null) continue;
    const captures: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) captures[name] = value ?? "";
    return { path, captures };
  }
  return undefined;
}
