/**
 * Input checks at the library entry points (`diagnose`, `diagnoseLive`, `analyzeCapture`, `analyzeLog`): a caller
 * from JavaScript (or with a cast) can hand in anything, and a wrong type must fail loudly with the field's name, not
 * as a TypeError deep in a rule or, worse, as a silently wrong verdict (a string `now` compared with a validity date
 * is always false: an expired certificate would pass).
 */
import { MtlsDoctorError } from "../errors.js";
import type { ClientStack, Evidence, StoreEvidence } from "../evidence/model.js";

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

const CONFIGURED_WITH_ONE: Partial<Record<ClientStack, string>> = {
  openssl: "an OpenSSL client (-cert/-key)",
  curl: "curl (--cert/--key)",
  node: "a Node client (tls.connect({ cert, key }))",
};

/**
 * A client configured with exactly one certificate and key (OpenSSL, curl, Node: the passthrough models) cannot be
 * modelled from several private-key entries without knowing which one it uses. Like `probe`
 * (src/probe/credential.ts), refuse and ask for --alias instead of silently taking the first. Stacks that choose
 * among several entries themselves (Java, .NET, Go) are not concerned, nor is a call with an alias.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE "FILE: holds N private-key entries (a, b); ... choose one with --alias"
 */
export function checkSingleCredential(stores: readonly StoreEvidence[], clientStack: ClientStack, alias?: string): void {
  const who = CONFIGURED_WITH_ONE[clientStack];
  if (!who || alias !== undefined) return;
  const keystores = stores.filter((s) => s.role === "client-keystore");
  if (keystores.some((s) => s.alias !== undefined)) return;
  const keyed = keystores.flatMap((s) => s.store.entries.filter((e) => e.kind === "private-key" && e.chain.length > 0).map((e) => ({ file: s.store.file, alias: e.alias })));
  if (keyed.length < 2) return;
  const files = [...new Set(keyed.map((k) => k.file))];
  const where = files.length === 1 ? `${files[0]}: holds ${keyed.length} private-key entries` : `${files.join(", ")}: ${keyed.length} private-key entries given`;
  throw new MtlsDoctorError(
    "MTLSD_ERR_USAGE",
    `${where} (${keyed.map((k) => k.alias).join(", ")}); ${who} is configured with one certificate and key, so which one it uses is unknown: choose one with --alias`,
  );
}
