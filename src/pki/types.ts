/**
 * Shapes of the PKI model: certificates, keystore/truststore entries, chain checks.
 * Loaders and checks live beside this file (store loaders use node-forge / pkijs / jks-js / @peculiar/x509).
 */
import type { KeyObject } from "node:crypto";

/**
 * The Apigee-style `certInfo` record (see the playbook), same names and value formats, plus fields a diagnosis needs.
 * DN strings are printed like Java's X500Principal.toString() / keytool: most specific RDN first, ", " separated.
 */
export interface CertInfo {
  /** "CA:FALSE", "CA:TRUE", or "CA:TRUE, pathlen:N". */
  basicConstraints: string;
  /** notAfter, ms since epoch. */
  expiryDate: number;
  /** "Yes" when now is within [validFrom, expiryDate] at the time of the check. */
  isValid: "Yes" | "No";
  issuer: string;
  /** "RSA Public Key, 2048 bits", "EC Public Key, 256 bits", "Ed25519 Public Key, 255 bits" ... */
  publicKey: string;
  /** Colon-separated lowercase hex bytes, e.g. "65:00:00:00:d2". */
  serialNumber: string;
  /** Java standard name: SHA256withRSA, SHA384withECDSA, RSASSA-PSS, Ed25519. */
  sigAlgName: string;
  subject: string;
  subjectAlternativeNames: string[];
  /** notBefore, ms since epoch. */
  validFrom: number;
  /** 1, 2 or 3. */
  version: number;
  // --- additions for diagnosis ---
  /** Key usage names as in RFC 5280 §4.2.1.3 (digitalSignature, keyEncipherment, keyCertSign, ...); absent = no extension. */
  keyUsage?: string[];
  /** EKU names (serverAuth, clientAuth, codeSigning, ...) or dotted OIDs; absent = no extension. */
  extendedKeyUsage?: string[];
  /** Uppercase colon-separated hex of SHA-256 over the DER. */
  sha256Fingerprint: string;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
}

/** One parsed X.509 certificate. Identity and matching use `der`; strings are for people. */
export interface Certificate {
  der: Uint8Array;
  /** DER of the subject Name (RFC 5280 §4.1.2.6) exactly as encoded in the certificate. */
  subjectDer: Uint8Array;
  /** DER of the issuer Name (RFC 5280 §4.1.2.4) exactly as encoded in the certificate. */
  issuerDer: Uint8Array;
  /** Java/keytool style DN strings. */
  subject: string;
  issuer: string;
  /** ms since epoch. */
  notBefore: number;
  notAfter: number;
  /** basicConstraints cA. */
  isCA: boolean;
  pathLen?: number;
  /** "RSA", "EC", "Ed25519", "Ed448", "DSA", "RSASSA-PSS". */
  keyAlgorithm: string;
  /** Key size in bits (RSA modulus bits; EC field size). */
  keySize: number;
  /** EC named curve ("P-256", ...) when keyAlgorithm is EC. */
  namedCurve?: string;
  /** Java standard signature algorithm name. */
  sigAlgName: string;
  sigAlgOid: string;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  selfIssued: boolean;
  /** Returns the certInfo view, judged at `now` (ms since epoch). */
  info(now: number): CertInfo;
}

/**
 * Container format of a loaded store, detected from the bytes: PEM text (RFC 7468), one DER certificate
 * (RFC 5280), PKCS#12 (RFC 7292), or a Java KeyStore (JKS).
 */
export type StoreFormat = "pem" | "der" | "pkcs12" | "jks";

/** One alias of a keystore/truststore. */
export interface StoreEntry {
  alias: string;
  kind: "private-key" | "trusted-cert";
  /** For private-key entries: the chain as stored (leaf first, if the store is well-formed). For trusted-cert: one cert. */
  chain: Certificate[];
  /** Private key (never serialised, never printed). */
  privateKey?: KeyObject;
  /**
   * Private-key entries whose key could not be decrypted (wrong key password), when the store was loaded with
   * `unrecoveredKeys: "keep"`: why, for people (never contains a password). `privateKey` is then absent; the chain is
   * still listed.
   */
  keyNotRecovered?: string;
}

/**
 * A keystore or truststore as read by loadKeystore / loadKeystoreBytes: every alias with its certificates (and
 * private key where there is one). Loading throws MtlsDoctorError (UNKNOWN_FORMAT, BAD_PASSWORD, EMPTY_STORE, ...)
 * instead of returning a partial store.
 */
export interface LoadedStore {
  /** The path as given by the user. */
  file: string;
  /** The detected container format. */
  format: StoreFormat;
  /** Finer detail of the format: "PKCS#12 (AES-256-CBC, PBKDF2)", "PKCS#12 (legacy RC2/3DES)", "JKS", "PEM bundle". */
  formatDetail?: string;
  /** The aliases in store order (never empty: an empty store throws MTLSD_ERR_EMPTY_STORE). */
  entries: StoreEntry[];
}

/** Result of one check on a private-key entry: ok + a reason, never a bare boolean. */
export interface CheckResult {
  ok: boolean;
  reason: string;
}

/**
 * What checkEntry found about one store entry at a given `now` (ms since epoch): chain order, signatures, key
 * match, validity dates, key usages (RFC 5280 §4.2.1.3 keyUsage, §4.2.1.12 extKeyUsage) and where the chain ends.
 */
export interface EntryChecks {
  /** leaf → issuer → ... order. */
  chainOrdered: CheckResult;
  /** Each certificate's signature verifies under the next one's key (and a self-signed root under its own). */
  signaturesValid: CheckResult;
  /** The private key matches the leaf's public key. */
  keyMatchesLeaf: CheckResult;
  /** Indexes (0 = leaf) of certificates expired at `now`. */
  expired: number[];
  /** Indexes of certificates not yet valid at `now`. */
  notYetValid: number[];
  /** EKU clientAuth present or no EKU. */
  clientAuthAllowed: CheckResult;
  /** keyUsage digitalSignature present or no keyUsage. */
  digitalSignatureAllowed: CheckResult;
  /**
   * The chain ends at a self-signed certificate, or (ok, informative) at a CA certificate whose issuer is left out as
   * TLS allows for the root (RFC 8446 §4.4.2, RFC 5246 §7.4.2). Not ok, severity "warning", when the entry is a lone
   * certificate whose issuer is absent: a client sending it sends no intermediate. Always set by checkEntry.
   */
  chainComplete?: CheckResult & { severity?: "warning" };
}
