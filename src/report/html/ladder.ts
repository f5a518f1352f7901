/**
 * The handshake ladder: an inline SVG with a client lane and a server lane, one arrow per transcript message in
 * order (numbered with its index), TLS 1.3 messages read through the key log marked with an open lock, the failing
 * step and the alert in red, and a TCP close without an alert drawn as a dashed line.
 *
 * Accessibility: the SVG has role="img" with a <title> and a <desc> that spell out every step, every arrow has its
 * own <title>, and {@link renderTranscriptTable} gives the same content as a table (also what prints best).
 */
import { endingText, hostPort, tlsLabel } from "../format.js";
import type { ConversationView, MessageView } from "../view.js";
import { esc } from "./escape.js";

const W = 860;
const CLIENT_X = 120;
const SERVER_X = 740;
const TOP = 64;
const ROW = 40;

/** Text for one step, used in the SVG's titles and in the table. */
export function stepText(m: MessageView): string {
  const dir = m.direction === "client→server" ? "client → server" : "server → client";
  const marks = [
    m.decrypted ? "decrypted" : "",
    m.encrypted ? "encrypted, not readable" : "",
    m.alertKind === "closure" ? "closure alert: an orderly close, not an error" : "",
    m.alertKind === "error" ? "error alert" : "",
    m.failing ? "failing step" : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${m.index}. ${dir}: ${m.type}${m.detail ? ` — ${m.detail}` : ""}${marks ? ` (${marks})` : ""}${m.frame !== undefined ? ` [frame ${m.frame}]` : ""}`;
}

function lockSymbols(p: string): string {
  return (
    `<symbol id="${p}-lock-open" viewBox="0 0 16 16"><rect x="1.5" y="7" width="10" height="8" rx="1.5" fill="#0b4f9c"/>` +
    `<path d="M9 7V4.6a2.9 2.9 0 0 1 5.8 0V6.2" fill="none" stroke="#0b4f9c" stroke-width="1.8" stroke-linecap="round"/></symbol>` +
    `<symbol id="${p}-lock-closed" viewBox="0 0 16 16"><rect x="3" y="7" width="10" height="8" rx="1.5" fill="#4a4a4a"/>` +
    `<path d="M5 7V4.6a3 3 0 0 1 6 0V7" fill="none" stroke="#4a4a4a" stroke-width="1.8"/></symbol>`
  );
}

/** Inline glyph for legends and tables: the same open/closed lock as in the ladder. */
export function lockGlyph(kind: "open" | "closed", label: string): string {
  const body =
    kind === "open"
      ? `<rect x="1.5" y="7" width="10" height="8" rx="1.5" fill="#0b4f9c"/><path d="M9 7V4.6a2.9 2.9 0 0 1 5.8 0V6.2" fill="none" stroke="#0b4f9c" stroke-width="1.8" stroke-linecap="round"/>`
      : `<rect x="3" y="7" width="10" height="8" rx="1.5" fill="#4a4a4a"/><path d="M5 7V4.6a3 3 0 0 1 6 0V7" fill="none" stroke="#4a4a4a" stroke-width="1.8"/>`;
  return `<svg class="glyph" width="14" height="14" viewBox="0 0 16 16" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${body}</svg>`;
}

/** Renders the ladder SVG of one conversation. `idPrefix` keeps ids unique when a page holds several ladders. */
export function renderLadder(c: ConversationView, idPrefix = `ladder-${c.number}`): string {
  const p = idPrefix;
  const rows = c.messages.length + (c.closedWithoutAlert ? 1 : 0);
  const height = TOP + rows * ROW + 24;
  const desc = [
    `${tlsLabel(c.tlsVersion)} handshake between client ${hostPort(c.client)} and server ${hostPort(c.server)}, ${c.messages.length} messages.`,
    ...c.messages.map(stepText),
    c.closedWithoutAlert ? "The TCP connection was closed without an alert." : "",
    endingText(c),
  ]
    .filter(Boolean)
    .join(" ");
  const out: string[] = [];
  out.push(
    `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" ` +
      `role="img" aria-labelledby="${p}-title ${p}-desc" data-messages="${c.messages.length}">`,
    `<title id="${p}-title">Handshake ladder ${c.number}: ${esc(tlsLabel(c.tlsVersion))}, ${esc(hostPort(c.client))} → ${esc(hostPort(c.server))}</title>`,
    `<desc id="${p}-desc">${esc(desc)}</desc>`,
    `<defs>${lockSymbols(p)}` +
      `<marker id="${p}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#1b1b1b"/></marker>` +
      `<marker id="${p}-arrow-err" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#a4001d"/></marker>` +
      `</defs>`,
  );
  // lanes
  out.push(
    `<text x="${CLIENT_X}" y="20" text-anchor="middle" font-weight="700" font-size="14">Client</text>`,
    `<text x="${CLIENT_X}" y="38" text-anchor="middle" font-size="12" class="detail">${esc(hostPort(c.client))}</text>`,
    `<text x="${SERVER_X}" y="20" text-anchor="middle" font-weight="700" font-size="14">Server</text>`,
    `<text x="${SERVER_X}" y="38" text-anchor="middle" font-size="12" class="detail">${esc(hostPort(c.server))}${c.sni ? ` (SNI ${esc(c.sni)})` : ""}</text>`,
    `<line class="lane" x1="${CLIENT_X}" y1="${TOP - 16}" x2="${CLIENT_X}" y2="${height - 8}"/>`,
    `<line class="lane" x1="${SERVER_X}" y1="${TOP - 16}" x2="${SERVER_X}" y2="${height - 8}"/>`,
  );
  c.messages.forEach((m, i) => out.push(arrow(m, TOP + i * ROW + 14, p)));
  if (c.closedWithoutAlert) {
    const y = TOP + c.messages.length * ROW + 14;
    out.push(
      `<g class="close" data-kind="tcp-close">`,
      `<title>The TCP connection was closed without a TLS alert</title>`,
      `<line x1="${CLIENT_X}" y1="${y}" x2="${SERVER_X}" y2="${y}"/>`,
      `<text x="${(CLIENT_X + SERVER_X) / 2}" y="${y - 7}" text-anchor="middle" font-size="13">TCP connection closed — no alert</text>`,
      `</g>`,
    );
  }
  out.push(`</svg>`);
  return out.join("\n");
}

function arrow(m: MessageView, y: number, p: string): string {
  const c2s = m.direction === "client→server";
  const x1 = c2s ? CLIENT_X : SERVER_X;
  const x2 = c2s ? SERVER_X - 2 : CLIENT_X + 2;
  // Only an error alert (and the failing step) is red with a cross: closure alerts (close_notify, user_canceled,
  // RFC 8446 §6.1) end healthy connections too.
  const errorAlert = m.alertKind === "error";
  const red = m.failing || errorAlert;
  const cls = ["msg", c2s ? "c2s" : "s2c", ...rowClasses(m), m.decrypted ? "decrypted" : "", m.encrypted ? "encrypted" : ""]
    .filter(Boolean)
    .join(" ");
  const label = errorAlert ? `✕ ${m.type}` : m.type;
  const detail = m.detail ? ` — ${m.detail}` : "";
  const mid = (CLIENT_X + SERVER_X) / 2;
  const parts = [
    `<g class="${cls}" data-index="${m.index}" data-type="${esc(m.type)}"${m.frame !== undefined ? ` data-frame="${m.frame}"` : ""}${m.alertKind ? ` data-alert="${m.alertKind}"` : ""}>`,
    `<title>${esc(stepText(m))}</title>`,
    `<text class="num" x="${CLIENT_X - 16}" y="${y + 4}" text-anchor="end" font-size="13">${m.index}</text>`,
    `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#${p}-${red ? "arrow-err" : "arrow"})"/>`,
    `<text x="${mid}" y="${y - 7}" text-anchor="middle" font-size="13">${esc(label)}<tspan class="detail">${esc(detail)}</tspan></text>`,
  ];
  if (m.decrypted) parts.push(`<use href="#${p}-lock-open" x="${SERVER_X + 14}" y="${y - 9}" width="16" height="16"/>`);
  else if (m.encrypted) parts.push(`<use href="#${p}-lock-closed" x="${SERVER_X + 14}" y="${y - 9}" width="16" height="16"/>`);
  if (m.frame !== undefined) {
    parts.push(`<text class="detail" x="${SERVER_X + 36}" y="${y + 4}" font-size="11">frame ${m.frame}</text>`);
  }
  parts.push(`</g>`);
  return parts.join("");
}

/** Classes of a ladder arrow / table row: "failing", "alert" (an error alert, red), "closure" (a closure alert). */
function rowClasses(m: MessageView): string[] {
  return [m.failing ? "failing" : "", m.alertKind === "error" ? "alert" : "", m.alertKind === "closure" ? "closure" : ""].filter(Boolean);
}

/** The legend under a ladder. */
export function renderLadderLegend(c: ConversationView): string {
  const items: string[] = [];
  if (c.messages.some((m) => m.decrypted)) items.push(`<li>${lockGlyph("open", "decrypted")} read through the TLS 1.3 key log (decrypted)</li>`);
  if (c.messages.some((m) => m.encrypted)) items.push(`<li>${lockGlyph("closed", "encrypted")} encrypted, not readable without keys</li>`);
  items.push(`<li><span class="miss">red</span>: the failing step and error alerts</li>`);
  if (c.messages.some((m) => m.alertKind === "closure"))
    items.push(`<li>close_notify / user_canceled: closure alerts (RFC 8446 §6.1), an orderly close, not an error</li>`);
  if (c.closedWithoutAlert) items.push(`<li><span class="miss">dashed red</span>: TCP close without an alert</li>`);
  return `<ul class="legend" aria-label="Legend">${items.join("")}</ul>`;
}

/** The same transcript as a table: the text alternative of the ladder, and what prints best. */
export function renderTranscriptTable(c: ConversationView): string {
  const rows = c.messages.map((m) => {
    const cls = rowClasses(m).join(" ");
    const lock = m.decrypted ? lockGlyph("open", "decrypted") : m.encrypted ? lockGlyph("closed", "encrypted") : "";
    return (
      `<tr id="c${c.number}-msg-${m.index}"${cls ? ` class="${cls}"` : ""} data-index="${m.index}"${m.alertKind ? ` data-alert="${m.alertKind}"` : ""}><td>${m.index}</td><td>${m.frame ?? ""}</td>` +
      `<td>${m.direction === "client→server" ? "client → server" : "server → client"}</td><td>${esc(m.type)} ${lock}</td>` +
      `<td>${esc(m.detail ?? "")}${m.failing ? " <strong>(failing step)</strong>" : ""}</td><td>${m.length}</td></tr>`
    );
  });
  if (c.closedWithoutAlert) rows.push(`<tr class="alert"><td></td><td></td><td>—</td><td>TCP close</td><td>closed without an alert</td><td></td></tr>`);
  return (
    `<table class="transcript"><caption class="sr-only">Transcript of handshake ${c.number}</caption>` +
    `<thead><tr><th scope="col">#</th><th scope="col">Frame</th><th scope="col">Direction</th><th scope="col">Message</th><th scope="col">Detail</th><th scope="col">Bytes</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}

