// Lexer for Go's text/template action language, as Vault's sdk/helper/template uses it (default
// "{{" / "}}" delimiters only). Token kinds, positions, terminator rules and error texts follow Go's
// text/template/parse so that error messages match what Vault users see. Literal decoding
// (strconv.Unquote, number syntax) is in literals.ts.
import { goQuote, isPrint } from "../go-quote.js";

/** Raised for syntax errors (at compile time) and execution errors (at render time). */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
}

/** Token kinds; the keyword kinds are the words themselves. */
export type TokenKind =
  | "error" | "bool" | "char" | "charConstant" | "complex" | "assign" | "declare" | "eof" | "field"
  | "identifier" | "leftDelim" | "leftParen" | "number" | "pipe" | "rawString" | "rightDelim"
  | "rightParen" | "space" | "string" | "text" | "variable"
  | "block" | "break" | "continue" | "dot" | "define" | "else" | "end" | "if" | "nil" | "range"
  | "template" | "with";

/** One lexical item; `pos` is a UTF-16 index into the source, `line` is 1-based. */
export interface Token {
  readonly kind: TokenKind;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: Readonly<Record<string, TokenKind>> = {
  block: "block", break: "break", continue: "continue", define: "define", else: "else", end: "end",
  if: "if", range: "range", nil: "nil", template: "template", with: "with",
};

/** True for keyword kinds, which Go prints as `<word>` in "unexpected" errors. */
export function isKeyword(kind: TokenKind): boolean {
  return kind === "dot" || Object.values(KEYWORDS).includes(kind);
}

const LEFT = "{{";
const RIGHT = "}}";
const EOF = -1;

const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (r: number): boolean => r >= 0 && ALNUM.test(String.fromCodePoint(r));
/** Go's `%#U`: `U+0023 '#'`, without the character when it is not printable. */
export function formatRuneU(r: number): string {
  const hex = `U+${r.toString(16).toUpperCase().padStart(4, "0")}`;
  return isPrint(r) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}

const hasLeftTrimMarker = (s: string, at: number): boolean => s[at] === "-" && isSpace(s.charCodeAt(at + 1));
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s.charCodeAt(at)) && s[at + 1] === "-";
const countNewlines = (s: string): number => s.split("\n").length - 1;
const trimmedRight = (s: string): number => s.length - s.replace(/[ \t\r\n]+$/, "").length;
const trimmedLeft = (s: string): number => s.length - s.replace(/^[ \t\r\n]+/, "").length;

class Lexer {
  private pos = 0;
  private start = 0;
  private line = 1;
  private startLine = 1;
  private atEOF = false;
  private parenDepth = 0;
  private insideAction = false;
  readonly tokens: Token[] = [];

  constructor(private readonly input: string) {}

  run(): void {
    for (;;) {
      const done = this.insideAction ? this.lexInsideAction() : this.lexText();
      if (done) return;
    }
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) ?? EOF;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  private backup(): void {
    if (this.atEOF || this.pos === 0) return;
    const low = this.input.charCodeAt(this.pos - 1);
    this.pos -= low >= 0xdc00 && low <= 0xdfff && this.pos >= 2 ? 2 : 1;
    if (low === 0x0a) this.line--;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  /** Emits the pending text as a token; returns true (lexing is over) only for "eof". */
  private emit(kind: TokenKind): boolean {
    this.tokens.push({ kind, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine });
    this.start = this.pos;
    this.startLine = this.line;
    return kind === "eof";
  }

  private ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Emits an error token, which ends lexing (the parser reports it when it gets there). */
  private error(message: string): boolean {
    this.tokens.push({ kind: "error", pos: this.start, val: message, line: this.startLine });
    return true;
  }

  private atRightDelim(): [delim: boolean, trim: boolean] {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + 2)) return [true, true];
    return [this.input.startsWith(RIGHT, this.pos), false];
  }

  private lexText(): boolean {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) {
        this.line += countNewlines(this.input.slice(this.start, this.pos));
        this.emit("text");
      }
      return this.emit("eof");
    }
    if (x > this.pos) {
      this.pos = x;
      const trim = hasLeftTrimMarker(this.input, x + LEFT.length) ? trimmedRight(this.input.slice(this.start, x)) : 0;
      this.pos -= trim;
      this.line += countNewlines(this.input.slice(this.start, this.pos));
      if (this.pos > this.start) this.emit("text");
      else this.ignore();
      this.pos += trim;
      this.ignore();
    }
    return this.lexLeftDelim();
  }

  private lexLeftDelim(): boolean {
    this.pos += LEFT.length;
    const afterMarker = hasLeftTrimMarker(this.input, this.pos) ? 2 : 0;
    if (this.input.startsWith("/*", this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return this.lexComment();
    }
    this.emit("leftDelim");
    this.insideAction = true;
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    return false;
  }

  private lexComment(): boolean {
    this.pos += 2;
    const x = this.input.indexOf("*/", this.pos);
    if (x < 0) return this.error("unclosed comment");
    this.pos = x + 2;
    const [delim, trim] = this.atRightDelim();
    if (!delim) return this.error("comment ends before closing delimiter");
    this.ignore();
    this.pos += (trim ? 2 : 0) + RIGHT.length;
    if (trim) this.pos += trimmedLeft(this.input.slice(this.pos));
    this.ignore();
    return false;
  }

  private lexRightDelim(): boolean {
    const [, trim] = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += RIGHT.length;
    this.emit("rightDelim");
    if (trim) {
      this.pos += trimmedLeft(this.input.slice(this.pos));
      this.ignore();
    }
    this.insideAction = false;
    return false;
  }

  private lexInsideAction(): boolean {
    if (this.atRightDelim()[0]) return this.parenDepth === 0 ? this.lexRightDelim() : this.error("unclosed left paren");
    const r = this.next();
    const c = r === EOF ? "" : String.fromCodePoint(r);
    if (r === EOF) return this.error("unclosed action");
    if (isSpace(r)) {
      this.backup(); // the space may belong to a " -}}" trim marker
      return this.lexSpace();
    }
    switch (c) {
      case "=": return this.emit("assign");
      case ":": return this.next() === 0x3d ? this.emit("declare") : this.error("expected :=");
      case "|": return this.emit("pipe");
      case '"': return this.lexQuoted('"', "unterminated quoted string", "string");
      case "`": return this.lexRawQuote();
      case "$": return this.atTerminator() ? this.emit("variable") : this.lexFieldOrVariable("variable");
      case "'": return this.lexQuoted("'", "unterminated character constant", "charConstant");
      case "(":
        this.parenDepth++;
        return this.emit("leftParen");
      case ")":
        if (--this.parenDepth < 0) return this.error("unexpected right paren");
        return this.emit("rightParen");
      default:
    }
    if (c === "." && this.pos < this.input.length && !/[0-9]/.test(this.input[this.pos] ?? "")) return this.lexFieldOrVariable("field");
    if (c === "." || c === "+" || c === "-" || /[0-9]/.test(c)) {
      this.backup();
      return this.lexNumber();
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return this.lexIdentifier();
    }
    if (r <= 0x7f && isPrint(r)) return this.emit("char");
    return this.error(`unrecognized character in action: ${formatRuneU(r)}`);
  }

  private lexSpace(): boolean {
    let spaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      spaces++;
    }
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.backup(); // leave the marker's space for lexRightDelim
      if (spaces === 1) return this.lexRightDelim();
    }
    return this.emit("space");
  }

  private lexIdentifier(): boolean {
    while (isAlphaNumeric(this.next()));
    this.backup();
    const word = this.input.slice(this.start, this.pos);
    if (!this.atTerminator()) return this.error(`bad character ${formatRuneU(this.peek())}`);
    const keyword = KEYWORDS[word];
    if (keyword !== undefined) return this.emit(keyword);
    return this.emit(word === "true" || word === "false" ? "bool" : "identifier");
  }

  private lexFieldOrVariable(kind: "field" | "variable"): boolean {
    if (this.atTerminator()) return this.emit(kind === "variable" ? "variable" : "dot");
    while (isAlphaNumeric(this.next()));
    this.backup();
    if (!this.atTerminator()) return this.error(`bad character ${formatRuneU(this.peek())}`);
    return this.emit(kind);
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r) || r === EOF) return true;
    return ".,|:)(".includes(String.fromCodePoint(r)) || this.input.startsWith(RIGHT, this.pos);
  }

  private lexQuoted(quote: string, unterminated: string, kind: TokenKind): boolean {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
      }
      if (r === EOF || r === 0x0a) return this.error(unterminated);
      if (String.fromCodePoint(r) === quote) return this.emit(kind);
    }
  }

  private lexRawQuote(): boolean {
    for (;;) {
      const r = this.next();
      if (r === EOF) return this.error("unterminated raw quoted string");
      if (r === 0x60) return this.emit("rawString");
    }
  }

  private lexNumber(): boolean {
    const bad = (): boolean => this.error(`bad number syntax: ${goQuote(this.input.slice(this.start, this.pos))}`);
    if (!this.scanNumber()) return bad();
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!this.scanNumber() || this.input[this.pos - 1] !== "i") return bad();
      return this.emit("complex");
    }
    return this.emit("number");
  }

  private scanNumber(): boolean {
    this.accept("+-");
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if ((digits.length === 11 && this.accept("eE")) || (digits.length === 23 && this.accept("pP"))) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    this.accept("i");
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

/** Splits template source into tokens; the list ends with an "eof" or an "error" token. */
export function lex(input: string): Token[] {
  const lexer = new Lexer(input);
  lexer.run();
  return lexer.tokens;
}
