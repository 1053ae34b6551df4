// Executes a parsed template the way Go's text/template/exec.go does: same evaluation order,
// same argument checking against parameter kinds, same "current node" bookkeeping so that
// execution errors read `template: template:L:C: executing "template" at <node>: message`.
// The evaluator short-circuits Go's and/or itself; every other function is called through
// ExecContext.lookup.
import { goQuote } from "../go-quote.js";
import { TemplateError } from "./lexer.js";
import { limitExceeded, TemplateLimitError, type TemplateLimits } from "./limits.js";
import { nodeString, type ArgNode, type BranchNode, type ChainNode, type CommandNode, type FieldNode, type ListNode, type Node, type NumberNode, type PipeNode, type VariableNode } from "./parser.js";
import { formatValue, GoMap, GoStruct, truth, typeName, utf8, type FuncEnv, type GoValue, type ParamKind, type TemplateFunc } from "./funcs.js";

const MISSING = Symbol("no final argument");
type Final = GoValue | typeof MISSING;
type Signal = "break" | "continue" | undefined;
type ArgKind = ParamKind | "none";
type Located = Parameters<typeof nodeString>[0];

/** A function as found by name: Go's builtins are flagged so and/or can short-circuit. */
export interface ResolvedFunc { readonly fn: TemplateFunc; readonly builtin: boolean }

/** Everything one execution needs besides the data. */
export interface ExecContext {
  readonly source: string;
  readonly lookup: (name: string) => ResolvedFunc | undefined;
  readonly env: FuncEnv;
  /** Go's Option("missingkey=error"). */
  readonly missingKeyError: boolean;
  /** The step and size bounds of this execution (limits.ts). */
  readonly limits: TemplateLimits;
}

interface Variable { readonly name: string; value: GoValue; boxed: boolean }

const GO_TYPE: Record<ParamKind, string> = { string: "string", int: "int", float: "float64", bool: "bool", any: "interface {}", value: "reflect.Value" };

class State {
  private node: Located | undefined;
  /** Whether the last evaluated argument was an interface value (a map or slice element). */
  private argBoxed = false;
  private readonly vars: Variable[];
  out = "";
  private outBytes = 0;
  private steps = 0;

  constructor(private readonly ctx: ExecContext, data: GoValue) {
    this.vars = [{ name: "$", value: data, boxed: false }];
  }

  private at(node: Located): void {
    this.node = node;
  }

  errorf(message: string): never {
    if (this.node === undefined) throw new TemplateError(`template: template: ${message}`);
    const before = this.ctx.source.slice(0, this.node.pos);
    const line = before.split("\n").length;
    const column = utf8(before.slice(before.lastIndexOf("\n") + 1)).length;
    throw new TemplateError(`template: template:${line}:${column}: executing "template" at <${nodeString(this.node)}>: ${message}`);
  }

  /** Charges evaluation steps; over the budget the whole render stops (limits.ts says why). */
  private tick(cost = 1): void {
    this.steps += cost;
    if (this.steps > this.ctx.limits.maxSteps) limitExceeded(this.ctx.limits, "maxSteps");
  }

  /** Appends to the output, which may not outgrow the value limit. */
  private emit(text: string): void {
    this.outBytes += byteLength(text);
    if (this.outBytes > this.ctx.limits.maxValueBytes) limitExceeded(this.ctx.limits, "maxValueBytes", "the output");
    this.tick(charCost(text.length));
    this.out += text;
  }

  walk(dot: GoValue, dotBoxed: boolean, node: Node | ListNode): Signal {
    this.at(node);
    this.tick();
    switch (node.type) {
      case "list":
        for (const child of node.nodes) {
          const signal = this.walk(dot, dotBoxed, child);
          if (signal !== undefined) return signal;
        }
        return undefined;
      case "text":
        this.emit(node.text);
        return undefined;
      case "action": {
        const value = this.evalPipeline(dot, dotBoxed, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node);
          this.emit(value === undefined ? "<no value>" : formatValue(value, "v"));
        }
        return undefined;
      }
      case "if": case "with": return this.walkIfOrWith(dot, dotBoxed, node);
      case "range": return this.walkRange(dot, dotBoxed, node);
      case "break": case "continue": return node.type;
    }
  }

  private walkIfOrWith(dot: GoValue, dotBoxed: boolean, node: BranchNode): Signal {
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, dotBoxed, node.pipe);
      if (truth(value)) return node.type === "with" ? this.walk(value, false, node.list) : this.walk(dot, dotBoxed, node.list);
      return node.elseList ? this.walk(dot, dotBoxed, node.elseList) : undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: GoValue, dotBoxed: boolean, node: BranchNode): Signal {
    this.at(node);
    const mark = this.vars.length;
    try {
      const value = this.evalPipeline(dot, dotBoxed, node.pipe);
      const bodyMark = this.vars.length;
      const { decl, isAssign } = node.pipe;
      const iterate = (index: GoValue, elem: GoValue, boxed: boolean): Signal => {
        // With one variable it receives the element; with two, index then element. Indexes and
        // map keys are concrete values; only elements can be interface values.
        const set = (position: number, v: GoValue, vBoxed: boolean): void => {
          const declared = decl[position];
          if (declared === undefined) return;
          if (isAssign) this.setVar(declared.ident[0] ?? "", v, vBoxed);
          else {
            // Declared (:=) variables were pushed by the pipeline and sit on top of the stack.
            const slot = this.vars[this.vars.length - decl.length + position];
            if (slot) Object.assign(slot, { value: v, boxed: vBoxed });
          }
        };
        if (decl.length === 1) set(0, elem, boxed);
        if (decl.length === 2) {
          set(0, index, false);
          set(1, elem, boxed);
        }
        try {
          return this.walk(elem, boxed, node.list);
        } finally {
          this.vars.length = bodyMark;
        }
      };
      // Integers yield 0..n-1 (Go 1.22); slice and map elements are interface values ("boxed").
      let items: Iterable<[GoValue, GoValue]> = [];
      const boxed = typeof value !== "bigint";
      if (typeof value === "bigint") {
        if (decl.length > 1) this.errorf(`can't use ${formatValue(value, "v")} to iterate over more than one variable`);
        items = (function* count(): Generator<[GoValue, GoValue]> {
          for (let i = 0n; i < value; i++) yield [undefined, i];
        })();
      } else if (Array.isArray(value)) {
        items = (value as readonly GoValue[]).map((e, i): [GoValue, GoValue] => [BigInt(i), e]);
      } else if (value instanceof GoMap) {
        items = [...value.entries.keys()].sort().map((key): [GoValue, GoValue] => [key, value.entries.get(key)]);
      } else if (value !== undefined) {
        this.errorf(`range can't iterate over ${formatValue(value, "v")}`);
      }
      let ran = false;
      for (const [index, elem] of items) {
        ran = true;
        this.tick();
        if (iterate(index, elem, boxed) === "break") break;
      }
      if (!ran && node.elseList) return this.walk(dot, dotBoxed, node.elseList);
      return undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private evalPipeline(dot: GoValue, dotBoxed: boolean, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotBoxed, cmd, value);
      // An interface value is replaced by what it holds; a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      const name = v.ident[0] ?? "";
      if (pipe.isAssign) this.setVar(name, result, false);
      else this.vars.push({ name, value: result, boxed: false });
    }
    return result;
  }

  private setVar(name: string, value: GoValue, boxed: boolean): void {
    const variable = this.vars.findLast((v) => v.name === name);
    if (variable === undefined) this.errorf(`undefined variable: ${name}`);
    Object.assign(variable, { value, boxed });
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${args[0] ? nodeString(args[0]) : ""}`);
  }

  private evalCommand(dot: GoValue, dotBoxed: boolean, cmd: CommandNode, final: Final): GoValue {
    this.tick();
    const first = cmd.args[0];
    if (first === undefined) return this.errorf("empty command");
    switch (first.type) {
      case "field": return this.evalFieldNode(dot, dotBoxed, first, cmd.args, final);
      case "chain": return this.evalChainNode(dot, dotBoxed, first, cmd.args, final);
      case "identifier": return this.evalFunction(dot, dotBoxed, first.name, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotBoxed, first);
      case "variable": return this.evalVariableNode(first, cmd.args, final);
      case "bool": case "dot": case "nil": case "number": case "string":
        this.at(first);
        this.notAFunction(cmd.args, final);
        if (first.type === "nil") return this.errorf("nil is not a command");
        if (first.type === "number") return this.idealConstant(first);
        return first.type === "bool" ? first.value : first.type === "dot" ? dot : first.text;
    }
  }

  private idealConstant(node: NumberNode): GoValue {
    this.at(node);
    const { text, int, float } = node.lit;
    const hexInt = /^[+-]?0[xX]/.test(text) && !/[pP]/.test(text);
    if (float !== undefined && !hexInt && !text.startsWith("'") && /[.eEpP]/.test(text)) return float;
    if (int !== undefined) return int;
    return this.errorf(`${text} overflows int`);
  }

  private evalFieldNode(dot: GoValue, dotBoxed: boolean, field: FieldNode, args: readonly ArgNode[], final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dotBoxed, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, dotBoxed: boolean, chain: ChainNode, args: readonly ArgNode[], final: Final): GoValue {
    this.at(chain);
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const base = this.evalArg(dot, dotBoxed, "none", chain.node);
    return this.evalFieldChain(base, false, chain.fields, args, final);
  }

  private evalVariableNode(node: VariableNode, args: readonly ArgNode[], final: Final): GoValue {
    this.at(node);
    const name = node.ident[0] ?? "";
    const variable = this.vars.findLast((v) => v.name === name);
    if (variable === undefined) return this.errorf(`undefined variable: ${name}`);
    if (node.ident.length === 1) {
      this.notAFunction(args, final);
      this.argBoxed = variable.boxed;
      return variable.value;
    }
    return this.evalFieldChain(variable.value, variable.boxed, node.ident.slice(1), args, final);
  }

  private evalFieldChain(receiver: GoValue, boxed: boolean, idents: readonly string[], args: readonly ArgNode[], final: Final): GoValue {
    let current = receiver;
    let currentBoxed = boxed;
    idents.forEach((name, i) => {
      const last = i === idents.length - 1;
      [current, currentBoxed] = this.evalField(name, last ? args : [], last ? final : MISSING, current, currentBoxed);
    });
    this.argBoxed = currentBoxed;
    return current;
  }

  private evalField(name: string, args: readonly ArgNode[], final: Final, receiver: GoValue, boxed: boolean): [GoValue, boolean] {
    this.tick();
    const quoted = (): string => goQuote(name);
    if (receiver === undefined) {
      if (this.ctx.missingKeyError) this.errorf(`nil data; no entry for key ${quoted()}`);
      return [undefined, false];
    }
    const type = boxed ? "interface {}" : typeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${type}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof GoStruct && receiver.fields.has(name)) {
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return [receiver.fields.get(name), false];
    }
    if (receiver instanceof GoMap) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const value = receiver.entries.get(name);
      if (value === undefined && this.ctx.missingKeyError) this.errorf(`map has no entry for key ${quoted()}`);
      return [value, true];
    }
    return this.errorf(`can't evaluate field ${name} in type ${type}`);
  }

  private evalFunction(dot: GoValue, dotBoxed: boolean, name: string, ident: ArgNode, node: Located, args: readonly ArgNode[], final: Final): GoValue {
    this.at(ident);
    const found = this.ctx.lookup(name);
    if (found === undefined) return this.errorf(`${goQuote(name)} is not a defined function`);
    const { fn, builtin } = found;
    const given = args.slice(1);
    const numIn = given.length + (final === MISSING ? 0 : 1);
    if (fn.variadic !== undefined) {
      if (numIn < fn.params.length) this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${given.length}`);
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (builtin && (name === "and" || name === "or")) {
      let v: GoValue = undefined;
      for (const arg of given) {
        v = this.evalArg(dot, dotBoxed, "value", arg);
        if (truth(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = this.validateType(final, "value");
      return v;
    }
    const kindAt = (i: number): ParamKind => fn.params[i] ?? fn.variadic ?? "any";
    const boxed: boolean[] = [];
    const argv = given.map((arg, i) => {
      const v = this.evalArg(dot, dotBoxed, kindAt(i), arg);
      boxed.push(this.argBoxed);
      return v;
    });
    if (final !== MISSING) argv.push(this.validateType(final, kindAt(numIn - 1)));
    // A call costs a step plus one per 4 characters it reads and writes: a function handling large strings
    // is as much work as many small steps. Its string arguments together stay within the value
    // limit, so no function is handed more than it could legitimately return.
    // (Counted in UTF-16 units, never more than the UTF-8 bytes, so the check errs on the lenient side.)
    const input = argv.reduce<number>((sum, v) => sum + (typeof v === "string" ? v.length : 0), 0);
    if (input > this.ctx.limits.maxValueBytes) {
      limitExceeded(this.ctx.limits, "maxValueBytes", `the arguments of ${name}`);
    }
    this.tick(1 + charCost(input) + (fn.cost?.(argv) ?? 0));
    let result: GoValue;
    try {
      result = fn.call(argv, this.ctx.env, boxed);
    } catch (err) {
      if (err instanceof TemplateLimitError) throw err;
      this.at(node);
      return this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof result === "string") {
      if (byteLength(result) > this.ctx.limits.maxValueBytes) limitExceeded(this.ctx.limits, "maxValueBytes", `the result of ${name}`);
      this.tick(charCost(result.length));
    }
    return result;
  }

  /** Go's validateType: checks a computed value against a parameter kind. */
  private validateType(value: GoValue, kind: ArgKind): GoValue {
    if (kind === "none" || kind === "value") return value;
    if (value === undefined) {
      if (kind === "any") return null;
      return this.errorf(`invalid value; expected ${GO_TYPE[kind]}`);
    }
    if (kind === "any") return value;
    if (value === null || typeName(value) !== GO_TYPE[kind]) this.errorf(`wrong type for value; expected ${GO_TYPE[kind]}; got ${typeName(value)}`);
    return value;
  }

  /** Evaluates an argument; sets argBoxed when the value came out of an interface-typed container. */
  private evalArg(dot: GoValue, dotBoxed: boolean, kind: ArgKind, node: ArgNode): GoValue {
    this.at(node);
    this.tick();
    this.argBoxed = false;
    const unboxed = <T>(v: T): T => {
      this.argBoxed = false;
      return v;
    };
    switch (node.type) {
      case "dot":
        this.argBoxed = dotBoxed;
        return this.validateType(dot, kind);
      case "nil":
        if (kind === "any" || kind === "value" || kind === "none") return kind === "any" ? null : undefined;
        return this.errorf(`cannot assign nil to ${GO_TYPE[kind]}`);
      case "field": return this.validateType(this.evalFieldNode(dot, dotBoxed, node, [node], MISSING), kind);
      case "variable": return this.validateType(this.evalVariableNode(node, [], MISSING), kind);
      case "pipe": return unboxed(this.validateType(this.evalPipeline(dot, dotBoxed, node), kind));
      case "identifier": return unboxed(this.validateType(this.evalFunction(dot, dotBoxed, node.name, node, node, [node], MISSING), kind));
      case "chain": return this.validateType(this.evalChainNode(dot, dotBoxed, node, [], MISSING), kind);
      case "bool": case "number": case "string": break; // constants: typed by the parameter below
    }
    const found = (): string => nodeString(node);
    switch (kind) {
      case "bool": return node.type === "bool" ? node.value : this.errorf(`expected bool; found ${found()}`);
      case "string": return node.type === "string" ? node.text : this.errorf(`expected string; found ${found()}`);
      case "int":
        return node.type === "number" && node.lit.int !== undefined ? node.lit.int : this.errorf(`expected integer; found ${found()}`);
      case "float":
        return node.type === "number" && node.lit.float !== undefined ? node.lit.float : this.errorf(`expected float; found ${found()}`);
      case "any": case "value": case "none":
        return node.type === "number" ? this.idealConstant(node) : node.type === "bool" ? node.value : node.text;
    }
  }
}

/**
 * Steps charged for handling `chars` characters: one per 4. The slowest helpers (float digits,
 * %q, urlquery) take up to about 0.1 µs a character and a node step about 0.3 µs, so a render's
 * character work, like its node work, stays within a few milliseconds.
 */
const charCost = (chars: number): number => chars >> 2;

const byteLength = (s: string): number => Buffer.byteLength(s, "utf8");

/** Runs a parsed template against data; throws TemplateError with Go's execution error text. */
export function execute(root: ListNode, data: GoValue, ctx: ExecContext): string {
  const state = new State(ctx, data);
  state.walk(data, false, root);
  return state.out;
}
