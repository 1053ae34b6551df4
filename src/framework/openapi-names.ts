// Names and matches in the OpenAPI document: operation IDs (≈ constructOperationID), schema names
// (≈ hyphenatedToTitleCase), description clean-up (≈ cleanString) and special-path matching
// (≈ specialPathMatch, OpenBao's version with `+` segments).
import { trimSpace } from "./help.js";
import type { DisplayAttributes, PathOperation } from "./types.js";

/** Trims and collapses whitespace runs (Go's \s: tab, newline, form feed, return, space) to one space. */
export function cleanString(text: string): string {
  return trimSpace(text).replace(/[\t\n\f\r ]+/g, " ");
}

/** Joins the non-empty parts with "-" and lower-cases the result. */
function lowerHyphenate(parts: readonly string[]): string {
  return parts
    .filter((p) => p !== "")
    .join("-")
    .toLowerCase();
}

// Go's \w is ASCII only.
const NON_WORD = /[^0-9A-Za-z_]+/;

/** What the operation ID is built from; the first non-empty value of each part wins. */
export interface OperationIdInput {
  /** The expanded OpenAPI path (`foo/{id}`) and its index among the pattern's expansions. */
  path: string;
  pathIndex: number;
  operation: PathOperation;
  operationAttrs?: DisplayAttributes | undefined;
  pathAttrs?: DisplayAttributes | undefined;
  /** The mount type Vault passes as `requestResponsePrefix`; used only without prefix and verb. */
  defaultPrefix: string;
}

/**
 * `<prefix>-<verb>-<suffix>`, lower case. Operation display attributes override the path's.
 * A suffix may list one alternative per expanded path, separated by `|`. Without a verb the
 * operation names itself (`update` → `write`) and the suffix falls back to the path's words;
 * without prefix and verb the mount type prefixes it.
 */
export function operationId(input: OperationIdInput): string {
  const { operationAttrs: op, pathAttrs: path } = input;
  let prefix = op?.operationPrefix || path?.operationPrefix || "";
  let verb = op?.operationVerb || path?.operationVerb || "";
  let suffix = op?.operationSuffix || path?.operationSuffix || "";

  let indexOutOfRange = false;
  const suffixes = suffix.split("|");
  if (suffixes.length > 1 || input.pathIndex > 0) {
    const chosen = suffixes[input.pathIndex];
    if (chosen === undefined) {
      suffix = "";
      indexOutOfRange = true;
    } else {
      suffix = chosen;
    }
  }

  const needPrefix = prefix === "" && verb === "";
  const needVerb = verb === "";
  const needSuffix = suffix === "" && (verb === "" || indexOutOfRange);
  if (needPrefix) prefix = input.defaultPrefix;
  if (needVerb) verb = input.operation === "update" ? "write" : input.operation;
  if (needSuffix) suffix = lowerHyphenate(input.path.split(NON_WORD));
  return lowerHyphenate([prefix, verb, suffix]);
}

/**
 * Title-cases one word the way Go's cases.Title (English, NoLower) does for our inputs: the first
 * cased letter of each word is upper-cased and the rest is left alone (`2fa` → `2Fa`); letters,
 * digits, `_`, `.`, `:` and `'` continue a word, anything else starts a new one.
 */
function titleWord(word: string): string {
  let out = "";
  let inWord = false;
  let capitalised = false;
  for (const ch of word) {
    const continues = /[\p{L}\p{N}_.:']/u.test(ch);
    if (!continues) {
      inWord = false;
      out += ch;
      continue;
    }
    if (!inWord) capitalised = false;
    inWord = true;
    if (!capitalised && ch.toLowerCase() !== ch.toUpperCase()) {
      out += ch.toUpperCase();
      capitalised = true;
    } else {
      out += ch;
    }
  }
  return out;
}

/** `aws-configure-lease` → `AwsConfigureLease`: the stem of request and response schema names. */
export function hyphenatedToTitleCase(text: string): string {
  return text.split("-").map(titleWord).join("");
}

/**
 * Whether an OpenAPI path is covered by one of the backend's special paths (root → sudo,
 * unauthenticated): exact match, a trailing `*` prefix match, or `+` matching one segment.
 */
export function specialPathMatch(path: string, specialPaths: readonly string[] | undefined): boolean {
  if (specialPaths === undefined) return false;
  const pathParts = path.split("/");
  const matchesByParts = (patternParts: readonly string[]): boolean => {
    if (pathParts.length < patternParts.length) return false;
    for (let i = 0; i < patternParts.length; i++) {
      const part = pathParts[i] ?? "";
      const pattern = patternParts[i] ?? "";
      if (pattern === "+") continue;
      if (pattern === "*") return true;
      if (pattern.endsWith("*") && part.startsWith(pattern.slice(0, -1))) return true;
      if (pattern !== part) return false;
    }
    return pathParts.length === patternParts.length;
  };
  return specialPaths.some(
    (sp) =>
      sp === path ||
      (sp.endsWith("*") && path.startsWith(sp.slice(0, -1))) ||
      (sp.includes("+") && matchesByParts(sp.split("/"))),
  );
}
