/**
 * Builders for synthetic captures used by the capture tests: IPv4/IPv6 + TCP packets, every supported link-layer
 * framing, and pcap / pcapng files (both byte orders, several sections, EPB/SPB/DSB).
 */

export interface TcpSpec {
  src?: string;
  dst?: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags?: number; // default ACK|PSH when payload, ACK otherwise
  payload?: Uint8Array;
  v6?: boolean;
  /** IPv6 extension headers to insert (hop-by-hop 0, destination options 60, fragment 44). */
  v6ext?: number[];
  /** IPv4: set the More Fragments flag. */
  moreFragments?: boolean;
}

export const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

function v4(a: string): number[] {
  return a.split(".").map(Number);
}
function v6(a: string): number[] {
  // minimal "::1"-style parser
  const [head, tail] = a.includes("::") ? a.split("::") : [a, ""];
  const h = head ? head.split(":").map((x) => parseInt(x, 16)) : [];
  const t = tail ? tail.split(":").map((x) => parseInt(x, 16)) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** An IP packet carrying one TCP segment. */
export function ipTcp(s: TcpSpec): Uint8Array {
  const payload = s.payload ?? new Uint8Array(0);
  const flags = s.flags ?? (payload.length > 0 ? ACK | PSH : ACK);
  const tcp = new Uint8Array(20 + payload.length);
  const dv = new DataView(tcp.buffer);
  dv.setUint16(0, s.sport);
  dv.setUint16(2, s.dport);
  dv.setUint32(4, s.seq >>> 0);
  dv.setUint32(8, (s.ack ?? 0) >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  dv.setUint16(14, 65535);
  tcp.set(payload, 20);
  if (!s.v6) {
    const ip = new Uint8Array(20 + tcp.length);
    const d = new DataView(ip.buffer);
    ip[0] = 0x45;
    d.setUint16(2, ip.length);
    d.setUint16(6, s.moreFragments ? 0x2000 : 0x4000);
    ip[8] = 64;
    ip[9] = 6;
    ip.set(v4(s.src ?? "127.0.0.1"), 12);
    ip.set(v4(s.dst ?? "127.0.0.1"), 16);
    ip.set(tcp, 20);
    return ip;
  }
  const ext = s.v6ext ?? [];
  const extBytes: number[] = [];
  const chain = [...ext, 6];
  for (let i = 0; i < ext.length; i++) {
    const next = chain[i + 1]!;
    if (ext[i] === 44) extBytes.push(next, 0, 0, 0, 0, 0, 0, 1); // offset 0, M=0: atomic fragment? use id=1
    else extBytes.push(next, 0, 1, 4, 0, 0, 0, 0); // 8-byte options header with PadN
  }
  const ip = new Uint8Array(40 + extBytes.length + tcp.length);
  const d = new DataView(ip.buffer);
  ip[0] = 0x60;
  d.setUint16(4, extBytes.length + tcp.length);
  ip[6] = chain[0]!;
  ip[7] = 64;
  ip.set(v6(s.src ?? "::1"), 8);
  ip.set(v6(s.dst ?? "::1"), 24);
  ip.set(extBytes, 40);
  ip.set(tcp, 40 + extBytes.length);
  return ip;
}

export type Framing = "ethernet" | "vlan" | "qinq" | "sll" | "sll2" | "null" | "loop" | "raw" | "ipv4" | "ipv6";

export const LINKTYPE: Record<Framing, number> = {
  ethernet: 1,
  vlan: 1,
  qinq: 1,
  sll: 113,
  sll2: 276,
  null: 0,
  loop: 108,
  raw: 101,
  ipv4: 228,
  ipv6: 229,
};

/** Wraps an IP packet in a link-layer header. */
export function frame(f: Framing, ip: Uint8Array): Uint8Array {
  const isV6 = ip[0]! >> 4 === 6;
  const et = isV6 ? [0x86, 0xdd] : [0x08, 0x00];
  const mac = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  let head: number[];
  switch (f) {
    case "ethernet":
      head = [...mac, ...et];
      break;
    case "vlan":
      head = [...mac, 0x81, 0x00, 0x00, 0x64, ...et];
      break;
    case "qinq":
      head = [...mac, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64, ...et];
      break;
    case "sll":
      head = [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...et];
      break;
    case "sll2":
      head = [...et, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0];
      break;
    case "null":
      head = isV6 ? [30, 0, 0, 0] : [2, 0, 0, 0]; // little-endian host, AF_INET6 = 30 (macOS)
      break;
    case "loop":
      head = isV6 ? [0, 0, 0, 24] : [0, 0, 0, 2];
      break;
    default:
      head = [];
  }
  const out = new Uint8Array(head.length + ip.length);
  out.set(head, 0);
  out.set(ip, head.length);
  return out;
}

export interface Pkt {
  data: Uint8Array;
  /** ms since epoch */
  time: number;
  /** Original length when the capture cut the packet. */
  origLen?: number;
  iface?: number;
  spb?: boolean;
}

/** A classic pcap file. */
export function pcap(pkts: Pkt[], opts: { linkType: number; nano?: boolean; bigEndian?: boolean; snapLen?: number }): Uint8Array {
  const le = !opts.bigEndian;
  const parts: Uint8Array[] = [];
  const h = new DataView(new ArrayBuffer(24));
  h.setUint32(0, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  h.setUint16(4, 2, le);
  h.setUint16(6, 4, le);
  h.setUint32(16, opts.snapLen ?? 262144, le);
  h.setUint32(20, opts.linkType, le);
  parts.push(new Uint8Array(h.buffer));
  for (const p of pkts) {
    const r = new DataView(new ArrayBuffer(16));
    const sec = Math.floor(p.time / 1000);
    const frac = opts.nano ? Math.round((p.time - sec * 1000) * 1e6) : Math.round((p.time - sec * 1000) * 1e3);
    r.setUint32(0, sec, le);
    r.setUint32(4, frac, le);
    r.setUint32(8, p.data.length, le);
    r.setUint32(12, p.origLen ?? p.data.length, le);
    parts.push(new Uint8Array(r.buffer), p.data);
  }
  return concat(parts);
}

export interface Section {
  bigEndian?: boolean;
  /** Interfaces: link type and if_tsresol byte (default 6 = µs). */
  ifaces: { linkType: number; tsresol?: number; snapLen?: number }[];
  packets: Pkt[];
  /** NSS key log text to put in a DSB at the start of the section. */
  keyLog?: string;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const total = 12 + pad4(body.length);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, le);
  dv.setUint32(4, total, le);
  out.set(body, 8);
  dv.setUint32(total - 4, total, le);
  return out;
}

/** A pcapng file of one or more sections. */
export function pcapng(sections: Section[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of sections) {
    const le = !s.bigEndian;
    const shb = new DataView(new ArrayBuffer(16));
    shb.setUint32(0, 0x1a2b3c4d, le);
    shb.setUint16(4, 1, le);
    shb.setUint16(6, 0, le);
    shb.setInt32(8, -1, le);
    shb.setInt32(12, -1, le);
    parts.push(block(0x0a0d0d0a, new Uint8Array(shb.buffer), le));
    if (s.keyLog !== undefined) {
      const secrets = new TextEncoder().encode(s.keyLog);
      const body = new Uint8Array(8 + pad4(secrets.length));
      const dv = new DataView(body.buffer);
      dv.setUint32(0, 0x544c534b, le);
      dv.setUint32(4, secrets.length, le);
      body.set(secrets, 8);
      parts.push(block(10, body, le));
    }
    for (const i of s.ifaces) {
      const body = new Uint8Array(8 + 8 + 4);
      const dv = new DataView(body.buffer);
      dv.setUint16(0, i.linkType, le);
      dv.setUint32(4, i.snapLen ?? 262144, le);
      dv.setUint16(8, 9, le); // if_tsresol
      dv.setUint16(10, 1, le);
      body[12] = i.tsresol ?? 6;
      // opt_endofopt at 16 (zeros)
      parts.push(block(1, body, le));
    }
    for (const p of s.packets) {
      if (p.spb) {
        const body = new Uint8Array(4 + pad4(p.data.length));
        new DataView(body.buffer).setUint32(0, p.origLen ?? p.data.length, le);
        body.set(p.data, 4);
        parts.push(block(3, body, le));
        continue;
      }
      const iface = s.ifaces[p.iface ?? 0]!;
      const r = iface.tsresol ?? 6;
      const perSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      const ts = BigInt(Math.round((p.time / 1000) * perSec));
      const body = new Uint8Array(20 + pad4(p.data.length));
      const dv = new DataView(body.buffer);
      dv.setUint32(0, p.iface ?? 0, le);
      dv.setUint32(4, Number(ts >> 32n), le);
      dv.setUint32(8, Number(ts & 0xffffffffn), le);
      dv.setUint32(12, p.data.length, le);
      dv.setUint32(16, p.origLen ?? p.data.length, le);
      body.set(p.data, 20);
      parts.push(block(6, body, le));
    }
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A TLS record header + body. */
export function tlsRecord(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const r = new Uint8Array(5 + body.length);
  r[0] = type;
  r[1] = version >> 8;
  r[2] = version & 0xff;
  r[3] = body.length >> 8;
  r[4] = body.length & 0xff;
  r.set(body, 5);
  return r;
}

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
