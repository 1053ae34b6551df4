// UTCTime and GeneralizedTime values as Go's encoding/asn1 reads them into a time.Time: seconds
// optional in UTCTime, "Z" or a ±hhmm offset, two-digit years 50–99 meaning 19xx.
import { isUniversal, UNIVERSAL, type BerNode } from "./ber.js";

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d{1,9})?(Z|[+-]\d{4})$/;

function offsetMinutes(zone: string): number {
  if (zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
}

function build(year: number, month: string, day: string, hour: string, minute: string, second: string, millis: number, zone: string): Date | undefined {
  const [mo, d, h, mi, s] = [month, day, hour, minute, second].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const local = Date.UTC(year, mo - 1, d, h, mi, s, millis);
  const date = new Date(local - offsetMinutes(zone) * 60_000);
  // Reject 31 February and the like: the fields must survive the round trip.
  if (new Date(local).getUTCDate() !== d) return undefined;
  return date;
}

/** The instant a UTCTime or GeneralizedTime node holds, or undefined when it is not one. */
export function asn1Time(node: BerNode | undefined): Date | undefined {
  if (node === undefined || node.constructed) return undefined;
  const text = node.contents.toString("latin1");
  if (isUniversal(node, UNIVERSAL.utcTime)) {
    const m = UTC_TIME.exec(text);
    if (m === null) return undefined;
    const yy = Number(m[1]);
    return build(yy < 50 ? 2000 + yy : 1900 + yy, m[2] ?? "", m[3] ?? "", m[4] ?? "", m[5] ?? "", m[6] ?? "00", 0, m[7] ?? "Z");
  }
  if (isUniversal(node, UNIVERSAL.generalizedTime)) {
    const m = GENERALIZED_TIME.exec(text);
    if (m === null) return undefined;
    const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
    return build(Number(m[1]), m[2] ?? "", m[3] ?? "", m[4] ?? "", m[5] ?? "", m[6] ?? "", millis, m[8] ?? "Z");
  }
  return undefined;
}

/** Go's time.RFC3339 rendering of a UTC instant (whole seconds, "Z"). */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
