/**
 * Report views over the committed real captures (test/fixtures/captures, recorded by record.sh from openssl s_server,
 * s_client and JSSE on loopback).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { renderHtml } from "../../src/report/html/page.js";
import { mdCode, renderMarkdown } from "../../src/report/markdown.js";
import { alertJudgedMessage, analyzeReportView, buildReportView } from "../../src/report/view.js";

const capture = (f: string) => fileURLToPath(new URL(`../fixtures/captures/${f}`, import.meta.url));

async function only(file: string, keylog?: string) {
  const r = await analyzeCapture(capture(file), keylog ? { keyLogFile: capture(keylog) } : {});
  expect(r.conversations).toHaveLength(1);
  return r.conversations[0]!;
}

describe("the failing step is the message the alert judges (RFC 8446 §6.2, RFC 5246 §7.2.2)", () => {
  it("TLS 1.2 unknown_ca(48) from openssl s_server: the client's Certificate, not its encrypted Finished", async () => {
    const a = await only("openssl-tls12-unknown-ca.pcapng");
    const c = a.conversation;
    expect(c.alert?.alert.description).toBe(48);
    // the message right before the alert is the client's encrypted Finished
    expect(c.messages.find((m) => m.index === c.alert!.afterMessageIndex)?.type).toBe("EncryptedHandshake");
    const judged = alertJudgedMessage(c)!;
    const m = c.messages.find((x) => x.index === judged)!;
    expect([m.type, m.direction]).toEqual(["Certificate", "client→server"]);
    const v = buildReportView({ kind: "analyze", source: { file: "x" }, conversations: [c], diagnosis: a.diagnosis });
    expect(v.conversations[0]!.messages.filter((x) => x.failing).map((x) => x.index)).toEqual([judged]);
  });

  it("TLS 1.2 handshake_failure(40) from JSSE after an empty Certificate: that empty Certificate", async () => {
    const { conversation: c } = await only("java-tls12-ca-mismatch.pcap");
    expect(c.alert?.alert.description).toBe(40);
    const m = c.messages.find((x) => x.index === alertJudgedMessage(c))!;
    expect(m.type).toBe("Certificate");
    expect(m.direction).toBe("client→server");
    expect(m.body?.type === "Certificate" && m.body.entries.length).toBe(0);
  });

  it("TLS 1.3 certificate_required(116) after the client's Finished (key log): the empty Certificate", async () => {
    const { conversation: c } = await only("openssl-tls13-nocert.pcap", "openssl-tls13-nocert.keys");
    expect(c.alert?.alert.description).toBe(116);
    expect(c.alert?.afterClientFinished).toBe(true);
    const m = c.messages.find((x) => x.index === alertJudgedMessage(c))!;
    expect([m.type, m.direction, m.decrypted]).toEqual(["Certificate", "client→server", true]);
    expect(m.body?.type === "Certificate" && m.body.entries.length).toBe(0);
  });

  it("anything else, or an unreadable Certificate: the message just before the alert", async () => {
    const { conversation: c } = await only("openssl-tls12-unknown-ca.pcapng");
    const a = c.alert!;
    // decrypt_error(51) judges a CertificateVerify
    const cv = c.messages.find((m) => m.type === "CertificateVerify" && m.direction === "client→server")!;
    expect(alertJudgedMessage({ ...c, alert: { ...a, alert: { ...a.alert, description: 51, descriptionName: "decrypt_error" } } })).toBe(cv.index);
    // internal_error(80) judges nothing in particular: the message before it
    expect(alertJudgedMessage({ ...c, alert: { ...a, alert: { ...a.alert, description: 80, descriptionName: "internal_error" } } })).toBe(a.afterMessageIndex);
    // no alert, no judged message
    const { alert: _x, ...noAlert } = c;
    expect(alertJudgedMessage(noAlert)).toBeUndefined();
  });
});

describe("analyze reports with more than one conversation", () => {
  /** Two real captures merged into one file: a healthy TLS 1.2 handshake, then openssl's unknown_ca rejection. */
  async function twoConversations() {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-two-"));
    try {
      const file = join(dir, "two.pcapng");
      execFileSync("mergecap", ["-w", file, capture("openssl-tls12-good.pcap"), capture("openssl-tls12-unknown-ca.pcapng")]);
      return await analyzeCapture(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("carries findings per conversation, failed first; HTML and Markdown show each conversation's findings", async () => {
    const r = await twoConversations();
    expect(r.conversations).toHaveLength(2);
    // text/JSON have per-conversation findings: the failed one has an error
    const failedFindings = r.conversations.find((c) => c.summary.outcome === "alert")!.diagnosis.findings;
    expect(failedFindings.some((f) => f.severity === "error")).toBe(true);

    const v = analyzeReportView(r, { file: "two.pcapng" }, 0);
    expect(v.conversations.map((c) => c.outcome)).toEqual(["alert", "handshake-completed"]);
    const [bad, good] = v.conversations;
    expect(bad!.verdict).toBe("problem");
    expect(good!.verdict).toBe("healthy");
    expect(bad!.findings!.map((f) => f.key)).toEqual(failedFindings.map((f) => `c1-${f.id}`));
    expect(bad!.findings!.every((f) => f.conversation === 1)).toBe(true);
    // the headline counts findings across conversations
    expect(v.counts.error).toBeGreaterThanOrEqual(1);
    expect(v.counts).toEqual({
      error: r.conversations.flatMap((c) => c.diagnosis.findings).filter((f) => f.severity === "error").length,
      warning: r.conversations.flatMap((c) => c.diagnosis.findings).filter((f) => f.severity === "warning").length,
      info: r.conversations.flatMap((c) => c.diagnosis.findings).filter((f) => f.severity === "info").length,
    });
    expect(v.verdict).toBe("problem");
    expect(v.headline).toMatch(/^Problem in 1 of 2 TLS conversations: /);
    // each conversation has its own chain-vs-CA panel from its own CertificateRequest: never "no client chain" over a chain
    expect(bad!.chainPanel?.verdict).not.toBe("no-chain");
    expect(bad!.chainPanel?.chain.length).toBeGreaterThan(0);

    const html = renderHtml(v);
    expect(html).not.toContain("No findings.");
    expect(html).toContain("1 error");
    for (const f of bad!.findings!) expect(html).toContain(`id="finding-${f.key}"`);
    // message evidence links to that conversation's transcript rows, and those rows exist
    const links = [...html.matchAll(/href="#(c\d+-msg-\d+)"/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    expect(links.every((id) => id.startsWith("c1-"))).toBe(true);
    // ids are unique on the page
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    // failed conversation first
    expect(html.indexOf("Handshake 1:")).toBeLessThan(html.indexOf("Handshake 2:"));

    const md = renderMarkdown(v);
    expect(md).toContain("#### Handshake 1:");
    expect(md).toContain("| Error |");
    for (const f of bad!.findings!) expect(md).toContain(mdCode(f.id));
    expect(md).not.toContain("There is no client chain to compare.");
    expect(md).toMatch(/\*\*Problem in 1 of 2 TLS conversations: /);
    // a listed CA need not issue the leaf itself: the chain must include a certificate it issued
    for (const out of [html, md]) {
      expect(out).toContain("client certificate whose chain includes a certificate issued by one of these CAs");
      expect(out).not.toMatch(/(must be|requires a client certificate) issued by/);
    }
  });

  it("a conversation without a CertificateRequest in view does not claim there is no client chain above one", async () => {
    const r = await twoConversations();
    const convs = r.conversations.map((c) => c.conversation);
    // the old analyze input (conversations only, no policy): the panel compares with nothing
    const v = buildReportView({ kind: "analyze", source: { file: "two.pcapng" }, conversations: convs });
    expect(v.chainPanel?.chain.length).toBeGreaterThan(0);
    expect(v.chainPanel?.verdict).toBe("no-request-seen");
    const md = renderMarkdown(v);
    expect(md).not.toContain("There is no client chain to compare.");
    expect(md).toContain("No CertificateRequest was seen");
  });
});
