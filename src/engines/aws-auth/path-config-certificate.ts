// config/certificate/<cert_name> and config/certificates/: AWS public certificates added to the
// built-in ones for verifying EC2 identity documents — "pkcs7" ones for the PKCS#7 signature
// (DSA or RSA-2048), "identity" ones for the RSA signature of identity+signature logins.
// Upstream: path_config_certificate.go.
import { X509Certificate } from "node:crypto";
import { definePath, field, genericNameRegex, goQuote, type FieldData } from "../../framework/index.js";
import { errorResponse, listResponse, type Request, type Response } from "../../logical/index.js";
import { withConfigLock } from "./config-lock.js";
import { certificates, type CertificateEntry } from "./config-storage.js";
import type { AwsAuthContext } from "./context.js";
import { STORAGE } from "./storage-keys.js";

const OPERATION_PREFIX = "aws";
export const CERTIFICATE_TYPES = ["pkcs7", "identity"] as const;

/** Go's base64.StdEncoding: padded standard alphabet; CR and LF are skipped. */
function decodeStdBase64(text: string): string | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("latin1");
}

/**
 * The DER of the only PEM block in `text`, or the user error. Like Go's pem.Decode, text before
 * the block is skipped and the block's END line ends it; anything after that line is refused.
 */
function onePemBlock(text: string): Buffer | string {
  const block = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----[ \t]*(?:\r?\n|$)/.exec(text);
  if (block === null) return "invalid certificate; should be one PEM block only";
  const rest = text.slice(block.index + block[0].length);
  if (rest.length !== 0) return "invalid certificate; should be one PEM block only";
  // Header lines ("Proc-Type: …") end with a blank line before the base64 body.
  const body = block[2] ?? "";
  const base64 = (body.includes(":") ? body.slice(body.search(/\r?\n\r?\n/) + 1) : body).replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return "invalid certificate; should be one PEM block only";
  return Buffer.from(base64, "base64");
}

/** Why `pem` is not one X.509 certificate, or undefined when it is (DSA, RSA and EC keys alike). */
export function certificateError(pem: string): string | undefined {
  const der = onePemBlock(pem);
  if (typeof der === "string") return der;
  try {
    new X509Certificate(der);
    return undefined;
  } catch (err) {
    return `invalid certificate; failed to parse certificate: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const fields = {
  cert_name: field.string({ description: "Name of the certificate." }),
  aws_public_cert: field.string({ description: "The AWS public certificate, PEM encoded, optionally base64 encoded as a whole." }),
  type: field.string({
    default: "pkcs7",
    description: `What the certificate verifies: "pkcs7" for the PKCS#7 signature of identity documents (DSA or
RSA-2048 certificates), "identity" for the RSA signature sent with identity+signature logins.`,
  }),
};

type CertificateFields = typeof fields;

async function readCertificate(request: Request, data: FieldData<CertificateFields>): Promise<Response | undefined> {
  const entry = await certificates.get(request.storage, data.get("cert_name"));
  if (entry === undefined) return undefined;
  return { data: { aws_public_cert: entry.aws_public_cert, type: entry.type } };
}

function writeCertificate(ctx: AwsAuthContext) {
  return (request: Request, data: FieldData<CertificateFields>): Promise<Response | undefined> =>
    withConfigLock(ctx, STORAGE.certificatePrefix, async () => {
      const name = data.get("cert_name");
      const entry: CertificateEntry = (await certificates.get(request.storage, name)) ?? { aws_public_cert: "", type: "" };
      const type = data.getOk("type");
      if (type.ok) entry.type = type.value.toLowerCase();
      else if (request.operation === "create") entry.type = data.get("type");
      if (!(CERTIFICATE_TYPES as readonly string[]).includes(entry.type)) return errorResponse(`invalid certificate type ${goQuote(entry.type)}`);

      const sent = data.getOk("aws_public_cert");
      if (!sent.ok) return errorResponse("missing aws_public_cert");
      entry.aws_public_cert = decodeStdBase64(sent.value) ?? sent.value;
      if (entry.aws_public_cert === "") return errorResponse("invalid aws_public_cert");
      const invalid = certificateError(entry.aws_public_cert);
      if (invalid !== undefined) return errorResponse(invalid);
      await certificates.put(request.storage, name, entry);
      return undefined;
    });
}

async function deleteCertificate(request: Request, data: FieldData<CertificateFields>): Promise<Response | undefined> {
  await certificates.delete(request.storage, data.get("cert_name"));
  return undefined;
}

export function configCertificatePath(ctx: AwsAuthContext) {
  const write = writeCertificate(ctx);
  return definePath({
    pattern: `config/certificate/${genericNameRegex("cert_name")}`,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX },
    existenceCheck: async (request, data) => (await certificates.get(request.storage, data.get("cert_name"))) !== undefined,
    operations: {
      create: { handler: write, displayAttrs: { operationVerb: "configure", operationSuffix: "certificate" } },
      update: { handler: write, displayAttrs: { operationVerb: "configure", operationSuffix: "certificate" } },
      read: { handler: readCertificate, displayAttrs: { operationSuffix: "certificate-configuration" } },
      delete: { handler: deleteCertificate, displayAttrs: { operationSuffix: "certificate-configuration" } },
    },
    helpSynopsis: "Register an AWS public certificate for verifying EC2 identity documents.",
    helpDescription: `The method knows AWS's certificates for most regions. Instances of a region signing with
another certificate (see AWS's documentation of instance identity documents) log in once that
certificate is registered here. A registered certificate adds to the built-in ones; it never
replaces them. Each write must send aws_public_cert again.`,
  });
}

export function listCertificatesPath() {
  return definePath({
    pattern: "config/certificates/?",
    fields: {},
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "certificate-configurations" },
    operations: { list: async (request) => listResponse(await request.storage.list(STORAGE.certificatePrefix)) },
    helpSynopsis: "List the registered AWS public certificates.",
    helpDescription: "Lists the names of the certificates registered under config/certificate/.",
  });
}
