/** `mtls-doctor analyze` end to end (node dist/cli/main.js, built by `npm test`'s tsc step). */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectValidReport } from "../helpers/reportSchema.js";
import { expectSelfContainedHtml } from "../helpers/selfContained.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "test/fixtures/captures");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), "analyze", ...args], { encoding: "utf8" });

describe("mtls-doctor analyze", () => {
  it("prints the failed conversation with frame numbers and exits 1", () => {
    const r = cli(join(DIR, "java-tls12-ca-mismatch.pcap"));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/#7 +frame 8 +Certificate → \(length 0\)/);
    expect(r.stdout).toMatch(/#8 +frame 9 +← Alert fatal handshake_failure \(40\)/);
    expect(r.stdout).toContain("CN=Lab Root A, O=mtls-doctor lab, C=AU");
    expect(r.stderr).toBe("");
  });

  it("--json has the documented shape; a success exits 0", () => {
    const r = cli(join(DIR, "openssl-tls13-good.pcapng"), "--keylog", join(DIR, "openssl-tls13-good.keys"), "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    const c = j.conversations[0];
    for (const k of ["client", "server", "sni", "tlsVersion", "cipher", "messages", "acceptableCAs", "clientCertificateLength", "alert", "outcome", "findings"]) expect(c).toHaveProperty(k);
    expect(c.messages[0]).toMatchObject({ frame: 4, direction: "client→server", type: "ClientHello" });
    expect(c.clientCertificateLength).toBeGreaterThan(0);
    expect(Object.keys(j).slice(0, 2)).toEqual(["schemaVersion", "$schema"]);
    expectValidReport(j, "analyze");
  });

  it("--format markdown and --format html --output F: same exit code, report in the file, nothing on stdout", () => {
    const pcap = join(DIR, "java-tls12-ca-mismatch.pcap");
    const md = cli(pcap, "--format", "markdown");
    expect(md.status).toBe(1);
    expect(md.stderr).toBe("");
    expect(md.stdout).toMatch(/^### Analysis of .*java-tls12-ca-mismatch\.pcap\n/);
    expect(md.stdout).toContain("`client-sent-empty-certificate`");
    expect(md.stdout).toContain("**#7 C→S Certificate (empty)**");
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cli-"));
    try {
      const file = join(dir, "analyze.html");
      const html = cli(pcap, "--format", "html", "--output", file);
      expect(html.status).toBe(1);
      expect(html.stdout).toBe("");
      const page = readFileSync(file, "utf8");
      expectSelfContainedHtml(page);
      expect(page).toContain('data-finding-id="client-sent-empty-certificate"');
      expect(page).toContain("CN=Lab Root A, O=mtls-doctor lab, C=AU");
      const json = join(dir, "analyze.json");
      expect(cli(pcap, "--json", "--output", json).stdout).toBe("");
      expectValidReport(readFileSync(json, "utf8"), "analyze");
      const conflict = cli(pcap, "--json", "--format", "html");
      expect(conflict.status).toBe(2);
      expect(conflict.stderr.trim()).toBe("mtls-doctor: error: --json conflicts with --format html");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad input: not a capture (exit 2), truncated last packet (warning, still analysed)", () => {
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cli-"));
    try {
      const txt = join(dir, "notes.txt");
      writeFileSync(txt, "not a capture at all\n");
      const a = cli(txt);
      expect(a.status).toBe(2);
      expect(a.stderr.trim()).toBe(
        `mtls-doctor: error: ${txt}: not a capture (pcap, pcapng) nor a JSSE/gateway log (record a capture with "tcpdump -w file.pcap", or a Java log with -Djavax.net.debug=ssl:handshake)`,
      );
      const whole = readFileSync(join(DIR, "java-tls12-ca-mismatch.pcap"));
      const cut = join(dir, "cut.pcap");
      writeFileSync(cut, whole.subarray(0, whole.length - 20));
      const b = cli(cut);
      expect(b.status).toBe(1);
      expect(b.stderr).toMatch(/warning: .*cut\.pcap: the file ends inside packet 14/);
      expect(b.stdout).toContain("Certificate → (length 0)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
