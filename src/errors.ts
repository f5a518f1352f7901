/**
 * Typed errors with stable codes (pattern: undici `UND_ERR_*`, fastify `FST_ERR_*`).
 *
 * Every error the CLI can report is an {@link MtlsDoctorError}: the CLI prints `error: <message>` on one line
 * and exits with the error's {@link MtlsDoctorError.exitCode}. Never put a password or key material in a message.
 *
 * Exit codes (documented in docs/exit-codes.md, checked by test/errors.test.ts):
 * - 0 healthy / nothing wrong
 * - 1 a problem was diagnosed
 * - 2 bad input (file, password, format, usage)
 * - 3 target host unreachable (DNS failure, no route)
 * - 4 internal error (a bug)
 * - 5 connection refused
 * - 6 timed out
 * - 7 the peer does not speak TLS
 */

/** Process exit codes used by the CLI. */
export const ExitCode = {
  OK: 0,
  PROBLEM: 1,
  BAD_INPUT: 2,
  UNREACHABLE: 3,
  INTERNAL: 4,
  REFUSED: 5,
  TIMEOUT: 6,
  NOT_TLS: 7,
} as const;
/** One of the {@link ExitCode} values (0–7), the number the CLI process exits with. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * All error codes, grouped by area. Each maps to the exit code the CLI uses for it.
 * Add a row here and in docs/errors.md together (a test checks both directions).
 */
export const ERROR_CODES = {
  // usage / input
  MTLSD_ERR_USAGE: ExitCode.BAD_INPUT,
  MTLSD_ERR_FILE_NOT_FOUND: ExitCode.BAD_INPUT,
  MTLSD_ERR_FILE_UNREADABLE: ExitCode.BAD_INPUT,
  MTLSD_ERR_IS_DIRECTORY: ExitCode.BAD_INPUT,
  MTLSD_ERR_CANNOT_WRITE: ExitCode.BAD_INPUT,
  MTLSD_ERR_EMPTY_FILE: ExitCode.BAD_INPUT,
  // stores (pki)
  MTLSD_ERR_UNKNOWN_FORMAT: ExitCode.BAD_INPUT,
  MTLSD_ERR_TRUNCATED: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_PASSWORD: ExitCode.BAD_INPUT,
  MTLSD_ERR_PASSWORD_REQUIRED: ExitCode.BAD_INPUT,
  MTLSD_ERR_EMPTY_STORE: ExitCode.BAD_INPUT,
  MTLSD_ERR_ALIAS_NOT_FOUND: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_CERTIFICATE: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_KEY: ExitCode.BAD_INPUT,
  // captures and logs
  MTLSD_ERR_NOT_A_CAPTURE: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_CAPTURE: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_KEYLOG: ExitCode.BAD_INPUT,
  MTLSD_ERR_BAD_LOG: ExitCode.BAD_INPUT,
  // network targets
  MTLSD_ERR_BAD_TARGET: ExitCode.BAD_INPUT,
  MTLSD_ERR_UNREACHABLE: ExitCode.UNREACHABLE,
  MTLSD_ERR_REFUSED: ExitCode.REFUSED,
  MTLSD_ERR_TIMEOUT: ExitCode.TIMEOUT,
  MTLSD_ERR_NOT_TLS: ExitCode.NOT_TLS,
  // bugs
  MTLSD_ERR_INTERNAL: ExitCode.INTERNAL,
} as const satisfies Record<string, ExitCodeValue>;

/**
 * A stable error code, `MTLSD_ERR_<WHAT>` (a key of {@link ERROR_CODES}); carried by every MtlsDoctorError as `code`
 * and listed with its meaning in docs/errors.md.
 */
export type ErrorCode = keyof typeof ERROR_CODES;

const MARK = Symbol.for("mtls-doctor.error");

/**
 * Base class of every error this package throws on purpose.
 * `message` is one line meant for a person; it names the file or host and what was wrong.
 */
export class MtlsDoctorError extends Error {
  readonly code: ErrorCode;
  /** The CLI exit code for this error. */
  get exitCode(): ExitCodeValue {
    return ERROR_CODES[this.code];
  }
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "MtlsDoctorError";
    (this as unknown as Record<symbol, boolean>)[MARK] = true;
  }
  /** `instanceof` that also works across two copies of this package. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[MARK] === true;
  }
}

/** Narrowing helper: is `e` an {@link MtlsDoctorError} (optionally with one of `codes`)? */
export function isMtlsDoctorError(e: unknown, ...codes: ErrorCode[]): e is MtlsDoctorError {
  return e instanceof MtlsDoctorError && (codes.length === 0 || codes.includes(e.code));
}
