/**
 * Keystores and truststores as reports show them (never a private key or a password): each alias's chain as
 * certInfo records judged at an explicit time, and the entry checks as labelled rows.
 */
import type { CertInfo, EntryChecks, LoadedStore } from "../../pki/types.js";

/** One entry check as people read it: a label, passed or not, and why. */
export interface CheckRowView {
  /** The EntryChecks field ("chainOrdered", "expired", ...): for machines, never shown as the label. */
  id: keyof EntryChecks;
  /** "Chain order (leaf first)", "Private key matches the leaf" ... */
  label: string;
  /** "pass", "fail", or "warn" (a failed check of severity warning). */
  status: "pass" | "fail" | "warn";
  reason: string;
}

/** One alias of a store in a report: its chain as certInfo records and, for key entries, its checks. */
export interface StoreEntryView {
  alias: string;
  kind: "private-key" | "trusted-cert";
  /** True when the entry holds a private key (the key itself never enters a report). */
  hasPrivateKey: boolean;
  /** Leaf first. */
  chain: CertInfo[];
  checks?: EntryChecks;
  /** `checks` as rows in the order `inspect` prints them, each with a human label and its reason. */
  checkRows?: CheckRowView[];
}

/** A keystore or truststore in a report (never a private key or password). */
export interface StoreView {
  /** The path as given. */
  file: string;
  /** What the store was given as. */
  role?: "client-keystore" | "server-truststore" | "client-truststore";
  /** "pem", "der", "pkcs12" or "jks". */
  format: string;
  formatDetail?: string;
  /** The alias the user picked, if any. */
  alias?: string;
  entries: StoreEntryView[];
}

/** A deep copy of a certInfo record (its arrays copied too), so a view shares nothing with the evidence. */
export function copyCertInfo(c: CertInfo): CertInfo {
  const out: CertInfo = { ...c, subjectAlternativeNames: [...c.subjectAlternativeNames] };
  if (c.keyUsage) out.keyUsage = [...c.keyUsage];
  if (c.extendedKeyUsage) out.extendedKeyUsage = [...c.extendedKeyUsage];
  return out;
}

/** A loaded store as a {@link StoreView}, certificates judged at `now` (ms since epoch); `checks` per alias. */
export function storeView(
  store: LoadedStore,
  now: number,
  role?: StoreView["role"],
  alias?: string,
  checks?: Record<string, EntryChecks>,
): StoreView {
  return {
    file: store.file,
    ...(role ? { role } : {}),
    format: store.format,
    ...(store.formatDetail ? { formatDetail: store.formatDetail } : {}),
    ...(alias ? { alias } : {}),
    entries: store.entries.map((e) => {
      const c = checks?.[e.alias];
      return {
        alias: e.alias,
        kind: e.kind,
        hasPrivateKey: e.privateKey !== undefined,
        chain: e.chain.map((cert) => copyCertInfo(cert.info(now))),
        ...(c ? { checks: structuredClone(c), checkRows: checkRows(c, e.chain.map((cert) => cert.info(now)), now) } : {}),
      };
    }),
  };
}

const isoUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The entry checks of a private-key entry as labelled rows, in the order `inspect` prints them; the validity rows
 * name each certificate and its date, judged at `now` (ms since epoch).
 */
export function checkRows(k: EntryChecks, chain: CertInfo[], now: number): CheckRowView[] {
  const row = (id: keyof EntryChecks, label: string, r: { ok: boolean; reason: string; severity?: "warning" }): CheckRowView => ({
    id,
    label,
    status: r.ok ? "pass" : r.severity === "warning" ? "warn" : "fail",
    reason: r.reason,
  });
  const who = (i: number) => `#${i}${chain[i] ? ` "${chain[i]!.subject}"` : ""}`;
  const dated = (idx: number[], pick: (c: CertInfo) => number, bad: string, good: string, earliest: boolean) => {
    if (idx.length > 0) return { ok: false, reason: idx.map((i) => `${who(i)} ${bad} ${chain[i] ? isoUtc(pick(chain[i]!)) : ""}`.trim()).join("; ") };
    const dates = chain.map((c, i) => ({ i, t: pick(c) })).sort((a, b) => (earliest ? a.t - b.t : b.t - a.t));
    const d = dates[0];
    return { ok: true, reason: `no certificate ${good} at ${isoUtc(now)}${d ? ` (${earliest ? "first expiry" : "latest start"}: ${who(d.i)} ${isoUtc(d.t)})` : ""}` };
  };
  const rows: CheckRowView[] = [
    row("chainOrdered", "Chain order (leaf first, each issued by the next)", k.chainOrdered),
    row("signaturesValid", "Signatures verify", k.signaturesValid),
  ];
  if (k.chainComplete) rows.push(row("chainComplete", "Chain complete (ends at a root or a CA)", k.chainComplete));
  rows.push(
    row("keyMatchesLeaf", "Private key matches the leaf certificate", k.keyMatchesLeaf),
    row("expired", "Not expired (notAfter)", dated(k.expired, (c) => c.expiryDate, "expired", "expired", true)),
    row("notYetValid", "Already valid (notBefore)", dated(k.notYetValid, (c) => c.validFrom, "not valid before", "not yet valid", false)),
    row("clientAuthAllowed", "Extended key usage allows clientAuth", k.clientAuthAllowed),
    row("digitalSignatureAllowed", "Key usage allows digitalSignature", k.digitalSignatureAllowed),
  );
  return rows;
}
