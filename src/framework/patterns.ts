// Building blocks for path patterns, with the names and behaviour of Vault's helpers
// (framework.GenericNameRegex and friends). Patterns are JavaScript regular expressions; Go's
// `(?P<name>…)` group syntax is accepted too so that upstream patterns read the same.

/** A name of word characters, `-` and `.`, starting and ending with a word character. */
export function genericNameRegex(name: string): string {
  return `(?<${name}>\\w(([\\w-.]+)?\\w)?)`;
}

/** As genericNameRegex, also allowing `@` inside (e.g. user@example.com). */
export function genericNameWithAtRegex(name: string): string {
  return `(?<${name}>\\w(([\\w-.@]+)?\\w)?)`;
}

/** An optional trailing `/<name>` segment that may contain anything. */
export function optionalParamRegex(name: string): string {
  return `(/(?<${name}>.+))?`;
}

/** An optional trailing `/<name>` segment holding a generic name. */
export function optionalGenericNameRegex(name: string): string {
  return `(/${genericNameRegex(name)})?`;
}

/** Everything, including slashes (possibly empty). */
export function matchAllRegex(name: string): string {
  return `(?<${name}>.*)`;
}

/** Go's `(?P<name>` spelling becomes JavaScript's `(?<name>`. */
export function normalizePattern(pattern: string): string {
  return pattern.replaceAll("(?P<", "(?<");
}
