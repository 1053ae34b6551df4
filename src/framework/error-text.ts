// User input quoted into error texts, bounded. Vault's messages quote the offending value whole
// (`parsing "…"`, `cannot parse policy document: "…"`), so a 1 MB value made a 1–2 MB error
// body, logged and returned. Here a value up to MAX_QUOTED_INPUT characters is quoted exactly as
// Vault quotes it, so normal error texts stay byte for byte Vault's; a longer one is cut, and the
// text says how much was left out.
import { goQuote } from "./go-quote.js";

/** Characters of one input value an error text quotes: far beyond names, ARNs and durations. */
export const MAX_QUOTED_INPUT = 1024;

/** The start of `text`, cut on a character boundary (never inside a surrogate pair). */
function head(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

const omitted = (text: string, kept: string): string => `... (${text.length - kept.length} more characters)`;

/** Go's %q of an input value (goQuote), its first MAX_QUOTED_INPUT characters when longer. */
export function quoteInput(text: string, max = MAX_QUOTED_INPUT): string {
  if (text.length <= max) return goQuote(text);
  const kept = head(text, max);
  return `${goQuote(kept)}${omitted(text, kept)}`;
}

/** An input value as printed unquoted (Go's %s / %v), its first MAX_QUOTED_INPUT characters when longer. */
export function boundInput(text: string, max = MAX_QUOTED_INPUT): string {
  if (text.length <= max) return text;
  const kept = head(text, max);
  return `${kept}${omitted(text, kept)}`;
}
