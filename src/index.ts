/**
 * mtls-doctor library API. Explicit, curated exports only; this module has no side effects.
 */
export { ExitCode, ERROR_CODES, MtlsDoctorError, isMtlsDoctorError } from "./errors.js";
export type { ErrorCode, ExitCodeValue } from "./errors.js";
export type * from "./wire/types.js";
export type * from "./pki/types.js";
export type * from "./evidence/model.js";
export type * from "./diagnose/types.js";
export { VERSION } from "./version.js";
export { loadKeystore, loadKeystoreBytes } from "./pki/store.js";
export type { LoadOptions } from "./pki/store.js";
export { parseCertificate, verifySignedBy } from "./pki/certificate.js";
export type { CertificateDetails } from "./pki/certificate.js";
export { dnToString, compareNames, parseName } from "./pki/dn.js";
export type { DnStyle, ParsedName, Rdn, Attribute } from "./pki/dn.js";
export { checkEntry, buildPath } from "./pki/chain.js";
export type { PathResult } from "./pki/chain.js";
