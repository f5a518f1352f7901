import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCaptureBytes, readCaptureFile } from "../../src/capture/reader.js";
import type { CaptureSink, RawPacket } from "../../src/capture/packet.js";
import { isMtlsDoctorError } from "../../src/errors.js";
import { frame, ipTcp, LINKTYPE, pcap, pcapng } from "./synth.js";

interface Seen {
  frame: number;
  time: number;
  linkType: number;
  capLen: number;
  origLen: number;
  first: number;
}

function collect(): { sink: CaptureSink; seen: Seen[]; warnings: string[]; keyLogs: string[] } {
  const seen: Seen[] = [];
  const warnings: string[] = [];
  const keyLogs: string[] = [];
  return {
    seen,
    warnings,
    keyLogs,
    sink: {
      onPacket: (p: RawPacket) =>
        seen.push({ frame: p.frame, time: p.time, linkType: p.linkType, capLen: p.capLen, origLen: p.origLen, first: p.buf[p.off]! }),
      onWarning: (w) => warnings.push(w),
      onKeyLog: (t) => keyLogs.push(t),
    },
  };
}

const T0 = 1_767_225_600_123.456; // ms since epoch with sub-ms part

function pkts(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    data: frame("ethernet", ipTcp({ sport: 40000 + i, dport: 443, seq: i, payload: new Uint8Array([i]) })),
    time: T0 + i * 1.5,
  }));
}

/** tshark's view of a file: frame number and epoch time per packet. */
function tsharkTimes(file: string): { frame: number; time: number }[] {
  const out = execFileSync("tshark", ["-r", file, "-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return out
    .trim()
    .split("\n")
    .map((l) => {
      const [f, t] = l.split("\t");
      return { frame: Number(f), time: Number(t) * 1000 };
    });
}

describe("pcap reader", () => {
  for (const nano of [false, true])
    for (const bigEndian of [false, true])
      it(`reads ${nano ? "nanosecond" : "microsecond"} ${bigEndian ? "big" : "little"}-endian pcap like tshark does`, async () => {
        const bytes = pcap(pkts(3), { linkType: 1, nano, bigEndian });
        const dir = mkdtempSync(join(tmpdir(), "mtlsd-cap-"));
        try {
          const f = join(dir, "x.pcap");
          writeFileSync(f, bytes);
          const c = collect();
          const sum = await readCaptureFile(f, c.sink, { chunkBytes: 70_000 });
          expect(sum).toMatchObject({ format: "pcap", packets: 3, truncated: false, linkTypes: [1] });
          const ts = tsharkTimes(f);
          expect(c.seen.map((s) => s.frame)).toEqual(ts.map((t) => t.frame));
          c.seen.forEach((s, i) => expect(Math.abs(s.time - ts[i]!.time)).toBeLessThan(0.001));
          expect(c.seen.every((s) => s.linkType === 1 && s.first === 0)).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

  it("streams through a chunk smaller than the file, and one packet larger than the chunk", async () => {
    const big = { data: frame("ethernet", ipTcp({ sport: 1, dport: 2, seq: 0, payload: new Uint8Array(200_000) })), time: T0 };
    const bytes = pcap([...pkts(50), big, ...pkts(50)], { linkType: 1 });
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cap-"));
    try {
      const f = join(dir, "x.pcap");
      writeFileSync(f, bytes);
      const c = collect();
      const sum = await readCaptureFile(f, c.sink, { chunkBytes: 65_536 });
      expect(sum.packets).toBe(101);
      expect(c.seen.map((s) => s.frame)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
      expect(c.seen[50]!.capLen).toBe(big.data.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warns about a truncated last packet and delivers the complete ones", () => {
    const bytes = pcap(pkts(3), { linkType: 1 });
    const c = collect();
    const sum = readCaptureBytes(bytes.subarray(0, bytes.length - 10), c.sink, "cut.pcap");
    expect(sum.packets).toBe(2);
    expect(sum.truncated).toBe(true);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/cut\.pcap: the file ends inside packet 3 .* analysed the 2 complete packets/);
  });

  it("reports snaplen-cut packets with their original length", () => {
    const p = pkts(1)[0]!;
    const bytes = pcap([{ data: p.data.subarray(0, 40), time: p.time, origLen: p.data.length }], { linkType: 1, snapLen: 40 });
    const c = collect();
    readCaptureBytes(bytes, c.sink);
    expect(c.seen[0]).toMatchObject({ capLen: 40, origLen: p.data.length });
  });

  it("rejects a file that is not a capture, and a corrupt record length", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cap-"));
    try {
      const f = join(dir, "notes.txt");
      writeFileSync(f, "hello, this is not a capture\n");
      const e1 = await readCaptureFile(f, collect().sink).catch((e) => e);
      expect(isMtlsDoctorError(e1, "MTLSD_ERR_NOT_A_CAPTURE")).toBe(true);
      expect(e1.message).toContain("notes.txt: not a packet capture");
      const e2 = await readCaptureFile(join(dir, "missing.pcap"), collect().sink).catch((e) => e);
      expect(isMtlsDoctorError(e2, "MTLSD_ERR_FILE_NOT_FOUND")).toBe(true);
      const bad = pcap(pkts(2), { linkType: 1 });
      new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true);
      const e3 = (() => {
        try {
          readCaptureBytes(bad, collect().sink, "bad.pcap");
        } catch (e) {
          return e;
        }
      })();
      expect(isMtlsDoctorError(e3, "MTLSD_ERR_BAD_CAPTURE")).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pcapng reader", () => {
  it("reads several sections of both byte orders, per-interface link types and resolutions, EPB, SPB and a DSB", async () => {
    const ip = ipTcp({ sport: 1234, dport: 443, seq: 1, payload: new Uint8Array([22, 3, 1]) });
    const bytes = pcapng([
      {
        bigEndian: true,
        keyLog: "CLIENT_RANDOM aa bb\n",
        ifaces: [
          { linkType: LINKTYPE.ethernet, tsresol: 6 },
          { linkType: LINKTYPE.sll, tsresol: 9 },
        ],
        packets: [
          { data: frame("ethernet", ip), time: T0, iface: 0 },
          { data: frame("sll", ip), time: T0 + 1, iface: 1 },
        ],
      },
      {
        ifaces: [{ linkType: LINKTYPE.raw, tsresol: 0x80 | 20 }],
        packets: [
          { data: frame("raw", ip), time: T0 + 2, iface: 0 },
          { data: frame("raw", ip), time: 0, spb: true },
        ],
      },
    ]);
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-cap-"));
    try {
      const f = join(dir, "x.pcapng");
      writeFileSync(f, bytes);
      const c = collect();
      const sum = await readCaptureFile(f, c.sink, { chunkBytes: 65_536 });
      expect(sum).toMatchObject({ format: "pcapng", packets: 4, truncated: false });
      expect(c.keyLogs).toEqual(["CLIENT_RANDOM aa bb\n"]);
      expect(c.seen.map((s) => s.linkType)).toEqual([1, 113, 101, 101]);
      const ts = tsharkTimes(f);
      expect(c.seen.map((s) => s.frame)).toEqual(ts.map((t) => t.frame));
      for (let i = 0; i < 3; i++) expect(Math.abs(c.seen[i]!.time - ts[i]!.time)).toBeLessThan(0.001);
      expect(c.warnings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("warns about a truncated last block", () => {
    const ip = ipTcp({ sport: 1234, dport: 443, seq: 1 });
    const bytes = pcapng([{ ifaces: [{ linkType: 1 }], packets: [0, 1, 2].map((i) => ({ data: frame("ethernet", ip), time: T0 + i })) }]);
    const c = collect();
    const sum = readCaptureBytes(bytes.subarray(0, bytes.length - 4), c.sink, "cut.pcapng");
    expect(sum.packets).toBe(2);
    expect(c.warnings[0]).toMatch(/ends inside packet 3/);
  });
});
