/**
 * The one evidence model. Every source (probe, capture, log, store) produces these shapes; the diagnose engine
 * reads them; every report reads what diagnose returns plus these.
 *
 * Times are ms since epoch. Directions are from the TLS client's point of view.
 */
import type { AlertMessage, Direction, WireMessage } from "../wire/types.js";
import type { CertInfo, LoadedStore } from "../pki/types.js";

export type { Direction } from "../wire/types.js";

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
}

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
  /** DER of the Name as sent. */
  der: Uint8Array;
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
}

/** Everything diagnose got, from every source. Each part optional. */
export interface Evidence {
  /** ms since epoch used for every validity judgement. */
  now: number;
  stores: StoreEvidence[];
  probe?: ProbeEvidence;
  conversations: Conversation[];
  /** Server policy from wherever it came (probe or capture). */
  policy?: ServerPolicy;
  /** Which client stack to model. */
  clientStack?: ClientStack;
  /** What server stack we think we face ("unknown" when we cannot tell). */
  serverStack?: ServerStack;
}

export type ClientStack = "java" | "go" | "dotnet" | "openssl" | "node" | "curl";
export type ServerStack = "openssl" | "java" | "node" | "unknown";
