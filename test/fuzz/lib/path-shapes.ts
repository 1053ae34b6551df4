// Request paths from a backend's own declarations: each path pattern is expanded into its
// "shapes" — literal text with capture slots — so the fuzzer reaches every path without a hand
// list. Alternations `(a|b)` and optional parts `x?` / `(…)?` outside named groups are expanded;
// a named group becomes a slot filled later (valid names from the group's own regex, or tricks).
import type { FieldSchemas, PathSpec } from "../../../src/framework/index.js";
import { normalizePattern } from "../../../src/framework/patterns.js";

export type ShapePart = { literal: string } | { capture: string; regex: string };

/** One concrete form of a pattern: e.g. `creds/{name}` for `(creds|sts)/(?<name>…)`. */
export interface PathShape {
  parts: ShapePart[];
  /** The capture slots in order. */
  captures: { name: string; regex: string }[];
}

/** The pattern as a list of alternatives, each a list of parts. */
type Alternatives = ShapePart[][];

class PatternReader {
  #pos = 0;
  constructor(private readonly source: string) {}

  /** alternatives := sequence ('|' sequence)* */
  alternatives(): Alternatives {
    const result: Alternatives = [...this.#sequence()];
    while (this.source[this.#pos] === "|") {
      this.#pos += 1;
      result.push(...this.#sequence());
    }
    return result;
  }

  get done(): boolean {
    return this.#pos >= this.source.length;
  }

  /** A sequence of atoms, each possibly optional; returns every combination. */
  #sequence(): Alternatives {
    let combos: Alternatives = [[]];
    while (this.#pos < this.source.length && this.source[this.#pos] !== "|" && this.source[this.#pos] !== ")") {
      let atom = this.#atom();
      if (this.source[this.#pos] === "?") {
        this.#pos += 1;
        atom = [...atom, []];
      }
      combos = combos.flatMap((prefix) => atom.map((alt) => [...prefix, ...alt]));
    }
    return combos;
  }

  #atom(): Alternatives {
    const ch = this.source[this.#pos] ?? "";
    if (ch === "^" || ch === "$") {
      this.#pos += 1;
      return [[]];
    }
    if (ch === "(") return this.#group();
    if (ch === "\\") {
      const next = this.source[this.#pos + 1] ?? "";
      if (/[A-Za-z0-9]/.test(next)) throw this.#unsupported(`class escape \\${next} outside a named group`);
      this.#pos += 2;
      return [[{ literal: next }]];
    }
    if ("[.*+{".includes(ch)) throw this.#unsupported(`${ch} outside a named group`);
    this.#pos += 1;
    return [[{ literal: ch }]];
  }

  #group(): Alternatives {
    const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(this.source.slice(this.#pos));
    if (named !== null) {
      const start = this.#pos + named[0].length;
      const end = this.#closing(this.#pos);
      this.#pos = end + 1;
      return [[{ capture: named[1] ?? "", regex: this.source.slice(start, end) }]];
    }
    this.#pos += this.source.startsWith("(?:", this.#pos) ? 3 : 1;
    const inner = this.alternatives();
    if (this.source[this.#pos] !== ")") throw this.#unsupported("unbalanced group");
    this.#pos += 1;
    return inner;
  }

  /** The index of the `)` closing the group opened at `open`, skipping classes and escapes. */
  #closing(open: number): number {
    let depth = 0;
    let inClass = false;
    for (let i = open; i < this.source.length; i += 1) {
      const ch = this.source[i];
      if (ch === "\\") i += 1;
      else if (inClass) inClass = ch !== "]";
      else if (ch === "[") inClass = true;
      else if (ch === "(") depth += 1;
      else if (ch === ")" && --depth === 0) return i;
    }
    throw this.#unsupported("unbalanced named group");
  }

  #unsupported(what: string): Error {
    return new Error(`fuzz: cannot expand pattern ${JSON.stringify(this.source)}: ${what} (extend test/fuzz/lib/path-shapes.ts)`);
  }
}

/** Every shape of a path's pattern, duplicates removed. */
export function pathShapes(spec: PathSpec<FieldSchemas>): PathShape[] {
  const reader = new PatternReader(normalizePattern(spec.pattern));
  const alternatives = reader.alternatives();
  if (!reader.done) throw new Error(`fuzz: cannot expand pattern ${JSON.stringify(spec.pattern)}: stray ')'`);
  const seen = new Map<string, PathShape>();
  for (const parts of alternatives) {
    const merged: ShapePart[] = [];
    for (const part of parts) {
      const last = merged.at(-1);
      if ("literal" in part && last !== undefined && "literal" in last) merged[merged.length - 1] = { literal: last.literal + part.literal };
      else merged.push(part);
    }
    const key = merged.map((p) => ("literal" in p ? p.literal : `{${p.capture}}`)).join("");
    const captures = merged.flatMap((p) => ("capture" in p ? [{ name: p.capture, regex: p.regex }] : []));
    seen.set(key, { parts: merged, captures });
  }
  return [...seen.values()];
}

/** The request path of a shape with its slots filled. */
export function fillShape(shape: PathShape, values: Readonly<Record<string, string>>): string {
  return shape.parts.map((p) => ("literal" in p ? p.literal : (values[p.capture] ?? ""))).join("");
}

/** A shape as text, for failure reports (`creds/{name}`). */
export function shapeText(shape: PathShape): string {
  return shape.parts.map((p) => ("literal" in p ? p.literal : `{${p.capture}}`)).join("");
}

/**
 * The capture's regex as a standalone, anchored RegExp fast-check can generate from. In a class,
 * `\w-.` means `\w`, `-`, `.` to JavaScript; fast-check reads it as a range, so the `-` is escaped.
 */
export function captureRegExp(regex: string): RegExp {
  return new RegExp(`^(?:${regex.replace(/(\\[wdsWDS])-(?!\])/g, "$1\\-")})$`);
}
