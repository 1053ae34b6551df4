// The EC2 instance identity document once its signature checked out, and the error every refusal
// of this module raises: a user error (HTTP 400), since all of it comes from the login request.
import { UserError } from "../../../logical/index.js";

export interface IdentityDocument {
  instanceId: string;
  /** The AMI, as the document spells it. */
  imageId: string;
  accountId: string;
  region: string;
  /** When the instance last started, as the document writes it (RFC 3339). */
  pendingTime: string;
  /** The whole document as parsed: AWS adds fields over time (architecture, privateIp, tags, …). */
  raw: Record<string, unknown>;
}

/** A signed document that is refused; the message is upstream's text where upstream has one. */
export class IdentityDocumentError extends UserError {}

type DocumentField = "instanceId" | "imageId" | "accountId" | "region" | "pendingTime";

/**
 * The document from its verified bytes. Like Go's json decoding into upstream's struct, a missing
 * or null field reads as "", and a field of another type is refused.
 */
export function identityDocumentFromJson(content: Uint8Array): IdentityDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(content).toString("utf8"));
  } catch {
    throw new IdentityDocumentError("the instance identity document is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new IdentityDocumentError("the instance identity document is not a JSON object");
  }
  const raw = parsed as Record<string, unknown>;
  const text = (name: DocumentField): string => {
    const value = raw[name] ?? "";
    if (typeof value !== "string") throw new IdentityDocumentError(`field ${name} of the instance identity document is not a string`);
    return value;
  };
  return { instanceId: text("instanceId"), imageId: text("imageId"), accountId: text("accountId"), region: text("region"), pendingTime: text("pendingTime"), raw };
}
