/**
 * TCP header decoding (RFC 9293 §3.1), in place.
 */

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Reused result slot for {@link decodeTcp}. */
export interface TcpResult {
  srcPort: number;
  dstPort: number;
  /** Sequence number (uint32). */
  seq: number;
  /** Acknowledgment number (uint32), meaningful when ACK is set. */
  ack: number;
  flags: number;
  /** Offset of the payload in the buffer. */
  payloadOff: number;
  /** Payload length on the wire (from the IP length). */
  payloadLen: number;
  /** Payload bytes actually captured (≤ payloadLen; less when the snaplen cut the packet). */
  capturedLen: number;
}

export function newTcpResult(): TcpResult {
  return { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, payloadOff: 0, payloadLen: 0, capturedLen: 0 };
}

/**
 * Decodes the TCP header at `b[off]`; `segLen` is the TCP segment length from the IP header, `capEnd` the end of
 * the captured bytes. Returns false when the header itself was not captured or is invalid.
 */
export function decodeTcp(b: Uint8Array, off: number, segLen: number, capEnd: number, out: TcpResult): boolean {
  if (capEnd - off < 20 || segLen < 20) return false;
  const hlen = (b[off + 12]! >> 4) * 4;
  if (hlen < 20 || hlen > segLen) return false;
  out.srcPort = (b[off]! << 8) | b[off + 1]!;
  out.dstPort = (b[off + 2]! << 8) | b[off + 3]!;
  out.seq = ((b[off + 4]! << 24) | (b[off + 5]! << 16) | (b[off + 6]! << 8) | b[off + 7]!) >>> 0;
  out.ack = ((b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!) >>> 0;
  out.flags = b[off + 13]!;
  out.payloadOff = off + hlen;
  out.payloadLen = segLen - hlen;
  const cap = capEnd - out.payloadOff;
  out.capturedLen = cap < 0 ? 0 : cap < out.payloadLen ? cap : out.payloadLen;
  return true;
}
