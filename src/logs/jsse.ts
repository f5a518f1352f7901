/**
 * Java JSSE debug output (`-Djavax.net.debug=ssl:handshake`, `ssl`, `all`) → one {@link Conversation} per
 * handshake, the text-level facts of each ({@link LoggedHandshake}) and the notable lines ({@link LogEvent}).
 *
 * Two formats:
 * - JDK 11–21 (also 8u261+ with the new stack): `javax.net.ssl|LEVEL|thread id|thread name|time|Source.java:N|msg`,
 *   where a message ending in "(" opens a block (the message as JSON-like text) closed by a line ")".
 *   `Produced X handshake message` = sent by the log's side, `Consuming X handshake message` = received.
 * - JDK 8 and older: `*** ClientHello, TLSv1.2`, `Cert Authorities:` + `<DN>` lines, `*** Certificate chain` +
 *   `<Empty>`, `main, RECV TLSv1.2 ALERT:  fatal, bad_certificate`, `main, SEND TLSv1.2 ALERT: ...`,
 *   `main, handling exception: ...`. Directions come from the message type (TLS ≤ 1.2 only in this format).
 *
 * Streaming: feed lines in order with {@link JsseLogParser.line}; state is kept per thread for the handshake in
 * progress only (never its lines), plus the parsed block being read. A new ClientHello on a thread closes that
 * thread's previous handshake (a HelloRetryRequest's second ClientHello does not).
 *
 * What a log cannot give: bytes (messages have empty `raw`, offsets -1), TCP endpoints (JSSE does not print them:
 * client and server are `{ host: "", port: 0 }`), and DER of names (CA names are kept as logged, see AcceptableCA).
 */
import type {
  AcceptableCA,
  AlertEvent,
  Conversation,
  Direction,
  LogEvent,
  LoggedCertificate,
  LoggedHandshake,
  Outcome,
  ServerPolicy,
  TranscriptMessage,
} from "../evidence/model.js";
import type { AlertMessage, CertificateMsg } from "../wire/types.js";
import { CLIENT_CERTIFICATE_TYPES, SIGNATURE_SCHEMES } from "../wire/tables.js";
import { ExtensionReader, finishCertificate, OBJECT_ID, parseCertificates } from "./certs.js";
import { javaDnToOpenssl, splitJavaDnList } from "./dn.js";
import { alertCode, classify, clip, findException, parseJsseTime, receivedAlertName } from "./phrases.js";

const C2S: Direction = "client→server";
const S2C: Direction = "server→client";

/** JDK 11+ debug line: javax.net.ssl|LEVEL|tid|tname|time|Source.java:N|message. Anything may precede it. */
const HEADER = /javax\.net\.ssl\|([A-Z]+)\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|(.*)$/;

/** Result of reading JSSE debug output. */
export interface JsseResult {
  /** True when any JSSE debug line (either format) was seen. */
  seen: boolean;
  side: "client" | "server" | "unknown";
  conversations: Conversation[];
  handshakes: LoggedHandshake[];
  events: LogEvent[];
}

/** A message as logged before the side is known: `own` = produced by the log's side (JDK 11+), or a fixed direction (JDK 8). */
interface PendingMessage {
  type: string;
  line: number;
  time?: number;
  own?: boolean;
  direction?: Direction;
  body: TranscriptMessage["body"];
}

interface HandshakeState {
  thread: string;
  firstLine: number;
  lastLine: number;
  side?: "client" | "server";
  messages: PendingMessage[];
  events: LogEvent[];
  sawClientHello: boolean;
  sawHrr: boolean;
  tlsVersion?: string;
  cipher?: string;
  sni?: string;
  policy?: ServerPolicy;
  caNamesSplit?: "exact" | "heuristic";
  clientCertificates: LoggedCertificate[] | null;
  serverCertificates: LoggedCertificate[] | null;
  /** Names of alerts received (to tell the Fatal line that reports a received alert from one that sends it). */
  received: Set<string>;
  /** Exception texts already recorded (the "handling exception" block repeats the Fatal one). */
  exceptions: Set<string>;
  /** JDK 8: the side is decided by the first [read]/[write] after the ClientHello. */
  jdk8SidePending?: boolean;
}

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

/** Keep at most this many lines of one block (a CertificateRequest with thousands of CA names still fits). */
const BLOCK_LINE_CAP = 20_000;

/** Java/JSSE names for TLS 1.2 signature pairs that have no IANA SignatureScheme name (RFC 5246 §7.4.1.4.1). */
const JAVA_SCHEME_CODES: Record<string, number> = {
  rsa_md5: 0x0101, dsa_sha1: 0x0202, rsa_sha224: 0x0301, dsa_sha224: 0x0302, ecdsa_sha224: 0x0303,
  dsa_sha256: 0x0402, dsa_sha384: 0x0502, dsa_sha512: 0x0602,
};
const SCHEME_CODES = new Map<string, number>(Object.entries(SIGNATURE_SCHEMES.names).map(([c, n]) => [n, Number(c)]));
/** JDK 8 prints JCA algorithm names ("SHA256withECDSA") in CertificateRequest. */
const JCA_SCHEME_CODES: Record<string, number> = {
  SHA1withRSA: 0x0201, SHA1withDSA: 0x0202, SHA1withECDSA: 0x0203, SHA224withRSA: 0x0301, SHA224withDSA: 0x0302,
  SHA224withECDSA: 0x0303, SHA256withRSA: 0x0401, SHA256withDSA: 0x0402, SHA256withECDSA: 0x0403,
  SHA384withRSA: 0x0501, SHA384withECDSA: 0x0503, SHA512withRSA: 0x0601, SHA512withECDSA: 0x0603, MD5withRSA: 0x0101,
};
function schemeCode(name: string): number | undefined {
  return SCHEME_CODES.get(name) ?? JAVA_SCHEME_CODES[name] ?? JCA_SCHEME_CODES[name];
}
const CERT_TYPE_CODES = new Map<string, number>(
  Object.entries(CLIENT_CERTIFICATE_TYPES.names).map(([c, n]) => [n.toLowerCase(), Number(c)]),
);
/** JDK 8 `Cert Types: RSA, DSS, ECDSA`. */
const JDK8_CERT_TYPES: Record<string, number> = { RSA: 1, DSS: 2, ECDSA: 64, "RSA_FIXED_DH": 3, "DSS_FIXED_DH": 4 };

function listItems(s: string): string[] {
  return s.replace(/^\s*\[/, "").replace(/\]\s*,?\s*$/, "").split(",").map((x) => x.trim()).filter((x) => x !== "");
}

function alertBody(name: string, level: string): AlertMessage {
  const code = alertCode(name);
  return {
    type: "Alert",
    level: level === "warning" ? 1 : 2,
    levelName: level === "warning" ? "warning" : "fatal",
    description: code ?? -1,
    descriptionName: code === undefined ? `unknown(${name})` : name.toLowerCase(),
  };
}

function logCa(dn: string): AcceptableCA {
  return { dn, opensslDn: javaDnToOpenssl(dn), der: new Uint8Array(0), source: "log" };
}

function newPolicy(): ServerPolicy {
  return { requested: true, required: "unknown", acceptableCAs: [], signatureAlgorithms: [] };
}

/** Streaming parser of JSSE debug output; see the module comment. */
export class JsseLogParser {
  private readonly states = new Map<string, HandshakeState>();
  private readonly done: HandshakeState[] = [];
  private readonly events: LogEvent[] = [];
  private block: Block | undefined;
  private seen = false;
  /** JDK 8 state: the thread key used for all JDK 8 lines (they carry no reliable thread on every line). */
  private jdk8Block:
    | { kind: "certs" | "cas" | "cr"; whose?: "client" | "server"; cert?: Partial<LoggedCertificate>; ext?: ExtensionReader; validity?: string }
    | undefined;

  /**
   * Feeds line number `no` (1-based). `text` has no line terminator. Returns true when the line belonged to JSSE
   * debug output (a header, a block line, a JDK 8 debug line), so other readers can skip it.
   */
  line(text: string, no: number): boolean {
    const h = HEADER.exec(text);
    if (h) {
      this.seen = true;
      if (this.block) this.endBlock();
      this.header(h, no);
      return true;
    }
    if (this.block) {
      if (text.trimEnd() === ")") this.endBlock();
      else if (this.block.lines.length < BLOCK_LINE_CAP) this.block.lines.push(text);
      return true;
    }
    return this.jdk8(text, no);
  }

  /** Whether the line at hand is inside a JSSE block (the gateway reader skips those lines). */
  get inBlock(): boolean {
    return this.block !== undefined || this.jdk8Block !== undefined;
  }

  /** Closes every open handshake and returns the result. Conversations are in order of their first line. */
  finish(): JsseResult {
    if (this.block) this.endBlock();
    for (const s of this.states.values()) this.done.push(s);
    this.states.clear();
    const kept = this.done.filter((s) => s.messages.length > 0).sort((a, b) => a.firstLine - b.firstLine);
    const sides = new Set(kept.map((s) => s.side).filter((x) => x !== undefined));
    const side = sides.size === 1 ? [...sides][0]! : "unknown";
    const conversations: Conversation[] = [];
    const handshakes: LoggedHandshake[] = [];
    kept.forEach((s, i) => {
      const [c, h] = this.build(s);
      conversations.push(c);
      handshakes.push(h);
      for (const e of s.events) e.conversation = i;
    });
    this.events.sort((a, b) => a.line - b.line);
    return { seen: this.seen, side, conversations, handshakes, events: this.events };
  }

  // --- JDK 11+ ---

  private state(thread: string, no: number): HandshakeState {
    let s = this.states.get(thread);
    if (!s) {
      s = {
        thread, firstLine: no, lastLine: no, messages: [], events: [], sawClientHello: false, sawHrr: false,
        clientCertificates: null, serverCertificates: null, received: new Set(), exceptions: new Set(),
      };
      this.states.set(thread, s);
    }
    s.lastLine = no;
    return s;
  }

  private event(s: HandshakeState | undefined, e: LogEvent): LogEvent {
    this.events.push(e);
    s?.events.push(e);
    return e;
  }

  private header(h: RegExpExecArray, no: number): void {
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
      const s = this.state(thread, no);
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
      const s = this.state(thread, no);
      const m: PendingMessage = { type: "Alert", line: no, own: false, body: null, ...(time !== undefined ? { time } : {}) };
      s.messages.push(m);
      const e = this.event(s, { kind: "alert-received", line: no, text: "Received alert message", thread, alertDirection: "received", ...(time !== undefined ? { time } : {}) });
      this.block = { kind: "alert", state: s, msg: m, event: e, lines: [] };
      return;
    }

    const fatal = /^Fatal \(([A-Z_0-9]+)\):\s*(.*?)\s*\(?$/.exec(msg);
    if (fatal) {
      const s = this.state(thread, no);
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
        e = this.event(s, {
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
      const s = this.states.get(thread);
      this.block = { kind: "throwable", ...(s ? { state: s } : {}), lines: [] };
      return;
    }

    const sel = /No X\.509 cert selected for \[(.*)\]/.exec(msg);
    const kind = classify(msg);
    if (sel || kind === "empty-certificate-sent" || kind === "no-authentication-scheme") {
      const s = this.state(thread, no);
      if (kind === "no-authentication-scheme" && s.events.some((e) => e.kind === kind)) return;
      this.event(s, {
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
      this.state(thread, no).tlsVersion = ver[1]!;
      return;
    }
    const cs = /^use cipher suite (\S+)/.exec(msg);
    if (cs) {
      this.state(thread, no).cipher = cs[1]!;
      return;
    }
    if (opens) this.block = { kind: "ignore", lines: [] };
  }

  /** A ClientHello on `thread`: closes the thread's previous handshake unless this is the retry after an HRR. */
  private clientHello(thread: string, side: "client" | "server", no: number): void {
    const s = this.states.get(thread);
    if (s && s.sawClientHello && !(s.sawHrr && s.messages.filter((m) => m.type === "ClientHello").length === 1)) {
      this.done.push(s);
      this.states.delete(thread);
    }
    const n = this.state(thread, no);
    n.sawClientHello = true;
    n.side ??= side;
  }

  private endBlock(): void {
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
        this.event(s, {
          kind: classify(all) ?? "exception",
          line,
          text: clip(`${ex.className}: ${ex.message}`),
          exception: ex,
          ...(s ? { thread: s.thread } : {}),
        });
        return;
      }
      case "message":
        if (s && b.msg) this.messageBlock(s, b.msg, b.whose, b.lines);
        return;
      case "ignore":
        return;
    }
  }

  private messageBlock(s: HandshakeState, m: PendingMessage, whose: "client" | "server" | undefined, lines: string[]): void {
    switch (m.type) {
      case "ClientHello":
        for (const l of lines) {
          const sni = /type=host_name \(0\), value=([^\s,}]+)/.exec(l);
          if (sni) s.sni = sni[1]!;
        }
        return;
      case "ServerHello":
        for (const l of lines) {
          const c = /"cipher suite"\s*:\s*"([A-Za-z0-9_]+)/.exec(l);
          if (c) s.cipher = c[1]!;
        }
        return;
      case "CertificateRequest":
        this.certificateRequest(s, lines);
        return;
      case "Certificate": {
        const certs = parseCertificates(lines);
        const owner = whose ?? (m.own ? s.side : s.side === "client" ? "server" : "client") ?? "client";
        if (owner === "client") s.clientCertificates = certs;
        else s.serverCertificates = certs;
        if (certs.length === 0) {
          const tls13 = lines.some((l) => /"certificate_list"/.test(l));
          const body: CertificateMsg = {
            type: "Certificate",
            msgType: 11,
            form: tls13 ? "tls13" : "tls12",
            certificatesLength: 0,
            entries: [],
            ...(tls13 ? { requestContext: new Uint8Array(0) } : {}),
          };
          m.body = body;
        }
        return;
      }
    }
  }

  private certificateRequest(s: HandshakeState, lines: string[]): void {
    const p = newPolicy();
    let tls13 = false;
    let sigCertNext = false;
    let caLines: string[] | undefined;
    let sawCaExt = false;
    let emptyCaExt = false;
    /** TLS 1.3 names, one per line; filled while reading the lines that follow. */
    let lineNames: string[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (caLines) {
        const t = l.trim();
        if (t === "]" || t === "") {
          if (t === "]") caLines = undefined;
          continue;
        }
        const end = t.endsWith("]");
        caLines.push(end ? t.slice(0, -1).trim() : t);
        if (end) caLines = undefined;
        continue;
      }
      if (/"certificate_request_context"/.test(l)) tls13 = true;
      if (/"certificate_authorities \(47\)"/.test(l)) sawCaExt = true;
      if (/Invalid certificate_authorities extension/.test(l)) emptyCaExt = true;
      if (/"signature_algorithms_cert \(50\)"/.test(l)) sigCertNext = true;
      else if (/"signature_algorithms \(13\)"/.test(l)) sigCertNext = false;
      const types = /"certificate types"\s*:\s*(\[.*\])/.exec(l);
      if (types) p.certificateTypes = listItems(types[1]!).map((t) => CERT_TYPE_CODES.get(t.toLowerCase())).filter((x) => x !== undefined);
      const sigs = /"(?:supported signature algorithms|signature schemes)"\s*:\s*(\[.*\])/.exec(l);
      if (sigs) {
        const codes = listItems(sigs[1]!).map(schemeCode).filter((x) => x !== undefined);
        if (sigCertNext) p.signatureAlgorithmsCert = codes;
        else p.signatureAlgorithms = codes;
      }
      const cas = /"certificate authorities"\s*:\s*\[(.*)$/.exec(l);
      if (cas) {
        sawCaExt = true;
        const rest = cas[1]!.trim();
        if (tls13 || rest === "") {
          // TLS 1.3 extension: one name per line, the last one followed by "]".
          s.caNamesSplit = "exact";
          const acc: string[] = [];
          if (rest !== "" && rest !== "]") acc.push(rest.endsWith("]") ? rest.slice(0, -1).trim() : rest);
          if (!rest.endsWith("]")) caLines = acc;
          lineNames = acc;
        } else {
          const names = splitJavaDnList("[" + rest);
          s.caNamesSplit = names.length > 1 ? "heuristic" : "exact";
          p.acceptableCAs = names.map(logCa);
        }
      }
    }
    if (lineNames) p.acceptableCAs = lineNames.map(logCa);
    if (tls13) p.certificateAuthoritiesState = sawCaExt ? (p.acceptableCAs.length > 0 && !emptyCaExt ? "present" : "present-empty") : "absent";
    s.policy = p;
  }

  // --- JDK 8 and older ---

  private jdk8(text: string, no: number): boolean {
    const t = text.trim();
    const thread = "jdk8";
    const jb = this.jdk8Block;
    if (jb) {
      if (jb.kind === "cas") {
        const m = /^<(.*)>$/.exec(t);
        if (m && m[1] !== "Empty") {
          const s = this.state(thread, no);
          s.policy!.acceptableCAs.push(logCa(m[1]!));
          return true;
        }
        if (m) return true;
        this.jdk8Block = { kind: "cr" };
      } else if (jb.kind === "certs") {
        const s = this.state(thread, no);
        const list = jb.whose === "client" ? (s.clientCertificates ??= []) : (s.serverCertificates ??= []);
        const subj = /^Subject:\s*(.*)$/.exec(t);
        const iss = /^Issuer:\s*(.*)$/.exec(t);
        const ser = /^SerialNumber:\s*\[\s*([0-9a-fA-F ]+?)\s*\]/.exec(t);
        // "Validity: [From: Sat Nov 29 12:30:05 UTC 2025," + "To: Sun Nov 29 12:30:05 UTC 2026]" (one or two lines).
        if (jb.cert && /^Validity:/.test(t)) jb.validity = t;
        else if (jb.validity !== undefined && /^To:/.test(t)) jb.validity += " " + t;
        const val = jb.validity !== undefined ? /^Validity:\s*\[From:\s*(.*?),\s*To:\s*(.*?)\]/.exec(jb.validity) : null;
        if (val) jb.validity = undefined;
        // Extensions: "[1]: ObjectId: 2.5.29.37 Criticality=false" + the extension's toString() up to a blank line.
        const oid = OBJECT_ID.exec(t);
        if (jb.ext && (oid || t === "" || t === "***" || /^(Algorithm: \[|chain \[\d+\] = \[)/.test(t))) {
          jb.ext.end();
          jb.ext = undefined;
        }
        if (jb.cert && oid) {
          jb.ext = new ExtensionReader(jb.cert, { oid: oid[1]!, critical: oid[2] === "true" });
          return true;
        }
        if (jb.ext) {
          jb.ext.line(text);
          return true;
        }
        const sig = /^Signature Algorithm:\s*([^,]+)/.exec(t);
        const key = /^Key:\s*Sun (\w+) public key/.exec(t);
        if (/^chain \[\d+\] = \[/.test(t)) {
          jb.cert = {};
          list.push(jb.cert as LoggedCertificate);
        } else if (jb.cert && subj) jb.cert.subject = subj[1]!;
        else if (jb.cert && iss) jb.cert.issuer = iss[1]!;
        else if (jb.cert && ser) jb.cert.serialNumber = ser[1]!.replace(/\s+/g, "");
        else if (jb.cert && /^Version: V\d$/.test(t)) jb.cert.version = Number(t.slice(-1));
        else if (jb.cert && sig && !jb.cert.signatureAlgorithm) jb.cert.signatureAlgorithm = sig[1]!.trim();
        else if (jb.cert && key) jb.cert.publicKey = key[1]!;
        else if (jb.cert && val) {
          const nb = Date.parse(val[1]!), na = Date.parse(val[2]!);
          if (Number.isFinite(nb)) jb.cert.notBefore = nb;
          if (Number.isFinite(na)) jb.cert.notAfter = na;
        }
        if (t === "***") {
          this.jdk8Block = undefined;
          list.forEach(finishCertificate);
          const last = [...s.messages].reverse().find((m) => m.type === "Certificate");
          if (last && list.length === 0) last.body = { type: "Certificate", msgType: 11, form: "tls12", certificatesLength: 0, entries: [] };
        }
        return true;
      }
    }
    if (this.jdk8Block?.kind === "cr") {
      const s = this.state(thread, no);
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
      this.seen = true;
      const what = star[1]!;
      let type: string | undefined;
      let direction: Direction | undefined;
      const s0 = this.states.get(thread);
      const afterRequest = !!s0?.messages.some((m) => m.type === "CertificateRequest" || m.type === "ServerHelloDone");
      if (what === "ClientHello") {
        const prev = this.states.get(thread);
        if (prev && prev.sawClientHello) {
          this.done.push(prev);
          this.states.delete(thread);
        }
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
      const s = this.state(thread, no);
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

    const s = this.states.get(thread);
    if (s?.jdk8SidePending) {
      const rw = /\[(read|write)\] MD5 and SHA1 hashes|, (READ|WRITE): /.exec(t);
      if (rw) {
        s.side = (rw[1] ?? rw[2]!).toLowerCase() === "write" ? "client" : "server";
        s.jdk8SidePending = false;
      }
    }
    if (s && /^Warning: no suitable certificate found/.test(t)) {
      // JDK 8's "No X.509 cert selected": the key manager found nothing matching the CertificateRequest.
      this.event(s, { kind: "certificate-not-selected", line: no, text: clip(t), thread });
      return true;
    }
    const sni = /^Extension server_name, server_name: \[type=host_name \(0\), value=([^\s,\]]+)/.exec(t);
    if (sni && s) s.sni = sni[1]!;
    const cipher = /^Cipher Suite:\s*(\S+)/.exec(t);
    if (cipher && s) s.cipher = cipher[1]!;

    // "main, RECV TLSv1.2 ALERT:  fatal, bad_certificate" / "main, SEND TLSv1.2 ALERT:  fatal, description = x"
    const al = /^(.*?), (RECV|SEND) (?:TLSv1(?:\.\d)?|SSLv3) ALERT:\s*(fatal|warning),\s*(?:description = )?(\w+)/.exec(t);
    if (al) {
      this.seen = true;
      const st = this.state(thread, no);
      const recv = al[2] === "RECV";
      const name = al[4]!;
      st.messages.push({ type: "Alert", line: no, direction: recv === (st.side !== "server") ? S2C : C2S, body: alertBody(name, al[3]!) });
      if (recv) st.received.add(name);
      const code = alertCode(name);
      this.event(st, {
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
      this.seen = true;
      const fe = /^(\d+): (.*)$/.exec(he[2]!);
      const text = fe ? fe[2]! : he[2]!;
      if (s.exceptions.has(text) || [...s.received].some((a) => text.endsWith(`alert: ${a}`))) return true;
      s.exceptions.add(text);
      const ex = findException(text);
      const kind = classify(text);
      this.event(s, {
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

  // --- output ---

  private build(s: HandshakeState): [Conversation, LoggedHandshake] {
    const side = s.side ?? "client";
    // The last Certificate message of each direction is the one the handshake's certificates were read from.
    const lastCert = (d: Direction): number => {
      for (let i = s.messages.length - 1; i >= 0; i--) {
        const m = s.messages[i]!;
        if (m.type === "Certificate" && (m.direction ?? ((m.own ?? true) === (side === "client") ? C2S : S2C)) === d) return i;
      }
      return -1;
    };
    const certAt = new Map<number, LoggedCertificate[]>();
    if (s.clientCertificates) certAt.set(lastCert(C2S), s.clientCertificates);
    if (s.serverCertificates) certAt.set(lastCert(S2C), s.serverCertificates);
    const messages: TranscriptMessage[] = s.messages.map((m, i) => ({
      ...(certAt.has(i) ? { loggedCertificates: certAt.get(i)! } : {}),
      index: i + 1,
      line: m.line,
      ...(m.time !== undefined ? { time: m.time } : {}),
      direction: m.direction ?? ((m.own ?? true) === (side === "client") ? C2S : S2C),
      contentType: m.type === "Alert" ? "alert" : m.type === "ChangeCipherSpec" ? "change_cipher_spec" : "handshake",
      type: m.type,
      decrypted: false,
      encrypted: false,
      streamOffset: -1,
      endStreamOffset: -1,
      raw: new Uint8Array(0),
      body: m.body,
    }));
    let alert: AlertEvent | undefined;
    const firstFatal = messages.find((m) => m.type === "Alert" && m.body?.type === "Alert" && m.body.level === 2) ?? messages.find((m) => m.type === "Alert");
    if (firstFatal && firstFatal.body?.type === "Alert") {
      const before = messages.slice(0, firstFatal.index - 1);
      alert = {
        alert: firstFatal.body,
        sender: firstFatal.direction === C2S ? "client" : "server",
        messageIndex: firstFatal.index,
        ...(firstFatal.index > 1 ? { afterMessageIndex: firstFatal.index - 1 } : {}),
        ...(s.tlsVersion === "1.3"
          ? { afterClientFinished: before.some((m) => m.type === "Finished" && m.direction === C2S) }
          : {}),
      };
    }
    const finishedBoth = messages.some((m) => m.type === "Finished" && m.direction === C2S) && messages.some((m) => m.type === "Finished" && m.direction === S2C);
    const kinds = new Set(s.events.map((e) => e.kind));
    let outcome: Outcome;
    let closedWithoutAlert = false;
    if (alert) outcome = "alert";
    else if (kinds.has("broken-pipe") || kinds.has("connection-reset")) [outcome, closedWithoutAlert] = ["reset", true];
    else if (kinds.has("peer-closed")) [outcome, closedWithoutAlert] = [finishedBoth ? "closed-after-handshake" : "closed-during-handshake", true];
    else if (finishedBoth) outcome = "handshake-completed";
    else outcome = "incomplete";
    if (s.policy && kinds.has("empty-client-chain")) s.policy.required = true;
    if (s.events.some((e) => e.kind === "invalid-certificate-authorities")) {
      s.policy ??= newPolicy();
      s.policy.certificateAuthoritiesState = "present-empty";
    }
    const conv: Conversation = {
      source: "log",
      client: { host: "", port: 0 },
      server: { host: "", port: 0 },
      ...(s.sni !== undefined ? { sni: s.sni } : {}),
      ...(s.tlsVersion !== undefined ? { tlsVersion: s.tlsVersion } : {}),
      ...(s.cipher !== undefined ? { cipher: s.cipher } : {}),
      messages,
      gaps: [],
      visibility: "partial",
      outcome,
      ...(alert ? { alert } : {}),
      ...(closedWithoutAlert ? { closedWithoutAlert } : {}),
    };
    const hsk: LoggedHandshake = {
      side,
      thread: s.thread,
      firstLine: s.firstLine,
      lastLine: s.lastLine,
      ...(s.policy ? { policy: s.policy } : {}),
      ...(s.caNamesSplit ? { caNamesSplit: s.caNamesSplit } : {}),
      clientCertificates: s.clientCertificates,
      serverCertificates: s.serverCertificates,
    };
    return [conv, hsk];
  }
}

/** Parses a JDK 11+ `"throwable" : { Class: message \n at ... \n Caused by: ... }` block. */
function parseThrowable(lines: string[]): { className: string; message: string; causes: { className: string; message: string }[] } | undefined {
  let main: { className: string; message: string } | undefined;
  const causes: { className: string; message: string }[] = [];
  for (const l of lines) {
    const t = l.trim().replace(/\}$/, "");
    if (t === "" || t.startsWith("at ") || t.startsWith('"throwable"') || t.startsWith("...")) continue;
    const cause = /^Caused by:\s*(.*)$/.exec(t);
    const ex = findException(cause ? cause[1]! : t);
    if (!ex) continue;
    if (cause) causes.push(ex);
    else if (!main) main = ex;
  }
  return main ? { ...main, causes } : undefined;
}
