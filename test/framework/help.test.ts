// Help texts (`vault path-help`): the per-path and root templates of Vault's sdk/framework,
// compared with golden files, plus the layout rules the templates imply.
import { describe, expect, it } from "vitest";
import { definePath, field, type FieldTypeName, type PathSpec } from "../../src/framework/index.js";
import { helpTypeName, pathHelp, rootHelp } from "../../src/framework/help.js";
import { configLeasePath, credsPath, fixtureBackend, rolePath, rolesListPath } from "./testdata/fixture-backend.js";
import { expectGoldenText } from "./testdata/golden.js";

const bare = (extra: Partial<PathSpec>): PathSpec => ({
  pattern: "thing",
  fields: {},
  operations: {},
  helpSynopsis: "Synopsis.",
  helpDescription: "Description.",
  ...extra,
});

describe("pathHelp", () => {
  it("config/lease matches the golden file (the Go AWS engine prints the same text)", () => {
    expectGoldenText("help-config-lease.txt", pathHelp(configLeasePath, "config/lease"));
  });

  it("a path with captures, sensitive, deprecated and typed fields matches the golden file", () => {
    expectGoldenText("help-role.txt", pathHelp(rolePath, "roles/admin"));
    expectGoldenText("help-creds.txt", pathHelp(credsPath, "sts/me@example.com"));
  });

  it("without fields: no PARAMETERS section, two blank lines before DESCRIPTION", () => {
    expectGoldenText("help-roles-list.txt", pathHelp(rolesListPath, "roles/"));
    expect(pathHelp(bare({}), "thing")).toBe(
      "Request:        thing\nMatching Route: ^thing$\n\nSynopsis.\n\n\n## DESCRIPTION\n\nDescription.",
    );
  });

  it("lays out one field as in Vault's template", () => {
    const spec = bare({ fields: { ttl: field.durationSeconds({ description: "  The TTL.  " }) } });
    expect(pathHelp(spec, "thing")).toBe(
      [
        "Request:        thing",
        "Matching Route: ^thing$",
        "",
        "Synopsis.",
        "",
        "## PARAMETERS",
        "",
        "    ttl (duration (sec))",
        "",
        "        The TTL.",
        "",
        "## DESCRIPTION",
        "",
        "Description.",
      ].join("\n"),
    );
  });

  it("sorts fields by name, marks deprecated ones and indents every description line", () => {
    const spec = bare({
      fields: {
        zeta: field.string({ description: "Last.\nSecond line.\n\nAfter a gap." }),
        alpha: field.int({ description: "Old.", deprecated: true }),
        Beta: field.bool({}),
      },
    });
    const text = pathHelp(spec, "thing");
    expect(text.indexOf("    Beta (bool)")).toBeLessThan(text.indexOf("    alpha (int)"));
    expect(text.indexOf("    alpha (int)")).toBeLessThan(text.indexOf("    zeta (string)"));
    expect(text).toContain("    alpha (int)\n\n        (DEPRECATED) Old.\n");
    expect(text).toContain("    Beta (bool)\n\n        <no description>\n");
    // Go's indent prefixes empty lines too.
    expect(text).toContain("        Last.\n        Second line.\n        \n        After a gap.\n");
  });

  it("prints placeholders for a missing synopsis or description", () => {
    const text = pathHelp(bare({ helpSynopsis: "  ", helpDescription: "\n" }), "thing");
    expect(text).toBe("Request:        thing\nMatching Route: ^thing$\n\n<no synopsis>\n\n\n## DESCRIPTION\n\n<no description>");
  });

  it("shows the route anchored and with Go's named-group spelling", () => {
    expect(pathHelp(bare({ pattern: "^a/(?<name>\\w+)$" }), "a/b")).toContain("Matching Route: ^a/(?P<name>\\w+)$\n");
    expect(pathHelp(bare({ pattern: "a/(?P<name>.+)" }), "a/b")).toContain("Matching Route: ^a/(?P<name>.+)$\n");
    // A look-behind or an escaped parenthesis is not a named group.
    expect(pathHelp(bare({ pattern: "(?<=x)\\(?<y>" }), "x")).toContain("Matching Route: ^(?<=x)\\(?<y>$\n");
  });

  it("spells every field type as Go's FieldType.String does", () => {
    const expected: Record<FieldTypeName, string> = {
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
    for (const [type, name] of Object.entries(expected)) expect(helpTypeName(type as FieldTypeName), type).toBe(name);
  });
});

describe("rootHelp", () => {
  it("matches the golden file: backend help, then every route sorted with its synopsis", () => {
    expectGoldenText("help-root.txt", rootHelp(fixtureBackend));
  });

  it("has the PATHS preamble even for a backend without paths", () => {
    expect(rootHelp({ type: "logical", help: " Nothing here. ", paths: [] })).toBe(
      [
        "## DESCRIPTION",
        "",
        "Nothing here.",
        "",
        "## PATHS",
        "",
        "The following paths are supported by this backend. To view help for",
        "any of the paths below, use the help command with any route matching",
        "the path pattern. Note that depending on the policy of your auth token,",
        "you may or may not be able to access certain paths.",
      ].join("\n"),
    );
  });

  it("indents multi-line synopses and sorts by the anchored pattern", () => {
    const paths = [
      definePath({ ...bare({ pattern: "b", helpSynopsis: "Line one.\nLine two." }) }),
      definePath({ ...bare({ pattern: "^a$", helpSynopsis: "First." }) }),
    ];
    const text = rootHelp({ type: "credential", help: "Auth.", paths });
    expect(text.endsWith("    ^a$\n        First.\n\n    ^b$\n        Line one.\n        Line two.")).toBe(true);
  });
});
