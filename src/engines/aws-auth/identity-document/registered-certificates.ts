// The trusted certificates of a mount: the built-in ones plus its config/certificate entries.
import type { Storage } from "../../../logical/index.js";
import { certificates, type CertificateEntry } from "../config-storage.js";
import { trustedCertificates, type CertificateKind } from "./trusted-certificates.js";
import type { X509Certificate } from "node:crypto";

/** What upstream's awsPublicCertificates returns for the flow, read from the mount's storage. */
export async function mountTrustedCertificates(storage: Storage, kind: CertificateKind): Promise<X509Certificate[]> {
  // The same reads as upstream (the list, then every entry), made side by side rather than one
  // after the other: each is a round trip to Vault. An entry deleted since the listing is simply
  // not trusted any more.
  const names = await certificates.list(storage);
  const read = await Promise.all(names.map((name) => certificates.get(storage, name)));
  const entries = read.filter((entry): entry is CertificateEntry => entry !== undefined);
  return trustedCertificates(entries, kind);
}
