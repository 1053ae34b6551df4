/** The request operations Vault sends to a backend (protocol.md §5.5). */
export const OPERATIONS = [
  "create",
  "read",
  "update",
  "patch",
  "delete",
  "list",
  "help",
  "alias-lookahead",
  "resolve-role",
  "header",
  "revoke",
  "renew",
  "rollback",
  "scan",
] as const;

export type Operation = (typeof OPERATIONS)[number];

/** Narrows an operation string from the wire; unknown strings are answered as unsupported. */
export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}
