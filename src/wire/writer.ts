/**
 * A growable byte writer with single-pass length prefixes (pattern: Go cryptobyte `AddUint16LengthPrefixed`,
 * rustls `LengthPrefixedBuffer`). `len16(() => ...)` reserves the prefix, runs the closure, then fills in the
 * real length. If the closure throws, the prefix keeps its placeholder (all ones, the maximum), never a
 * plausible-looking length. Used for encoding (round-trip tests, fixtures), never on the hot decode path.
 */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.ensure(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  private prefixed(width: 1 | 2 | 3, max: number, body: () => void): this {
    const at = this.len;
    this.ensure(width);
    for (let i = 0; i < width; i++) this.buf[this.len++] = 0xff; // placeholder = maximum length
    body();
    const n = this.len - at - width;
    if (n > max) throw new RangeError(`length-prefixed vector of ${n} bytes exceeds ${max}`);
    for (let i = width - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }
  len8(body: () => void): this {
    return this.prefixed(1, 0xff, body);
  }
  len16(body: () => void): this {
    return this.prefixed(2, 0xffff, body);
  }
  len24(body: () => void): this {
    return this.prefixed(3, 0xffffff, body);
  }
  vec8(b: Uint8Array): this {
    return this.len8(() => this.bytes(b));
  }
  vec16(b: Uint8Array): this {
    return this.len16(() => this.bytes(b));
  }
  vec24(b: Uint8Array): this {
    return this.len24(() => this.bytes(b));
  }
  u16List(vs: readonly number[]): this {
    return this.len16(() => vs.forEach((v) => this.u16(v)));
  }
  u8List(vs: readonly number[]): this {
    return this.len8(() => vs.forEach((v) => this.u8(v)));
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
