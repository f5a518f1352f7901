/**
 * Text output of `mtls-doctor demo`: per scenario, the story, what the API consumer and the gateway saw, what the
 * backend logged, and mtls-doctor's verdict with each finding's fix; then a one-table summary. Pure.
 */
import type { DemoResult } from "../../demo/run.js";
import { verdictSentence } from "./diagnose.js";
import { transcriptLines } from "./probe.js";

/** Options of {@link renderDemoText}. */
export interface DemoTextOptions {
  /** Print each scenario's numbered handshake (the playbook's Wireshark view). */
  handshake: boolean;
}

/** Wraps `text` after `prefix` at `width` columns; continuation lines are indented by `indent` (default: under the text). */
function wrap(prefix: string, text: string, width = 100, indent = prefix.length): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = prefix;
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur.trim().length > 0 && cur !== prefix) {
      lines.push(cur);
      cur = " ".repeat(indent) + w;
    } else cur += (cur === prefix ? "" : " ") + w;
  }
  lines.push(cur);
  return lines;
}

/** One scenario's block. */
export function renderDemoScenario(r: DemoResult, n: number, total: number, o: DemoTextOptions): string {
  const d = r.live.diagnosis;
  const out: string[] = [];
  out.push(`━━ ${n}/${total}  ${r.scenario.title}`);
  out.push(...wrap("  Setup:    ", r.scenario.story));
  const ks = r.scenario.keystore;
  const keyEntries = ks.store.entries.filter((e) => e.kind === "private-key");
  if (keyEntries.length === 0) out.push(`  Keystore: ${ks.store.file}: no private-key entry (trusted certificates only)`);
  for (const e of keyEntries) {
    out.push(`  Keystore: ${ks.store.file}, alias "${e.alias}", chain of ${e.chain.length}:`);
    e.chain.forEach((c, i) => out.push(`    [${i}] ${c.subject}${i === e.chain.length - 1 ? `  (issuer: ${c.issuer})` : ""}`));
  }
  if (keyEntries.length) {
    for (const e of ks.store.entries.filter((x) => x.kind === "trusted-cert")) out.push(`  also in it: trusted-certificate entry "${e.alias}": ${e.chain[0]!.subject}`);
  }
  out.push("");
  out.push(`  The API consumer got:  HTTP/1.1 ${r.httpStatus === 200 ? "200 OK" : "503 Service Unavailable"}`);
  out.push(`  The gateway logged:    ${r.gatewaySaw}`);
  if (r.backendLog.length) for (const l of r.backendLog) out.push(`  The backend logged:    ${l}`);
  out.push("");
  if (d.verdict !== "problem") out.push(...wrap("  mtls-doctor: ", verdictSentence(d)));
  else {
    out.push("  mtls-doctor found:");
    for (const f of d.findings) {
      if (f.id === "healthy") continue;
      out.push(...wrap(`    ${f.severity === "error" ? "✗" : "·"} ${f.id}: `, f.title, 100, 6));
      if (f.severity === "error") out.push(...wrap("        fix: ", f.remediation.summary));
    }
  }
  if (d.selection && !d.selection.chosen && d.selection.reasons.length) {
    out.push(...wrap("    Why Java sent no certificate: ", d.selection.reasons.map((x) => `"${x.alias}": ${x.why}`).join("; ")));
  }
  const conv = r.live.evidence.probe?.conversation;
  if (conv && o.handshake) {
    out.push("");
    out.push("  Handshake (the gateway's connection, as Wireshark would list it):");
    for (const l of transcriptLines(conv)) out.push(`    ${l.trimStart()}`);
  }
  if (r.missing.length) out.push(`  !! mtls-doctor bug: expected finding(s) not produced: ${r.missing.join(", ")}`);
  if (r.unexpected.length) out.push(`  !! mtls-doctor bug: wrong finding(s) produced: ${r.unexpected.join(", ")}`);
  out.push("");
  return out.join("\n") + "\n";
}

/** The closing summary table. */
export function renderDemoSummary(results: DemoResult[]): string {
  const rows = results.map((r) => [
    r.scenario.id,
    r.live.evidence.probe?.conversation.alert ? `alert ${r.live.evidence.probe.conversation.alert.alert.descriptionName}` : r.httpStatus === 200 ? "OK" : "connection closed, no alert",
    r.live.diagnosis.findings.filter((f) => f.severity === "error" || f.id === "healthy").map((f) => f.id).join(", "),
  ]);
  const head = ["scenario", "what the backend said", "diagnosis"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => "  " + cols.map((c, i) => c.padEnd(w[i]!)).join("  ").trimEnd();
  return ["Summary", line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line), ""].join("\n") + "\n";
}
