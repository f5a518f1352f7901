/**
 * The one evidence model. Every source (probe, capture, log, store) produces these shapes; the diagnose engine
 * reads them; every report reads what diagnose returns plus these.
 *
 * Times are ms since epoch. Directions are from the TLS client's point of view.
 */
import type { AlertMessage, Direction, WireMessage } from "../wire/types.js";
import type { CertInfo, LoadedStore } from "../pki/types.js";

export type { Direction } from "../wire/types.js";

/** One end of a connection: a host name or IP address (as given or as captured) and a TCP port (1–65535). */
export interface Endpoint {
  host: string;
  port: number;
}

/** One TLS message as seen, in conversation order. */
export interface TranscriptMessage extends WireMessage {
  /** 1-based order in the conversation. */
  index: number;
  /** Wireshark frame number of the packet that completed the message, when from a capture. */
  frame?: number;
  /** ms since epoch (capture timestamp, or when the probe read it). */
  time?: number;
  /**
   * 1-based line number of the log line that reported the message, when from a log (source "log"). Log messages
   * carry no bytes: `raw` is empty, `streamOffset`/`endStreamOffset` are -1, and `body` is filled only where the
   * log gives the whole content (alerts, an empty Certificate message); see {@link LoggedHandshake} for the rest.
   */
  line?: number;
  /**
   * From a log, on a Certificate message: its certificates as the log printed them (leaf first; [] = empty
   * Certificate). The same array as {@link LoggedHandshake.clientCertificates} / `serverCertificates`. `body` stays
   * null for a non-empty one (a log has no DER), so count from here.
   */
  loggedCertificates?: LoggedCertificate[];
}

/** A stretch of a direction's byte stream that could not be seen (capture loss, snaplen). */
export interface Gap {
  direction: Direction;
  /** Missing length in bytes. */
  bytes: number;
  /** Stream offset where the gap starts. */
  atOffset: number;
}

/** What we know of who ended the conversation, and how. */
export type Outcome =
  | "handshake-completed"
  | "alert"
  | "closed-during-handshake"
  | "closed-after-handshake"
  | "reset"
  | "incomplete"
  | "unknown";

/** One TLS connection. */
export interface Conversation {
  source: "probe" | "capture" | "log";
  client: Endpoint;
  server: Endpoint;
  sni?: string;
  /** "1.0" | "1.1" | "1.2" | "1.3" when known. */
  tlsVersion?: string;
  /** IANA cipher suite name, e.g. "TLS_AES_128_GCM_SHA256". */
  cipher?: string;
  messages: TranscriptMessage[];
  gaps: Gap[];
  /** What could be read: all of it, nothing after ServerHello (TLS 1.3 without keys), or a part. */
  visibility: "full" | "encrypted-after-server-hello" | "partial";
  outcome: Outcome;
  /** The first fatal alert seen (or the first alert), with who sent it and after which message index. */
  alert?: AlertEvent;
  /** True when the TCP connection was closed or reset without an alert during/just after the handshake. */
  closedWithoutAlert?: boolean;
  /**
   * TLS 1.3 without the keys: the last record was an encrypted one the size of an alert (RFC 8446 §5.2: 2 bytes of
   * alert + 1 byte content type + 16 bytes AEAD tag = 19 bytes of encrypted_record), so an alert was most likely sent
   * but cannot be read. `messageIndex` is the `index` of that ApplicationData message. Then `closedWithoutAlert` is false.
   */
  encryptedAlert?: { sender: "client" | "server"; messageIndex: number; length: number };
  /**
   * TLS 1.3 without the keys: encrypted records the size of an alert that are most likely close_notify (RFC 8446 §6.1
   * closure alerts), not an error: one that answers the peer's own alert-sized record, or one sent after the server
   * had already sent NewSessionTicket-sized records or application data (RFC 8446 §4.6.1: tickets follow the client's
   * Finished). In conversation order; `messageIndex` is the `index` of the ApplicationData message.
   */
  encryptedCloseNotify?: Array<{ sender: "client" | "server"; messageIndex: number; length: number }>;
  /**
   * TLS 1.3 without the keys: the Finished messages could not be read, but the handshake most likely completed
   * (the server sent NewSessionTicket-sized records or application data after the client's flight, or the two sides
   * exchanged close_notify). `outcome` then says completed; a key log would confirm it.
   */
  handshakeCompletedInferred?: boolean;
}

/** A TLS alert (RFC 8446 §6, RFC 5246 §7.2) placed in its conversation: who sent it and what it answered. */
export interface AlertEvent {
  alert: AlertMessage;
  sender: "client" | "server";
  /** `index` of the TranscriptMessage that carries the alert. */
  messageIndex: number;
  /** `index` of the message just before it in the conversation (what the alert answers). */
  afterMessageIndex?: number;
  /** TLS 1.3: the alert came after the client's Finished (the server judged the certificate late). */
  afterClientFinished?: boolean;
}

/** One acceptable CA name from a CertificateRequest. */
export interface AcceptableCA {
  /** Java/keytool style string (most specific RDN first). */
  dn: string;
  /** OpenSSL 3 style as `openssl s_client` prints it under "Acceptable client certificate CA names" ("C = AU, ST = VIC, CN = ..."). */
  opensslDn: string;
  /** DER of the Name as sent. Empty (length 0) when `source` is "log": a log gives the name only as a string. */
  der: Uint8Array;
  /**
   * Where the name came from: "wire" (default when absent; `der` is the bytes sent) or "log" (a Java debug log
   * printed it as an X500Principal string: `dn` is that string exactly as logged, `opensslDn` is derived from it,
   * and `der` is empty, so compare such names by their parsed attributes, never by bytes).
   */
  source?: "wire" | "log";
}

/** What the server asks of a client, from its CertificateRequest (absent request ⇒ requested: false). */
export interface ServerPolicy {
  requested: boolean;
  /** Whether a handshake without a certificate fails; "unknown" when not tested. */
  required: boolean | "unknown";
  /** In the order sent; an empty list means the server named no CA ("any"). */
  acceptableCAs: AcceptableCA[];
  /** TLS 1.3 only: certificate_authorities extension absent / present / present but empty (invalid). */
  certificateAuthoritiesState?: "absent" | "present" | "present-empty";
  /** SignatureScheme code points, in order. */
  signatureAlgorithms: number[];
  signatureAlgorithmsCert?: number[];
  /** TLS 1.2 ClientCertificateType values. */
  certificateTypes?: number[];
}

/** The store given to diagnose, with which entry the user meant. */
export interface StoreEvidence {
  store: LoadedStore;
  /** Role of this store: the client's keystore, or the server's truststore. */
  role: "client-keystore" | "server-truststore" | "client-truststore";
  alias?: string;
}

/** The result of probing a live server once or several times (see src/probe). */
export interface ProbeEvidence {
  target: Endpoint;
  servername?: string;
  /** The run with the credential offered (or without, when none was given). */
  conversation: Conversation;
  policy: ServerPolicy;
  /** The server's own chain as certInfo. */
  serverCertificates: CertInfo[];
  /** What the client actually sent in its Certificate message: null = no Certificate message; [] = empty. */
  clientCertificateSent: CertInfo[] | null;
  handshakeCompleted: boolean;
  /** Client-side error text, when the handshake failed (Node's message, e.g. "... alert number 42"). */
  clientError?: string;
  /** Negotiated protocol version, "1.2" / "1.3" (same as conversation.tlsVersion). */
  tlsVersion?: string;
  /** Negotiated cipher suite, IANA name (same as conversation.cipher). */
  cipher?: string;
  /** The server let the connection through: handshake completed and no fatal alert, reset or close followed. */
  accepted?: boolean;
  /** The extra run without a client certificate that decided `policy.required` (when one was made). */
  withoutCertificate?: {
    conversation: Conversation;
    handshakeCompleted: boolean;
    accepted: boolean;
    clientError?: string;
  };
}

/** Everything diagnose got, from every source. Each part optional. */
export interface Evidence {
  /** ms since epoch used for every validity judgement. */
  now: number;
  /**
   * ms since epoch of the report itself, when `now` is a past moment (a capture's time): rules then also say whether
   * a certificate that was invalid at `now` is still invalid today. Absent: `now` is today.
   */
  today?: number;
  stores: StoreEvidence[];
  probe?: ProbeEvidence;
  conversations: Conversation[];
  /** Server policy from wherever it came (probe or capture). */
  policy?: ServerPolicy;
  /** Which client stack to model. */
  clientStack?: ClientStack;
  /** What server stack we think we face ("unknown" when we cannot tell). */
  serverStack?: ServerStack;
  /** Logs read with src/logs `readLog` (JSSE debug logs, gateway/application logs). */
  logs?: LogEvidence[];
  /**
   * A capture's analysis: whether a key log was given (--keylog file, key log text, or one embedded in a pcapng
   * Decryption Secrets Block). With one given, a TLS 1.3 handshake that is still encrypted means the key log has
   * no secrets for that connection's client random, not that one is missing. Absent: no key log.
   */
  keyLogGiven?: boolean;
}

/**
 * The TLS client implementation, as given by the user (`--client`): it decides how a client picks its certificate
 * from a CertificateRequest (Java KeyManager, Go, .NET/SChannel, OpenSSL, Node, curl).
 */
export type ClientStack = "java" | "go" | "dotnet" | "openssl" | "node" | "curl";
/** The TLS server implementation (`--server-stack`), used to read its alerts; "unknown" when we cannot tell. */
export type ServerStack = "openssl" | "java" | "node" | "unknown";

/** What one log file told us (src/logs `readLog`). */
export interface LogEvidence {
  /** The path as given. */
  file: string;
  /** "jsse-debug": Java `-Djavax.net.debug` output; "gateway": application/gateway lines only; "mixed": both. */
  kind: "jsse-debug" | "gateway" | "mixed";
  /** Which TLS end wrote the JSSE debug output ("unknown" for gateway-only logs or when no ClientHello was logged). */
  side: "client" | "server" | "unknown";
  /** One per handshake the JSSE debug output showed, in log order (source "log"). */
  conversations: Conversation[];
  /** Parallel to `conversations`: what the log said about handshake `i` in text (CA names, certificate subjects). */
  handshakes: LoggedHandshake[];
  /** Everything notable, in log order: selection failures, alerts, exceptions, gateway SSLInfo lines. */
  events: LogEvent[];
  /** Number of lines read. */
  lines: number;
}

/** The text-level facts of one logged handshake (a log has no DER, so these are strings as the log printed them). */
export interface LoggedHandshake {
  /** The end that wrote the log. */
  side: "client" | "server";
  /** JSSE thread field ("id|name"); handshakes are told apart per thread. */
  thread?: string;
  firstLine: number;
  lastLine: number;
  /** From the CertificateRequest, when one was logged; `acceptableCAs` have `source: "log"` and empty `der`. */
  policy?: ServerPolicy;
  /**
   * How the CA names were split: "exact" (one per line: TLS 1.3 extension, JDK 8 `Cert Authorities:`), or
   * "heuristic" (JDK 11+ TLS 1.2 prints the list on one line joined by ", ", the same separator as inside a DN;
   * names are split where the attribute order restarts, e.g. "..., C=AU, CN=..."), "matched" (that one line cut where
   * it reproduces certificate DNs the same log shows), or "ambiguous" (a cut could not be told from a DN written
   * least-specific first, e.g. "O=lab, CN=Lab rootA": the run is kept as one name rather than two invented ones).
   */
  caNamesSplit?: "exact" | "heuristic" | "matched" | "ambiguous";
  /** The client's Certificate message as logged: null = none logged; [] = empty (no certificate sent). */
  clientCertificates: LoggedCertificate[] | null;
  /** The server's Certificate message as logged (null = none logged). */
  serverCertificates: LoggedCertificate[] | null;
}

/** One certificate as a JSSE debug log prints it. */
export interface LoggedCertificate {
  /** X500Principal string as logged (most specific RDN first). */
  subject: string;
  issuer: string;
  /** As logged: colon-separated hex (JDK 11+) or Java BigInteger text (JDK 8). */
  serialNumber?: string;
  /** ms since epoch. */
  notBefore?: number;
  notAfter?: number;
  /** JCA name, e.g. "SHA256withECDSA". */
  signatureAlgorithm?: string;
  /** Key algorithm, e.g. "EC", "RSA". */
  publicKey?: string;
  /** The serial as `openssl x509 -serial` prints it: uppercase hex, no separators, no leading 00 sign byte. */
  serialHex?: string;
  /** X.509 version (1, 2 or 3) as logged. */
  version?: number;
  /** Every extension the log printed, in order (JDK 11+; JDK 8 too). */
  extensions?: LoggedExtension[];
  /** EKU purposes as Java names them (serverAuth, clientAuth, codeSigning, ...) or dotted OIDs; absent = no extension. */
  extendedKeyUsage?: string[];
  /** keyUsage bits as RFC 5280 §4.2.1.3 names them (digitalSignature, keyCertSign, cRLSign, ...); absent = no extension. */
  keyUsage?: string[];
  /** basicConstraints cA; absent = no extension. */
  isCA?: boolean;
  /** basicConstraints pathLenConstraint, when logged with a value. */
  pathLen?: number;
  /** subjectAltName entries, same format as CertInfo: `DNS:host`, `IP:127.0.0.1`, `email:a@b`, `URI:...`, `dirName:<DN>`. */
  subjectAlternativeNames?: string[];
  /** Uppercase colon-separated hex (same format as CertInfo). */
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

/** One certificate extension as a JSSE debug log prints it (`ObjectId: 2.5.29.37 Criticality=false` + its name). */
export interface LoggedExtension {
  /** Dotted OID. */
  oid: string;
  critical: boolean;
  /** Java's name for it ("ExtendedKeyUsages", "KeyUsage", "SubjectAlternativeName", ...), when printed. */
  name?: string;
}

/** What kind of thing a log line reported. One line gives at most one event. */
export type LogEventKind =
  /** JSSE key manager found no certificate whose issuers match the CertificateRequest: "No X.509 cert selected for [EC, ...]". */
  | "certificate-not-selected"
  /** "No available authentication scheme" / "No available client authentication scheme". */
  | "no-authentication-scheme"
  /** "No X.509 certificate for client authentication, use empty Certificate message instead". */
  | "empty-certificate-sent"
  /** The log's side received a fatal/warning alert (`alert` names it). */
  | "alert-received"
  /** The log's side sent a fatal alert (JSSE "Fatal (NAME): reason"; `alert` names it, `text` gives the reason). */
  | "alert-sent"
  /** Server side: "Empty client certificate chain". */
  | "empty-client-chain"
  /** "PKIX path building failed" (unknown issuer, missing intermediate). */
  | "path-building-failed"
  /** "PKIX path validation failed" / "validity check failed" (expired, not yet valid, ...). */
  | "path-validation-failed"
  /** "Invalid certificate_authorities extension: insufficient data" (empty extension, RFC 8446 §4.2.4). */
  | "invalid-certificate-authorities"
  /** "Broken pipe": the peer closed/reset while we were writing (an alert may have been lost). */
  | "broken-pipe"
  /** "Connection reset". */
  | "connection-reset"
  /** "Remote host terminated the handshake" / "SSL peer shut down incorrectly" / EOF during the handshake. */
  | "peer-closed"
  /** Gateway: "SSLInfo: KeyStore:... KeyAlias:... TrustStore:..." (`sslInfo`). */
  | "ssl-info"
  /** Gateway: "handshake failed" without a known reason. */
  | "handshake-failed"
  /** Any other TLS exception (`exception`). */
  | "exception";

/** One notable log line. */
export interface LogEvent {
  kind: LogEventKind;
  /** 1-based line number where the event's text starts. */
  line: number;
  /** ms since epoch, from the line's timestamp (UTC unless the line names a zone). */
  time?: number;
  /** The line's message text as logged (without the log prefix; at most 500 characters). */
  text: string;
  /** JSSE thread ("id|name") or the gateway's thread name. */
  thread?: string;
  /** Gateway message id (Apigee `messageid:`). */
  messageId?: string;
  /** The gateway's own end of the connection, when logged. */
  local?: Endpoint;
  /** The remote end (the backend server, for a gateway's client channel), when logged. */
  remote?: Endpoint;
  /** IANA alert name, when the line names an alert ("bad_certificate"). */
  alert?: string;
  /** Alert code (AlertDescription), when `alert` is a known name. */
  alertCode?: number;
  /** Whether the log's side received `alert` or sent it (JSSE `Fatal (NAME): reason` sends NAME). */
  alertDirection?: "received" | "sent";
  /** Key types from "No X.509 cert selected for [EC, EdDSA, ...]". */
  keyTypes?: string[];
  /** The Java exception on this line, with its causes ("Caused by:") in order. */
  exception?: { className: string; message: string; causes: { className: string; message: string }[] };
  /** Gateway SSLInfo fields, as logged. */
  sslInfo?: { keyStore?: string; keyAlias?: string; trustStore?: string };
  /** Index into LogEvidence.conversations of the handshake this event belongs to (JSSE debug output only). */
  conversation?: number;
}
