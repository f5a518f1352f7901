/**
 * TLS 1.2 (and earlier) records after a direction's ChangeCipherSpec (RFC 5246 §7.1, §6.2.3): protected, and not
 * decrypted. They are reported by outer content type: the first handshake record is that side's Finished
 * (RFC 5246 §7.4.9) → "EncryptedHandshake", alerts → "EncryptedAlert", application data → "ApplicationData".
 */
import { contentTypeName } from "../tables.js";
import type { TlsRecord } from "../types.js";
import { emit, emitAppData } from "./emit.js";
import { CT_ALERT, CT_APPDATA, CT_CCS, CT_HANDSHAKE, type DecoderContext, type Side } from "./side.js";

/** Handle one TLS 1.2 record of `s` sent after its ChangeCipherSpec. */
export function encryptedRecord12(ctx: DecoderContext, s: Side, rec: TlsRecord): void {
  const ct = rec.contentType;
  if (ct === CT_APPDATA) return emitAppData(s, rec, true, false);
  if (ct === CT_HANDSHAKE) {
    if (s.isClient) ctx.state.handshakeDone.client = true;
    else ctx.state.handshakeDone.server = true;
  }
  emit(s, {
    contentType: contentTypeName(ct),
    type: ct === CT_HANDSHAKE ? "EncryptedHandshake" : ct === CT_ALERT ? "EncryptedAlert" : ct === CT_CCS ? "ChangeCipherSpec" : `UnknownContentType(${ct})`,
    encrypted: ct !== CT_CCS,
    streamOffset: rec.streamOffset,
    raw: rec.fragment,
    body: ct === CT_CCS ? { type: "ChangeCipherSpec" } : null,
  });
}
