// ContentInfo → SignedData → content and SignerInfos (RFC 2315 / RFC 5652), read the way Vault's
// pkcs7 package reads them: embedded certificates and CRLs are skipped (the caller supplies the
// trusted certificates), a constructed OCTET STRING content is joined from its pieces.
import { OID } from "./algorithms.js";
import { BerError, derContents, elementsOf, integerValue, isContext, isUniversal, oidText, parseBer, toDer, UNIVERSAL, type BerNode } from "./ber.js";

export interface Attribute {
  type: string;
  /** The elements of the attribute's value SET. */
  values: BerNode[];
  /** DER of the whole Attribute, the key DER sorts a SET OF by. */
  der: Buffer;
}

export interface SignerInfo {
  /** DER of the issuer Name; undefined when the signer is named by subject key identifier. */
  issuer: Buffer | undefined;
  serial: bigint;
  digestAlgorithm: string;
  /** Empty when the SignerInfo has no signed attributes (the signature then covers the content). */
  signedAttributes: Attribute[];
  signatureAlgorithm: string;
  signature: Buffer;
}

export type ParsedPkcs7 =
  | { kind: "signed-data"; content: Buffer; signers: SignerInfo[] }
  /** EnvelopedData or EncryptedData: Go parses them, then finds no signers to verify. */
  | { kind: "unsigned" };

/** Go's pkcs7.ErrUnsupportedContentType. */
export const UNSUPPORTED_CONTENT_TYPE = "pkcs7: cannot parse data: unimplemented content type";

function algorithmOid(node: BerNode | undefined, what: string): string {
  const [oid] = elementsOf(node, UNIVERSAL.sequence, what);
  return oidText(oid ?? fail(`asn1: expected ${what}`));
}

function fail(message: string): never {
  throw new BerError(message);
}

function readAttribute(node: BerNode): Attribute {
  const [type, values] = elementsOf(node, UNIVERSAL.sequence, "an Attribute");
  return { type: oidText(type ?? fail("asn1: expected an Attribute")), values: elementsOf(values, UNIVERSAL.set, "an Attribute value SET"), der: toDer(node) };
}

function readSignerInfo(node: BerNode): SignerInfo {
  const [version, sid, digest, ...rest] = elementsOf(node, UNIVERSAL.sequence, "a SignerInfo");
  integerValue(version);
  let issuer: Buffer | undefined;
  let serial = 0n;
  if (isUniversal(sid, UNIVERSAL.sequence)) {
    const [name, number] = elementsOf(sid, UNIVERSAL.sequence, "an IssuerAndSerialNumber");
    if (name === undefined) fail("asn1: expected an IssuerAndSerialNumber");
    issuer = toDer(name);
    serial = integerValue(number);
  } else if (!isContext(sid, 0)) {
    fail("asn1: expected a SignerIdentifier");
  }
  const signedAttributes: Attribute[] = [];
  let next = rest.shift();
  if (isContext(next, 0)) {
    if (!next.constructed) fail("asn1: expected signed attributes");
    for (const attr of next.children) signedAttributes.push(readAttribute(attr));
    next = rest.shift();
  }
  const signatureAlgorithm = algorithmOid(next, "a signature AlgorithmIdentifier");
  const signature = rest.shift();
  if (!isUniversal(signature, UNIVERSAL.octetString)) fail("asn1: expected the signature OCTET STRING");
  return { issuer, serial, digestAlgorithm: algorithmOid(digest, "a digest AlgorithmIdentifier"), signedAttributes, signatureAlgorithm, signature: derContents(signature) };
}

/** The signed content: the OCTET STRING's bytes, joined from its pieces when it is constructed. */
function readContent(encapsulated: BerNode | undefined): Buffer {
  const [, explicit] = elementsOf(encapsulated, UNIVERSAL.sequence, "an EncapsulatedContentInfo");
  if (explicit === undefined) return Buffer.alloc(0);
  if (!isContext(explicit, 0) || !explicit.constructed) fail("asn1: expected the [0] content");
  const inner = explicit.children[0];
  if (inner === undefined) return Buffer.alloc(0);
  if (inner.constructed && isUniversal(inner, UNIVERSAL.octetString)) return Buffer.concat(inner.children.map(derContents));
  return derContents(inner);
}

function readSignedData(node: BerNode | undefined): ParsedPkcs7 {
  const [version, digestAlgorithms, encapsulated, ...rest] = elementsOf(node, UNIVERSAL.sequence, "a SignedData");
  integerValue(version);
  elementsOf(digestAlgorithms, UNIVERSAL.set, "the digestAlgorithms SET");
  const content = readContent(encapsulated);
  // certificates [0] and crls [1] are optional and not used: the signer comes from trusted certs.
  while (isContext(rest[0], 0) || isContext(rest[0], 1)) rest.shift();
  const signerInfos = elementsOf(rest[0], UNIVERSAL.set, "the signerInfos SET");
  return { kind: "signed-data", content, signers: signerInfos.map(readSignerInfo) };
}

/** The PKCS#7 message in `ber`; throws BerError (or the unsupported content type text). */
export function parsePkcs7(ber: Buffer): ParsedPkcs7 {
  if (ber.length === 0) fail("pkcs7: input data is empty");
  const [type, explicit, ...extra] = elementsOf(parseBer(ber), UNIVERSAL.sequence, "a ContentInfo");
  if (extra.length > 0) fail("asn1: syntax error: trailing data");
  const contentType = oidText(type ?? fail("asn1: expected a ContentInfo"));
  switch (contentType) {
    case OID.signedData:
      if (!isContext(explicit, 0) || !explicit.constructed) fail("asn1: expected the [0] content");
      return readSignedData(explicit.children[0]);
    case OID.envelopedData:
    case OID.encryptedData:
      return { kind: "unsigned" };
    default:
      return fail(UNSUPPORTED_CONTENT_TYPE);
  }
}
