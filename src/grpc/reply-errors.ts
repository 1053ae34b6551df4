/** Vault's Storage/SystemView replies carry failures as an `err` string; non-empty means failure. */
export function throwIfErr(err: string, what: string): void {
  if (err !== "") throw new Error(`${what}: ${err}`);
}
