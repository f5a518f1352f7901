#!/usr/bin/env node
/**
 * Benchmark: `analyze` vs tshark on a large synthetic capture (not a test).
 *
 *   npm run bench                 (~200 MB capture)
 *   BENCH_SIZE=1g npm run bench   (1 GB; also 500m, 2g ...)
 *
 * The capture: Ethernet/IPv4/TCP, many concurrent connections interleaved, each a TLS 1.2 handshake
 * (ClientHello, ServerHello, ServerHelloDone, CCS + encrypted Finished both ways) followed by bulk
 * application data: 16 KiB records cut into 1,460-byte segments, with a client ACK every second segment.
 * Both tools read the same file in the same run (page cache warmed first). Prints MB/s, the ratio and our peak RSS.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const sizeArg = (process.env.BENCH_SIZE ?? "200m").toLowerCase();
const m = /^(\d+(?:\.\d+)?)([kmg]?)$/.exec(sizeArg);
if (!m) throw new Error(`BENCH_SIZE: expected e.g. 200m or 1g, got ${sizeArg}`);
const TARGET = Math.round(Number(m[1]) * { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]]);
const MSS = 1460;
const CONCURRENT = 32;
const PER_CONN = 4 * 1024 * 1024; // application data per connection

function rec(type, body) {
  const r = Buffer.alloc(5 + body.length);
  r[0] = type; r[1] = 3; r[2] = 3; r.writeUInt16BE(body.length, 3); body.copy(r, 5);
  return r;
}
function hs(type, body) {
  const h = Buffer.alloc(4 + body.length);
  h[0] = type; h.writeUIntBE(body.length, 1, 3); body.copy(h, 4);
  return h;
}
const rnd = (n, s) => { const b = Buffer.alloc(n); let x = s | 1; for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = x & 255; } return b; };
const clientHello = (i) => rec(22, hs(1, Buffer.concat([Buffer.from([3, 3]), rnd(32, i + 1), Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0])])));
const serverFlight = (i) => Buffer.concat([
  rec(22, Buffer.concat([hs(2, Buffer.concat([Buffer.from([3, 3]), rnd(32, i + 7), Buffer.from([0, 0xc0, 0x2f, 0])])), hs(14, Buffer.alloc(0))])),
]);
const ccsFin = (i) => Buffer.concat([rec(20, Buffer.from([1])), rec(22, rnd(40, i + 3))]);

// One packet: pcap record header + Ethernet + IPv4 + TCP + payload, written into `out` at `o`.
const ETH = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 0]);
function packet(out, o, t, c, fromClient, seq, ack, flags, payload, pOff, pLen) {
  const len = 14 + 20 + 20 + pLen;
  const sec = Math.floor(t / 1e6);
  out.writeUInt32LE(sec, o); out.writeUInt32LE(t - sec * 1e6, o + 4); out.writeUInt32LE(len, o + 8); out.writeUInt32LE(len, o + 12);
  o += 16;
  ETH.copy(out, o); o += 14;
  out[o] = 0x45; out[o + 1] = 0; out.writeUInt16BE(20 + 20 + pLen, o + 2); out.writeUInt32BE(0x40000000, o + 4);
  out[o + 8] = 64; out[o + 9] = 6; out.writeUInt16BE(0, o + 10);
  const cIp = 0x0a000000 | (c.id & 0xffff), sIp = 0x0a640001;
  out.writeUInt32BE(fromClient ? cIp : sIp, o + 12); out.writeUInt32BE(fromClient ? sIp : cIp, o + 16);
  o += 20;
  out.writeUInt16BE(fromClient ? c.port : 443, o); out.writeUInt16BE(fromClient ? 443 : c.port, o + 2);
  out.writeUInt32BE(seq >>> 0, o + 4); out.writeUInt32BE(ack >>> 0, o + 8);
  out[o + 12] = 0x50; out[o + 13] = flags; out.writeUInt16BE(65535, o + 14); out.writeUInt32BE(0, o + 16);
  o += 20;
  if (pLen) payload.copy(out, o, pOff, pOff + pLen);
  return o + pLen;
}

function generate(file) {
  const fd = openSync(file, "w");
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6); hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
  writeSync(fd, hdr);
  let written = 24;
  const buf = Buffer.alloc(8 * 1024 * 1024);
  let o = 0;
  let t = 1_767_225_600_000_000;
  const flush = () => { writeSync(fd, buf, 0, o); written += o; o = 0; };
  // Bulk payload of one connection direction: 16 KiB application_data records back to back.
  const recBody = rnd(16384 + 24, 99);
  const appRec = rec(23, recBody);
  let nextId = 0;
  const newConn = () => ({ id: nextId, port: 1024 + (nextId++ % 60000), phase: 0, cs: 1000, ss: 5000, sent: 0, recOff: 0 });
  const conns = Array.from({ length: CONCURRENT }, newConn);
  let k = 0;
  while (written + o < TARGET) {
    const c = conns[k]; k = (k + 1) % CONCURRENT;
    if (o > buf.length - 64 * 1024) flush();
    t += 3;
    if (c.phase === 0) {
      o = packet(buf, o, t, c, true, c.cs, 0, 0x02, null, 0, 0); c.cs++;
      o = packet(buf, o, t, c, false, c.ss, c.cs, 0x12, null, 0, 0); c.ss++;
      const ch = clientHello(c.id), sf = serverFlight(c.id), cf = ccsFin(c.id), sfin = ccsFin(c.id + 1);
      o = packet(buf, o, t, c, true, c.cs, c.ss, 0x18, ch, 0, ch.length); c.cs += ch.length;
      o = packet(buf, o, t, c, false, c.ss, c.cs, 0x18, sf, 0, sf.length); c.ss += sf.length;
      o = packet(buf, o, t, c, true, c.cs, c.ss, 0x18, cf, 0, cf.length); c.cs += cf.length;
      o = packet(buf, o, t, c, false, c.ss, c.cs, 0x18, sfin, 0, sfin.length); c.ss += sfin.length;
      c.phase = 1;
      continue;
    }
    // Two server segments of the record stream, then a client ACK.
    for (let i = 0; i < 2; i++) {
      const n = Math.min(MSS, appRec.length - c.recOff);
      o = packet(buf, o, t, c, false, c.ss, c.cs, 0x10, appRec, c.recOff, n);
      c.ss += n; c.recOff += n; c.sent += n;
      if (c.recOff === appRec.length) c.recOff = 0;
    }
    o = packet(buf, o, t, c, true, c.cs, c.ss, 0x10, null, 0, 0);
    if (c.sent >= PER_CONN && c.recOff === 0) {
      o = packet(buf, o, t, c, true, c.cs, c.ss, 0x11, null, 0, 0); c.cs++;
      o = packet(buf, o, t, c, false, c.ss, c.cs, 0x11, null, 0, 0); c.ss++;
      conns[(k + CONCURRENT - 1) % CONCURRENT] = newConn();
    }
  }
  flush();
  closeSync(fd);
  return nextId;
}

const dir = mkdtempSync(join(tmpdir(), "mtlsd-bench-"));
const file = process.env.BENCH_KEEP ? "/tmp/bench.pcap" : join(dir, "bench.pcap");
try {
  const t0 = performance.now();
  const conns = generate(file);
  const size = statSync(file).size;
  const mb = size / 1e6;
  console.log(`capture: ${file}, ${(size / 1048576).toFixed(0)} MiB, ${conns} connections, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Warm the page cache so both tools read from memory.
  execFileSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });

  const ours = spawnSync(process.execPath, ["--input-type=module", "-e", `
    import { analyzeCapture } from ${JSON.stringify(join(ROOT, "dist/diagnose/capture.js"))};
    const t = performance.now();
    const r = await analyzeCapture(${JSON.stringify(file)});
    const s = (performance.now() - t) / 1000;
    console.log(JSON.stringify({ s, conversations: r.conversations.length, packets: r.packets, maxRssKb: process.resourceUsage().maxRSS }));
  `], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (ours.status !== 0) throw new Error(ours.stderr);
  const o = JSON.parse(ours.stdout.trim());

  const tt = performance.now();
  const ts = spawnSync("tshark", ["-r", file, "-T", "fields", "-e", "frame.number", "-e", "tls.handshake.type", "-e", "tls.alert_message.desc"], { stdio: ["ignore", "ignore", "ignore"] });
  const tsharkS = (performance.now() - tt) / 1000;
  if (ts.status !== 0) console.log(`tshark exited with ${ts.status}`);

  const oursMBs = mb / o.s, tsharkMBs = mb / tsharkS;
  console.log(`analyze: ${o.s.toFixed(2)} s, ${oursMBs.toFixed(0)} MB/s, ${o.packets} packets, ${o.conversations} conversations, peak RSS ${(o.maxRssKb / 1024).toFixed(0)} MiB`);
  console.log(`tshark : ${tsharkS.toFixed(2)} s, ${tsharkMBs.toFixed(0)} MB/s`);
  console.log(`ratio  : ${(oursMBs / tsharkMBs).toFixed(1)}x tshark (goal: >= 20x, peak RSS < 150 MiB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
