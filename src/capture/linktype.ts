/**
 * Link-layer decoding: from a captured frame to the start of its IP header.
 * Link types from https://www.tcpdump.org/linktypes.html.
 */

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte address family in the capturing host's byte order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4/IPv6 (version nibble decides)
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: 4-byte address family in network byte order
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW values some platforms write instead of 101. */
const DLT_RAW_ALIASES = new Set([12, 14]);

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // IEEE 802.1Q
const ETHERTYPE_QINQ = 0x88a8; // IEEE 802.1ad service tag
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ

/** Human name of a link type, for messages. */
export function linkTypeName(lt: number): string {
  switch (lt) {
    case LINKTYPE_NULL:
      return "NULL (BSD loopback)";
    case LINKTYPE_ETHERNET:
      return "Ethernet";
    case LINKTYPE_RAW:
      return "raw IP";
    case LINKTYPE_LOOP:
      return "LOOP (OpenBSD loopback)";
    case LINKTYPE_LINUX_SLL:
      return "Linux cooked (SLL)";
    case LINKTYPE_LINUX_SLL2:
      return "Linux cooked v2 (SLL2)";
    case LINKTYPE_IPV4:
      return "raw IPv4";
    case LINKTYPE_IPV6:
      return "raw IPv6";
    default:
      return `link type ${lt}`;
  }
}

/** Link types {@link ipOffset} understands. */
export function isSupportedLinkType(lt: number): boolean {
  return (
    lt === LINKTYPE_NULL ||
    lt === LINKTYPE_ETHERNET ||
    lt === LINKTYPE_RAW ||
    lt === LINKTYPE_LOOP ||
    lt === LINKTYPE_LINUX_SLL ||
    lt === LINKTYPE_LINUX_SLL2 ||
    lt === LINKTYPE_IPV4 ||
    lt === LINKTYPE_IPV6 ||
    DLT_RAW_ALIASES.has(lt)
  );
}

/** Result slot for {@link ipOffset} (reused; no allocation per packet). */
export interface LinkResult {
  /** 4 or 6 for IP, 0 for anything else. */
  ipVersion: number;
  /** Offset of the IP header in the buffer. */
  off: number;
}

function etherToVersion(et: number): number {
  return et === ETHERTYPE_IPV4 ? 4 : et === ETHERTYPE_IPV6 ? 6 : 0;
}

/** BSD address families for IPv4 and the various IPv6 values (AF_INET6 differs per OS: 10, 24, 28, 30). */
function afToVersion(af: number): number {
  if (af === 2) return 4;
  if (af === 10 || af === 24 || af === 28 || af === 30) return 6;
  return 0;
}

/**
 * Finds the IP header in a frame. Sets `out.ipVersion` (0 when the frame is not IP or too short) and `out.off`.
 * Returns false only for a link type we do not understand.
 */
export function ipOffset(linkType: number, b: Uint8Array, off: number, len: number, out: LinkResult): boolean {
  out.ipVersion = 0;
  out.off = off;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (len < 14) return true;
      let o = off + 12;
      let et = (b[o]! << 8) | b[o + 1]!;
      o += 2;
      // 802.1Q / 802.1ad (QinQ): each tag is TPID(2) TCI(2); we read past any number of them.
      while ((et === ETHERTYPE_VLAN || et === ETHERTYPE_QINQ || et === ETHERTYPE_QINQ_OLD) && o + 4 <= off + len) {
        et = (b[o + 2]! << 8) | b[o + 3]!;
        o += 4;
      }
      out.ipVersion = etherToVersion(et);
      out.off = o;
      return true;
    }
    case LINKTYPE_LINUX_SLL: {
      // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
      if (len < 16) return true;
      out.ipVersion = etherToVersion((b[off + 14]! << 8) | b[off + 15]!);
      out.off = off + 16;
      return true;
    }
    case LINKTYPE_LINUX_SLL2: {
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
      if (len < 20) return true;
      out.ipVersion = etherToVersion((b[off]! << 8) | b[off + 1]!);
      out.off = off + 20;
      return true;
    }
    case LINKTYPE_NULL: {
      if (len < 4) return true;
      // Host byte order of the capturing machine: try little-endian first (small values), then big-endian.
      const le = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
      const be = (b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!;
      out.ipVersion = afToVersion(le) || afToVersion(be);
      out.off = off + 4;
      return true;
    }
    case LINKTYPE_LOOP: {
      if (len < 4) return true;
      out.ipVersion = afToVersion((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!);
      out.off = off + 4;
      return true;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
    case 12:
    case 14: {
      if (len < 1) return true;
      const v = b[off]! >> 4;
      out.ipVersion = v === 4 || v === 6 ? v : 0;
      return true;
    }
    default:
      return false;
  }
}
