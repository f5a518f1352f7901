import { DecodeError } from "./errors.js";

/**
 * A bounded reader over a Uint8Array (pattern: rustls `codec::Reader`, Go `cryptobyte.String`).
 *
 * It can never read past its end: every read checks the remaining length and throws a {@link DecodeError}
 * ('short') naming what was being read and the absolute offset. `sub(n)` returns a child reader bounded to the
 * next n bytes (a length-prefixed vector cannot read past its own end). Offsets reported in errors are relative to
 * the buffer the root reader was created over (plus `base`), so errors point at the real byte.
 *
 * Byte slices returned by `bytes()`/`vec*()` are views (subarray) into the original buffer, never copies.
 */
export class Reader {
  private pos: number;
  private readonly end: number;

  /**
   * @param buf   the bytes to read
   * @param base  absolute offset of `buf[0]` for error reporting (default 0)
   */
  constructor(
    private readonly buf: Uint8Array,
    private readonly base = 0,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Absolute offset of the next byte (for error messages and evidence). */
  get offset(): number {
    return this.base + this.pos;
  }
  /** Bytes left in this (sub-)reader. */
  get left(): number {
    return this.end - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw new DecodeError("short", what, this.offset, n, this.end - this.pos);
  }

  u8(what = "u8"): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = "u16"): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }
  u24(what = "u24"): number {
    this.need(3, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }
  u32(what = "u32"): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }
  /** The next n bytes as a view. */
  bytes(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** Everything left, as a view. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }
  /** A child reader over the next n bytes; this reader skips past them. */
  sub(n: number, what = "sub"): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.base, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  /** Skip n bytes. */
  skip(n: number, what = "skip"): void {
    this.need(n, what);
    this.pos += n;
  }

  /** opaque x<0..2^8-1>: u8 length then bytes. `min`/`max` are RFC vector bounds, checked ('range'). */
  vec8(what: string, min = 0, max = 0xff): Uint8Array {
    const at = this.offset;
    const n = this.u8(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.bytes(n, what);
  }
  /** opaque x<0..2^16-1>. */
  vec16(what: string, min = 0, max = 0xffff): Uint8Array {
    const at = this.offset;
    const n = this.u16(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.bytes(n, what);
  }
  /** opaque x<0..2^24-1>. */
  vec24(what: string, min = 0, max = 0xffffff): Uint8Array {
    const at = this.offset;
    const n = this.u24(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.bytes(n, what);
  }
  /** A u8-length-prefixed vector as a bounded child reader. */
  sub8(what: string, min = 0, max = 0xff): Reader {
    const at = this.offset;
    const n = this.u8(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.sub(n, what);
  }
  sub16(what: string, min = 0, max = 0xffff): Reader {
    const at = this.offset;
    const n = this.u16(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.sub(n, what);
  }
  sub24(what: string, min = 0, max = 0xffffff): Reader {
    const at = this.offset;
    const n = this.u24(`${what} length`);
    checkLen(n, min, max, what, at);
    return this.sub(n, what);
  }

  /** A u16-prefixed list of u16 values (cipher suites, signature schemes, groups). Length must be even. */
  u16List(what: string, min = 0, max = 0xfffe): number[] {
    const at = this.offset;
    const r = this.sub16(what, min, max);
    if (r.left % 2 !== 0) throw new DecodeError("range", `${what} length (odd)`, at, r.left);
    const out: number[] = [];
    while (!r.atEnd) out.push(r.u16(what));
    return out;
  }
  /** A u8-prefixed list of u8 values. */
  u8List(what: string, min = 0, max = 0xff): number[] {
    const r = this.sub8(what, min, max);
    const out: number[] = [];
    while (!r.atEnd) out.push(r.u8(what));
    return out;
  }

  /** Require that everything was consumed (rustls `expect_empty`); otherwise DecodeError 'trailing'. */
  expectEmpty(what: string): void {
    if (this.pos < this.end) throw new DecodeError("trailing", what, this.offset, undefined, this.end - this.pos);
  }
}

function checkLen(n: number, min: number, max: number, what: string, at: number): void {
  if (n < min || n > max) throw new DecodeError("range", `${what} length`, at, n);
}
