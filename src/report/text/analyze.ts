/**
 * Plain-text report of `mtls-doctor analyze <capture>`: per conversation (failed handshakes first) a header
 * (endpoints, SNI, version, cipher, outcome), a numbered message list with Wireshark frame numbers
 * ("#9 frame 9 Certificate → (length 0)"), the CertificateRequest CA names in full, what the capture could not
 * show, and the diagnosis (findings with evidence and fix). Pure: reads only the result; no clock, no colour.
 */
import { filterMatchedNothing, type AnalyzeResult, type AnalyzedConversation } from "../../diagnose/capture.js";
import { parseCertificate } from "../../pki/certificate.js";
import type { CertificateMsg } from "../../wire/types.js";
import { logHandshakeFailed, type AnalyzeLogResult } from "../../diagnose/logfile.js";
import { renderLogText } from "./logs.js";
import type { Finding } from "../../diagnose/types.js";
import { alertWords, messageDetail } from "./probe.js";

const OUTCOME: Record<string, string> = {
  alert: "FAILED (alert)",
  reset: "FAILED (connection reset)",
  "closed-during-handshake": "FAILED (closed during the handshake)",
  incomplete: "INCOMPLETE (the capture ends before the handshake does)",
  "handshake-completed": "OK (handshake completed)",
  "closed-after-handshake": "OK (handshake completed, then closed)",
  unknown: "UNKNOWN",
};

const hp = (e: { host: string; port: number }) => (e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);
const MARK: Record<Finding["severity"], string> = { error: "ERROR  ", warning: "WARNING", info: "INFO   " };

/** The numbered message list: "#9 frame 9 Certificate → (length 0)"; runs of application data are folded. */
export function messageLines(a: AnalyzedConversation): string[] {
  const msgs = a.conversation.messages;
  const out: string[] = [];
  const w = String(msgs.length).length + 1;
  const fw = String(Math.max(0, ...msgs.map((m) => m.frame ?? 0))).length;
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    // Fold a run of application data in one direction.
    let j = i;
    while (m.type === "ApplicationData" && j + 1 < msgs.length && msgs[j + 1]!.type === "ApplicationData" && msgs[j + 1]!.direction === m.direction) j++;
    const no = `#${m.index}`.padEnd(w);
    const frame = m.frame !== undefined ? `frame ${String(m.frame).padEnd(fw)}` : "frame ?";
    // The "first record after ChangeCipherSpec is the Finished" reading holds only for TLS 1.2.
    const prevSame = a.summary.tlsVersion === "1.3" ? undefined : msgs.slice(0, i).reverse().find((x) => x.direction === m.direction);
    let detail = messageDetail(m, prevSame);
    if (m.body?.type === "ApplicationData") {
      const ad = m.body as { length: number; likelyAlert?: boolean };
      detail = m.encrypted && !m.decrypted ? `(encrypted, ${ad.length} bytes${ad.likelyAlert ? alertSizedWords(a, m.index) : ""})` : `(${ad.length} bytes)`;
    }
    if (j > i) detail = `(${j - i + 1} records, through #${msgs[j]!.index} frame ${msgs[j]!.frame ?? "?"})`;
    const dec = m.decrypted ? " [decrypted]" : "";
    out.push(
      m.direction === "client→server"
        ? `${no} ${frame}  ${m.type} →${detail ? " " + detail : ""}${dec}`
        : `${no} ${frame}  ← ${m.type}${detail ? " " + detail : ""}${dec}`,
    );
    i = j;
  }
  return out;
}

/** What an encrypted alert-sized TLS 1.3 record most likely is (src/evidence/conversation.ts judges it). */
function alertSizedWords(a: AnalyzedConversation, index: number): string {
  const c = a.conversation;
  if (c.encryptedAlert?.messageIndex === index) return ": the size of a TLS 1.3 alert";
  if (c.encryptedCloseNotify?.some((x) => x.messageIndex === index)) return ": the size of a TLS 1.3 alert, most likely close_notify";
  return ": the size of a TLS 1.3 alert";
}

/** The outcome line's words; `keyLogGiven`: a key log was given (it then had no secrets for this connection). */
function outcomeWords(a: AnalyzedConversation, keyLogGiven: boolean): string {
  const s = a.summary;
  const c = a.conversation;
  const ea = c.encryptedAlert;
  if (ea && !c.alert) return `FAILED (most likely an alert from the ${ea.sender}: encrypted, ${ea.length} bytes; then ${s.outcome === "reset" ? "reset" : "closed"})`;
  if (c.handshakeCompletedInferred && (s.outcome === "handshake-completed" || s.outcome === "closed-after-handshake")) {
    const confirm = keyLogGiven ? "the key log given has no secrets for this connection's client random" : "pass --keylog to confirm";
    const closed = c.encryptedCloseNotify?.length ? ", then closed (most likely close_notify)" : s.outcome === "closed-after-handshake" ? ", then closed" : "";
    return `OK (handshake completed (probably; ${confirm})${closed})`;
  }
  return OUTCOME[s.outcome] ?? s.outcome;
}

function conversationText(a: AnalyzedConversation, n: number, keyLogGiven: boolean): string[] {
  const s = a.summary;
  const out: string[] = [];
  const head = [`TLS ${s.tlsVersion ?? "version unknown"}`, s.cipher, s.sni ? `SNI ${s.sni}` : "no SNI"].filter(Boolean).join(", ");
  out.push(`Conversation ${n}: client ${hp(s.client)} → server ${hp(s.server)}  (first frame ${s.firstFrame})`);
  out.push(`  ${head}`);
  out.push(`  Outcome: ${outcomeWords(a, keyLogGiven)}`);
  if (a.conversation.alert) {
    const al = a.conversation.alert;
    out.push(`  Alert: the ${al.sender} sent ${alertWords(al.alert)}${s.alert?.frame !== undefined ? ` in frame ${s.alert.frame}` : ""}`);
  }
  if (s.clientCertificateLength !== null) {
    const chain = sentChainLines(a);
    out.push(
      s.clientCertificateLength === 0
        ? "  Client Certificate: EMPTY (Certificate Length 0): the client sent no certificate"
        : `  Client Certificate: sent (${s.clientCertificateLength} bytes${chain.count ? `, ${chain.count} certificate${chain.count === 1 ? "" : "s"}` : ""})`,
      ...chain.lines,
    );
  }
  if (s.acceptableCAs !== null) {
    if (s.acceptableCAs.length === 0) out.push("  CertificateRequest: no CA names (any CA)");
    else {
      out.push(`  CertificateRequest: ${s.acceptableCAs.length} acceptable CA name(s):`);
      for (const ca of s.acceptableCAs) out.push(`    - ${ca.dn}`);
    }
  }
  for (const note of s.notes) out.push(`  Note: ${note}`);
  out.push("", "  Messages");
  for (const l of messageLines(a)) out.push(`    ${l}`);
  if (a.diagnosis.findings.length > 0) {
    out.push("", "  Diagnosis");
    a.diagnosis.findings.forEach((f, i) => {
      out.push(`    ${i + 1}. ${MARK[f.severity]} ${f.id}: ${f.title}`);
      if (f.id !== "healthy") {
        out.push(`       fix (${f.remediation.side}): ${f.remediation.summary}`);
        for (const st of f.remediation.steps) out.push(`         - ${st}`);
      }
      out.push(`       reference: ${f.reference}`);
    });
  }
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The chain the client sent, one certificate per 3 lines (subject, issuer, validity at the handshake and today),
 * like the probe prints it. Undecodable certificates are said to be so.
 */
export function sentChainLines(a: AnalyzedConversation): { count: number; lines: string[] } {
  const msg = a.conversation.messages.find((m) => m.direction === "client→server" && m.body?.type === "Certificate");
  const entries = msg ? (msg.body as CertificateMsg).entries : [];
  const at = a.evidence.now;
  const today = a.evidence.today;
  const when = (nb: number, na: number, t: number) => (t < nb ? "not yet valid" : t > na ? "EXPIRED" : "valid");
  const lines = entries.flatMap((e, i) => {
    try {
      const c = parseCertificate(e.certData);
      const self = c.selfIssued ? " (self-signed)" : "";
      const v = [`${when(c.notBefore, c.notAfter, at)} at the handshake`, ...(today !== undefined && today !== at ? [`${when(c.notBefore, c.notAfter, today)} today`] : [])].join(", ");
      return [`    ${i + 1}. ${c.subject}${self}`, `       issuer ${c.issuer}`, `       valid ${iso(c.notBefore)} to ${iso(c.notAfter)} (${v})`];
    } catch {
      return [`    ${i + 1}. (${e.certData.length} bytes: not a decodable X.509 certificate)`];
    }
  });
  return { count: entries.length, lines };
}

/** Renders an analysis as text (ends with a newline). */
export function renderAnalyzeText(r: AnalyzeResult): string {
  const out: string[] = [];
  const failed = r.conversations.filter((c) => ["alert", "reset", "closed-during-handshake", "incomplete"].includes(c.summary.outcome)).length;
  out.push(
    `${r.file}: ${r.format}, ${r.packets} packets, ${r.conversations.length} TLS conversation(s)` +
      (r.conversations.length ? `, ${failed} failed or incomplete` : "") +
      (r.keyLogEntries ? `, key log: ${r.keyLogEntries} secrets` : ""),
  );
  for (const w of r.warnings) out.push(`warning: ${w}`);
  const noMatch = filterMatchedNothing(r);
  if (noMatch) out.push("", `No TLS conversation matches --filter ${r.filter!.text}.${noMatch.slice(noMatch.indexOf(";") + 1).replace(/^ the/, " The")}.`);
  else if (r.conversations.length === 0) out.push("", "No TLS conversation found in this capture (TLS is recognised by content, on any port).");
  r.conversations.forEach((c, i) => out.push("", ...conversationText(c, i + 1, c.evidence.keyLogGiven === true)));
  return out.join("\n") + "\n";
}

function findingLines(d: { findings: Finding[] }, indent: string): string[] {
  const out: string[] = [];
  d.findings.forEach((f, i) => {
    out.push(`${indent}${i + 1}. ${MARK[f.severity]} ${f.id}: ${f.title}`);
    if (f.id !== "healthy") {
      out.push(`${indent}   fix (${f.remediation.side}): ${f.remediation.summary}`);
      for (const st of f.remediation.steps) out.push(`${indent}     - ${st}`);
    }
    out.push(`${indent}   reference: ${f.reference}`);
  });
  return out;
}

/**
 * `analyze <log>` as text: the log summary (src/report/text/logs.ts: per handshake the messages with their log
 * lines, CA names, the client's Certificate, what JSSE said, how it ended), then per handshake its diagnosis.
 */
export function renderAnalyzeLogText(r: AnalyzeLogResult): string {
  const failed = r.handshakes.filter(logHandshakeFailed).length;
  const out: string[] = [renderLogText(r.log).replace(/\n+$/, ""), ""];
  if (r.handshakes.length > 0) {
    out.push(`Diagnosis (${r.handshakes.length} logged handshake(s), ${failed} failed)`);
    for (const h of r.handshakes) {
      out.push("", `  Handshake ${h.number} (lines ${h.handshake.firstLine}–${h.handshake.lastLine}): ${h.diagnosis.verdict.toUpperCase()}`);
      out.push(...findingLines(h.diagnosis, "    "));
    }
  } else if (r.unattributed) {
    out.push(`Diagnosis (no handshake logged; from the TLS lines): ${r.unattributed.diagnosis.verdict.toUpperCase()}`);
    out.push(...findingLines(r.unattributed.diagnosis, "  "));
  }
  return out.join("\n") + "\n";
}
