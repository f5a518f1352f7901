/**
 * Markdown renderer: a compact summary a person pastes into a ticket (GitHub/GitLab/Jira-flavoured Markdown).
 * Reads only the {@link ReportView}; no clock, no environment.
 */
import type { CertInfo } from "../pki/types.js";
import { CHAIN_WORDING } from "./chainPanel.js";
import { endingText, generatedLine, hostPort, isoTime, severityLabel, tlsLabel } from "./format.js";
import type { ChainPanelView, ConversationView, FindingView, ReportView, StoreView } from "./view.js";

/** Escapes text for a Markdown paragraph or table cell (no HTML, no emphasis, no table breaks). */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*{}[\]<>|!~]/g, (c) => `\\${c}`)
    .replace(/_/g, (c, i: number, all: string) => (/\w/.test(all[i - 1] ?? "") && /\w/.test(all[i + 1] ?? "") ? c : "\\_"))
    .replace(/^(\s*)([#+-]|\d+\.)(?=\s)/, "$1\\$2");
}

/** Inline code span that survives backticks inside the value (CommonMark §6.1). */
export function mdCode(s: string): string {
  const flat = s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const runs = flat.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Renders the report as Markdown. Ends with a newline. */
export function renderMarkdown(v: ReportView): string {
  const out: string[] = [];
  out.push(`### ${mdText(v.title)}`, "");
  out.push(`**${mdText(v.headline)}**`, "");
  const facts: string[] = [mdText(generatedLine(v))];
  if (v.target?.sni) facts.push(`SNI ${mdCode(v.target.sni)}`);
  if (v.kind !== "inspect" && v.findings.length) {
    facts.push(`${v.counts.error} error(s), ${v.counts.warning} warning(s), ${v.counts.info} info`);
  }
  out.push(facts.join(" · "), "");

  const perConversation = v.conversations.some((c) => c.findings !== undefined);
  if (perConversation) {
    // analyze: each handshake with its own verdict, findings, ladder and chain panel (failed ones first)
    for (const c of v.conversations) out.push(...perConversationLines(c, v.conversations.length), "");
  } else {
    if (v.findings.length) out.push(...findingsTable(v.findings), "");
    for (const c of v.conversations) out.push(...conversationLines(c), "");
  }
  if (v.chainPanel) out.push(...panelLines(v.chainPanel), "");
  for (const s of v.stores) if (v.kind === "inspect") out.push(...storeLines(s), "");
  const withSteps = v.findings.filter((f) => f.remediation.steps.length > 0 && f.severity !== "info");
  if (withSteps.length) {
    out.push("<details><summary>How to fix</summary>", "");
    for (const f of withSteps) {
      const where = f.conversation !== undefined && v.conversations.length > 1 ? ` (handshake ${f.conversation})` : "";
      out.push(`**${mdCode(f.id)}**${where}: ${mdText(f.remediation.summary)} (${mdText(f.reference)})`, "");
      for (const s of f.remediation.steps) out.push(`- ${mdCode(s)}`);
      out.push("");
    }
    out.push("</details>", "");
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out.join("\n") + "\n";
}

function findingsTable(findings: FindingView[]): string[] {
  const rows = ["| Severity | Finding | What to do |", "|---|---|---|"];
  for (const f of findings) {
    rows.push(`| ${severityLabel(f.severity)} | ${mdCode(f.id)} ${mdText(f.title)} | ${mdText(f.remediation.summary)} |`);
  }
  return rows;
}

function perConversationLines(c: ConversationView, total: number): string[] {
  const out: string[] = [];
  if (total > 1) out.push(`#### Handshake ${c.number}: ${mdText(hostPort(c.client))} → ${mdText(hostPort(c.server))}`, "");
  if (c.summary) {
    const k = c.counts;
    out.push(`**${mdText(c.summary)}**${k ? ` (${k.error} error(s), ${k.warning} warning(s), ${k.info} info)` : ""}`, "");
  }
  if (c.findings?.length) out.push(...findingsTable(c.findings), "");
  out.push(...conversationLines(c));
  if (c.chainPanel) out.push("", ...panelLines(c.chainPanel));
  return out;
}

function conversationLines(c: ConversationView): string[] {
  const head =
    `**Handshake ${c.number}** (${mdText(tlsLabel(c.tlsVersion))}, ${mdText(hostPort(c.client))} → ${mdText(hostPort(c.server))}` +
    `${c.sni ? `, SNI ${mdCode(c.sni)}` : ""}, ${c.messages.length} messages${c.decryptedCount ? `, ${c.decryptedCount} decrypted` : ""}):`;
  const steps = c.messages.map((m) => {
    const arrow = m.direction === "client→server" ? "C→S" : "S→C";
    let s = `#${m.index} ${arrow} ${mdText(m.type)}`;
    if (m.type === "Certificate" && m.detail?.startsWith("empty")) s += " (empty)";
    if (m.isAlert && m.detail) s += ` ${mdText(m.detail)}`;
    // Bold marks the failure: the failing step and error alerts, not closure alerts (RFC 8446 §6.1).
    return m.failing || m.alertKind === "error" ? `**${s}**` : s;
  });
  if (c.closedWithoutAlert) steps.push("**TCP close, no alert**");
  return [head, "", steps.join(" → "), "", mdText(endingText(c))];
}

function panelLines(p: ChainPanelView): string[] {
  const out: string[] = [];
  const lead =
    p.verdict === "not-requested"
      ? "The server did not ask for a client certificate."
      : p.verdict === "any"
        ? "The server asked for a client certificate without naming any CA (any issuer)."
        : p.verdict === "match"
          ? "The client chain has an issuer the server accepts."
          : p.verdict === "no-match"
            ? "No certificate in the client chain is issued by a CA the server names."
            : p.verdict === "no-request-seen"
              ? "No CertificateRequest was seen, so there is no list of acceptable CAs to compare the client chain with."
              : "There is no client chain to compare.";
  out.push(`**Client chain vs. acceptable CAs:** ${mdText(lead)}`, "");
  if (p.acceptableCAs.length) {
    out.push(`Acceptable CA names (${p.acceptableCAs.length}; the server asks for a client certificate ${CHAIN_WORDING}):`);
    for (const ca of p.acceptableCAs) {
      out.push(`${ca.index + 1}. ${mdCode(ca.dn)}${ca.fromLog ? " (from a log)" : ""}${ca.matchedByIssuerOf.length ? ` ← issuer of chain #${ca.matchedByIssuerOf.join(", #")}` : ""}`);
    }
    out.push("");
  }
  if (p.chain.length) {
    const from = p.source === "keystore" ? `keystore${p.alias ? ` alias ${mdCode(p.alias)}` : ""}` : "sent in the Certificate message";
    out.push(`Client chain (${from}):`);
    for (const c of p.chain) {
      const m = c.issuerMatches.map((x) => `CA ${x.caIndex + 1}${x.how === "normalised-equal" ? " (only after normalisation)" : ""}`);
      const verdict = p.acceptableCAs.length ? (m.length ? `matches ${m.join(", ")}` : "issuer not in the list") : "";
      out.push(`- #${c.index} ${c.role}: ${mdCode(c.subject)}, issued by ${mdCode(c.issuer)}${verdict ? ` (${verdict})` : ""}`);
    }
    out.push("");
  }
  // one line per DN (the view already merges findings naming the same name, by DER)
  for (const l of p.lookedFor) {
    out.push(`- Looked for ${mdCode(l.dn)}: ${l.foundAt === null ? "**not found** in the server's list" : `found as CA ${l.foundAt + 1}`}`);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

function certRow(alias: string, i: number, c: CertInfo): string {
  return `| ${mdCode(alias)} | ${i} | ${mdCode(c.subject)} | ${mdCode(c.issuer)} | ${isoTime(c.expiryDate)} | ${c.isValid} |`;
}

function storeLines(s: StoreView): string[] {
  const n = s.entries.length;
  const out = [`**${mdText(s.file)}** (${mdText(s.formatDetail ?? s.format)}, ${n} entr${n === 1 ? "y" : "ies"})`, ""];
  out.push("| Alias | # | Subject | Issuer | Expires (UTC) | Valid |", "|---|---|---|---|---|---|");
  for (const e of s.entries) e.chain.forEach((c, i) => out.push(certRow(e.alias, i, c)));
  // The entry checks of private-key entries, as `inspect` prints them (✓ passed, ✗ failed, with the reason).
  for (const e of s.entries) {
    if (!e.checkRows) continue;
    out.push("", `Checks of ${mdCode(e.alias)}:`, "", "| Result | Check | Why |", "|---|---|---|");
    for (const r of e.checkRows) {
      const mark = r.status === "pass" ? "✓ passed" : r.status === "warn" ? "⚠ warning" : "✗ failed";
      out.push(`| ${mark} | ${mdText(r.label)} | ${mdText(r.reason)} |`);
    }
  }
  return out;
}

