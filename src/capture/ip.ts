/**
 * IPv4 (RFC 791) and IPv6 (RFC 8200) header decoding, in place: the result records offsets into the packet
 * buffer, never copies. IPv4 fragments are flagged (not reassembled); IPv6 extension headers are walked.
 */

export const IPPROTO_TCP = 6;

/** Reused result slot for {@link decodeIp}. */
export interface IpResult {
  /** 4 or 6; 0 when the header is unusable. */
  version: number;
  /** Upper-layer protocol (6 = TCP). */
  proto: number;
  /** Offset of the source address in the buffer (4 or 16 bytes). */
  srcOff: number;
  /** Offset of the destination address in the buffer. */
  dstOff: number;
  /** 4 or 16. */
  addrLen: number;
  /** Offset of the upper-layer header. */
  payloadOff: number;
  /** Upper-layer length according to the IP header (what was on the wire, not what was captured). */
  payloadLen: number;
  /** True for an IPv4 fragment (MF set or non-zero offset) or an IPv6 Fragment header: not reassembled. */
  fragment: boolean;
}

export function newIpResult(): IpResult {
  return { version: 0, proto: 0, srcOff: 0, dstOff: 0, addrLen: 0, payloadOff: 0, payloadLen: 0, fragment: false };
}

/**
 * Decodes the IP header at `b[off]`, with `capEnd` the end of the captured bytes.
 * Returns false when the header is not there or invalid (then `out.version` is 0).
 */
export function decodeIp(version: number, b: Uint8Array, off: number, capEnd: number, out: IpResult): boolean {
  out.version = 0;
  out.fragment = false;
  if (version === 4) {
    if (capEnd - off < 20) return false;
    const vihl = b[off]!;
    if (vihl >> 4 !== 4) return false;
    const ihl = (vihl & 0x0f) * 4;
    if (ihl < 20 || capEnd - off < ihl) return false;
    const total = (b[off + 2]! << 8) | b[off + 3]!;
    const flagsFrag = (b[off + 6]! << 8) | b[off + 7]!;
    out.fragment = (flagsFrag & 0x2000) !== 0 || (flagsFrag & 0x1fff) !== 0;
    out.proto = b[off + 9]!;
    out.srcOff = off + 12;
    out.dstOff = off + 16;
    out.addrLen = 4;
    out.payloadOff = off + ihl;
    // total = 0 happens with TCP segmentation offload captured on the sending host: trust the capture length.
    out.payloadLen = total >= ihl ? total - ihl : capEnd - off - ihl;
    out.version = 4;
    return true;
  }
  if (version === 6) {
    if (capEnd - off < 40) return false;
    if (b[off]! >> 4 !== 6) return false;
    const plen = (b[off + 4]! << 8) | b[off + 5]!;
    let next = b[off + 6]!;
    out.srcOff = off + 8;
    out.dstOff = off + 24;
    out.addrLen = 16;
    let o = off + 40;
    const end = plen === 0 ? capEnd : off + 40 + plen; // plen 0 = jumbogram / TSO: use what was captured
    // Extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, fragment 44, destination options 60,
    // AH 51 (length in 4-octet units, minus 2), mobility 135, HIP 139, shim6 140.
    for (let guard = 0; guard < 16; guard++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (capEnd - o < 8) return false;
        const n = b[o]!;
        o += (b[o + 1]! + 1) * 8;
        next = n;
      } else if (next === 44) {
        if (capEnd - o < 8) return false;
        const fragOffM = (b[o + 2]! << 8) | b[o + 3]!;
        if ((fragOffM & 0xfff8) !== 0 || (fragOffM & 1) !== 0) out.fragment = true;
        next = b[o]!;
        o += 8;
      } else if (next === 51) {
        if (capEnd - o < 8) return false;
        const n = b[o]!;
        o += (b[o + 1]! + 2) * 4;
        next = n;
      } else break;
    }
    out.proto = next;
    out.payloadOff = o;
    out.payloadLen = end - o;
    if (out.payloadLen < 0) return false;
    out.version = 6;
    return true;
  }
  return false;
}

/** Formats an address held in `b[off, off+len)` (4 → dotted quad, 16 → RFC 5952 text). Allocates: use for kept data only. */
export function formatAddress(b: Uint8Array, off: number, len: number): string {
  if (len === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[off + i]! << 8) | b[off + i + 1]!);
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d)
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
