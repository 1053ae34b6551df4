// Recursive-descent parser producing the same tree shapes as Go's text/template/parse, including
// the node positions and canonical node strings that Go's execution errors quote
// (`executing "template" at <.Foo>`). Nested template definitions (define/template/block) are not
// part of what Vault username templates need and are rejected with a clear error.
import { goQuote } from "../go-quote.js";
import { isKeyword, lex, TemplateError, type Token } from "./lexer.js";
import { DEFAULT_TEMPLATE_LIMITS, limitExceeded, type TemplateLimits } from "./limits.js";
import { parseNumberLiteral, unquote, type NumberLiteral } from "./literals.js";

/** Deepest parenthesis nesting accepted; Go allows 10000, but JavaScript stacks are smaller. */
export const MAX_PAREN_DEPTH = 1000;

/** A sequence of nodes (a template body or a branch). */
export interface ListNode { readonly type: "list"; readonly pos: number; readonly nodes: Node[] }
/** Literal text, after trim markers were applied. */
export interface TextNode { readonly type: "text"; readonly pos: number; readonly text: string }
/** `{{pipeline}}`: prints the value unless the pipeline declares variables. */
export interface ActionNode { readonly type: "action"; readonly pos: number; readonly pipe: PipeNode }
/** `{{if}}`, `{{range}}` or `{{with}}`; `{{else if}}` is an elseList holding one nested branch. */
export interface BranchNode {
  readonly type: "if" | "range" | "with";
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
/** `{{break}}` / `{{continue}}` inside a range. */
export interface LoopControlNode { readonly type: "break" | "continue"; readonly pos: number }
/** Nodes that can appear in a list. */
export type Node = TextNode | ActionNode | BranchNode | LoopControlNode;

/** Commands joined by `|`, optionally declaring (`:=`) or assigning (`=`) variables. */
export interface PipeNode {
  readonly type: "pipe";
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
/** One stage of a pipeline: an operand, or a function or field with arguments. */
export interface CommandNode { readonly type: "command"; readonly pos: number; readonly args: ArgNode[] }
/** `.A.B`: fields or map keys of dot. */
export interface FieldNode { readonly type: "field"; readonly pos: number; readonly ident: readonly string[] }
/** `$x.A`: `ident[0]` is the variable's name including `$`; the rest are fields. */
export interface VariableNode { readonly type: "variable"; readonly pos: number; readonly ident: readonly string[] }
/** `.`: the current value. */
export interface DotNode { readonly type: "dot"; readonly pos: number }
/** The untyped `nil`. */
export interface NilNode { readonly type: "nil"; readonly pos: number }
/** `true` / `false`. */
export interface BoolNode { readonly type: "bool"; readonly pos: number; readonly value: boolean }
/** A number or character constant. */
export interface NumberNode { readonly type: "number"; readonly pos: number; readonly lit: NumberLiteral }
/** A quoted or raw string; `quoted` is the source text, `text` its value. */
export interface StringNode { readonly type: "string"; readonly pos: number; readonly quoted: string; readonly text: string }
/** A function name. */
export interface IdentifierNode { readonly type: "identifier"; readonly pos: number; readonly name: string }
/** `(pipeline).A.B` or `fn.A`: fields of a computed value. */
export interface ChainNode { readonly type: "chain"; readonly pos: number; readonly node: ArgNode; readonly fields: readonly string[] }
/** Operands of a command. */
export type ArgNode =
  | FieldNode | VariableNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | IdentifierNode | ChainNode | PipeNode;

interface EndNode { readonly type: "end"; readonly pos: number }
interface ElseNode { readonly type: "else"; readonly pos: number }
type ParsedNode = Node | EndNode | ElseNode;

/** Go's Node.String(): the canonical source form used as error context. */
export function nodeString(node: ParsedNode | ArgNode | CommandNode | ListNode): string {
  switch (node.type) {
    case "list": return node.nodes.map(nodeString).join("");
    case "text": return node.text;
    case "action": return `{{${nodeString(node.pipe)}}}`;
    case "if": case "range": case "with": {
      const otherwise = node.elseList ? `{{else}}${nodeString(node.elseList)}` : "";
      return `{{${node.type} ${nodeString(node.pipe)}}}${nodeString(node.list)}${otherwise}{{end}}`;
    }
    case "break": case "continue": case "end": case "else": return `{{${node.type}}}`;
    case "pipe": {
      const decl = node.decl.length > 0 ? `${node.decl.map(nodeString).join(", ")}${node.isAssign ? " = " : " := "}` : "";
      return decl + node.cmds.map(nodeString).join(" | ");
    }
    case "command": return node.args.map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "field": return node.ident.map((id) => `.${id}`).join("");
    case "variable": return node.ident.join(".");
    case "dot": return ".";
    case "nil": return "nil";
    case "bool": return String(node.value);
    case "number": return node.lit.text;
    case "string": return node.quoted;
    case "identifier": return node.name;
    case "chain": {
      const base = node.node.type === "pipe" ? `(${nodeString(node.node)})` : nodeString(node.node);
      return base + node.fields.map((f) => `.${f}`).join("");
    }
  }
}

/** Go's item.String(), used in "unexpected … in …" messages. */
function tokenString(token: Token): string {
  if (token.kind === "eof") return "EOF";
  if (token.kind === "error") return token.val;
  if (isKeyword(token.kind)) return `<${token.val}>`;
  const runes = [...token.val];
  return runes.length > 10 ? `${goQuote(runes.slice(0, 10).join(""))}...` : goQuote(token.val);
}

const OPERAND_KINDS = ["bool", "charConstant", "complex", "dot", "field", "identifier", "number", "nil", "rawString", "string", "variable", "leftParen"] as const;
type OperandKind = (typeof OPERAND_KINDS)[number];
const isOperandKind = (kind: Token["kind"]): kind is OperandKind => (OPERAND_KINDS as readonly string[]).includes(kind);
const CONTROL_KINDS = ["block", "define", "template", "break", "continue", "else", "end", "if", "range", "with"] as const;
type ControlKind = (typeof CONTROL_KINDS)[number];
const isControlKind = (kind: Token["kind"]): kind is ControlKind => (CONTROL_KINDS as readonly string[]).includes(kind);

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private furthest = 0;
  private vars: string[] = ["$"];
  private actionLine = 0;
  private rangeDepth = 0;
  private parenDepth = 0;
  private blockDepth = 0;

  constructor(text: string, private readonly hasFunction: (name: string) => boolean, private readonly limits: TemplateLimits) {
    this.tokens = lex(text);
  }

  private errorf(message: string): never {
    const line = this.tokens[this.furthest]?.line ?? 1;
    throw new TemplateError(`template: template:${line}: ${message}`);
  }

  private next(): Token {
    const token = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    if (token === undefined) throw new TemplateError("template: empty token stream");
    this.index++;
    this.furthest = Math.max(this.furthest, Math.min(this.index - 1, this.tokens.length - 1));
    return token;
  }

  private backup(): void {
    this.index--;
  }

  private peek(): Token {
    const token = this.next();
    this.backup();
    return token;
  }

  private nextNonSpace(): Token {
    for (;;) {
      const token = this.next();
      if (token.kind !== "space") return token;
    }
  }

  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private unexpected(token: Token, context: string): never {
    if (token.kind !== "error") this.errorf(`unexpected ${tokenString(token)} in ${context}`);
    let extra = this.actionLine !== 0 && this.actionLine !== token.line ? ` in action started at template:${this.actionLine}` : "";
    if (token.val.endsWith(" action")) extra = extra.replace(/^ in action/, ""); // avoid "action in action"
    this.errorf(token.val + extra);
  }

  private expect(kind: Token["kind"], context: string): Token {
    const token = this.nextNonSpace();
    if (token.kind !== kind) this.unexpected(token, context);
    return token;
  }

  parse(): ListNode {
    const root: ListNode = { type: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().kind !== "eof") {
      const node = this.textOrAction();
      if (node.type === "end" || node.type === "else") this.errorf(`unexpected ${nodeString(node)}`);
      root.nodes.push(node);
    }
    return root;
  }

  private itemList(): [ListNode, ParsedNode] {
    const list: ListNode = { type: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().kind !== "eof") {
      const node = this.textOrAction();
      if (node.type === "end" || node.type === "else") return [list, node];
      list.nodes.push(node);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): ParsedNode {
    const token = this.nextNonSpace();
    if (token.kind === "text") return { type: "text", pos: token.pos, text: token.val };
    if (token.kind !== "leftDelim") this.unexpected(token, "input");
    this.actionLine = token.line;
    try {
      return this.action();
    } finally {
      this.actionLine = 0;
    }
  }

  private action(): ParsedNode {
    const token = this.nextNonSpace();
    const kind = token.kind;
    if (!isControlKind(kind)) {
      this.backup();
      const pos = this.peek().pos;
      return { type: "action", pos, pipe: this.pipeline("command", "rightDelim") };
    }
    switch (kind) {
      case "block": case "define": case "template":
        return this.errorf(`{{${kind}}} actions are not supported`);
      case "break": case "continue": {
        const close = this.nextNonSpace();
        if (close.kind !== "rightDelim") this.unexpected(close, `{{${kind}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
        return { type: kind, pos: token.pos };
      }
      case "else": {
        const peek = this.peekNonSpace();
        if (peek.kind === "if" || peek.kind === "with") return { type: "else", pos: peek.pos };
        return { type: "else", pos: this.expect("rightDelim", "else").pos };
      }
      case "end": return { type: "end", pos: this.expect("rightDelim", "end").pos };
      case "if": case "range": case "with": return this.control(kind);
    }
  }

  private control(context: "if" | "range" | "with"): BranchNode {
    // Go has no such limit (its stacks grow to 1 GB); ours keeps parse and walk recursion shallow.
    if (this.blockDepth >= this.limits.maxNestingDepth) limitExceeded(this.limits, "maxNestingDepth");
    this.blockDepth++;
    try {
      return this.controlBody(context);
    } finally {
      this.blockDepth--;
    }
  }

  private controlBody(context: "if" | "range" | "with"): BranchNode {
    const savedVars = this.vars.length;
    const pipe = this.pipeline(context, "rightDelim");
    if (context === "range") this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.type === "else") {
      const chained = this.peek().kind;
      if ((context === "if" && chained === "if") || (context === "with" && chained === "with")) {
        this.next();
        // `{{else if x}}` is `{{else}}{{if x}}…{{end}}{{end}}` sharing one {{end}}.
        elseList = { type: "list", pos: next.pos, nodes: [this.control(context)] };
      } else {
        let end: ParsedNode;
        [elseList, end] = this.itemList();
        if (end.type !== "end") this.errorf(`expected end; found ${nodeString(end)}`);
      }
    }
    this.vars.length = savedVars;
    return { type: context, pos: pipe.pos, pipe, list, elseList };
  }

  private pipeline(context: string, end: "rightDelim" | "rightParen"): PipeNode {
    const pipe: PipeNode = { type: "pipe", pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.kind !== "variable") break;
      const start = this.index;
      this.next();
      const next = this.peekNonSpace();
      if (next.kind === "assign" || next.kind === "declare") {
        pipe.isAssign = next.kind === "assign";
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        break;
      }
      if (next.kind === "char" && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const kind = this.peekNonSpace().kind;
          if (kind === "variable" || kind === "rightDelim" || kind === "rightParen") continue;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      }
      // Not a declaration: rewind so the variable is parsed as an operand.
      this.index = start;
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.kind === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (!isOperandKind(token.kind)) this.unexpected(token, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((cmd, i) => {
      const first = cmd.args[0]?.type;
      if (first === "bool" || first === "dot" || first === "nil" || first === "number" || first === "string") {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const token = this.next();
      if (token.kind === "space") continue;
      if (token.kind === "rightDelim" || token.kind === "rightParen") this.backup();
      else if (token.kind !== "pipe") this.unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined || this.peek().kind !== "field") return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().kind === "field") fields.push(this.next().val.slice(1));
    switch (node.type) {
      case "field": return { type: "field", pos, ident: [...node.ident, ...fields] };
      case "variable": return { type: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool": case "string": case "number": case "nil": case "dot":
        return this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      case "chain": case "identifier": case "pipe": return { type: "chain", pos, node, fields };
    }
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    const { pos, kind } = token;
    if (!isOperandKind(kind)) {
      this.backup();
      return undefined;
    }
    switch (kind) {
      case "identifier":
        if (!this.hasFunction(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: "identifier", pos, name: token.val };
      case "dot": return { type: "dot", pos };
      case "nil": return { type: "nil", pos };
      case "variable": {
        const v = this.newVariable(pos, token.val);
        if (!this.vars.includes(v.ident[0] ?? "")) this.errorf(`undefined variable ${goQuote(v.ident[0] ?? "")}`);
        return v;
      }
      case "field": return { type: "field", pos, ident: token.val.slice(1).split(".") };
      case "bool": return { type: "bool", pos, value: token.val === "true" };
      case "charConstant": case "complex": case "number":
        try {
          return { type: "number", pos, lit: parseNumberLiteral(token.val, kind) };
        } catch (err) {
          return this.errorf(err instanceof Error ? err.message : String(err));
        }
      case "leftParen": {
        if (this.parenDepth >= MAX_PAREN_DEPTH) this.errorf("max expression depth exceeded");
        this.parenDepth++;
        try {
          return this.pipeline("parenthesized pipeline", "rightParen");
        } finally {
          this.parenDepth--;
        }
      }
      case "string": case "rawString": {
        const text = unquote(token.val);
        if (text === undefined) this.errorf("invalid syntax");
        return { type: "string", pos, quoted: token.val, text };
      }
    }
  }

  private newVariable(pos: number, name: string): VariableNode {
    return { type: "variable", pos, ident: name.split(".") };
  }
}

/** Parses template source; throws TemplateError with Go's `template: template:LINE: …` text. */
export function parseTemplate(text: string, hasFunction: (name: string) => boolean, limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS): ListNode {
  return new Parser(text, hasFunction, limits).parse();
}
