/**
 * Keystore / truststore loading. The format is detected from the content, never from the file name:
 * JKS (magic 0xFEEDFEED), PEM text, PKCS#12 (a PFX SEQUENCE: version 3 + ContentInfo), a DER certificate.
 * Every failure is a one-line {@link MtlsDoctorError} naming the file; passwords never appear in messages.
 */
import { MtlsDoctorError } from "../errors.js";
import { readInputFile } from "../files.js";
import { parseCertificate } from "./certificate.js";
import type { LoadedStore, StoreEntry } from "./types.js";
import { looksLikePem, loadPem } from "./formats/pem.js";
import { loadPkcs12, describePkcs12 } from "./formats/pkcs12.js";
import { loadJks, JKS_MAGIC, JCEKS_MAGIC } from "./formats/jks.js";
import { defaultAlias } from "./formats/common.js";

/** Options for {@link loadKeystore}. */
export interface LoadOptions {
  /** Store password (PKCS#12, JKS) or private-key passphrase (encrypted PEM). Never printed. */
  password?: string;
  /**
   * Password of the private keys (JKS key entries, PKCS#12 shrouded key bags, encrypted PEM keys) when it differs
   * from the store password, as made by `keytool -destkeypass`. Default: the store password (as keytool does). For a
   * PKCS#12 the store password is tried first, then this one, per key. Never printed.
   */
  keyPassword?: string;
  /**
   * What to do with a private key that neither password decrypts: "error" (default) throws MTLSD_ERR_BAD_PASSWORD
   * naming the alias; "keep" keeps the entry with its chain, without `privateKey`, and with `keyNotRecovered` set
   * (what `inspect` lists).
   */
  unrecoveredKeys?: "error" | "keep";
}

export { keyNotRecoveredReason } from "./formats/common.js";

/**
 * Reads a keystore/truststore file. Errors (MtlsDoctorError): MTLSD_ERR_FILE_NOT_FOUND, MTLSD_ERR_IS_DIRECTORY,
 * MTLSD_ERR_FILE_UNREADABLE, MTLSD_ERR_EMPTY_FILE, plus everything {@link loadKeystoreBytes} throws.
 */
export async function loadKeystore(file: string, opts: LoadOptions = {}): Promise<LoadedStore> {
  // An empty file is reported by loadKeystoreBytes, in the keystore's own words.
  const bytes = await readInputFile(file, "keystore file", { allowEmpty: true });
  return loadKeystoreBytes(new Uint8Array(bytes), { file, ...opts });
}

/** DER header: tag, declared content length, header size; undefined when not a definite-length SEQUENCE header. */
function derHeader(b: Uint8Array): { len: number; hdr: number } | undefined {
  if (b.length < 2 || b[0] !== 0x30) return undefined;
  const l0 = b[1]!;
  if (l0 < 0x80) return { len: l0, hdr: 2 };
  const n = l0 & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return { len, hdr: 2 + n };
}

/** A PFX starts SEQUENCE { INTEGER 3, SEQUENCE { OID 1.2.840.113549.1.7.x ... } } (RFC 7292 §4). */
function looksLikePfx(b: Uint8Array, hdr: number): boolean {
  return b[hdr] === 0x02 && b[hdr + 1] === 0x01 && b[hdr + 2] === 0x03 && b[hdr + 3] === 0x30;
}

/**
 * Parses keystore bytes. `file` is used in messages only. Throws MtlsDoctorError: MTLSD_ERR_EMPTY_FILE,
 * MTLSD_ERR_UNKNOWN_FORMAT, MTLSD_ERR_TRUNCATED, MTLSD_ERR_BAD_PASSWORD (integrity/MAC failure),
 * MTLSD_ERR_PASSWORD_REQUIRED, MTLSD_ERR_EMPTY_STORE, MTLSD_ERR_BAD_CERTIFICATE, MTLSD_ERR_BAD_KEY.
 */
export async function loadKeystoreBytes(bytes: Uint8Array, opts: LoadOptions & { file: string }): Promise<LoadedStore> {
  const { file, password } = opts;
  const keys = { keyPassword: opts.keyPassword, unrecovered: opts.unrecoveredKeys ?? "error" } as const;
  if (bytes.length === 0) throw new MtlsDoctorError("MTLSD_ERR_EMPTY_FILE", `${file}: file is empty`);
  let format: LoadedStore["format"];
  let formatDetail: string;
  let entries: StoreEntry[];
  const magic = bytes.length >= 4 ? Buffer.from(bytes).readUInt32BE(0) : 0;
  if (magic === JKS_MAGIC) {
    format = "jks";
    formatDetail = "JKS";
    entries = loadJks(bytes, file, password, keys);
  } else if (magic === JCEKS_MAGIC) {
    throw new MtlsDoctorError("MTLSD_ERR_UNKNOWN_FORMAT", `${file}: JCEKS keystores are not supported; convert with keytool -importkeystore -deststoretype PKCS12`);
  } else if (looksLikePem(bytes)) {
    format = "pem";
    formatDetail = "PEM bundle";
    entries = loadPem(bytes, file, opts.keyPassword ?? password);
  } else {
    const h = derHeader(bytes);
    if (!h) throw new MtlsDoctorError("MTLSD_ERR_UNKNOWN_FORMAT", `${file}: not a keystore: expected PEM, DER, PKCS#12 or JKS`);
    const pfx = looksLikePfx(bytes, h.hdr);
    if (h.hdr + h.len > bytes.length) {
      throw new MtlsDoctorError("MTLSD_ERR_TRUNCATED", `${file}: truncated ${pfx ? "PKCS#12" : "DER"} file: ${bytes.length} of ${h.hdr + h.len} bytes present`);
    }
    if (h.hdr + h.len < bytes.length && !pfx) {
      throw new MtlsDoctorError("MTLSD_ERR_UNKNOWN_FORMAT", `${file}: not a keystore: expected PEM, DER, PKCS#12 or JKS (trailing bytes after the DER value)`);
    }
    if (pfx) {
      format = "pkcs12";
      formatDetail = describePkcs12(bytes);
      entries = loadPkcs12(bytes, file, password, keys);
    } else {
      let cert;
      try {
        cert = parseCertificate(bytes);
      } catch {
        throw new MtlsDoctorError("MTLSD_ERR_UNKNOWN_FORMAT", `${file}: not a keystore: expected PEM, DER, PKCS#12 or JKS (DER that is not a certificate)`);
      }
      format = "der";
      formatDetail = "DER certificate";
      entries = [{ alias: defaultAlias(cert, 1), kind: "trusted-cert", chain: [cert] }];
    }
  }
  if (entries.length === 0) throw new MtlsDoctorError("MTLSD_ERR_EMPTY_STORE", `${file}: the ${formatDetail} holds no certificates or keys`);
  return { file, format, formatDetail, entries };
}
