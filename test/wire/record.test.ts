/**
 * Record layer and handshake framing: split/coalesced records, "not TLS" detection, garbage and gap
 * resynchronisation, and fuzzing of the deframer and the joiner separately (pattern: rustls fuzz targets).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionDecoder, decodeConnection } from "../../src/wire/connection.js";
import { DecodeError } from "../../src/wire/errors.js";
import { HandshakeJoiner, type JoinedHandshake } from "../../src/wire/handshake.js";
import { looksLikeTlsRecordHeader, RecordDeframer, type SkippedBytes } from "../../src/wire/record.js";
import type { TlsRecord } from "../../src/wire/types.js";

const rec = (ct: number, body: number[] | Uint8Array) => Uint8Array.from([ct, 3, 3, body.length >> 8, body.length & 0xff, ...body]);
const cat = (...xs: Uint8Array[]) => Uint8Array.from(xs.flatMap((x) => [...x]));

function deframe(chunks: Uint8Array[], gaps: Record<number, number> = {}) {
  const records: TlsRecord[] = [];
  const skipped: SkippedBytes[] = [];
  const d = new RecordDeframer({ record: (r) => records.push({ ...r, fragment: r.fragment.slice() }), skipped: (s) => skipped.push(s) });
  chunks.forEach((c, i) => {
    d.feed(c);
    if (gaps[i]) d.gap(gaps[i]!);
  });
  d.end();
  return { records, skipped, d };
}

describe("RecordDeframer", () => {
  it("frames records split at every possible point, with stream offsets", () => {
    const stream = cat(rec(22, [1, 2, 3]), rec(21, [2, 40]), rec(23, new Array(300).fill(9)));
    for (let cut = 0; cut <= stream.length; cut++) {
      const { records, skipped } = deframe([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(skipped).toEqual([]);
      expect(records.map((r) => [r.contentType, r.fragment.length, r.streamOffset])).toEqual([
        [22, 3, 0],
        [21, 2, 8],
        [23, 300, 15],
      ]);
    }
  });

  it("detects an HTTP response as not TLS", () => {
    const http = new Uint8Array(Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\nThe plain HTTP request was sent to HTTPS port"));
    expect(looksLikeTlsRecordHeader(http)).toBe(false);
    expect(looksLikeTlsRecordHeader(rec(22, [1]))).toBe(true);
    expect(looksLikeTlsRecordHeader(Uint8Array.of(0x16, 0x03))).toBe(true);
    expect(looksLikeTlsRecordHeader(Uint8Array.of(0x16, 0x03, 0x03, 0x48, 0x01))).toBe(false); // > 2^14+2048
    const msgs = decodeConnection([{ direction: "server→client", bytes: http }, { direction: "server→client", bytes: http }]);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.type).toBe("NotTls");
    expect(msgs[0]!.body).toMatchObject({ type: "Undecodable", error: expect.stringContaining('"HTTP/1.1 400 Bad Request"') });
    const d = new ConnectionDecoder();
    d.push("server→client", http);
    expect(d.state.notTls).toBe(true);
  });

  it("resynchronises after garbage in the middle of the stream", () => {
    const stream = cat(rec(22, [1, 2]), Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x00, 0x99), rec(21, [2, 48]), rec(23, [5, 5]));
    const { records, skipped } = deframe([stream]);
    expect(records.map((r) => r.contentType)).toEqual([22, 21, 23]);
    expect(records[1]!.streamOffset).toBe(13);
    expect(skipped).toEqual([{ streamOffset: 7, length: 6, reason: "resync" }]);
  });

  it("after a gap inside a record, continues exactly at the next header", () => {
    const r1 = rec(23, new Array(100).fill(1));
    const r2 = rec(21, [2, 116]);
    // first chunk: header + 20 bytes; 50 bytes lost; then the rest of r1 and r2
    const { records, skipped } = deframe([r1.subarray(0, 25), cat(r1.subarray(75), r2)], { 0: 50 });
    expect(records.map((r) => [r.contentType, r.streamOffset])).toEqual([[21, 105]]);
    expect(skipped.map((s) => s.reason)).toEqual(["gap", "gap"]);
  });

  it("after a gap across a record boundary, scans for a confirmed header", () => {
    const r1 = rec(23, new Array(10).fill(1));
    const r2 = rec(23, new Array(10).fill(0x17)); // payload looks like content types
    const r3 = rec(21, [2, 42]);
    const r4 = rec(23, [1]);
    // lose the tail of r1 and the head of r2 (gap of 12 bytes), resume mid-r2
    const { records } = deframe([r1.subarray(0, 8), cat(r2.subarray(5), r3, r4)], { 0: 12 });
    expect(records.map((r) => [r.contentType, r.fragment.length])).toEqual([
      [21, 2],
      [23, 1],
    ]);
  });

  it("fuzz: arbitrary chunking of a valid stream yields the same records; garbage never throws", () => {
    const recordArb = fc.record({ ct: fc.constantFrom(20, 21, 22, 23), body: fc.uint8Array({ minLength: 1, maxLength: 64 }) });
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 8 }), fc.array(fc.nat({ max: 600 }), { maxLength: 6 }), (rs, cuts) => {
        const stream = cat(...rs.map((r) => rec(r.ct, r.body)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of points) (chunks.push(stream.subarray(prev, p)), (prev = p));
        chunks.push(stream.subarray(prev));
        const { records } = deframe(chunks);
        expect(records.map((r) => [r.contentType, [...r.fragment]])).toEqual(rs.map((r) => [r.ct, [...r.body]]));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), fc.array(fc.nat({ max: 300 }), { maxLength: 5 }), (chunks, gaps) => {
        const g: Record<number, number> = {};
        gaps.forEach((n, i) => (g[i] = n));
        deframe([Uint8Array.of(22, 3, 1, 0, 4), ...chunks], g);
        decodeConnection(chunks.map((bytes, i) => ({ direction: i % 2 ? "server→client" : "client→server", bytes })));
      }),
      { numRuns: 500 },
    );
  });
});

describe("HandshakeJoiner", () => {
  const msg = (t: number, len: number) => Uint8Array.from([t, len >> 16, (len >> 8) & 0xff, len & 0xff, ...new Array(len).fill(t)]);

  it("reassembles across records and splits coalesced ones, with first/last record offsets", () => {
    const stream = cat(msg(2, 40), msg(11, 300), msg(14, 0));
    for (let cut = 1; cut < stream.length; cut += 7) {
      const j = new HandshakeJoiner();
      const out: JoinedHandshake[] = [];
      j.push(stream.subarray(0, cut), 0, out);
      j.push(stream.subarray(cut), 100, out);
      expect(out.map((m) => [m.msgType, m.raw.length])).toEqual([
        [2, 44],
        [11, 304],
        [14, 4],
      ]);
      const cert = out[1]!;
      expect([cert.streamOffset, cert.endStreamOffset]).toEqual(cut > 44 + 304 ? [0, 0] : cut <= 44 ? [100, 100] : [0, 100]);
      expect(j.hasPending).toBe(false);
    }
  });

  it("rejects a message longer than the limit with DecodeError('range')", () => {
    const j = new HandshakeJoiner(1000);
    expect(() => j.push(Uint8Array.of(11, 0, 0x10, 0), 0, [])).toThrow(DecodeError);
    expect(j.hasPending).toBe(false);
  });

  it("fuzz: any split of a message sequence reassembles identically", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 255 }), n: fc.nat({ max: 100 }) }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat({ max: 700 }), { maxLength: 8 }),
        (ms, cuts) => {
          const stream = cat(...ms.map((m) => msg(m.t, m.n)));
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
          const j = new HandshakeJoiner();
          const out: JoinedHandshake[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            if (p > prev) j.push(stream.subarray(prev, p), prev, out);
            prev = p;
          }
          expect(out.map((m) => [m.msgType, m.raw.length - 4])).toEqual(ms.map((m) => [m.t, m.n]));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ConnectionDecoder edge cases", () => {
  it("a truncated handshake message at end of stream becomes Undecodable", () => {
    const msgs = decodeConnection([{ direction: "client→server", bytes: rec(22, [1, 0, 0, 50, 3, 3]) }]);
    expect(msgs.map((m) => m.type)).toEqual(["Undecodable"]);
    expect(msgs[0]!.body).toMatchObject({ error: expect.stringContaining("incomplete handshake message") });
  });
  it("a malformed handshake message is kept as Undecodable with the DecodeError text, raw kept", () => {
    const msgs = decodeConnection([{ direction: "server→client", bytes: rec(22, [14, 0, 0, 1, 7]) }]);
    expect(msgs[0]).toMatchObject({ type: "Undecodable", raw: Uint8Array.of(14, 0, 0, 1, 7) });
    expect(msgs[0]!.body).toMatchObject({ error: expect.stringMatching(/^ServerHelloDone: .*trailing/) });
  });
  it("passes chunk meta through and reports gaps", () => {
    const d = new ConnectionDecoder();
    const a = d.push("server→client", rec(21, [1, 0]), { frame: 7, time: 1000 });
    expect(a[0]).toMatchObject({ type: "Alert", frame: 7, time: 1000, body: { descriptionName: "close_notify", levelName: "warning" } });
    d.push("server→client", rec(22, [11, 0, 0, 20, 1]).subarray(0, 7), { frame: 8 });
    d.gap("server→client", 100);
    const b = d.push("server→client", rec(21, [2, 48]), { frame: 9 });
    expect(b.map((m) => m.type)).toEqual(["Undecodable", "Alert"]);
  });
});
