// Vault 1.7 renamed the access and deny lists; the old names stay served. Upstream derives each
// old path from the new one (backend.go genDeprecatedPath): same fields and handlers, the pattern
// and the operation-ID parts with the old words, and the path flagged deprecated (a flag Vault's
// OpenAPI does not print: only operation-level deprecation shows there).
import type { DisplayAttributes, FieldSchemas, Operations, OperationSpec, PathOperation, PathSpec } from "../../framework/index.js";

// Tried in this order at each position, as Go's strings.NewReplacer does with these pairs.
const OLD_WORDS: readonly (readonly [string, string])[] = [
  ["accesslist", "whitelist"],
  ["access-list", "whitelist"],
  ["denylist", "blacklist"],
  ["deny-list", "blacklist"],
];

/** The text with every new word replaced by the old one, left to right without overlaps. */
export function toDeprecatedTerms(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; ) {
    const pair = OLD_WORDS.find(([from]) => text.startsWith(from, i));
    if (pair === undefined) {
      out += text[i] ?? "";
      i += 1;
    } else {
      out += pair[1];
      i += pair[0].length;
    }
  }
  return out;
}

function renamedAttrs(attrs: DisplayAttributes): DisplayAttributes {
  const renamed: DisplayAttributes = { ...attrs };
  if (attrs.operationPrefix !== undefined) renamed.operationPrefix = toDeprecatedTerms(attrs.operationPrefix);
  if (attrs.operationVerb !== undefined) renamed.operationVerb = toDeprecatedTerms(attrs.operationVerb);
  if (attrs.operationSuffix !== undefined) renamed.operationSuffix = toDeprecatedTerms(attrs.operationSuffix);
  return renamed;
}

/** The same path under its pre-1.7 name. */
export function deprecatedVariant<F extends FieldSchemas>(path: PathSpec<F>): PathSpec<F> {
  const operations: Operations<F> = {};
  for (const [name, op] of Object.entries(path.operations) as [PathOperation, Operations<F>[PathOperation]][]) {
    if (op === undefined) continue;
    if (typeof op === "function" || op.displayAttrs === undefined) {
      operations[name] = op;
    } else {
      const renamed: OperationSpec<F> = { ...op, displayAttrs: renamedAttrs(op.displayAttrs) };
      operations[name] = renamed;
    }
  }
  return {
    ...path,
    pattern: toDeprecatedTerms(path.pattern),
    deprecated: true,
    operations,
    ...(path.displayAttrs !== undefined && { displayAttrs: renamedAttrs(path.displayAttrs) }),
  };
}
