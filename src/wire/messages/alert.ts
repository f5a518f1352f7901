/**
 * Alert protocol (RFC 8446 §6, RFC 5246 §7.2): `AlertLevel level; AlertDescription description`.
 * Every IANA description is named (generated table), unknown codes stay numbers: `unknown(0x..)`.
 */
import { DecodeError } from "../errors.js";
import type { Reader } from "../reader.js";
import { ALERT_DESCRIPTIONS, nameOf } from "../tables.js";
import type { AlertMessage } from "../types.js";
import type { Writer } from "../writer.js";

/** AlertDescription code points the diagnosis refers to by name. */
export const ALERT = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  missing_extension: 109,
  unrecognized_name: 112,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

export function alertLevelName(level: number): string {
  return level === 1 ? "warning" : level === 2 ? "fatal" : `unknown(${level})`;
}

/** Decode one 2-byte alert. */
export function decodeAlert(r: Reader): AlertMessage {
  const level = r.u8("Alert.level");
  const description = r.u8("Alert.description");
  return { type: "Alert", level, levelName: alertLevelName(level), description, descriptionName: nameOf(ALERT_DESCRIPTIONS, description) };
}

/** Decode an alert record's content: exactly one alert (RFC 8446 §5.1 forbids coalescing; checked by the caller). */
export function decodeAlertExact(r: Reader): AlertMessage {
  const m = decodeAlert(r);
  r.expectEmpty("Alert");
  return m;
}

export function encodeAlert(w: Writer, m: Pick<AlertMessage, "level" | "description">): void {
  if (m.level > 255 || m.description > 255) throw new DecodeError("range", "Alert", 0);
  w.u8(m.level).u8(m.description);
}
