/**
 * Record-layer length limits are flagged (`tls.record.length.invalid`), not silently accepted, and decoding goes on:
 * - TLSPlaintext over 2^14 bytes (RFC 8446 §5.1, RFC 5246 §6.2.1);
 * - TLS 1.3 TLSCiphertext over 2^14 + 256 bytes (RFC 8446 §5.2), and TLSInnerPlaintext over 2^14 + 1 (§5.4);
 * - TLS 1.2 TLSCiphertext over 2^14 + 2048 bytes (RFC 5246 §6.2.3) — beyond what any version allows, so the
 *   deframer must keep framing (not resynchronise) when the header is otherwise in order.
 * Real peers cannot be made to send these (OpenSSL caps `-max_send_frag` at 2^14), so the records are built here
 * with our encoder and node:crypto's AEAD (RecordProtection.seal).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeConnection, type DecodedMessage } from "../../src/wire/connection.js";
import { buildConversation } from "../../src/evidence/conversation.js";
import { transcriptLines } from "../../src/report/text/probe.js";
import { encodeHandshakeMessage } from "../../src/wire/messages/index.js";
import {
  MAX_PLAINTEXT_LENGTH,
  MAX_TLS12_CIPHERTEXT_LENGTH,
  MAX_TLS13_CIPHERTEXT_LENGTH,
  MAX_TLS13_INNER_PLAINTEXT_LENGTH,
  RecordDeframer,
} from "../../src/wire/record.js";
import { TLS13_SUITES } from "../../src/wire/tls13/keySchedule.js";
import { RecordProtection } from "../../src/wire/tls13/recordProtection.js";
import type { ClientHello, Direction, ServerHello, TlsRecord } from "../../src/wire/types.js";

const C: Direction = "client→server";
const S: Direction = "server→client";
const record = (ct: number, body: Uint8Array, version = 0x0303) => {
  const out = new Uint8Array(5 + body.length);
  out.set([ct, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
};

/** A ClientHello whose encoding is exactly `size` bytes (4-byte header included), padded with an unknown extension. */
function clientHello(random: Uint8Array, size = 0): Uint8Array {
  const m: ClientHello = {
    type: "ClientHello",
    msgType: 1,
    legacyVersion: 0x0303,
    random,
    sessionId: new Uint8Array(0),
    cipherSuites: [0x1301, 0xc02b],
    compressionMethods: [0],
    extensions: [{ type: 43, name: "supported_versions", raw: Uint8Array.of(4, 3, 4, 3, 3) }],
  };
  const base = encodeHandshakeMessage(m, { version: 0x0303 }).length;
  if (size > 0) m.extensions.push({ type: 0xfe77, name: "", raw: new Uint8Array(size - base - 4) });
  const out = encodeHandshakeMessage(m, { version: 0x0303 });
  if (size > 0) expect(out.length).toBe(size);
  return out;
}

function serverHello(tls13: boolean): Uint8Array {
  const m: ServerHello = {
    type: "ServerHello",
    msgType: 2,
    legacyVersion: 0x0303,
    random: new Uint8Array(randomBytes(32)),
    sessionId: new Uint8Array(0),
    cipherSuite: tls13 ? 0x1301 : 0xc02b,
    compressionMethod: 0,
    extensions: tls13 ? [{ type: 43, name: "supported_versions", raw: Uint8Array.of(3, 4) }] : [],
  };
  return encodeHandshakeMessage(m, { version: 0x0303 });
}

const lengthWarnings = (m: DecodedMessage | undefined) => (m?.warnings ?? []).filter((w) => w.field === "tls.record.length.invalid");

describe("TLSPlaintext over 2^14 bytes (RFC 8446 §5.1)", () => {
  it("a ClientHello in a 2^14+1-byte record is decoded and flagged; 2^14 exactly is not", () => {
    const cr = new Uint8Array(randomBytes(32));
    for (const [size, flagged] of [
      [MAX_PLAINTEXT_LENGTH + 1, true],
      [MAX_PLAINTEXT_LENGTH, false],
    ] as const) {
      const hello = clientHello(cr, size);
      // split across two chunks as TCP would: the deframer copies the record once
      const rec = record(22, hello, 0x0301);
      const msgs = decodeConnection([
        { direction: C, bytes: rec.subarray(0, 1000) },
        { direction: C, bytes: rec.subarray(1000) },
        { direction: S, bytes: record(22, serverHello(false)) },
      ]);
      expect(msgs.map((m) => m.type)).toEqual(["ClientHello", "ServerHello"]);
      const ch = msgs[0]!;
      expect(ch.raw.length).toBe(size);
      if (!flagged) {
        expect(ch.warnings).toBeUndefined();
        continue;
      }
      expect(lengthWarnings(ch)).toEqual([
        {
          field: "tls.record.length.invalid",
          message: `TLSPlaintext record of ${size} bytes is over the 16384-byte limit (RFC 8446 §5.1); a conforming peer answers record_overflow`,
          value: size,
          limit: MAX_PLAINTEXT_LENGTH,
          spec: "RFC 8446 §5.1",
          streamOffset: 0,
        },
      ]);
      expect(msgs[1]!.warnings).toBeUndefined();
    }
  });

  it("the warning reaches the evidence and the numbered transcript a person reads", () => {
    const hello = clientHello(new Uint8Array(randomBytes(32)), MAX_PLAINTEXT_LENGTH + 1);
    const msgs = decodeConnection([
      { direction: C, bytes: record(22, hello, 0x0301) },
      { direction: S, bytes: record(22, serverHello(false)) },
    ]);
    const conv = buildConversation(msgs, { source: "capture", client: { host: "127.0.0.1", port: 1 }, server: { host: "127.0.0.1", port: 2 } });
    const lines = transcriptLines(conv);
    expect(lines[0]).toMatch(/^#1 +ClientHello → .*\[warning tls\.record\.length\.invalid: .*16385.*16384.*\]/);
    expect(lines[1]).not.toContain("warning");
  });
  it("a message spread over an oversized record and a normal one carries the warning once it completes", () => {
    const hello = clientHello(new Uint8Array(randomBytes(32)), MAX_PLAINTEXT_LENGTH + 100);
    const first = hello.subarray(0, MAX_PLAINTEXT_LENGTH + 50);
    const msgs = decodeConnection([
      { direction: C, bytes: record(22, first) },
      { direction: C, bytes: record(22, hello.subarray(first.length)) },
      { direction: C, bytes: record(21, Uint8Array.of(1, 0)) },
    ]);
    expect(msgs.map((m) => m.type)).toEqual(["ClientHello", "Alert"]);
    expect(lengthWarnings(msgs[0])).toMatchObject([{ value: MAX_PLAINTEXT_LENGTH + 50, streamOffset: 0 }]);
    expect(msgs[1]!.warnings).toBeUndefined();
  });
});

describe("TLS 1.3 TLSCiphertext over 2^14 + 256 bytes (RFC 8446 §5.2)", () => {
  const suite = TLS13_SUITES[0x1301]!;
  const cr = new Uint8Array(randomBytes(32));
  const secret = new Uint8Array(randomBytes(32));
  const keyLogText = `SERVER_HANDSHAKE_TRAFFIC_SECRET ${Buffer.from(cr).toString("hex")} ${Buffer.from(secret).toString("hex")}\n`;
  const ee = Uint8Array.of(8, 0, 0, 2, 0, 0); // EncryptedExtensions with no extensions
  const hello = [
    { direction: C, bytes: record(22, clientHello(cr), 0x0301) },
    { direction: S, bytes: record(22, serverHello(true)) },
  ];
  /** The server's first protected record: EncryptedExtensions padded so the record is `fragment` bytes long. */
  const sealed = (fragment: number) => new RecordProtection(suite, secret).seal(22, ee, fragment - ee.length - 1 - suite.tagLength);

  it("2^14+257 bytes: decrypted, both the ciphertext and the inner plaintext limits flagged", () => {
    const rec = sealed(MAX_TLS13_CIPHERTEXT_LENGTH + 1);
    expect(rec.length - 5).toBe(MAX_TLS13_CIPHERTEXT_LENGTH + 1);
    const msgs = decodeConnection([...hello, { direction: S, bytes: rec }], { keyLogText });
    const m = msgs.find((x) => x.type === "EncryptedExtensions")!;
    expect(m.decrypted).toBe(true);
    expect(lengthWarnings(m).map((w) => [w.value, w.limit, w.spec])).toEqual([
      [MAX_TLS13_CIPHERTEXT_LENGTH + 1, MAX_TLS13_CIPHERTEXT_LENGTH, "RFC 8446 §5.2"],
      [MAX_TLS13_CIPHERTEXT_LENGTH + 1 - 16, MAX_TLS13_INNER_PLAINTEXT_LENGTH, "RFC 8446 §5.4"],
    ]);
    expect(lengthWarnings(m)[0]!.message).toBe(
      "TLS 1.3 TLSCiphertext record of 16641 bytes is over the 16640-byte limit (RFC 8446 §5.2); a conforming peer answers record_overflow",
    );
  });

  it("2^14+256 bytes exactly: the ciphertext is legal, but the padded inner plaintext (2^14+240) is not", () => {
    const msgs = decodeConnection([...hello, { direction: S, bytes: sealed(MAX_TLS13_CIPHERTEXT_LENGTH) }], { keyLogText });
    const m = msgs.find((x) => x.type === "EncryptedExtensions")!;
    expect(lengthWarnings(m).map((w) => w.spec)).toEqual(["RFC 8446 §5.4"]);
  });

  it("2^14+17 bytes (inner plaintext 2^14+1) is legal: no warning", () => {
    const msgs = decodeConnection([...hello, { direction: S, bytes: sealed(MAX_TLS13_INNER_PLAINTEXT_LENGTH + 16) }], { keyLogText });
    expect(msgs.find((x) => x.type === "EncryptedExtensions")!.warnings).toBeUndefined();
  });

  it("without keys the oversized record is still reported (encrypted) with the warning", () => {
    const msgs = decodeConnection([...hello, { direction: S, bytes: sealed(MAX_TLS13_CIPHERTEXT_LENGTH + 1) }]);
    const m = msgs.at(-1)!;
    expect(m).toMatchObject({ type: "EncryptedHandshake", encrypted: true });
    expect(lengthWarnings(m)).toMatchObject([{ value: MAX_TLS13_CIPHERTEXT_LENGTH + 1, spec: "RFC 8446 §5.2" }]);
  });
});

describe("TLS 1.2 TLSCiphertext over 2^14 + 2048 bytes (RFC 5246 §6.2.3)", () => {
  const cr = new Uint8Array(randomBytes(32));
  const flight = (finishedLength: number) => [
    { direction: C, bytes: record(22, clientHello(cr), 0x0301) },
    { direction: S, bytes: record(22, serverHello(false)) },
    { direction: C, bytes: record(20, Uint8Array.of(1)) },
    // the client's encrypted Finished (opaque to us), then an encrypted alert: framing must hold across it
    { direction: C, bytes: Uint8Array.from([...record(22, new Uint8Array(randomBytes(finishedLength))), ...record(21, new Uint8Array(26))]) },
  ];

  it("2^14+2049 bytes: kept in frame, reported as the encrypted Finished with the warning; the next record follows", () => {
    const msgs = decodeConnection(flight(MAX_TLS12_CIPHERTEXT_LENGTH + 1));
    const c2s = msgs.filter((m) => m.direction === C);
    expect(c2s.map((m) => m.type)).toEqual(["ClientHello", "ChangeCipherSpec", "EncryptedHandshake", "EncryptedAlert"]);
    expect(c2s.filter((m) => m.type === "Undecodable")).toEqual([]);
    expect(lengthWarnings(c2s[2])).toEqual([
      {
        field: "tls.record.length.invalid",
        message: "TLS 1.2 TLSCiphertext record of 18433 bytes is over the 18432-byte limit (RFC 5246 §6.2.3); a conforming peer answers record_overflow",
        value: MAX_TLS12_CIPHERTEXT_LENGTH + 1,
        limit: MAX_TLS12_CIPHERTEXT_LENGTH,
        spec: "RFC 5246 §6.2.3",
        streamOffset: c2s[2]!.streamOffset,
      },
    ]);
    expect(c2s[3]!.warnings).toBeUndefined();
  });

  it("2^14+2048 bytes exactly (and 2^14+1, legal once encrypted) carry no warning", () => {
    for (const n of [MAX_TLS12_CIPHERTEXT_LENGTH, MAX_PLAINTEXT_LENGTH + 1]) {
      const c2s = decodeConnection(flight(n)).filter((m) => m.direction === C);
      expect(c2s.map((m) => m.type)).toEqual(["ClientHello", "ChangeCipherSpec", "EncryptedHandshake", "EncryptedAlert"]);
      expect(c2s.some((m) => m.warnings)).toBe(false);
    }
  });

  it("the deframer delivers a 65535-byte record while in sync, but still refuses one as a stream start", () => {
    const big = record(23, new Uint8Array(0xffff));
    const got: TlsRecord[] = [];
    const skipped: number[] = [];
    const d = new RecordDeframer({ record: (r) => got.push(r), skipped: (s) => skipped.push(s.length) });
    d.feed(Uint8Array.from([...record(22, Uint8Array.of(1, 2, 3)), ...big]));
    d.end();
    expect(got.map((r) => r.fragment.length)).toEqual([3, 0xffff]);
    expect(skipped).toEqual([]);
    const fresh = new RecordDeframer({ record: (r) => got.push(r), skipped: (s) => skipped.push(s.length) });
    fresh.feed(big);
    expect(fresh.notTls).toBe(true);
  });
});
