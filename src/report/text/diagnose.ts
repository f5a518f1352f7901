/**
 * Plain-text report of `mtls-doctor diagnose`: the verdict first, in one sentence an on-call engineer can act on;
 * then each finding with its evidence and fix; then what the client model predicted; then the handshake as a
 * numbered message list in the playbook's style. Pure: reads only the diagnosis and evidence; no clock, no colour.
 */
import { conversationFailed, filterMatchedNothing, type AnalyzeResult } from "../../diagnose/capture.js";
import type { DiagnosisDetail } from "../../diagnose/engine.js";
import type { EvidenceRef, Finding } from "../../diagnose/types.js";
import type { Evidence } from "../../evidence/model.js";
import { closedLineShown, transcriptLines } from "./probe.js";

const MARK: Record<Finding["severity"], string> = { error: "ERROR  ", warning: "WARNING", info: "INFO   " };

/**
 * A distinguished name shortened for a headline: its CN ("CN=Lab Root A") when it has one, else unchanged. Applied to
 * every quoted DN of a sentence ("...issued by \"CN=Lab Root B, O=lab, C=AU\"" → "...issued by \"CN=Lab Root B\"").
 * The findings keep the full names.
 */
export function shortDns(sentence: string): string {
  return sentence.replace(/"([^"]*=[^"]*)"/g, (whole, dn: string) => {
    if (!/,/.test(dn) || !/^\s*[A-Za-z][\w.-]*=/.test(dn)) return whole;
    const cn = /(?:^|,)\s*CN=((?:\\.|[^,])*)/i.exec(dn);
    return cn ? `"CN=${cn[1]!.trim()}"` : whole;
  });
}

/** The first step of a remediation summary: its first sentence, without the "Otherwise: ..." alternatives. */
function firstStep(summary: string): string {
  const cut = summary.search(/\.\s+(Otherwise|Or)\b/);
  const first = cut >= 0 ? summary.slice(0, cut + 1) : summary;
  // A closing aside ("... (if it is a root instead, ...).") stays in the finding.
  return first.replace(/\s+\([^()]*\)\.$/, ".");
}

/** The one-sentence verdict: the cause and the first fix step, short DNs (the findings carry the full ones). */
export function verdictSentence(d: DiagnosisDetail): string {
  const first = d.findings.find((f) => f.severity === "error");
  if (d.verdict === "problem" && first) return `PROBLEM: ${shortDns(first.title)}. Fix: ${shortDns(firstStep(first.remediation.summary))}`;
  if (d.verdict === "healthy") return "HEALTHY: the mutual-TLS handshake works with this credential.";
  const warnings = d.findings.filter((f) => f.severity === "warning");
  const next = d.conversation ? "the handshake itself shows no error" : "add --connect host:port to check against the live server";
  if (warnings.length) {
    return `INCONCLUSIVE: No error found, but ${warnings.length} warning${warnings.length === 1 ? "" : "s"}: ${shortDns(warnings[0]!.title)}${warnings.length > 1 ? " (and more below)" : ""}; ${next}.`;
  }
  return d.conversation
    ? "INCONCLUSIVE: nothing wrong in the evidence given, but the handshake did not complete either; read the server's log at that time."
    : "INCONCLUSIVE: nothing wrong in the evidence given; add --connect host:port to check it against the live server.";
}

function refLine(r: EvidenceRef): string {
  switch (r.kind) {
    case "certificate":
      return `${r.role}${r.alias ? ` "${r.alias}"` : ""} #${r.index}: subject "${r.subject}", issuer "${r.issuer}"`;
    case "dn":
      // A name without DER came from a log (compared by name): say so outside the quotes.
      return `${r.role}: "${r.dn}"${r.derHex === undefined ? " (from a log)" : ""}`;
    case "message":
      return `message #${r.index}${r.frame !== undefined ? ` (frame ${r.frame})` : ""} ${r.type}${r.detail ? `: ${r.detail}` : ""}`;
    case "field":
      return `${r.field} = ${String(r.value)}`;
    case "alert":
      return `alert from ${r.sender}: ${r.name} (${r.description})${r.messageIndex !== undefined ? ` in message #${r.messageIndex}` : ""}`;
    case "text":
      return r.text;
  }
}

/** Renders a diagnosis as text (ends with a newline). */
export function renderDiagnoseText(d: DiagnosisDetail, evidence: Evidence): string {
  const out: string[] = [verdictSentence(d), ""];
  if (d.findings.length) {
    out.push("Findings");
    d.findings.forEach((f, i) => {
      out.push(`  ${i + 1}. ${MARK[f.severity]} ${f.id}: ${f.title}`);
      for (const r of f.evidence) out.push(`       evidence: ${refLine(r)}`);
      if (f.id !== "healthy") {
        out.push(`       fix (${f.remediation.side}): ${f.remediation.summary}`);
        for (const s of f.remediation.steps) out.push(`         - ${s}`);
      }
      out.push(`       reference: ${f.reference}`);
    });
    out.push("");
  }
  if (d.selection) {
    out.push(`Client model: ${d.selection.model}`);
    out.push(`  ${d.selection.summary}`);
    for (const r of d.selection.reasons) out.push(`  - "${r.alias}": ${r.accepted ? "sent" : "not sent"}: ${r.why}`);
    out.push("");
  }
  const conv = d.conversation ?? evidence.probe?.conversation ?? evidence.conversations[0];
  if (conv) {
    const log = conv.source === "log" ? evidence.logs?.find((l) => l.conversations.includes(conv)) : undefined;
    const where = log
      ? `from ${log.file}, logged by the ${log.side}${conv.messages[0]?.line !== undefined ? `, lines ${conv.messages[0].line}–${conv.messages[conv.messages.length - 1]!.line}` : ""}`
      : `${conv.server.host}:${conv.server.port}`;
    out.push(`Handshake (${where}${conv.tlsVersion ? `, TLS ${conv.tlsVersion}` : ""}${conv.sni ? `, SNI ${conv.sni}` : ""})`);
    for (const l of transcriptLines(conv)) out.push(`  ${l}`);
    if (!conv.alert && !conv.encryptedAlert && conv.outcome !== "handshake-completed" && !closedLineShown(conv)) out.push(`  (ended: ${conv.outcome})`);
    out.push("");
  }
  return out.join("\n");
}

const hostPort = (e: { host: string; port: number }) => (e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);

/**
 * `diagnose --capture` as text: one line on what the capture held, the full diagnosis of the first failed
 * conversation (else the first one), and for every other failed conversation its verdict in one line with its
 * finding ids (`mtls-doctor analyze FILE` shows each in full). Ends with a newline.
 */
export function renderDiagnoseCaptureText(r: AnalyzeResult, chosen: number | null, noConversation?: { d: DiagnosisDetail; evidence: Evidence }): string {
  const failed = r.conversations.map((a, i) => ({ a, n: i + 1 })).filter(({ a }) => conversationFailed(a));
  const out: string[] = [];
  const head = `Capture ${r.file}: ${r.format}, ${r.packets} packets, ${r.conversations.length} TLS conversation(s), ${failed.length} failed` +
    (r.keyLogEntries ? `, key log: ${r.keyLogEntries} secrets` : "");
  out.push(head);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  const pick = chosen !== null ? r.conversations[chosen - 1] : undefined;
  if (!pick) {
    const noMatch = filterMatchedNothing(r);
    out.push(noMatch ? `No TLS conversation matches --filter ${r.filter!.text}.${noMatch.slice(noMatch.indexOf(";") + 1).replace(/^ the/, " The")}.` : "No TLS conversation found in this capture (TLS is recognised by content, on any port).", "");
    if (noConversation) out.push(renderDiagnoseText(noConversation.d, noConversation.evidence));
    return out.join("\n").replace(/\n*$/, "\n");
  }
  const s = pick.summary;
  out.push(
    `Diagnosing conversation ${chosen}${failed.length > 1 ? ` (the first of ${failed.length} failed)` : conversationFailed(pick) ? " (the failed one)" : ""}: ` +
      `client ${hostPort(s.client)} → server ${hostPort(s.server)}, first frame ${s.firstFrame}`,
    "",
  );
  out.push(renderDiagnoseText(pick.diagnosis, pick.evidence).replace(/\n+$/, ""));
  const others = failed.filter(({ n }) => n !== chosen);
  if (others.length) {
    out.push("", `Other failed conversations (${others.length}); \`mtls-doctor analyze ${r.file}\` shows each in full:`);
    for (const { a, n } of others) {
      const errors = a.diagnosis.findings.filter((f) => f.severity !== "info").map((f) => f.id);
      out.push(
        `  ${n}. ${hostPort(a.summary.client)} → ${hostPort(a.summary.server)} (first frame ${a.summary.firstFrame}): ` +
          `${a.diagnosis.verdict.toUpperCase()}${errors.length ? `: ${errors.join(", ")}` : ` (${a.summary.outcome})`}`,
      );
    }
  }
  return out.join("\n") + "\n";
}
