/**
 * `mtls-doctor diagnose --capture` end to end (node dist/cli/main.js, built by `npm test`'s tsc step) on the committed
 * capture fixtures (test/fixtures/captures/record.sh), alone and with a client keystore equivalent to the one that
 * made java-tls12-ca-mismatch.pcap (a leaf issued by "CN=Lab Root B, O=mtls-doctor lab, C=AU", made here by openssl).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectValidReport } from "../helpers/reportSchema.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "test/fixtures/captures");
const CA_MISMATCH = join(DIR, "java-tls12-ca-mismatch.pcap");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), "diagnose", ...args], { encoding: "utf8" });

let tmp: string;
let rootBKeystore: string;
let threeConversations: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "mtlsd-diag-capture-"));
  const ossl = (...a: string[]) => execFileSync("openssl", a, { cwd: tmp, stdio: ["ignore", "pipe", "pipe"] });
  // The record.sh PKI: Lab Root B → client-rootB (clientAuth), exported as PKCS#12 with alias "client".
  ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "rootB.key", "-out", "rootB.pem", "-subj", "/C=AU/O=mtls-doctor lab/CN=Lab Root B", "-days", "3650");
  ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/O=mtls-doctor lab/CN=client-rootB");
  writeFileSync(join(tmp, "client.ext"), "extendedKeyUsage=clientAuth\n");
  ossl("x509", "-req", "-in", "client.csr", "-CA", "rootB.pem", "-CAkey", "rootB.key", "-CAcreateserial", "-days", "3650", "-extfile", "client.ext", "-out", "client.pem");
  ossl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-name", "client", "-out", "rootB.p12", "-passout", "pass:changeit");
  rootBKeystore = join(tmp, "rootB.p12");
  // One pcap (same magic, µs, Ethernet) holding three recorded connections: two failed, one good.
  const parts = ["java-tls12-ca-mismatch.pcap", "openssl-tls13-nocert.pcap", "openssl-tls12-good.pcap"].map((f) => readFileSync(join(DIR, f)));
  for (const p of parts) expect(p.subarray(0, 4).toString("hex")).toBe(parts[0]!.subarray(0, 4).toString("hex"));
  threeConversations = join(tmp, "three.pcap");
  writeFileSync(threeConversations, Buffer.concat([parts[0]!, ...parts.slice(1).map((p) => p.subarray(24))]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("mtls-doctor diagnose --capture", () => {
  it("capture only: the empty client Certificate and the server's alert; exit 1; JSON valid with the capture overview", () => {
    const r = cli("--capture", CA_MISMATCH);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Capture .*java-tls12-ca-mismatch\.pcap: pcap, 14 packets, 1 TLS conversation\(s\), 1 failed\n/);
    expect(r.stdout).toContain("Diagnosing conversation 1 (the failed one): client 127.0.0.1:50648 → server 127.0.0.1:33969, first frame 1");
    expect(r.stdout).toMatch(/ERROR +client-sent-empty-certificate/);
    expect(r.stdout).toMatch(/INFO +server-alert: .*handshake_failure/);
    expect(r.stdout).toMatch(/#7 +Certificate → \(length 0\)/);

    const j = cli("--capture", CA_MISMATCH, "--json");
    expect(j.status).toBe(1);
    const doc = JSON.parse(j.stdout);
    expectValidReport(doc, "diagnose");
    expect(doc.findings.map((f: { id: string }) => f.id)).toEqual(["client-sent-empty-certificate", "server-alert"]);
    expect(doc.capture).toMatchObject({ format: "pcap", packets: 14, diagnosed: 1 });
    expect(doc.capture.conversations).toEqual([
      expect.objectContaining({ number: 1, outcome: "alert", verdict: "problem", failed: true, findings: ["client-sent-empty-certificate", "server-alert"] }),
    ]);
    expect(doc.evidence.handshake.alert).toEqual({ sender: "server", description: 40, name: "handshake_failure" });
  });

  it("with the Root B keystore: ca-mismatch explains the empty Certificate (the playbook's case)", () => {
    const r = cli("--capture", CA_MISMATCH, "--keystore", rootBKeystore, "--password", "changeit");
    expect(r.status).toBe(1);
    // The headline names CAs by CN; the finding keeps the full DNs.
    expect(r.stdout).toMatch(/^PROBLEM: The server accepts certificates from 1 CA \("CN=Lab Root A"\), but the client certificate is issued by "CN=Lab Root B"/m);
    expect(r.stdout).toMatch(/ca-mismatch: The server accepts certificates from 1 CA \("CN=Lab Root A, O=mtls-doctor lab, C=AU"\), but the client certificate is issued by "CN=Lab Root B, O=mtls-doctor lab, C=AU"/);
    expect(r.stdout).toContain("Client model: Java SunX509 key manager");
    expect(r.stdout).not.toContain("changeit");
    const j = cli("--capture", CA_MISMATCH, "--keystore", rootBKeystore, "--password", "changeit", "--json");
    const doc = JSON.parse(j.stdout);
    expectValidReport(doc, "diagnose");
    const ids = doc.findings.map((f: { id: string }) => f.id);
    expect(ids.slice(0, 2)).toEqual(["ca-mismatch", "client-sent-empty-certificate"]);
    expect(doc.evidence.clientModel).toMatchObject({ chosenAlias: null, empty: true });
    expect(doc.evidence.policy.acceptableCAs.map((a: { dn: string }) => a.dn)).toEqual(["CN=Lab Root A, O=mtls-doctor lab, C=AU"]);
  });

  it("several conversations: diagnoses the first failed one, lists the other failed ones in a line each", () => {
    const r = cli("--capture", threeConversations);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/3 TLS conversation\(s\), 2 failed\n/);
    expect(r.stdout).toContain("Diagnosing conversation 1 (the first of 2 failed)");
    expect(r.stdout).toMatch(/Other failed conversations \(1\); `mtls-doctor analyze .*three\.pcap` shows each in full:\n  2\. 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(first frame \d+\): /);
    const doc = JSON.parse(cli("--capture", threeConversations, "--json").stdout);
    expectValidReport(doc, "diagnose");
    expect(doc.capture.diagnosed).toBe(1);
    expect(doc.capture.conversations.map((c: { failed: boolean }) => c.failed)).toEqual([true, true, false]);
    expect(doc.capture.conversations[2]).toMatchObject({ outcome: expect.stringMatching(/^(handshake-completed|closed-after-handshake)$/), verdict: expect.not.stringMatching(/^problem$/) });

    // --filter keeps only the good one: nothing failed, exit 0.
    const good = doc.capture.conversations[2].server.port as number;
    const g = cli("--capture", threeConversations, "--filter", `127.0.0.1:${good}`, "--json");
    expect(g.status).toBe(0);
    const gd = JSON.parse(g.stdout);
    expectValidReport(gd, "diagnose");
    expect(gd.capture.conversations).toHaveLength(1);
    expect(gd.verdict).not.toBe("problem");
  });

  it("usage errors: --capture with --connect, --keylog without --capture; a file that is no capture", () => {
    const both = cli("--capture", CA_MISMATCH, "--connect", "127.0.0.1:1");
    expect(both.status).toBe(2);
    expect(both.stderr.trim()).toBe("mtls-doctor: error: give either --capture (a recorded handshake) or --connect (a new one), not both");
    const kl = cli("--keylog", join(DIR, "openssl-tls13-nocert.keys"), "--keystore", rootBKeystore, "--password", "changeit");
    expect(kl.status).toBe(2);
    expect(kl.stderr.trim()).toBe("mtls-doctor: error: --keylog needs --capture");
    const notCapture = cli("--capture", join(DIR, "record.sh"));
    expect(notCapture.status).toBe(2);
    expect(notCapture.stderr).toMatch(/^mtls-doctor: error: .*record\.sh: not a packet capture/);
  });
});
