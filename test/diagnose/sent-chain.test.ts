/**
 * Observed behaviour wins over the model: real `openssl s_client` handshakes against `openssl s_server` (TLS 1.2 and
 * 1.3), recorded with tcpdump on loopback (test/capture/record.ts), and live `diagnose --connect` runs against a
 * server that names no CA. The chain the client sent is parsed and judged (validity at the handshake and today, EKU,
 * CA list, completeness) even without a keystore, and the headline explains the server's alert instead of "read the
 * server's log".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { makeLabPki, run, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";
import { recordSClient, type Recorded } from "../capture/record.js";
import { expectValidReport } from "../helpers/reportSchema.js";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/captures/", import.meta.url).pathname;
const PW = "changeit-123";
const mt = (...a: string[]) => spawnSync(process.execPath, [CLI, ...a], { encoding: "utf8" });
type Doc = { verdict: string; findings: Array<{ id: string; severity: string; title: string; evidence: Array<{ kind: string; text?: string }>; remediation: { summary: string; steps: string[] }; reference: string }> };
const analyzeJson = (...a: string[]): { code: number | null; doc: Doc } => {
  const r = mt("analyze", ...a, "--json");
  const d = JSON.parse(r.stdout) as { conversations: Array<{ findings: Doc["findings"] }> };
  return { code: r.status, doc: { verdict: "", findings: d.conversations[0]!.findings } };
};
const ids = (d: Doc) => d.findings.map((f) => `${f.id}:${f.severity}`);

let lab: LabPki;
const cap: Record<string, Recorded> = {};
const ks: Record<string, string> = {};
let noCa: Peer;
let s12: Peer;

beforeAll(async () => {
  lab = await makeLabPki();
  const server = { cert: lab.cert("server"), key: lab.key("server") };
  let s13: Peer;
  [s12, s13, noCa] = await Promise.all([
    startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
    startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.3" }),
    // Trusts Root A for client certificates but names no CA (-verifyCAfile without -CAfile): an empty CA list.
    startOpensslServer({ ...server, verifyCAfile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
  ]);
  const inter = lab.cert("interA");
  cap.rootB12 = await recordSClient(lab.dir, "rootB12", s12.port, ["-cert", lab.cert("client-rootB"), "-key", lab.key("client-rootB")]);
  cap.expired12 = await recordSClient(lab.dir, "expired12", s12.port, ["-cert", lab.cert("client-expired"), "-cert_chain", inter, "-key", lab.key("client-expired")]);
  cap.eku12 = await recordSClient(lab.dir, "eku12", s12.port, ["-cert", lab.cert("client-eku-server"), "-cert_chain", inter, "-key", lab.key("client-eku-server")]);
  cap.rootB13 = await recordSClient(lab.dir, "rootB13", s13.port, ["-cert", lab.cert("client-rootB"), "-key", lab.key("client-rootB")], true);
  ks.rootB = await lab.toPkcs12("client-rootB", { password: PW, file: `${lab.dir}/rootB.p12` });
  ks.noint = await lab.toPkcs12("client-good", { password: PW, chain: false, alias: "client", file: `${lab.dir}/noint.p12` });
  ks.other = `${lab.dir}/other.p12`;
  const rb = lab.certs["client-rootB"];
  await run("openssl", ["pkcs12", "-export", "-in", rb.fullChain, "-inkey", rb.key, "-name", "other", "-passout", `pass:${PW}`, "-out", ks.other]);
  ks.trust = await lab.trustStore(["rootA"], "PKCS12", { password: PW, file: `${lab.dir}/trust.p12` });
  // Two entries: "aaa-other" (RSA, self-signed) and "client" (EC, leaf + Intermediate A), merged by keytool.
  const d = lab.dir;
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${d}/other-rsa.key`, "-out", `${d}/other-rsa.pem`, "-subj", "/CN=aaa-other", "-days", "30"]);
  await run("openssl", ["pkcs12", "-export", "-in", `${d}/other-rsa.pem`, "-inkey", `${d}/other-rsa.key`, "-name", "aaa-other", "-passout", `pass:${PW}`, "-out", `${d}/two.p12`]);
  const good = await lab.toPkcs12("client-good", { password: PW, alias: "client", file: `${d}/good.p12` });
  await run("keytool", ["-importkeystore", "-noprompt", "-srckeystore", good, "-srcstoretype", "PKCS12", "-srcstorepass", PW, "-destkeystore", `${d}/two.p12`, "-deststoretype", "PKCS12", "-deststorepass", PW]);
  ks.two = `${d}/two.p12`;
}, 90_000);
afterAll(async () => {
  await stopAllPeers();
  if (!process.env.MTLSD_KEEP_LAB) await lab?.dispose();
});

describe("analyze judges the chain the client sent (no keystore)", () => {
  it("TLS 1.2, leaf from an unrelated root, 48 unknown_ca: ca-mismatch worded for a sent chain; the chain is printed", () => {
    const t = mt("analyze", cap.rootB12!.pcap);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/Client Certificate: sent \(\d+ bytes, 1 certificate\)\n {4}1\. CN=client-rootB, O=mtls-doctor lab\n {7}issuer CN=Lab Root B, O=mtls-doctor lab\n {7}valid \S+ to \S+ \(valid at the handshake, valid today\)/);
    const { doc } = analyzeJson(cap.rootB12!.pcap);
    // "Lab Root B" reads as a root by its name: the chain is complete, the server does not trust that root (no missing-intermediate).
    expect(ids(doc)).toEqual(["ca-mismatch:error", "server-alert:info"]);
    expect(doc.findings[0]!.title).toMatch(/^The client sent a chain the server does not name: "CN=client-rootB, O=mtls-doctor lab", issued by "CN=Lab Root B, O=mtls-doctor lab"; .* and rejected the chain with fatal alert 48 unknown_ca$/);
    expect(doc.findings[0]!.title).not.toContain("Java sends no certificate");
    // Remediation grouped by side, at most 4 per side, the likely side first.
    const steps = doc.findings[0]!.remediation.steps;
    expect(steps.every((s) => /^On the (client|server): /.test(s))).toBe(true);
    expect(steps.filter((s) => s.startsWith("On the client")).length).toBeLessThanOrEqual(4);
    expect(steps.filter((s) => s.startsWith("On the server")).length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(doc)).not.toContain("read the server's log");
  });

  it("TLS 1.3 decrypted with --keylog: the same judgement", () => {
    const { code, doc } = analyzeJson(cap.rootB13!.pcap, "--keylog", cap.rootB13!.keylog!);
    expect(code).toBe(1);
    expect(ids(doc)).toEqual(["ca-mismatch:error", "server-alert:info"]);
    expect(doc.findings[0]!.title).toContain("rejected the chain with fatal alert 48 unknown_ca");
  });

  it("expired leaf (45 certificate_expired): client-cert-expired at the handshake's time, and still expired today", () => {
    const t = mt("analyze", cap.expired12!.pcap);
    expect(t.stdout).toMatch(/1\. CN=client-expired, O=mtls-doctor lab\n.*\n {7}valid 2020-\S+ to 2021-\S+ \(EXPIRED at the handshake, EXPIRED today\)/);
    expect(t.stdout).toMatch(/2\. CN=Lab Intermediate A/);
    const { doc } = analyzeJson(cap.expired12!.pcap);
    expect(ids(doc)).toEqual(["client-cert-expired:error", "server-alert:info"]);
    expect(doc.findings[0]!.title).toMatch(/^The client certificate the client sent "CN=client-expired, O=mtls-doctor lab" expired on 2021-\S+, before the handshake \(/);
    expect(doc.findings[0]!.evidence.map((e) => e.text ?? "").join("\n")).toMatch(/it is still expired today/);
  });

  it("serverAuth-only EKU (43 unsupported_certificate): eku-missing-client-auth", () => {
    const { doc } = analyzeJson(cap.eku12!.pcap);
    expect(ids(doc)).toEqual(["eku-missing-client-auth:error", "server-alert:info"]);
  });

  it("--keystore predicting an empty Certificate does not contradict a capture where the client sent 2 certificates", () => {
    const { doc } = analyzeJson(cap.expired12!.pcap, "--keystore", ks.rootB!, "--password", PW);
    expect(JSON.stringify(doc)).not.toContain("so Java sends no certificate");
    expect(ids(doc)).toEqual(["client-cert-expired:error", "server-alert:info", "client-model-mismatch:info"]);
    expect(doc.findings[2]!.title).toMatch(/predicts an empty Certificate for this keystore; this client sent 2 certificates .*: it is probably not a JSSE client with this keystore, or not this keystore/);
  });
});

describe("a server with an empty CA list (diagnose --connect)", () => {
  it("leaf without its intermediate, 48: missing-intermediate is the error and the headline", () => {
    const r = mt("diagnose", "--connect", `127.0.0.1:${noCa.port}`, "--keystore", ks.noint!, "--password", PW);
    expect(r.status).toBe(1);
    const head = r.stdout.split("\n")[0]!;
    expect(head).toMatch(/^PROBLEM: The client sent only its certificate, ending at "CN=client-good" without its issuer "CN=Lab Intermediate A", and the server rejected it with fatal alert 48 unknown_ca/);
    expect(head).not.toMatch(/read the server's log/i);
    const j = mt("diagnose", "--connect", `127.0.0.1:${noCa.port}`, "--keystore", ks.noint!, "--password", PW, "--json");
    expectValidReport(j.stdout, "diagnose");
    expect(ids(JSON.parse(j.stdout))).toEqual(["missing-intermediate:error", "server-alert:info"]);
    // With the server's truststore it stays the error.
    const t = mt("diagnose", "--connect", `127.0.0.1:${noCa.port}`, "--keystore", ks.noint!, "--password", PW, "--truststore", ks.trust!, "--truststore-password", PW, "--json");
    expect(ids(JSON.parse(t.stdout))).toEqual(["missing-intermediate:error", "server-alert:info"]);
  });

  it("a chain up to another self-signed root, 48: the server does not trust that root", () => {
    const j = mt("diagnose", "--connect", `127.0.0.1:${noCa.port}`, "--keystore", ks.other!, "--password", PW, "--json");
    const doc = JSON.parse(j.stdout) as Doc;
    expect(ids(doc)).toEqual(["server-truststore-missing-issuer:error", "server-alert:info"]);
    expect(doc.findings[0]!.title).toMatch(/^The server does not trust "CN=Lab Root B, O=mtls-doctor lab": the client sent its chain up to that self-signed root, and the server rejected it with fatal alert 48 unknown_ca/);
  });
});

describe("the Java model's reasons", () => {
  it("an RSA entry after a chosen EC one was not reached (key types in signature_algorithms order), not 'a key type the server does not allow'", () => {
    const r = mt("diagnose", "--connect", `127.0.0.1:${s12.port}`, "--keystore", ks.two!, "--password", PW);
    expect(r.stdout).toMatch(/- "client": sent: EC key/);
    expect(r.stdout).toMatch(/- "aaa-other": not sent: not reached: JSSE asks for key types in the order of the server's signature_algorithms \(EC, [^)]*RSA[^)]*\) and takes the first alias that fits; "client" \(EC\) fitted before RSA keys were asked for/);
    expect(r.stdout).not.toContain("not of a key type the server's signature_algorithms allow");
  });
});

describe("verdict and wording", () => {
  it("offline: a leaf-only entry whose issuer no truststore certificate is (or issued) is a PROBLEM, not a warning", () => {
    const r = mt("diagnose", "--keystore", ks.noint!, "--password", PW, "--truststore", ks.trust!, "--truststore-password", PW);
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n")[0]!.length).toBeLessThanOrEqual(170);
    expect(r.stdout.split("\n")[0]).toMatch(/^PROBLEM: The server's truststore has no issuer for "CN=client-good" \(issued by "CN=Lab Intermediate A"\)\. Fix: Send "Lab Intermediate A" after the client certificate\.$/);
  });

  it("headline: the cause and the first fix step, DNs by CN (the playbook's CA mismatch)", () => {
    const r = mt("diagnose", "--capture", `${FIXTURES}java-tls12-ca-mismatch.pcap`, "--keystore", ks.rootB!, "--password", PW);
    const head = r.stdout.split("\n").find((l) => l.startsWith("PROBLEM:"))!;
    expect(head.length).toBeLessThan(300);
    expect(head).toContain('"CN=Lab Root A"');
    expect(head).not.toContain("Otherwise");
  });

  it("an empty Certificate: server-alert lists only the causes the transcript allows; references point at docs/", () => {
    const { doc } = analyzeJson(`${FIXTURES}java-tls12-ca-mismatch.pcap`);
    const alert = doc.findings.find((f) => f.id === "server-alert")!;
    expect(alert.remediation.steps.join("\n")).not.toContain("CertificateVerify");
    expect(alert.reference).toContain("docs/alert-matrix.md");
    const empty = doc.findings.find((f) => f.id === "client-sent-empty-certificate")!;
    expect(empty.reference).toContain("the Wireshark step of docs/playbook.md: the client's Certificate with Certificate Length 0");
    expect(empty.reference).not.toContain("#9");
  });

  it("--filter: malformed is a usage error (exit 2, one line); matching nothing says what the capture holds (exit 1)", () => {
    const bad = mt("analyze", cap.rootB12!.pcap, "--filter", "foo");
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^mtls-doctor: error: --filter "foo": "foo" is not an IP address/);
    expect(mt("analyze", cap.rootB12!.pcap, "--filter", "127.0.0.1:70000").status).toBe(2);
    const none = mt("analyze", cap.rootB12!.pcap, "--filter", "127.0.0.1:1");
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(/No TLS conversation matches --filter 127\.0\.0\.1:1\. The capture holds 1 TCP connection\(s\): 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(frame 1\)\./);
    const d = mt("diagnose", "--capture", cap.rootB12!.pcap, "--filter", "127.0.0.1:1");
    expect(d.status).toBe(1);
    expect(d.stdout).toContain("No TLS conversation matches --filter 127.0.0.1:1.");
  });
});
