/** Finding cards: title, evidence, fix, reference; the raw finding collapsible. */
import { severityLabel } from "../format.js";
import type { FindingView } from "../view.js";
import { esc, idFrag } from "./escape.js";

function evidenceItem(e: FindingView["evidence"][number], conversation: number): string {
  switch (e.kind) {
    case "message":
      return `<li><a href="#c${conversation}-msg-${e.index}">message #${e.index}</a>${e.frame !== undefined ? ` (frame ${e.frame})` : ""} ${esc(e.type)}${e.detail ? `: ${esc(e.detail)}` : ""}</li>`;
    case "dn":
      return `<li>${esc(e.label.slice(0, e.label.indexOf(":") + 1))} <span class="dn">${esc(e.dn)}</span>${e.fromLog ? ` <span class="muted">(from a log)</span>` : ""}</li>`;
    case "field":
      return `<li><code>${esc(e.field)}</code> = <code>${esc(String(e.value))}</code>${e.frame !== undefined ? ` (frame ${e.frame})` : ""}</li>`;
    default:
      return `<li>${esc(e.label)}</li>`;
  }
}

/**
 * One card per finding, in view order. Message evidence links to the transcript row of the finding's conversation
 * (`conversation` when the finding names none).
 */
export function renderFindingCards(findings: FindingView[], conversation = 1): string {
  if (findings.length === 0) return `<p>No findings.</p>`;
  return findings
    .map((f) => {
      const raw = JSON.stringify({ id: f.id, severity: f.severity, evidence: f.evidence, remediation: f.remediation, reference: f.reference }, null, 2);
      const steps = f.remediation.steps.length
        ? `<ol>${f.remediation.steps.map((s) => `<li><pre><code>${esc(s)}</code></pre></li>`).join("")}</ol>`
        : "";
      const ref = f.referenceUrl ? `<a href="${esc(f.referenceUrl)}">${esc(f.reference)}</a>` : esc(f.reference);
      return (
        `<article class="finding sev-${f.severity}" id="finding-${idFrag(f.key)}" data-finding-id="${esc(f.id)}" aria-labelledby="finding-${idFrag(f.key)}-title">` +
        `<h3 id="finding-${idFrag(f.key)}-title"><span class="badge sev">${severityLabel(f.severity)}</span> ${esc(f.title)}</h3>` +
        `<p class="muted"><code>${esc(f.id)}</code></p>` +
        `<dl><dt>Evidence</dt><dd><ul>${f.evidence.map((e) => evidenceItem(e, f.conversation ?? conversation)).join("")}</ul></dd>` +
        `<dt>Fix</dt><dd>${esc(f.remediation.summary)} <span class="muted">(${f.remediation.side === "either" ? "client or server" : f.remediation.side}${f.remediation.stack ? `, ${esc(f.remediation.stack)}` : ""})</span>${steps}</dd>` +
        `<dt>Reference</dt><dd>${ref}</dd></dl>` +
        `<details><summary>Raw details</summary><pre><code>${esc(raw)}</code></pre></details>` +
        `</article>`
      );
    })
    .join("\n");
}
