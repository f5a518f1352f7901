/**
 * Validation of option values shared by the commands: one place for the allowed stacks and versions and for the
 * one-line usage errors (MtlsDoctorError MTLSD_ERR_USAGE, exit 2) they produce.
 */
import { MtlsDoctorError } from "../errors.js";
import type { ClientStack, ServerStack } from "../evidence/model.js";

/** The client stacks `--client` accepts. */
export const CLIENT_STACKS: readonly ClientStack[] = ["java", "go", "dotnet", "openssl", "node", "curl"];
/** The server stacks `--server-stack` accepts. */
export const SERVER_STACKS: readonly ServerStack[] = ["openssl", "java", "node"];

/**
 * `v` as one of `allowed` (compared case-insensitively), undefined when the option was not given.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE "<flag>: expected one of a, b, got "v""
 */
export function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!hit) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${flag}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  return hit;
}

/**
 * A `--tls-version` value: "1.2", "1.3", or undefined when not given.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE "--tls-version: expected 1.2 or 1.3, got "v""
 */
export function tlsVersionOption(v: string | undefined): "1.2" | "1.3" | undefined {
  if (v === undefined || v === "1.2" || v === "1.3") return v;
  throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--tls-version: expected 1.2 or 1.3, got ${JSON.stringify(v)}`);
}

/**
 * A duration option in ms (a positive number), `dflt` when not given.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE "<flag>: expected a positive number of milliseconds, got "v""
 */
export function positiveMs(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${flag}: expected a positive number of milliseconds, got ${JSON.stringify(v)}`);
  return n;
}
