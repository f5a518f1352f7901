/**
 * Loading the client credential a probe offers: a private-key entry of a keystore (PKCS#12 / JKS / PEM, via
 * src/pki/store.ts), or a certificate chain file plus a private key file. Passwords are never echoed in errors.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../errors.js";
import { readInputFile } from "../files.js";
import type { Certificate } from "../pki/types.js";
import { parseCertificate } from "../pki/certificate.js";
import { loadKeystore } from "../pki/store.js";

/** A chain (leaf first) and its private key. */
export interface Credential {
  chain: Certificate[];
  privateKey: KeyObject;
  /** Where it came from, for people: "client.p12 alias client-good" or "client.pem + client.key". */
  label: string;
}

/**
 * The private-key entry `alias` (or the only private-key entry) of a keystore. `keyPassword` decrypts the key when it
 * differs from the store `password` (keytool -keypass / -destkeypass); default: the store password. Throws
 * MtlsDoctorError for a missing file, wrong store password, a key neither password decrypts (MTLSD_ERR_BAD_PASSWORD
 * "alias "x": private key not recovered: wrong key password (use --key-password)"), unknown alias, or a store without
 * (or with several, when no alias is given) key entries. Passwords never appear in messages.
 */
export async function credentialFromKeystore(file: string, opts: { password?: string; keyPassword?: string; alias?: string }): Promise<Credential> {
  const store = await loadKeystore(file, {
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.keyPassword !== undefined ? { keyPassword: opts.keyPassword } : {}),
  });
  const keyed = store.entries.filter((e) => e.kind === "private-key" && e.privateKey && e.chain.length > 0);
  if (opts.alias !== undefined) {
    const e = store.entries.find((x) => x.alias === opts.alias) ?? store.entries.find((x) => x.alias.toLowerCase() === opts.alias!.toLowerCase());
    if (!e) {
      const names = store.entries.map((x) => x.alias).join(", ") || "none";
      throw new MtlsDoctorError("MTLSD_ERR_ALIAS_NOT_FOUND", `${file}: no alias ${JSON.stringify(opts.alias)} (aliases: ${names})`);
    }
    if (e.kind !== "private-key" || !e.privateKey)
      throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${file}: alias ${JSON.stringify(e.alias)} is a trusted certificate, not a private-key entry; it cannot be offered as a client certificate`);
    return { chain: e.chain, privateKey: e.privateKey, label: `${file} alias ${e.alias}` };
  }
  if (keyed.length === 0)
    throw new MtlsDoctorError("MTLSD_ERR_EMPTY_STORE", `${file}: holds no private-key entry, so there is no client certificate to offer`);
  if (keyed.length > 1)
    throw new MtlsDoctorError(
      "MTLSD_ERR_USAGE",
      `${file}: holds ${keyed.length} private-key entries (${keyed.map((e) => e.alias).join(", ")}); choose one with --alias`,
    );
  const e = keyed[0]!;
  return { chain: e.chain, privateKey: e.privateKey!, label: `${file} alias ${e.alias}` };
}

/** Certificates from a PEM bundle (every CERTIFICATE block, in file order) or a single DER certificate. */
function certificatesFrom(bytes: Buffer, file: string): Certificate[] {
  const text = bytes.toString("latin1");
  const blocks = [...text.matchAll(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g)];
  try {
    if (blocks.length > 0) return blocks.map((m) => parseCertificate(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"))));
    if (text.includes("-----BEGIN")) throw new Error("no CERTIFICATE block");
    return [parseCertificate(new Uint8Array(bytes))];
  } catch (e) {
    throw new MtlsDoctorError("MTLSD_ERR_BAD_CERTIFICATE", `${file}: not a certificate (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
}

/** Reads `--cert F --key F [--key-password P]`: the chain file (leaf first) and the private key (PEM or DER PKCS#8). */
export async function credentialFromFiles(certFile: string, keyFile: string, keyPassword?: string): Promise<Credential> {
  const [certBytes, keyBytes] = await Promise.all([readInputFile(certFile, "certificate file"), readInputFile(keyFile, "private key file")]);
  const chain = certificatesFrom(certBytes, certFile);
  if (chain.length === 0) throw new MtlsDoctorError("MTLSD_ERR_BAD_CERTIFICATE", `${certFile}: holds no certificate`);
  let privateKey: KeyObject;
  const pem = keyBytes.toString("latin1").includes("-----BEGIN");
  try {
    privateKey = pem
      ? createPrivateKey({ key: keyBytes, format: "pem", ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}) })
      : createPrivateKey({ key: keyBytes, format: "der", type: "pkcs8", ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}) });
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (/passphrase|bad decrypt|interrupted or cancelled/i.test(m))
      throw new MtlsDoctorError(
        keyPassword === undefined ? "MTLSD_ERR_PASSWORD_REQUIRED" : "MTLSD_ERR_BAD_PASSWORD",
        keyPassword === undefined ? `${keyFile}: the private key is encrypted; give --key-password` : `${keyFile}: wrong key password`,
      );
    throw new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `${keyFile}: not a private key (${m.split("\n")[0]})`);
  }
  return { chain, privateKey, label: `${certFile} + ${keyFile}` };
}
