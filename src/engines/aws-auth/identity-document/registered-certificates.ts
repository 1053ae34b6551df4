// The trusted certificates of a mount: the built-in ones plus its config/certificate entries.
import type { Storage } from "../../../logical/index.js";
import { certificates, type CertificateEntry } from "../config-storage.js";
import { trustedCertificates, type CertificateKind } from "./trusted-certificates.js";
import type { X509Certificate } from "node:crypto";

/** What upstream's awsPublicCertificates returns for the flow, read from the mount's storage. */
export async function mountTrustedCertificates(storage: Storage, kind: CertificateKind): Promise<X509Certificate[]> {
  const entries: CertificateEntry[] = [];
  for (const name of await certificates.list(storage)) {
    // An entry deleted since the listing is simply not trusted any more.
    const entry = await certificates.get(storage, name);
    if (entry !== undefined) entries.push(entry);
  }
  return trustedCertificates(entries, kind);
}
