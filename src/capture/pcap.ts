/**
 * Classic libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html,
 * draft-ietf-opsawg-pcap): a 24-byte global header, then per packet a 16-byte record header and the bytes.
 *
 * Magic 0xa1b2c3d4 = microsecond timestamps, 0xa1b23c4d = nanosecond timestamps; either byte order.
 * The parser is incremental: {@link PcapParser.feed} consumes whole records from a buffer window and returns how
 * many bytes it used, so the caller can stream a file of any size through a fixed-size chunk.
 */
import { MtlsDoctorError } from "../errors.js";
import { newRawPacket, type CaptureSink } from "./packet.js";

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Largest record we accept; anything bigger means the file is corrupt (libpcap's own limit is 256 KiB). */
export const MAX_PACKET_BYTES = 16 * 1024 * 1024;

/** Is `b` (at least 4 bytes) the start of a pcap file? */
export function isPcapMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const le = ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  return be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
}

/** Incremental pcap parser. Construct, then `feed` buffer windows in file order. */
export class PcapParser {
  private headerDone = false;
  private le = true;
  /** Timestamp fraction units per millisecond (1000 for µs, 1e6 for ns). */
  private fracPerMs = 1000;
  linkType = 0;
  snapLen = 0;
  packets = 0;
  private readonly pkt = newRawPacket();

  constructor(
    private readonly sink: CaptureSink,
    private readonly name: string,
  ) {}

  /**
   * Parses as many whole records as `buf[off, end)` holds and returns the offset after the last one consumed.
   * @throws MtlsDoctorError MTLSD_ERR_NOT_A_CAPTURE on a bad magic, MTLSD_ERR_BAD_CAPTURE on an impossible record length.
   */
  feed(buf: Uint8Array, off: number, end: number): number {
    if (!this.headerDone) {
      if (end - off < 24) return off;
      const b0 = buf[off]!;
      const magicBe = ((b0 << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
      const magicLe = ((buf[off + 3]! << 24) | (buf[off + 2]! << 16) | (buf[off + 1]! << 8) | b0) >>> 0;
      if (magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS) {
        this.le = true;
        this.fracPerMs = magicLe === PCAP_MAGIC_NS ? 1e6 : 1e3;
      } else if (magicBe === PCAP_MAGIC_US || magicBe === PCAP_MAGIC_NS) {
        this.le = false;
        this.fracPerMs = magicBe === PCAP_MAGIC_NS ? 1e6 : 1e3;
      } else {
        throw new MtlsDoctorError("MTLSD_ERR_NOT_A_CAPTURE", `${this.name}: not a pcap file (bad magic number)`);
      }
      this.snapLen = this.u32(buf, off + 16);
      // The upper bits of the link-type field carry the FCS length (pcap-savefile(5)); the type is the low 28 bits.
      this.linkType = this.u32(buf, off + 20) & 0x0fffffff;
      this.headerDone = true;
      off += 24;
    }
    const pkt = this.pkt;
    pkt.buf = buf;
    pkt.linkType = this.linkType;
    const le = this.le;
    const sink = this.sink;
    while (end - off >= 16) {
      let sec: number, frac: number, incl: number, orig: number;
      if (le) {
        sec = (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24)) >>> 0;
        frac = (buf[off + 4]! | (buf[off + 5]! << 8) | (buf[off + 6]! << 16) | (buf[off + 7]! << 24)) >>> 0;
        incl = (buf[off + 8]! | (buf[off + 9]! << 8) | (buf[off + 10]! << 16) | (buf[off + 11]! << 24)) >>> 0;
        orig = (buf[off + 12]! | (buf[off + 13]! << 8) | (buf[off + 14]! << 16) | (buf[off + 15]! << 24)) >>> 0;
      } else {
        sec = this.u32(buf, off);
        frac = this.u32(buf, off + 4);
        incl = this.u32(buf, off + 8);
        orig = this.u32(buf, off + 12);
      }
      if (incl > MAX_PACKET_BYTES) {
        throw new MtlsDoctorError(
          "MTLSD_ERR_BAD_CAPTURE",
          `${this.name}: packet ${this.packets + 1} claims ${incl} captured bytes; the file is corrupt after packet ${this.packets}`,
        );
      }
      if (end - off < 16 + incl) break;
      this.packets++;
      pkt.frame = this.packets;
      pkt.time = sec * 1000 + frac / this.fracPerMs;
      pkt.off = off + 16;
      pkt.capLen = incl;
      pkt.origLen = orig < incl ? incl : orig;
      sink.onPacket(pkt);
      off += 16 + incl;
    }
    return off;
  }

  /** Bytes the next record needs in total (header + data), when `buf[off, end)` is too short; 0 when unknown. */
  needed(buf: Uint8Array, off: number, end: number): number {
    if (!this.headerDone) return 24;
    if (end - off < 16) return 16;
    return 16 + this.u32(buf, off + 8);
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
      : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
}
