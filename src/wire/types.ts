/**
 * Shapes of the TLS wire model (RFC 5246, RFC 8446). Decoders live beside this file; this file holds only types
 * so that every layer above can code against them.
 *
 * Conventions: code points stay numbers (unknown values are kept, never thrown on; `nameOf` in tables.ts gives
 * the IANA name or `unknown(0x....)`); every decoded thing keeps its original bytes in `raw`.
 */

/** Which way a record or message travelled. */
export type Direction = "client→server" | "server→client";
/** Client to server: the Direction of ClientHello, the client Certificate, CertificateVerify, ... */
export const C2S: Direction = "client→server";
/** Server to client: the Direction of ServerHello, CertificateRequest, the server Certificate, ... */
export const S2C: Direction = "server→client";

/** RFC 8446 §5.1 ContentType. */
export type ContentTypeName = "change_cipher_spec" | "alert" | "handshake" | "application_data" | "heartbeat" | "unknown";

/** One TLS record as framed on the wire (RFC 5246 §6.2.1, RFC 8446 §5.1). */
export interface TlsRecord {
  /** ContentType byte (20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data). */
  contentType: number;
  /** legacy_record_version, e.g. 0x0303. */
  version: number;
  /** The fragment (bytes after the 5-byte header). A view, not a copy, where possible. */
  fragment: Uint8Array;
  /** Byte offset of the record header within its direction's TCP stream (0-based). */
  streamOffset: number;
}

/**
 * A problem found while decoding that did not stop decoding (Wireshark expert info of severity "warn"): the bytes
 * were still decoded as far as possible, and the message carries this note. `field` is the Wireshark expert-info
 * name for the concept, so a user can find the same thing in Wireshark.
 */
export interface WireWarning {
  /**
   * Wireshark expert-info name:
   * - `tls.record.length.invalid`: a record (or TLS 1.3 TLSInnerPlaintext) longer than its RFC limit.
   */
  field: "tls.record.length.invalid";
  /** One line for a person, naming the structure, its length, the limit and the rule. */
  message: string;
  /** The offending value (bytes). */
  value: number;
  /** The largest value allowed (bytes). */
  limit: number;
  /** Where the rule is written, e.g. "RFC 8446 §5.1". */
  spec: string;
  /** Stream offset of the record header the problem was found in. */
  streamOffset: number;
}

/** One extension, known or not (RFC 8446 §4.2). `raw` is extension_data without type/length. */
export interface Extension {
  type: number;
  /** IANA name, or `unknown(0x....)`. */
  name: string;
  raw: Uint8Array;
}

/** A distinguished name as carried in certificate_authorities: DER of the X.501 Name, unparsed. */
export type DistinguishedNameDer = Uint8Array;

/**
 * ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2), handshake type 1. Code points stay numbers (IANA names via
 * `nameOf`); the convenience fields are read from their extensions when present, all extensions stay in
 * `extensions`. Decoding a malformed one throws DecodeError.
 */
export interface ClientHello {
  type: "ClientHello";
  msgType: 1;
  /** legacy_version, e.g. 0x0303 (TLS 1.2; TLS 1.3 offers its versions in supported_versions). */
  legacyVersion: number;
  /** The 32-byte ClientHello.random (also the key of the connection in a key log). */
  random: Uint8Array;
  /** legacy_session_id, 0–32 bytes. */
  sessionId: Uint8Array;
  /** CipherSuite code points (2 bytes each) in the client's preference order, GREASE included. */
  cipherSuites: number[];
  /** compression_methods bytes (only 0 = null is legal in TLS 1.3). */
  compressionMethods: number[];
  extensions: Extension[];
  /** From server_name (RFC 6066 §3), host_name entry. */
  serverName?: string;
  /** From supported_versions (RFC 8446 §4.2.1). */
  supportedVersions?: number[];
  /** From signature_algorithms (RFC 8446 §4.2.3): SignatureScheme code points in the client's preference order. */
  signatureAlgorithms?: number[];
  /** From application_layer_protocol_negotiation (RFC 7301 §3.1): protocol names, e.g. "h2", "http/1.1". */
  alpn?: string[];
}

/**
 * ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3), handshake type 2. Decoding a malformed
 * one throws DecodeError.
 */
export interface ServerHello {
  /** A ServerHello whose random is the special HRR value (RFC 8446 §4.1.3) is a HelloRetryRequest. */
  type: "ServerHello" | "HelloRetryRequest";
  msgType: 2;
  /** legacy_version (0x0303 in TLS 1.3; the real version is `selectedVersion`). */
  legacyVersion: number;
  /** 32 bytes; the fixed HelloRetryRequest value marks an HRR (RFC 8446 §4.1.3). */
  random: Uint8Array;
  /** legacy_session_id_echo, 0–32 bytes. */
  sessionId: Uint8Array;
  /** The selected CipherSuite code point. */
  cipherSuite: number;
  /** The selected compression method (0 = null). */
  compressionMethod: number;
  extensions: Extension[];
  /** supported_versions selected_version, when present (TLS 1.3). */
  selectedVersion?: number;
}

/** One entry of a Certificate message's certificate_list (RFC 8446 §4.4.2; in TLS 1.2 only the DER). */
export interface CertificateEntry {
  /** DER of one X.509 certificate. */
  certData: Uint8Array;
  /** TLS 1.3 per-entry extensions (RFC 8446 §4.4.2); empty in TLS 1.2. */
  extensions: Extension[];
}

/**
 * Certificate message (RFC 5246 §7.4.2 / §7.4.6, RFC 8446 §4.4.2), handshake type 11: the sender's chain, leaf
 * first. An empty list (`certificatesLength` 0) is how a client says it has no certificate to send. Decoding a
 * malformed one throws DecodeError.
 */
export interface CertificateMsg {
  type: "Certificate";
  msgType: 11;
  /** RFC 5246 §7.4.2 vs RFC 8446 §4.4.2. */
  form: "tls12" | "tls13";
  /** TLS 1.3 certificate_request_context. */
  requestContext?: Uint8Array;
  /** Length in bytes of the certificate_list vector (Wireshark `tls.handshake.certificates_length`); 0 = empty. */
  certificatesLength: number;
  /** The certificates in the order sent (leaf first). */
  entries: CertificateEntry[];
}

/**
 * CertificateRequest (RFC 5246 §7.4.4, RFC 8446 §4.3.2), handshake type 13: the server asks for a client
 * certificate and says which signature algorithms and CAs (certificate_authorities) it accepts. This is the
 * message that decides which client certificate a client picks. Decoding a malformed one throws DecodeError.
 */
export interface CertificateRequest {
  type: "CertificateRequest";
  msgType: 13;
  /** RFC 5246 §7.4.4 layout vs RFC 8446 §4.3.2 layout (chosen by the negotiated version). */
  form: "tls12" | "tls13";
  /** TLS 1.2 certificate_types (ClientCertificateType, RFC 5246 §7.4.4). */
  certificateTypes?: number[];
  /** TLS 1.2 field, or TLS 1.3 signature_algorithms extension (SignatureScheme code points). */
  signatureAlgorithms: number[];
  /** TLS 1.3 signature_algorithms_cert extension, when present. */
  signatureAlgorithmsCert?: number[];
  /** DER DNs in the order sent: TLS 1.2 certificate_authorities field, TLS 1.3 extension (§4.2.4). */
  certificateAuthorities: DistinguishedNameDer[];
  /**
   * TLS 1.3: whether the certificate_authorities extension was present at all, and whether it was present but
   * empty (a zero-length list, which RFC 8446 §4.2.4 forbids and JSSE rejects). TLS 1.2: always "present".
   */
  certificateAuthoritiesState: "absent" | "present" | "present-empty";
  /** TLS 1.3 certificate_request_context. */
  requestContext?: Uint8Array;
  /** TLS 1.3 extensions, all of them (known and unknown). */
  extensions?: Extension[];
}

/** EncryptedExtensions (RFC 8446 §4.3.1), handshake type 8: TLS 1.3 server extensions, read only after decryption. */
export interface EncryptedExtensions {
  type: "EncryptedExtensions";
  msgType: 8;
  extensions: Extension[];
}

/**
 * CertificateVerify (RFC 5246 §7.4.8, RFC 8446 §4.4.3), handshake type 15: proof of possession of the private key
 * of the certificate just sent. The signature is kept, never verified here.
 */
export interface CertificateVerify {
  type: "CertificateVerify";
  msgType: 15;
  /** SignatureScheme code point (RFC 8446 §4.2.3), e.g. 0x0804 rsa_pss_rsae_sha256. */
  signatureScheme: number;
  /** The signature bytes. */
  signature: Uint8Array;
}

/** Finished (RFC 5246 §7.4.9, RFC 8446 §4.4.4), handshake type 20. */
export interface Finished {
  type: "Finished";
  msgType: 20;
  /** verify_data: 12 bytes in TLS 1.2, the hash length (32 or 48 bytes) in TLS 1.3. */
  verifyData: Uint8Array;
}

/** NewSessionTicket (RFC 8446 §4.6.1; TLS 1.2: RFC 5077 §3.3), handshake type 4. */
export interface NewSessionTicket {
  type: "NewSessionTicket";
  msgType: 4;
  /** ticket_lifetime (TLS 1.3) or ticket_lifetime_hint (TLS 1.2), in seconds. */
  lifetime: number;
  /** TLS 1.3 only: ticket_age_add. */
  ageAdd?: number;
  /** TLS 1.3 only: ticket_nonce, 0–255 bytes. */
  nonce?: Uint8Array;
  /** The opaque ticket. */
  ticket: Uint8Array;
  /** TLS 1.3 only. */
  extensions?: Extension[];
}

/** Messages whose body we keep opaque: ServerKeyExchange, ClientKeyExchange, ServerHelloDone, KeyUpdate, EndOfEarlyData, ... */
export interface OpaqueHandshake {
  type:
    | "ServerKeyExchange"
    | "ClientKeyExchange"
    | "ServerHelloDone"
    | "HelloRequest"
    | "KeyUpdate"
    | "EndOfEarlyData"
    | "CertificateStatus"
    | "MessageHash"
    | "CompressedCertificate"
    | "Unknown";
  msgType: number;
  body: Uint8Array;
}

/** Every decoded handshake message, discriminated by `type` (and `msgType`, the HandshakeType byte). */
export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | CertificateMsg
  | CertificateRequest
  | EncryptedExtensions
  | CertificateVerify
  | Finished
  | NewSessionTicket
  | OpaqueHandshake;

/** RFC 8446 §6 Alert. */
export interface AlertMessage {
  type: "Alert";
  /** 1 warning, 2 fatal. */
  level: number;
  levelName: "warning" | "fatal" | string;
  description: number;
  /** IANA name, e.g. "bad_certificate", or `unknown(N)`. */
  descriptionName: string;
}

/** ChangeCipherSpec (RFC 5246 §7.1; in TLS 1.3 only the middlebox-compatibility record, RFC 8446 §D.4). */
export interface ChangeCipherSpecMessage {
  type: "ChangeCipherSpec";
}

/** An application_data record (RFC 5246 §6.2, RFC 8446 §5.2): in a handshake, encrypted bytes we cannot read. */
export interface ApplicationDataMessage {
  type: "ApplicationData";
  /** Length of the (encrypted) record fragment in bytes; the payload itself is not kept. */
  length: number;
  /**
   * Only for TLS 1.3 records that could not be decrypted: the record is exactly 2-byte alert + 1-byte inner content
   * type + the AEAD tag of the negotiated suite (19 bytes; 11 for TLS_AES_128_CCM_8_SHA256), which is almost always
   * an encrypted Alert (a heuristic, not proof). Alert-sized, not fatal: a close_notify (RFC 8446 §6.1) has the same
   * size; which one it most likely is depends on what came before and after it, judged per conversation
   * (Conversation.encryptedAlert vs Conversation.encryptedCloseNotify, src/evidence/conversation.ts).
   */
  likelyAlert?: boolean;
}

/** Something that could not be decoded: kept with the decode error, never dropped silently. */
export interface UndecodableMessage {
  type: "Undecodable";
  error: string;
}

/** One message of a TLS conversation as decoded from one direction's byte stream. */
export interface WireMessage {
  direction: Direction;
  contentType: ContentTypeName;
  /** IANA-style message name: "ClientHello", "CertificateRequest", "Alert", "ChangeCipherSpec", "ApplicationData", "EncryptedHandshake"... */
  type: string;
  /** True when read through TLS 1.3 traffic keys from a key log. */
  decrypted: boolean;
  /** True when the message is encrypted and could not be decrypted (no key). */
  encrypted: boolean;
  /** Offset of the record header that carried (the first byte of) this message, in the direction's stream. */
  streamOffset: number;
  /** Offset of the record header that completed this message (for frame lookup). */
  endStreamOffset: number;
  /** Original bytes: for handshake messages the 4-byte header + body; for alerts the 2 bytes. */
  raw: Uint8Array;
  /**
   * Problems in the record(s) that carried this message which did not stop decoding (e.g. a record over the RFC
   * length limit: `tls.record.length.invalid`). Absent when there were none.
   */
  warnings?: WireWarning[];
  body:
    | HandshakeMessage
    | AlertMessage
    | ChangeCipherSpecMessage
    | ApplicationDataMessage
    | UndecodableMessage
    | null;
}
