import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readCaptureBytes } from "../../src/capture/reader.js";
import { TcpReassembler, type ConnectionInfo, type EndReason, type StreamHandler } from "../../src/capture/reassembly.js";
import type { Direction } from "../../src/wire/types.js";
import { ACK, bytes, concat, FIN, frame, ipTcp, LINKTYPE, pcap, RST, SYN, type Framing, type Pkt } from "./synth.js";

interface Conn {
  info: ConnectionInfo;
  events: ({ kind: "data"; dir: Direction; bytes: Uint8Array; frame: number } | { kind: "gap"; dir: Direction; bytes: number })[];
  end?: { reason: EndReason; frame?: number };
}

function run(pkts: Pkt[], linkType = 1) {
  const conns: Conn[] = [];
  const r = new TcpReassembler((info) => {
    const c: Conn = { info, events: [] };
    conns.push(c);
    const h: StreamHandler = {
      wantsData: true,
      onData: (dir, buf, off, len, fr) => c.events.push({ kind: "data", dir, bytes: Uint8Array.prototype.slice.call(buf, off, off + len), frame: fr }),
      onGap: (dir, n) => c.events.push({ kind: "gap", dir, bytes: n }),
      onEnd: (reason, fr) => (c.end = { reason, frame: fr }),
    };
    return h;
  });
  const warnings: string[] = [];
  readCaptureBytes(pcap(pkts, { linkType }), { onPacket: (p) => r.packet(p), onWarning: (w) => warnings.push(w) });
  r.finish();
  return { conns, r, warnings };
}

/** The bytes one direction delivered, with gaps filled by 0xEE. */
function stream(c: Conn, dir: Direction): Uint8Array {
  return concat(c.events.filter((e) => e.dir === dir).map((e) => (e.kind === "data" ? e.bytes : new Uint8Array(e.bytes).fill(0xee))));
}

const CL = { src: "10.0.0.1", dst: "10.0.0.2", sport: 50123, dport: 8443 };
const SV = { src: "10.0.0.2", dst: "10.0.0.1", sport: 8443, dport: 50123 };
const ISN_C = 0xfffffff0; // wraps around 2^32 during the test
const ISN_S = 1000;

function handshake(f: Framing = "ethernet", v6 = false): Pkt[] {
  const c = v6 ? { ...CL, src: "2001:db8::1", dst: "2001:db8::2", v6 } : CL;
  const s = v6 ? { ...SV, src: "2001:db8::2", dst: "2001:db8::1", v6 } : SV;
  return [
    { data: frame(f, ipTcp({ ...c, seq: ISN_C, flags: SYN })), time: 1 },
    { data: frame(f, ipTcp({ ...s, seq: ISN_S, ack: ISN_C + 1, flags: SYN | ACK })), time: 2 },
    { data: frame(f, ipTcp({ ...c, seq: ISN_C + 1, ack: ISN_S + 1, flags: ACK })), time: 3 },
  ];
}

/** Client segments of `data` split every `mss` bytes: [seq, payload]. */
function segments(data: Uint8Array, mss: number, isn: number): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  for (let o = 0; o < data.length; o += mss) out.push([(isn + 1 + o) >>> 0, data.subarray(o, o + mss)]);
  return out;
}

describe("TCP reassembly", () => {
  const payload = bytes(10_000, 7);

  it("delivers in-order data with the frame that carried it, across the 2^32 sequence wrap", () => {
    const segs = segments(payload, 1460, ISN_C);
    const pkts = [...handshake(), ...segs.map(([seq, p], i) => ({ data: frame("ethernet", ipTcp({ ...CL, seq, ack: ISN_S + 1, payload: p })), time: 10 + i }))];
    const { conns } = run(pkts);
    expect(conns).toHaveLength(1);
    expect(conns[0]!.info).toMatchObject({ client: { host: "10.0.0.1", port: 50123 }, server: { host: "10.0.0.2", port: 8443 }, midStream: false, rolesFrom: "syn" });
    expect(stream(conns[0]!, "client→server")).toEqual(payload);
    expect(conns[0]!.events.map((e) => (e.kind === "data" ? e.frame : 0))).toEqual(segs.map((_, i) => 4 + i));
    expect(conns[0]!.end?.reason).toBe("eof");
  });

  it("reorders out-of-order segments, drops retransmissions, trims overlaps (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 3000 })), { minLength: 0, maxLength: 30 }),
        fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
        (extra, perm) => {
          // Every byte is covered by the base segmentation; extra random (overlapping/retransmitted) segments are mixed in.
          const base = segments(payload, 1000, ISN_C);
          const more: [number, Uint8Array][] = extra.map(([o, n]) => [(ISN_C + 1 + o) >>> 0, payload.subarray(o, o + n)]);
          const all = [...base, ...more];
          // Shuffle deterministically by perm.
          for (let i = all.length - 1; i > 0; i--) {
            const j = perm[i % perm.length]! % (i + 1);
            [all[i], all[j]] = [all[j]!, all[i]!];
          }
          const pkts = [...handshake(), ...all.map(([seq, p], i) => ({ data: frame("ethernet", ipTcp({ ...CL, seq, ack: ISN_S + 1, payload: p })), time: 10 + i }))];
          const { conns } = run(pkts);
          expect(stream(conns[0]!, "client→server")).toEqual(payload);
          expect(conns[0]!.events.some((e) => e.kind === "gap")).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("marks a missing segment as a gap when the peer acknowledges past it, and at the end", () => {
    const segs = segments(payload, 1000, ISN_C);
    const lost = segs.splice(3, 1)[0]!; // bytes 3000..3999 never captured
    const pkts = [...handshake()];
    segs.forEach(([seq, p], i) => {
      pkts.push({ data: frame("ethernet", ipTcp({ ...CL, seq, ack: ISN_S + 1, payload: p })), time: 10 + i });
      if (i === 5) pkts.push({ data: frame("ethernet", ipTcp({ ...SV, seq: ISN_S + 1, ack: (seq + p.length) >>> 0 })), time: 10 + i });
    });
    const { conns } = run(pkts);
    const c = conns[0]!;
    const gaps = c.events.filter((e) => e.kind === "gap");
    expect(gaps).toEqual([{ kind: "gap", dir: "client→server", bytes: 1000 }]);
    const s = stream(c, "client→server");
    expect(s.subarray(0, 3000)).toEqual(payload.subarray(0, 3000));
    expect(s.subarray(4000)).toEqual(payload.subarray(4000));
    expect(lost[1].length).toBe(1000);
    // The gap is reported where it is: after the first 3 segments' data (at the ACK), not at the end.
    const idx = c.events.findIndex((e) => e.kind === "gap");
    expect(idx).toBe(3);
  });

  it("reports the snaplen-cut part of a segment as a gap", () => {
    const segs = segments(payload.subarray(0, 3000), 1000, ISN_C);
    const pkts = [...handshake()];
    for (const [seq, p] of segs) {
      const full = frame("ethernet", ipTcp({ ...CL, seq, ack: ISN_S + 1, payload: p }));
      pkts.push({ data: full.subarray(0, 14 + 20 + 20 + 100), time: 10, origLen: full.length });
    }
    const { conns, r } = run(pkts);
    const c = conns[0]!;
    expect(c.events.map((e) => (e.kind === "gap" ? -e.bytes : e.bytes.length))).toEqual([100, -900, 100, -900, 100, -900]);
    expect(r.stats.snaplenCut).toBe(3);
  });

  it("starts mid-connection: roles from content, a resync gap first", () => {
    const hello = concat([new Uint8Array([22, 3, 1, 0, 10, 2, 0, 0, 6]), bytes(6)]); // looks like a ServerHello record
    const pkts = [
      { data: frame("ethernet", ipTcp({ ...SV, seq: 777, ack: 1, payload: hello })), time: 1 },
      { data: frame("ethernet", ipTcp({ ...CL, seq: 1, ack: 777 + hello.length, payload: bytes(50) })), time: 2 },
    ];
    const { conns } = run(pkts);
    expect(conns[0]!.info).toMatchObject({ midStream: true, rolesFrom: "content", client: { port: 50123 }, server: { port: 8443 } });
    expect(conns[0]!.events[0]).toEqual({ kind: "gap", dir: "server→client", bytes: 0 });
    expect(stream(conns[0]!, "server→client").subarray(0)).toEqual(hello);
  });

  it("ends a connection at RST and at FIN/FIN, and starts a new one when the port is reused", () => {
    const pkts = [
      ...handshake(),
      { data: frame("ethernet", ipTcp({ ...CL, seq: ISN_C + 1, ack: ISN_S + 1, payload: bytes(10, 1) })), time: 4 },
      { data: frame("ethernet", ipTcp({ ...CL, seq: ISN_C + 11, ack: ISN_S + 1, flags: FIN | ACK })), time: 5 },
      { data: frame("ethernet", ipTcp({ ...SV, seq: ISN_S + 1, ack: ISN_C + 12, flags: FIN | ACK })), time: 6 },
      { data: frame("ethernet", ipTcp({ ...CL, seq: ISN_C + 12, ack: ISN_S + 2, flags: ACK })), time: 7 },
      // same 4-tuple, new ISN
      { data: frame("ethernet", ipTcp({ ...CL, seq: 5000, flags: SYN })), time: 8 },
      { data: frame("ethernet", ipTcp({ ...SV, seq: 9000, ack: 5001, flags: SYN | ACK })), time: 9 },
      { data: frame("ethernet", ipTcp({ ...CL, seq: 5001, ack: 9001, payload: bytes(20, 2) })), time: 10 },
      { data: frame("ethernet", ipTcp({ ...SV, seq: 9001, ack: 5021, flags: RST | ACK })), time: 11 },
    ];
    const { conns, r } = run(pkts);
    expect(conns).toHaveLength(2);
    expect(conns[0]!.end).toEqual({ reason: "fin", frame: 6 });
    expect(stream(conns[0]!, "client→server")).toEqual(bytes(10, 1));
    expect(conns[1]!.end).toEqual({ reason: "rst", frame: 11 });
    expect(stream(conns[1]!, "client→server")).toEqual(bytes(20, 2));
    expect(r.openConnections).toBe(0);
  });

  it("a retransmitted SYN is not a new connection", () => {
    const h = handshake();
    const { conns } = run([h[0]!, h[0]!, ...h.slice(1)]);
    expect(conns).toHaveLength(1);
  });

  const framings: [Framing, boolean][] = [
    ["ethernet", false],
    ["vlan", false],
    ["qinq", false],
    ["sll", false],
    ["sll2", false],
    ["null", false],
    ["loop", false],
    ["raw", false],
    ["ipv4", false],
    ["ethernet", true],
    ["sll2", true],
    ["null", true],
    ["loop", true],
    ["raw", true],
    ["ipv6", true],
  ];
  for (const [f, v6] of framings)
    it(`decodes ${f} ${v6 ? "IPv6" : "IPv4"}`, () => {
      const c = v6 ? { ...CL, src: "2001:db8::1", dst: "2001:db8::2", v6, v6ext: [0, 60] } : CL;
      const data = bytes(3000, 3);
      const pkts = [...handshake(f, v6), ...segments(data, 1000, ISN_C).map(([seq, p], i) => ({ data: frame(f, ipTcp({ ...c, seq, ack: ISN_S + 1, payload: p })), time: 10 + i }))];
      const { conns } = run(pkts, LINKTYPE[f]);
      expect(conns).toHaveLength(1);
      expect(conns[0]!.info.client.host).toBe(v6 ? "2001:db8::1" : "10.0.0.1");
      expect(stream(conns[0]!, "client→server")).toEqual(data);
    });

  it("flags IP fragments and unknown link types in warnings", () => {
    const frag = frame("ethernet", ipTcp({ ...CL, seq: 1, payload: bytes(10), moreFragments: true }));
    const { r, conns } = run([{ data: frag, time: 1 }]);
    expect(conns).toHaveLength(0);
    expect(r.warnings("x.pcap")).toEqual(["x.pcap: 1 IP fragment(s) were skipped (fragmented TCP is not reassembled)"]);
    const u = run([{ data: frag, time: 1 }], 147);
    expect(u.r.warnings("x.pcap")[0]).toMatch(/1 packet\(s\) use link type 147, which mtls-doctor cannot decode/);
  });
});

describe("TCP reassembly from a file read in small chunks", () => {
  it("keeps held segments and addresses intact when the reader reuses its chunk buffer", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { readCaptureFile } = await import("../../src/capture/reader.js");
    const data = bytes(400_000, 11);
    const segs = segments(data, 1460, ISN_C);
    // Hold back every 10th segment until the end: the held copies must survive many chunk refills.
    const late = segs.filter((_, i) => i % 10 === 0);
    const order = [...segs.filter((_, i) => i % 10 !== 0), ...late];
    const pkts = [...handshake(), ...order.map(([seq, p], i) => ({ data: frame("ethernet", ipTcp({ ...CL, seq, ack: ISN_S + 1, payload: p })), time: 10 + i }))];
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cap-"));
    try {
      const f = join(dir, "x.pcap");
      writeFileSync(f, pcap(pkts, { linkType: 1 }));
      const conns: Conn[] = [];
      const r = new TcpReassembler((info) => {
        const c: Conn = { info, events: [] };
        conns.push(c);
        return {
          wantsData: true,
          onData: (dir, buf, off, len, fr) => c.events.push({ kind: "data", dir, bytes: Uint8Array.prototype.slice.call(buf, off, off + len), frame: fr }),
          onGap: (dir, n) => c.events.push({ kind: "gap", dir, bytes: n }),
          onEnd: () => {},
        };
      });
      await readCaptureFile(f, { onPacket: (p) => r.packet(p) }, { chunkBytes: 65_536 });
      r.finish();
      expect(conns).toHaveLength(1);
      // buf.slice on a Buffer is a view; copy through Uint8Array to compare what was delivered at the time.
      expect(Buffer.compare(Buffer.from(stream(conns[0]!, "client→server")), Buffer.from(data))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
