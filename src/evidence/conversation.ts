/**
 * Building the shared {@link Conversation} and {@link ServerPolicy} from decoded wire messages. Used by the probe
 * and by the capture reader, so both describe a connection the same way.
 *
 * - {@link buildConversation}: messages → 1-based index, version and cipher (from the ServerHello), the alert event
 *   (sender, what it answers, whether a TLS 1.3 alert came after the client's Finished), an encrypted likely alert
 *   (TLS 1.3 without keys), visibility and outcome.
 * - {@link policyFromConversation}: the CertificateRequest → acceptable CA names (Java-style + OpenSSL-style + DER,
 *   in the order sent), signature algorithms, certificate types.
 * - {@link certificatesSent}: the Certificate message of one side (null = none sent, [] = an empty one).
 */
import type { WireMessage, AlertMessage, CertificateMsg, CertificateRequest, ServerHello } from "../wire/types.js";
import { CIPHER_SUITES, nameOf } from "../wire/tables.js";
import { dnToString } from "../pki/dn.js";
import type { AcceptableCA, AlertEvent, Conversation, Endpoint, Gap, Outcome, ServerPolicy, TranscriptMessage } from "./model.js";

/** A decoded message with where/when it was seen (the wire codec's DecodedMessage has this shape). */
export type SeenMessage = WireMessage & { frame?: number; time?: number };

/** How the TCP connection ended, when the source knows it. */
export interface ConnectionEnd {
  /** "fin": orderly close (FIN) without an alert; "reset": RST / ECONNRESET; "open": still open or we closed it. */
  how: "fin" | "reset" | "open";
  /** Who closed (when known). */
  by?: "client" | "server";
}

/**
 * What the source knows about a connection besides its messages (input of {@link buildConversation}): where it
 * came from, the two ends, and facts learned outside the bytes (Node's socket, the TCP teardown).
 */
export interface ConversationInfo {
  /** Which evidence source saw the connection ("probe", "capture", ...). */
  source: Conversation["source"];
  /** The TLS client's end. */
  client: Endpoint;
  /** The TLS server's end. */
  server: Endpoint;
  /** SNI, when not in a visible ClientHello. */
  sni?: string;
  /** "1.2" / "1.3" when known from elsewhere (e.g. Node's getProtocol()); else taken from the ServerHello. */
  tlsVersion?: string;
  /** IANA cipher suite name when known from elsewhere; else taken from the ServerHello. */
  cipher?: string;
  /** Bytes the capture lost (TCP gaps), per direction. */
  gaps?: Gap[];
  /** How the TCP connection ended. */
  end?: ConnectionEnd;
  /** The client saw the handshake complete (e.g. Node's secureConnect); else inferred from the messages. */
  handshakeCompleted?: boolean;
}

const isFinished = (m: SeenMessage, dir: WireMessage["direction"]) => m.direction === dir && m.type === "Finished";

function versionFromServerHello(sh: ServerHello | undefined): string | undefined {
  if (!sh) return undefined;
  const v = sh.selectedVersion ?? sh.legacyVersion;
  return { 0x0301: "1.0", 0x0302: "1.1", 0x0303: "1.2", 0x0304: "1.3" }[v];
}

/**
 * Whether the handshake completed as far as the messages show: both Finished messages seen (TLS 1.3, decrypted),
 * or, TLS 1.2, a ChangeCipherSpec from each side followed by the (encrypted) Finished; or client application data.
 */
function inferHandshakeCompleted(msgs: SeenMessage[], version: string | undefined): boolean {
  if (msgs.some((m) => isFinished(m, "client→server")) && msgs.some((m) => isFinished(m, "server→client"))) return true;
  if (version === "1.2" || version === undefined) {
    const ccsC = msgs.findIndex((m) => m.type === "ChangeCipherSpec" && m.direction === "client→server");
    const ccsS = msgs.findIndex((m) => m.type === "ChangeCipherSpec" && m.direction === "server→client");
    if (ccsC >= 0 && ccsS >= 0) {
      const after = (i: number, dir: WireMessage["direction"]) => msgs.slice(i + 1).some((m) => m.direction === dir && m.contentType === "handshake");
      if (after(ccsC, "client→server") && after(ccsS, "server→client")) return true;
    }
  }
  return false;
}

/** First fatal alert, else the first alert that is not a close_notify/user_canceled (those are not verdicts). */
function pickAlert(msgs: TranscriptMessage[]): TranscriptMessage | undefined {
  const alerts = msgs.filter((m) => m.type === "Alert" && m.body && (m.body as AlertMessage).type === "Alert");
  return (
    alerts.find((m) => (m.body as AlertMessage).level === 2) ??
    alerts.find((m) => ![0, 90].includes((m.body as AlertMessage).description))
  );
}

/**
 * Builds a Conversation from decoded messages in conversation order (as the decoder produced them, both directions
 * interleaved by time). Never throws on odd input: unknown or undecodable messages are kept as they are.
 */
export function buildConversation(decoded: readonly SeenMessage[], info: ConversationInfo): Conversation {
  const messages: TranscriptMessage[] = decoded.map((m, i) => ({ ...m, index: i + 1 }));
  const sh = messages.find((m) => m.body && (m.body as ServerHello).type === "ServerHello")?.body as ServerHello | undefined;
  const ch = messages.find((m) => m.type === "ClientHello")?.body as { serverName?: string } | undefined;
  const tlsVersion = info.tlsVersion ?? versionFromServerHello(sh);
  const cipher = info.cipher ?? (sh ? nameOf(CIPHER_SUITES, sh.cipherSuite) : undefined);
  const gaps = info.gaps ?? [];

  let alert: AlertEvent | undefined;
  const am = pickAlert(messages);
  if (am) {
    const clientFinished = messages.find((m) => isFinished(m, "client→server"));
    alert = {
      alert: am.body as AlertMessage,
      sender: am.direction === "client→server" ? "client" : "server",
      messageIndex: am.index,
      ...(am.index > 1 ? { afterMessageIndex: am.index - 1 } : {}),
    };
    if (tlsVersion === "1.3") {
      // Only claim what the transcript shows: the client's Finished is visible when decrypted.
      if (clientFinished) alert.afterClientFinished = clientFinished.index < am.index;
      else if (messages.some((m) => m.decrypted)) alert.afterClientFinished = false;
    }
  }

  // TLS 1.3 without the keys: an alert travels as an encrypted record of 19 bytes (RFC 8446 §5.2). When the last
  // record is such a one (the wire decoder marks it likelyAlert) and no alert could be read, an alert was most likely
  // sent: the connection did not close silently.
  let encryptedAlert: Conversation["encryptedAlert"];
  const last = messages[messages.length - 1];
  const lastBody = last?.body as { type?: string; likelyAlert?: boolean; length?: number } | null | undefined;
  if (!alert && last && last.encrypted && !last.decrypted && lastBody?.type === "ApplicationData" && lastBody.likelyAlert) {
    encryptedAlert = { sender: last.direction === "client→server" ? "client" : "server", messageIndex: last.index, length: lastBody.length ?? 19 };
  }

  const completed = info.handshakeCompleted ?? inferHandshakeCompleted(messages, tlsVersion);
  const end = info.end ?? { how: "open" };
  let outcome: Outcome;
  let closedWithoutAlert: boolean | undefined;
  if (alert && alert.alert.level === 2) outcome = "alert";
  else if (end.how === "reset") {
    outcome = "reset";
    closedWithoutAlert = true;
  } else if (end.how === "fin" && end.by !== "client") {
    outcome = completed ? "closed-after-handshake" : "closed-during-handshake";
    closedWithoutAlert = !alert && !encryptedAlert;
  } else if (completed) outcome = "handshake-completed";
  else if (messages.length === 0) outcome = "unknown";
  else outcome = "incomplete";

  const encryptedUnread = messages.some((m) => m.encrypted && !m.decrypted && m.type !== "ApplicationData");
  const visibility: Conversation["visibility"] =
    gaps.length > 0 ? "partial" : tlsVersion === "1.3" && encryptedUnread && !messages.some((m) => m.decrypted) ? "encrypted-after-server-hello" : "full";

  const sni = info.sni ?? ch?.serverName;
  return {
    source: info.source,
    client: info.client,
    server: info.server,
    ...(sni !== undefined ? { sni } : {}),
    ...(tlsVersion !== undefined ? { tlsVersion } : {}),
    ...(cipher !== undefined ? { cipher } : {}),
    messages,
    gaps,
    visibility,
    outcome,
    ...(alert ? { alert } : {}),
    ...(closedWithoutAlert !== undefined ? { closedWithoutAlert } : {}),
    ...(encryptedAlert ? { encryptedAlert } : {}),
  };
}

/** One acceptable CA name: Java-style and OpenSSL-style strings plus the DER as sent. Malformed DER is kept, shown as hex. */
export function acceptableCA(der: Uint8Array): AcceptableCA {
  let dn: string;
  let opensslDn: string;
  try {
    dn = dnToString(der, "java");
    opensslDn = dnToString(der, "openssl");
  } catch {
    const hex = "#" + Buffer.from(der).toString("hex");
    dn = opensslDn = `(malformed DistinguishedName ${hex})`;
  }
  return { dn, opensslDn, der };
}

/**
 * The server's client-certificate policy from the first CertificateRequest in the conversation. Without one,
 * `requested: false`. `required` is what the caller learned (e.g. a probe without a certificate); default "unknown".
 */
export function policyFromConversation(conv: Conversation, required: boolean | "unknown" = "unknown"): ServerPolicy {
  const cr = conv.messages.find((m) => m.direction === "server→client" && m.body && (m.body as CertificateRequest).type === "CertificateRequest")
    ?.body as CertificateRequest | undefined;
  if (!cr) return { requested: false, required: false, acceptableCAs: [], signatureAlgorithms: [] };
  return {
    requested: true,
    required,
    acceptableCAs: cr.certificateAuthorities.map(acceptableCA),
    certificateAuthoritiesState: cr.certificateAuthoritiesState,
    signatureAlgorithms: [...cr.signatureAlgorithms],
    ...(cr.signatureAlgorithmsCert ? { signatureAlgorithmsCert: [...cr.signatureAlgorithmsCert] } : {}),
    ...(cr.certificateTypes ? { certificateTypes: [...cr.certificateTypes] } : {}),
  };
}

/**
 * The certificate list one side sent in its (first) Certificate message, as DER: null when it sent no Certificate
 * message that we could see, [] for an empty one (RFC 5246 §7.4.6 / RFC 8446 §4.4.2: "no certificate").
 */
export function certificatesSent(conv: Conversation, sender: "client" | "server"): Uint8Array[] | null {
  const dir = sender === "client" ? "client→server" : "server→client";
  const m = conv.messages.find((x) => x.direction === dir && x.body && (x.body as CertificateMsg).type === "Certificate");
  if (!m) return null;
  return (m.body as CertificateMsg).entries.map((e) => e.certData);
}
