// The work bounds of templates (src/framework/template/limits.ts): every hostile shape found
// against OpenBao — a range over a huge number, a huge printf width, huge random lengths, deep
// nesting, long text — is refused quickly with a TemplateLimitError naming its limit, while
// Vault's default template and ordinary custom ones render as before.
import { describe, expect, it } from "vitest";
import { compileTemplate, DEFAULT_TEMPLATE_LIMITS, GoStruct, TemplateLimitError, type TemplateLimitName } from "../../src/framework/template/index.js";
import { DEFAULT_USERNAME_TEMPLATE } from "../../src/engines/aws-secrets/username.js";

const metadata = new GoStruct("aws.UsernameMetadata", { Type: "IAM", DisplayName: "token", PolicyName: "role" });

/** Renders and returns the limit error, asserting it is one and that it came quickly. */
function refused(text: string, limits = {}): TemplateLimitError {
  const started = process.cpuUsage();
  let caught: unknown;
  try {
    compileTemplate(text, { limits }).render(metadata);
  } catch (err) {
    caught = err;
  }
  const cpu = process.cpuUsage(started);
  expect(caught).toBeInstanceOf(TemplateLimitError);
  // A generous bound for a loaded CI machine; the point is "milliseconds, not seconds".
  expect((cpu.user + cpu.system) / 1000).toBeLessThan(250);
  return caught as TemplateLimitError;
}

describe("template limits", () => {
  it("the defaults are the documented ones", () => {
    expect(DEFAULT_TEMPLATE_LIMITS).toEqual({ maxSourceBytes: 8192, maxNestingDepth: 100, maxSteps: 10_000, maxValueBytes: 16_384 });
  });

  it("Vault's default username template and ordinary custom ones still render", () => {
    expect(compileTemplate(DEFAULT_USERNAME_TEMPLATE).render(metadata)).toMatch(/^vault-token-role-\d+-[A-Za-z0-9]{20}$/);
    const custom = '{{slice .PolicyName 0 2}}-{{range 50}}{{printf "%02d" 7}}{{end}}-{{.DisplayName | uppercase | truncate_sha256 12}}';
    expect(compileTemplate(custom).render(metadata)).toBe(`ro-${"07".repeat(50)}-TOKEN`);
  });

  it.each<[string, string, TemplateLimitName, string]>([
    ["a range over a billion", "{{range 1000000000}}x{{end}}", "maxSteps", "template evaluation exceeds the limit of 10000 steps"],
    ["nested ranges", "{{range 1000}}{{range 1000}}{{end}}{{end}}", "maxSteps", "template evaluation exceeds the limit of 10000 steps"],
    ["printf with a huge width", '{{printf "%9999999s" "x"}}', "maxValueBytes", "template produces a value longer than the limit of 16384 bytes (printf width 9999999)"],
    ["printf with a huge * width", '{{printf "%*d" 1000000 1}}', "maxValueBytes", "(printf width 1000000)"],
    ["printf with a huge precision", '{{printf "%.999999f" 1.5}}', "maxValueBytes", "(printf precision 999999)"],
    ["random of a huge length", "{{random 100000000}}", "maxValueBytes", "(random 100000000)"],
    ["replace that multiplies", '{{replace " " (printf "%5000s" "b") (printf "%5000s" "")}}', "maxValueBytes", "(the result of replace)"],
    ["output grown in a loop", '{{range 100}}{{printf "%1000s" "x"}}{{end}}', "maxValueBytes", "(the output)"],
    ["print of many large values", '{{$x := printf "%9000s" "x"}}{{print $x $x}}', "maxValueBytes", "(the arguments of print)"],
  ])("%s is refused naming the limit", (_name, text, limit, message) => {
    const err = refused(text);
    expect(err.limit).toBe(limit);
    expect(err.message).toContain(message);
    expect(err.message).toMatch(/^unable to apply template: /);
  });

  it("each character handled costs steps: large strings in a loop run out of steps, not memory", () => {
    expect(refused('{{$x := printf "%16000s" "a"}}{{range 1000000}}{{uppercase $x | len}}{{end}}').limit).toBe("maxSteps");
    expect(refused('{{$x := printf "%16000s" "a"}}{{range 1000000}}{{timestamp $x | len}}{{end}}').limit).toBe("maxSteps");
    expect(refused("{{range 1000000}}{{random 20}}{{end}}").limit).toBe("maxSteps");
  });

  it("nesting deeper than the limit is refused at parse time; at the limit it works", () => {
    const nested = (n: number): string => `${"{{if 1}}".repeat(n)}x${"{{end}}".repeat(n)}`;
    expect(compileTemplate(nested(100)).render(null)).toBe("x");
    const err = refused(nested(101));
    expect(err.message).toBe("unable to parse template: template nests blocks deeper than the limit of 100");
    // An else-if chain nests as well (Go parses it as nested ifs).
    expect(refused(`{{if 0}}${"{{else if 0}}".repeat(200)}{{end}}`).limit).toBe("maxNestingDepth");
  });

  it("template text longer than the limit is refused before parsing", () => {
    const err = refused(`{{1}}${" ".repeat(9000)}`);
    expect(err.limit).toBe("maxSourceBytes");
    expect(err.message).toBe("template text exceeds the limit of 8192 bytes (9005 bytes given)");
  });

  it("callers can set their own limits", () => {
    expect(refused("{{range 10}}x{{end}}", { maxSteps: 5 }).message).toContain("limit of 5 steps");
    expect(compileTemplate("{{range 20000}}{{end}}", { limits: { maxSteps: 100_000 } }).render(null)).toBe("");
  });

  it("a custom function's limit error is not hidden behind 'error calling'", () => {
    const tpl = compileTemplate('{{printf "%20000s" "x" | len}}');
    expect(() => tpl.render(null)).toThrow(TemplateLimitError);
  });
});
