/**
 * ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and ServerHello / HelloRetryRequest (RFC 8446 §4.1.3).
 * Their extensions block is optional on the wire (RFC 5246 §7.4.1.2: "presence of extensions can be detected by
 * determining whether there are bytes following the compression_methods"), so tails may be absent.
 */
import { DecodeError } from "../errors.js";
import type { Reader } from "../reader.js";
import type { ClientHello, ServerHello } from "../types.js";
import type { Writer } from "../writer.js";
import { EXT, readAlpn, readExtensions, readServerName, readSignatureSchemeList, writeExtensions } from "./extensions.js";

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

export function isHelloRetryRequestRandom(random: Uint8Array): boolean {
  if (random.length !== 32) return false;
  for (let i = 0; i < 32; i++) if (random[i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

export function decodeClientHello(r: Reader): ClientHello {
  const legacyVersion = r.u16("ClientHello.legacy_version");
  const random = r.bytes(32, "ClientHello.random");
  const sessionId = r.vec8("ClientHello.legacy_session_id", 0, 32);
  const cipherSuites = r.u16List("ClientHello.cipher_suites", 2, 0xfffe);
  const compressionMethods = r.u8List("ClientHello.legacy_compression_methods", 1);
  const m: ClientHello = {
    type: "ClientHello",
    msgType: 1,
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compressionMethods,
    extensions: [],
  };
  if (!r.atEnd) {
    m.extensions = readExtensions(r, "ClientHello", (ext, body) => {
      switch (ext.type) {
        case EXT.server_name: {
          const host = readServerName(body);
          if (host !== undefined) m.serverName = host;
          return true;
        }
        case EXT.supported_versions:
          m.supportedVersions = readU8PrefixedU16List(body, "ClientHello.supported_versions");
          return true;
        case EXT.signature_algorithms:
          m.signatureAlgorithms = readSignatureSchemeList(body, "ClientHello.signature_algorithms");
          return true;
        case EXT.application_layer_protocol_negotiation:
          m.alpn = readAlpn(body);
          return true;
        default:
          return false;
      }
    });
  }
  r.expectEmpty("ClientHello");
  return m;
}

/** RFC 8446 §4.2.1 (ClientHello form): `ProtocolVersion versions<2..254>`. */
function readU8PrefixedU16List(r: Reader, what: string): number[] {
  const list = r.sub8(what, 2, 254);
  if (list.left % 2 !== 0) throw new DecodeError("range", `${what} length (odd)`, list.offset - 1, list.left);
  const out: number[] = [];
  while (!list.atEnd) out.push(list.u16(what));
  return out;
}

export function encodeClientHello(w: Writer, m: ClientHello): void {
  w.u16(m.legacyVersion).bytes(m.random).vec8(m.sessionId).u16List(m.cipherSuites).u8List(m.compressionMethods);
  if (m.extensions.length > 0) writeExtensions(w, m.extensions);
}

export function decodeServerHello(r: Reader): ServerHello {
  const legacyVersion = r.u16("ServerHello.legacy_version");
  const random = r.bytes(32, "ServerHello.random");
  const sessionId = r.vec8("ServerHello.legacy_session_id_echo", 0, 32);
  const cipherSuite = r.u16("ServerHello.cipher_suite");
  const compressionMethod = r.u8("ServerHello.legacy_compression_method");
  const hrr = isHelloRetryRequestRandom(random);
  const m: ServerHello = {
    type: hrr ? "HelloRetryRequest" : "ServerHello",
    msgType: 2,
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions: [],
  };
  if (!r.atEnd) {
    m.extensions = readExtensions(r, hrr ? "HelloRetryRequest" : "ServerHello", (ext, body) => {
      if (ext.type === EXT.supported_versions) {
        // RFC 8446 §4.2.1 (ServerHello/HRR form): ProtocolVersion selected_version
        m.selectedVersion = body.u16("ServerHello.supported_versions.selected_version");
        return true;
      }
      return false;
    });
  }
  r.expectEmpty("ServerHello");
  return m;
}

export function encodeServerHello(w: Writer, m: ServerHello): void {
  w.u16(m.legacyVersion).bytes(m.random).vec8(m.sessionId).u16(m.cipherSuite).u8(m.compressionMethod);
  if (m.extensions.length > 0) writeExtensions(w, m.extensions);
}
