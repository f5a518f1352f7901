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
 *
 * This file holds the public decoder and the per-record dispatch; the steps live in ./connection/: `side.ts`
 * (direction state, shared context), `keys.ts` (TLS 1.3 key switching), `tls13.ts` (decryption step), `tls12.ts`
 * (post-ChangeCipherSpec records), `content.ts` (handshake joining, state machine, alerts), `emit.ts` (messages).
 */
import { recordLengthWarning, type RecordProtectionKind, type SkippedBytes } from "./record.js";
import { contentTypeName } from "./tables.js";
import { KeyLog } from "./tls13/keylog.js";
import type { Direction, TlsRecord } from "./types.js";
import { alertContent, handshakeContent } from "./connection/content.js";
import { EMPTY, emit, emitAppData, emitSkipped, emitUndecodable } from "./connection/emit.js";
import { installKeys } from "./connection/keys.js";
import {
  copyRecord,
  CT_APPDATA,
  CT_ALERT,
  CT_CCS,
  CT_HANDSHAKE,
  Side,
  TLS13,
  type ChunkMeta,
  type ConnectionState,
  type DecodedMessage,
  type DecoderContext,
} from "./connection/side.js";
import { encryptedRecord12 } from "./connection/tls12.js";
import { protectedRecord13 } from "./connection/tls13.js";

export type { ChunkMeta, ConnectionState, DecodedMessage } from "./connection/side.js";

/** Options of {@link ConnectionDecoder} and {@link decodeConnection}. */
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

/**
 * Decodes one TLS connection incrementally. Feed each direction's TCP payload in stream order with `push`;
 * report capture loss with `gap`; call `end` once at the end.
 */
export class ConnectionDecoder {
  private readonly ctx: DecoderContext;
  private released: DecodedMessage[] = [];

  constructor(opts: ConnectionDecoderOptions = {}) {
    const onRec = (s: Side, r: TlsRecord) => this.onRecord(s, r);
    const onSkip = (s: Side, k: SkippedBytes) => this.onSkipped(s, k);
    this.ctx = {
      state: { handshakeDone: { client: false, server: false } },
      keyLog: opts.keyLog ?? new KeyLog(),
      awaitKeys: opts.awaitKeys ?? false,
      client: new Side("client→server", true, onRec, onSkip, opts.maxHandshakeLength),
      server: new Side("server→client", false, onRec, onSkip, opts.maxHandshakeLength),
      serverHelloSeen: false,
    };
  }

  /** What the decoder learned about the connection so far (version, suite, client random, SNI, ...). */
  get state(): ConnectionState {
    return this.ctx.state;
  }

  /** Add key log text (NSS format). Held records (awaitKeys) that can now be decrypted are released on the next push/end. */
  addKeyLog(text: string): void {
    this.ctx.keyLog.add(text);
    for (const s of [this.ctx.server, this.ctx.client]) {
      if (s.held.length === 0) continue;
      if (!installKeys(this.ctx, s)) continue;
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
      emitUndecodable(s, at, `partial handshake message (${n} bytes) lost in a capture gap of ${missingBytes} bytes`);
    }
  }

  /** Flush both directions. A partial record or message becomes an Undecodable entry. */
  end(): DecodedMessage[] {
    const all: DecodedMessage[] = [];
    const { client, server } = this.ctx;
    for (const s of [client, server]) {
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
        emitUndecodable(s, at, `incomplete handshake message at end of stream (${n} bytes)`);
      }
    }
    all.push(...this.released);
    this.released = [];
    all.push(...client.out, ...server.out);
    client.out = [];
    server.out = [];
    return all;
  }

  private side(d: Direction): Side {
    return d === "client→server" ? this.ctx.client : this.ctx.server;
  }

  private collect(s: Side): DecodedMessage[] {
    const other = s === this.ctx.client ? this.ctx.server : this.ctx.client;
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

  // ---------------------------------------------------------------- records

  private onSkipped(s: Side, k: SkippedBytes): void {
    if (k.reason === "not-tls") this.ctx.state.notTls = true;
    emitSkipped(s, k);
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
    const { state, serverHelloSeen } = this.ctx;
    const v13 = state.version === TLS13;
    const appData = rec.contentType === CT_APPDATA;
    if (v13 && serverHelloSeen && appData) return "tls13-ciphertext";
    if (s.ccs12 && !v13) return "tls12-ciphertext";
    if (!serverHelloSeen && appData && s.isClient && state.clientRandom) return "tls13-ciphertext"; // 0-RTT early data
    return "plaintext";
  }

  private dispatchRecord(s: Side, rec: TlsRecord, final: boolean): void {
    const ctx = this.ctx;
    const ct = rec.contentType;
    const v13 = ctx.state.version === TLS13;
    if (v13 && ctx.serverHelloSeen && ct === CT_APPDATA) return protectedRecord13(ctx, s, rec, final);
    if (s.ccs12 && !v13) return encryptedRecord12(ctx, s, rec);
    if (!ctx.serverHelloSeen && ct === CT_APPDATA && s.isClient && ctx.state.clientRandom) {
      // 0-RTT early data (RFC 8446 §4.2.10): not decrypted
      return emitAppData(s, rec, true, false);
    }
    switch (ct) {
      case CT_HANDSHAKE:
        return handshakeContent(ctx, s, rec.fragment, rec.streamOffset, false);
      case CT_ALERT:
        return alertContent(s, rec.fragment, rec.streamOffset, false);
      case CT_CCS:
        if (!v13) s.ccs12 = true;
        return emit(s, {
          contentType: "change_cipher_spec",
          type: "ChangeCipherSpec",
          streamOffset: rec.streamOffset,
          raw: rec.fragment,
          body: { type: "ChangeCipherSpec" },
        });
      case CT_APPDATA:
        return emitAppData(s, rec, false, false);
      default:
        return emit(s, {
          contentType: contentTypeName(ct),
          type: ct === 24 ? "Heartbeat" : `UnknownContentType(${ct})`,
          streamOffset: rec.streamOffset,
          raw: EMPTY,
          body: null,
        });
    }
  }
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
