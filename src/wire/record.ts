/**
 * TLS record layer framing (RFC 5246 §6.2.1, RFC 8446 §5.1): an incremental deframer over one direction's TCP
 * byte stream. It does not decrypt and does not interpret content; see connection.ts for that.
 *
 * Performance: records are handed out as views into the pushed chunk where they fit in it; only a record split
 * across chunks is copied (once). Nothing is allocated per record beyond the TlsRecord object.
 */
import type { TlsRecord, WireWarning } from "./types.js";

/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14 bytes. */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256 bytes. */
export const MAX_TLS13_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048 bytes (the most any TLS version allows). */
export const MAX_TLS12_CIPHERTEXT_LENGTH = (1 << 14) + 2048;
/** Size of the record header: type(1) legacy_record_version(2) length(2). */
export const RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.4: the full encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 bytes. */
export const MAX_TLS13_INNER_PLAINTEXT_LENGTH = (1 << 14) + 1;

/**
 * How a record is protected, which decides its length limit:
 * - `plaintext`: TLSPlaintext (RFC 8446 §5.1, RFC 5246 §6.2.1), at most 2^14 bytes.
 * - `tls13-ciphertext`: TLS 1.3 TLSCiphertext (RFC 8446 §5.2), at most 2^14 + 256 bytes.
 * - `tls12-ciphertext`: TLS 1.2 (and earlier) TLSCiphertext (RFC 5246 §6.2.3), at most 2^14 + 2048 bytes.
 */
export type RecordProtectionKind = "plaintext" | "tls13-ciphertext" | "tls12-ciphertext";

const LIMITS: Readonly<Record<RecordProtectionKind, { limit: number; structure: string; spec: string }>> = {
  plaintext: { limit: MAX_PLAINTEXT_LENGTH, structure: "TLSPlaintext", spec: "RFC 8446 §5.1" },
  "tls13-ciphertext": { limit: MAX_TLS13_CIPHERTEXT_LENGTH, structure: "TLS 1.3 TLSCiphertext", spec: "RFC 8446 §5.2" },
  "tls12-ciphertext": { limit: MAX_TLS12_CIPHERTEXT_LENGTH, structure: "TLS 1.2 TLSCiphertext", spec: "RFC 5246 §6.2.3" },
};

/**
 * The `tls.record.length.invalid` warning for a record whose fragment is longer than its protection allows, or
 * undefined when the length is legal. The receiver MUST end the connection with a record_overflow alert (RFC 8446
 * §5.1/§5.2, RFC 5246 §6.2.3); we decode it anyway and say so.
 */
export function recordLengthWarning(rec: TlsRecord, kind: RecordProtectionKind): WireWarning | undefined {
  const { limit, structure, spec } = LIMITS[kind];
  const length = rec.fragment.length;
  if (length <= limit) return undefined;
  return {
    field: "tls.record.length.invalid",
    message: `${structure} record of ${length} bytes is over the ${limit}-byte limit (${spec}); a conforming peer answers record_overflow`,
    value: length,
    limit,
    spec,
    streamOffset: rec.streamOffset,
  };
}

/** The `tls.record.length.invalid` warning for a decrypted TLS 1.3 TLSInnerPlaintext over 2^14 + 1 bytes (RFC 8446 §5.4). */
export function innerPlaintextLengthWarning(innerLength: number, streamOffset: number): WireWarning | undefined {
  if (innerLength <= MAX_TLS13_INNER_PLAINTEXT_LENGTH) return undefined;
  return {
    field: "tls.record.length.invalid",
    message: `TLS 1.3 TLSInnerPlaintext of ${innerLength} bytes is over the ${MAX_TLS13_INNER_PLAINTEXT_LENGTH}-byte limit (RFC 8446 §5.4); a conforming peer answers record_overflow`,
    value: innerLength,
    limit: MAX_TLS13_INNER_PLAINTEXT_LENGTH,
    spec: "RFC 8446 §5.4",
    streamOffset,
  };
}

/**
 * Whether `bytes` starts like a TLS record header: a known content type (20..24), a record version 3.0..3.4
 * (0x0300..0x0304; the first ClientHello often uses 0x0301), and a length no larger than RFC 5246 §6.2.3 allows.
 * With fewer than 5 bytes, checks what is there. Used to tell "this is not TLS" (e.g. `HTTP/1.1 400 Bad Request`,
 * an SSH banner) and to resynchronise after a capture gap.
 */
export function looksLikeTlsRecordHeader(bytes: Uint8Array, at = 0): boolean {
  const n = bytes.length - at;
  if (n <= 0) return false;
  const ct = bytes[at]!;
  if (ct < 20 || ct > 24) return false;
  if (n >= 2 && bytes[at + 1] !== 3) return false;
  if (n >= 3 && bytes[at + 2]! > 4) return false;
  if (n >= 5) {
    const len = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (len > MAX_TLS12_CIPHERTEXT_LENGTH) return false;
    // Zero-length fragments are only legal for application_data (RFC 8446 §5.1, RFC 5246 §6.2.1).
    if (len === 0 && ct !== 23) return false;
  }
  return true;
}

/**
 * Header check once framing is established (the previous record ended here): a known content type and record
 * version 3.x, with *any* length. An over-long record is then delivered (and flagged by the connection decoder as
 * `tls.record.length.invalid`) rather than treated as lost framing; the strict {@link looksLikeTlsRecordHeader}
 * is kept for stream starts and resynchronisation, where the length limit helps tell TLS from noise.
 */
function inSyncRecordHeader(bytes: Uint8Array, at: number): boolean {
  const ct = bytes[at]!;
  if (ct < 20 || ct > 24 || bytes[at + 1] !== 3 || bytes[at + 2]! > 4) return false;
  return ct === 23 || bytes[at + 3] !== 0 || bytes[at + 4] !== 0;
}

/** Bytes that were skipped because they were not (or could not be placed in) a TLS record. */
export interface SkippedBytes {
  /** Offset of the first skipped byte in the direction's stream. */
  streamOffset: number;
  length: number;
  reason: "not-tls" | "resync" | "gap";
  /** For the first "not-tls" report: up to 256 of the offending bytes (a copy), e.g. an HTTP status line. */
  bytes?: Uint8Array;
}

/** Receives the deframer's output, in stream order. */
export interface RecordSink {
  record(rec: TlsRecord): void;
  skipped(s: SkippedBytes): void;
}

/**
 * Incremental deframer for one direction. `feed(bytes)` delivers every complete record to `sink.record` with its
 * `streamOffset`; a record split across chunks is kept until complete.
 *
 * - At stream start, bytes that do not look like a record header make the stream "not TLS" (`notTls`), and the
 *   deframer then reports everything as skipped with reason "not-tls" (it never guesses TLS inside, say, HTTP).
 * - Once in frame, a header with a known content type and version 3.x is followed whatever its length, so a record
 *   over the RFC limits is delivered (the connection decoder flags it `tls.record.length.invalid`) instead of
 *   being taken for lost framing.
 * - `gap(n)`: n bytes of the stream were lost (capture loss). If the gap ends inside the current record, the next
 *   header position is still known exactly and framing continues there; otherwise the deframer scans for a
 *   plausible header (confirmed by a plausible header right after it, when available) and reports what it skipped.
 */
export class RecordDeframer {
  private pending: Uint8Array | null = null;
  /** Stream offset of pending[0] (or of the next byte to be fed when nothing is pending). */
  private offset = 0;
  /** When set, bytes before this stream offset belong to a record lost in a gap and are dropped. */
  private skipUntil = -1;
  private scanning = false;
  private started = false;
  /** True once the stream start did not look like TLS. */
  notTls = false;
  /** True when a record was lost to a gap (so record sequence numbers are no longer known exactly). */
  lostRecords = false;

  constructor(private readonly sink: RecordSink) {}

  /** Stream offset of the next byte expected. */
  get streamOffset(): number {
    return this.offset + (this.pending?.length ?? 0);
  }

  /** Bytes held back waiting for the rest of a record. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.notTls) {
      this.sink.skipped({ streamOffset: this.offset, length: chunk.length, reason: "not-tls" });
      this.offset += chunk.length;
      return;
    }
    let buf: Uint8Array;
    if (this.pending) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
      this.pending = null;
    } else buf = chunk;
    let p = 0;
    const base = this.offset;
    // Drop the remainder of a record lost in a gap.
    if (this.skipUntil > base) {
      const drop = Math.min(this.skipUntil - base, buf.length);
      this.sink.skipped({ streamOffset: base, length: drop, reason: "gap" });
      p = drop;
      if (p === buf.length) {
        this.offset = base + p;
        return;
      }
    }
    this.skipUntil = -1;
    if (!this.started && buf.length - p > 0) {
      const probe = Math.min(buf.length - p, RECORD_HEADER_LENGTH);
      if (!looksLikeTlsRecordHeader(buf.subarray(p, p + probe))) {
        this.notTls = true;
        this.sink.skipped({ streamOffset: base + p, length: buf.length - p, reason: "not-tls", bytes: buf.slice(p, p + 256) });
        this.offset = base + buf.length;
        return;
      }
      if (probe >= RECORD_HEADER_LENGTH) this.started = true;
    }
    if (this.scanning) {
      const found = this.scan(buf, p);
      if (found === -1) {
        // nothing plausible yet: keep the last 4 bytes in case a header straddles the chunk boundary
        const keep = Math.max(p, buf.length - (RECORD_HEADER_LENGTH - 1));
        if (keep > p) this.sink.skipped({ streamOffset: base + p, length: keep - p, reason: "resync" });
        this.pending = keep < buf.length ? buf.slice(keep) : null;
        this.offset = base + keep;
        return;
      }
      const at = found >= 0 ? found : -2 - found;
      if (at > p) this.sink.skipped({ streamOffset: base + p, length: at - p, reason: "resync" });
      if (found < 0) {
        // a candidate that cannot be confirmed until more bytes arrive
        this.pending = buf.slice(at);
        this.offset = base + at;
        return;
      }
      p = at;
      this.scanning = false;
    }
    const n = buf.length;
    while (n - p >= RECORD_HEADER_LENGTH) {
      const len = (buf[p + 3]! << 8) | buf[p + 4]!;
      if (!inSyncRecordHeader(buf, p)) {
        // Framing lost mid-stream (corruption or a gap we were not told about): scan.
        this.scanning = true;
        this.lostRecords = true;
        this.offset = base + p;
        this.feed(buf.subarray(p));
        return;
      }
      if (n - p < RECORD_HEADER_LENGTH + len) break;
      this.sink.record({
        contentType: buf[p]!,
        version: (buf[p + 1]! << 8) | buf[p + 2]!,
        fragment: buf.subarray(p + RECORD_HEADER_LENGTH, p + RECORD_HEADER_LENGTH + len),
        streamOffset: base + p,
      });
      p += RECORD_HEADER_LENGTH + len;
    }
    if (p < n) this.pending = buf.slice(p);
    this.offset = base + p;
  }

  /**
   * Find a plausible record header at or after `from`. Returns its index, -1 when none (keep the tail),
   * -2 - i when candidate i exists but cannot be confirmed until more bytes arrive.
   */
  private scan(buf: Uint8Array, from: number): number {
    for (let i = from; i + RECORD_HEADER_LENGTH <= buf.length; i++) {
      if (!looksLikeTlsRecordHeader(buf, i)) continue;
      const len = (buf[i + 3]! << 8) | buf[i + 4]!;
      const next = i + RECORD_HEADER_LENGTH + len;
      if (next === buf.length) return i;
      if (next + RECORD_HEADER_LENGTH <= buf.length) {
        if (looksLikeTlsRecordHeader(buf, next)) return i;
        continue;
      }
      // candidate cannot be confirmed yet: if we already hold a lot, accept it; otherwise wait
      if (buf.length - from > MAX_TLS12_CIPHERTEXT_LENGTH) return i;
      return -2 - i; // encode candidate index
    }
    return -1;
  }

  /**
   * `missing` bytes of this direction's stream were lost (e.g. a TCP segment the capture did not see).
   * A partially received record is lost; framing continues at the next known or found record header.
   */
  gap(missing: number): void {
    if (missing <= 0) return;
    if (this.notTls) {
      this.offset += missing;
      return;
    }
    const pend = this.pending;
    const pendStart = this.offset;
    const resume = pendStart + (pend?.length ?? 0) + missing;
    this.pending = null;
    this.lostRecords = true;
    if (pend && pend.length >= RECORD_HEADER_LENGTH && !this.scanning && inSyncRecordHeader(pend, 0)) {
      const end = pendStart + RECORD_HEADER_LENGTH + ((pend[3]! << 8) | pend[4]!);
      this.sink.skipped({ streamOffset: pendStart, length: pend.length, reason: "gap" });
      if (end >= resume) {
        // the gap ends inside this record: the next header is at `end`
        this.offset = resume;
        this.skipUntil = end;
        return;
      }
    } else if (pend && pend.length > 0) {
      this.sink.skipped({ streamOffset: pendStart, length: pend.length, reason: "gap" });
    }
    this.offset = resume;
    this.scanning = true;
    this.started = true;
  }

  /** End of stream: returns the number of bytes of an incomplete record that were left over (and reports them). */
  end(): number {
    const left = this.pending?.length ?? 0;
    if (left > 0) this.sink.skipped({ streamOffset: this.offset, length: left, reason: this.scanning ? "resync" : "gap" });
    this.offset += left;
    this.pending = null;
    return left;
  }
}
