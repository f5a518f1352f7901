/**
 * The report's stylesheet, inlined in the page (no network fetches). Colours meet WCAG 2.1 AA contrast on white
 * (text ≥ 4.5:1): ink #1b1b1b, muted #4a4a4a, error #a4001d, warning #7a4a00, ok #0a6b2e, accent #0b4f9c.
 * The print rules drop backgrounds and shadows, keep cards whole and print link targets.
 */
export const CSS = `
:root { --ink:#1b1b1b; --muted:#4a4a4a; --line:#c9c9c9; --bg:#ffffff; --panel:#f6f7f9;
  --err:#a4001d; --err-bg:#fdecee; --warn:#7a4a00; --warn-bg:#fff4df; --ok:#0a6b2e; --ok-bg:#e8f5ec;
  --info:#0b4f9c; --info-bg:#e9f1fb; --accent:#0b4f9c; }
* { box-sizing: border-box; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 0 0 6px; }
code, pre, .dn { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.headline { font-size: 1.15rem; font-weight: 600; margin: 8px 0; padding: 10px 14px; border-left: 6px solid var(--info); background: var(--info-bg); }
.headline.problem { border-color: var(--err); background: var(--err-bg); }
.headline.healthy { border-color: var(--ok); background: var(--ok-bg); }
.headline.inconclusive { border-color: var(--warn); background: var(--warn-bg); }
.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0; padding: 0; list-style: none; color: var(--muted); }
.badge { display: inline-block; font-size: 0.8rem; font-weight: 600; padding: 0 6px; border-radius: 4px; border: 1px solid currentColor; }
.sev-error .badge.sev, .badge.sev-error { color: var(--err); } .sev-warning .badge.sev, .badge.sev-warning { color: var(--warn); }
.sev-info .badge.sev, .badge.sev-info { color: var(--info); }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 4px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; }
.finding.sev-error { border-left-color: var(--err); } .finding.sev-warning { border-left-color: var(--warn); }
.finding dl { display: grid; grid-template-columns: 7.5em 1fr; gap: 4px 12px; margin: 8px 0; }
.finding dt { font-weight: 600; color: var(--muted); } .finding dd { margin: 0; }
.finding ul { margin: 0; padding-left: 18px; }
figure { margin: 0; } figcaption { color: var(--muted); margin: 4px 0 8px; }
.ladder { width: 100%; max-width: 860px; height: auto; display: block; }
.ladder text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
.ladder .lane { stroke: var(--muted); stroke-width: 2; }
.ladder .msg line { stroke: var(--ink); stroke-width: 1.6; }
.ladder .msg.encrypted line { stroke-dasharray: 2 3; }
.ladder .msg.failing line { stroke: var(--err); stroke-width: 2.6; }
.ladder .msg.failing text, .ladder .msg.alert text { fill: var(--err); font-weight: 700; }
.ladder .msg.alert line { stroke: var(--err); stroke-width: 3; }
.ladder .close line { stroke: var(--err); stroke-width: 2; stroke-dasharray: 8 5; }
.ladder .close text { fill: var(--err); font-weight: 700; }
.ladder .num { fill: var(--muted); font-variant-numeric: tabular-nums; }
.ladder .detail { fill: var(--muted); font-size: 11px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 20px; color: var(--muted); font-size: 0.9rem; margin: 6px 0; padding: 0; list-style: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.92rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
th { background: var(--panel); }
tr.failing td, tr.alert td { color: var(--err); font-weight: 600; }
.panel { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 760px) { .panel { grid-template-columns: 1fr; } }
.panel section { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 10px 12px; }
.panel ol { margin: 0; padding-left: 0; list-style: none; }
.cert, .ca { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
.cert.nomatch { border-color: var(--err); } .ca.matched, .cert.matched { border-color: var(--ok); box-shadow: inset 4px 0 0 var(--ok); }
.cert.nomatch { box-shadow: inset 4px 0 0 var(--err); }
.link { color: var(--muted); padding-left: 12px; font-size: 0.9rem; }
.match { color: var(--ok); font-weight: 600; } .miss { color: var(--err); font-weight: 600; } .warn { color: var(--warn); font-weight: 600; }
.lookedfor { border: 2px solid var(--err); background: var(--err-bg); border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media print {
  html { font-size: 11pt; } body { max-width: none; padding: 0; }
  .headline, .panel section, th, pre { background: none !important; }
  .finding, .cert, .ca, figure, table { break-inside: avoid; }
  h2 { break-after: avoid; }
  a[href^="http"]::after { content: " (" attr(href) ")"; color: var(--muted); font-size: 0.85em; }
  details > summary { list-style: none; }
  .panel { grid-template-columns: 1fr 1fr; }
}
`;
