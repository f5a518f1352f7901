/**
 * Java KeyStore (JKS, magic 0xFEEDFEED) via jks-js: private-key entries (Sun KeyProtector) with their chain, and
 * trusted-certificate entries. The store's keyed SHA-1 integrity digest is checked with the password.
 */
import { createRequire } from "node:module";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../../errors.js";
import { parseCertificate } from "../certificate.js";
import type { StoreEntry } from "../types.js";
import { keyNotRecoveredReason, uniqueAliases } from "./common.js";

const require = createRequire(import.meta.url);
interface JksCert { certType: string; value: Buffer }
interface JksEntry { alias: string; chain?: JksCert[]; cert?: JksCert; protectedPrivateKey?: Buffer }
const jks = require("jks-js") as { parseJks(b: Buffer, pw: string): JksEntry[]; decrypt(k: Buffer, pw: string): string };

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

/** How key entries are decrypted: `keyPassword` (default: the store password); see LoadOptions in ../store.ts. */
export interface KeyOptions {
  keyPassword?: string | undefined;
  /** "keep": a key neither password decrypts leaves the entry without privateKey, with keyNotRecovered set. */
  unrecovered: "error" | "keep";
}

/** Sun KeyProtector: wrong password → "Cannot recover key" (its SHA-1 integrity digest fails). */
function recoverJksKey(protectedKey: Buffer, pw: string): KeyObject | undefined {
  try {
    return createPrivateKey({ key: jks.decrypt(protectedKey, pw), format: "pem" });
  } catch {
    return undefined;
  }
}

/**
 * Reads a JKS. The store password checks the integrity digest; each key is decrypted with `keys.keyPassword`, then
 * the store password (keytool's default). Throws MtlsDoctorError (never naming a password): MTLSD_ERR_BAD_PASSWORD,
 * MTLSD_ERR_PASSWORD_REQUIRED, MTLSD_ERR_TRUNCATED.
 */
export function loadJks(bytes: Uint8Array, file: string, password?: string, keys: KeyOptions = { unrecovered: "error" }): StoreEntry[] {
  let raw: JksEntry[];
  try {
    // Without a password jks-js skips the integrity check; we still read the certificates (keys need it).
    raw = jks.parseJks(Buffer.from(bytes), password ?? "");
  } catch (e) {
    const msg = (e as Error).message ?? "";
    if (/password|checksum|tampered|integrity/i.test(msg)) {
      throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: wrong keystore password (the JKS integrity check failed)`);
    }
    throw new MtlsDoctorError("MTLSD_ERR_TRUNCATED", `${file}: JKS content is damaged or truncated`, { cause: e });
  }
  const entries: StoreEntry[] = raw.map((r) => {
    if (r.protectedPrivateKey) {
      if (password === undefined || password === "") {
        throw new MtlsDoctorError("MTLSD_ERR_PASSWORD_REQUIRED", `${file}: alias "${r.alias}" holds a private key; give the keystore password with --password or MTLS_DOCTOR_PASSWORD`);
      }
      const chain = (r.chain ?? []).map((c) => parseCertificate(new Uint8Array(c.value)));
      // The key password first, then the store password (keytool's default when -keypass is not given).
      let key: KeyObject | undefined;
      for (const pw of new Set([keys.keyPassword ?? password, password])) if (!key) key = recoverJksKey(r.protectedPrivateKey, pw);
      if (key) return { alias: r.alias, kind: "private-key" as const, chain, privateKey: key };
      const reason = keyNotRecoveredReason(keys.keyPassword !== undefined);
      if (keys.unrecovered === "keep") return { alias: r.alias, kind: "private-key" as const, chain, keyNotRecovered: reason };
      throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: alias "${r.alias}": ${reason}`);
    }
    return { alias: r.alias, kind: "trusted-cert" as const, chain: r.cert ? [parseCertificate(new Uint8Array(r.cert.value))] : [] };
  });
  return uniqueAliases(entries);
}
