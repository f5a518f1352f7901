/**
 * The HTML report: one self-contained file. CSS is inline, there is no script, no font, image or link that the
 * browser fetches, and a Content-Security-Policy of `default-src 'none'` makes any accidental fetch fail.
 * Reads only the {@link ReportView}; no clock, no environment.
 */
import type { CertInfo } from "../../pki/types.js";
import { endingText, generatedLine, hostPort, isoTime, tlsLabel } from "../format.js";
import type { ConversationView, PolicyView, ReportView, StoreView } from "../view.js";
import { renderChainPanel } from "./chain.js";
import { CSS } from "./css.js";
import { esc } from "./escape.js";
import { renderFindingCards } from "./findings.js";
import { renderLadder, renderLadderLegend, renderTranscriptTable } from "./ladder.js";

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Renders the whole report as an HTML5 document (UTF-8). */
export function renderHtml(v: ReportView): string {
  const body: string[] = [];
  const verdictClass = v.verdict ?? "";
  body.push(
    `<header>`,
    `<h1>${esc(v.title)}</h1>`,
    `<p class="headline ${verdictClass}" role="status">${esc(v.headline)}</p>`,
    `<ul class="facts">${facts(v).map((f) => `<li>${f}</li>`).join("")}</ul>`,
    `</header>`,
    `<main>`,
  );
  const perConversation = v.conversations.some((c) => c.findings !== undefined);
  if (perConversation) {
    body.push(`<section aria-labelledby="h-findings"><h2 id="h-findings">Findings by handshake</h2>`, overview(v.conversations), `</section>`);
  } else if (v.kind !== "inspect") {
    body.push(`<section aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>`, renderFindingCards(v.findings), `</section>`);
  }
  for (const c of v.conversations) body.push(conversationSection(c, v.conversations.length));
  if (v.chainPanel) {
    body.push(`<section aria-labelledby="h-panel"><h2 id="h-panel">Client chain vs. the server's acceptable CAs</h2>`, renderChainPanel(v.chainPanel), `</section>`);
  }
  if (v.policy) body.push(policySection(v.policy));
  if (v.probe) {
    body.push(
      `<section aria-labelledby="h-server"><h2 id="h-server">Server certificate chain</h2>`,
      certTable(v.probe.serverCertificates, "Server chain"),
      `</section>`,
    );
  }
  for (const s of v.stores) body.push(storeSection(s));
  body.push(`</main>`, `<footer>${esc(generatedLine(v))} · report schema ${esc(v.schemaVersion)}</footer>`);
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="generator" content="${esc(v.tool.name)} ${esc(v.tool.version)}">\n` +
    `<title>${esc(v.title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${body.join("\n")}\n</body>\n</html>\n`
  );
}

function facts(v: ReportView): string[] {
  const f: string[] = [];
  if (v.target) f.push(`Target <code>${esc(hostPort(v.target))}</code>${v.target.sni ? ` (SNI <code>${esc(v.target.sni)}</code>)` : ""}`);
  if (v.sourceFile) f.push(`File <code>${esc(v.sourceFile)}</code>`);
  if (v.kind !== "inspect") f.push(`${v.counts.error} error${v.counts.error === 1 ? "" : "s"}, ${v.counts.warning} warning${v.counts.warning === 1 ? "" : "s"}, ${v.counts.info} info`);
  f.push(esc(generatedLine(v)));
  return f;
}

function counted(k: { error: number; warning: number; info: number }): string {
  return `${k.error} error${k.error === 1 ? "" : "s"}, ${k.warning} warning${k.warning === 1 ? "" : "s"}, ${k.info} info`;
}

/** Per-conversation reports: one line per handshake (its verdict and counts), linking to its section. */
function overview(convs: ConversationView[]): string {
  if (convs.length === 0) return `<p>No TLS conversation found.</p>`;
  return (
    `<ol class="overview">` +
    convs
      .map(
        (c) =>
          `<li><a href="#h-conv-${c.number}">Handshake ${c.number}: ${esc(hostPort(c.client))} → ${esc(hostPort(c.server))}</a> — ` +
          `<strong>${esc(c.summary ?? endingText(c))}</strong>${c.counts ? ` <span class="muted">(${counted(c.counts)})</span>` : ""}</li>`,
      )
      .join("") +
    `</ol>`
  );
}

function conversationSection(c: ConversationView, total: number): string {
  const id = `h-conv-${c.number}`;
  const meta = [
    tlsLabel(c.tlsVersion),
    c.cipher ?? "",
    `${c.messages.length} messages`,
    c.decryptedCount ? `${c.decryptedCount} decrypted with the key log` : "",
    c.visibility !== "full" ? `visibility: ${c.visibility}` : "",
    c.source,
  ].filter(Boolean);
  const gaps = c.gaps.length
    ? `<p class="miss">Not seen: ${c.gaps.map((g) => `${g.bytes} bytes ${esc(g.direction)} at stream offset ${g.atOffset}`).join("; ")}</p>`
    : "";
  return [
    `<section aria-labelledby="${id}"><h2 id="${id}">Handshake${total > 1 ? ` ${c.number}` : ""}: ${esc(hostPort(c.client))} → ${esc(hostPort(c.server))}</h2>`,
    `<p class="muted">${esc(meta.join(" · "))}</p>`,
    c.summary ? `<p class="headline ${c.verdict ?? ""}">${esc(c.summary)}${c.counts ? ` <span class="muted">(${counted(c.counts)})</span>` : ""}</p>` : "",
    `<figure>`,
    renderLadder(c),
    `<figcaption>${esc(endingText(c))}</figcaption>`,
    `</figure>`,
    renderLadderLegend(c),
    gaps,
    `<details open><summary>Transcript as a table</summary>${renderTranscriptTable(c)}</details>`,
    ...perConversationParts(c),
    `</section>`,
  ].join("\n");
}

/** Per-conversation reports: the verdict line comes first; the chain panel, the request and the cards after the ladder. */
function perConversationParts(c: ConversationView): string[] {
  if (c.findings === undefined) return [];
  const p = c.anchorPrefix ?? "";
  const out: string[] = [];
  if (c.chainPanel) {
    out.push(
      `<section aria-labelledby="${p}h-panel-${c.number}"><h3 id="${p}h-panel-${c.number}">Client chain vs. the server's acceptable CAs</h3>`,
      renderChainPanel(c.chainPanel, p),
      `</section>`,
    );
  }
  if (c.policy) out.push(policySection(c.policy, `${p}h-policy-${c.number}`, "h3"));
  out.push(
    `<section aria-labelledby="${p}h-findings-${c.number}"><h3 id="${p}h-findings-${c.number}">Findings of handshake ${c.number}</h3>`,
    renderFindingCards(c.findings, c.number),
    `</section>`,
  );
  return out;
}

function policySection(p: PolicyView, id = "h-policy", h = "h2"): string {
  const rows: [string, string][] = [
    ["CertificateRequest", p.requested ? "sent" : "not sent"],
    ["Certificate required", p.required === "unknown" ? "unknown (not tested)" : p.required ? "yes" : "no"],
  ];
  if (p.certificateAuthoritiesState) rows.push(["certificate_authorities", p.certificateAuthoritiesState]);
  rows.push(["signature_algorithms", p.signatureAlgorithms.map((s) => (s.name.startsWith("unknown(") ? s.name : `${s.name} (0x${s.code.toString(16).padStart(4, "0")})`)).join(", ") || "none"]);
  if (p.signatureAlgorithmsCert) rows.push(["signature_algorithms_cert", p.signatureAlgorithmsCert.map((s) => s.name).join(", ")]);
  if (p.certificateTypes) rows.push(["certificate_types", p.certificateTypes.join(", ")]);
  return (
    `<section aria-labelledby="${id}"><${h} id="${id}">What the server asks for</${h}><table><tbody>` +
    rows.map(([k, val]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(val)}</td></tr>`).join("") +
    `</tbody></table></section>`
  );
}

function certTable(certs: CertInfo[], caption: string): string {
  if (certs.length === 0) return `<p>(none)</p>`;
  return (
    `<table><caption class="sr-only">${esc(caption)}</caption><thead><tr><th scope="col">#</th><th scope="col">Subject</th><th scope="col">Issuer</th>` +
    `<th scope="col">Valid from (UTC)</th><th scope="col">Expires (UTC)</th><th scope="col">Valid</th><th scope="col">Key</th><th scope="col">EKU</th></tr></thead><tbody>` +
    certs
      .map(
        (c, i) =>
          `<tr><td>${i}</td><td class="dn">${esc(c.subject)}</td><td class="dn">${esc(c.issuer)}</td><td>${isoTime(c.validFrom)}</td>` +
          `<td>${isoTime(c.expiryDate)}</td><td${c.isValid === "No" ? ' class="miss"' : ""}>${c.isValid}</td><td>${esc(c.publicKey)}</td>` +
          `<td>${esc(c.extendedKeyUsage?.join(", ") ?? "(any)")}</td></tr>`,
      )
      .join("") +
    `</tbody></table>`
  );
}

function storeSection(s: StoreView): string {
  const role = s.role ? ` (${s.role.replace("-", " ")})` : "";
  const entries = s.entries
    .map((e) => {
      const checks = e.checkRows
        ? `<table class="checks"><caption>Checks of <code>${esc(e.alias)}</code></caption><thead><tr><th scope="col">Result</th><th scope="col">Check</th><th scope="col">Why</th></tr></thead><tbody>` +
          e.checkRows
            .map((r) => {
              const [mark, word, cls] = r.status === "pass" ? ["✓", "passed", "match"] : r.status === "warn" ? ["⚠", "warning", "warn"] : ["✗", "failed", "miss"];
              return `<tr data-check="${esc(r.id)}" data-status="${r.status}"><td class="${cls}">${mark} ${word}</td><th scope="row">${esc(r.label)}</th><td>${esc(r.reason)}</td></tr>`;
            })
            .join("") +
          `</tbody></table>`
        : "";
      return `<h3>Alias <code>${esc(e.alias)}</code> <span class="muted">${esc(e.kind)}${e.hasPrivateKey ? ", with private key (not shown)" : ""}</span></h3>${certTable(e.chain, `Chain of ${e.alias}`)}${checks}`;
    })
    .join("\n");
  return `<section><h2>Store <code>${esc(s.file)}</code>${esc(role)}</h2><p class="muted">${esc(s.formatDetail ?? s.format)}</p>${entries}</section>`;
}
