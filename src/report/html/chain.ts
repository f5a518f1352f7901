/**
 * The chain-vs-CA panel: the client chain (leaf first, subject → issuer links) beside the server's acceptable CA
 * names, with which issuer matches which name, and the DN that was looked for and not found.
 */
import type { ChainPanelView } from "../view.js";
import { CHAIN_WORDING } from "../chainPanel.js";
import { esc } from "./escape.js";

const VERDICT_TEXT: Record<ChainPanelView["verdict"], string> = {
  match: "A certificate in the client chain is issued by a CA the server names.",
  "no-match": "No certificate in the client chain is issued by a CA the server names: a client that picks its certificate by issuer (Java's key manager does) sends none.",
  any: "The server asked for a certificate without naming any CA: any issuer passes the client-side selection.",
  "not-requested": "The server did not send a CertificateRequest: no client certificate was asked for.",
  "no-request-seen": "No CertificateRequest was seen, so there is no list of acceptable CAs to compare the client chain with.",
  "no-chain": "There is no client chain to compare.",
};

/** Renders the panel as an HTML section body. */
export function renderChainPanel(p: ChainPanelView, idPrefix = ""): string {
  const q = idPrefix;
  const out: string[] = [];
  out.push(`<p class="${p.verdict === "no-match" ? "miss" : p.verdict === "match" ? "match" : ""}">${esc(VERDICT_TEXT[p.verdict])}</p>`);
  for (const l of p.lookedFor) {
    out.push(
      `<div class="lookedfor" data-looked-for="${l.foundAt === null ? "not-found" : "found"}"><strong>Looked for</strong> ` +
        `<span class="dn">${esc(l.dn)}</span> ` +
        (l.foundAt === null
          ? `— <strong>not found</strong> in the server's acceptable CA list`
          : `— found as <a href="#${q}ca-${l.foundAt}">CA ${l.foundAt + 1}</a>`) +
        ` <span class="muted">(${l.role === "leaf-issuer" ? "the leaf's issuer" : "looked for"}, ${l.findings.length > 1 ? "findings" : "finding"} ` +
        `${l.findings.map((id) => `<a href="#finding-${q}${esc(id)}">${esc(id)}</a>`).join(", ")})</span></div>`,
    );
  }
  const from =
    p.source === "keystore"
      ? `from the keystore${p.alias ? `, alias <code>${esc(p.alias)}</code>` : ""}${p.storeFile ? ` in <code>${esc(p.storeFile)}</code>` : ""}`
      : p.source === "sent"
        ? "as sent in the client's Certificate message"
        : "none available";
  const chain: string[] = [];
  p.chain.forEach((c, i) => {
    const matched = c.issuerMatches.length > 0;
    const cls = ["cert", matched ? "matched" : p.acceptableCAs.length ? "nomatch" : ""].filter(Boolean).join(" ");
    const m = c.issuerMatches
      .map((x) => `<a href="#${q}ca-${x.caIndex}">CA ${x.caIndex + 1}</a>${x.how === "normalised-equal" ? " (equal only after normalisation: OpenSSL compares bytes)" : ""}`)
      .join(", ");
    chain.push(
      `<li class="${cls}" id="${q}chain-${c.index}" data-chain-index="${c.index}"><strong>#${c.index} ${c.role}</strong><br>` +
        `<span class="muted">subject</span> <span class="dn">${esc(c.subject)}</span><br>` +
        `<span class="muted">issuer</span> <span class="dn">${esc(c.issuer)}</span><br>` +
        (p.acceptableCAs.length
          ? matched
            ? `<span class="match">✓ issuer matches ${m}</span>`
            : `<span class="miss">✕ issuer not in the server's list</span>`
          : "") +
        `</li>`,
    );
    if (i < p.chain.length - 1) {
      chain.push(
        `<li class="link" aria-hidden="false">${c.issuedByNext ? `↓ issued by #${i + 1}${c.issuedByNext === "normalised-equal" ? " (names equal only after normalisation)" : ""}` : `<span class="miss">↯ #${i} is not issued by #${i + 1} (chain out of order or broken)</span>`}</li>`,
      );
    }
  });
  const cas = p.acceptableCAs.map(
    (ca) =>
      `<li class="ca${ca.matchedByIssuerOf.length ? " matched" : ""}" id="${q}ca-${ca.index}" data-ca-index="${ca.index}"><strong>CA ${ca.index + 1}</strong><br>` +
      `<span class="dn">${esc(ca.dn)}</span>${ca.fromLog ? ` <span class="muted">(from a log)</span>` : ""}<br><span class="muted">openssl: ${esc(ca.opensslDn)}</span>` +
      (ca.matchedByIssuerOf.length
        ? `<br><span class="match">✓ issuer of ${ca.matchedByIssuerOf.map((i) => `<a href="#${q}chain-${i}">#${i}</a>`).join(", ")}</span>`
        : "") +
      `</li>`,
  );
  out.push(
    `<div class="panel">`,
    `<section aria-labelledby="${q}panel-chain"><h3 id="${q}panel-chain">Client chain</h3><p class="muted">${from}</p><ol>${chain.join("") || "<li>(no certificate)</li>"}</ol></section>`,
    `<section aria-labelledby="${q}panel-cas"><h3 id="${q}panel-cas">Server's acceptable CA names</h3><p class="muted">${
      !p.requested
        ? "no CertificateRequest"
        : p.anyCA
          ? "none named (any CA)"
          : `${p.acceptableCAs.length} in the order sent: the server asks for a client certificate ${CHAIN_WORDING}`
    }</p><ol>${cas.join("")}</ol></section>`,
    `</div>`,
  );
  return out.join("\n");
}
