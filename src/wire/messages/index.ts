/**
 * Handshake message dispatch: `decodeHandshakeMessage(raw, ctx)` and its inverse `encodeHandshakeMessage`.
 * One decode/encode pair per message lives in the family files beside this one (pattern: Go crypto/tls
 * `*Msg.unmarshal/marshal`); the version-dependent forms take `ctx.version` explicitly.
 */
import { DecodeError } from "../errors.js";
import { Reader } from "../reader.js";
import type { HandshakeMessage } from "../types.js";
import { Writer } from "../writer.js";
import { decodeCertificate, encodeCertificate } from "./certificate.js";
import { decodeCertificateRequest12, decodeCertificateRequest13, encodeCertificateRequest } from "./certificateRequest.js";
import { decodeClientHello, decodeServerHello, encodeClientHello, encodeServerHello } from "./hello.js";
import {
  decodeCertificateVerify,
  decodeEmpty,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeOpaque,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeNewSessionTicket,
} from "./misc.js";

/** Decoding context: the negotiated (or, before ServerHello, assumed) protocol version, e.g. 0x0304. */
export interface DecodeContext {
  version: number;
}

/** HandshakeType code points (RFC 8446 §4, RFC 5246 §7.4). */
export const HS = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_status: 22,
  key_update: 24,
  compressed_certificate: 25,
  message_hash: 254,
} as const;

/**
 * Decode one handshake message from its raw bytes (4-byte header `msg_type(1) length(3)` + body).
 * The TLS 1.2 vs 1.3 layout of Certificate, CertificateRequest and NewSessionTicket is chosen by `ctx.version`
 * (>= 0x0304 → TLS 1.3 form). Unknown message types are kept as `{ type: "Unknown", body }`.
 *
 * @throws DecodeError (only) on malformed input; `offset` is relative to `raw[0]`.
 */
export function decodeHandshakeMessage(raw: Uint8Array, ctx: DecodeContext): HandshakeMessage {
  const r = new Reader(raw);
  const msgType = r.u8("Handshake.msg_type");
  const length = r.u24("Handshake.length");
  if (length > r.left) throw new DecodeError("short", "Handshake.body", 4, length, r.left);
  if (length < r.left) throw new DecodeError("trailing", "Handshake", 4 + length, undefined, r.left - length);
  const tls13 = ctx.version >= 0x0304;
  switch (msgType) {
    case HS.client_hello:
      return decodeClientHello(r);
    case HS.server_hello:
      return decodeServerHello(r);
    case HS.certificate:
      return decodeCertificate(r, tls13);
    case HS.certificate_request:
      return tls13 ? decodeCertificateRequest13(r) : decodeCertificateRequest12(r, ctx.version);
    case HS.encrypted_extensions:
      return decodeEncryptedExtensions(r);
    case HS.certificate_verify:
      return decodeCertificateVerify(r, ctx.version);
    case HS.finished:
      return decodeFinished(r);
    case HS.new_session_ticket:
      return decodeNewSessionTicket(r, tls13);
    case HS.key_update:
      return decodeKeyUpdate(r);
    case HS.server_hello_done:
      return decodeEmpty(r, "ServerHelloDone", msgType);
    case HS.hello_request:
      return decodeEmpty(r, "HelloRequest", msgType);
    case HS.end_of_early_data:
      return decodeEmpty(r, "EndOfEarlyData", msgType);
    case HS.server_key_exchange:
      return decodeOpaque(r, "ServerKeyExchange", msgType);
    case HS.client_key_exchange:
      return decodeOpaque(r, "ClientKeyExchange", msgType);
    case HS.certificate_status:
      return decodeOpaque(r, "CertificateStatus", msgType);
    case HS.compressed_certificate:
      return decodeOpaque(r, "CompressedCertificate", msgType);
    case HS.message_hash:
      return decodeOpaque(r, "MessageHash", msgType);
    default:
      return decodeOpaque(r, "Unknown", msgType);
  }
}

/**
 * Encode a handshake message (header + body). Used for round-trip tests and fixtures; evidence always uses the
 * original `raw` bytes instead (re-encoding need not reproduce them, e.g. an empty extensions block).
 */
export function encodeHandshakeMessage(m: HandshakeMessage, ctx: DecodeContext): Uint8Array {
  const w = new Writer();
  const tls13 = ctx.version >= 0x0304;
  w.u8(m.msgType).len24(() => {
    switch (m.type) {
      case "ClientHello":
        return encodeClientHello(w, m);
      case "ServerHello":
      case "HelloRetryRequest":
        return encodeServerHello(w, m);
      case "Certificate":
        return encodeCertificate(w, m);
      case "CertificateRequest":
        return encodeCertificateRequest(w, m, ctx.version);
      case "EncryptedExtensions":
        return encodeEncryptedExtensions(w, m);
      case "CertificateVerify":
        return encodeCertificateVerify(w, m, ctx.version);
      case "Finished":
        return encodeFinished(w, m);
      case "NewSessionTicket":
        return encodeNewSessionTicket(w, m, tls13);
      default:
        w.bytes(m.body);
    }
  });
  return w.finish();
}
