// The client's iam_request_url, split the way Go's url.Parse splits it: Vault forwards the path and
// query string to its own STS endpoint and sends the URL's host as the HTTP Host (the signature
// covers it), so both parts must be read exactly, and nothing else of the URL is used.

export interface RequestUrl {
  /** host[:port] as written, without user info; "" for a URL without an authority. */
  host: string;
  /** Go's RequestURI: escaped path ("/" when empty), then "?" and the raw query if one was written. */
  requestUri: string;
  /** The raw query string (after "?", before "#"). */
  rawQuery: string;
}

// eslint-disable-next-line no-control-regex -- Go refuses URLs with control characters; so do we.
const CONTROL = /[\x00-\x1f\x7f]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:\d*)?$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Characters Go's EscapedPath would escape in a path: everything outside printable ASCII, and space. */
function escapePath(path: string): string {
  return path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

/** The URL's parts, or undefined where Go's url.Parse fails (or the URL is opaque: "scheme:text"). */
export function parseRequestUrl(raw: string): RequestUrl | undefined {
  if (CONTROL.test(raw)) return undefined;
  let rest = raw;
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const scheme = SCHEME.exec(rest);
  if (scheme !== null) {
    rest = rest.slice(scheme[0].length);
    // An opaque URL ("mailto:x") has no path to forward.
    if (!rest.startsWith("/")) return undefined;
  }
  const q = rest.indexOf("?");
  const forceQuery = q !== -1;
  const rawQuery = forceQuery ? rest.slice(q + 1) : "";
  rest = forceQuery ? rest.slice(0, q) : rest;
  let host = "";
  if (rest.startsWith("//")) {
    const end = rest.indexOf("/", 2);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, end);
    rest = end === -1 ? "" : rest.slice(end);
    host = authority.slice(authority.lastIndexOf("@") + 1);
    if (!HOST.test(host) || BAD_ESCAPE.test(host)) return undefined;
  }
  if (BAD_ESCAPE.test(rest)) return undefined;
  const path = rest === "" ? "/" : escapePath(rest);
  return { host, rawQuery, requestUri: forceQuery ? `${path}?${rawQuery}` : path };
}
