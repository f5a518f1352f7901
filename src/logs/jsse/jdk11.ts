/**
 * The JDK 11+ JSSE debug format: `javax.net.ssl|LEVEL|thread id|thread name|time|Source.java:N|message`, where a
 * message ending in "(" opens a block closed by a line ")". `Produced X handshake message` = sent by the log's
 * side, `Consuming X handshake message` = received; `Fatal (ALERT): reason` = an alert the side sends (or the
 * exception for one it received).
 */
import type { LogEvent } from "../../evidence/model.js";
import { alertCode, classify, clip, parseJsseTime, receivedAlertName } from "../phrases.js";
import { messageBlock, parseThrowable } from "./blocks.js";
import { alertBody, type HandshakeState, type JsseStore, type PendingMessage } from "./model.js";

/** JDK 11+ debug line: javax.net.ssl|LEVEL|tid|tname|time|Source.java:N|message. Anything may precede it. */
export const HEADER = /javax\.net\.ssl\|([A-Z]+)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|(.*)$/;

/** Keep at most this many lines of one block (a CertificateRequest with thousands of CA names still fits). */
const BLOCK_LINE_CAP = 20_000;

/** A block being read: the header that opened it and the lines it keeps (bounded). */
interface Block {
  kind: "message" | "alert" | "throwable" | "ignore";
  state?: HandshakeState;
  msg?: PendingMessage;
  /** For "message": which message; for certificates, whose. */
  whose?: "client" | "server";
  event?: LogEvent;
  lines: string[];
}

/** Reads JDK 11+ header lines and the blocks they open into a {@link JsseStore}. */
export class Jdk11Reader {
  /** The block being read, if any. */
  block: Block | undefined;

  constructor(private readonly store: JsseStore) {}

  /** A line inside the open block: ")" closes it, anything else is kept (bounded). */
  blockLine(text: string): void {
    if (text.trimEnd() === ")") this.endBlock();
    else if (this.block!.lines.length < BLOCK_LINE_CAP) this.block!.lines.push(text);
  }

  /** One header line (`h` = its {@link HEADER} match) on line `no`: a handshake message, alert, Fatal, or fact. */
  header(h: RegExpExecArray, no: number): void {
    const thread = `${h[2]}|${h[3]}`;
    const time = parseJsseTime(h[4]!);
    const msg = h[6]!.trimEnd();
    const opens = msg.endsWith("(");

    const hs = /^(Produced|Consuming)\s+(.*?)\s+(?:handshake\s+)?message\b/.exec(msg);
    if (hs) {
      const words = hs[2]!.split(/\s+/);
      const whose = words[0] === "client" || words[0] === "server" ? (words[0] as "client" | "server") : undefined;
      let type = words[words.length - 1]!;
      if (type.endsWith("ServerKeyExchange")) type = "ServerKeyExchange";
      if (type.endsWith("ClientKeyExchange")) type = "ClientKeyExchange";
      const own = hs[1] === "Produced";
      if (type === "ClientHello") this.clientHello(thread, own ? "client" : "server", no);
      const s = this.store.state(thread, no);
      if (!s.side && whose) s.side = own === (whose === "client") ? "client" : "server";
      if (type === "HelloRetryRequest") s.sawHrr = true;
      const m: PendingMessage = {
        type,
        line: no,
        own,
        body: null,
        ...(time !== undefined ? { time } : {}),
      };
      if (type === "ChangeCipherSpec") m.body = { type: "ChangeCipherSpec" };
      // JSSE logs a received message after the Fatal line when printing it is what failed (an empty
      // certificate_authorities extension throws inside toString()): it still arrived before the alert.
      const last = s.messages[s.messages.length - 1];
      if (!own && last?.type === "Alert" && last.own) s.messages.splice(s.messages.length - 1, 0, m);
      else s.messages.push(m);
      if (opens) this.block = { kind: "message", state: s, msg: m, ...(whose ? { whose } : {}), lines: [] };
      return;
    }

    if (/^Received alert message/.test(msg)) {
      const s = this.store.state(thread, no);
      const m: PendingMessage = { type: "Alert", line: no, own: false, body: null, ...(time !== undefined ? { time } : {}) };
      s.messages.push(m);
      const e = this.store.event(s, { kind: "alert-received", line: no, text: "Received alert message", thread, alertDirection: "received", ...(time !== undefined ? { time } : {}) });
      this.block = { kind: "alert", state: s, msg: m, event: e, lines: [] };
      return;
    }

    const fatal = /^Fatal \(([A-Z_0-9]+)\):\s*(.*?)\s*\(?$/.exec(msg);
    if (fatal) {
      const s = this.store.state(thread, no);
      const name = fatal[1]!.toLowerCase();
      const reason = fatal[2]!;
      const rx = receivedAlertName(reason);
      let e: LogEvent | undefined;
      if (rx !== undefined && s.received.has(rx)) {
        // The exception JSSE raises for the alert it received: attach it to the alert event.
        e = [...s.events].reverse().find((x) => x.kind === "alert-received");
      } else {
        const m: PendingMessage = { type: "Alert", line: no, own: true, body: alertBody(name, "fatal"), ...(time !== undefined ? { time } : {}) };
        s.messages.push(m);
        const code = alertCode(name);
        e = this.store.event(s, {
          kind: classify(reason) ?? "alert-sent",
          line: no,
          text: clip(`Fatal (${fatal[1]}): ${reason}`),
          thread,
          alert: name,
          alertDirection: "sent",
          ...(code !== undefined ? { alertCode: code } : {}),
          ...(time !== undefined ? { time } : {}),
        });
        s.exceptions.add(reason);
      }
      if (opens) this.block = { kind: "throwable", state: s, ...(e ? { event: e } : {}), lines: [] };
      return;
    }

    if (/^handling exception/.test(msg)) {
      const s = this.store.states.get(thread);
      this.block = { kind: "throwable", ...(s ? { state: s } : {}), lines: [] };
      return;
    }

    const sel = /No X\.509 cert selected for \[(.*)\]/.exec(msg);
    const kind = classify(msg);
    if (sel || kind === "empty-certificate-sent" || kind === "no-authentication-scheme") {
      const s = this.store.state(thread, no);
      if (kind === "no-authentication-scheme" && s.events.some((e) => e.kind === kind)) return;
      this.store.event(s, {
        kind: sel ? "certificate-not-selected" : kind!,
        line: no,
        text: clip(msg),
        thread,
        ...(sel ? { keyTypes: sel[1]!.split(",").map((x) => x.trim()).filter((x) => x !== "") } : {}),
        ...(time !== undefined ? { time } : {}),
      });
      return;
    }

    const ver = /^Negotiated protocol version: TLSv(1\.\d)/.exec(msg);
    if (ver) {
      this.store.state(thread, no).tlsVersion = ver[1]!;
      return;
    }
    const cs = /^use cipher suite (\S+)/.exec(msg);
    if (cs) {
      this.store.state(thread, no).cipher = cs[1]!;
      return;
    }
    if (opens) this.block = { kind: "ignore", lines: [] };
  }

  /** A ClientHello on `thread`: closes the thread's previous handshake unless this is the retry after an HRR. */
  private clientHello(thread: string, side: "client" | "server", no: number): void {
    const s = this.store.states.get(thread);
    if (s && s.sawClientHello && !(s.sawHrr && s.messages.filter((m) => m.type === "ClientHello").length === 1)) {
      this.store.close(thread);
    }
    const n = this.store.state(thread, no);
    n.sawClientHello = true;
    n.side ??= side;
  }

  /** Close the open block and read what it holds into the handshake it belongs to. */
  endBlock(): void {
    const b = this.block!;
    this.block = undefined;
    const s = b.state;
    switch (b.kind) {
      case "alert": {
        const text = b.lines.join("\n");
        const level = /"level"\s*:\s*"(\w+)"/.exec(text)?.[1] ?? "fatal";
        const desc = /"description"\s*:\s*"(\w+)"/.exec(text)?.[1];
        if (desc && b.msg && b.event) {
          b.msg.body = alertBody(desc, level);
          b.event.alert = desc;
          const code = alertCode(desc);
          if (code !== undefined) b.event.alertCode = code;
          b.event.text = `Received ${level} alert: ${desc}`;
          s?.received.add(desc);
        }
        return;
      }
      case "throwable": {
        const ex = parseThrowable(b.lines);
        if (!ex) return;
        if (b.event) {
          b.event.exception = ex;
          return;
        }
        if (s && (s.exceptions.has(ex.message) || [...s.received].some((a) => ex.message.endsWith(`alert: ${a}`)))) return;
        s?.exceptions.add(ex.message);
        const all = [ex.message, ...ex.causes.map((c) => c.message)].join(" ");
        const line = s?.lastLine ?? 0;
        this.store.event(s, {
          kind: classify(all) ?? "exception",
          line,
          text: clip(`${ex.className}: ${ex.message}`),
          exception: ex,
          ...(s ? { thread: s.thread } : {}),
        });
        return;
      }
      case "message":
        if (s && b.msg) messageBlock(s, b.msg, b.whose, b.lines);
        return;
      case "ignore":
        return;
    }
  }
}
