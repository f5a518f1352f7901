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

/** Closure alerts (RFC 8446 §6.1): close_notify (0) and user_canceled (90) end a connection; they are not errors. */
export const CLOSURE_ALERTS: ReadonlySet<number> = new Set([0, 90]);

/**
 * Where the transcript proves the server accepted the client, or undefined: the 1-based `index` of the first
 * message that shows it.
 * - TLS 1.3 (RFC 8446 §4.4.4, §4.6.1): the server judges the client's Certificate/CertificateVerify/Finished before
 *   it sends anything protected by the application traffic keys; a NewSessionTicket or application data from the
 *   server *read* (decrypted) after the client's Finished means it took them. (Node rejects after the handshake by
 *   destroying the socket before any of these: docs/alert-matrix.md conclusion 2.)
 * - TLS 1.2 (RFC 5246 §7.4.9): the server's Finished (after its ChangeCipherSpec) followed by application data from
 *   the server (a Node server sends its Finished and then closes when it rejects, so the Finished alone is not proof).
 * A fatal alert from the server before that message means no proof. Closure alerts never count against it.
 */
export function serverAcceptanceIndex(msgs: readonly TranscriptMessage[], version: string | undefined): number | undefined {
  const fromServer = (m: TranscriptMessage) => m.direction === "server→client";
  const fatalFromServerBefore = (i: number) =>
    msgs.some((m) => m.index < i && fromServer(m) && m.type === "Alert" && m.body && (m.body as AlertMessage).type === "Alert" && (m.body as AlertMessage).level === 2);
  let proof: TranscriptMessage | undefined;
  if (version === "1.3") {
    const cf = msgs.find((m) => isFinished(m, "client→server"));
    if (!cf) return undefined;
    proof = msgs.find((m) => m.index > cf.index && fromServer(m) && (m.type === "NewSessionTicket" || (m.type === "ApplicationData" && m.decrypted)));
  } else if (version === "1.2" || version === "1.1" || version === "1.0") {
    const ccs = msgs.find((m) => fromServer(m) && m.type === "ChangeCipherSpec");
    const fin = ccs && msgs.find((m) => m.index > ccs.index && fromServer(m) && m.contentType === "handshake");
    proof = fin && msgs.find((m) => m.index > fin.index && fromServer(m) && m.contentType === "application_data");
  }
  return proof && !fatalFromServerBefore(proof.index) ? proof.index : undefined;
}

/** True when the transcript shows the start of the handshake (a ClientHello or a ServerHello). */
export function handshakeStartSeen(msgs: readonly WireMessage[]): boolean {
  return msgs.some((m) => m.type === "ClientHello" || m.type === "ServerHello");
}

/** First fatal alert, else the first alert that is not a close_notify/user_canceled (those are not verdicts). */
function pickAlert(msgs: TranscriptMessage[]): TranscriptMessage | undefined {
  const alerts = msgs.filter((m) => m.type === "Alert" && m.body && (m.body as AlertMessage).type === "Alert");
  return (
    alerts.find((m) => (m.body as AlertMessage).level === 2) ??
    alerts.find((m) => !CLOSURE_ALERTS.has((m.body as AlertMessage).description))
  );
}

type EncryptedAlertGuess = { sender: "client" | "server"; messageIndex: number; length: number };

/**
 * TLS 1.3 without the keys: every alert is an encrypted record of 2 + 1 + tag bytes (19; 11 with CCM_8, RFC 8446
 * §5.2), and so is every close_notify. The wire decoder marks such records `likelyAlert` once the sender's handshake
 * flight is over; this decides which of them is most likely what:
 *
 * - a likely **fatal** alert (RFC 8446 §6.2) only when it is the server's first record after the client's
 *   Certificate/Finished flight (it answers the client's handshake: no NewSessionTicket-sized record or application
 *   data from the server before it) and it is the server's last record (the client's flight may still arrive after
 *   it, crossing it on the wire); the connection then ends. A client record the same way: the last record, with no server tickets or data before it.
 * - a likely **close_notify** (RFC 8446 §6.1) when it answers the peer's own alert-sized record (each side sends a
 *   close_notify before closing its write side), or when the server had already sent NewSessionTicket-sized
 *   records or application data after the client's flight (RFC 8446 §4.6.1: tickets follow the client's Finished,
 *   so the handshake was over).
 *
 * `ticketsOrData`: the server sent a record after the client's flight that is not alert-sized.
 * A heuristic over sizes and order, not proof: the key log settles it.
 */
function guessEncryptedAlerts(
  messages: readonly TranscriptMessage[],
  tlsVersion: string | undefined,
): { fatal?: EncryptedAlertGuess; closeNotify: EncryptedAlertGuess[]; ticketsOrData: boolean } {
  const closeNotify: EncryptedAlertGuess[] = [];
  let fatal: EncryptedAlertGuess | undefined;
  let ticketsOrData = false;
  if (tlsVersion !== undefined && tlsVersion !== "1.3") {
    // Not TLS 1.3 (the likelyAlert mark is only set on TLS 1.3 records): keep the old reading of a last marked record.
    const last = messages[messages.length - 1];
    const lb = last?.body as { type?: string; likelyAlert?: boolean; length?: number } | null | undefined;
    if (last && last.encrypted && !last.decrypted && lb?.type === "ApplicationData" && lb.likelyAlert)
      fatal = { sender: last.direction === "client→server" ? "client" : "server", messageIndex: last.index, length: lb.length ?? 19 };
    return { ...(fatal ? { fatal } : {}), closeNotify, ticketsOrData };
  }
  const unread = (m: TranscriptMessage) => m.encrypted && !m.decrypted && (m.body as { type?: string } | null)?.type === "ApplicationData";
  const marked = (m: TranscriptMessage) => unread(m) && m.type === "ApplicationData" && (m.body as { likelyAlert?: boolean }).likelyAlert === true;
  const senderOf = (m: TranscriptMessage): "client" | "server" => (m.direction === "client→server" ? "client" : "server");
  const clientFlightStart = messages.find((m) => m.direction === "client→server" && m.encrypted)?.index;
  const kind = new Map<number, "fatal" | "close">();
  const lastUnread: { client?: TranscriptMessage; server?: TranscriptMessage } = {};
  for (const m of messages) {
    if (!unread(m)) continue;
    const sender = senderOf(m);
    const peer = sender === "client" ? "server" : "client";
    if (!marked(m)) {
      if (sender === "server" && clientFlightStart !== undefined && m.index > clientFlightStart) ticketsOrData = true;
      lastUnread[sender] = m;
      continue;
    }
    const g: EncryptedAlertGuess = { sender, messageIndex: m.index, length: (m.body as { length: number }).length };
    const p = lastUnread[peer];
    const after = messages.slice(m.index);
    if (p && marked(p) && kind.get(p.index) === "close") {
      kind.set(m.index, "close"); // answers the peer's close_notify (§6.1)
    } else if (ticketsOrData) {
      kind.set(m.index, "close"); // the server already sent tickets or data: the handshake was over (§4.6.1)
    } else if (p && marked(p) && !kind.has(p.index) && p.index > (clientFlightStart ?? 0)) {
      // The peer's alert-sized record was sent after its flight and not judged yet: this one answers it.
      kind.set(m.index, "close");
      kind.set(p.index, "close");
      closeNotify.push({ sender: peer, messageIndex: p.index, length: (p.body as { length: number }).length });
    } else if (!fatal && (sender === "server" ? after.every((x) => x.direction === "client→server") : after.length === 0)) {
      kind.set(m.index, "fatal");
      fatal = g;
    }
    if (kind.get(m.index) === "close") closeNotify.push(g);
    lastUnread[sender] = m;
  }
  closeNotify.sort((a, b) => a.messageIndex - b.messageIndex);
  return { ...(fatal ? { fatal } : {}), closeNotify, ticketsOrData };
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

  // TLS 1.3 without the keys: which alert-sized records are a likely fatal alert, which a likely close_notify.
  // A capture that started mid-connection (no ClientHello/ServerHello seen): the records cannot be placed in a
  // handshake, so no alert-sized record is read as an alert, and how the handshake went is unknown.
  const startUnseen = info.source === "capture" && messages.length > 0 && !handshakeStartSeen(messages);
  const guess = alert || startUnseen ? { closeNotify: [] as EncryptedAlertGuess[], ticketsOrData: false } : guessEncryptedAlerts(messages, tlsVersion);
  const encryptedAlert = guess.fatal;
  const encryptedCloseNotify = guess.closeNotify;
  const seenCompleted = info.handshakeCompleted ?? inferHandshakeCompleted(messages, tlsVersion);
  // RFC 8446 §4.6.1: a NewSessionTicket (or application data) from the server after the client's flight means the
  // server took the client's Finished: the handshake most likely completed, though its Finished could not be read.
  const handshakeCompletedInferred = !seenCompleted && !alert && !encryptedAlert && tlsVersion === "1.3" && guess.ticketsOrData;
  const completed = seenCompleted || handshakeCompletedInferred;
  const end = info.end ?? { how: "open" };
  // The server was seen accepting the client (application data / tickets after the handshake): a fatal alert the
  // client sends afterwards (s_client's decode_error when the server closes without close_notify, alert-matrix.md
  // conclusion 2) ends the connection, not the handshake.
  const accepted = serverAcceptanceIndex(messages, tlsVersion);
  const alertEndsHandshake = alert !== undefined && alert.alert.level === 2 && !(alert.sender === "client" && accepted !== undefined && accepted < alert.messageIndex);
  const unseen = startUnseen && accepted === undefined;
  let outcome: Outcome;
  let closedWithoutAlert: boolean | undefined;
  if (alertEndsHandshake) outcome = "alert";
  else if (unseen) outcome = "unknown";
  else if (end.how === "reset") {
    outcome = accepted !== undefined ? "closed-after-handshake" : "reset";
    closedWithoutAlert = true;
  } else if (end.how === "fin" && end.by !== "client") {
    outcome = completed || accepted !== undefined ? "closed-after-handshake" : "closed-during-handshake";
    // A close_notify / user_canceled (read, or most likely) from the side that closed is a closure alert (RFC 8446
    // §6.1): not a close without an alert.
    const closer = end.by ?? "server";
    const closureRead = messages.some(
      (m) => m.type === "Alert" && m.direction === (closer === "server" ? "server→client" : "client→server") && m.body && (m.body as AlertMessage).type === "Alert" && CLOSURE_ALERTS.has((m.body as AlertMessage).description),
    );
    closedWithoutAlert = !alert && !encryptedAlert && !closureRead && !encryptedCloseNotify.some((c) => c.sender === closer);
  } else if (completed || accepted !== undefined) outcome = "handshake-completed";
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
    ...(encryptedCloseNotify.length > 0 ? { encryptedCloseNotify } : {}),
    ...(handshakeCompletedInferred ? { handshakeCompletedInferred } : {}),
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
