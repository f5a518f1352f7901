/**
 * RFC 8448 §3 "Simple 1-RTT Handshake": the published secrets and keys, checked through our key schedule.
 * Values are pasted in the RFC's own layout and stripped by parseVector (pattern: Go key_schedule_test.go).
 */
import { describe, expect, it } from "vitest";
import { ConnectionDecoder } from "../../src/wire/connection.js";
import { encodeHandshakeMessage } from "../../src/wire/messages/index.js";
import { deriveSecret, hkdfExpandLabel, hkdfExtract, trafficKeys, TLS13_SUITES } from "../../src/wire/tls13/keySchedule.js";
import { recordNonce, RecordProtection } from "../../src/wire/tls13/recordProtection.js";
import type { AlertMessage, CertificateVerify, EncryptedExtensions, Finished } from "../../src/wire/types.js";

/** Strip RFC 8448 hex formatting (spaces, line breaks) into bytes. */
function parseVector(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const EMPTY = new Uint8Array(0);
const AES128 = TLS13_SUITES[0x1301]!;

// RFC 8448 §3, {server} / {client} "derive secret" and "derive write traffic keys" blocks.
const V = {
  ecdhe: `8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63
         ef d4 62 72 90 0f 89 49 2d`,
  earlySecret: `33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26
         60 e1 b2 2e 10 f1 70 f9 2a`,
  derivedForHandshake: `6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97 16 c0 76 18 9c 48 25
         0c eb ea c3 57 6c 36 11 ba`,
  handshakeSecret: `1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e
         d2 21 a9 f0 ca 04 3f be ac`,
  derivedForMaster: `43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25 90 b5 31 90 a6 5b 3e e2 e4
         f1 2d d7 a0 bb 7c e2 54 b4`,
  masterSecret: `18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79
         84 d5 a4 1d a8 d0 40 29 19`,
  clientHandshakeTrafficSecret: `b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38
         f5 2e 96 00 74 6a 0e 27 a5 5a 21`,
  serverHandshakeTrafficSecret: `b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de
         d9 10 5d 42 be fd 59 d3 91 ad 38`,
  serverHandshakeKey: `3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc`,
  serverHandshakeIv: `5d 31 3e b2 67 12 76 ee 13 00 0b 30`,
  clientHandshakeKey: `db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01`,
  clientHandshakeIv: `5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f`,
  serverApplicationTrafficSecret: `a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b
         fb 6b 3a 4b 4f 1f 3f cb 63 16 43`,
  serverApplicationKey: `9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56`,
  serverApplicationIv: `cf 78 2b 88 dd 83 54 9a ad f1 e9 84`,
  serverFinishedKey: `00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f
         01 f2 88 a1 d8 cd c1 9f c8`,
  clientRandom: `cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12
         ec 18 a2 ef 62 83 02 4d ec e7`,
};

describe("RFC 8448 §3 key schedule", () => {
  it("early secret = HKDF-Extract(0, 0)", () => {
    expect(hex(hkdfExtract("sha256", EMPTY, new Uint8Array(32)))).toBe(hex(parseVector(V.earlySecret)));
  });
  it('Derive-Secret(early, "derived", "") and the handshake secret', () => {
    const derived = deriveSecret("sha256", parseVector(V.earlySecret), "derived", []);
    expect(hex(derived)).toBe(hex(parseVector(V.derivedForHandshake)));
    expect(hex(hkdfExtract("sha256", derived, parseVector(V.ecdhe)))).toBe(hex(parseVector(V.handshakeSecret)));
  });
  it("master secret", () => {
    const derived = deriveSecret("sha256", parseVector(V.handshakeSecret), "derived", []);
    expect(hex(derived)).toBe(hex(parseVector(V.derivedForMaster)));
    expect(hex(hkdfExtract("sha256", derived, new Uint8Array(32)))).toBe(hex(parseVector(V.masterSecret)));
  });
  it("HKDF-Expand-Label key / iv (§7.3) for the handshake and application traffic secrets", () => {
    const s = trafficKeys(parseVector(V.serverHandshakeTrafficSecret), AES128);
    expect(hex(s.key)).toBe(hex(parseVector(V.serverHandshakeKey)));
    expect(hex(s.iv)).toBe(hex(parseVector(V.serverHandshakeIv)));
    const c = trafficKeys(parseVector(V.clientHandshakeTrafficSecret), AES128);
    expect(hex(c.key)).toBe(hex(parseVector(V.clientHandshakeKey)));
    expect(hex(c.iv)).toBe(hex(parseVector(V.clientHandshakeIv)));
    const a = trafficKeys(parseVector(V.serverApplicationTrafficSecret), AES128);
    expect(hex(a.key)).toBe(hex(parseVector(V.serverApplicationKey)));
    expect(hex(a.iv)).toBe(hex(parseVector(V.serverApplicationIv)));
  });
  it('finished_key = HKDF-Expand-Label(server hs secret, "finished", "", 32)', () => {
    const fk = hkdfExpandLabel("sha256", parseVector(V.serverHandshakeTrafficSecret), "finished", EMPTY, 32);
    expect(hex(fk)).toBe(hex(parseVector(V.serverFinishedKey)));
  });
  it("per-record nonce is iv XOR seq (§5.3)", () => {
    const iv = parseVector(V.serverHandshakeIv);
    expect(hex(recordNonce(iv, 0))).toBe(hex(iv));
    expect(hex(recordNonce(iv, 1))).toBe("5d313eb2671276ee13000b31");
    expect(hex(recordNonce(iv, 0x0102))).toBe("5d313eb2671276ee13000a32");
  });
});

describe("RFC 8448 §3 keys drive the ConnectionDecoder", () => {
  it("decrypts a server flight and a post-handshake alert protected under the RFC's secrets", () => {
    const enc = (m: Parameters<typeof encodeHandshakeMessage>[0]) => encodeHandshakeMessage(m, { version: 0x0304 });
    const cr = parseVector(V.clientRandom);
    const ch = enc({
      type: "ClientHello", msgType: 1, legacyVersion: 0x0303, random: cr, sessionId: EMPTY, cipherSuites: [0x1301],
      compressionMethods: [0], extensions: [{ type: 43, name: "supported_versions", raw: Uint8Array.of(2, 3, 4) }],
    });
    const sh = enc({
      type: "ServerHello", msgType: 2, legacyVersion: 0x0303, random: new Uint8Array(32).fill(7), sessionId: EMPTY,
      cipherSuite: 0x1301, compressionMethod: 0, extensions: [{ type: 43, name: "supported_versions", raw: Uint8Array.of(3, 4) }],
    });
    const rec = (ct: number, body: Uint8Array) => Uint8Array.from([ct, 3, 3, body.length >> 8, body.length & 0xff, ...body]);
    const shs = new RecordProtection(AES128, parseVector(V.serverHandshakeTrafficSecret));
    const ee = enc({ type: "EncryptedExtensions", msgType: 8, extensions: [] });
    const cv = enc({ type: "CertificateVerify", msgType: 15, signatureScheme: 0x0804, signature: new Uint8Array(8) });
    const fin = enc({ type: "Finished", msgType: 20, verifyData: new Uint8Array(32).fill(1) });
    // EE + CV in one record (padded), Finished split across two records
    const flight = [shs.seal(22, Uint8Array.from([...ee, ...cv]), 5), shs.seal(22, fin.subarray(0, 10)), shs.seal(22, fin.subarray(10))];
    const sap = new RecordProtection(AES128, parseVector(V.serverApplicationTrafficSecret));
    const alert = sap.seal(21, Uint8Array.of(2, 116));

    const keyLog = [
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${hex(cr)} ${hex(parseVector(V.serverHandshakeTrafficSecret))}`,
      `SERVER_TRAFFIC_SECRET_0 ${hex(cr)} ${hex(parseVector(V.serverApplicationTrafficSecret))}`,
    ].join("\n");
    const d = new ConnectionDecoder();
    d.addKeyLog(keyLog);
    d.push("client→server", rec(22, ch), { frame: 1 });
    const out = [...d.push("server→client", Uint8Array.from([...rec(22, sh), ...flight[0]!, ...flight[1]!]), { frame: 2 })];
    out.push(...d.push("server→client", Uint8Array.from([...flight[2]!, ...alert]), { frame: 3 }));
    out.push(...d.end());
    expect(out.map((m) => m.type)).toEqual(["ServerHello", "EncryptedExtensions", "CertificateVerify", "Finished", "Alert"]);
    expect((out[1]!.body as EncryptedExtensions).extensions).toEqual([]);
    expect((out[2]!.body as CertificateVerify).signatureScheme).toBe(0x0804);
    expect(out[3]!).toMatchObject({ decrypted: true, frame: 3 });
    expect(Buffer.from((out[3]!.body as Finished).verifyData).equals(Buffer.alloc(32, 1))).toBe(true);
    expect(out[3]!.streamOffset).toBeLessThan(out[3]!.endStreamOffset);
    expect(out[4]!.body as AlertMessage).toMatchObject({ level: 2, description: 116, descriptionName: "certificate_required" });
    expect(d.state.handshakeDone.server).toBe(true);
  });
});
