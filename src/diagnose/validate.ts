/**
 * Input checks at the library entry points (`diagnose`, `diagnoseLive`, `analyzeCapture`, `analyzeLog`): a caller
 * from JavaScript (or with a cast) can hand in anything, and a wrong type must fail loudly with the field's name, not
 * as a TypeError deep in a rule or, worse, as a silently wrong verdict (a string `now` compared with a validity date
 * is always false: an expired certificate would pass).
 */
import { MtlsDoctorError } from "../errors.js";
import type { Evidence } from "../evidence/model.js";

function describe(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v)}`;
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return String(v);
  return `a value of type ${typeof v}`;
}

/**
 * Checks that `value` is a finite number of ms since epoch (what `Date.now()` / `Date.parse()` return).
 * @param field the name to report, e.g. "evidence.now"
 * @throws MtlsDoctorError MTLSD_ERR_USAGE naming the field and what it got
 */
export function checkTime(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new MtlsDoctorError(
      "MTLSD_ERR_USAGE",
      `${field} must be a finite number of ms since epoch (e.g. Date.now() or Date.parse("2026-01-01T00:00:00Z")); got ${describe(value)}`,
    );
  }
  return value;
}

function checkArray<T>(value: unknown, field: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${field} must be an array; got ${describe(value)}`);
  return value as T[];
}

/**
 * The evidence as the engine reads it: `now` (and `today`, when present) checked, `stores` and `conversations`
 * defaulted to [] when absent, `logs` checked to be an array when present.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE when the evidence is not an object or a field has the wrong type
 */
export function checkEvidence(evidence: unknown): Evidence {
  if (typeof evidence !== "object" || evidence === null || Array.isArray(evidence)) {
    throw new MtlsDoctorError("MTLSD_ERR_USAGE", `evidence must be an object ({ now, stores, conversations, ... }); got ${describe(evidence)}`);
  }
  const e = evidence as Partial<Evidence> & Record<string, unknown>;
  checkTime(e.now, "evidence.now");
  if (e.today !== undefined) checkTime(e.today, "evidence.today");
  const stores = checkArray<Evidence["stores"][number]>(e.stores, "evidence.stores");
  const conversations = checkArray<Evidence["conversations"][number]>(e.conversations, "evidence.conversations");
  if (e.logs !== undefined) checkArray(e.logs, "evidence.logs");
  return e.stores === stores && e.conversations === conversations ? (e as Evidence) : ({ ...e, stores, conversations } as Evidence);
}
