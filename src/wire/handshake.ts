/**
 * Handshake message framing (RFC 8446 §4, RFC 5246 §7.4): reassembles handshake messages across records and
 * splits several messages out of one record. Each message keeps its `raw` bytes (4-byte header + body), which is
 * what the TLS 1.3 transcript hash and all evidence use (never a re-encoding).
 */
import { DecodeError } from "./errors.js";

/** Default cap on one handshake message (bytes). OpenSSL's default max certificate list is 100 KiB; 1 MiB is generous. */
export const DEFAULT_MAX_HANDSHAKE_LENGTH = 1 << 20;

/** One complete handshake message, not yet decoded. */
export interface JoinedHandshake {
  msgType: number;
  /** 4-byte header + body. A view into the record when the message sat inside one record, else a fresh copy. */
  raw: Uint8Array;
  /** Stream offset of the record header that carried the first byte of the message. */
  streamOffset: number;
  /** Stream offset of the record header that carried the last byte of the message. */
  endStreamOffset: number;
}

/**
 * Reassembles handshake messages from the plaintext fragments of consecutive handshake records of one direction.
 * Throws DecodeError('range') when a message announces a length above `maxLength` (the joiner is then reset).
 */
export class HandshakeJoiner {
  private buf: Uint8Array | null = null;
  private have = 0;
  private firstOffset = 0;

  constructor(private readonly maxLength = DEFAULT_MAX_HANDSHAKE_LENGTH) {}

  /** True when part of a message is buffered (a record boundary fell inside it). */
  get hasPending(): boolean {
    return this.have > 0;
  }
  /** Bytes of a partial message held. */
  get pendingBytes(): number {
    return this.have;
  }
  /** Stream offset of the record that started the pending partial message. */
  get pendingStreamOffset(): number {
    return this.firstOffset;
  }

  /** Drop a partial message (after a capture gap or a key change). Returns the number of bytes dropped. */
  reset(): number {
    const n = this.have;
    this.buf = null;
    this.have = 0;
    return n;
  }

  /**
   * Add one handshake record's plaintext. Complete messages are appended to `out` in order.
   * @param fragment      the record's (decrypted) content
   * @param streamOffset  stream offset of that record's header
   */
  push(fragment: Uint8Array, streamOffset: number, out: JoinedHandshake[]): void {
    let p = 0;
    const n = fragment.length;
    if (this.have > 0) {
      // continue a partial message
      p = this.fill(fragment, 0);
      if (!this.complete()) return;
      const raw = this.buf!.subarray(0, this.have);
      out.push({ msgType: raw[0]!, raw, streamOffset: this.firstOffset, endStreamOffset: streamOffset });
      this.buf = null;
      this.have = 0;
    }
    while (p < n) {
      if (n - p >= 4) {
        const len = (fragment[p + 1]! << 16) | (fragment[p + 2]! << 8) | fragment[p + 3]!;
        this.checkLen(len, p);
        if (n - p >= 4 + len) {
          out.push({ msgType: fragment[p]!, raw: fragment.subarray(p, p + 4 + len), streamOffset, endStreamOffset: streamOffset });
          p += 4 + len;
          continue;
        }
      }
      // start of a message that continues in the next record
      this.firstOffset = streamOffset;
      this.buf = new Uint8Array(n - p >= 4 ? 4 + ((fragment[p + 1]! << 16) | (fragment[p + 2]! << 8) | fragment[p + 3]!) : 4);
      this.have = 0;
      p = this.fill(fragment, p);
    }
  }

  private checkLen(len: number, at: number): void {
    if (len > this.maxLength) {
      this.reset();
      throw new DecodeError("range", "Handshake.length", at + 1, len);
    }
  }

  /** Copy bytes into the partial buffer; grows it once the header is known. Returns the new read position. */
  private fill(fragment: Uint8Array, p: number): number {
    let buf = this.buf!;
    if (this.have < 4) {
      const take = Math.min(4 - this.have, fragment.length - p);
      buf.set(fragment.subarray(p, p + take), this.have);
      this.have += take;
      p += take;
      if (this.have < 4) return p;
      const len = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
      this.checkLen(len, 0);
      if (buf.length !== 4 + len) {
        const nb = new Uint8Array(4 + len);
        nb.set(buf.subarray(0, 4));
        this.buf = buf = nb;
      }
    }
    const take = Math.min(buf.length - this.have, fragment.length - p);
    buf.set(fragment.subarray(p, p + take), this.have);
    this.have += take;
    return p + take;
  }

  private complete(): boolean {
    return this.have >= 4 && this.have === this.buf!.length;
  }
}
