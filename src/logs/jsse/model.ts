/**
 * Shared pieces of the JSSE debug-log reader (see ../jsse.ts): the per-handshake state both formats fill, the
 * message as logged, Java's names for signature schemes and certificate types, and small value builders.
 */
import type { CaNamesSplit } from "../dn.js";
import type { AcceptableCA, Direction, LogEvent, LoggedCertificate, ServerPolicy, TranscriptMessage, Conversation, LoggedHandshake } from "../../evidence/model.js";
import type { AlertMessage } from "../../wire/types.js";
import { CLIENT_CERTIFICATE_TYPES, SIGNATURE_SCHEMES } from "../../wire/tables.js";
import { javaDnToOpenssl } from "../dn.js";
import { alertCode } from "../phrases.js";

export const C2S: Direction = "client→server";
export const S2C: Direction = "server→client";

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
export interface PendingMessage {
  type: string;
  line: number;
  time?: number;
  own?: boolean;
  direction?: Direction;
  body: TranscriptMessage["body"];
}

export interface HandshakeState {
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
  caNamesSplit?: CaNamesSplit;
  /** JDK 11+ TLS 1.2: the CA name list exactly as logged on one line ("[dn1, dn2]"), split again at assembly. */
  caNamesList?: string;
  clientCertificates: LoggedCertificate[] | null;
  serverCertificates: LoggedCertificate[] | null;
  /** Names of alerts received (to tell the Fatal line that reports a received alert from one that sends it). */
  received: Set<string>;
  /** Exception texts already recorded (the "handling exception" block repeats the Fatal one). */
  exceptions: Set<string>;
  /** JDK 8: the side is decided by the first [read]/[write] after the ClientHello. */
  jdk8SidePending?: boolean;
}

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
export function schemeCode(name: string): number | undefined {
  return SCHEME_CODES.get(name) ?? JAVA_SCHEME_CODES[name] ?? JCA_SCHEME_CODES[name];
}
export const CERT_TYPE_CODES = new Map<string, number>(
  Object.entries(CLIENT_CERTIFICATE_TYPES.names).map(([c, n]) => [n.toLowerCase(), Number(c)]),
);
/** JDK 8 `Cert Types: RSA, DSS, ECDSA`. */
export const JDK8_CERT_TYPES: Record<string, number> = { RSA: 1, DSS: 2, ECDSA: 64, "RSA_FIXED_DH": 3, "DSS_FIXED_DH": 4 };

export function listItems(s: string): string[] {
  return s.replace(/^\s*\[/, "").replace(/\]\s*,?\s*$/, "").split(",").map((x) => x.trim()).filter((x) => x !== "");
}

export function alertBody(name: string, level: string): AlertMessage {
  const code = alertCode(name);
  return {
    type: "Alert",
    level: level === "warning" ? 1 : 2,
    levelName: level === "warning" ? "warning" : "fatal",
    description: code ?? -1,
    descriptionName: code === undefined ? `unknown(${name})` : name.toLowerCase(),
  };
}

export function logCa(dn: string): AcceptableCA {
  return { dn, opensslDn: javaDnToOpenssl(dn), der: new Uint8Array(0), source: "log" };
}

export function newPolicy(): ServerPolicy {
  return { requested: true, required: "unknown", acceptableCAs: [], signatureAlgorithms: [] };
}

/** A fresh handshake state for `thread`, first seen on line `no`. */
export function newHandshakeState(thread: string, no: number): HandshakeState {
  return {
    thread, firstLine: no, lastLine: no, messages: [], events: [], sawClientHello: false, sawHrr: false,
    clientCertificates: null, serverCertificates: null, received: new Set(), exceptions: new Set(),
  };
}

/**
 * Handshakes in progress (per thread), finished ones, and every event, shared by the JDK 11+ and JDK 8 readers.
 * Holds no log lines: only the facts read from them.
 */
export class JsseStore {
  readonly states = new Map<string, HandshakeState>();
  readonly done: HandshakeState[] = [];
  readonly events: LogEvent[] = [];
  /** True when any JSSE debug line (either format) was seen. */
  seen = false;

  /** The handshake in progress on `thread` (started if there is none), its last line moved to `no`. */
  state(thread: string, no: number): HandshakeState {
    let s = this.states.get(thread);
    if (!s) {
      s = newHandshakeState(thread, no);
      this.states.set(thread, s);
    }
    s.lastLine = no;
    return s;
  }

  /** Record an event, on the handshake `s` too when given. */
  event(s: HandshakeState | undefined, e: LogEvent): LogEvent {
    this.events.push(e);
    s?.events.push(e);
    return e;
  }

  /** Close the handshake in progress on `thread` (a new one starts with the next line). */
  close(thread: string): void {
    const s = this.states.get(thread);
    if (!s) return;
    this.done.push(s);
    this.states.delete(thread);
  }
}
