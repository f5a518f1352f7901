/**
 * Every committed fixture capture (recorded on loopback by test/fixtures/captures/record.sh) analysed, and
 * cross-checked against tshark run here: frame numbers, handshake message types and alert descriptions.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeCapture, type AnalyzeResult } from "../../src/diagnose/capture.js";
import { HANDSHAKE_MESSAGE_NAMES } from "../../src/wire/tables.js";
import { ALERT_DESCRIPTIONS, nameOf } from "../../src/wire/tables.js";

const DIR = join(import.meta.dirname, "../fixtures/captures");
const FIXTURES = readdirSync(DIR).filter((f) => /\.pcap(ng)?$/.test(f));

function keysFor(f: string): string | undefined {
  const k = join(DIR, f.replace(/(-dsb)?\.pcap(ng)?$/, ".keys"));
  return existsSync(k) ? k : undefined;
}

/** "frame type" lines as tshark reports them: handshake types by number → IANA name, alerts by description. */
function tsharkView(file: string, keys: string | undefined): string[] {
  const args = ["-r", file, "-Y", "tls", "-T", "fields", "-e", "frame.number", "-e", "tls.handshake.type", "-e", "tls.alert_message.desc"];
  if (keys) args.push("-o", `tls.keylog_file:${keys}`);
  const out = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const lines: string[] = [];
  for (const l of out.trim().split("\n")) {
    const [frame, types, alerts] = l.split("\t");
    for (const t of (types ?? "").split(",").filter(Boolean)) lines.push(`${frame} ${HANDSHAKE_MESSAGE_NAMES[Number(t)] ?? t}`);
    for (const a of (alerts ?? "").split(",").filter(Boolean)) lines.push(`${frame} Alert ${nameOf(ALERT_DESCRIPTIONS, Number(a))}`);
  }
  return lines;
}

/** Our view in the same form: decoded handshake messages and readable alerts. */
function ourView(r: AnalyzeResult): string[] {
  const lines: string[] = [];
  const convs = [...r.conversations].sort((a, b) => a.summary.firstFrame - b.summary.firstFrame);
  for (const c of convs)
    for (const m of c.conversation.messages) {
      if (m.contentType === "handshake" && m.body && "msgType" in m.body) lines.push(`${m.frame} ${m.type}`);
      else if (m.type === "Alert" && m.body?.type === "Alert") lines.push(`${m.frame} Alert ${m.body.descriptionName}`);
    }
  // tshark lists per frame; within a frame order is stream order for both.
  return lines.sort((a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0]));
}

describe("fixture captures, cross-checked with tshark", () => {
  for (const f of FIXTURES) {
    const keys = keysFor(f);
    const dsb = f.includes("-dsb");
    it(`${f}${keys && !dsb ? " (with key log)" : dsb ? " (key log in DSB)" : ""}`, async () => {
      const file = join(DIR, f);
      const r = await analyzeCapture(file, keys && !dsb ? { keyLogFile: keys } : {});
      expect(r.warnings).toEqual([]);
      expect(r.conversations).toHaveLength(1);
      const t = tsharkView(file, dsb ? undefined : keys);
      expect(ourView(r)).toEqual(t.sort((a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0])));
    });
  }

  it("the playbook's no-certificate cause: Certificate length 0 and the server's alert (Java, TLS 1.2)", async () => {
    const r = await analyzeCapture(join(DIR, "java-tls12-ca-mismatch.pcap"));
    const s = r.conversations[0]!.summary;
    expect(s).toMatchObject({ tlsVersion: "1.2", clientCertificateLength: 0, outcome: "alert", alert: { sender: "server", name: "handshake_failure", frame: 9 } });
    expect(s.acceptableCAs!.map((c) => c.dn)).toEqual(["CN=Lab Root A, O=mtls-doctor lab, C=AU"]);
    expect(s.sni).toBe("localhost");
    expect(s.findings.map((x) => x.id)).toContain("client-sent-empty-certificate");
  });

  it("the playbook's CA cause: the server rejects the certificate sent (unknown_ca), pcapng", async () => {
    const r = await analyzeCapture(join(DIR, "openssl-tls12-unknown-ca.pcapng"));
    const s = r.conversations[0]!.summary;
    expect(s.clientCertificateLength).toBeGreaterThan(0);
    expect(s.alert).toMatchObject({ sender: "server", name: "unknown_ca" });
  });

  it("a success is listed after failures and says so", async () => {
    const r = await analyzeCapture(join(DIR, "openssl-tls12-good.pcap"));
    expect(r.conversations[0]!.summary.outcome).toMatch(/handshake-completed|closed-after-handshake/);
    expect(r.conversations[0]!.summary.alert).toBeNull();
  });

  it("TLS 1.3 without a key log says plainly what cannot be seen", async () => {
    const r = await analyzeCapture(join(DIR, "openssl-tls13-nocert.pcap"));
    const s = r.conversations[0]!.summary;
    expect(s.clientCertificateLength).toBeNull();
    expect(s.acceptableCAs).toBeNull();
    expect(s.notes[0]).toBe("TLS 1.3 without a key log: the CertificateRequest and the client's Certificate are encrypted; pass --keylog");
  });

  it("TLS 1.3 decrypted from the pcapng Decryption Secrets Block", async () => {
    const r = await analyzeCapture(join(DIR, "openssl-tls13-nocert-dsb.pcapng"));
    const s = r.conversations[0]!.summary;
    expect(r.keyLogEntries).toBeGreaterThan(0);
    expect(s).toMatchObject({ clientCertificateLength: 0, alert: { name: "certificate_required", frame: 10 } });
  });

  it("--filter keeps only matching conversations; a bad key log is a clear error", async () => {
    const file = join(DIR, "openssl-tls12-good.pcap");
    expect((await analyzeCapture(file, { filter: ":1" })).conversations).toHaveLength(0);
    const port = (await analyzeCapture(file)).conversations[0]!.summary.server.port;
    expect((await analyzeCapture(file, { filter: `127.0.0.1:${port}` })).conversations).toHaveLength(1);
    const e = await analyzeCapture(file, { keyLogFile: join(DIR, "record.sh") }).catch((x) => x);
    expect(e.code).toBe("MTLSD_ERR_BAD_KEYLOG");
    expect(e.message).toMatch(/record\.sh: not an NSS key log/);
  });
});
