/**
 * The remaining handshake messages: EncryptedExtensions (RFC 8446 §4.3.1), CertificateVerify (§4.4.3,
 * RFC 5246 §7.4.8), Finished (§4.4.4), NewSessionTicket (RFC 8446 §4.6.1, RFC 5077 §3.3), KeyUpdate (§4.6.3),
 * and the bodies we keep opaque (ServerKeyExchange, ClientKeyExchange: their layout depends on the negotiated
 * key exchange, which a diagnosis does not need).
 */
import { DecodeError } from "../errors.js";
import type { Reader } from "../reader.js";
import type { CertificateVerify, EncryptedExtensions, Finished, NewSessionTicket, OpaqueHandshake } from "../types.js";
import type { Writer } from "../writer.js";
import { readExtensions, writeExtensions } from "./extensions.js";

export function decodeEncryptedExtensions(r: Reader): EncryptedExtensions {
  const extensions = readExtensions(r, "EncryptedExtensions");
  r.expectEmpty("EncryptedExtensions");
  return { type: "EncryptedExtensions", msgType: 8, extensions };
}
export function encodeEncryptedExtensions(w: Writer, m: EncryptedExtensions): void {
  writeExtensions(w, m.extensions);
}

/**
 * `SignatureScheme algorithm; opaque signature<0..2^16-1>`. TLS 1.0/1.1 (version < 0x0303) have no algorithm
 * field; `signatureScheme` is then 0.
 */
export function decodeCertificateVerify(r: Reader, version: number): CertificateVerify {
  const signatureScheme = version >= 0x0303 ? r.u16("CertificateVerify.algorithm") : 0;
  const signature = r.vec16("CertificateVerify.signature");
  r.expectEmpty("CertificateVerify");
  return { type: "CertificateVerify", msgType: 15, signatureScheme, signature };
}
export function encodeCertificateVerify(w: Writer, m: CertificateVerify, version: number): void {
  if (version >= 0x0303) w.u16(m.signatureScheme);
  w.vec16(m.signature);
}

/** `opaque verify_data[Hash.length]` (12 bytes in TLS 1.2); the length is not checked here. */
export function decodeFinished(r: Reader): Finished {
  return { type: "Finished", msgType: 20, verifyData: r.rest() };
}
export function encodeFinished(w: Writer, m: Finished): void {
  w.bytes(m.verifyData);
}

/**
 * TLS 1.3: `uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
 * opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>`.
 * TLS 1.2 (RFC 5077 §3.3): `uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>`.
 */
export function decodeNewSessionTicket(r: Reader, tls13: boolean): NewSessionTicket {
  const lifetime = r.u32("NewSessionTicket.ticket_lifetime");
  if (!tls13) {
    const ticket = r.vec16("NewSessionTicket.ticket");
    r.expectEmpty("NewSessionTicket");
    return { type: "NewSessionTicket", msgType: 4, lifetime, ticket };
  }
  const ageAdd = r.u32("NewSessionTicket.ticket_age_add");
  const nonce = r.vec8("NewSessionTicket.ticket_nonce");
  const ticket = r.vec16("NewSessionTicket.ticket", 1);
  const extensions = readExtensions(r, "NewSessionTicket");
  r.expectEmpty("NewSessionTicket");
  return { type: "NewSessionTicket", msgType: 4, lifetime, ageAdd, nonce, ticket, extensions };
}
export function encodeNewSessionTicket(w: Writer, m: NewSessionTicket, tls13: boolean): void {
  w.u32(m.lifetime);
  if (!tls13) {
    w.vec16(m.ticket);
    return;
  }
  w.u32(m.ageAdd ?? 0).vec8(m.nonce ?? new Uint8Array(0)).vec16(m.ticket);
  writeExtensions(w, m.extensions ?? []);
}

/** RFC 8446 §4.6.3: `enum { update_not_requested(0), update_requested(1) } request_update`. */
export function decodeKeyUpdate(r: Reader): OpaqueHandshake {
  const at = r.offset;
  const body = r.bytes(1, "KeyUpdate.request_update");
  if (body[0]! > 1) throw new DecodeError("illegal", "KeyUpdate.request_update", at, body[0]);
  r.expectEmpty("KeyUpdate");
  return { type: "KeyUpdate", msgType: 24, body };
}

/** A message that must have an empty body (ServerHelloDone, HelloRequest, EndOfEarlyData). */
export function decodeEmpty(r: Reader, type: "ServerHelloDone" | "HelloRequest" | "EndOfEarlyData", msgType: number): OpaqueHandshake {
  r.expectEmpty(type);
  return { type, msgType, body: new Uint8Array(0) };
}

export function decodeOpaque(r: Reader, type: OpaqueHandshake["type"], msgType: number): OpaqueHandshake {
  return { type, msgType, body: r.rest() };
}
