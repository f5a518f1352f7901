/**
 * TCP stream reassembly (RFC 9293 sequence-space arithmetic), per connection and per direction.
 *
 * Delivers in-order byte ranges with the frame number and timestamp of the packet that carried them, and gaps
 * for bytes that were never captured. Handles out-of-order segments (held, copied, until the hole fills),
 * retransmissions (dropped), overlaps (trimmed: the first copy seen wins), snaplen-cut segments (captured part
 * delivered, the rest reported as a gap), captures that start mid-connection (delivery starts at the first byte
 * seen; the consumer is told to resynchronise), and port reuse (a new SYN with a different ISN ends the old
 * connection). A hole is declared a gap when the peer acknowledges bytes past it (Wireshark's "ACKed unseen
 * segment"), when too much data is held behind it, or when the connection ends.
 *
 * Nothing is allocated per in-order packet: addresses are compared in place, payloads are handed out as views.
 */
import type { Direction } from "../wire/types.js";
import type { Endpoint } from "../evidence/model.js";
import { copyBytes, type RawPacket } from "./packet.js";
import { ipOffset, isSupportedLinkType, linkTypeName, type LinkResult } from "./linktype.js";
import { decodeIp, formatAddress, IPPROTO_TCP, newIpResult } from "./ip.js";
import { decodeTcp, newTcpResult, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "./tcp.js";

const C2S: Direction = "client→server";
const S2C: Direction = "server→client";

/** Out-of-order data held per direction before the hole in front of it is declared a gap. */
export const MAX_PENDING_BYTES = 4 * 1024 * 1024;
export const MAX_PENDING_SEGMENTS = 2048;

/** What a handler learns about a new connection. */
export interface ConnectionInfo {
  client: Endpoint;
  server: Endpoint;
  /** Frame number of the first packet of the connection. */
  firstFrame: number;
  /** ms since epoch of that packet. */
  firstTime: number;
  /** True when no SYN was seen: the capture started mid-connection (delivery starts at an arbitrary byte). */
  midStream: boolean;
  /** How the client/server roles were decided. */
  rolesFrom: "syn" | "syn-ack" | "content" | "ports";
}

/** Why a connection ended. */
export type EndReason = "fin" | "rst" | "reused" | "eof";

/** Receives one connection's reassembled streams. Created by the factory given to {@link TcpReassembler}. */
export interface StreamHandler {
  /**
   * In-order bytes `buf[off, off+len)` of one direction; a view valid only during the call (copy what you keep).
   * `frame`/`time` are those of the packet that carried the bytes.
   */
  onData(dir: Direction, buf: Uint8Array, off: number, len: number, frame: number, time: number): void;
  /** `bytes` of this direction were not captured (0 = unknown amount: resynchronise, e.g. mid-stream start). */
  onGap(dir: Direction, bytes: number): void;
  /** The connection ended; no more calls follow. `frame` is the packet that ended it (undefined at end of capture). */
  onEnd(reason: EndReason, frame: number | undefined, time: number | undefined, by: "client" | "server" | undefined): void;
  /** When false, the reassembler stops reassembling this connection (not TLS, or nothing more to learn). */
  readonly wantsData: boolean;
}

/** Creates the handler of a new connection; return null to ignore the connection entirely. */
export type HandlerFactory = (info: ConnectionInfo) => StreamHandler | null;

interface Pending {
  seq: number;
  data: Uint8Array;
  wireLen: number;
  frame: number;
  time: number;
}

/** Handler of connections the factory declined: tracked only so that their packets are skipped cheaply. */
const IGNORED: StreamHandler = { wantsData: false, onData() {}, onGap() {}, onEnd() {} };

const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** One direction of a connection. */
export class HalfStream {
  started = false;
  /** Next expected sequence number (uint32). */
  nextSeq = 0;
  /** Bytes delivered or declared missing so far (the stream offset of the next byte). */
  offset = 0;
  /** Sequence number just after this side's FIN, once seen. */
  finSeq = -1;
  retransmittedBytes = 0;
  gapBytes = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly dir: Direction,
    private readonly conn: Connection,
  ) {}

  /** SYN seen: the data stream starts at isn + 1. */
  syn(isn: number): void {
    this.started = true;
    this.nextSeq = (isn + 1) >>> 0;
  }

  /** A segment with `wireLen` payload bytes starting at `seq`, of which `capLen` were captured at `buf[off]`. */
  segment(seq: number, buf: Uint8Array, off: number, capLen: number, wireLen: number, frame: number, time: number): void {
    if (!this.started) {
      this.started = true;
      this.nextSeq = seq;
      this.conn.handler.onGap(this.dir, 0);
    }
    const d = seqDiff(seq, this.nextSeq);
    if (d > 0) {
      this.hold(seq, buf, off, capLen, wireLen, frame, time);
      return;
    }
    if (d + wireLen <= 0) {
      this.retransmittedBytes += wireLen;
      return;
    }
    this.deliver(-d, buf, off, capLen, wireLen, frame, time);
    if (this.pending.length > 0) this.drain();
  }

  /** Delivers a segment whose first `skip` bytes were already delivered. Advances nextSeq past the segment. */
  private deliver(skip: number, buf: Uint8Array, off: number, capLen: number, wireLen: number, frame: number, time: number): void {
    if (skip > 0) this.retransmittedBytes += skip;
    if (skip < capLen) {
      const n = capLen - skip;
      this.offset += n;
      this.conn.handler.onData(this.dir, buf, off + skip, n, frame, time);
    }
    const captured = skip > capLen ? skip : capLen;
    if (captured < wireLen) this.declareGap(wireLen - captured);
    this.nextSeq = (this.nextSeq + (wireLen - skip)) >>> 0;
  }

  private declareGap(n: number): void {
    this.offset += n;
    this.gapBytes += n;
    this.conn.handler.onGap(this.dir, n);
  }

  private hold(seq: number, buf: Uint8Array, off: number, capLen: number, wireLen: number, frame: number, time: number): void {
    const p: Pending = { seq, data: copyBytes(buf, off, off + capLen), wireLen, frame, time };
    // Insert sorted by sequence number (usually at the end).
    let i = this.pending.length;
    while (i > 0 && seqDiff(this.pending[i - 1]!.seq, seq) > 0) i--;
    this.pending.splice(i, 0, p);
    this.pendingBytes += capLen;
    if (this.pendingBytes > MAX_PENDING_BYTES || this.pending.length > MAX_PENDING_SEGMENTS) this.skipToPending();
  }

  /** Declares the hole before the first held segment a gap and delivers what follows. */
  private skipToPending(): void {
    const first = this.pending[0];
    if (!first) return;
    const missing = seqDiff(first.seq, this.nextSeq);
    if (missing > 0) {
      this.declareGap(missing);
      this.nextSeq = first.seq;
    }
    this.drain();
  }

  private drain(): void {
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      const d = seqDiff(p.seq, this.nextSeq);
      if (d > 0) return;
      this.pending.shift();
      this.pendingBytes -= p.data.length;
      if (d + p.wireLen <= 0) {
        this.retransmittedBytes += p.wireLen;
        continue;
      }
      this.deliver(-d, p.data, 0, p.data.length, p.wireLen, p.frame, p.time);
    }
  }

  /** The peer acknowledged everything before `ack`: a hole before held data that is acknowledged was lost by the capture. */
  acked(ack: number): void {
    if (this.pending.length === 0) return;
    if (seqDiff(ack, this.pending[0]!.seq) >= 0) this.skipToPending();
  }

  /** End of the connection or capture: every remaining hole becomes a gap. */
  flush(): void {
    while (this.pending.length > 0) this.skipToPending();
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** True when the FIN was seen and every byte before it has been delivered. */
  get finished(): boolean {
    return this.finSeq !== -1 && this.pending.length === 0 && seqDiff(this.nextSeq, this.finSeq) >= 0;
  }
}

/** One TCP connection (a 4-tuple between a SYN and its end). */
export class Connection {
  /** Addresses and ports; side A is the client. */
  readonly aAddr: Uint8Array;
  readonly bAddr: Uint8Array;
  readonly aPort: number;
  readonly bPort: number;
  readonly c2s: HalfStream;
  readonly s2c: HalfStream;
  /** Client ISN when the SYN was seen (for telling a retransmitted SYN from a reused port). */
  clientIsn = -1;
  /** Next connection in the same hash bucket. */
  next: Connection | undefined;
  ended = false;
  /** Who sent the first FIN. */
  firstFinBy: "client" | "server" | undefined;
  handler!: StreamHandler;

  constructor(
    readonly key: number,
    aAddr: Uint8Array,
    aPort: number,
    bAddr: Uint8Array,
    bPort: number,
  ) {
    this.aAddr = aAddr;
    this.bAddr = bAddr;
    this.aPort = aPort;
    this.bPort = bPort;
    this.c2s = new HalfStream(C2S, this);
    this.s2c = new HalfStream(S2C, this);
  }
}

/** Counters a caller can report. */
export interface ReassemblyStats {
  packets: number;
  ipPackets: number;
  tcpPackets: number;
  nonIp: number;
  notTcp: number;
  fragments: number;
  badHeaders: number;
  /** Packets whose link type we do not understand, per link type. */
  unknownLinkTypes: Map<number, number>;
  snaplenCut: number;
  connections: number;
}

function hashAddrPort(b: Uint8Array, off: number, len: number, port: number): number {
  let h = Math.imul(port ^ 0x811c9dc5, 0x01000193);
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  return h ^ (h >>> 15);
}

function sameAddr(a: Uint8Array, b: Uint8Array, off: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

/** Peeks at the first payload bytes: a TLS handshake record starting with ClientHello (1) or ServerHello (2). */
function tlsHelloType(b: Uint8Array, off: number, len: number): number {
  if (len < 6 || b[off] !== 22 || b[off + 1] !== 3) return 0;
  const t = b[off + 5]!;
  return t === 1 || t === 2 ? t : 0;
}

/**
 * Decodes packets down to TCP and reassembles every connection, handing bytes to the per-connection handlers the
 * factory creates. Feed it every packet (`packet`), then call `finish()`.
 */
export class TcpReassembler {
  readonly stats: ReassemblyStats = {
    packets: 0,
    ipPackets: 0,
    tcpPackets: 0,
    nonIp: 0,
    notTcp: 0,
    fragments: 0,
    badHeaders: 0,
    unknownLinkTypes: new Map(),
    snaplenCut: 0,
    connections: 0,
  };
  private readonly table = new Map<number, Connection>();
  private readonly link: LinkResult = { ipVersion: 0, off: 0 };
  private readonly ip = newIpResult();
  private readonly tcp = newTcpResult();

  constructor(private readonly factory: HandlerFactory) {}

  /** Processes one captured packet (any link type). */
  packet(p: RawPacket): void {
    const st = this.stats;
    st.packets++;
    const b = p.buf;
    const capEnd = p.off + p.capLen;
    const link = this.link;
    if (!ipOffset(p.linkType, b, p.off, p.capLen, link)) {
      st.unknownLinkTypes.set(p.linkType, (st.unknownLinkTypes.get(p.linkType) ?? 0) + 1);
      return;
    }
    if (link.ipVersion === 0) {
      st.nonIp++;
      return;
    }
    const ip = this.ip;
    if (!decodeIp(link.ipVersion, b, link.off, capEnd, ip)) {
      st.badHeaders++;
      return;
    }
    st.ipPackets++;
    if (ip.proto !== IPPROTO_TCP) {
      st.notTcp++;
      return;
    }
    if (ip.fragment) {
      st.fragments++;
      return;
    }
    const ipEnd = ip.payloadOff + ip.payloadLen;
    const tcpCapEnd = capEnd < ipEnd ? capEnd : ipEnd;
    const tcp = this.tcp;
    if (!decodeTcp(b, ip.payloadOff, ip.payloadLen, tcpCapEnd, tcp)) {
      st.badHeaders++;
      return;
    }
    st.tcpPackets++;
    if (tcp.capturedLen < tcp.payloadLen) st.snaplenCut++;
    this.segment(p, b, ip.srcOff, ip.dstOff, ip.addrLen);
  }

  private segment(p: RawPacket, b: Uint8Array, srcOff: number, dstOff: number, alen: number): void {
    const tcp = this.tcp;
    const flags = tcp.flags;
    const hs = hashAddrPort(b, srcOff, alen, tcp.srcPort);
    const hd = hashAddrPort(b, dstOff, alen, tcp.dstPort);
    const key = (hs + hd) | 0;
    let conn = this.table.get(key);
    let fromA = false;
    while (conn) {
      if (conn.aPort === tcp.srcPort && conn.bPort === tcp.dstPort && sameAddr(conn.aAddr, b, srcOff, alen) && sameAddr(conn.bAddr, b, dstOff, alen)) {
        fromA = true;
        break;
      }
      if (conn.bPort === tcp.srcPort && conn.aPort === tcp.dstPort && sameAddr(conn.bAddr, b, srcOff, alen) && sameAddr(conn.aAddr, b, dstOff, alen)) {
        break;
      }
      conn = conn.next;
    }
    const isSyn = (flags & TCP_SYN) !== 0;
    const isAck = (flags & TCP_ACK) !== 0;
    if (conn && isSyn && !isAck) {
      // A SYN on a known 4-tuple: a retransmitted SYN, or the port was reused for a new connection.
      if (fromA && conn.clientIsn === tcp.seq) return;
      this.end(conn, "reused", p.frame, p.time);
      conn = undefined;
    }
    if (!conn) {
      if (!isSyn && tcp.payloadLen === 0) return; // stray ACK/FIN/RST of a connection we do not track
      let srcIsClient: boolean;
      let rolesFrom: ConnectionInfo["rolesFrom"];
      if (isSyn) {
        srcIsClient = !isAck;
        rolesFrom = isAck ? "syn-ack" : "syn";
      } else {
        const hello = tlsHelloType(b, tcp.payloadOff, tcp.capturedLen);
        if (hello !== 0) {
          srcIsClient = hello === 1;
          rolesFrom = "content";
        } else {
          srcIsClient = tcp.srcPort >= tcp.dstPort;
          rolesFrom = "ports";
        }
      }
      const src = copyBytes(b, srcOff, srcOff + alen);
      const dst = copyBytes(b, dstOff, dstOff + alen);
      conn = srcIsClient
        ? new Connection(key, src, tcp.srcPort, dst, tcp.dstPort)
        : new Connection(key, dst, tcp.dstPort, src, tcp.srcPort);
      fromA = srcIsClient;
      const info: ConnectionInfo = {
        client: { host: formatAddress(conn.aAddr, 0, alen), port: conn.aPort },
        server: { host: formatAddress(conn.bAddr, 0, alen), port: conn.bPort },
        firstFrame: p.frame,
        firstTime: p.time,
        midStream: !isSyn,
        rolesFrom,
      };
      conn.handler = this.factory(info) ?? IGNORED;
      conn.next = this.table.get(key);
      this.table.set(key, conn);
      this.stats.connections++;
    }
    const half = fromA ? conn.c2s : conn.s2c;
    const other = fromA ? conn.s2c : conn.c2s;
    if (isSyn) {
      if (!half.started) half.syn(tcp.seq);
      if (fromA && !isAck) conn.clientIsn = tcp.seq;
    }
    const sender = fromA ? "client" : "server";
    if (flags & TCP_FIN && !conn.firstFinBy) conn.firstFinBy = sender;
    if (!conn.handler.wantsData) {
      if (flags & TCP_RST) this.end(conn, "rst", p.frame, p.time, sender);
      else if (flags & TCP_FIN && conn.firstFinBy !== sender) this.end(conn, "fin", p.frame, p.time, conn.firstFinBy);
      return;
    }
    if (tcp.payloadLen > 0) {
      const seq = isSyn ? (tcp.seq + 1) >>> 0 : tcp.seq;
      half.segment(seq, b, tcp.payloadOff, tcp.capturedLen, tcp.payloadLen, p.frame, p.time);
    }
    if (isAck && other.started) other.acked(tcp.ack);
    if (flags & TCP_FIN) {
      half.finSeq = ((isSyn ? tcp.seq + 1 : tcp.seq) + tcp.payloadLen) >>> 0;
      if (half.finished && other.finished) this.end(conn, "fin", p.frame, p.time, conn.firstFinBy);
    } else if (flags & TCP_RST) {
      this.end(conn, "rst", p.frame, p.time, sender);
    } else if (half.finSeq !== -1 && half.finished && other.finished) {
      this.end(conn, "fin", p.frame, p.time, conn.firstFinBy);
    }
  }

  private end(conn: Connection, reason: EndReason, frame: number | undefined, time: number | undefined, by?: "client" | "server"): void {
    if (conn.ended) return;
    conn.ended = true;
    if (conn.handler.wantsData) {
      conn.c2s.flush();
      conn.s2c.flush();
    }
    conn.handler.onEnd(reason, frame, time, by ?? conn.firstFinBy);
    // Unlink from its bucket: state is dropped as soon as the connection is over.
    let head = this.table.get(conn.key);
    if (head === conn) {
      if (conn.next) this.table.set(conn.key, conn.next);
      else this.table.delete(conn.key);
    } else {
      while (head && head.next !== conn) head = head.next;
      if (head) head.next = conn.next;
    }
  }

  /** Connections still open (for tests and memory accounting). */
  get openConnections(): number {
    let n = 0;
    for (let c of this.table.values()) for (; c; c = c.next!) n++;
    return n;
  }

  /** End of capture: flushes and ends every open connection (reason "eof"). */
  finish(): void {
    const all: Connection[] = [];
    for (let c of this.table.values()) for (; c; c = c.next!) all.push(c);
    all.sort((x, y) => x.c2s.offset - y.c2s.offset); // deterministic; order of results is decided by the caller
    for (const c of all) this.end(c, "eof", undefined, undefined);
  }

  /** One-line descriptions of what was skipped, for warnings. */
  warnings(name: string): string[] {
    const st = this.stats;
    const w: string[] = [];
    for (const [lt, n] of st.unknownLinkTypes) {
      w.push(`${name}: ${n} packet(s) use ${linkTypeName(lt)}, which mtls-doctor cannot decode; they were skipped${isSupportedLinkType(lt) ? "" : " (supported: Ethernet, Linux cooked SLL/SLL2, BSD loopback, raw IP)"}`);
    }
    if (st.fragments > 0) w.push(`${name}: ${st.fragments} IP fragment(s) were skipped (fragmented TCP is not reassembled)`);
    if (st.snaplenCut > 0) w.push(`${name}: ${st.snaplenCut} packet(s) were cut short by the capture's snaplen; the missing bytes are reported as gaps (capture with "tcpdump -s 0")`);
    if (st.badHeaders > 0) w.push(`${name}: ${st.badHeaders} packet(s) had a truncated or invalid IP/TCP header and were skipped`);
    return w;
  }
}
