/**
 * Findings: one id per condition, typed evidence, structured remediation. Wording for people lives with the rule
 * (title, remediation text) but detection never depends on wording, and ids never change with it.
 */
import type { ClientStack } from "../evidence/model.js";

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
export type FindingId = (typeof FINDING_IDS)[number];

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

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** One line. */
  title: string;
  evidence: EvidenceRef[];
  remediation: Remediation;
  /** RFC section or the playbook's cause. */
  reference: string;
}

/** Overall verdict of a diagnosis. */
export type Verdict = "healthy" | "problem" | "inconclusive";

export interface Diagnosis {
  verdict: Verdict;
  /** Errors first, then warnings, then info. */
  findings: Finding[];
}
