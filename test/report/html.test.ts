import { describe, expect, it } from "vitest";
import { buildReportView } from "../../src/report/view.js";
import { renderHtml } from "../../src/report/html/page.js";
import { caMismatchTls12, closedWithoutAlert, NOW, tls13Decrypted } from "./fixtures.js";

function count(html: string, re: RegExp): number {
  return [...html.matchAll(re)].length;
}

describe("renderHtml", () => {
  it("draws one arrow per message, the failing step and the alert in red, and the chain-vs-CA panel", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const html = renderHtml(buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW }));
    expect(count(html, /<g class="msg /g)).toBe(11);
    expect(html).toMatch(/<g class="msg c2s failing" data-index="7"/);
    expect(html).toMatch(/<g class="msg s2c alert" data-index="11"/);
    expect(html).toContain("✕ Alert<tspan class=\"detail\"> — fatal handshake_failure(40)</tspan>");
    expect(html).toMatch(/data-looked-for="not-found"/);
    expect(html).toContain('id="finding-ca-mismatch"');
    expect(html).toContain('<a href="https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4">');
    // evidence text is escaped
    expect(html).toContain("/secure/client-&lt;b&gt;.p12");
    expect(html).not.toContain("client-<b>");
    expect(html).toContain("certificate_authorities &lt;all&gt;");
  });

  it("is self-contained: no script, no external resource, a CSP that forbids fetches", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const html = renderHtml(buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW }));
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\([^#]/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
    // only <a href> and SVG fragment references point anywhere
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|https:\/\/www\.rfc-editor\.org\/)/);
  });

  it("marks decrypted TLS 1.3 messages and the alert after the client's Finished", async () => {
    const v = buildReportView({ kind: "analyze", source: { file: "cap.pcapng", keylog: "keys.log" }, conversations: [await tls13Decrypted()] }, { now: NOW });
    const html = renderHtml(v);
    expect(count(html, /<g class="msg [^"]*decrypted/g)).toBe(9);
    expect(count(html, /<use href="#ladder-1-lock-open"/g)).toBe(9);
    expect(html).toContain("after the client&#39;s Finished");
  });

  it("draws a TCP close without an alert as a dashed line", async () => {
    const v = buildReportView({ kind: "analyze", source: { file: "x.pcap" }, conversations: [await closedWithoutAlert()] }, { now: NOW });
    const html = renderHtml(v);
    expect(html).toContain('<g class="close" data-kind="tcp-close">');
    expect(count(html, /<g class="msg /g)).toBe(12);
    expect(html).toContain("dashed red");
  });

  it("renders an inspect report", async () => {
    const { store } = await caMismatchTls12();
    const html = renderHtml(buildReportView({ kind: "inspect", store }, { now: NOW }));
    expect(html).toContain("Alias <code>client</code>");
    expect(html).not.toContain("Findings");
  });
});
