/**
 * Successful handshakes must not be called problems (third review, real peers on 127.0.0.1, captures recorded with
 * tcpdump on lo and cross-checked with tshark reading the key log):
 * - TLS 1.3, JSSE server, good client chain: NewSessionTicket, application data, then the server's user_canceled (90)
 *   and close_notify (0) — closure alerts (RFC 8446 §6.1) — and the client's close_notify: healthy.
 * - TLS 1.3, Node server that writes "hi\n" and destroys the socket (no close_notify): s_client answers the unexpected
 *   EOF with 50 decode_error (docs/alert-matrix.md conclusion 2): healthy, the client's alert only an info note.
 * - The same capture cut to start after the ServerHello (editcap -r): the handshake was not seen: inconclusive.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startJavaServer, stopAllPeers } from "../helpers/peers.js";
import { recordSClient, type Recorded } from "./record.js";

const PW = "changeit-123";
let lab: LabPki;
let java: Recorded;
let node: Recorded;
let nodeServer: tls.Server | undefined;

/** tshark with the key log: the alerts of the capture as "sender level/description", in order. */
function tsharkAlerts(r: Recorded, serverPort: number): string[] {
  const out = execFileSync(
    "tshark",
    ["-r", r.pcap, "-Y", "tls.alert_message", "-o", `tls.keylog_file:${r.keylog}`, "-T", "fields", "-e", "tcp.srcport", "-e", "tls.alert_message.level", "-e", "tls.alert_message.desc"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const alerts: string[] = [];
  for (const l of out.trim().split("\n").filter(Boolean)) {
    const [port, lvl, desc] = l.split("\t");
    const levels = lvl!.split(",");
    desc!.split(",").forEach((d, i) => alerts.push(`${Number(port) === serverPort ? "server" : "client"} ${levels[i]}/${d}`));
  }
  return alerts;
}

let javaPort = 0;
let nodePort = 0;

beforeAll(async () => {
  lab = await makeLabPki();
  const serverKs = await lab.toPkcs12("server", { password: PW, file: `${lab.dir}/srv.p12` });
  const trust = await lab.trustStore(["rootA"], "PKCS12", { password: PW, file: `${lab.dir}/trust.p12` });
  const j = await startJavaServer({ keystore: serverKs, password: PW, truststore: trust, trustpass: PW, clientAuth: "need", tls: "1.3" });
  javaPort = j.port;
  // A Node server that answers and then destroys the socket: no close_notify (what many Node apps do).
  nodeServer = tls.createServer(
    { cert: readFileSync(lab.cert("server")), key: readFileSync(lab.key("server")), ca: readFileSync(lab.cert("rootA")), requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.3" },
    (s) => {
      s.on("error", () => undefined);
      s.write("hi\n", () => setTimeout(() => s.destroy(), 100));
    },
  );
  await new Promise<void>((resolve) => nodeServer!.listen(0, "127.0.0.1", () => resolve()));
  nodePort = (nodeServer.address() as AddressInfo).port;
  const client = ["-cert", lab.cert("client-good"), "-key", lab.key("client-good"), "-cert_chain", lab.cert("interA")];
  // stdin stays open: the server ends the connection first, as in a real request/response exchange.
  java = await recordSClient(lab.dir, "java13", javaPort, client, true, { holdStdin: true });
  node = await recordSClient(lab.dir, "node13", nodePort, client, true, { holdStdin: true, input: "" });
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (nodeServer ? nodeServer.close(() => resolve()) : resolve()));
  await stopAllPeers();
  await lab?.dispose();
});

const errors = (fs: Array<{ severity: string; id: string }>) => fs.filter((f) => f.severity !== "info").map((f) => f.id);

describe("review 3: successful handshakes are healthy", () => {
  it("TLS 1.3 JSSE server: tickets, data, user_canceled + close_notify → healthy, no rejection finding", async () => {
    // The real tool's view: s_client saw the session, tshark reads the closure alerts.
    expect(java.sclient).toMatch(/New, TLSv1\.3/);
    expect(tsharkAlerts(java, javaPort)).toEqual(["server 1/90", "server 1/0", "client 1/0"]);
    const r = await analyzeCapture(java.pcap, { keyLogFile: java.keylog! });
    const [a] = r.conversations;
    const c = a!.conversation;
    expect(c.tlsVersion).toBe("1.3");
    expect(c.messages.some((m) => m.direction === "server→client" && m.type === "NewSessionTicket")).toBe(true);
    expect(c.alert).toBeUndefined();
    expect(c.closedWithoutAlert).not.toBe(true);
    expect(c.outcome).toMatch(/^(closed-after-handshake|handshake-completed)$/);
    expect(errors(a!.diagnosis.findings)).toEqual([]);
    expect(a!.diagnosis.findings.map((f) => f.id)).toEqual(["healthy"]);
    expect(a!.diagnosis.verdict).toBe("healthy");
  });

  it("TLS 1.3 Node server closing without close_notify: the client's decode_error is an info note; healthy", async () => {
    expect(node.sclient).toMatch(/unexpected eof while reading/);
    expect(tsharkAlerts(node, nodePort)).toEqual(["client 2/50"]);
    const r = await analyzeCapture(node.pcap, { keyLogFile: node.keylog! });
    const [a] = r.conversations;
    const c = a!.conversation;
    expect(c.alert).toMatchObject({ sender: "client", alert: { level: 2, description: 50 } });
    expect(c.outcome).not.toBe("alert");
    expect(errors(a!.diagnosis.findings)).toEqual([]);
    const note = a!.diagnosis.findings.find((f) => f.id === "client-alert")!;
    expect(note.severity).toBe("info");
    expect(note.title).toMatch(/without close_notify/);
    expect(a!.diagnosis.verdict).toBe("healthy");
  });

  it("the Node capture cut to start after the ServerHello: the handshake was not seen → inconclusive, no error", async () => {
    const sh = execFileSync("tshark", ["-r", node.pcap, "-Y", "tls.handshake.type==2", "-T", "fields", "-e", "frame.number"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const total = execFileSync("tshark", ["-r", node.pcap, "-T", "fields", "-e", "frame.number"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").length;
    const mid = join(lab.dir, "mid.pcapng");
    execFileSync("editcap", ["-r", node.pcap, mid, `${Number(sh.trim().split("\n")[0]) + 1}-${total}`]);
    const r = await analyzeCapture(mid, { keyLogFile: node.keylog! });
    const [a] = r.conversations;
    expect(a!.summary.notes).toContain("the capture started after this connection was opened; its beginning was not seen");
    expect(a!.conversation.messages.some((m) => m.type === "ClientHello" || m.type === "ServerHello")).toBe(false);
    expect(a!.conversation.outcome).toBe("unknown");
    expect(a!.diagnosis.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(a!.diagnosis.findings.map((f) => f.id)).not.toContain("server-closed-without-alert");
    expect(a!.diagnosis.verdict).toBe("inconclusive");
  });
});
