/**
 * Java KeyStore (JKS, magic 0xFEEDFEED) via jks-js: private-key entries (Sun KeyProtector) with their chain, and
 * trusted-certificate entries. The store's keyed SHA-1 integrity digest is checked with the password.
 */
import { createRequire } from "node:module";
import { createPrivateKey } from "node:crypto";
import { MtlsDoctorError } from "../../errors.js";
import { parseCertificate } from "../certificate.js";
import type { StoreEntry } from "../types.js";
import { uniqueAliases } from "./common.js";

const require = createRequire(import.meta.url);
interface JksCert { certType: string; value: Buffer }
interface JksEntry { alias: string; chain?: JksCert[]; cert?: JksCert; protectedPrivateKey?: Buffer }
const jks = require("jks-js") as { parseJks(b: Buffer, pw: string): JksEntry[]; decrypt(k: Buffer, pw: string): string };

export const JKS_MAGIC = 0xfeedfeed;
export const JCEKS_MAGIC = 0xcececece;

export function loadJks(bytes: Uint8Array, file: string, password?: string): StoreEntry[] {
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
      let key;
      try {
        key = createPrivateKey({ key: jks.decrypt(r.protectedPrivateKey, password), format: "pem" });
      } catch (e) {
        throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: cannot recover the private key of alias "${r.alias}" (its key password differs from the store password?)`, { cause: e });
      }
      return { alias: r.alias, kind: "private-key" as const, chain: (r.chain ?? []).map((c) => parseCertificate(new Uint8Array(c.value))), privateKey: key };
    }
    return { alias: r.alias, kind: "trusted-cert" as const, chain: r.cert ? [parseCertificate(new Uint8Array(r.cert.value))] : [] };
  });
  return uniqueAliases(entries);
}
