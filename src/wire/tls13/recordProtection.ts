/**
 * TLS 1.3 record protection (RFC 8446 §5.2, §5.3): AEAD open of a TLSCiphertext with the per-record nonce
 * (iv XOR 64-bit sequence number, left-padded), additional data = the 5-byte record header, then removal of the
 * TLSInnerPlaintext zero padding to recover the real content type. AEADs come from node:crypto.
 */
import { createDecipheriv, createCipheriv } from "node:crypto";
import type { TlsRecord } from "../types.js";
import { trafficKeys, type Tls13Suite } from "./keySchedule.js";

/** The result of opening one record. `content` is a fresh buffer owned by the caller. */
export interface OpenedRecord {
  /** The real content type from TLSInnerPlaintext (22 handshake, 21 alert, 23 application_data). */
  contentType: number;
  content: Uint8Array;
  /** Sequence number the record was opened with. */
  seq: number;
}

/** Why a record could not be opened. */
export type OpenFailure = "auth" | "no-content-type" | "too-short";

/** RFC 8446 §5.3 per-record nonce: the IV XORed with the sequence number written as a big-endian uint64, left-padded. */
export function recordNonce(iv: Uint8Array, seq: number): Uint8Array {
  const nonce = Uint8Array.from(iv);
  let s = seq;
  for (let i = nonce.length - 1; i >= nonce.length - 8 && s > 0; i--) {
    nonce[i]! ^= s & 0xff;
    s = Math.floor(s / 256);
  }
  return nonce;
}

/**
 * One direction's traffic protection under one secret. The sequence number starts at 0 and advances per record
 * opened (RFC 8446 §5.3: it resets to 0 whenever the key changes, i.e. for every new RecordProtection).
 */
export class RecordProtection {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  seq = 0;

  constructor(
    readonly suite: Tls13Suite,
    readonly secret: Uint8Array,
  ) {
    const k = trafficKeys(secret, suite);
    this.key = k.key;
    this.iv = k.iv;
  }

  /**
   * Open a protected record (outer content type application_data). When `maxSkip` > 0 (records may have been lost
   * in a capture gap), sequence numbers seq..seq+maxSkip are tried. Returns the failure reason instead of throwing.
   */
  open(rec: TlsRecord, maxSkip = 0): OpenedRecord | OpenFailure {
    const tagLength = this.suite.tagLength;
    const frag = rec.fragment;
    if (frag.length < tagLength + 1) return "too-short";
    const aad = Uint8Array.of(rec.contentType, rec.version >> 8, rec.version & 0xff, frag.length >> 8, frag.length & 0xff);
    const ct = frag.subarray(0, frag.length - tagLength);
    const tag = frag.subarray(frag.length - tagLength);
    for (let k = 0; k <= maxSkip; k++) {
      const seq = this.seq + k;
      const plain = aeadOpen(this.suite, this.key, recordNonce(this.iv, seq), aad, ct, tag);
      if (!plain) continue;
      this.seq = seq + 1;
      // RFC 8446 §5.4: strip zero padding; the last non-zero byte is the content type.
      let i = plain.length - 1;
      while (i >= 0 && plain[i] === 0) i--;
      if (i < 0) return "no-content-type";
      return { contentType: plain[i]!, content: plain.subarray(0, i), seq };
    }
    return "auth";
  }

  /** Seal (for tests and fixtures): TLSInnerPlaintext = content || type || zeros(padding). Advances seq. */
  seal(contentType: number, content: Uint8Array, padding = 0): Uint8Array {
    const inner = new Uint8Array(content.length + 1 + padding);
    inner.set(content);
    inner[content.length] = contentType;
    const len = inner.length + this.suite.tagLength;
    const header = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
    const opts = { authTagLength: this.suite.tagLength } as const;
    const c = createCipheriv(this.suite.cipher as "aes-128-gcm", this.key, recordNonce(this.iv, this.seq++), opts);
    if (this.suite.cipher === "aes-128-ccm") c.setAAD(header, { plaintextLength: inner.length });
    else c.setAAD(header);
    const body = Buffer.concat([c.update(inner), c.final(), c.getAuthTag()]);
    const out = new Uint8Array(5 + body.length);
    out.set(header);
    out.set(body, 5);
    return out;
  }
}

function aeadOpen(suite: Tls13Suite, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array, tag: Uint8Array): Uint8Array | null {
  try {
    const d = createDecipheriv(suite.cipher as "aes-128-gcm", key, nonce, { authTagLength: suite.tagLength });
    if (suite.cipher === "aes-128-ccm") d.setAAD(aad, { plaintextLength: ct.length });
    else d.setAAD(aad);
    d.setAuthTag(tag);
    const a = d.update(ct);
    const b = d.final();
    if (b.length === 0) return new Uint8Array(a.buffer, a.byteOffset, a.length);
    return new Uint8Array(Buffer.concat([a, b]));
  } catch {
    return null; // authentication failed (wrong key, wrong sequence number, or corrupted record)
  }
}
