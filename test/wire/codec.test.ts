/**
 * Codec properties for every handshake message (pattern: Go handshake_messages_test.go, rustls message_test.rs):
 * encode∘decode round trip, every strict prefix of a body rejected with DecodeError('short') (except where the
 * tail is optional), random bytes never throw anything but DecodeError, and focused rejection tests.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../src/wire/errors.js";
import { decodeHandshakeMessage, encodeHandshakeMessage } from "../../src/wire/messages/index.js";
import { HELLO_RETRY_REQUEST_RANDOM } from "../../src/wire/messages/hello.js";
import { nameOf, EXTENSION_TYPES } from "../../src/wire/tables.js";
import type { CertificateRequest, ClientHello, Extension, HandshakeMessage, ServerHello } from "../../src/wire/types.js";
import { Writer } from "../../src/wire/writer.js";

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u16list = (min: number, max: number) => fc.array(u16, { minLength: min, maxLength: max });

/** Extensions with unique types, avoiding the types whose bodies the given message interprets. */
const extensions = (interpreted: number[], max = 5) =>
  fc
    .uniqueArray(fc.record({ type: u16.filter((t) => !interpreted.includes(t)), raw: bytes(0, 12) }), {
      selector: (e) => e.type,
      maxLength: max,
    })
    .map((es) => es.map((e): Extension => ({ type: e.type, name: nameOf(EXTENSION_TYPES, e.type), raw: e.raw })));

const ext = (type: number, build: (w: Writer) => void): Extension => {
  const w = new Writer();
  build(w);
  return { type, name: nameOf(EXTENSION_TYPES, type), raw: w.finish() };
};

const clientHello: fc.Arbitrary<ClientHello> = fc
  .record({
    legacyVersion: u16,
    random: bytes(32, 32),
    sessionId: bytes(0, 32),
    cipherSuites: u16list(1, 10),
    compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }),
    extensions: extensions([0, 13, 16, 43]),
    host: fc.option(fc.stringMatching(/^[a-z0-9.-]{1,20}$/), { nil: undefined }),
    versions: fc.option(u16list(1, 4), { nil: undefined }),
  })
  .map(({ host, versions, ...m }) => {
    const exts = [...m.extensions];
    if (host) exts.push(ext(0, (w) => w.len16(() => w.u8(0).vec16(new Uint8Array(Buffer.from(host, "latin1"))))));
    if (versions) exts.push(ext(43, (w) => w.len8(() => versions.forEach((v) => w.u16(v)))));
    return { type: "ClientHello", msgType: 1, ...m, extensions: exts };
  });

const serverHello: fc.Arbitrary<ServerHello> = fc
  .record({
    legacyVersion: u16,
    random: fc.oneof(bytes(32, 32), fc.constant(HELLO_RETRY_REQUEST_RANDOM)),
    sessionId: bytes(0, 32),
    cipherSuite: u16,
    compressionMethod: fc.integer({ min: 0, max: 255 }),
    extensions: extensions([43]),
    selected: fc.option(u16, { nil: undefined }),
  })
  .map(({ selected, ...m }) => ({
    type: "ServerHello" as const,
    msgType: 2 as const,
    ...m,
    extensions: selected === undefined ? m.extensions : [...m.extensions, ext(43, (w) => w.u16(selected))],
  }));

const certificate = (tls13: boolean) =>
  fc.record({
    requestContext: tls13 ? bytes(0, 4) : fc.constant(undefined),
    entries: fc.array(fc.record({ certData: bytes(1, 40), extensions: tls13 ? extensions([], 2) : fc.constant([]) }), { maxLength: 4 }),
  }).map((m) => ({
    type: "Certificate" as const,
    msgType: 11 as const,
    form: tls13 ? ("tls13" as const) : ("tls12" as const),
    ...(m.requestContext !== undefined ? { requestContext: m.requestContext } : {}),
    certificatesLength: 0,
    entries: m.entries,
  }));

const dns = fc.array(bytes(1, 30), { maxLength: 4 });
const certificateRequest12: fc.Arbitrary<CertificateRequest> = fc
  .record({ certificateTypes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }), signatureAlgorithms: u16list(1, 8), certificateAuthorities: dns })
  .map((m) => ({ type: "CertificateRequest", msgType: 13, form: "tls12", ...m, certificateAuthoritiesState: "present" }));
const certificateRequest13: fc.Arbitrary<CertificateRequest> = fc
  .record({ requestContext: bytes(0, 4), sig: u16list(1, 8), cas: fc.option(dns, { nil: undefined }), other: extensions([13, 47, 50], 3) })
  .map((m) => {
    const exts = [ext(13, (w) => w.u16List(m.sig)), ...m.other];
    if (m.cas) exts.push(ext(47, (w) => w.len16(() => m.cas!.forEach((d) => w.vec16(d)))));
    return {
      type: "CertificateRequest", msgType: 13, form: "tls13", requestContext: m.requestContext, signatureAlgorithms: m.sig,
      certificateAuthorities: m.cas ?? [], certificateAuthoritiesState: m.cas === undefined ? "absent" : m.cas.length ? "present" : "present-empty", extensions: exts,
    };
  });

const nst13 = fc.record({ lifetime: fc.nat(), ageAdd: fc.nat(), nonce: bytes(0, 8), ticket: bytes(1, 30), extensions: extensions([], 2) })
  .map((m) => ({ type: "NewSessionTicket" as const, msgType: 4 as const, ...m }));
const nst12 = fc.record({ lifetime: fc.nat(), ticket: bytes(0, 30) }).map((m) => ({ type: "NewSessionTicket" as const, msgType: 4 as const, ...m }));

interface Case {
  name: string;
  version: number;
  arb: fc.Arbitrary<HandshakeMessage>;
  /** Tail is optional: some strict prefixes decode successfully. */
  optionalTail?: boolean;
}
const CASES: Case[] = [
  { name: "ClientHello", version: 0x0303, arb: clientHello, optionalTail: true },
  { name: "ServerHello", version: 0x0303, arb: serverHello, optionalTail: true },
  { name: "Certificate (1.2)", version: 0x0303, arb: certificate(false) },
  { name: "Certificate (1.3)", version: 0x0304, arb: certificate(true) },
  { name: "CertificateRequest (1.2)", version: 0x0303, arb: certificateRequest12 },
  { name: "CertificateRequest (1.3)", version: 0x0304, arb: certificateRequest13 },
  { name: "EncryptedExtensions", version: 0x0304, arb: extensions([]).map((e) => ({ type: "EncryptedExtensions" as const, msgType: 8 as const, extensions: e })) },
  { name: "CertificateVerify", version: 0x0304, arb: fc.record({ signatureScheme: u16, signature: bytes(0, 40) }).map((m) => ({ type: "CertificateVerify" as const, msgType: 15 as const, ...m })) },
  { name: "Finished", version: 0x0304, arb: bytes(0, 48).map((v) => ({ type: "Finished" as const, msgType: 20 as const, verifyData: v })), optionalTail: true },
  { name: "NewSessionTicket (1.3)", version: 0x0304, arb: nst13 },
  { name: "NewSessionTicket (1.2)", version: 0x0303, arb: nst12 },
  { name: "KeyUpdate", version: 0x0304, arb: fc.integer({ min: 0, max: 1 }).map((v) => ({ type: "KeyUpdate" as const, msgType: 24, body: Uint8Array.of(v) })) },
  { name: "ServerKeyExchange", version: 0x0303, arb: bytes(0, 40).map((b) => ({ type: "ServerKeyExchange" as const, msgType: 12, body: b })), optionalTail: true },
  { name: "ClientKeyExchange", version: 0x0303, arb: bytes(0, 40).map((b) => ({ type: "ClientKeyExchange" as const, msgType: 16, body: b })), optionalTail: true },
];

function withBody(raw: Uint8Array, bodyLength: number): Uint8Array {
  const out = raw.slice(0, 4 + bodyLength);
  out[1] = bodyLength >> 16;
  out[2] = (bodyLength >> 8) & 0xff;
  out[3] = bodyLength & 0xff;
  return out;
}

describe.each(CASES)("$name", ({ version, arb, optionalTail }) => {
  it("round-trips: encode(decode(encode(m))) = encode(m)", () => {
    fc.assert(
      fc.property(arb, (m) => {
        const raw = encodeHandshakeMessage(m, { version });
        const d = decodeHandshakeMessage(raw, { version });
        expect(d.msgType).toBe(m.msgType);
        expect(Buffer.from(encodeHandshakeMessage(d, { version })).equals(Buffer.from(raw))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("rejects every strict prefix of the body with DecodeError('short')", () => {
    fc.assert(
      fc.property(arb, (m) => {
        const raw = encodeHandshakeMessage(m, { version });
        for (let n = 0; n < raw.length - 4; n++) {
          const cut = withBody(raw, n);
          try {
            decodeHandshakeMessage(cut, { version });
            if (!optionalTail) throw new Error(`prefix of ${n} body bytes decoded`);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            expect((e as DecodeError).kind).toBe("short");
          }
        }
        // and a truncated record (header promises more than present)
        if (raw.length > 4) expect(() => decodeHandshakeMessage(raw.subarray(0, raw.length - 1), { version })).toThrow(DecodeError);
      }),
      { numRuns: 40 },
    );
  });
});

describe("robustness", () => {
  it("random bodies never throw anything but DecodeError", () => {
    const types = [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24, 25, 99, 254];
    fc.assert(
      fc.property(fc.constantFrom(...types), bytes(0, 200), fc.constantFrom(0x0301, 0x0303, 0x0304), (t, body, version) => {
        const raw = new Uint8Array(4 + body.length);
        raw[0] = t;
        raw[1] = body.length >> 16;
        raw[2] = (body.length >> 8) & 0xff;
        raw[3] = body.length & 0xff;
        raw.set(body, 4);
        try {
          decodeHandshakeMessage(raw, { version });
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("random mutations of valid messages never throw anything but DecodeError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CASES), fc.nat(), fc.integer({ min: 0, max: 255 }), (c, pos, val) => {
        const m = fc.sample(c.arb, { numRuns: 1, seed: pos })[0]!;
        const raw = encodeHandshakeMessage(m, { version: c.version });
        raw[pos % raw.length] = val;
        try {
          decodeHandshakeMessage(raw, { version: c.version });
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

const enc13 = (m: HandshakeMessage) => encodeHandshakeMessage(m, { version: 0x0304 });

describe("focused cases", () => {
  it("rejects a duplicate extension with DecodeError('duplicate') naming it", () => {
    const e: Extension = { type: 47, name: "certificate_authorities", raw: Uint8Array.of(0, 0) };
    const raw = enc13({ type: "EncryptedExtensions", msgType: 8, extensions: [e, e] });
    try {
      decodeHandshakeMessage(raw, { version: 0x0304 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).kind).toBe("duplicate");
      expect((err as DecodeError).message).toContain("certificate_authorities");
      expect((err as DecodeError).offset).toBe(4 + 2 + 6);
    }
  });

  it("keeps unknown extensions and names GREASE", () => {
    const raw = enc13({
      type: "EncryptedExtensions",
      msgType: 8,
      extensions: [
        { type: 0x1234, name: "", raw: Uint8Array.of(1, 2, 3) },
        { type: 0x3a3a, name: "", raw: new Uint8Array(0) },
      ],
    });
    const m = decodeHandshakeMessage(raw, { version: 0x0304 });
    expect(m.type === "EncryptedExtensions" && m.extensions.map((e) => e.name)).toEqual(["unknown(0x1234)", "GREASE(0x3a3a)"]);
    expect(m.type === "EncryptedExtensions" && [...m.extensions[0]!.raw]).toEqual([1, 2, 3]);
  });

  it("TLS 1.3 CertificateRequest: certificate_authorities absent / present / present-empty", () => {
    const base = { type: "CertificateRequest" as const, msgType: 13 as const, form: "tls13" as const, requestContext: new Uint8Array(0), signatureAlgorithms: [], certificateAuthorities: [], certificateAuthoritiesState: "absent" as const };
    const sig = ext(13, (w) => w.u16List([0x0403]));
    const state = (exts: Extension[]) => {
      const m = decodeHandshakeMessage(enc13({ ...base, extensions: exts }), { version: 0x0304 }) as CertificateRequest;
      return [m.certificateAuthoritiesState, m.certificateAuthorities.length, m.signatureAlgorithms];
    };
    expect(state([sig])).toEqual(["absent", 0, [0x0403]]);
    expect(state([sig, ext(47, (w) => w.len16(() => w.vec16(Uint8Array.of(0x30, 0))))])).toEqual(["present", 1, [0x0403]]);
    // OpenSSL 3.0 -no_ca_names style: a zero-length list, which RFC 8446 §4.2.4 forbids: decoded, not thrown on
    expect(state([sig, ext(47, (w) => w.u16(0))])).toEqual(["present-empty", 0, [0x0403]]);
  });

  it("TLS 1.0 CertificateRequest has no signature algorithms field", () => {
    const m: CertificateRequest = { type: "CertificateRequest", msgType: 13, form: "tls12", certificateTypes: [1], signatureAlgorithms: [], certificateAuthorities: [Uint8Array.of(0x30, 0)], certificateAuthoritiesState: "present" };
    const raw = encodeHandshakeMessage(m, { version: 0x0301 });
    expect([...raw]).toEqual([13, 0, 0, 8, 1, 1, 0, 4, 0, 2, 0x30, 0]);
    expect(decodeHandshakeMessage(raw, { version: 0x0301 })).toMatchObject({ certificateTypes: [1], certificateAuthorities: [Uint8Array.of(0x30, 0)] });
  });

  it("detects HelloRetryRequest by its special random (RFC 8446 §4.1.3)", () => {
    const sh: ServerHello = { type: "ServerHello", msgType: 2, legacyVersion: 0x0303, random: HELLO_RETRY_REQUEST_RANDOM, sessionId: new Uint8Array(0), cipherSuite: 0x1301, compressionMethod: 0, extensions: [ext(43, (w) => w.u16(0x0304))] };
    expect(decodeHandshakeMessage(enc13(sh), { version: 0x0303 })).toMatchObject({ type: "HelloRetryRequest", selectedVersion: 0x0304 });
  });

  it("ClientHello exposes server_name, supported_versions, signature_algorithms and ALPN", () => {
    const ch: ClientHello = {
      type: "ClientHello", msgType: 1, legacyVersion: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuites: [0x1301], compressionMethods: [0],
      extensions: [
        ext(0, (w) => w.len16(() => w.u8(0).vec16(new Uint8Array(Buffer.from("api.example.com"))))),
        ext(43, (w) => w.len8(() => w.u16(0x0304).u16(0x0303))),
        ext(13, (w) => w.u16List([0x0804, 0x0403])),
        ext(16, (w) => w.len16(() => w.vec8(new Uint8Array(Buffer.from("h2"))).vec8(new Uint8Array(Buffer.from("http/1.1"))))),
      ],
    };
    expect(decodeHandshakeMessage(enc13(ch), { version: 0x0303 })).toMatchObject({
      serverName: "api.example.com", supportedVersions: [0x0304, 0x0303], signatureAlgorithms: [0x0804, 0x0403], alpn: ["h2", "http/1.1"],
    });
  });

  it("a known extension with trailing bytes is rejected ('trailing')", () => {
    const sh: ServerHello = { type: "ServerHello", msgType: 2, legacyVersion: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuite: 0x1301, compressionMethod: 0, extensions: [ext(43, (w) => w.u16(0x0304).u8(0))] };
    expect(() => decodeHandshakeMessage(enc13(sh), { version: 0x0303 })).toThrow(expect.objectContaining({ kind: "trailing" }));
  });

  it("trailing bytes after a message body are rejected ('trailing')", () => {
    const raw = Uint8Array.of(14, 0, 0, 1, 0); // ServerHelloDone with a body byte
    expect(() => decodeHandshakeMessage(raw, { version: 0x0303 })).toThrow(expect.objectContaining({ kind: "trailing", offset: 4 }));
  });

  it("Writer: an interrupted length-prefixed write leaves the maximum length, not a plausible one", () => {
    const w = new Writer();
    expect(() => w.len16(() => { w.u8(1); throw new Error("boom"); })).toThrow("boom");
    expect([...w.finish()]).toEqual([0xff, 0xff, 1]);
  });
});
