/**
 * TLS 1.3 without the key log: the server's last record in openssl-tls13-nocert.pcap (openssl s_server -Verify 1,
 * client without a certificate) is an encrypted 19-byte record, the size of an alert. It must be reported as a likely
 * alert, never as "closed without an alert"; with the key log it reads as certificate_required (116).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { expectValidReport } from "../helpers/reportSchema.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "test/fixtures/captures");
const PCAP = join(DIR, "openssl-tls13-nocert.pcap");
const KEYS = join(DIR, "openssl-tls13-nocert.keys");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), ...args], { encoding: "utf8" });

describe("TLS 1.3 without keys: the likely encrypted alert", () => {
  it("without the key log: encryptedAlert, not closedWithoutAlert; the diagnosis says an alert was most likely sent", async () => {
    const r = await analyzeCapture(PCAP);
    const [a] = r.conversations;
    const c = a!.conversation;
    expect(c.alert).toBeUndefined();
    expect(c.encryptedAlert).toEqual({ sender: "server", messageIndex: 13, length: 19 });
    expect(c.closedWithoutAlert).toBe(false);
    const ids = a!.diagnosis.findings.map((f) => f.id);
    expect(ids).not.toContain("server-closed-without-alert");
    const f = a!.diagnosis.findings.find((x) => x.id === "server-alert")!;
    expect(f.severity).toBe("error");
    expect(f.title).toBe("The server most likely aborted the handshake with an alert (an encrypted 19-byte record after the client's flight); its description needs the key log");
    expect(f.evidence).toContainEqual({ kind: "text", text: "The server sent an encrypted record the size of an alert (19 bytes) after the client's flight; without the key log its description cannot be read; pass --keylog." });
    expect(f.evidence).toContainEqual(expect.objectContaining({ kind: "message", index: 13, frame: 10, type: "ApplicationData" }));
    expect(a!.summary.notes).toContain(
      "frame 10: the server sent an encrypted record the size of an alert (19 bytes) after the client's flight; without the key log its description cannot be read; pass --keylog",
    );
  });

  it("with the key log: the alert reads as certificate_required, and there is no encrypted one", async () => {
    const r = await analyzeCapture(PCAP, { keyLogFile: KEYS });
    const c = r.conversations[0]!.conversation;
    expect(c.alert?.alert.description).toBe(116);
    expect(c.encryptedAlert).toBeUndefined();
    expect(r.conversations[0]!.diagnosis.findings.map((f) => f.id)).toEqual(["client-sent-empty-certificate", "server-alert"]);
  });

  it("analyze and diagnose --capture text and JSON", () => {
    const t = cli("analyze", PCAP);
    expect(t.status).toBe(1);
    expect(t.stdout).toContain("Outcome: FAILED (most likely an alert from the server: encrypted, 19 bytes; then closed)");
    expect(t.stdout).toMatch(/#13 frame 10 +← ApplicationData \(encrypted, 19 bytes: the size of a TLS 1.3 alert\)/);
    expect(t.stdout).not.toContain("closed-without-alert");
    const j = JSON.parse(cli("analyze", PCAP, "--json").stdout);
    expectValidReport(j, "analyze");
    expect(j.conversations[0].encryptedAlert).toEqual({ sender: "server", messageIndex: 13, length: 19, frame: 10 });
    const d = cli("diagnose", "--capture", PCAP);
    expect(d.status).toBe(1);
    expect(d.stdout).toContain("#13 ← ApplicationData (encrypted, 19 bytes: the size of a TLS 1.3 alert; pass --keylog to read it)");
    expect(d.stdout).not.toMatch(/no alert\)|\(ended: /);
    const dk = JSON.parse(cli("diagnose", "--capture", PCAP, "--keylog", KEYS, "--json").stdout);
    expectValidReport(dk, "diagnose");
    expect(dk.evidence.handshake.alert).toEqual({ sender: "server", description: 116, name: "certificate_required" });
  });
});
