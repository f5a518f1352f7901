/**
 * TLS 1.3 without the key log: which alert-sized (19-byte) encrypted records are a likely fatal alert and which a
 * likely close_notify. openssl-tls13-good-closenotify.pcap is a good mutual-TLS handshake (record.sh: s_server
 * -Verify 1, s_client with leaf + intermediate, stdin from `sleep 1`) that ends with a close_notify exchange after two
 * NewSessionTickets; openssl-tls13-nocert.pcap is a real failure (certificate_required). Both cross-checked with tshark
 * reading the key log recorded with them.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { diagnose } from "../../src/diagnose/engine.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { buildConversation, type SeenMessage } from "../../src/evidence/conversation.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "test/fixtures/captures");
const GOOD = join(DIR, "openssl-tls13-good-closenotify.pcap");
const GOOD_KEYS = join(DIR, "openssl-tls13-good-closenotify.keys");
const NOCERT = join(DIR, "openssl-tls13-nocert.pcap");
const NOCERT_KEYS = join(DIR, "openssl-tls13-nocert.keys");
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), ...args], { encoding: "utf8" });

/** tshark: the ClientHello.random of the capture's (single) connection, in hex. */
function tsharkClientRandom(file: string): string {
  return execFileSync("tshark", ["-r", file, "-Y", "tls.handshake.type==1", "-T", "fields", "-e", "tls.handshake.random"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

/** tshark with the key log: frame → what the records in it are ("NewSessionTicket", "Alert 1/0" = level/description). */
function tsharkDecrypted(file: string, keys: string): Map<number, string[]> {
  const out = execFileSync(
    "tshark",
    ["-r", file, "-Y", "tls", "-o", `tls.keylog_file:${keys}`, "-T", "fields", "-e", "frame.number", "-e", "tls.handshake.type", "-e", "tls.alert_message.level", "-e", "tls.alert_message.desc"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const m = new Map<number, string[]>();
  for (const l of out.trim().split("\n")) {
    const [f, hs, lvl, desc] = l.split("\t");
    const items = [
      ...(hs ?? "").split(",").filter(Boolean).map((t) => (t === "4" ? "NewSessionTicket" : `hs ${t}`)),
      ...(lvl ? [`Alert ${lvl}/${desc}`] : []),
    ];
    m.set(Number(f), items);
  }
  return m;
}

describe("TLS 1.3 without keys: close_notify is not a failure", () => {
  it("a good handshake ending in a close_notify exchange: completed (inferred), no likely alert, no error finding", async () => {
    const r = await analyzeCapture(GOOD);
    const [a] = r.conversations;
    const c = a!.conversation;
    expect(c.encryptedAlert).toBeUndefined();
    expect(c.handshakeCompletedInferred).toBe(true);
    expect(c.outcome).toMatch(/^(handshake-completed|closed-after-handshake)$/);
    expect(c.encryptedCloseNotify).toEqual([
      { sender: "client", messageIndex: 15, length: 19 },
      { sender: "server", messageIndex: 16, length: 19 },
    ]);
    expect(c.closedWithoutAlert).not.toBe(true);
    expect(a!.diagnosis.findings.filter((f) => f.severity === "error")).toEqual([]);

    // tshark, with the key log: the server's two records after the client's flight are NewSessionTickets and the
    // two 19-byte records are warning-level close_notify (level 1, description 0).
    const t = tsharkDecrypted(GOOD, GOOD_KEYS);
    const frameOf = (i: number) => c.messages.find((m) => m.index === i)!.frame!;
    for (const cn of c.encryptedCloseNotify!) expect(t.get(frameOf(cn.messageIndex))).toEqual(["Alert 1/0"]);
    const tickets = c.messages.filter((m) => m.direction === "server→client" && m.type === "ApplicationData" && m.index < 15);
    expect(tickets.map((m) => (m.body as { length: number }).length)).toEqual([730, 730]);
    for (const m of tickets) expect(t.get(m.frame!)).toEqual(["NewSessionTicket"]);
  });

  it("with the key log the same capture decrypts: both Finished seen, close_notify read, nothing inferred", async () => {
    const r = await analyzeCapture(GOOD, { keyLogFile: GOOD_KEYS });
    const c = r.conversations[0]!.conversation;
    expect(c.handshakeCompletedInferred).toBeUndefined();
    expect(c.encryptedCloseNotify).toBeUndefined();
    expect(c.encryptedAlert).toBeUndefined();
    expect(c.messages.filter((m) => m.type === "Alert").map((m) => (m.body as { descriptionName: string }).descriptionName)).toEqual(["close_notify", "close_notify"]);
  });

  it("the real failure stays a likely alert, and tshark with the key log reads it as a fatal alert", async () => {
    const r = await analyzeCapture(NOCERT);
    const c = r.conversations[0]!.conversation;
    expect(c.encryptedAlert).toEqual({ sender: "server", messageIndex: 13, length: 19 });
    expect(c.handshakeCompletedInferred).toBeUndefined();
    expect(c.encryptedCloseNotify).toBeUndefined();
    const frame = c.messages.find((m) => m.index === 13)!.frame!;
    expect(tsharkDecrypted(NOCERT, NOCERT_KEYS).get(frame)).toEqual(["Alert 2/116"]);
  });

  it("analyze text: 'completed (probably; pass --keylog to confirm)', and the records named close_notify", () => {
    const t = cli("analyze", GOOD);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain("0 failed or incomplete");
    expect(t.stdout).toContain("Outcome: OK (handshake completed (probably; pass --keylog to confirm), then closed (most likely close_notify))");
    expect(t.stdout).toMatch(/#15 frame 12 +ApplicationData → \(encrypted, 19 bytes: the size of a TLS 1.3 alert, most likely close_notify\)/);
    expect(t.stdout).toMatch(/#16 frame 14 +← ApplicationData \(encrypted, 19 bytes: the size of a TLS 1.3 alert, most likely close_notify\)/);
    expect(t.stdout).not.toContain("FAILED");
  });

  it("a key log given but without this connection's secrets is named as such, not 'without the key log'", () => {
    const g = cli("analyze", GOOD, "--keylog", NOCERT_KEYS);
    expect(g.stdout).toContain("Outcome: OK (handshake completed (probably; the key log given has no secrets for this connection's client random), then closed (most likely close_notify))");
    const n = cli("analyze", NOCERT, "--keylog", GOOD_KEYS);
    expect(n.status).toBe(1);
    // The client random named is the ClientHello's (tshark: tls.handshake.random 5223747533518501007e...).
    const random = tsharkClientRandom(NOCERT);
    expect(random.startsWith("5223747533518501")).toBe(true);
    const noSecrets = `the key log given has no secrets for this connection (client random ${random.slice(0, 16)}...)`;
    expect(n.stdout).toContain(
      `Note: frame 10: the server sent an encrypted record the size of an alert (19 bytes) after the client's flight; ${noSecrets}, so its description cannot be read`,
    );
    expect(n.stdout).toContain(`Note: TLS 1.3: ${noSecrets}, so the CertificateRequest and the client's Certificate are encrypted`);
    expect(n.stdout).toContain(`server-alert: The server most likely aborted the handshake with an alert (an encrypted 19-byte record after the client's flight); its description cannot be read: ${noSecrets}`);
    expect(n.stdout).not.toContain("without the key log");
    expect(n.stdout).not.toContain("needs the key log");
    expect(n.stdout).not.toContain("pass --keylog");
    // The JSON carries the same words (the note is made right, not patched by the text renderer).
    const j = cli("analyze", NOCERT, "--keylog", GOOD_KEYS, "--json");
    const doc = JSON.parse(j.stdout) as { conversations: Array<{ notes: string[]; findings: Array<{ id: string; title: string; evidence: Array<{ kind: string; text?: string }> }> }> };
    const conv = doc.conversations[0]!;
    expect(conv.notes.some((x) => x.includes(noSecrets))).toBe(true);
    expect(conv.notes.join("\n")).not.toMatch(/without the key log|pass --keylog/);
    const sa = conv.findings.find((f) => f.id === "server-alert")!;
    expect(sa.title).toContain(noSecrets);
    expect(sa.evidence.some((e) => e.kind === "text" && e.text!.includes(`${noSecrets}, so its description cannot be read`))).toBe(true);
    // Without a key log, the note and finding still say to pass one.
    const without = JSON.parse(cli("analyze", NOCERT, "--json").stdout) as typeof doc;
    expect(without.conversations[0]!.notes.some((x) => x.endsWith("without the key log its description cannot be read; pass --keylog"))).toBe(true);
    expect(without.conversations[0]!.findings.find((f) => f.id === "server-alert")!.title).toContain("its description needs the key log");
  });

  it("analyze --json carries encryptedCloseNotify (with frames) and handshakeCompletedInferred, as the text shows them", () => {
    const j = cli("analyze", GOOD, "--json");
    expect(j.status).toBe(0);
    const doc = JSON.parse(j.stdout) as { conversations: Array<Record<string, unknown>> };
    expectValidReport(doc, "analyze");
    const c = doc.conversations[0]!;
    expect(c.handshakeCompletedInferred).toBe(true);
    // tshark with the key log: frames 12 and 14 are close_notify (Alert 1/0).
    const decrypted = tsharkDecrypted(GOOD, GOOD_KEYS);
    expect(decrypted.get(12)).toEqual(["Alert 1/0"]);
    expect(decrypted.get(14)).toEqual(["Alert 1/0"]);
    expect(c.encryptedCloseNotify).toEqual([
      { sender: "client", messageIndex: 15, length: 19, frame: 12 },
      { sender: "server", messageIndex: 16, length: 19, frame: 14 },
    ]);
    // With the key log nothing is inferred: the Finished and close_notify alerts are read, so both fields are absent.
    const k = JSON.parse(cli("analyze", GOOD, "--keylog", GOOD_KEYS, "--json").stdout) as typeof doc;
    expectValidReport(k, "analyze");
    expect(k.conversations[0]!.handshakeCompletedInferred).toBeUndefined();
    expect(k.conversations[0]!.encryptedCloseNotify).toBeUndefined();
    // A likely fatal alert is not a close_notify.
    const n = JSON.parse(cli("analyze", NOCERT, "--json").stdout) as typeof doc;
    expectValidReport(n, "analyze");
    expect(n.conversations[0]!.encryptedCloseNotify).toBeUndefined();
    expect(n.conversations[0]!.handshakeCompletedInferred).toBeUndefined();
    expect(n.conversations[0]!.encryptedAlert).toEqual({ sender: "server", messageIndex: 13, length: 19, frame: 10 });
  });

  it("client-certificate-not-requested does not fire on an encrypted, unread TLS 1.3 handshake (a policy saying 'not requested' included)", async () => {
    const notAsked = { requested: false, required: "unknown" as const, acceptableCAs: [], signatureAlgorithms: [] };
    const hidden = (await analyzeCapture(GOOD)).conversations[0]!;
    expect(hidden.conversation.visibility).toBe("encrypted-after-server-hello");
    const d = diagnose({ ...hidden.evidence, policy: notAsked });
    expect(d.findings.map((f) => f.id)).not.toContain("client-certificate-not-requested");
    expect(d.findings.find((f) => f.id === "healthy")!.title).toContain("could not be seen");
    // Control: the same policy on a readable (TLS 1.2) handshake does make the rule fire.
    const plain = (await analyzeCapture(join(DIR, "openssl-tls12-good.pcap"))).conversations[0]!;
    const p = diagnose({ ...plain.evidence, policy: notAsked });
    expect(p.findings.map((f) => f.id)).toContain("client-certificate-not-requested");
  });

  it("a good TLS 1.3 handshake without keys: whether a client certificate was asked for is unknown, never 'not asked'", () => {
    const t = cli("analyze", GOOD);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain(
      "healthy: The handshake most likely succeeds; whether the server asked for a client certificate could not be seen (TLS 1.3: the CertificateRequest is encrypted; pass --keylog)",
    );
    expect(t.stdout).not.toContain("did not ask");
    expect(t.stdout).not.toContain("client-certificate-not-requested");
    const g = cli("analyze", GOOD, "--keylog", NOCERT_KEYS);
    expect(g.stdout).toContain(`could not be seen (TLS 1.3: the CertificateRequest is encrypted; the key log given has no secrets for this connection (client random ${tsharkClientRandom(GOOD).slice(0, 16)}...))`);
    expect(g.stdout).not.toContain("did not ask");
    // With the right key log the CertificateRequest is read: the healthy finding names what was sent and accepted.
    const k = cli("analyze", GOOD, "--keylog", GOOD_KEYS);
    expect(k.status).toBe(0);
    expect(k.stdout).toContain("healthy: The handshake succeeds with this credential: the client sent 2 certificates and the server accepted them");
  });
});

/** Synthetic transcripts (sizes and order only, as without keys) for the cases the two captures do not cover. */
describe("the alert-size rules on message sequences", () => {
  const ep = { host: "127.0.0.1", port: 1 };
  let n = 0;
  const rec = (dir: "c" | "s", length: number, type = "ApplicationData", likelyAlert = length === 19): SeenMessage =>
    ({
      direction: dir === "c" ? "client→server" : "server→client",
      contentType: "application_data",
      type,
      encrypted: true,
      decrypted: false,
      streamOffset: n++,
      endStreamOffset: n,
      raw: new Uint8Array(0),
      body: type === "ApplicationData" && likelyAlert ? { type: "ApplicationData", length, likelyAlert } : { type: "ApplicationData", length },
    }) as SeenMessage;
  const hello = (): SeenMessage[] => [
    { direction: "client→server", contentType: "handshake", type: "ClientHello", encrypted: false, decrypted: false, streamOffset: 0, endStreamOffset: 1, raw: new Uint8Array(0), body: null } as unknown as SeenMessage,
    {
      direction: "server→client",
      contentType: "handshake",
      type: "ServerHello",
      encrypted: false,
      decrypted: false,
      streamOffset: 0,
      endStreamOffset: 1,
      raw: new Uint8Array(0),
      body: { type: "ServerHello", legacyVersion: 0x0303, selectedVersion: 0x0304, cipherSuite: 0x1302 },
    } as unknown as SeenMessage,
    rec("s", 23, "EncryptedHandshake"),
    rec("s", 69, "EncryptedHandshake"),
    rec("c", 25, "EncryptedHandshake"),
    rec("c", 69, "EncryptedHandshake"),
  ];
  const build = (tail: SeenMessage[], end: { how: "fin" | "reset" | "open"; by?: "client" | "server" } = { how: "fin", by: "server" }) =>
    buildConversation([...hello(), ...tail], { source: "capture", client: ep, server: ep, end });

  it("server's first record after the client's flight, alert-sized, then the end: a likely fatal alert", () => {
    const c = build([rec("s", 19)]);
    expect(c.encryptedAlert).toEqual({ sender: "server", messageIndex: 7, length: 19 });
    expect(c.outcome).toBe("closed-during-handshake");
    expect(c.closedWithoutAlert).toBe(false);
  });

  it("the same with the client's flight still arriving after it (crossing on the wire): still a likely fatal alert", () => {
    expect(build([rec("s", 19), rec("c", 85), rec("c", 51)]).encryptedAlert?.messageIndex).toBe(7);
  });

  it("after a NewSessionTicket-sized record: close_notify, the handshake most likely completed", () => {
    const c = build([rec("s", 730), rec("s", 19)]);
    expect(c.encryptedAlert).toBeUndefined();
    expect(c.encryptedCloseNotify).toEqual([{ sender: "server", messageIndex: 8, length: 19 }]);
    expect(c.handshakeCompletedInferred).toBe(true);
    expect(c.outcome).toBe("closed-after-handshake");
    expect(c.closedWithoutAlert).toBe(false);
  });

  it("the client closes after server data, the server answers: both close_notify", () => {
    const c = build([rec("s", 730), rec("c", 35), rec("s", 100), rec("c", 19), rec("s", 19)], { how: "fin", by: "client" });
    expect(c.encryptedCloseNotify?.map((x) => x.sender)).toEqual(["client", "server"]);
    expect(c.encryptedAlert).toBeUndefined();
  });

  it("an alert-sized server record that is not its last record is neither (more records followed)", () => {
    const c = build([rec("s", 19), rec("s", 40)]);
    expect(c.encryptedAlert).toBeUndefined();
    expect(c.encryptedCloseNotify).toBeUndefined();
  });
});
