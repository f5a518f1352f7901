/**
 * Findings: one id per condition, typed evidence, structured remediation. Wording for people lives with the rule
 * (title, remediation text) but detection never depends on wording, and ids never change with it.
 */
import type { ClientStack } from "../evidence/model.js";

/**
 * Every finding id, in rule order. Ids are stable (reports, JSON schemas and scripts key on them); each is
 * described with its evidence and fix in docs/findings.md.
 */
export const FINDING_IDS = [
  "no-client-certificate",
  "ca-mismatch",
  "client-sent-empty-certificate",
  "missing-intermediate",
  "server-truststore-missing-issuer",
  "client-cert-expired",
  "client-cert-not-yet-valid",
  "intermediate-expired",
  "eku-missing-client-auth",
  "key-usage-missing-digital-signature",
  "key-mismatch",
  "chain-out-of-order",
  "signature-algorithm-mismatch",
  "dn-encoding-mismatch",
  "empty-certificate-authorities-extension",
  "client-certificate-not-requested",
  "server-closed-without-alert",
  "server-alert",
  "client-alert",
  "client-model-mismatch",
  "healthy",
] as const;
/** One of {@link FINDING_IDS}, e.g. "ca-mismatch". */
export type FindingId = (typeof FINDING_IDS)[number];

/** "error": the cause of a failure (or a certain one); "warning": a risk or a likely contributor; "info": context. */
export type Severity = "error" | "warning" | "info";

/** A pointer to a piece of evidence. Typed, so reports can link and highlight it. */
export type EvidenceRef =
  | { kind: "certificate"; role: "client-chain" | "server-chain" | "truststore" | "keystore"; alias?: string; index: number; subject: string; issuer: string; sha256Fingerprint?: string }
  | { kind: "dn"; role: "acceptable-ca" | "leaf-issuer" | "chain-issuer" | "looked-for"; dn: string; derHex?: string }
  | { kind: "message"; index: number; frame?: number; type: string; detail?: string }
  | { kind: "field"; field: string; value: string | number | boolean; frame?: number }
  | { kind: "alert"; description: number; name: string; sender: "client" | "server"; messageIndex?: number }
  | { kind: "text"; text: string };

/** What to do, for whom. `steps` are concrete commands or settings. */
export interface Remediation {
  summary: string;
  /** Where the fix applies: the client stack, the server, or both. */
  side: "client" | "server" | "either";
  steps: string[];
  /** Stack the steps are written for. */
  stack?: ClientStack | "server-openssl" | "server-nginx" | "server-java" | "server-node";
}

/**
 * One diagnosed condition: which one (`id`), how bad, what shows it (typed evidence pointers into certificates,
 * DNs, transcript messages and alerts), what to do, and the RFC section or playbook cause it rests on.
 */
export interface Finding {
  id: FindingId;
  severity: Severity;
  /** One line. */
  title: string;
  /** What shows it, most telling first. */
  evidence: EvidenceRef[];
  /** What to do, for whom. */
  remediation: Remediation;
  /** RFC section or the playbook's cause. */
  reference: string;
}

/** Overall verdict of a diagnosis. */
export type Verdict = "healthy" | "problem" | "inconclusive";

/** The result of `diagnose`: a verdict and the findings behind it. */
export interface Diagnosis {
  /** "problem" when any finding is an error; else "healthy" when the healthy finding was made; else "inconclusive". */
  verdict: Verdict;
  /** Errors first, then warnings, then info. */
  findings: Finding[];
}
