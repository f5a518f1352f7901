/**
 * Shapes of the TLS wire model (RFC 5246, RFC 8446). Decoders live beside this file; this file holds only types
 * so that every layer above can code against them.
 *
 * Conventions: code points stay numbers (unknown values are kept, never thrown on; `nameOf` in tables.ts gives
 * the IANA name or `unknown(0x....)`); every decoded thing keeps its original bytes in `raw`.
 */

/** Which way a record or message travelled. */
export type Direction = "client→server" | "server→client";
export const C2S: Direction = "client→server";
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

export interface ClientHello {
  type: "ClientHello";
  msgType: 1;
  legacyVersion: number;
  random: Uint8Array; // 32 bytes
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: Extension[];
  /** From server_name (RFC 6066 §3), host_name entry. */
  serverName?: string;
  /** From supported_versions (RFC 8446 §4.2.1). */
  supportedVersions?: number[];
  signatureAlgorithms?: number[];
  alpn?: string[];
}

export interface ServerHello {
  /** A ServerHello whose random is the special HRR value (RFC 8446 §4.1.3) is a HelloRetryRequest. */
  type: "ServerHello" | "HelloRetryRequest";
  msgType: 2;
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: Extension[];
  /** supported_versions selected_version, when present (TLS 1.3). */
  selectedVersion?: number;
}

export interface CertificateEntry {
  /** DER of one X.509 certificate. */
  certData: Uint8Array;
  /** TLS 1.3 per-entry extensions (RFC 8446 §4.4.2); empty in TLS 1.2. */
  extensions: Extension[];
}

export interface CertificateMsg {
  type: "Certificate";
  msgType: 11;
  /** RFC 5246 §7.4.2 vs RFC 8446 §4.4.2. */
  form: "tls12" | "tls13";
  /** TLS 1.3 certificate_request_context. */
  requestContext?: Uint8Array;
  /** Length in bytes of the certificate_list vector (Wireshark `tls.handshake.certificates_length`); 0 = empty. */
  certificatesLength: number;
  entries: CertificateEntry[];
}

export interface CertificateRequest {
  type: "CertificateRequest";
  msgType: 13;
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

export interface EncryptedExtensions {
  type: "EncryptedExtensions";
  msgType: 8;
  extensions: Extension[];
}

export interface CertificateVerify {
  type: "CertificateVerify";
  msgType: 15;
  signatureScheme: number;
  signature: Uint8Array;
}

export interface Finished {
  type: "Finished";
  msgType: 20;
  verifyData: Uint8Array;
}

export interface NewSessionTicket {
  type: "NewSessionTicket";
  msgType: 4;
  lifetime: number;
  /** TLS 1.3 only. */
  ageAdd?: number;
  nonce?: Uint8Array;
  ticket: Uint8Array;
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

export interface ChangeCipherSpecMessage {
  type: "ChangeCipherSpec";
}

export interface ApplicationDataMessage {
  type: "ApplicationData";
  /** Length of the (encrypted) record fragment in bytes; the payload itself is not kept. */
  length: number;
  /**
   * Only for TLS 1.3 records that could not be decrypted: the record is exactly 2-byte alert + 1-byte inner content
   * type + the AEAD tag of the negotiated suite (19 bytes; 11 for TLS_AES_128_CCM_8_SHA256), which is almost always
   * an encrypted Alert (a heuristic, not proof).
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
