// Go's time.Time as text. Vault stores times with json.Marshal (RFC 3339, nanoseconds, trailing
// zeros of the fraction dropped) and answers reads with Format(time.RFC3339Nano) of the stored
// value, which keeps the stored offset and nanoseconds. A JS Date keeps neither, so reads
// reformat the stored text instead of a Date.

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** The fraction as RFC3339Nano prints it: at most nine digits, trailing zeros and a bare dot dropped. */
function fraction(digits: string): string {
  const trimmed = digits.slice(0, 9).replace(/0+$/, "");
  return trimmed === "" ? "" : `.${trimmed}`;
}

/** What Go's json.Marshal writes for this instant in UTC (milliseconds are all a Date has). */
export function goTimeJson(date: Date): string {
  const iso = date.toISOString();
  const match = /^(.*)\.(\d{3})Z$/.exec(iso);
  if (match === null) return iso;
  return `${match[1] ?? ""}${fraction(match[2] ?? "")}Z`;
}

/**
 * A stored RFC 3339 time as Go's Format(time.RFC3339Nano) prints it after decoding: same date,
 * clock and offset ("Z" for a zero offset), the fraction trimmed. Text that is not RFC 3339 is
 * returned unchanged (storage validation has already refused it on the way in).
 */
export function goTimeText(stored: string): string {
  const m = RFC3339.exec(stored);
  if (m === null) return stored;
  const [, date = "", clock = "", frac = "", , sign, hours, minutes] = m;
  const zone = sign === undefined || (hours === "00" && minutes === "00") ? "Z" : `${sign}${hours ?? ""}:${minutes ?? ""}`;
  return `${date}T${clock}${fraction(frac)}${zone}`;
}
