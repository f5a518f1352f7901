/**
 * The ladder and transcript marks on real handshakes: closure alerts (close_notify 0, user_canceled 90, RFC 8446
 * §6.1) end healthy connections and are not drawn as failures; only error alerts and the failing step are. The
 * Bytes column of application data equals its size; the chain panel shows one box per DN looked for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer } from "../helpers/peers.js";
import { probe } from "../../src/probe/probe.js";
import { buildReportView } from "../../src/report/view.js";
import { renderHtml } from "../../src/report/html/page.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import type { Finding } from "../../src/diagnose/types.js";
import { caMismatchTls12, NOW } from "./fixtures.js";

let lab: LabPki;
beforeAll(async () => {
  lab = await makeLabPki();
});
afterAll(async () => {
  await lab?.dispose();
});

/** The <g> of ladder 1's arrow for message `i`, and the transcript table row. */
const arrowOf = (html: string, i: number) => html.match(new RegExp(`<g class="[^"]*" data-index="${i}"[^>]*>.*?</g>`))?.[0] ?? "";
const rowOf = (html: string, i: number) => html.match(new RegExp(`<tr id="c1-msg-${i}"[^>]*>.*?</tr>`))?.[0] ?? "";

describe("closure alerts on a healthy TLS 1.3 probe (openssl s_server)", () => {
  it("close_notify is an orderly close: not failing, not red, no cross, not bold", async () => {
    const srv = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), mode: "none", tls: "1.3" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port });
      expect(e.accepted).toBe(true);
      expect(e.conversation.outcome).toBe("handshake-completed");
      expect(e.conversation.alert).toBeUndefined();
      const v = buildReportView({ kind: "probe", probe: e }, { now: NOW });
      const c = v.conversations[0]!;
      const alerts = c.messages.filter((m) => m.isAlert);
      // We close with close_notify; s_server answers with its own (both decrypted through the key log).
      expect(alerts.length).toBeGreaterThanOrEqual(1);
      expect(alerts[0]).toMatchObject({ direction: "client→server", detail: "warning close_notify(0)", decrypted: true, alertKind: "closure" });
      for (const a of alerts) expect(a.alertKind).toBe("closure");
      expect(c.messages.filter((m) => m.failing)).toEqual([]);

      const html = renderHtml(v);
      const ladder = html.slice(html.indexOf('<svg class="ladder"'), html.indexOf("</svg>", html.indexOf('<svg class="ladder"')));
      expect(ladder).not.toContain("✕");
      expect(ladder).not.toContain("arrow-err)");
      for (const a of alerts) {
        const g = arrowOf(html, a.index);
        expect(g).toMatch(/^<g class="msg (c2s|s2c) closure decrypted" /);
        expect(g).toContain('data-alert="closure"');
        expect(g).toContain("closure alert: an orderly close, not an error");
        const tr = rowOf(html, a.index);
        expect(tr).toMatch(/^<tr id="c1-msg-\d+" class="closure" /);
        expect(tr).not.toContain("failing step");
      }
      expect(html).toContain("closure alerts (RFC 8446 §6.1), an orderly close, not an error");
      expect(html).toContain("the failing step and error alerts");

      const md = renderMarkdown(v);
      expect(md).toContain(`#${alerts[0]!.index} C→S Alert warning close_notify(0)`);
      expect(md).not.toMatch(/\*\*#\d+ [CS]→[CS] Alert/);
    } finally {
      await srv.stop();
    }
  });
});

describe("application data size", () => {
  it("the Bytes column shows the decrypted ApplicationData size its Detail names (node:tls server, TLS 1.3)", async () => {
    const [cert, key] = await Promise.all([readFile(lab.cert("server")), readFile(lab.key("server"))]);
    const payload = "HELLO FROM THE SERVER\n"; // 22 bytes
    const server = tls.createServer({ cert, key, minVersion: "TLSv1.3" }, (s) => {
      s.on("error", () => undefined);
      s.write(payload);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const e = await probe({ host: "127.0.0.1", port: (server.address() as AddressInfo).port });
      const v = buildReportView({ kind: "probe", probe: e }, { now: NOW });
      const data = v.conversations[0]!.messages.find((m) => m.type === "ApplicationData" && m.direction === "server→client")!;
      expect(data).toMatchObject({ decrypted: true, detail: "22 bytes", length: 22 });
      expect(rowOf(renderHtml(v), data.index)).toMatch(/<td>22 bytes<\/td><td>22<\/td><\/tr>$/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("chain panel: one box per DN looked for", () => {
  it("two findings naming the same DN (looked for, and as the leaf's issuer) give one box linking both", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const first = diagnosis.findings[0]!;
    const dn = first.evidence.find((x) => x.kind === "dn" && x.role === "looked-for")!;
    const second: Finding = {
      ...first,
      id: "server-truststore-missing-issuer",
      evidence: [{ ...dn, role: "leaf-issuer" } as Finding["evidence"][number]],
    };
    const v = buildReportView({ kind: "diagnose", evidence, diagnosis: { ...diagnosis, findings: [first, second, ...diagnosis.findings.slice(1)] } }, { now: NOW });
    expect(v.chainPanel!.lookedFor).toEqual([
      expect.objectContaining({ role: "leaf-issuer", foundAt: null, finding: "ca-mismatch", findings: ["ca-mismatch", "server-truststore-missing-issuer"] }),
    ]);
    const html = renderHtml(v);
    expect([...html.matchAll(/<div class="lookedfor"/g)]).toHaveLength(1);
    expect(html).toContain('findings <a href="#finding-ca-mismatch">ca-mismatch</a>, <a href="#finding-server-truststore-missing-issuer">server-truststore-missing-issuer</a>');
    expect([...renderMarkdown(v).matchAll(/- Looked for /g)]).toHaveLength(1);
  });
});
