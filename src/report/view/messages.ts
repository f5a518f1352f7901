/**
 * Transcript messages as report rows (ladder, transcript table): direction, type, size, one line about the content.
 */
import type { TranscriptMessage } from "../../evidence/model.js";
import { CIPHER_SUITES, SIGNATURE_SCHEMES } from "../../wire/tables.generated.js";
import { CLOSURE_ALERTS } from "../../evidence/conversation.js";
import { codeName } from "./policy.js";

/** One transcript message as a report row (ladder, transcript table): what it was, where, and whether it failed. */
export interface MessageView {
  /** 1-based order in the conversation. */
  index: number;
  /** Wireshark frame number, when from a capture. */
  frame?: number;
  /** ms since epoch. */
  time?: number;
  direction: "client→server" | "server→client";
  contentType: string;
  type: string;
  /** Read through TLS 1.3 traffic keys from a key log. */
  decrypted: boolean;
  /** Encrypted and not readable (no key). */
  encrypted: boolean;
  /** Size of the message as seen, in bytes. */
  length: number;
  /** One short line about the content ("2 acceptable CA names", "empty (certificates_length 0)"). */
  detail?: string;
  /** The message carries an alert. */
  isAlert: boolean;
  /**
   * For alerts: "closure" for close_notify(0) / user_canceled(90), an orderly end of the connection and not an error
   * (RFC 8446 §6.1, RFC 5246 §7.2.1); "error" for an error alert (level fatal; in TLS 1.3 every non-closure alert,
   * its level being ignored, RFC 8446 §6; or the alert the conversation's failure is about); "warning" for another
   * TLS 1.2 warning-level alert; "unreadable" for an encrypted alert record without keys. Renderers mark only
   * "error" (and the failing step) as a failure.
   */
  alertKind?: AlertKind;
  /** The step the handshake failed at (named by an error finding, or the message an alert answers). */
  failing: boolean;
  /** Keys of the findings that point at this message. */
  findings: string[];
}

/** What kind of alert a message carries: see {@link MessageView.alertKind}. */
export type AlertKind = "closure" | "error" | "warning" | "unreadable";

/**
 * Classifies the alert `m` carries (undefined when it is not an alert). `tlsVersion` "1.3" makes every non-closure
 * alert an error (RFC 8446 §6: the level is implicit in the type); `failureAlertIndex` is the `index` of the alert
 * the conversation's failure is about (Conversation.alert), an error whatever its level.
 */
export function alertKindOf(m: TranscriptMessage, tlsVersion: string | undefined, failureAlertIndex: number | undefined): AlertKind | undefined {
  const b = m.body;
  if (b?.type !== "Alert") return m.contentType === "alert" ? "unreadable" : undefined;
  if (CLOSURE_ALERTS.has(b.description)) return "closure";
  if (b.level === 2 || tlsVersion === "1.3" || m.index === failureAlertIndex) return "error";
  return "warning";
}

/**
 * Size of a message in bytes: its bytes when kept; for application_data (kept as a length only, never the payload)
 * the record fragment length, or the plaintext length when decrypted.
 */
function messageLength(m: TranscriptMessage): number {
  if (m.raw.length > 0) return m.raw.length;
  return m.body?.type === "ApplicationData" ? m.body.length : 0;
}

/**
 * One message as a {@link MessageView}; `failing` marks the step the handshake failed at; `alertKind` (for alerts)
 * from {@link alertKindOf}.
 */
export function messageView(m: TranscriptMessage, failing: boolean, findingKeys: string[], alertKind?: AlertKind): MessageView {
  const detail = messageDetail(m);
  return {
    index: m.index,
    ...(m.frame !== undefined ? { frame: m.frame } : {}),
    ...(m.time !== undefined ? { time: m.time } : {}),
    direction: m.direction,
    contentType: m.contentType,
    type: m.type,
    decrypted: m.decrypted,
    encrypted: m.encrypted,
    length: messageLength(m),
    ...(detail ? { detail } : {}),
    isAlert: m.contentType === "alert" || m.body?.type === "Alert",
    ...(alertKind ? { alertKind } : {}),
    failing,
    findings: findingKeys,
  };
}

const VERSION_NAMES: Record<number, string> = { 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3" };

function versionName(v: number): string {
  return VERSION_NAMES[v] ?? `0x${v.toString(16).padStart(4, "0")}`;
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One short line describing a message's content, from its decoded body. */
function messageDetail(m: TranscriptMessage): string | undefined {
  const b = m.body;
  // From a log: no bytes, but the certificates the log printed ([] = an empty Certificate).
  if (!b && m.type === "Certificate" && m.loggedCertificates) {
    return m.loggedCertificates.length === 0 ? "empty (certificates_length 0)" : plural(m.loggedCertificates.length, "certificate");
  }
  if (!b) return m.encrypted ? "encrypted" : undefined;
  switch (b.type) {
    case "ClientHello": {
      const parts: string[] = [];
      if (b.serverName) parts.push(`SNI ${b.serverName}`);
      if (b.supportedVersions?.length) parts.push(`versions ${b.supportedVersions.map(versionName).join(", ")}`);
      parts.push(plural(b.cipherSuites.length, "cipher suite"));
      return parts.join("; ");
    }
    case "ServerHello":
      return `${versionName(b.selectedVersion ?? b.legacyVersion)}, ${codeName(CIPHER_SUITES, b.cipherSuite)}`;
    case "HelloRetryRequest":
      return `retry: ${codeName(CIPHER_SUITES, b.cipherSuite)}`;
    case "Certificate":
      return b.entries.length === 0
        ? "empty (certificates_length 0)"
        : `${plural(b.entries.length, "certificate")} (certificates_length ${b.certificatesLength})`;
    case "CertificateRequest": {
      const n = b.certificateAuthorities.length;
      if (b.certificateAuthoritiesState === "absent") return "no certificate_authorities (any CA)";
      if (b.certificateAuthoritiesState === "present-empty") return "certificate_authorities present but empty";
      return n === 0 ? "no acceptable CA names (any CA)" : plural(n, "acceptable CA name");
    }
    case "CertificateVerify":
      return codeName(SIGNATURE_SCHEMES, b.signatureScheme);
    case "Alert":
      return `${b.levelName} ${b.descriptionName}(${b.description})`;
    case "ApplicationData":
      return `${b.length} bytes`;
    case "Undecodable":
      return `not decodable: ${b.error}`;
    default:
      return undefined;
  }
}
