/**
 * `mtls-doctor analyze <log>` end to end (node dist/cli/main.js, built by `npm test`'s tsc step): a file that is no
 * capture is read as a Java -Djavax.net.debug / gateway log: per logged handshake the summary and its diagnosis.
 * Fixtures in test/logs/fixtures, and one real JSSE client log (test/logs/lab.ts: Java client whose keystore holds a
 * Root B leaf against `openssl s_server -Verify 1 -CAfile rootA.pem`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectValidReport } from "../helpers/reportSchema.js";
import { javaClientVsOpenssl, makeLab, stopAll, type JavaRun, type Lab } from "../logs/lab.js";

const ROOT = join(import.meta.dirname, "../..");
const LOGS = join(ROOT, "test/logs/fixtures");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), "analyze", ...args], { encoding: "utf8" });
const ids = (fs: { id: string }[]) => fs.map((f) => f.id);

let lab: Lab;
let rootB13: JavaRun;

beforeAll(async () => {
  lab = makeLab();
  rootB13 = await javaClientVsOpenssl(lab, "rootb-1.3", "1.3", "rootb.p12");
}, 120_000);
afterAll(async () => {
  await stopAll();
  rmSync(lab.dir, { recursive: true, force: true });
});

describe("mtls-doctor analyze <log>", () => {
  it("a JDK 8 client debug log: the logged handshake, its CA names and empty Certificate, and the diagnosis", () => {
    const log = join(LOGS, "jdk8-client-ca-mismatch.log");
    const r = cli(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Log .*jdk8-client-ca-mismatch\.log \(JSSE debug output, client side; 69 lines\)\n/);
    expect(r.stdout).toContain("CertificateRequest: 2 acceptable CA names  (line 49)");
    expect(r.stdout).toContain("Certificate: EMPTY (0 certificates)  (line 58)");
    expect(r.stdout).toContain("Diagnosis (1 logged handshake(s), 1 failed)");
    expect(r.stdout).toMatch(/Handshake 1 \(lines 15–66\): PROBLEM\n +1\. ERROR +ca-mismatch: /);
    const doc = JSON.parse(cli(log, "--json").stdout);
    expectValidReport(doc, "analyze");
    expect(doc).toMatchObject({ source: "log", log: { kind: "jsse-debug", side: "client", lines: 69 }, unattributed: null });
    expect(doc.handshakes).toHaveLength(1);
    expect(doc.handshakes[0]).toMatchObject({
      number: 1,
      acceptableCAs: ["CN=Lab Root A, O=mtls-doctor Lab, C=AU", "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU"],
      clientCertificates: 0,
      alert: { sender: "server", level: "fatal", description: 42, name: "bad_certificate" },
      verdict: "problem",
    });
    expect(ids(doc.handshakes[0].findings)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
  });

  it("a gateway log without a logged handshake: its TLS lines diagnosed as a whole", () => {
    const r = cli(join(LOGS, "apigee-mp-system.log"));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Diagnosis (no handshake logged; from the TLS lines): PROBLEM");
    const doc = JSON.parse(cli(join(LOGS, "apigee-mp-system.log"), "--json").stdout);
    expectValidReport(doc, "analyze");
    expect(doc).toMatchObject({ source: "log", log: { kind: "gateway" }, handshakes: [], unattributed: { verdict: "problem" } });
    expect(ids(doc.unattributed.findings)).toContain("server-alert");
  });

  it("a real JSSE 17 client log (TLS 1.3, keystore leaf from Root B, server asks for Root A)", () => {
    expect(rootB13.result).toMatch(/^RESULT /);
    const r = cli(rootB13.log);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/JSSE debug output, client side/);
    const doc = JSON.parse(cli(rootB13.log, "--json").stdout);
    expectValidReport(doc, "analyze");
    const failed = doc.handshakes.filter((h: { verdict: string }) => h.verdict === "problem");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0].acceptableCAs).toEqual(["CN=Lab Root A, O=mtls-doctor Lab, C=AU"]);
    expect(failed[0].clientCertificates).toBe(0);
    expect(ids(failed[0].findings)).toContain("ca-mismatch");
    expect(ids(failed[0].findings)).toContain("client-sent-empty-certificate");
  });

  it("a file that is neither a capture nor a log: exit 2, one line", () => {
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cli-"));
    try {
      const txt = join(dir, "notes.txt");
      writeFileSync(txt, "not a capture at all\n");
      const a = cli(txt);
      expect(a.status).toBe(2);
      expect(a.stderr.trim()).toBe(
        `mtls-doctor: error: ${txt}: not a capture (pcap, pcapng) nor a JSSE/gateway log (record a capture with "tcpdump -w file.pcap", or a Java log with -Djavax.net.debug=ssl:handshake)`,
      );
      const k = cli(join(LOGS, "jdk8-client-ca-mismatch.log"), "--filter", ":443");
      expect(k.status).toBe(2);
      expect(k.stderr.trim()).toMatch(/jdk8-client-ca-mismatch\.log: --filter applies to a capture, and this is a log$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
