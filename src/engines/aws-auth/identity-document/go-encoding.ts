// Go's base64.StdEncoding and encoding/pem as upstream uses them. Buffer.from(text, "base64")
// skips characters it does not know, which would accept input Vault refuses.

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** base64.StdEncoding.DecodeString: padding required, CR and LF ignored; undefined if invalid. */
export function decodeStdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (!STD_BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

/** The bytes of a PEM body (pem.Decode also drops spaces and tabs); undefined if invalid. */
export function decodePemBody(body: string): Buffer | undefined {
  return decodeStdBase64(body.replace(/[ \t]/g, ""));
}

export interface PemBlock {
  type: string;
  bytes: Buffer;
  /** What follows the block's END line. */
  rest: string;
}

/**
 * The first PEM block in `text` (text before it is skipped, as pem.Decode does), or undefined.
 * Headers ("Proc-Type: …") are not supported; certificates never carry them.
 */
export function decodeFirstPem(text: string): PemBlock | undefined {
  const begin = /-----BEGIN ([^\r\n]*?)-----[ \t\r]*\n/.exec(text);
  if (begin === null) return undefined;
  const type = begin[1] ?? "";
  const bodyStart = begin.index + begin[0].length;
  const endMarker = `-----END ${type}-----`;
  const endIndex = text.indexOf(endMarker, bodyStart);
  if (endIndex < 0) return undefined;
  const bytes = decodePemBody(text.slice(bodyStart, endIndex));
  if (bytes === undefined) return undefined;
  // Only blanks may follow the END marker on its line; the line break ends the block.
  const after = text.slice(endIndex + endMarker.length);
  const lineEnd = after.indexOf("\n");
  const restOfLine = lineEnd < 0 ? after : after.slice(0, lineEnd);
  if (restOfLine.trim() !== "") return undefined;
  return { type, bytes, rest: lineEnd < 0 ? "" : after.slice(lineEnd + 1) };
}
