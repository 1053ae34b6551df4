// The refusal a verification call raised: it must be an IdentityDocumentError (a user error, so a
// 400 and never a 500), and its text is returned for the test to compare.
import { expect } from "vitest";
import { IdentityDocumentError } from "../../../src/engines/aws-auth/identity-document/index.js";

export function refusal(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    expect(err).toBeInstanceOf(IdentityDocumentError);
    expect((err as IdentityDocumentError).kind).toBe("user");
    return (err as Error).message;
  }
  throw new Error("expected the document to be refused");
}
