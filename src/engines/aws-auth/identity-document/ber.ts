// A small BER reader for PKCS#7 and X.509: AWS's pkcs7 documents use indefinite lengths (BER),
// so a DER-only reader would refuse them. Everything the client sends is untrusted: lengths are
// checked against the bytes present, nesting is bounded, and every failure is a BerError.

/** A malformed encoding; the message says what was wrong (it never quotes the input). */
export class BerError extends Error {
  override readonly name = "BerError";
}

export const TagClass = { Universal: 0, Application: 1, Context: 2, Private: 3 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

export interface BerNode {
  tagClass: TagClass;
  constructed: boolean;
  tagNumber: number;
  /** Contents of a primitive value (empty for a constructed one). */
  contents: Buffer;
  /** Elements of a constructed value, in order. */
  children: BerNode[];
}

/** Deeper than any certificate or SignedData needs; stops stack exhaustion by crafted input. */
const MAX_DEPTH = 48;
/** Lengths over 4 octets would exceed any input Vault accepts in a request. */
const MAX_LENGTH_OCTETS = 4;

interface Cursor {
  bytes: Buffer;
  offset: number;
}

function readByte(cursor: Cursor, what: string): number {
  const b = cursor.bytes[cursor.offset];
  if (b === undefined) throw new BerError(`asn1: truncated ${what}`);
  cursor.offset++;
  return b;
}

function readIdentifier(cursor: Cursor): Pick<BerNode, "tagClass" | "constructed" | "tagNumber"> {
  const first = readByte(cursor, "tag");
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (i >= 4) throw new BerError("asn1: tag number too large");
      const b = readByte(cursor, "tag");
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  return { tagClass: (first >> 6) as TagClass, constructed: (first & 0x20) !== 0, tagNumber };
}

/** The length, or undefined for the indefinite form (0x80). */
function readLength(cursor: Cursor): number | undefined {
  const first = readByte(cursor, "length");
  if (first < 0x80) return first;
  if (first === 0x80) return undefined;
  const count = first & 0x7f;
  if (count > MAX_LENGTH_OCTETS) throw new BerError("asn1: length too large");
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + readByte(cursor, "length");
  return length;
}

function isEndOfContents(cursor: Cursor): boolean {
  return cursor.bytes[cursor.offset] === 0 && cursor.bytes[cursor.offset + 1] === 0;
}

function readNode(cursor: Cursor, end: number, depth: number): BerNode {
  if (depth > MAX_DEPTH) throw new BerError("asn1: nesting too deep");
  const id = readIdentifier(cursor);
  const length = readLength(cursor);
  if (length === undefined) {
    if (!id.constructed) throw new BerError("asn1: indefinite length on a primitive value");
    const children: BerNode[] = [];
    for (;;) {
      if (cursor.offset + 2 > end) throw new BerError("asn1: missing end-of-contents");
      if (isEndOfContents(cursor)) {
        cursor.offset += 2;
        return { ...id, contents: Buffer.alloc(0), children };
      }
      children.push(readNode(cursor, end, depth + 1));
    }
  }
  const contentEnd = cursor.offset + length;
  if (contentEnd > end) throw new BerError("asn1: length exceeds the data available");
  if (!id.constructed) {
    const contents = cursor.bytes.subarray(cursor.offset, contentEnd);
    cursor.offset = contentEnd;
    return { ...id, contents, children: [] };
  }
  const children: BerNode[] = [];
  while (cursor.offset < contentEnd) children.push(readNode(cursor, contentEnd, depth + 1));
  return { ...id, contents: Buffer.alloc(0), children };
}

/** Exactly one value filling `bytes`; trailing bytes are an error, as in Go's pkcs7.Parse. */
export function parseBer(bytes: Buffer): BerNode {
  if (bytes.length === 0) throw new BerError("asn1: no data");
  const cursor: Cursor = { bytes, offset: 0 };
  const node = readNode(cursor, bytes.length, 0);
  if (cursor.offset !== bytes.length) throw new BerError("asn1: syntax error: trailing data");
  return node;
}

function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

function identifierOctets(node: Pick<BerNode, "tagClass" | "constructed" | "tagNumber">): Buffer {
  const lead = (node.tagClass << 6) | (node.constructed ? 0x20 : 0);
  if (node.tagNumber < 0x1f) return Buffer.from([lead | node.tagNumber]);
  const octets: number[] = [node.tagNumber & 0x7f];
  for (let n = Math.floor(node.tagNumber / 128); n > 0; n = Math.floor(n / 128)) octets.unshift((n & 0x7f) | 0x80);
  return Buffer.from([lead | 0x1f, ...octets]);
}

/**
 * The node re-encoded with definite, minimal lengths (what Go's ber2der produces). For input that
 * already was DER this gives back the same bytes.
 */
export function toDer(node: BerNode): Buffer {
  const body = node.constructed ? Buffer.concat(node.children.map(toDer)) : node.contents;
  return Buffer.concat([identifierOctets(node), lengthOctets(body.length), body]);
}

/** A DER value from its single identifier octet and its contents. */
export function derValue(identifier: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([identifier]), lengthOctets(contents.length), contents]);
}

/** The contents octets of the node's DER encoding. */
export function derContents(node: BerNode): Buffer {
  return node.constructed ? Buffer.concat(node.children.map(toDer)) : node.contents;
}

export function isUniversal(node: BerNode | undefined, tagNumber: number): node is BerNode {
  return node !== undefined && node.tagClass === TagClass.Universal && node.tagNumber === tagNumber;
}

export function isContext(node: BerNode | undefined, tagNumber: number): node is BerNode {
  return node !== undefined && node.tagClass === TagClass.Context && node.tagNumber === tagNumber;
}

export const UNIVERSAL = {
  integer: 2,
  octetString: 4,
  oid: 6,
  sequence: 16,
  set: 17,
  utcTime: 23,
  generalizedTime: 24,
} as const;

/** Dotted form of an OBJECT IDENTIFIER's contents. */
export function oidText(node: BerNode): string {
  if (!isUniversal(node, UNIVERSAL.oid) || node.constructed || node.contents.length === 0) throw new BerError("asn1: expected an OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let value = 0;
  for (const b of node.contents) {
    if (value > 2 ** 45) throw new BerError("asn1: OBJECT IDENTIFIER arc too large");
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  if ((node.contents[node.contents.length - 1] ?? 0) & 0x80) throw new BerError("asn1: truncated OBJECT IDENTIFIER");
  const [first = 0, ...rest] = arcs;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...rest].join(".");
}

/** An INTEGER's value (two's complement, as X.509 serials and DSA r/s are). */
export function integerValue(node: BerNode | undefined): bigint {
  if (!isUniversal(node, UNIVERSAL.integer) || node.constructed || node.contents.length === 0) throw new BerError("asn1: expected an INTEGER");
  const hex = node.contents.toString("hex");
  const unsigned = BigInt(`0x${hex}`);
  const negative = ((node.contents[0] ?? 0) & 0x80) !== 0;
  return negative ? unsigned - (1n << BigInt(node.contents.length * 8)) : unsigned;
}

/** A node's elements when it is a constructed value of the expected kind, else a BerError. */
export function elementsOf(node: BerNode | undefined, tagNumber: number, what: string): BerNode[] {
  if (!isUniversal(node, tagNumber) || !node.constructed) throw new BerError(`asn1: expected ${what}`);
  return node.children;
}
