/**
 * Per-direction state of the connection decoder, and the context its steps share (see ../connection.ts for the
 * overview). Each direction has its own deframer, handshake joiner, TLS 1.2 ChangeCipherSpec flag, TLS 1.3 record
 * protection (which secret, which sequence number), held records and output queue.
 */
import { HandshakeJoiner, type JoinedHandshake } from "../handshake.js";
import { RecordDeframer, type SkippedBytes } from "../record.js";
import type { KeyLog } from "../tls13/keylog.js";
import type { RecordProtection } from "../tls13/recordProtection.js";
import type { Direction, TlsRecord, WireMessage, WireWarning } from "../types.js";

/** Capture metadata of a pushed chunk; passed through untouched (opaque to the wire layer). */
export interface ChunkMeta {
  /** Capture frame number (Wireshark's, 1-based). */
  frame?: number;
  /** ms since epoch. */
  time?: number;
}

/** A decoded message plus the metadata of the chunk that completed it. */
export type DecodedMessage = WireMessage & ChunkMeta;

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

/** RFC 8446 §5.1 ContentType values the decoder dispatches on. */
export const CT_CCS = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPDATA = 23;
export const TLS13 = 0x0304;

/** A record held back (awaitKeys) until its secret arrives, with the metadata of the chunk that carried it. */
export interface Held {
  rec: TlsRecord;
  meta: ChunkMeta | undefined;
}

/** One direction of the connection. */
export class Side {
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

/** What the decoding steps share: the connection state, the key log and both directions. */
export interface DecoderContext {
  readonly state: ConnectionState;
  readonly keyLog: KeyLog;
  /** Hold protected TLS 1.3 records without a key (see ConnectionDecoderOptions.awaitKeys). */
  readonly awaitKeys: boolean;
  readonly client: Side;
  readonly server: Side;
  /** ServerHello (not HRR) seen: TLS 1.3 record protection is in force for outer application_data records. */
  serverHelloSeen: boolean;
}

/** The other direction. */
export function peerOf(ctx: DecoderContext, s: Side): Side {
  return s === ctx.client ? ctx.server : ctx.client;
}

/** A copy of a record whose fragment is a view into a chunk the caller may reuse (for holding it). */
export function copyRecord(r: TlsRecord): TlsRecord {
  return { contentType: r.contentType, version: r.version, fragment: r.fragment.slice(), streamOffset: r.streamOffset };
}
