/**
 * From reassembled TCP streams to TLS conversations: one {@link TlsStreamHandler} per TCP connection feeds a wire
 * {@link ConnectionDecoder} and, when the connection ends, builds the shared {@link Conversation}.
 *
 * Speed: a small record framer runs ahead of the decoder on each direction. It tracks record boundaries from the
 * 5-byte headers only, and once the handshake is over (or, without keys, after enough protected records) it skips
 * application_data records by their length: their payload is never copied or touched. Other records (alerts,
 * handshake, change_cipher_spec) are still handed to the decoder, preceded by a gap() for what was skipped so that
 * the decoder resynchronises on the record header it is given.
 *
 * Memory: bytes handed to the decoder are copied (the reader reuses its chunk, and decoded messages keep views);
 * that is handshake data only. The decoder is dropped when the connection ends.
 */
import { ConnectionDecoder, type DecodedMessage } from "../wire/connection.js";
import { looksLikeTlsRecordHeader } from "../wire/record.js";
import type { KeyLog } from "../wire/tls13/keylog.js";
import type { Direction } from "../wire/types.js";
import type { Conversation, Gap } from "../evidence/model.js";
import { buildConversation, type ConnectionEnd } from "../evidence/conversation.js";
import type { ConnectionInfo, EndReason, StreamHandler } from "./reassembly.js";
import { copyBytes } from "./packet.js";

const CT_APPDATA = 23;
/** Protected (application_data) records per direction handed to the decoder after both Finished messages were seen. */
export const RECORDS_AFTER_HANDSHAKE = 8;
/** Protected records per direction handed to the decoder at most, when the handshake end cannot be seen (TLS 1.3 without keys). */
export const MAX_PROTECTED_RECORDS = 24;

/** Per-direction record framer state. */
class Framer {
  /** Header bytes collected so far (0–5). */
  hdrHave = 0;
  readonly hdr = new Uint8Array(5);
  /** Body bytes of the current record still to come. */
  bodyLeft = 0;
  /** Skip mode: whether the current record is handed to the decoder. */
  forwarding = false;
  /** Record boundaries are known. */
  synced = true;
  /** Skip mode: application_data records are skipped by length. */
  skipMode = false;
  /** Bytes not forwarded since the last forwarded byte (reported to the decoder as a gap). */
  unforwarded = 0;
  /** Protected records seen in total / since both sides finished the handshake. */
  appRecords = 0;
  appRecordsAfterDone = 0;
  skippedRecords = 0;
  skippedBytes = 0;
  /** Stream bytes seen (delivered + gaps). */
  offset = 0;
}

/** Result of one TCP connection that carried TLS. */
export interface CapturedConversation {
  conversation: Conversation;
  /** Frame of the connection's first packet. */
  firstFrame: number;
  /** Records skipped by length after the handshake (per direction). */
  skippedRecords: { client: number; server: number };
  info: ConnectionInfo;
}

/**
 * Handles one TCP connection's streams (see module doc). `done` receives the conversation when the connection
 * ends, unless it turned out not to be TLS.
 */
export class TlsStreamHandler implements StreamHandler {
  wantsData = true;
  private decoder: ConnectionDecoder | null;
  private readonly decoded: DecodedMessage[] = [];
  private readonly gaps: Gap[] = [];
  private readonly c2s = new Framer();
  private readonly s2c = new Framer();
  private sawTls = false;

  constructor(
    private readonly info: ConnectionInfo,
    keyLog: KeyLog,
    private readonly done: (c: CapturedConversation) => void,
  ) {
    this.decoder = new ConnectionDecoder({ keyLog });
  }

  onData(dir: Direction, buf: Uint8Array, off: number, len: number, frame: number, time: number): void {
    const dec = this.decoder;
    if (!dec) return;
    const f = dir === "client→server" ? this.c2s : this.s2c;
    f.offset += len;
    if (!this.sawTls && !this.info.midStream && f.offset === len) {
      // First bytes of a stream seen from its start: TLS or not, by content (any port).
      if (len >= 5 && !looksLikeTlsRecordHeader(buf.subarray(off, off + 5))) {
        this.stop();
        return;
      }
    }
    const end = off + len;
    let p = off;
    // Pass mode forwards the whole chunk (one push); skip mode forwards only wanted records.
    let fwdStart = f.skipMode ? -1 : off;
    while (p < end) {
      if (!f.synced) {
        // Resynchronise on the next plausible record header inside this chunk.
        let q = p;
        while (q + 5 <= end && !looksLikeTlsRecordHeader(buf.subarray(q, q + 5))) q++;
        if (q + 5 > end) q = end;
        if (f.skipMode) f.unforwarded += q - p;
        p = q;
        if (p === end) break;
        f.synced = true;
        f.hdrHave = 0;
        f.bodyLeft = 0;
      }
      if (f.bodyLeft > 0) {
        const n = f.bodyLeft < end - p ? f.bodyLeft : end - p;
        if (f.skipMode) {
          if (f.forwarding) this.forward(dir, buf, p, p + n, frame, time);
          else {
            f.unforwarded += n;
            f.skippedBytes += n;
          }
        }
        f.bodyLeft -= n;
        p += n;
        continue;
      }
      const hdrStart = p;
      while (f.hdrHave < 5 && p < end) f.hdr[f.hdrHave++] = buf[p++]!;
      if (f.hdrHave < 5) break; // rest of the header comes with the next chunk
      f.hdrHave = 0;
      const type = f.hdr[0]!;
      f.bodyLeft = (f.hdr[3]! << 8) | f.hdr[4]!;
      if (f.skipMode) {
        f.forwarding = type !== CT_APPDATA;
        if (f.forwarding) {
          // A record we want (alert, handshake, change_cipher_spec): tell the decoder what it did not get, then
          // hand it this record from its header on, so it resynchronises exactly here.
          if (f.unforwarded > 0) dec.gap(dir, f.unforwarded);
          f.unforwarded = 0;
          this.forward(dir, f.hdr, 0, 5, frame, time);
        } else {
          f.unforwarded += 5;
          f.skippedRecords++;
        }
      } else if (type === CT_APPDATA) {
        f.appRecords++;
        const st = dec.state.handshakeDone;
        if (st.client && st.server) f.appRecordsAfterDone++;
        const headerInChunk = p - hdrStart === 5;
        if (headerInChunk && (f.appRecordsAfterDone > RECORDS_AFTER_HANDSHAKE || f.appRecords > MAX_PROTECTED_RECORDS)) {
          // Switch to skip mode at this record boundary: forward what came before its header.
          if (hdrStart > fwdStart) this.forward(dir, buf, fwdStart, hdrStart, frame, time);
          fwdStart = -1;
          f.skipMode = true;
          f.forwarding = false;
          f.unforwarded = 5;
          f.skippedRecords++;
        }
      }
    }
    if (fwdStart >= 0 && end > fwdStart) this.forward(dir, buf, fwdStart, end, frame, time);
    if (this.decoder && this.decoder.state.notTls && !this.sawTls) this.stop();
  }

  private forward(dir: Direction, buf: Uint8Array, from: number, to: number, frame: number, time: number): void {
    const dec = this.decoder;
    if (!dec || to <= from) return;
    // Copy: the reader reuses its buffer and decoded messages keep views into what they were given.
    const out = dec.push(dir, copyBytes(buf, from, to), { frame, time });
    if (out.length > 0) {
      this.sawTls = true;
      for (let i = 0; i < out.length; i++) this.decoded.push(out[i]!);
    }
  }

  onGap(dir: Direction, bytes: number): void {
    const dec = this.decoder;
    if (!dec) return;
    const f = dir === "client→server" ? this.c2s : this.s2c;
    if (bytes > 0) this.gaps.push({ direction: dir, bytes, atOffset: f.offset });
    f.offset += bytes;
    f.synced = false;
    f.hdrHave = 0;
    f.bodyLeft = 0;
    if (f.skipMode) f.unforwarded += bytes;
    else dec.gap(dir, bytes);
  }

  onEnd(reason: EndReason, _frame: number | undefined, _time: number | undefined, by: "client" | "server" | undefined): void {
    const dec = this.decoder;
    if (!dec) return;
    const rest = dec.end();
    for (let i = 0; i < rest.length; i++) this.decoded.push(rest[i]!);
    this.decoder = null;
    if (!this.sawTls && this.decoded.length === 0) return;
    const end: ConnectionEnd =
      reason === "rst" ? { how: "reset", ...(by ? { by } : {}) } : reason === "fin" ? { how: "fin", ...(by ? { by } : {}) } : { how: "open" };
    const conversation = buildConversation(this.decoded, {
      source: "capture",
      client: this.info.client,
      server: this.info.server,
      gaps: this.gaps,
      end,
    });
    this.done({
      conversation,
      firstFrame: this.info.firstFrame,
      skippedRecords: { client: this.c2s.skippedRecords, server: this.s2c.skippedRecords },
      info: this.info,
    });
  }

  private stop(): void {
    this.wantsData = false;
    this.decoder = null;
  }
}
