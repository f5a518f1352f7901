/**
 * The TLS 1.3 decryption step of the connection decoder (RFC 8446 §5.2–§5.4): a protected record (outer type
 * application_data after ServerHello) is opened with the direction's current traffic key and its inner content is
 * handed on; without a key it is named the way Wireshark does without keys.
 */
import { innerPlaintextLengthWarning } from "../record.js";
import type { TlsRecord } from "../types.js";
import { alertContent, handshakeContent } from "./content.js";
import { EMPTY, emit, emitAppData, emitUndecodable } from "./emit.js";
import { adoptApplicationProtection, applicationProtection, installKeys, negotiatedSuite } from "./keys.js";
import { copyRecord, CT_ALERT, CT_APPDATA, CT_HANDSHAKE, peerOf, type DecoderContext, type Side } from "./side.js";

/** A TLS 1.3 record carrying only an alert: 2 bytes + inner content type + the AEAD tag (16, or 8 for CCM_8). */
const TLS13_ALERT_PLAINTEXT_LENGTH = 3;
const DEFAULT_TAG_LENGTH = 16;
/** After a capture gap, how many lost records to allow for when guessing the sequence number. */
const MAX_SEQ_SKIP_AFTER_GAP = 32;

/**
 * Handle one TLS 1.3 protected record of `s`. With `awaitKeys` and no key yet (and not `final`), the record is
 * held on `s.held` instead.
 */
export function protectedRecord13(ctx: DecoderContext, s: Side, rec: TlsRecord, final: boolean): void {
  s.protectedSeen++;
  const other = peerOf(ctx, s);
  if (other.protectedSeen > 0) other.flightOver = true;
  if (!s.prot) installKeys(ctx, s);
  if (!s.prot) {
    if (ctx.awaitKeys && !final) {
      s.held.push({ rec: copyRecord(rec), meta: s.meta });
      return;
    }
    const inFlight = !s.flightOver && !s.finished;
    if (inFlight) {
      return emit(s, {
        contentType: "application_data",
        type: "EncryptedHandshake",
        encrypted: true,
        streamOffset: rec.streamOffset,
        raw: EMPTY,
        body: { type: "ApplicationData", length: rec.fragment.length },
      });
    }
    const tag = negotiatedSuite(ctx)?.tagLength ?? DEFAULT_TAG_LENGTH;
    return emitAppData(s, rec, true, false, rec.fragment.length === TLS13_ALERT_PLAINTEXT_LENGTH + tag);
  }
  const maxSkip = s.deframer.lostRecords ? MAX_SEQ_SKIP_AFTER_GAP : 0;
  let opened = s.prot.open(rec, maxSkip);
  if (typeof opened === "string" && s.protKind === "hs") {
    // Missed the Finished (e.g. lost in a gap)? Try the application traffic secret.
    const p = applicationProtection(ctx, s);
    const o = p?.open(rec, maxSkip);
    if (p && o !== undefined && typeof o !== "string") {
      adoptApplicationProtection(s, p);
      opened = o;
    }
  }
  if (typeof opened === "string") {
    return emit(s, {
      contentType: "application_data",
      type: "Undecodable",
      encrypted: true,
      streamOffset: rec.streamOffset,
      raw: EMPTY,
      body: {
        type: "Undecodable",
        error:
          opened === "auth"
            ? `TLS 1.3 record (${rec.fragment.length} bytes) failed AEAD authentication with the ${s.protKind === "hs" ? "handshake" : "application"} traffic key at sequence ${s.prot.seq}: wrong key log entry, or records missing`
            : `TLS 1.3 record decrypted to an invalid TLSInnerPlaintext (${opened})`,
      },
    });
  }
  const innerWarning = innerPlaintextLengthWarning(rec.fragment.length - s.prot.suite.tagLength, rec.streamOffset);
  if (innerWarning) s.warnings.push(innerWarning);
  const inner = opened.contentType;
  if (inner === CT_HANDSHAKE) return handshakeContent(ctx, s, opened.content, rec.streamOffset, true);
  if (inner === CT_ALERT) return alertContent(s, opened.content, rec.streamOffset, true);
  if (inner === CT_APPDATA) {
    return emit(s, {
      contentType: "application_data",
      type: "ApplicationData",
      decrypted: true,
      streamOffset: rec.streamOffset,
      raw: EMPTY,
      body: { type: "ApplicationData", length: opened.content.length },
    });
  }
  emitUndecodable(s, rec.streamOffset, `TLS 1.3 record with illegal inner content type ${inner}`, true);
}
