/**
 * pcapng (draft-ietf-opsawg-pcapng, "PCAP Next Generation Dump File Format").
 *
 * Blocks: Section Header (SHB, 0x0A0D0D0A; its byte-order magic 0x1A2B3C4D sets the byte order of the section,
 * and each new SHB resets the interface list), Interface Description (IDB, 1: link type, snaplen, options
 * if_tsresol (9) and if_tsoffset (14)), Enhanced Packet (EPB, 6), Simple Packet (SPB, 3: interface 0, no
 * timestamp), obsolete Packet Block (2), Decryption Secrets Block (DSB, 10: secrets type 0x544c534b = TLS key log).
 * Other blocks (name resolution, statistics, custom) are skipped by their length.
 *
 * Frame numbers count packet blocks (EPB, SPB, PB) across all sections, as Wireshark does.
 */
import { MtlsDoctorError } from "../errors.js";
import { MAX_PACKET_BYTES } from "./pcap.js";
import { newRawPacket, type CaptureSink } from "./packet.js";

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BLOCK_IDB = 1;
export const BLOCK_PB = 2;
export const BLOCK_SPB = 3;
export const BLOCK_EPB = 6;
export const BLOCK_DSB = 10;
/** Decryption Secrets Block secrets type for a TLS key log (NSS format). */
export const DSB_TLS_KEY_LOG = 0x544c534b;

/** Is `b` the start of a pcapng file? */
export function isPcapngMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x0a && b[1] === 0x0d && b[2] === 0x0d && b[3] === 0x0a;
}

interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per millisecond. */
  unitsPerMs: number;
  /** if_tsoffset in seconds. */
  offsetSec: number;
}

/** Incremental pcapng parser. Construct, then `feed` buffer windows in file order. */
export class PcapngParser {
  private le = true;
  private ifaces: Iface[] = [];
  private inSection = false;
  packets = 0;
  readonly linkTypes = new Set<number>();
  private warnedUnknownIface = false;
  private readonly pkt = newRawPacket();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly sink: CaptureSink,
    private readonly name: string,
  ) {}

  /**
   * Parses whole blocks in `buf[off, end)`; returns the offset after the last block consumed.
   * @throws MtlsDoctorError MTLSD_ERR_NOT_A_CAPTURE when the file does not start with an SHB,
   *   MTLSD_ERR_BAD_CAPTURE on an impossible block length or byte-order magic.
   */
  feed(buf: Uint8Array, off: number, end: number): number {
    const pkt = this.pkt;
    pkt.buf = buf;
    while (end - off >= 12) {
      let type = this.u32(buf, off);
      if (type === PCAPNG_SHB || (!this.inSection && off === 0)) {
        if (type !== PCAPNG_SHB) {
          throw new MtlsDoctorError("MTLSD_ERR_NOT_A_CAPTURE", `${this.name}: not a pcapng file (no Section Header Block)`);
        }
        // Byte order is set by the magic inside the SHB, which we need before reading its length.
        const magicLe = (buf[off + 8]! | (buf[off + 9]! << 8) | (buf[off + 10]! << 16) | (buf[off + 11]! << 24)) >>> 0;
        if (magicLe === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
        else if (((buf[off + 8]! << 24) | (buf[off + 9]! << 16) | (buf[off + 10]! << 8) | buf[off + 11]!) >>> 0 === PCAPNG_BYTE_ORDER_MAGIC)
          this.le = false;
        else throw new MtlsDoctorError("MTLSD_ERR_BAD_CAPTURE", `${this.name}: pcapng section header has a bad byte-order magic`);
        type = PCAPNG_SHB;
      }
      const len = this.u32(buf, off + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_PACKET_BYTES + 64) {
        throw new MtlsDoctorError(
          "MTLSD_ERR_BAD_CAPTURE",
          `${this.name}: pcapng block of type ${type} has an impossible length ${len}; the file is corrupt after packet ${this.packets}`,
        );
      }
      if (end - off < len) break;
      const body = off + 8;
      const bodyEnd = off + len - 4;
      switch (type) {
        case PCAPNG_SHB:
          this.inSection = true;
          this.ifaces = [];
          break;
        case BLOCK_IDB:
          this.readIdb(buf, body, bodyEnd);
          break;
        case BLOCK_EPB:
        case BLOCK_PB: {
          const ifId = type === BLOCK_EPB ? this.u32(buf, body) : this.u16(buf, body);
          const hi = this.u32(buf, body + 4);
          const lo = this.u32(buf, body + 8);
          const cap = this.u32(buf, body + 12);
          const orig = this.u32(buf, body + 16);
          if (body + 20 + cap > bodyEnd) {
            throw new MtlsDoctorError(
              "MTLSD_ERR_BAD_CAPTURE",
              `${this.name}: packet ${this.packets + 1} is longer than its block; the file is corrupt`,
            );
          }
          const iface = this.iface(ifId);
          this.packets++;
          pkt.frame = this.packets;
          pkt.linkType = iface.linkType;
          pkt.time = (hi * 4294967296 + lo) / iface.unitsPerMs + iface.offsetSec * 1000;
          pkt.off = body + 20;
          pkt.capLen = cap;
          pkt.origLen = orig < cap ? cap : orig;
          this.sink.onPacket(pkt);
          break;
        }
        case BLOCK_SPB: {
          const iface = this.iface(0);
          const orig = this.u32(buf, body);
          let cap = bodyEnd - (body + 4);
          if (orig < cap) cap = orig;
          if (iface.snapLen > 0 && iface.snapLen < cap) cap = iface.snapLen;
          this.packets++;
          pkt.frame = this.packets;
          pkt.linkType = iface.linkType;
          pkt.time = 0; // SPBs carry no timestamp
          pkt.off = body + 4;
          pkt.capLen = cap;
          pkt.origLen = orig < cap ? cap : orig;
          this.sink.onPacket(pkt);
          break;
        }
        case BLOCK_DSB: {
          const secretsType = this.u32(buf, body);
          const secretsLen = this.u32(buf, body + 4);
          if (secretsType === DSB_TLS_KEY_LOG && body + 8 + secretsLen <= bodyEnd) {
            this.sink.onKeyLog?.(this.decoder.decode(buf.subarray(body + 8, body + 8 + secretsLen)));
          } else if (secretsType !== DSB_TLS_KEY_LOG) {
            this.sink.onWarning?.(
              `${this.name}: skipped a Decryption Secrets Block of type 0x${secretsType.toString(16)} (only TLS key logs are used)`,
            );
          }
          break;
        }
        default:
          break; // NRB, ISB, custom blocks: nothing we need
      }
      off += len;
    }
    return off;
  }

  /** Bytes the next block needs in total, when `buf[off, end)` is too short. */
  needed(buf: Uint8Array, off: number, end: number): number {
    if (end - off < 12) return 12;
    if (this.u32(buf, off) === PCAPNG_SHB) {
      const magicLe = (buf[off + 8]! | (buf[off + 9]! << 8) | (buf[off + 10]! << 16) | (buf[off + 11]! << 24)) >>> 0;
      const le = magicLe === PCAPNG_BYTE_ORDER_MAGIC;
      const o = off + 4;
      return le
        ? (buf[o]! | (buf[o + 1]! << 8) | (buf[o + 2]! << 16) | (buf[o + 3]! << 24)) >>> 0
        : ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
    }
    return this.u32(buf, off + 4);
  }

  private iface(id: number): Iface {
    const i = this.ifaces[id];
    if (i) return i;
    if (!this.warnedUnknownIface) {
      this.warnedUnknownIface = true;
      this.sink.onWarning?.(`${this.name}: a packet refers to interface ${id}, which no Interface Description Block defined`);
    }
    return { linkType: -1, snapLen: 0, unitsPerMs: 1000, offsetSec: 0 };
  }

  private readIdb(buf: Uint8Array, body: number, bodyEnd: number): void {
    const linkType = this.u16(buf, body);
    const snapLen = this.u32(buf, body + 4);
    let unitsPerMs = 1000; // default resolution 10^-6 s
    let offsetSec = 0;
    // Options (pcapng §3.5): code u16, length u16, value padded to 32 bits; opt_endofopt = 0.
    let o = body + 8;
    while (o + 4 <= bodyEnd) {
      const code = this.u16(buf, o);
      const olen = this.u16(buf, o + 2);
      if (code === 0) break;
      const v = o + 4;
      if (v + olen > bodyEnd) break;
      if (code === 9 && olen >= 1) {
        // if_tsresol: MSB clear = negative power of 10, set = negative power of 2.
        const r = buf[v]!;
        const perSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** (r & 0x7f);
        unitsPerMs = perSec / 1000;
      } else if (code === 14 && olen >= 8) {
        const hi = this.u32(buf, this.le ? v + 4 : v);
        const lo = this.u32(buf, this.le ? v : v + 4);
        offsetSec = (hi | 0) * 4294967296 + lo;
      }
      o = v + ((olen + 3) & ~3);
    }
    this.ifaces.push({ linkType, snapLen, unitsPerMs, offsetSec });
    this.linkTypes.add(linkType);
  }

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
      : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
}
