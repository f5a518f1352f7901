/**
 * PEM bundles (RFC 7468): certificates and private keys (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC, and
 * OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" forms). Keys are paired with their certificate by public key, the rest
 * of the certificates chained leaf-first; unpaired certificates become trusted-cert entries.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../../errors.js";
import { parseCertificate } from "../certificate.js";
import type { Certificate, StoreEntry } from "../types.js";
import { certForKey, chainFrom, defaultAlias, uniqueAliases } from "./common.js";

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** True when the bytes look like PEM text. */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  return head.includes("-----BEGIN ");
}

export function loadPem(bytes: Uint8Array, file: string, password?: string): StoreEntry[] {
  const text = Buffer.from(bytes).toString("latin1");
  const certs: Certificate[] = [];
  const keys: KeyObject[] = [];
  let blocks = 0;
  for (const m of text.matchAll(BLOCK)) {
    blocks++;
    const label = m[1]!;
    const block = m[0];
    if (label === "CERTIFICATE" || label === "X509 CERTIFICATE" || label === "TRUSTED CERTIFICATE") {
      const b64 = m[2]!.replace(/\s+/g, "");
      let der: Uint8Array = new Uint8Array(Buffer.from(b64, "base64"));
      if (label === "TRUSTED CERTIFICATE") der = firstTlv(der); // drop OpenSSL's trailing X509_CERT_AUX
      try {
        certs.push(parseCertificate(der));
      } catch (e) {
        throw new MtlsDoctorError("MTLSD_ERR_BAD_CERTIFICATE", `${file}: certificate #${certs.length + 1} in the PEM bundle is not a valid X.509 certificate`, { cause: e });
      }
    } else if (/PRIVATE KEY$/.test(label)) {
      const encrypted = label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(block);
      if (encrypted && (password === undefined || password === "")) {
        throw new MtlsDoctorError("MTLSD_ERR_PASSWORD_REQUIRED", `${file}: the private key is encrypted; give its passphrase with --password or MTLS_DOCTOR_PASSWORD`);
      }
      try {
        keys.push(createPrivateKey(encrypted ? { key: block, format: "pem", passphrase: password } : { key: block, format: "pem" }));
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        if (encrypted && /BAD_DECRYPT|bad decrypt|ERR_OSSL_EVP_BAD_DECRYPT|DECODER/i.test(code + " " + (e as Error).message)) {
          throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: wrong passphrase for the encrypted private key`);
        }
        throw new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `${file}: cannot read the ${label} block`, { cause: e });
      }
    }
  }
  if (blocks === 0) throw new MtlsDoctorError("MTLSD_ERR_UNKNOWN_FORMAT", `${file}: PEM text without any complete -----BEGIN/END----- block (truncated?)`);
  const entries: StoreEntry[] = [];
  const used = new Set<Certificate>();
  keys.forEach((key, i) => {
    const leaf = certForKey(key, certs);
    if (!leaf) {
      throw new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `${file}: private key #${i + 1} matches no certificate in the file (give the certificate in the same bundle)`);
    }
    const chain = chainFrom(leaf, certs);
    chain.forEach((c) => used.add(c));
    entries.push({ alias: defaultAlias(leaf, entries.length + 1), kind: "private-key", chain, privateKey: key });
  });
  for (const c of certs) {
    if (used.has(c)) continue;
    entries.push({ alias: defaultAlias(c, entries.length + 1), kind: "trusted-cert", chain: [c] });
  }
  return uniqueAliases(entries);
}

/** The first DER TLV of `der` (used for TRUSTED CERTIFICATE blocks). */
function firstTlv(der: Uint8Array): Uint8Array {
  if (der.length < 2) return der;
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0);
    off += n;
  }
  return der.subarray(0, Math.min(der.length, off + len));
}
