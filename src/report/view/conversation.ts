/**
 * One TLS conversation as reports show it: endpoints, transcript rows, the alert, and the failing step (the message
 * the alert judges, RFC 8446 §6.2, RFC 5246 §7.2.2).
 */
import type { Verdict } from "../../diagnose/types.js";
import type { Conversation, Endpoint, Gap, Outcome } from "../../evidence/model.js";
import type { ChainPanelView } from "../chainPanel.js";
import type { FindingView } from "./findings.js";
import { alertKindOf, messageView, type MessageView } from "./messages.js";
import type { PolicyView } from "./policy.js";

/** The conversation's alert (RFC 8446 §6, RFC 5246 §7.2) with who sent it and which message it answers. */
export interface AlertView {
  /** 1 warning, 2 fatal. */
  level: number;
  levelName: string;
  /** AlertDescription code point. */
  description: number;
  /** IANA name, e.g. "certificate_required". */
  descriptionName: string;
  sender: "client" | "server";
  /** `index` of the message carrying the alert. */
  messageIndex: number;
  /** `index` of the message just before it (what it answers). */
  afterMessageIndex?: number;
  /** TLS 1.3: sent after the client's Finished (the server judged the client certificate late). */
  afterClientFinished?: boolean;
}

/** One TLS conversation in a report: endpoints, version, transcript rows, alert; per-conversation verdict in `analyze`. */
export interface ConversationView {
  /** 1-based number within the report. */
  number: number;
  source: Conversation["source"];
  client: Endpoint;
  server: Endpoint;
  sni?: string;
  tlsVersion?: string;
  cipher?: string;
  visibility: Conversation["visibility"];
  outcome: Outcome;
  messages: MessageView[];
  gaps: Gap[];
  alert?: AlertView;
  closedWithoutAlert: boolean;
  /** Number of messages read through TLS 1.3 keys. */
  decryptedCount: number;
  /** Per-conversation reports (analyze): this conversation's verdict. */
  verdict?: Verdict;
  /** Per-conversation reports: one line on this conversation ("Problem: ..."). */
  summary?: string;
  /** Per-conversation reports: this conversation's finding counts. */
  counts?: { error: number; warning: number; info: number };
  /** Per-conversation reports: this conversation's findings (keys unique in the report), errors first. */
  findings?: FindingView[];
  /** Per-conversation reports: what this conversation's CertificateRequest asked for. */
  policy?: PolicyView;
  /** Per-conversation reports: this conversation's client chain beside its acceptable CAs. */
  chainPanel?: ChainPanelView;
  /** Prefix of this conversation's finding keys and HTML ids ("c2-"; "" when the report has one conversation). */
  anchorPrefix?: string;
}

/**
 * One conversation as a {@link ConversationView}, numbered `number` (1-based); each message lists the keys of the
 * `findings` that point at it, and the failing step is marked.
 */
export function conversationView(c: Conversation, number: number, findings: FindingView[]): ConversationView {
  // The failing step: the message the alert judges (alertJudgedMessage); without an alert, the messages error
  // findings name (a close without an alert, a reset).
  const byIndex = new Map<number, string[]>();
  const named = new Set<number>();
  for (const f of findings) {
    for (const e of f.evidence) {
      if (e.kind !== "message") continue;
      byIndex.set(e.index, [...(byIndex.get(e.index) ?? []), f.key]);
      if (f.severity === "error") named.add(e.index);
    }
  }
  const judged = alertJudgedMessage(c);
  const indexes = new Set(c.messages.map((m) => m.index));
  const failing = judged !== undefined ? new Set([judged]) : new Set([...named].filter((i) => indexes.has(i)));
  const messages = c.messages.map((m) =>
    messageView(m, failing.has(m.index), byIndex.get(m.index) ?? [], alertKindOf(m, c.tlsVersion, c.alert?.messageIndex)),
  );
  const a = c.alert;
  return {
    number,
    source: c.source,
    client: { ...c.client },
    server: { ...c.server },
    ...(c.sni ? { sni: c.sni } : {}),
    ...(c.tlsVersion ? { tlsVersion: c.tlsVersion } : {}),
    ...(c.cipher ? { cipher: c.cipher } : {}),
    visibility: c.visibility,
    outcome: c.outcome,
    messages,
    gaps: c.gaps.map((g) => ({ ...g })),
    ...(a
      ? {
          alert: {
            level: a.alert.level,
            levelName: a.alert.levelName,
            description: a.alert.description,
            descriptionName: a.alert.descriptionName,
            sender: a.sender,
            messageIndex: a.messageIndex,
            ...(a.afterMessageIndex !== undefined ? { afterMessageIndex: a.afterMessageIndex } : {}),
            ...(a.afterClientFinished !== undefined ? { afterClientFinished: a.afterClientFinished } : {}),
          },
        }
      : {}),
    closedWithoutAlert: c.closedWithoutAlert === true,
    decryptedCount: c.messages.filter((m) => m.decrypted).length,
  };
}

/** Alerts that judge the peer's certificate (RFC 8446 §6.2, RFC 5246 §7.2.2): 42 bad_certificate,
 * 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca,
 * and 49 access_denied ("a valid certificate or PSK was received, but when access control was applied..."). */
const CERTIFICATE_ALERTS: ReadonlySet<number> = new Set([42, 43, 44, 45, 46, 48, 49]);

/**
 * The `index` of the transcript message a conversation's alert judges: the failing step a ladder marks.
 *
 * The sender of an alert judges what its peer sent (RFC 8446 §6.2, RFC 5246 §7.2.2), not whatever message happened
 * to arrive last (in TLS 1.2 the client's encrypted Finished usually sits between its Certificate and the server's
 * unknown_ca). So:
 * - a certificate alert (42, 43, 44, 45, 46, 48, 49): the peer's last Certificate message before the alert;
 * - handshake_failure(40) or certificate_required(116) after the peer sent an empty Certificate: that Certificate;
 * - decrypt_error(51): the peer's last CertificateVerify (a signature that did not verify);
 * - otherwise, or when that message is not readable (TLS 1.3 without keys): the message just before the alert.
 * Undefined when the conversation has no alert.
 */
export function alertJudgedMessage(c: Conversation): number | undefined {
  const a = c.alert;
  if (!a) return undefined;
  const peer = a.sender === "server" ? "client→server" : "server→client";
  const fromPeer = c.messages.filter((m) => m.direction === peer && m.index < a.messageIndex).reverse();
  const d = a.alert.description;
  // A Certificate from a log has no body unless empty: count what the log printed.
  const cert = fromPeer.find((m) => m.body?.type === "Certificate" || (m.type === "Certificate" && m.loggedCertificates !== undefined));
  if (cert) {
    const n = cert.body?.type === "Certificate" ? cert.body.entries.length : cert.loggedCertificates!.length;
    if (CERTIFICATE_ALERTS.has(d)) return cert.index;
    if ((d === 40 || d === 116) && n === 0) return cert.index;
  }
  if (d === 51) {
    const cv = fromPeer.find((m) => m.body?.type === "CertificateVerify");
    if (cv) return cv.index;
  }
  return a.afterMessageIndex;
}
