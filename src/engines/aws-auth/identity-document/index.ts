// Verification of EC2 instance identity documents for ec2 login: pure functions over the login
// parameters and the trusted certificates; the caller reads config/certificate from storage.
export { IdentityDocumentError, identityDocumentFromJson, type IdentityDocument } from "./identity-document.js";
export { verifyPkcs7, PKCS7_ERRORS } from "./pkcs7-verify.js";
export { verifyIdentitySignature, IDENTITY_ERRORS } from "./identity-signature.js";
export { trustedCertificates, builtInCertificates, parseAwsPublicCert, parsePemCertificate, CertificateParseError, type CertificateKind } from "./trusted-certificates.js";
export { mountTrustedCertificates } from "./registered-certificates.js";
export { decodeStdBase64 } from "./go-encoding.js";
