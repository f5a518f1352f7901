/**
 * The JDK 8 (and older) JSSE debug format: `*** ClientHello, TLSv1.2`, `Cert Authorities:` + `<DN>` lines,
 * `*** Certificate chain` + `<Empty>`, `main, RECV TLSv1.2 ALERT:  fatal, bad_certificate`, `main, SEND TLSv1.2
 * ALERT: ...`, `main, handling exception: ...`. Directions come from the message type (TLS ≤ 1.2 only in this format).
 */
import type { Direction } from "../../evidence/model.js";
import { alertCode, classify, clip, findException } from "../phrases.js";
import { certificateChainLine, JDK8_THREAD, type Jdk8Block } from "./jdk8Certs.js";
import { alertBody, C2S, JDK8_CERT_TYPES, logCa, newPolicy, S2C, schemeCode, type JsseStore } from "./model.js";

/** Reads JDK 8 debug lines into a {@link JsseStore}. */
export class Jdk8Reader {
  /** The block being read, if any. */
  jdk8Block: Jdk8Block | undefined;

  constructor(private readonly store: JsseStore) {}

  /** Feeds one line; returns true when it was a JDK 8 JSSE debug line. */
  line(text: string, no: number): boolean {
    const t = text.trim();
    const thread = JDK8_THREAD;
    const jb = this.jdk8Block;
    if (jb) {
      if (jb.kind === "cas") {
        const m = /^<(.*)>$/.exec(t);
        if (m && m[1] !== "Empty") {
          const s = this.store.state(thread, no);
          s.policy!.acceptableCAs.push(logCa(m[1]!));
          return true;
        }
        if (m) return true;
        this.jdk8Block = { kind: "cr" };
      } else if (jb.kind === "certs") {
        if (certificateChainLine(this.store, jb, text, t, no)) this.jdk8Block = undefined;
        return true;
      }
    }
    if (this.jdk8Block?.kind === "cr") {
      const s = this.store.state(thread, no);
      const ct = /^Cert Types:\s*(.*)$/.exec(t);
      const sa = /^Supported Signature Algorithms:\s*(.*)$/.exec(t);
      if (ct) s.policy!.certificateTypes = ct[1]!.split(",").map((x) => JDK8_CERT_TYPES[x.trim()]).filter((x) => x !== undefined);
      else if (sa) s.policy!.signatureAlgorithms = sa[1]!.split(",").map((x) => schemeCode(x.trim())).filter((x) => x !== undefined);
      else if (/^Cert Authorities:/.test(t)) {
        s.caNamesSplit = "exact";
        this.jdk8Block = { kind: "cas" };
        return true;
      } else if (t.startsWith("***") || t.startsWith("[")) this.jdk8Block = undefined;
      else return true;
    }

    const star = /^\*\*\* (.+?)(?:, (TLSv1(?:\.\d)?|SSLv3))?$/.exec(t);
    if (star && star[1] !== "") {
      this.store.seen = true;
      const what = star[1]!;
      let type: string | undefined;
      let direction: Direction | undefined;
      const s0 = this.store.states.get(thread);
      const afterRequest = !!s0?.messages.some((m) => m.type === "CertificateRequest" || m.type === "ServerHelloDone");
      if (what === "ClientHello") {
        if (this.store.states.get(thread)?.sawClientHello) this.store.close(thread);
        type = "ClientHello";
        direction = C2S;
      } else if (what === "ServerHello") [type, direction] = ["ServerHello", S2C];
      else if (what === "Certificate chain") [type, direction] = ["Certificate", afterRequest ? C2S : S2C];
      else if (/ServerKeyExchange$/.test(what)) [type, direction] = ["ServerKeyExchange", S2C];
      else if (/ClientKeyExchange/.test(what)) [type, direction] = ["ClientKeyExchange", C2S];
      else if (what === "CertificateRequest") [type, direction] = ["CertificateRequest", S2C];
      else if (what === "ServerHelloDone") [type, direction] = ["ServerHelloDone", S2C];
      else if (what === "CertificateVerify") [type, direction] = ["CertificateVerify", C2S];
      else if (what === "Finished") {
        const full = !!s0?.messages.some((m) => m.type === "ServerHelloDone");
        const first = !s0?.messages.some((m) => m.type === "Finished");
        type = "Finished";
        direction = first === full ? C2S : S2C;
      }
      if (!type || !direction) return true;
      const s = this.store.state(thread, no);
      if (type === "ClientHello") {
        s.sawClientHello = true;
        s.jdk8SidePending = true;
      }
      if (star[2] && type === "ServerHello") s.tlsVersion = star[2].replace(/^TLSv/, "").replace(/^1$/, "1.0");
      s.messages.push({ type, line: no, direction, body: null });
      if (type === "CertificateRequest") {
        s.policy = newPolicy();
        this.jdk8Block = { kind: "cr" };
      }
      if (type === "Certificate") this.jdk8Block = { kind: "certs", whose: direction === C2S ? "client" : "server" };
      return true;
    }

    const s = this.store.states.get(thread);
    if (s?.jdk8SidePending) {
      const rw = /\[(read|write)\] MD5 and SHA1 hashes|, (READ|WRITE): /.exec(t);
      if (rw) {
        s.side = (rw[1] ?? rw[2]!).toLowerCase() === "write" ? "client" : "server";
        s.jdk8SidePending = false;
      }
    }
    if (s && /^Warning: no suitable certificate found/.test(t)) {
      // JDK 8's "No X.509 cert selected": the key manager found nothing matching the CertificateRequest.
      this.store.event(s, { kind: "certificate-not-selected", line: no, text: clip(t), thread });
      return true;
    }
    const sni = /^Extension server_name, server_name: \[type=host_name \(0\), value=([^\s,\]]+)/.exec(t);
    if (sni && s) s.sni = sni[1]!;
    const cipher = /^Cipher Suite:\s*(\S+)/.exec(t);
    if (cipher && s) s.cipher = cipher[1]!;

    // "main, RECV TLSv1.2 ALERT:  fatal, bad_certificate" / "main, SEND TLSv1.2 ALERT:  fatal, description = x"
    const al = /^(.*?), (RECV|SEND) (?:TLSv1(?:\.\d)?|SSLv3) ALERT:\s*(fatal|warning),\s*(?:description = )?(\w+)/.exec(t);
    if (al) {
      this.store.seen = true;
      const st = this.store.state(thread, no);
      const recv = al[2] === "RECV";
      const name = al[4]!;
      st.messages.push({ type: "Alert", line: no, direction: recv === (st.side !== "server") ? S2C : C2S, body: alertBody(name, al[3]!) });
      if (recv) st.received.add(name);
      const code = alertCode(name);
      this.store.event(st, {
        kind: recv ? "alert-received" : "alert-sent",
        line: no,
        text: clip(t.slice(al[1]!.length + 2)),
        thread: al[1]!,
        alert: name,
        alertDirection: recv ? "received" : "sent",
        ...(code !== undefined ? { alertCode: code } : {}),
      });
      return true;
    }
    // "main, handling exception: javax.net.ssl.SSLHandshakeException: ..." / "main, fatal error: 42: null cert chain"
    const he = /^(.*?), (?:handling exception|Exception while waiting for close|fatal error): (.*)$/.exec(t);
    if (he && s) {
      this.store.seen = true;
      const fe = /^(\d+): (.*)$/.exec(he[2]!);
      const text = fe ? fe[2]! : he[2]!;
      if (s.exceptions.has(text) || [...s.received].some((a) => text.endsWith(`alert: ${a}`))) return true;
      s.exceptions.add(text);
      const ex = findException(text);
      const kind = classify(text);
      this.store.event(s, {
        kind: kind ?? (fe ? "alert-sent" : "exception"),
        line: no,
        text: clip(text),
        thread: he[1]!,
        ...(ex ? { exception: { ...ex, causes: [] } } : {}),
      });
      return true;
    }
    return false;
  }
}
