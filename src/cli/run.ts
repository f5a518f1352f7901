/**
 * The CLI's error boundary: every command action goes through {@link action}, so a thrown
 * {@link MtlsDoctorError} becomes one line on stderr and its exit code, and anything else becomes an
 * "internal error" line (exit 4) with no stack trace unless MTLS_DOCTOR_DEBUG=1.
 */
import { ExitCode, MtlsDoctorError } from "../errors.js";

/** Writes `error: <message>` and sets the exit code. Never prints a stack unless MTLS_DOCTOR_DEBUG=1. */
export function reportError(e: unknown): number {
  if (e instanceof MtlsDoctorError) {
    process.stderr.write(`mtls-doctor: error: ${e.message}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `mtls-doctor: internal error: ${msg.split("\n")[0]}\n` +
      `This is a bug in mtls-doctor; please report it with the command you ran (set MTLS_DOCTOR_DEBUG=1 for details).\n`,
  );
  if (process.env.MTLS_DOCTOR_DEBUG === "1" && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
  return ExitCode.INTERNAL;
}

/**
 * Wraps a command action. The action returns the exit code (0 healthy, 1 problem found, ...).
 * Sets `process.exitCode` rather than calling `process.exit`, so pending output is flushed.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? ExitCode.OK;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}
