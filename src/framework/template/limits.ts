// Bounds on the work one template may cause. A plugin process serves every mount of an engine on
// one event loop, so a template that loops for seconds or builds gigabytes stalls every other
// mount (Go's plugin only loses one goroutine). Go's text/template has no step or size limit; its
// only bounds are the parser's 10000 nested parentheses (parse.go maxStackDepth), 100000 nested
// {{template}} calls (exec.go maxExecDepth; we reject {{template}} at parse time), and fmt's
// widths and precisions of at most 1e6 (print.go tooLarge). The values below sit far above what a
// username template needs (Vault's default is 270 bytes, takes 161 steps for an IAM name, and its
// longest value is 64 bytes) and keep the worst case to a few milliseconds of one core, so
// evaluation can stay synchronous: no template holds the event loop long enough to be felt by
// other mounts.
import { TemplateError } from "./lexer.js";

/** The limits one compiled template is held to; see DEFAULT_TEMPLATE_LIMITS for the reasons. */
export interface TemplateLimits {
  /** Longest template text, in UTF-8 bytes: parsing is linear but not free. */
  readonly maxSourceBytes: number;
  /** Deepest nesting of if/with/range blocks (an `else if` chain nests too): bounds recursion. */
  readonly maxNestingDepth: number;
  /** Evaluation steps per render: one per node, range iteration and call, plus 1 per 4 characters handled. */
  readonly maxSteps: number;
  /** Longest string a function may produce, and longest output, in bytes; printf widths too. */
  readonly maxValueBytes: number;
}

/**
 * The limits of every template unless a caller passes others. 8 KiB of text is 30 times Vault's
 * default template; 100 nested blocks is far beyond any hand-written template and far below the
 * depth at which a JavaScript stack overflows (about 3000); 10000 steps is 60 renders' worth of
 * Vault's default template and runs in a few milliseconds; 16 KiB per value is 256 times the
 * longest name AWS accepts (a value of 16 KiB costs 4096 steps to produce).
 */
export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  maxSourceBytes: 8 * 1024,
  maxNestingDepth: 100,
  maxSteps: 10_000,
  maxValueBytes: 16 * 1024,
};

/** Which limit a template ran into. */
export type TemplateLimitName = keyof TemplateLimits;

/**
 * A template refused for the work it would cause rather than for what it means; the message names
 * the limit and its value so an operator knows what to change. Callers answer it with a 400.
 */
export class TemplateLimitError extends TemplateError {
  constructor(readonly limit: TemplateLimitName, message: string) {
    super(message);
  }
}

const DESCRIPTIONS: Readonly<Record<TemplateLimitName, (value: number) => string>> = {
  maxSourceBytes: (n) => `template text exceeds the limit of ${n} bytes`,
  maxNestingDepth: (n) => `template nests blocks deeper than the limit of ${n}`,
  maxSteps: (n) => `template evaluation exceeds the limit of ${n} steps`,
  maxValueBytes: (n) => `template produces a value longer than the limit of ${n} bytes`,
};

/** Throws the TemplateLimitError for `limit`, with `detail` (what ran over) appended when given. */
export function limitExceeded(limits: TemplateLimits, limit: TemplateLimitName, detail?: string): never {
  const text = DESCRIPTIONS[limit](limits[limit]);
  throw new TemplateLimitError(limit, detail === undefined ? text : `${text} (${detail})`);
}
