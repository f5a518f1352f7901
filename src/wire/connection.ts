/**
 * ConnectionDecoder: turns the two byte streams of one TCP connection into decoded TLS messages, following the
 * handshake state machine (RFC 5246 §7.3, RFC 8446 §2 and §4) far enough to know which records are protected and
 * with which key, and decrypting TLS 1.3 records with secrets from an NSS key log.
 *
 * Record handling per direction:
 * - plaintext records: handshake → HandshakeJoiner → decodeHandshakeMessage; alert; change_cipher_spec.
 * - TLS 1.2: after a direction's ChangeCipherSpec its records are encrypted; they are reported, not decrypted:
 *   handshake → "EncryptedHandshake" (the Finished), alert → "EncryptedAlert", application_data → "ApplicationData".
 * - TLS 1.3: after ServerHello, records with outer type application_data are protected (RFC 8446 §5.2). Both
 *   directions use the handshake traffic secrets, then each switches to `*_TRAFFIC_SECRET_0` after its own
 *   Finished, and to the next generation after a KeyUpdate (§7.2); sequence numbers restart at 0 with each key
 *   (§5.3). The client's middlebox-compatibility ChangeCipherSpec (§D.4) is plaintext and does not affect keys.
 *   Without a key, a protected record becomes "EncryptedHandshake" (during that side's handshake flight, judged by
 *   turn-taking) or "ApplicationData" with `encrypted: true` — what Wireshark shows without keys.
 * - Application data is never kept: only its length. TLS 1.3 application records are decrypted (when keys exist)
 *   only to find alerts and post-handshake messages (NewSessionTicket, KeyUpdate); the plaintext is dropped.
 *
 * Buffers: messages keep *views* into the chunks passed to `push` (no copies on the fast path), so a caller must
 * not reuse or modify a chunk after pushing it.
 */
import { DecodeError } from "./errors.js";
import { HandshakeJoiner, type JoinedHandshake } from "./handshake.js";
import { decodeAlert } from "./messages/alert.js";
import { decodeHandshakeMessage, HS } from "./messages/index.js";
import { Reader } from "./reader.js";
import { innerPlaintextLengthWarning, RecordDeframer, recordLengthWarning, type RecordProtectionKind, type SkippedBytes } from "./record.js";
import { contentTypeName, HANDSHAKE_MESSAGE_NAMES } from "./tables.js";
import { KeyLog, type KeyLogLabel } from "./tls13/keylog.js";
import { nextTrafficSecret, TLS13_SUITES } from "./tls13/keySchedule.js";
import { RecordProtection } from "./tls13/recordProtection.js";
import type { ContentTypeName, Direction, HandshakeMessage, TlsRecord, WireMessage, WireWarning } from "./types.js";

/** Capture metadata of a pushed chunk; passed through untouched (opaque to the wire layer). */
export interface ChunkMeta {
  /** Capture frame number (Wireshark's, 1-based). */
  frame?: number;
  /** ms since epoch. */
  time?: number;
}

/** A decoded message plus the metadata of the chunk that completed it. */
export type DecodedMessage = WireMessage & ChunkMeta;

export interface ConnectionDecoderOptions {
  /** Secrets for TLS 1.3 decryption. More can be added with `addKeyLog`. */
  keyLog?: KeyLog;
  /**
   * Hold protected TLS 1.3 records that arrive before their secret is known (live use: Node emits `keylog` after
   * the socket delivered the bytes) until `addKeyLog` supplies it; they are released by the next `push` or `end`.
   * Default false (captures: the key log is known up front).
   */
  awaitKeys?: boolean;
  /** Largest handshake message accepted (bytes); default 1 MiB. */
  maxHandshakeLength?: number;
}

/** What the decoder learned about the connection so far. */
export interface ConnectionState {
  /** Negotiated version: ServerHello supported_versions selected_version, else ServerHello.legacy_version. */
  version?: number;
  cipherSuite?: number;
  /** ClientHello.random (the key log index). */
  clientRandom?: Uint8Array;
  /** ClientHello server_name. */
  serverName?: string;
  /** True when a direction's first bytes were not a TLS record header (e.g. an HTTP response). */
  notTls?: boolean;
  /** A HelloRetryRequest was seen (RFC 8446 §4.1.4). */
  helloRetryRequest?: boolean;
  /** Whether each side's Finished was seen (decrypted, or as a TLS 1.2 encrypted handshake record after CCS). */
  handshakeDone: { client: boolean; server: boolean };
}

const EMPTY = new Uint8Array(0);
const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPDATA = 23;
/** A TLS 1.3 record carrying only an alert: 2 bytes + inner content type + the AEAD tag (16, or 8 for CCM_8). */
const TLS13_ALERT_PLAINTEXT_LENGTH = 3;
const DEFAULT_TAG_LENGTH = 16;
/** After a capture gap, how many lost records to allow for when guessing the sequence number. */
const MAX_SEQ_SKIP_AFTER_GAP = 32;

interface Held {
  rec: TlsRecord;
  meta: ChunkMeta | undefined;
}

class Side {
  readonly deframer: RecordDeframer;
  readonly joiner: HandshakeJoiner;
  /** TLS 1.2: this side sent ChangeCipherSpec. */
  ccs12 = false;
  /** TLS 1.3 protection currently in use, and which secret it is. */
  prot: RecordProtection | null = null;
  protKind: "hs" | "ap" | null = null;
  /** This side's Finished was seen (decrypted). */
  finished = false;
  /** Protected records seen (1.3) — for naming without keys. */
  protectedSeen = 0;
  /** Without keys: this side's handshake flight is over (the peer answered with protected records). */
  flightOver = false;
  notTlsReported = false;
  held: Held[] = [];
  /**
   * Warnings about the record being processed, attached to every message it completes; kept for the next message
   * when the record completed none (a handshake message continued in the next record).
   */
  warnings: WireWarning[] = [];
  meta: ChunkMeta | undefined;
  out: DecodedMessage[] = [];
  readonly joined: JoinedHandshake[] = [];

  constructor(
    readonly dir: Direction,
    readonly isClient: boolean,
    onRecord: (s: Side, r: TlsRecord) => void,
    onSkipped: (s: Side, k: SkippedBytes) => void,
    maxHs: number | undefined,
  ) {
    this.deframer = new RecordDeframer({ record: (r) => onRecord(this, r), skipped: (k) => onSkipped(this, k) });
    this.joiner = new HandshakeJoiner(maxHs);
  }
}

/**
 * Decodes one TLS connection incrementally. Feed each direction's TCP payload in stream order with `push`;
 * report capture loss with `gap`; call `end` once at the end.
 */
export class ConnectionDecoder {
  private readonly keyLog: KeyLog;
  private readonly awaitKeys: boolean;
  private readonly client: Side;
  private readonly server: Side;
  /** ServerHello (not HRR) seen: TLS 1.3 record protection is in force for outer application_data records. */
  private serverHelloSeen = false;
  private released: DecodedMessage[] = [];
  readonly state: ConnectionState = { handshakeDone: { client: false, server: false } };

  constructor(opts: ConnectionDecoderOptions = {}) {
    this.keyLog = opts.keyLog ?? new KeyLog();
    this.awaitKeys = opts.awaitKeys ?? false;
    const onRec = (s: Side, r: TlsRecord) => this.onRecord(s, r);
    const onSkip = (s: Side, k: SkippedBytes) => this.onSkipped(s, k);
    this.client = new Side("client→server", true, onRec, onSkip, opts.maxHandshakeLength);
    this.server = new Side("server→client", false, onRec, onSkip, opts.maxHandshakeLength);
  }

  /** Add key log text (NSS format). Held records (awaitKeys) that can now be decrypted are released on the next push/end. */
  addKeyLog(text: string): void {
    this.keyLog.add(text);
    for (const s of [this.server, this.client]) {
      if (s.held.length === 0) continue;
      if (!this.installKeys(s)) continue;
      this.releaseHeld(s);
    }
  }

  /**
   * Decode more bytes of one direction. Returns the messages completed by this chunk (plus any released from
   * holding), in stream order, each tagged with `meta`.
   */
  push(direction: Direction, bytes: Uint8Array, meta?: ChunkMeta): DecodedMessage[] {
    const s = this.side(direction);
    s.meta = meta;
    s.deframer.feed(bytes);
    return this.collect(s);
  }

  /**
   * `missingBytes` of this direction's stream were not captured. A partial record or handshake message is lost
   * (reported as Undecodable on the next push/end); decoding resumes at the next record header.
   */
  gap(direction: Direction, missingBytes: number): void {
    const s = this.side(direction);
    s.deframer.gap(missingBytes);
    if (s.joiner.hasPending) {
      const at = s.joiner.pendingStreamOffset;
      const n = s.joiner.reset();
      this.undecodable(s, at, `partial handshake message (${n} bytes) lost in a capture gap of ${missingBytes} bytes`);
    }
  }

  /** Flush both directions. A partial record or message becomes an Undecodable entry. */
  end(): DecodedMessage[] {
    const all: DecodedMessage[] = [];
    for (const s of [this.client, this.server]) {
      if (s.held.length > 0) {
        const held = s.held;
        s.held = [];
        for (const h of held) {
          s.meta = h.meta;
          this.processRecord(s, h.rec, true);
        }
      }
      s.deframer.end();
      if (s.joiner.hasPending) {
        const at = s.joiner.pendingStreamOffset;
        const n = s.joiner.reset();
        this.undecodable(s, at, `incomplete handshake message at end of stream (${n} bytes)`);
      }
    }
    all.push(...this.released);
    this.released = [];
    all.push(...this.client.out, ...this.server.out);
    this.client.out = [];
    this.server.out = [];
    return all;
  }

  private side(d: Direction): Side {
    return d === "client→server" ? this.client : this.server;
  }

  private collect(s: Side): DecodedMessage[] {
    const other = s === this.client ? this.server : this.client;
    if (this.released.length === 0 && other.out.length === 0) {
      const out = s.out;
      s.out = [];
      return out;
    }
    const out = [...this.released, ...other.out, ...s.out];
    this.released = [];
    other.out = [];
    s.out = [];
    return out;
  }

  // ---------------------------------------------------------------- records

  private onSkipped(s: Side, k: SkippedBytes): void {
    if (k.reason === "not-tls") {
      this.state.notTls = true;
      if (s.notTlsReported) return;
      s.notTlsReported = true;
      const b = k.bytes ?? EMPTY;
      this.push1(s, {
        contentType: "unknown",
        type: "NotTls",
        streamOffset: k.streamOffset,
        raw: b,
        body: { type: "Undecodable", error: `not TLS: the first bytes are not a TLS record header (${describeBytes(b)})` },
      });
      return;
    }
    const why = k.reason === "gap" ? "lost in a capture gap" : "skipped while resynchronising on a record header";
    this.undecodable(s, k.streamOffset, `${k.length} bytes ${why}`);
  }

  private onRecord(s: Side, rec: TlsRecord): void {
    if (s.held.length > 0) {
      s.held.push({ rec: copyRecord(rec), meta: s.meta });
      return;
    }
    this.processRecord(s, rec, false);
  }

  private processRecord(s: Side, rec: TlsRecord, final: boolean): void {
    const warning = recordLengthWarning(rec, this.protectionOf(s, rec));
    if (warning) s.warnings.push(warning);
    const out = s.out.length;
    const held = s.held.length;
    this.dispatchRecord(s, rec, final);
    if (s.held.length > held) {
      // held until its key arrives: it is checked again when processed
      if (warning) s.warnings.pop();
    } else if (s.out.length > out) s.warnings = [];
  }

  /** Which record-layer length limit applies to `rec` (mirrors the dispatch in {@link dispatchRecord}). */
  private protectionOf(s: Side, rec: TlsRecord): RecordProtectionKind {
    const v13 = this.state.version === 0x0304;
    const appData = rec.contentType === CT_APPDATA;
    if (v13 && this.serverHelloSeen && appData) return "tls13-ciphertext";
    if (s.ccs12 && !v13) return "tls12-ciphertext";
    if (!this.serverHelloSeen && appData && s.isClient && this.state.clientRandom) return "tls13-ciphertext"; // 0-RTT early data
    return "plaintext";
  }

  private dispatchRecord(s: Side, rec: TlsRecord, final: boolean): void {
    const ct = rec.contentType;
    const v13 = this.state.version === 0x0304;
    if (v13 && this.serverHelloSeen && ct === CT_APPDATA) return this.protected13(s, rec, final);
    if (s.ccs12 && !v13) return this.encrypted12(s, rec);
    if (!this.serverHelloSeen && ct === CT_APPDATA && s.isClient && this.state.clientRandom) {
      // 0-RTT early data (RFC 8446 §4.2.10): not decrypted
      return this.appData(s, rec, true, false);
    }
    switch (ct) {
      case CT_HANDSHAKE:
        return this.handshake(s, rec.fragment, rec.streamOffset, false);
      case CT_ALERT:
        return this.alerts(s, rec.fragment, rec.streamOffset, false);
      case CT_CCS:
        if (!v13) s.ccs12 = true;
        return this.push1(s, {
          contentType: "change_cipher_spec",
          type: "ChangeCipherSpec",
          streamOffset: rec.streamOffset,
          raw: rec.fragment,
          body: { type: "ChangeCipherSpec" },
        });
      case CT_APPDATA:
        return this.appData(s, rec, false, false);
      default:
        return this.push1(s, {
          contentType: contentTypeName(ct),
          type: ct === 24 ? "Heartbeat" : `UnknownContentType(${ct})`,
          streamOffset: rec.streamOffset,
          raw: EMPTY,
          body: null,
        });
    }
  }

  private encrypted12(s: Side, rec: TlsRecord): void {
    const ct = rec.contentType;
    if (ct === CT_APPDATA) return this.appData(s, rec, true, false);
    if (ct === CT_HANDSHAKE) {
      // The first encrypted handshake message after ChangeCipherSpec is Finished (RFC 5246 §7.4.9).
      if (s.isClient) this.state.handshakeDone.client = true;
      else this.state.handshakeDone.server = true;
    }
    this.push1(s, {
      contentType: contentTypeName(ct),
      type: ct === CT_HANDSHAKE ? "EncryptedHandshake" : ct === CT_ALERT ? "EncryptedAlert" : ct === CT_CCS ? "ChangeCipherSpec" : `UnknownContentType(${ct})`,
      encrypted: ct !== CT_CCS,
      streamOffset: rec.streamOffset,
      raw: rec.fragment,
      body: ct === CT_CCS ? { type: "ChangeCipherSpec" } : null,
    });
  }

  private appData(s: Side, rec: TlsRecord, encrypted: boolean, decrypted: boolean, likelyAlert = false): void {
    this.push1(s, {
      contentType: "application_data",
      type: "ApplicationData",
      encrypted,
      decrypted,
      streamOffset: rec.streamOffset,
      raw: EMPTY,
      body: likelyAlert ? { type: "ApplicationData", length: rec.fragment.length, likelyAlert } : { type: "ApplicationData", length: rec.fragment.length },
    });
  }

  /** TLS 1.3 protected record (outer type application_data after ServerHello). */
  private protected13(s: Side, rec: TlsRecord, final: boolean): void {
    s.protectedSeen++;
    const other = s === this.client ? this.server : this.client;
    if (other.protectedSeen > 0) other.flightOver = true;
    if (!s.prot) this.installKeys(s);
    if (!s.prot) {
      if (this.awaitKeys && !final) {
        s.held.push({ rec: copyRecord(rec), meta: s.meta });
        return;
      }
      const inFlight = !s.flightOver && !s.finished;
      if (inFlight) {
        return this.push1(s, {
          contentType: "application_data",
          type: "EncryptedHandshake",
          encrypted: true,
          streamOffset: rec.streamOffset,
          raw: EMPTY,
          body: { type: "ApplicationData", length: rec.fragment.length },
        });
      }
      const tag = (this.state.cipherSuite !== undefined ? TLS13_SUITES[this.state.cipherSuite]?.tagLength : undefined) ?? DEFAULT_TAG_LENGTH;
      return this.appData(s, rec, true, false, rec.fragment.length === TLS13_ALERT_PLAINTEXT_LENGTH + tag);
    }
    const maxSkip = s.deframer.lostRecords ? MAX_SEQ_SKIP_AFTER_GAP : 0;
    let opened = s.prot.open(rec, maxSkip);
    if (typeof opened === "string" && s.protKind === "hs") {
      // Missed the Finished (e.g. lost in a gap)? Try the application traffic secret.
      const ap = this.secret(s, "ap");
      const suite = this.state.cipherSuite !== undefined ? TLS13_SUITES[this.state.cipherSuite] : undefined;
      if (ap && suite) {
        const p = new RecordProtection(suite, ap);
        const o = p.open(rec, maxSkip);
        if (typeof o !== "string") {
          s.prot = p;
          s.protKind = "ap";
          s.finished = true;
          opened = o;
        }
      }
    }
    if (typeof opened === "string") {
      return this.push1(s, {
        contentType: "application_data",
        type: "Undecodable",
        encrypted: true,
        streamOffset: rec.streamOffset,
        raw: EMPTY,
        body: {
          type: "Undecodable",
          error:
            opened === "auth"
              ? `TLS 1.3 record (${rec.fragment.length} bytes) failed AEAD authentication with the ${s.protKind === "hs" ? "handshake" : "application"} traffic key at sequence ${s.prot.seq}: wrong key log entry, or records missing`
              : `TLS 1.3 record decrypted to an invalid TLSInnerPlaintext (${opened})`,
        },
      });
    }
    const innerWarning = innerPlaintextLengthWarning(rec.fragment.length - s.prot.suite.tagLength, rec.streamOffset);
    if (innerWarning) s.warnings.push(innerWarning);
    const inner = opened.contentType;
    if (inner === CT_HANDSHAKE) return this.handshake(s, opened.content, rec.streamOffset, true);
    if (inner === CT_ALERT) return this.alerts(s, opened.content, rec.streamOffset, true);
    if (inner === CT_APPDATA) {
      return this.push1(s, {
        contentType: "application_data",
        type: "ApplicationData",
        decrypted: true,
        streamOffset: rec.streamOffset,
        raw: EMPTY,
        body: { type: "ApplicationData", length: opened.content.length },
      });
    }
    this.undecodable(s, rec.streamOffset, `TLS 1.3 record with illegal inner content type ${inner}`, true);
  }

  // ---------------------------------------------------------------- keys

  private secret(s: Side, kind: "hs" | "ap"): Uint8Array | undefined {
    const cr = this.state.clientRandom;
    if (!cr) return undefined;
    const label: KeyLogLabel =
      kind === "hs"
        ? s.isClient
          ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
          : "SERVER_HANDSHAKE_TRAFFIC_SECRET"
        : s.isClient
          ? "CLIENT_TRAFFIC_SECRET_0"
          : "SERVER_TRAFFIC_SECRET_0";
    return this.keyLog.lookup(cr, label);
  }

  /** Install the key this side should be using now, if the key log has it. Returns true when a key is in place. */
  private installKeys(s: Side): boolean {
    if (s.prot) return true;
    if (!this.serverHelloSeen || this.state.version !== 0x0304 || this.state.cipherSuite === undefined) return false;
    const suite = TLS13_SUITES[this.state.cipherSuite];
    if (!suite) return false;
    const kind = s.finished ? "ap" : "hs";
    const secret = this.secret(s, kind);
    if (!secret) return false;
    s.prot = new RecordProtection(suite, secret);
    s.protKind = kind;
    return true;
  }

  private releaseHeld(s: Side): void {
    const held = s.held;
    s.held = [];
    const saveMeta = s.meta;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      if (s.held.length > 0) {
        // a later key is missing again: keep holding the rest
        s.held.push(...held.slice(i));
        break;
      }
      s.meta = h.meta;
      this.processRecord(s, h.rec, false);
    }
    s.meta = saveMeta;
    this.released.push(...s.out);
    s.out = [];
  }

  // ---------------------------------------------------------------- content

  private handshake(s: Side, fragment: Uint8Array, streamOffset: number, decrypted: boolean): void {
    const joined = s.joined;
    joined.length = 0;
    try {
      s.joiner.push(fragment, streamOffset, joined);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.undecodable(s, streamOffset, `handshake: ${e.message}`, decrypted);
    }
    for (let i = 0; i < joined.length; i++) this.handshakeMessage(s, joined[i]!, decrypted);
    joined.length = 0;
  }

  private handshakeMessage(s: Side, j: JoinedHandshake, decrypted: boolean): void {
    const version = this.state.version ?? 0x0303;
    let body: HandshakeMessage;
    try {
      body = decodeHandshakeMessage(j.raw, { version });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const name = HANDSHAKE_MESSAGE_NAMES[j.msgType] ?? `handshake type ${j.msgType}`;
      this.push1(s, {
        contentType: "handshake",
        type: "Undecodable",
        decrypted,
        streamOffset: j.streamOffset,
        endStreamOffset: j.endStreamOffset,
        raw: j.raw,
        body: { type: "Undecodable", error: e.message.startsWith(name) ? e.message : `${name}: ${e.message}` },
      });
      return;
    }
    this.push1(s, {
      contentType: "handshake",
      type: body.type === "Unknown" ? (HANDSHAKE_MESSAGE_NAMES[j.msgType] ?? `Unknown(${j.msgType})`) : body.type,
      decrypted,
      streamOffset: j.streamOffset,
      endStreamOffset: j.endStreamOffset,
      raw: j.raw,
      body,
    });
    this.advance(s, body);
  }

  /** Handshake state machine: what each message changes. */
  private advance(s: Side, m: HandshakeMessage): void {
    switch (m.type) {
      case "ClientHello":
        if (s.isClient) {
          this.state.clientRandom = m.random;
          if (m.serverName !== undefined) this.state.serverName = m.serverName;
        }
        return;
      case "HelloRetryRequest":
        this.state.helloRetryRequest = true;
        this.state.version = m.selectedVersion ?? m.legacyVersion;
        this.state.cipherSuite = m.cipherSuite;
        return;
      case "ServerHello":
        if (s.isClient) return;
        this.state.version = m.selectedVersion ?? m.legacyVersion;
        this.state.cipherSuite = m.cipherSuite;
        this.serverHelloSeen = true;
        if (this.state.version === 0x0304) {
          this.installKeys(this.server);
          this.installKeys(this.client);
        }
        return;
      case "Finished": {
        if (s.isClient) this.state.handshakeDone.client = true;
        else this.state.handshakeDone.server = true;
        if (this.state.version === 0x0304 && !s.finished) {
          s.finished = true;
          s.flightOver = true;
          // RFC 8446 §7.3: switch to application traffic keys; sequence numbers restart at 0.
          s.prot = null;
          s.protKind = null;
          s.joiner.reset();
          this.installKeys(s);
        }
        return;
      }
      case "KeyUpdate": {
        // RFC 8446 §4.6.3: the sender's next records use application_traffic_secret_N+1.
        if (s.prot && s.protKind === "ap") {
          s.prot = new RecordProtection(s.prot.suite, nextTrafficSecret(s.prot.secret, s.prot.suite));
        }
        return;
      }
      default:
        return;
    }
  }

  private alerts(s: Side, fragment: Uint8Array, streamOffset: number, decrypted: boolean): void {
    if (fragment.length === 0 || fragment.length % 2 !== 0) {
      this.undecodable(s, streamOffset, `alert record of ${fragment.length} bytes (must be a multiple of 2)`, decrypted);
      return;
    }
    const r = new Reader(fragment);
    while (!r.atEnd) {
      const raw = fragment.subarray(r.offset, r.offset + 2);
      const body = decodeAlert(r);
      this.push1(s, { contentType: "alert", type: "Alert", decrypted, streamOffset, raw, body });
    }
  }

  private undecodable(s: Side, streamOffset: number, error: string, decrypted = false): void {
    this.push1(s, {
      contentType: "unknown",
      type: "Undecodable",
      decrypted,
      streamOffset,
      raw: EMPTY,
      body: { type: "Undecodable", error },
    });
  }

  private push1(
    s: Side,
    m: {
      contentType: ContentTypeName;
      type: string;
      streamOffset: number;
      endStreamOffset?: number;
      raw: Uint8Array;
      body: WireMessage["body"];
      decrypted?: boolean;
      encrypted?: boolean;
    },
  ): void {
    const msg: DecodedMessage = {
      direction: s.dir,
      contentType: m.contentType,
      type: m.type,
      decrypted: m.decrypted ?? false,
      encrypted: m.encrypted ?? false,
      streamOffset: m.streamOffset,
      endStreamOffset: m.endStreamOffset ?? m.streamOffset,
      raw: m.raw,
      body: m.body,
    };
    if (s.warnings.length > 0) msg.warnings = s.warnings.slice();
    const meta = s.meta;
    if (meta) {
      if (meta.frame !== undefined) msg.frame = meta.frame;
      if (meta.time !== undefined) msg.time = meta.time;
    }
    s.out.push(msg);
  }
}

function copyRecord(r: TlsRecord): TlsRecord {
  return { contentType: r.contentType, version: r.version, fragment: r.fragment.slice(), streamOffset: r.streamOffset };
}

/** Printable preview of non-TLS bytes, e.g. `"HTTP/1.1 400 Bad Request"`. */
function describeBytes(b: Uint8Array): string {
  const head = b.subarray(0, 48);
  let printable = 0;
  for (const c of head) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d) printable++;
  if (head.length > 0 && printable === head.length) {
    const text = String.fromCharCode(...head).split(/\r?\n/)[0]!;
    return JSON.stringify(text);
  }
  return "hex " + Buffer.from(head.subarray(0, 16)).toString("hex");
}

/**
 * Decode a whole connection at once. `chunks` are the TCP payloads of both directions in capture order.
 * @returns all messages, in the order produced (stream order within each direction).
 */
export function decodeConnection(
  chunks: readonly { direction: Direction; bytes: Uint8Array; meta?: ChunkMeta }[],
  opts: ConnectionDecoderOptions & { keyLogText?: string } = {},
): DecodedMessage[] {
  const d = new ConnectionDecoder(opts);
  if (opts.keyLogText) d.addKeyLog(opts.keyLogText);
  const out: DecodedMessage[] = [];
  for (const c of chunks) {
    const ms = d.push(c.direction, c.bytes, c.meta);
    for (let i = 0; i < ms.length; i++) out.push(ms[i]!);
  }
  const rest = d.end();
  for (let i = 0; i < rest.length; i++) out.push(rest[i]!);
  return out;
}
