/**
 * TLS 1.3 key schedule pieces (RFC 8446 §7.1, §7.3), named after the RFC (pattern: Go crypto/tls
 * key_schedule.go). All HMAC/HKDF work is done by node:crypto; nothing cryptographic is hand-rolled.
 */
import { createHash, createHmac, hkdfSync } from "node:crypto";

/** Labels exactly as written in RFC 8446 §7.1 / §7.3. */
export const LABEL = {
  derived: "derived",
  clientHandshakeTraffic: "c hs traffic",
  serverHandshakeTraffic: "s hs traffic",
  clientApplicationTraffic: "c ap traffic",
  serverApplicationTraffic: "s ap traffic",
  exporterMaster: "exp master",
  resumptionMaster: "res master",
  key: "key",
  iv: "iv",
  finished: "finished",
  trafficUpdate: "traffic upd",
} as const;

export type HashName = "sha256" | "sha384";

/**
 * AEAD and hash of a TLS 1.3 cipher suite (RFC 8446 §B.4). All use a 12-byte nonce (RFC 8446 §5.3, RFC 5116
 * §5.1/§5.3 N_MIN = N_MAX = 12). `tagLength` is the AEAD expansion in bytes: 16 for every suite except
 * AEAD_AES_128_CCM_8 (RFC 6655 §3), whose tag is 8 bytes.
 */
export interface Tls13Suite {
  code: number;
  name: string;
  hash: HashName;
  /** node:crypto cipher name. */
  cipher: "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305" | "aes-128-ccm";
  keyLength: number;
  ivLength: number;
  tagLength: number;
}

/** Every TLS 1.3 cipher suite of RFC 8446 §B.4; all can be decrypted (node:crypto AEADs). */
export const TLS13_SUITES: Readonly<Record<number, Tls13Suite>> = {
  0x1301: { code: 0x1301, name: "TLS_AES_128_GCM_SHA256", hash: "sha256", cipher: "aes-128-gcm", keyLength: 16, ivLength: 12, tagLength: 16 },
  0x1302: { code: 0x1302, name: "TLS_AES_256_GCM_SHA384", hash: "sha384", cipher: "aes-256-gcm", keyLength: 32, ivLength: 12, tagLength: 16 },
  0x1303: { code: 0x1303, name: "TLS_CHACHA20_POLY1305_SHA256", hash: "sha256", cipher: "chacha20-poly1305", keyLength: 32, ivLength: 12, tagLength: 16 },
  // AEAD_AES_128_CCM (RFC 5116 §5.3): 16-byte tag.
  0x1304: { code: 0x1304, name: "TLS_AES_128_CCM_SHA256", hash: "sha256", cipher: "aes-128-ccm", keyLength: 16, ivLength: 12, tagLength: 16 },
  // AEAD_AES_128_CCM_8 (RFC 6655 §3): the same cipher, 8-byte tag (node:crypto `authTagLength: 8`).
  0x1305: { code: 0x1305, name: "TLS_AES_128_CCM_8_SHA256", hash: "sha256", cipher: "aes-128-ccm", keyLength: 16, ivLength: 12, tagLength: 8 },
};

export function hashLength(hash: HashName): number {
  return hash === "sha256" ? 32 : 48;
}

/** HKDF-Extract(salt, IKM) (RFC 5869 §2.2) = HMAC-Hash(salt, IKM). An empty salt means HashLen zeros. */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const s = salt.length === 0 ? new Uint8Array(hashLength(hash)) : salt;
  return new Uint8Array(createHmac(hash, s).update(ikm).digest());
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3), via node:crypto hkdfSync with an identity extract. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 §2.3 by HMAC directly: node's hkdfSync always runs Extract first.
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  let pos = 0;
  for (let i = 1; pos < length; i++) {
    const h = createHmac(hash, prk);
    h.update(t);
    h.update(info);
    h.update(Uint8Array.of(i));
    t = new Uint8Array(h.digest());
    out.set(t.subarray(0, Math.min(t.length, length - pos)), pos);
    pos += t.length;
  }
  return out;
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1):
 * `HkdfLabel = uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0..255>`.
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = Buffer.from("tls13 " + label, "latin1");
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

/** Transcript-Hash(messages) (RFC 8446 §4.4.1) over the concatenated raw handshake messages. */
export function transcriptHash(hash: HashName, messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return new Uint8Array(h.digest());
}

/** Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length). */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string, messages: readonly Uint8Array[]): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash(hash, messages), hashLength(hash));
}

/** Traffic key and IV (RFC 8446 §7.3): `key = HKDF-Expand-Label(Secret, "key", "", key_length)`, `iv = ...("iv", "", iv_length)`. */
export function trafficKeys(secret: Uint8Array, suite: Tls13Suite): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(suite.hash, secret, LABEL.key, new Uint8Array(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, LABEL.iv, new Uint8Array(0), suite.ivLength),
  };
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
export function nextTrafficSecret(secret: Uint8Array, suite: Tls13Suite): Uint8Array {
  return hkdfExpandLabel(suite.hash, secret, LABEL.trafficUpdate, new Uint8Array(0), hashLength(suite.hash));
}

/** Full HKDF (RFC 5869 Extract then Expand) via node:crypto hkdfSync. */
export function hkdf(hash: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync(hash, ikm, salt, info, length));
}
