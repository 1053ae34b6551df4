// Path patterns as documentation sees them: the anchored route shown by `path-help`, and the
// expansion of a pattern into concrete OpenAPI paths (≈ the regexp-AST walk in Vault's and
// OpenBao's sdk/framework/openapi.go). Patterns are JavaScript regular expressions, so they are
// parsed here into a small tree that mirrors what Go's regexp/syntax parser would build for the
// same text: the expansion rules (which constructs fork a path, which make it undocumentable) are
// defined on that tree.

/** A pattern fragment, in the shape Go's parser gives it (only what the expansion needs). */
type Node =
  | { kind: "literal"; chars: string[] }
  | { kind: "empty" }
  /** ^, $, \b, \B: match no characters. */
  | { kind: "zero" }
  | { kind: "concat"; parts: Node[] }
  | { kind: "alternate"; branches: Node[] }
  | { kind: "quest"; sub: Node }
  | { kind: "capture"; name: string | undefined; sub: Node }
  /** One character out of several: [..], ., \w and friends. */
  | { kind: "class" }
  /** Anything else that has no OpenAPI spelling: *, +, {n,m}, back-references, look-arounds. */
  | { kind: "other" };

const EMPTY: Node = { kind: "empty" };

class PatternSyntaxError extends Error {
  override readonly name = "PatternSyntaxError";
}

/** Go's `(?P<name>` spelling for named groups, leaving escapes, classes and look-behinds alone. */
function goGroupSpelling(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" && pattern.startsWith("?<", i + 1) && /^[A-Za-z_]/.test(pattern.charAt(i + 3))) {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * The route as Vault prints it (`Matching Route:` in path help, the root help index, and the
 * OpenAPI key of an undocumentable path): anchored with `^…$` like Backend.init does, and with
 * named groups spelled `(?P<name>…)` as in Go, so the text matches what the Go helpers produce.
 */
export function displayPattern(pattern: string): string {
  let anchored = goGroupSpelling(pattern);
  if (!anchored.startsWith("^")) anchored = `^${anchored}`;
  if (!anchored.endsWith("$")) anchored = `${anchored}$`;
  return anchored;
}

function literal(chars: string[]): Node {
  return chars.length === 0 ? EMPTY : { kind: "literal", chars };
}

/** Concatenation with neighbouring literals merged and nested concatenations flattened. */
function concat(items: Node[]): Node {
  const parts: Node[] = [];
  for (const item of items.flatMap((n) => (n.kind === "concat" ? n.parts : [n]))) {
    if (item.kind === "empty") continue;
    const last = parts.at(-1);
    if (item.kind === "literal" && last?.kind === "literal") parts[parts.length - 1] = literal([...last.chars, ...item.chars]);
    else parts.push(item);
  }
  if (parts.length === 0) return EMPTY;
  return parts.length === 1 ? (parts[0] ?? EMPTY) : { kind: "concat", parts };
}

function leadingChars(node: Node): string[] {
  const first = node.kind === "concat" ? node.parts[0] : node;
  return first?.kind === "literal" ? first.chars : [];
}

function withoutLeadingChars(node: Node, count: number): Node {
  if (node.kind === "literal") return literal(node.chars.slice(count));
  if (node.kind === "concat") {
    const [first, ...rest] = node.parts;
    if (first === undefined) return EMPTY;
    return concat([withoutLeadingChars(first, count), ...rest]);
  }
  return node;
}

function isSingleChar(node: Node): boolean {
  return (node.kind === "literal" && node.chars.length === 1) || node.kind === "class";
}

/**
 * An alternation after Go's parser has simplified it: nested alternations flattened, common
 * literal prefixes of neighbouring branches factored out (`roles|role` → `role(?:s|)`), runs of
 * single-character branches merged into a class (so `a|b` cannot be expanded, as in Go), and runs
 * of empty branches collapsed. These steps decide whether, and into which paths, a pattern expands.
 */
function alternate(input: Node[]): Node {
  const branches = input.flatMap((n) => (n.kind === "alternate" ? n.branches : [n]));
  if (branches.length < 2) return branches[0] ?? EMPTY;

  const factored: Node[] = [];
  let start = 0;
  let prefix: string[] = [];
  const flush = (end: number): void => {
    if (end - start >= 2) {
      const run = branches.slice(start, end).map((b) => withoutLeadingChars(b, prefix.length));
      factored.push({ kind: "concat", parts: [literal(prefix), alternate(run)] });
    } else if (end - start === 1) {
      factored.push(branches[start] ?? EMPTY);
    }
  };
  for (let i = 0; i < branches.length; i++) {
    const lead = leadingChars(branches[i] ?? EMPTY);
    let same = 0;
    while (same < prefix.length && same < lead.length && prefix[same] === lead[same]) same++;
    if (same > 0) {
      prefix = prefix.slice(0, same);
      continue;
    }
    flush(i);
    start = i;
    prefix = lead;
  }
  flush(branches.length);

  const merged: Node[] = [];
  for (let i = 0; i < factored.length; ) {
    let j = i;
    while (j < factored.length && isSingleChar(factored[j] ?? EMPTY)) j++;
    if (j - i >= 2) {
      merged.push({ kind: "class" });
      i = j;
    } else {
      merged.push(factored[i] ?? EMPTY);
      i++;
    }
  }

  const result = merged.filter((n, i) => !(n.kind === "empty" && merged[i + 1]?.kind === "empty"));
  return result.length === 1 ? (result[0] ?? EMPTY) : { kind: "alternate", branches: result };
}

/** A recursive-descent reader of JavaScript regular-expression source (non-unicode mode). */
class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new PatternSyntaxError(`unexpected ) at ${this.pos}`);
    return node;
  }

  private alternation(): Node {
    const branches = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      branches.push(this.sequence());
    }
    return alternate(branches);
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return concat(items);
  }

  private quantified(atom: Node): Node {
    let node = atom;
    for (;;) {
      const c = this.src[this.pos];
      const braces = /^\{\d+(,\d*)?\}/.exec(this.src.slice(this.pos));
      if (c === "?") {
        this.pos++;
        node = { kind: "quest", sub: node };
      } else if (c === "*" || c === "+") {
        this.pos++;
        node = { kind: "other" };
      } else if (braces !== null) {
        this.pos += braces[0].length;
        node = { kind: "other" };
      } else {
        return node;
      }
      // A lazy marker changes how a quantifier matches, not what it matches.
      if (this.src[this.pos] === "?") this.pos++;
    }
  }

  private atom(): Node {
    const c = this.src[this.pos] ?? "";
    this.pos++;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        return { kind: "class" };
      case "^":
      case "$":
        return { kind: "zero" };
      case "\\":
        return this.escape();
      default:
        return literal([...c]);
    }
  }

  private group(): Node {
    const rest = this.src.slice(this.pos);
    const named = /^\?P?<([A-Za-z_$][\w$]*)>/.exec(rest);
    let kind: "named" | "plain" | "group" | "other" = "plain";
    let name: string | undefined;
    if (named !== null) {
      kind = "named";
      name = named[1];
      this.pos += named[0].length;
    } else if (rest.startsWith("?:")) {
      kind = "group";
      this.pos += 2;
    } else if (rest.startsWith("?")) {
      // Look-arounds and inline flags: Go has no look-arounds, and none is a path.
      kind = "other";
      this.pos += /^\?(<?[=!]|[a-zA-Z-]*:?)/.exec(rest)?.[0].length ?? 1;
    }
    const inner = this.alternation();
    if (this.src[this.pos] !== ")") throw new PatternSyntaxError("unterminated group");
    this.pos++;
    if (kind === "group") return inner;
    if (kind === "other") return { kind: "other" };
    return { kind: "capture", name, sub: inner };
  }

  private charClass(): Node {
    const start = this.pos;
    while (this.pos < this.src.length && this.src[this.pos] !== "]") this.pos += this.src[this.pos] === "\\" ? 2 : 1;
    if (this.pos >= this.src.length) throw new PatternSyntaxError("unterminated character class");
    const body = this.src.slice(start, this.pos);
    this.pos++;
    // Go reads a class of exactly one character as that character.
    const single = /^(?:[^\\^\]]|\\[^A-Za-z0-9])$/u.exec(body);
    return single === null ? { kind: "class" } : literal([...body.replace(/^\\/, "")]);
  }

  private escape(): Node {
    const c = this.src[this.pos] ?? "";
    this.pos++;
    if (c === "b" || c === "B") return { kind: "zero" };
    if ("dDwWsSpP".includes(c)) {
      if ((c === "p" || c === "P") && this.src[this.pos] === "{") this.pos = this.src.indexOf("}", this.pos) + 1;
      return { kind: "class" };
    }
    if (/[1-9]/.test(c) || c === "k") return { kind: "other" };
    const controls: Record<string, string> = { n: "\n", r: "\r", t: "\t", f: "\f", v: "\v", "0": "\0" };
    const control = controls[c];
    if (control !== undefined) return literal([control]);
    const hex = c === "x" ? /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos)) : c === "u" ? /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos)) : null;
    if (hex !== null) {
      this.pos += hex[0].length;
      return literal([String.fromCodePoint(parseInt(hex[0], 16))]);
    }
    return literal([...c]);
  }
}

interface Collector {
  text: string;
  /** Length of `text` right after an optional trailing "/" was added (Go's conditionalSlash…). */
  slashAt: number;
}

class UnsupportedPattern extends Error {
  override readonly name = "UnsupportedPattern";
}

function collect(node: Node, into: Collector[], captures: Set<string>): Collector[] {
  switch (node.kind) {
    case "empty":
    case "zero":
      return into;
    case "literal": {
      const text = node.chars.join("");
      for (const c of into) c.text += text;
      return into;
    }
    case "concat":
      return node.parts.reduce((acc, part) => collect(part, acc, captures), into);
    case "alternate":
      return node.branches.flatMap((branch, i) =>
        collect(branch, i === node.branches.length - 1 ? into : into.map((c) => ({ ...c })), captures),
      );
    case "quest": {
      const taken = collect(node.sub, into.map((c) => ({ ...c })), captures);
      // `foo/?` documents as `foo`: a variant that ends right after an optional slash is dropped.
      if (node.sub.kind === "literal" && node.sub.chars.join("") === "/") for (const c of taken) c.slashAt = c.text.length;
      return [...into, ...taken];
    }
    case "capture":
      if (node.name === undefined) return collect(node.sub, into, captures);
      for (const c of into) c.text += `{${node.name}}`;
      captures.add(node.name);
      return into;
    case "class":
    case "other":
      throw new UnsupportedPattern();
  }
}

/** The expansion of a pattern: its OpenAPI paths and the names of every named group met. */
export interface ExpandedPattern {
  paths: string[];
  /**
   * Every capture of the pattern, including those of alternatives a given path does not take:
   * such a field is documented in none of the paths (it is neither a parameter nor a body field).
   */
  captures: ReadonlySet<string>;
}

/**
 * The OpenAPI paths a pattern stands for, in upstream's order: each optional part (`x?`) and
 * each alternation (`a|b`) forks the path, named groups become `{name}` parameters (whatever is
 * inside them), anchors vanish, and a variant that ends in an optional slash is dropped. Returns
 * undefined when a construct outside named groups (`.`, `[…]`, `*`, `+`, `{n}`…) has no path
 * spelling; Vault then documents the raw pattern without operations.
 */
export function expandPatternWithCaptures(pattern: string): ExpandedPattern | undefined {
  try {
    const tree = new Parser(pattern).parse();
    const captures = new Set<string>();
    const paths = collect(tree, [{ text: "", slashAt: 0 }], captures)
      .filter((c) => c.slashAt !== c.text.length)
      .map((c) => c.text);
    return { paths, captures };
  } catch (err) {
    if (err instanceof UnsupportedPattern || err instanceof PatternSyntaxError) return undefined;
    throw err;
  }
}

/** The OpenAPI paths of a pattern (see {@link expandPatternWithCaptures}). */
export function expandPattern(pattern: string): string[] | undefined {
  return expandPatternWithCaptures(pattern)?.paths;
}
