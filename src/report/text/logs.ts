/**
 * Text summary of a {@link LogEvidence}: per handshake the numbered message list (like the playbook's numbered
 * packets, with the log line each came from), the acceptable CA names and the client's certificates as logged,
 * the selection-failure lines quoted, and how it ended; then the gateway/application events.
 *
 * Pure: no clock, no colour (the CLI colours). Times are shown in UTC as the log gave them.
 */
import type { LogEvent, LogEvidence, LoggedHandshake, Conversation, TranscriptMessage } from "../../evidence/model.js";

function time(ms: number | undefined): string {
  return ms === undefined ? "" : new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function kindLabel(ev: LogEvidence): string {
  const what = ev.kind === "jsse-debug" ? "JSSE debug output" : ev.kind === "gateway" ? "gateway/application log" : "JSSE debug output and application lines";
  const side = ev.side === "unknown" ? "" : `, ${ev.side} side`;
  return `${what}${side}; ${ev.lines} line${ev.lines === 1 ? "" : "s"}`;
}

function messageLine(m: TranscriptMessage, h: LoggedHandshake): string[] {
  const arrow = m.direction === "client→server" ? "client → server" : "server → client";
  let what = m.type;
  const extra: string[] = [];
  if (m.body?.type === "Alert") what = `Alert ${m.body.levelName} ${m.body.descriptionName}(${m.body.description})`;
  if (m.type === "CertificateRequest" && h.policy) {
    const n = h.policy.acceptableCAs.length;
    const state = h.policy.certificateAuthoritiesState === "present-empty" ? "EMPTY certificate_authorities extension (invalid)" : n === 0 ? "no CA names (any CA)" : `${n} acceptable CA name${n === 1 ? "" : "s"}`;
    what += `: ${state}`;
    for (const ca of h.policy.acceptableCAs) extra.push(`      ${ca.dn}`);
  }
  if (m.type === "Certificate") {
    const certs = m.direction === "client→server" ? h.clientCertificates : h.serverCertificates;
    if (certs) {
      what += certs.length === 0 ? ": EMPTY (0 certificates)" : `: ${certs.length} certificate${certs.length === 1 ? "" : "s"}`;
      for (const c of certs) extra.push(`      subject ${c.subject}`, `       issuer ${c.issuer}`);
    }
  }
  const t = time(m.time);
  return [`  ${String(m.index).padStart(3)}  ${t.padEnd(23)}  ${arrow}  ${what}  (line ${m.line ?? "?"})`, ...extra];
}

function ending(c: Conversation): string {
  if (c.alert) {
    const a = c.alert.alert;
    const when = c.alert.afterClientFinished ? " after the client's Finished" : "";
    return `The ${c.alert.sender} sent alert ${a.levelName} ${a.descriptionName}(${a.description})${when} (message #${c.alert.messageIndex}).`;
  }
  switch (c.outcome) {
    case "handshake-completed":
      return "The handshake completed.";
    case "reset":
      return "The connection was reset (no alert logged; it may have been lost).";
    case "closed-during-handshake":
      return "The peer closed the connection during the handshake, without an alert.";
    case "closed-after-handshake":
      return "The peer closed the connection after the handshake, without an alert.";
    default:
      return "The log ends before the handshake does.";
  }
}

function eventLine(e: LogEvent): string {
  const parts = [`  line ${e.line}`];
  if (e.time !== undefined) parts.push(time(e.time));
  if (e.messageId) parts.push(`messageid ${e.messageId}`);
  let text = `"${e.text}"`;
  if (e.kind === "ssl-info" && e.sslInfo) {
    text = `SSLInfo: keystore ${e.sslInfo.keyStore ?? "?"}, key alias ${e.sslInfo.keyAlias ?? "?"}, truststore ${e.sslInfo.trustStore ?? "?"}`;
  }
  if (e.remote) text += ` (remote ${e.remote.host}:${e.remote.port})`;
  if (e.exception && e.exception.causes.length > 0) text += ` caused by ${e.exception.causes.map((c) => `${c.className}: ${c.message}`).join(" ← ")}`;
  return `${parts.join("  ")}  ${text}`;
}

/** Kinds quoted under a handshake as "what JSSE said" (the alert and message list already tell the rest). */
const QUOTED = new Set<LogEvent["kind"]>([
  "certificate-not-selected", "no-authentication-scheme", "empty-certificate-sent", "empty-client-chain",
  "path-building-failed", "path-validation-failed", "invalid-certificate-authorities", "broken-pipe",
  "connection-reset", "peer-closed", "exception", "alert-sent",
]);

/**
 * How the CA names of a one-line JDK 11+ TLS 1.2 CertificateRequest were split (LoggedHandshake.caNamesSplit); "exact"
 * needs no word.
 */
const CA_SPLIT_NOTE: Partial<Record<NonNullable<LoggedHandshake["caNamesSplit"]>, string>> = {
  heuristic: 'The CA names were printed on one line; they were split where a new name starts, e.g. ", C=AU, CN=".',
  matched: "The CA names were printed on one line; the split was confirmed by certificate DNs this log shows.",
  ambiguous: "Java printed the CA list on one line and it could not be split with certainty; the names are shown as logged.",
};

/**
 * Renders the summary. Lines are at most ~120 columns except quoted log text.
 * @param ev what {@link readLog} returned
 */
export function renderLogText(ev: LogEvidence): string {
  const out: string[] = [`Log ${ev.file} (${kindLabel(ev)})`];
  ev.conversations.forEach((c, i) => {
    const h = ev.handshakes[i]!;
    const head = [c.tlsVersion ? `TLS ${c.tlsVersion}` : "TLS version not logged", c.cipher, c.sni ? `SNI ${c.sni}` : undefined].filter(Boolean).join(", ");
    out.push("", `Handshake ${i + 1}: ${head} (lines ${h.firstLine}–${h.lastLine}, thread ${h.thread ?? "?"}, logged by the ${h.side})`);
    for (const m of c.messages) out.push(...messageLine(m, h));
    const said = ev.events.filter((e) => e.conversation === i && QUOTED.has(e.kind));
    if (said.length > 0) {
      out.push("  JSSE said:");
      for (const e of said) out.push(`    line ${e.line}: "${e.text}"`);
    }
    const split = h.caNamesSplit ? CA_SPLIT_NOTE[h.caNamesSplit] : undefined;
    if (split) out.push(`  (${split})`);
    out.push(`  ${ending(c)}`);
  });
  const rest = ev.events.filter((e) => e.conversation === undefined);
  if (rest.length > 0) {
    out.push("", ev.conversations.length > 0 ? "Other TLS lines:" : "TLS lines:");
    for (const e of rest) out.push(eventLine(e));
  }
  return out.join("\n") + "\n";
}
