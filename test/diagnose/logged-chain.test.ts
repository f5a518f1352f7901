/**
 * diagnose --log alone judges the chain the log shows the client sent (LoggedHandshake.clientCertificates): real
 * JDK 17 JSSE debug logs of a Java client against `openssl s_server -Verify 1 -verify_return_error` (test/logs/lab.ts).
 * Certificates are judged at the time the log stamps the client's Certificate message.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose, type DiagnosisDetail } from "../../src/diagnose/engine.js";
import type { Evidence, LogEvidence } from "../../src/evidence/model.js";
import { readLog } from "../../src/logs/index.js";
import { transcriptLines } from "../../src/report/text/probe.js";
import { buildReportView } from "../../src/report/view.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderHtml } from "../../src/report/html/page.js";
import { javaClientVsOpenssl, makeLab, stopAll, type JavaRun, type Lab } from "../logs/lab.js";

let lab: Lab;
const logs = new Map<string, JavaRun & { ev: LogEvidence }>();

beforeAll(async () => {
  lab = makeLab();
  const jobs: [string, () => Promise<JavaRun>][] = [
    ["chain-1.2", () => javaClientVsOpenssl(lab, "chain-1.2", "1.2", "chain.p12")],
    ["expired-1.3", () => javaClientVsOpenssl(lab, "expired-1.3", "1.3", "expired.p12")],
    ["ekusrv-1.2", () => javaClientVsOpenssl(lab, "ekusrv-1.2", "1.2", "ekusrv.p12")],
  ];
  const queue = [...jobs];
  const worker = async () => {
    for (let j = queue.shift(); j; j = queue.shift()) {
      const r = await j[1]();
      logs.set(j[0], { ...r, ev: await readLog(r.log) });
    }
  };
  await Promise.all([worker(), worker()]);
}, 120_000);
afterAll(async () => {
  await stopAll();
  if (lab) rmSync(lab.dir, { recursive: true, force: true });
});

// "today", a day after the lab's handshakes: the log's own time is what certificates are judged at.
const today = (): number => Date.now() + 86_400_000;
const run = (name: string): DiagnosisDetail => diagnose({ now: today(), stores: [], conversations: [], logs: [logs.get(name)!.ev] } satisfies Evidence);
const ids = (d: DiagnosisDetail) => d.findings.map((f) => `${f.id}:${f.severity}`);

describe("diagnose --log: the chain the log shows the client sent", () => {
  it("good chain (leaf + Intermediate A, TLS 1.2) → healthy, 2 certificates, the leaf as evidence; the ladder counts them", () => {
    expect(logs.get("chain-1.2")!.result).toMatch(/^RESULT ok/);
    const d = run("chain-1.2");
    expect(ids(d)).toEqual(["healthy:info"]);
    const h = d.findings[0]!;
    expect(h.title).toContain("the client sent 2 certificates and the server accepted them");
    const leaf = h.evidence.find((e) => e.kind === "certificate");
    expect(leaf).toMatchObject({ role: "client-chain", index: 0, subject: "CN=client-chain, O=mtls-doctor Lab, C=AU", issuer: "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU" });
    // The ladder (text) and the report view count the logged Certificate like the wire path.
    const conv = d.conversation!;
    expect(transcriptLines(conv).some((l) => /#\d+\s+Certificate → \(2 certificates\)$/.test(l))).toBe(true);
    // As a report shows a logged handshake: its conversation and its CertificateRequest's policy.
    const ev = logs.get("chain-1.2")!.ev;
    const v = buildReportView({ kind: "diagnose", evidence: { now: today(), stores: [], conversations: [conv], policy: ev.handshakes[0]!.policy!, logs: [ev] }, diagnosis: d });
    const msgs = v.conversations[0]!.messages.filter((m) => m.type === "Certificate" && m.direction === "client→server");
    expect(msgs.map((m) => m.detail)).toEqual(["2 certificates"]);
    // CA names from the log are marked as such in the view.
    expect(v.policy!.acceptableCAs.length).toBeGreaterThan(0);
    expect(v.policy!.acceptableCAs.every((ca) => ca.fromLog === true && ca.derHex === "")).toBe(true);
    // A DN evidence without DER (a name read from the log) says so after the DN.
    const dn = ev.handshakes[0]!.policy!.acceptableCAs[0]!.dn;
    const withDn = { ...d, findings: [{ ...d.findings[0]!, evidence: [{ kind: "dn" as const, role: "acceptable-ca" as const, dn }] }] };
    const e = buildReportView({ kind: "diagnose", evidence: { now: today(), stores: [], conversations: [conv] }, diagnosis: withDn }).findings[0]!.evidence[0]!;
    expect(e).toMatchObject({ label: `acceptable CA: ${dn} (from a log)`, fromLog: true });
    // ... and the Markdown and HTML renderers print the mark after the DN, outside it.
    const withCas = buildReportView({ kind: "diagnose", evidence: { now: today(), stores: [], conversations: [conv], policy: ev.handshakes[0]!.policy!, logs: [ev] }, diagnosis: withDn });
    const md = renderMarkdown(withCas);
    expect(md).toContain(`\`${dn}\` (from a log)`);
    const html = renderHtml(withCas);
    expect(html).toMatch(/<span class="dn">[^<]*<\/span> <span class="muted">\(from a log\)<\/span>/);
  });

  it("expired leaf (TLS 1.3, 45) → client-cert-expired at the log's handshake time, still expired today; 45 confirms", () => {
    expect(logs.get("expired-1.3")!.result).toContain("certificate_expired");
    const d = run("expired-1.3");
    expect(ids(d)).toEqual(["client-cert-expired:error", "server-alert:info"]);
    const f = d.findings[0]!;
    const certMsg = d.conversation!.messages.find((m) => m.type === "Certificate" && m.direction === "client→server")!;
    const at = new Date(certMsg.time!).toISOString();
    expect(f.title).toBe(`The client certificate the client sent "CN=client-expired, O=mtls-doctor Lab, C=AU" expired on 2025-01-01T00:00:00Z, before the handshake (${at})`);
    // Cross-check the date with openssl's view of the certificate.
    expect(lab.x509("expired", "-enddate")).toContain("Jan  1 00:00:00 2025 GMT");
    expect(f.evidence).toContainEqual({ kind: "certificate", role: "client-chain", index: 0, subject: "CN=client-expired, O=mtls-doctor Lab, C=AU", issuer: "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU" });
    expect(f.evidence).toContainEqual({ kind: "field", field: "handshake time", value: at.replace(".000Z", "Z") });
    expect(JSON.stringify(f.evidence)).toContain("still expired today");
    expect(d.findings[1]!.title).toContain("fatal alert 45 certificate_expired");
    expect(JSON.stringify(d.findings[1]!.evidence)).toContain("This alert confirms");
  });

  it("serverAuth-only EKU (TLS 1.2, 43) → eku-missing-client-auth on the sent leaf; 43 confirms", () => {
    expect(logs.get("ekusrv-1.2")!.result).toContain("unsupported_certificate");
    const d = run("ekusrv-1.2");
    expect(ids(d)).toEqual(["eku-missing-client-auth:error", "server-alert:info"]);
    const f = d.findings[0]!;
    expect(f.title).toBe('The client certificate the client sent "CN=client-eku-serverAuth-only, O=mtls-doctor Lab, C=AU" may not be used for TLS client authentication: its extendedKeyUsage is serverAuth');
    expect(lab.x509("ekusrv", "-ext", "extendedKeyUsage")).toContain("TLS Web Server Authentication");
    expect(f.evidence).toContainEqual({ kind: "field", field: "extendedKeyUsage", value: "serverAuth" });
    expect(f.evidence[0]).toEqual({ kind: "certificate", role: "client-chain", index: 0, subject: "CN=client-eku-serverAuth-only, O=mtls-doctor Lab, C=AU", issuer: "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU" });
    expect(d.findings[1]!.title).toContain("fatal alert 43 unsupported_certificate");
  });
});
