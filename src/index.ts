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
