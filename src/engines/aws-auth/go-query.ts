// Go's url.ParseQuery, because the login's checks must read the signed body and query string
// exactly as Vault does: a pair Go would drop or refuse must be dropped or refused here too, or a
// request could look like "only GetCallerIdentity" to us and like something else to STS.

export interface GoQuery {
  /** Keys in first-seen order, each with its values in order. */
  values: Map<string, string[]>;
  /** Go's first error text, when a pair was refused (the pair itself is left out). */
  error?: string;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** url.QueryUnescape: `+` is a space, `%XX` a byte; the bytes are read as UTF-8. */
export function queryUnescape(text: string): { ok: string } | { error: string } {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "%") {
      const pair = text.slice(i + 1, i + 3);
      if (!HEX.test(pair)) return { error: `invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}` };
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else if (c === "+") {
      bytes.push(0x20);
    } else {
      // Keep a surrogate pair together so the character survives the UTF-8 round trip.
      const code = text.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(code);
      bytes.push(...Buffer.from(char, "utf8"));
      i += char.length - 1;
    }
  }
  return { ok: Buffer.from(bytes).toString("utf8") };
}

/** url.ParseQuery: `&`-separated pairs; a pair with `;` or a bad escape is an error and skipped. */
export function parseGoQuery(query: string): GoQuery {
  const values = new Map<string, string[]>();
  let error: string | undefined;
  for (const pair of query.split("&")) {
    if (pair.includes(";")) {
      error ??= "invalid semicolon separator in query";
      continue;
    }
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = queryUnescape(eq === -1 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq === -1 ? "" : pair.slice(eq + 1));
    if ("error" in key || "error" in value) {
      error ??= "error" in key ? key.error : "error" in value ? value.error : "";
      continue;
    }
    const list = values.get(key.ok) ?? [];
    list.push(value.ok);
    values.set(key.ok, list);
  }
  return error === undefined ? { values } : { values, error };
}
