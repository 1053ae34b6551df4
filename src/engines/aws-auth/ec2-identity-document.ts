// The EC2 instance identity document: the fields login uses, read from the signed JSON. AWS's
// document has more (architecture, instanceType, privateIp, …); only these five matter here.
export interface IdentityDocument {
  instanceId: string;
  /** The AMI, as the document spells it ("imageId"). */
  imageId: string;
  accountId: string;
  region: string;
  /** When the instance last started, RFC 3339; changes on stop/start, not on reboot. */
  pendingTime: string;
}

const FIELDS = ["instanceId", "imageId", "accountId", "region", "pendingTime"] as const;

/** The document from its verified JSON bytes, or why it cannot be read (a user-facing refusal). */
export function identityDocumentFromJson(content: Uint8Array): IdentityDocument | { refused: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content).toString("utf8"));
  } catch {
    return { refused: "the instance identity document is not valid JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { refused: "the instance identity document is not a JSON object" };
  }
  const o = parsed as Record<string, unknown>;
  const doc: Record<string, string> = {};
  for (const name of FIELDS) {
    const v = o[name] ?? "";
    if (typeof v !== "string") return { refused: `field ${name} of the instance identity document is not a string` };
    doc[name] = v;
  }
  return {
    instanceId: doc["instanceId"] ?? "",
    imageId: doc["imageId"] ?? "",
    accountId: doc["accountId"] ?? "",
    region: doc["region"] ?? "",
    pendingTime: doc["pendingTime"] ?? "",
  };
}

/**
 * Go's base64.StdEncoding.DecodeString: standard alphabet, padding required, line breaks ignored;
 * undefined for anything else (Buffer.from would silently skip bad characters).
 */
export function decodeStdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}
