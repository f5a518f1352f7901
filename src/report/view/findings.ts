/**
 * Findings as reports show them: ordered errors first, a unique key each (HTML anchor), evidence labelled for people,
 * an rfc-editor link for the reference; the counts and the one-line headline built from them.
 */
import type { EvidenceRef, Finding, FindingId, Remediation, Severity, Verdict } from "../../diagnose/types.js";

/**
 * One piece of evidence, as the finding holds it, plus a one-line label for people. `fromLog`: a DN read from a log
 * (no DER, compared by name); renderers print "(from a log)" after the DN, outside its quotes (the label already does).
 */
export type EvidenceView = EvidenceRef & { label: string; fromLog?: true };

/**
 * A Finding as reports show it: its evidence labelled for people, a unique `key` (HTML anchor), a link for its RFC
 * reference, and the conversation it belongs to.
 */
export interface FindingView {
  id: FindingId;
  /** Unique within the report, stable across runs: the id, or `id-2`, `id-3`... for repeats. Used as HTML anchor. */
  key: string;
  severity: Severity;
  title: string;
  evidence: EvidenceView[];
  remediation: Remediation;
  reference: string;
  /** A link for `reference` when it names an RFC section ("RFC 8446 §4.4.2"). */
  referenceUrl?: string;
  /** The `number` of the conversation this finding is about, when the report holds findings per conversation. */
  conversation?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The findings as views, errors first (stable inside one severity), keys unique in the list.
 * @param keyPrefix prepended to every key ("c2-" when the report holds findings per conversation).
 * @param conversation the `number` of the conversation they belong to, when per conversation.
 */
export function findingViews(findings: Finding[], keyPrefix = "", conversation?: number): FindingView[] {
  const seen = new Map<string, number>();
  // Stable: the engine already orders errors first; keep its order inside one severity.
  const ordered = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
  return ordered.map((f) => {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    const url = referenceUrl(f.reference);
    return {
      id: f.id,
      key: `${keyPrefix}${n === 1 ? f.id : `${f.id}-${n}`}`,
      severity: f.severity,
      title: f.title,
      evidence: f.evidence.map((e) => ({ ...e, label: evidenceLabel(e), ...(e.kind === "dn" && e.derHex === undefined ? { fromLog: true as const } : {}) })),
      remediation: { ...f.remediation, steps: [...f.remediation.steps] },
      reference: f.reference,
      ...(url ? { referenceUrl: url } : {}),
      ...(conversation !== undefined ? { conversation } : {}),
    };
  });
}

/** "RFC 8446 §4.4.2" → the rfc-editor URL of that section; undefined for anything else. */
export function referenceUrl(reference: string): string | undefined {
  const m = /\bRFC\s?(\d{3,5})(?:[,\s]*(?:§|section\s)\s?([0-9A-Z][0-9.]*[0-9]|[0-9A-Z]))?/i.exec(reference);
  if (!m) return undefined;
  return `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ""}`;
}

function evidenceLabel(e: EvidenceRef): string {
  switch (e.kind) {
    case "certificate": {
      const where = { "client-chain": "client chain", "server-chain": "server chain", truststore: "truststore", keystore: "keystore" }[e.role];
      return `${where}${e.alias ? ` (alias ${e.alias})` : ""} #${e.index}: ${e.subject} — issued by ${e.issuer}`;
    }
    case "dn": {
      const role = {
        "acceptable-ca": "acceptable CA",
        "leaf-issuer": "leaf certificate's issuer",
        "chain-issuer": "chain issuer",
        "looked-for": "looked for",
      }[e.role];
      // A name without DER came from a log (compared by name): say so after the DN, as the text renderer does.
      return `${role}: ${e.dn}${e.derHex === undefined ? " (from a log)" : ""}`;
    }
    case "message":
      return `message #${e.index}${e.frame !== undefined ? ` (frame ${e.frame})` : ""} ${e.type}${e.detail ? `: ${e.detail}` : ""}`;
    case "field":
      return `${e.field} = ${String(e.value)}${e.frame !== undefined ? ` (frame ${e.frame})` : ""}`;
    case "alert":
      return `${e.sender} sent alert ${e.name}(${e.description})${e.messageIndex !== undefined ? ` as message #${e.messageIndex}` : ""}`;
    case "text":
      return e.text;
  }
}

/** Findings per severity. */
export function countFindings(f: FindingView[]): { error: number; warning: number; info: number } {
  const c = { error: 0, warning: 0, info: 0 };
  for (const x of f) c[x.severity]++;
  return c;
}

/** The one line a person reads first for a verdict: "Problem: <first error title>", "Healthy: ...". */
export function headline(verdict: Verdict, findings: FindingView[]): string {
  const first = findings.find((f) => f.severity === "error") ?? findings.find((f) => f.severity === "warning");
  switch (verdict) {
    case "healthy":
      return "Healthy: the mutual-TLS handshake works";
    case "problem":
      return first ? `Problem: ${first.title}` : "Problem found";
    case "inconclusive":
      return first ? `Inconclusive: ${first.title}` : "Inconclusive: not enough evidence to name a cause";
  }
}
