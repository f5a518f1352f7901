/**
 * PKCS#12 (RFC 7292) keystores, as written by `keytool` (JDK 17: PBES2/AES-256 + HmacSHA256 MAC), `openssl pkcs12
 * -export` (OpenSSL 3: PBES2/AES-256-CBC, PBKDF2, SHA-256 MAC) and `-legacy` (RC2-40/3DES, SHA-1 MAC).
 * node-forge verifies the MAC and decrypts (PBES2 and the RFC 7292 Appendix B PBEs); we keep each certificate's
 * DER exactly as stored and read the bag attributes (friendlyName, localKeyId, Java's trusted-key-usage).
 */
import forge from "node-forge";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../../errors.js";
import { parseCertificate } from "../certificate.js";
import type { Certificate, StoreEntry } from "../types.js";
import { certForKey, chainFrom, defaultAlias, keyNotRecoveredReason, uniqueAliases } from "./common.js";
import type { KeyOptions } from "./jks.js";

/** Oracle's attribute on trusted-certificate bags written by keytool (`TrustedKeyUsage`). */
const JAVA_TRUSTED_KEY_USAGE = "2.16.840.1.113894.746875.1.1";
const TRUSTED_ATTR = "javaTrustedKeyUsage";

/** Names for the encryption OIDs that tell the PKCS#12 flavour apart. */
const ALG_OIDS: [string, string][] = [
  ["1.2.840.113549.1.12.1.6", "RC2-40"],
  ["1.2.840.113549.1.12.1.5", "RC2-128"],
  ["1.2.840.113549.1.12.1.3", "3DES"],
  ["2.16.840.1.101.3.4.1.42", "AES-256-CBC"],
  ["2.16.840.1.101.3.4.1.22", "AES-192-CBC"],
  ["2.16.840.1.101.3.4.1.2", "AES-128-CBC"],
];

function oidDer(oid: string): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OID, false, forge.asn1.oidToDer(oid).getBytes())).getBytes(), "binary");
}

/** "PKCS#12 (AES-256-CBC, PBKDF2)" / "PKCS#12 (legacy RC2-40, 3DES)" from the algorithm identifiers visible in the file. */
export function describePkcs12(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  const algs = ALG_OIDS.filter(([oid]) => b.indexOf(oidDer(oid)) >= 0).map(([, n]) => n);
  const pbes2 = b.indexOf(oidDer("1.2.840.113549.1.5.13")) >= 0;
  const legacy = algs.some((a) => a.startsWith("RC2") || a === "3DES") && !pbes2;
  if (legacy) return `PKCS#12 (legacy ${algs.join(", ")})`;
  return `PKCS#12 (${[...algs, pbes2 ? "PBKDF2" : ""].filter(Boolean).join(", ") || "unencrypted"})`;
}

interface Bag {
  type: string;
  attributes: Record<string, unknown[]>;
  key?: forge.pki.PrivateKey | null;
  asn1?: forge.asn1.Asn1;
  cert?: forge.pki.Certificate | null;
}

/** True when `der` is a PrivateKeyInfo Node can read (a wrong password decrypts to garbage that rarely survives). */
function isPkcs8(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a PKCS#12 (RFC 7292). The store password verifies the MAC (§5.1) and decrypts the encrypted SafeContents;
 * each pkcs8ShroudedKeyBag (§4.2.2) is decrypted with the store password, else `keys.keyPassword` (Java's
 * KeyStore API can protect a key with its own password). Throws MtlsDoctorError (never naming a password):
 * MTLSD_ERR_BAD_PASSWORD, MTLSD_ERR_PASSWORD_REQUIRED, MTLSD_ERR_TRUNCATED, MTLSD_ERR_BAD_KEY.
 */
export function loadPkcs12(bytes: Uint8Array, file: string, password?: string, keys: KeyOptions = { unrecovered: "error" }): StoreEntry[] {
  // Register the Java trusted-key-usage attribute name so forge keeps it (additive; idempotent).
  (forge.pki.oids as Record<string, string>)[JAVA_TRUSTED_KEY_USAGE] = TRUSTED_ATTR;
  (forge.pki.oids as Record<string, string>)[TRUSTED_ATTR] = JAVA_TRUSTED_KEY_USAGE;

  let asn: forge.asn1.Asn1;
  try {
    asn = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString("binary")), { strict: true, parseAllBytes: false } as never);
  } catch (e) {
    throw new MtlsDoctorError("MTLSD_ERR_TRUNCATED", `${file}: PKCS#12 structure is damaged or truncated`, { cause: e });
  }
  // Capture each certificate's DER as stored: forge decodes certBag contents with pki.certificateFromAsn1.
  const certDers: Buffer[] = [];
  const pkiAny = forge.pki as unknown as {
    certificateFromAsn1: (o: forge.asn1.Asn1, h?: boolean) => forge.pki.Certificate;
    decryptPrivateKeyInfo: (o: forge.asn1.Asn1, pw: string) => forge.asn1.Asn1 | null;
  };
  const orig = pkiAny.certificateFromAsn1;
  const origDecrypt = pkiAny.decryptPrivateKeyInfo;
  // Shrouded key bags neither password decrypts: forge gets a marker (it then keeps it as `bag.asn1`), so the
  // certificates are still read and the entry can be listed without its key.
  const unrecovered = new Set<forge.asn1.Asn1>();
  let p12: forge.pkcs12.Pkcs12Pfx;
  const tryOpen = (pw: string) => {
    certDers.length = 0;
    pkiAny.certificateFromAsn1 = (o, h) => {
      certDers.push(Buffer.from(forge.asn1.toDer(o).getBytes(), "binary"));
      return orig(o, h);
    };
    unrecovered.clear();
    pkiAny.decryptPrivateKeyInfo = (o, storePw) => {
      for (const cand of new Set([storePw, keys.keyPassword ?? storePw])) {
        try {
          const r = origDecrypt(o, cand);
          if (r && isPkcs8(Buffer.from(forge.asn1.toDer(r).getBytes(), "binary"))) return r;
        } catch (e) {
          // An algorithm forge does not know is not a password problem: let it surface as before.
          if (/unsupported/i.test((e as Error).message ?? "")) throw e;
          // wrong password: garbage that is not DER; try the next candidate
        }
      }
      const marker = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, "");
      unrecovered.add(marker);
      return marker;
    };
    try {
      return forge.pkcs12.pkcs12FromAsn1(asn, false, pw);
    } finally {
      pkiAny.certificateFromAsn1 = orig;
      pkiAny.decryptPrivateKeyInfo = origDecrypt;
    }
  };
  try {
    p12 = tryOpen(password ?? "");
  } catch (e) {
    const msg = (e as Error).message ?? "";
    if (/MAC could not be verified|decrypt|Invalid password/i.test(msg)) {
      if (password === undefined || password === "") {
        throw new MtlsDoctorError("MTLSD_ERR_PASSWORD_REQUIRED", `${file}: this PKCS#12 keystore is password-protected; give the password with --password or MTLS_DOCTOR_PASSWORD`);
      }
      throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: wrong keystore password (the PKCS#12 integrity check failed)`);
    }
    throw new MtlsDoctorError("MTLSD_ERR_TRUNCATED", `${file}: PKCS#12 content is damaged or truncated (${msg.split("\n")[0]})`, { cause: e });
  }

  interface CertRec { cert: Certificate; attrs: Record<string, unknown[]> }
  /** `key` absent: a shrouded key bag neither password decrypts. */
  interface KeyRec { key?: KeyObject; attrs: Record<string, unknown[]> }
  const certs: CertRec[] = [];
  const keyRecs: KeyRec[] = [];
  let ci = 0;
  for (const sc of p12.safeContents) {
    for (const bag of sc.safeBags as unknown as Bag[]) {
      if (bag.type === forge.pki.oids.certBag) {
        const der = certDers[ci++];
        if (!der) continue;
        certs.push({ cert: parseCertificate(new Uint8Array(der)), attrs: bag.attributes });
      } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        let der: string;
        if (bag.asn1 && unrecovered.has(bag.asn1)) {
          keyRecs.push({ attrs: bag.attributes });
          continue;
        }
        if (bag.key) der = forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))).getBytes();
        else if (bag.asn1) der = forge.asn1.toDer(bag.asn1).getBytes();
        else continue;
        try {
          keyRecs.push({ key: createPrivateKey({ key: Buffer.from(der, "binary"), format: "der", type: "pkcs8" }), attrs: bag.attributes });
        } catch (e) {
          throw new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `${file}: a private key in the PKCS#12 cannot be read`, { cause: e });
        }
      }
    }
  }
  const hex = (v: unknown[] | undefined) => (v?.[0] === undefined ? undefined : Buffer.from(String(v[0]), "binary").toString("hex"));
  const name = (v: unknown[] | undefined) => (typeof v?.[0] === "string" ? (v[0] as string) : undefined);
  const entries: StoreEntry[] = [];
  const inChain = new Set<Certificate>();
  const pool = certs.map((c) => c.cert);
  for (const k of keyRecs) {
    const id = hex(k.attrs["localKeyId"]);
    const byId = id ? certs.find((c) => hex(c.attrs["localKeyId"]) === id)?.cert : undefined;
    const leaf = byId ?? (k.key ? certForKey(k.key, pool) : undefined);
    if (!leaf && k.key) throw new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `${file}: a private key has no certificate in the PKCS#12`);
    const chain = leaf ? chainFrom(leaf, pool) : [];
    chain.forEach((c) => inChain.add(c));
    const alias = name(k.attrs["friendlyName"]) ?? name(certs.find((c) => c.cert === leaf)?.attrs["friendlyName"]) ?? defaultAlias(leaf, entries.length + 1);
    if (k.key) {
      entries.push({ alias, kind: "private-key", chain, privateKey: k.key });
      continue;
    }
    if ((password === undefined || password === "") && keys.keyPassword === undefined && keys.unrecovered !== "keep")
      throw new MtlsDoctorError("MTLSD_ERR_PASSWORD_REQUIRED", `${file}: this PKCS#12 keystore is password-protected; give the password with --password or MTLS_DOCTOR_PASSWORD`);
    const reason = keyNotRecoveredReason(keys.keyPassword !== undefined);
    if (keys.unrecovered !== "keep") throw new MtlsDoctorError("MTLSD_ERR_BAD_PASSWORD", `${file}: alias "${alias}": ${reason}`);
    entries.push({ alias, kind: "private-key", chain, keyNotRecovered: reason });
  }
  for (const c of certs) {
    const trusted = c.attrs[TRUSTED_ATTR] !== undefined;
    const keyBound = hex(c.attrs["localKeyId"]) !== undefined && keyRecs.length > 0;
    if (trusted || (!inChain.has(c.cert) && !keyBound)) {
      entries.push({ alias: name(c.attrs["friendlyName"]) ?? defaultAlias(c.cert, entries.length + 1), kind: "trusted-cert", chain: [c.cert] });
    }
  }
  return uniqueAliases(entries);
}
