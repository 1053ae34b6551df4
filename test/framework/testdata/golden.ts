// Golden files for the documentation tests. `UPDATE_GOLDEN=1 npx vitest run test/framework/help
// test/framework/openapi` rewrites them from the current output; review the diff before keeping it.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const DIR = path.dirname(fileURLToPath(import.meta.url));

const updating = (): boolean => process.env["UPDATE_GOLDEN"] === "1";

/** Compares text with testdata/<name> exactly. */
export function expectGoldenText(name: string, actual: string): void {
  const file = path.join(DIR, name);
  if (updating()) fs.writeFileSync(file, actual.endsWith("\n") ? actual : `${actual}\n`);
  // Files end with a newline; the help texts themselves never do.
  const expected = fs.readFileSync(file, "utf8").replace(/\n$/, "");
  expect(actual).toBe(expected);
}

/** Compares a JSON value with testdata/<name>, after a JSON round trip (what Vault receives). */
export function expectGoldenJson(name: string, actual: unknown): void {
  const file = path.join(DIR, name);
  const json = JSON.stringify(actual, null, 2);
  if (updating()) fs.writeFileSync(file, `${json}\n`);
  const expected: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(JSON.parse(json)).toEqual(expected);
  // Key order too: the files are written in Go's order, and a reordering is worth noticing.
  expect(json).toBe(JSON.stringify(expected, null, 2));
}
