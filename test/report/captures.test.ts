/**
 * Report views over the committed real captures (test/fixtures/captures, recorded by record.sh from openssl s_server,
 * s_client and JSSE on loopback).
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { alertJudgedMessage, buildReportView } from "../../src/report/view.js";

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
