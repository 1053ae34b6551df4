// The text of `vault path-help`: per path (≈ Path.helpCallback with pathHelpTemplate) and for the
// whole backend (≈ Backend.handleRootHelp with rootHelpTemplate), laid out line for line as
// Vault's Go templates render them, so operators see the same help from a TypeScript engine.
import { displayPattern } from "./openapi-pattern.js";
import type { BackendSpec, FieldTypeName, PathSpec } from "./types.js";

/**
 * Go's help spelling of a field type (FieldType.String): the signed duration prints like the
 * unsigned one, and every list type prints as "slice".
 */
export function helpTypeName(type: FieldTypeName): string {
  return HELP_TYPE_NAMES[type];
}

const HELP_TYPE_NAMES: Readonly<Record<FieldTypeName, string>> = {
  string: "string",
  int: "int",
  int64: "int64",
  bool: "bool",
  float: "float",
  "duration (sec)": "duration (sec)",
  "signed duration (sec)": "duration (sec)",
  slice: "slice",
  "string slice": "slice",
  "comma-separated string slice": "slice",
  "comma-separated int slice": "slice",
  map: "map",
  keypair: "keypair",
  header: "header",
  time: "time",
  "name string": "name string",
  "lowercase string": "lowercase string",
};

/**
 * Indents every line of `text` by `count` spaces, as the templates' `indent` function does:
 * lines are split the way Go's line scanner splits them (a trailing newline ends the last line,
 * a carriage return before a newline is dropped), so empty text gives an empty string.
 */
function indent(count: number, text: string): string {
  if (text === "") return "";
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const prefix = " ".repeat(count);
  return lines
    .map((line) => prefix + line.replace(/\r$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}

// Go's unicode.IsSpace set, which strings.TrimSpace uses (JavaScript's \s also has U+FEFF).
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");

/** Go's strings.TrimSpace. */
export function trimSpace(text: string): string {
  return text.replace(EDGE_SPACE, "");
}

/**
 * The help text for one path (`vault path-help <mount>/<requestPath>`): request, matching route,
 * synopsis, the parameters sorted by name with their type, `(DEPRECATED)` marks and descriptions,
 * then the long description. Empty synopsis or descriptions print as `<no synopsis>` /
 * `<no description>` as upstream does.
 */
export function pathHelp(spec: PathSpec, requestPath: string): string {
  const synopsis = trimSpace(spec.helpSynopsis) || "<no synopsis>";
  const description = trimSpace(spec.helpDescription) || "<no description>";
  let text = `\nRequest:        ${requestPath}\nMatching Route: ${displayPattern(spec.pattern)}\n\n${synopsis}\n\n`;

  const names = Object.keys(spec.fields).sort();
  if (names.length > 0) {
    text += "## PARAMETERS\n";
    for (const name of names) {
      const field = spec.fields[name];
      if (field === undefined) continue;
      const fieldDescription = trimSpace(field.description) || "<no description>";
      const shown = field.deprecated ? `(DEPRECATED) ${fieldDescription}` : fieldDescription;
      text += `\n${indent(4, name)} (${helpTypeName(field.type)})\n\n${indent(8, shown)}\n`;
    }
  }
  text += `\n## DESCRIPTION\n\n${description}\n`;
  return trimSpace(text);
}

/**
 * The help text for the backend's root (`vault path-help <mount>`): the backend's own help, then
 * every route (anchored, sorted) with its synopsis.
 */
export function rootHelp(backend: BackendSpec): string {
  const routes = new Map<string, string>();
  for (const path of backend.paths) routes.set(displayPattern(path.pattern), trimSpace(path.helpSynopsis));
  const sorted = [...routes.keys()].sort();

  let text =
    `\n## DESCRIPTION\n\n${trimSpace(backend.help)}\n\n## PATHS\n\n` +
    "The following paths are supported by this backend. To view help for\n" +
    "any of the paths below, use the help command with any route matching\n" +
    "the path pattern. Note that depending on the policy of your auth token,\n" +
    "you may or may not be able to access certain paths.\n\n";
  for (const route of sorted) text += `${indent(4, route)}\n${indent(8, routes.get(route) ?? "")}\n\n`;
  return trimSpace(`${text}\n\n`);
}
