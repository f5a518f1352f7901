/**
 * Library entry of `mtls-doctor analyze <log>`: a Java `-Djavax.net.debug` log or a gateway log (src/logs `readLog`)
 * → per logged handshake a summary (messages with their log lines, CA names, the client's Certificate count, the
 * alert) and its diagnosis (the engine reading `Evidence.logs` restricted to that handshake).
 */
import type { AlertMessage } from "../wire/types.js";
import type { Conversation, Evidence, LogEvidence, LoggedHandshake, StoreEvidence } from "../evidence/model.js";
import type { ClientStack } from "../evidence/model.js";
import { diagnose, type DiagnoseOptions, type DiagnosisDetail } from "./engine.js";
import { checkTime } from "./validate.js";

/** Options of {@link analyzeLog}. */
export interface AnalyzeLogOptions {
  /** Client keystores / server truststores given to the diagnose engine with each handshake. */
  stores?: StoreEvidence[];
  /** The client stack, to model how it picks its certificate. */
  clientStack?: ClientStack;
  /** Java key manager and pinned alias for the client model. */
  diagnoseOptions?: DiagnoseOptions;
  /** ms since epoch for certificate validity (stores only: a log gives certificates as text). */
  now: number;
}

/** One logged handshake: what the log showed, and its diagnosis. */
export interface AnalyzedLogHandshake {
  /** 1-based, in log order. */
  number: number;
  handshake: LoggedHandshake;
  conversation: Conversation;
  diagnosis: DiagnosisDetail;
  evidence: Evidence;
}

/** The result of {@link analyzeLog}: the log as read and each logged handshake with its diagnosis. */
export interface AnalyzeLogResult {
  source: "log";
  /** The log path as given. */
  file: string;
  /** The whole log as read by `readLog`. */
  log: LogEvidence;
  /** One per handshake the log showed, in log order. */
  handshakes: AnalyzedLogHandshake[];
  /** When the log showed no handshake (a gateway log): the diagnosis of its TLS lines as a whole. */
  unattributed: { diagnosis: DiagnosisDetail; evidence: Evidence } | null;
}

/** The log cut down to handshake `i` (its events re-indexed to 0) plus the events that belong to no handshake. */
function onlyHandshake(log: LogEvidence, i: number): LogEvidence {
  return {
    ...log,
    conversations: [log.conversations[i]!],
    handshakes: [log.handshakes[i]!],
    events: log.events.filter((e) => e.conversation === undefined || e.conversation === i).map((e) => (e.conversation === i ? { ...e, conversation: 0 } : e)),
  };
}

/**
 * Analyses a log read with `readLog`. Pure: no I/O, no clock (`now` is passed in).
 * @throws MtlsDoctorError MTLSD_ERR_USAGE when `opts.now` is not a finite number of ms since epoch
 */
export function analyzeLog(log: LogEvidence, opts: AnalyzeLogOptions): AnalyzeLogResult {
  checkTime(opts?.now, "now");
  const base = { now: opts.now, stores: opts.stores ?? [], conversations: [], ...(opts.clientStack ? { clientStack: opts.clientStack } : {}) };
  const handshakes = log.conversations.map((conversation, i): AnalyzedLogHandshake => {
    const evidence: Evidence = { ...base, logs: [onlyHandshake(log, i)] };
    return { number: i + 1, handshake: log.handshakes[i]!, conversation, diagnosis: diagnose(evidence, opts.diagnoseOptions ?? {}), evidence };
  });
  let unattributed: AnalyzeLogResult["unattributed"] = null;
  if (handshakes.length === 0) {
    const evidence: Evidence = { ...base, logs: [log] };
    unattributed = { diagnosis: diagnose(evidence, opts.diagnoseOptions ?? {}), evidence };
  }
  return { source: "log", file: log.file, log, handshakes, unattributed };
}

/** Whether a logged handshake failed: an alert, a close or reset, no completion, or a diagnosed problem. */
export function logHandshakeFailed(h: AnalyzedLogHandshake): boolean {
  return h.diagnosis.verdict === "problem" || !!h.conversation.alert || h.conversation.outcome !== "handshake-completed";
}

/** The JSON body of `analyze --json` on a log (after schemaVersion/$schema). */
export function analyzeLogToJson(r: AnalyzeLogResult): Record<string, unknown> {
  return {
    source: "log",
    file: r.file,
    log: { kind: r.log.kind, side: r.log.side, lines: r.log.lines, events: r.log.events.length },
    handshakes: r.handshakes.map((h) => {
      const c = h.conversation;
      const clientCert = h.handshake.clientCertificates;
      return {
        number: h.number,
        side: h.handshake.side,
        firstLine: h.handshake.firstLine,
        lastLine: h.handshake.lastLine,
        ...(c.tlsVersion !== undefined ? { tlsVersion: c.tlsVersion } : {}),
        ...(c.cipher !== undefined ? { cipher: c.cipher } : {}),
        ...(c.sni !== undefined ? { sni: c.sni } : {}),
        messages: c.messages.map((m) => ({
          index: m.index,
          direction: m.direction,
          type: m.type,
          ...(m.line !== undefined ? { line: m.line } : {}),
        })),
        acceptableCAs: h.handshake.policy ? h.handshake.policy.acceptableCAs.map((a) => a.dn) : null,
        ...(h.handshake.caNamesSplit !== undefined ? { caNamesSplit: h.handshake.caNamesSplit } : {}),
        clientCertificates: clientCert === null ? null : clientCert.length,
        alert: c.alert
          ? { sender: c.alert.sender, level: (c.alert.alert as AlertMessage).levelName, description: c.alert.alert.description, name: c.alert.alert.descriptionName }
          : null,
        outcome: c.outcome,
        verdict: h.diagnosis.verdict,
        findings: h.diagnosis.findings,
      };
    }),
    unattributed: r.unattributed ? { verdict: r.unattributed.diagnosis.verdict, findings: r.unattributed.diagnosis.findings } : null,
  };
}
