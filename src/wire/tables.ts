/**
 * IANA code-point tables and naming helpers. The tables themselves are generated from the IANA registry CSVs
 * (src/wire/iana/, scripts/gen-iana.mjs → tables.generated.ts); this module adds the lookups.
 *
 * Unknown code points are values, not errors (pattern: rustls `enum_builder!` `Unknown(u16)`):
 * `nameOf(table, code)` returns the IANA name, `GREASE(0x1a1a)` for RFC 8701 GREASE values, or `unknown(0x....)`.
 */
import {
  ALERT_DESCRIPTIONS,
  CIPHER_SUITES,
  CLIENT_CERTIFICATE_TYPES,
  CONTENT_TYPES,
  EXTENSION_TYPES,
  HANDSHAKE_TYPES,
  HASH_ALGORITHMS_TLS12,
  SIGNATURE_ALGORITHMS_TLS12,
  SIGNATURE_SCHEMES,
  SUPPORTED_GROUPS,
  type IanaTable,
} from "./tables.generated.js";

export {
  ALERT_DESCRIPTIONS,
  CIPHER_SUITES,
  CLIENT_CERTIFICATE_TYPES,
  CONTENT_TYPES,
  EXTENSION_TYPES,
  HANDSHAKE_TYPES,
  HASH_ALGORITHMS_TLS12,
  SIGNATURE_ALGORITHMS_TLS12,
  SIGNATURE_SCHEMES,
  SUPPORTED_GROUPS,
};
export type { IanaTable };

/** ProtocolVersion values (RFC 8446 §4.2.1, RFC 5246 appendix E); not an IANA registry. */
export const PROTOCOL_VERSIONS: IanaTable = {
  registry: "ProtocolVersion",
  width: 2,
  names: {
    0x0200: "SSL 2.0",
    0x0300: "SSL 3.0",
    0x0301: "TLS 1.0",
    0x0302: "TLS 1.1",
    0x0303: "TLS 1.2",
    0x0304: "TLS 1.3",
    0xfeff: "DTLS 1.0",
    0xfefd: "DTLS 1.2",
    0xfefc: "DTLS 1.3",
  },
};

/** RFC 8701 GREASE: 0x?a?a with both bytes equal (cipher suites, extensions, groups, versions, sig schemes...). */
export function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

function hex(code: number, width: number): string {
  return "0x" + code.toString(16).padStart(width * 2, "0");
}

/**
 * IANA name of `code` in `table`, e.g. `nameOf(ALERT_DESCRIPTIONS, 116) === "certificate_required"`.
 * Two-byte tables name GREASE values `GREASE(0x0a0a)`; anything else not in the table is `unknown(0x....)`.
 */
export function nameOf(table: IanaTable, code: number): string {
  const n = table.names[code];
  if (n !== undefined) return n;
  if (table.width === 2 && isGrease(code)) return `GREASE(${hex(code, 2)})`;
  if (table === SIGNATURE_SCHEMES) {
    // TLS 1.2 SignatureAndHashAlgorithm pairs that have no SignatureScheme name (RFC 5246 §7.4.1.4.1), e.g. 0x0303.
    const h = HASH_ALGORITHMS_TLS12.names[code >> 8];
    const s = SIGNATURE_ALGORITHMS_TLS12.names[code & 0xff];
    if (h !== undefined && s !== undefined && (code >> 8) <= 6) return `${s}_${h}`;
  }
  return `unknown(${hex(code, table.width)})`;
}

/** "TLS 1.3", "TLS 1.2", ... or unknown(0x....). */
export function versionName(v: number): string {
  return nameOf(PROTOCOL_VERSIONS, v);
}

const OPENSSL_HASH: Record<number, string> = { 1: "MD5", 2: "SHA1", 3: "SHA224", 4: "SHA256", 5: "SHA384", 6: "SHA512" };
const OPENSSL_SIG: Record<number, string> = { 1: "RSA", 2: "DSA", 3: "ECDSA" };

/**
 * The name OpenSSL 3.0 prints for a signature scheme in `s_client`'s "Requested Signature Algorithms" line:
 * "ECDSA+SHA256", "RSA-PSS+SHA256" (rsa_pss_rsae_*), "RSA+SHA256", "ECDSA+SHA224"; schemes without a
 * hash+signature pair are printed by their IANA name ("ed25519", "rsa_pss_pss_sha256",
 * "ecdsa_brainpoolP256r1tls13_sha256"). Checked against real s_client output in test/wire/real-handshakes.test.ts.
 */
export function opensslSignatureName(code: number): string {
  if (code >= 0x0804 && code <= 0x0806) return `RSA-PSS+${{ 4: "SHA256", 5: "SHA384", 6: "SHA512" }[code & 0xff]}`;
  const h = OPENSSL_HASH[code >> 8];
  const s = OPENSSL_SIG[code & 0xff];
  if (h && s) return `${s}+${h}`;
  return nameOf(SIGNATURE_SCHEMES, code);
}

/** Content type name for the wire model (the union in types.ts); `unknown` for anything else. */
export function contentTypeName(ct: number): "change_cipher_spec" | "alert" | "handshake" | "application_data" | "heartbeat" | "unknown" {
  switch (ct) {
    case 20:
      return "change_cipher_spec";
    case 21:
      return "alert";
    case 22:
      return "handshake";
    case 23:
      return "application_data";
    case 24:
      return "heartbeat";
    default:
      return "unknown";
  }
}

/** Handshake message type → the CamelCase name used in WireMessage.type (RFC 8446 §4 / RFC 5246 §7.4 spelling). */
export const HANDSHAKE_MESSAGE_NAMES: Readonly<Record<number, string>> = {
  0: "HelloRequest",
  1: "ClientHello",
  2: "ServerHello",
  3: "HelloVerifyRequest",
  4: "NewSessionTicket",
  5: "EndOfEarlyData",
  8: "EncryptedExtensions",
  11: "Certificate",
  12: "ServerKeyExchange",
  13: "CertificateRequest",
  14: "ServerHelloDone",
  15: "CertificateVerify",
  16: "ClientKeyExchange",
  20: "Finished",
  21: "CertificateURL",
  22: "CertificateStatus",
  24: "KeyUpdate",
  25: "CompressedCertificate",
  254: "MessageHash",
};
