// Storage reads a login will need whatever happens, started before the slower steps they do not
// depend on (the STS call, the signature check) so their round trips to Vault overlap them. The
// reads are the same ones upstream makes, and nothing read is used before the checks that come
// first in upstream's order have passed: only the waiting is shared.

/** A read started now; awaiting the returned function gives its value or rethrows its failure. */
export type EarlyRead<T> = () => Promise<T>;

export function startEarly<T>(read: () => Promise<T>): EarlyRead<T> {
  const pending = read();
  // A login refused before it asks for the value must not leave an unhandled rejection behind;
  // whoever awaits the value still sees the failure.
  pending.catch(() => undefined);
  return () => pending;
}
