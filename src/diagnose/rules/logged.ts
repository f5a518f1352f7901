/**
 * The chain a client sent, as a Java debug log printed it (`LoggedCertificate`: strings, no DER), made usable by the
 * same sent-chain rules that judge a captured chain (validity, EKU / keyUsage, chain order, CA names, path).
 *
 * A logged certificate becomes a {@link Certificate} whose names are re-encoded from the logged X500Principal strings
 * (so RFC 5280 §7.1 name comparison works on them) and whose other fields come from what the log printed. What a log
 * cannot show stays empty and is never compared: `der`, `spki` are empty (no identity by bytes, no fingerprint, no key
 * match), `keySize` is 0, and validity dates the log did not print are ±Infinity (never judged). Rules ask
 * {@link loggedOrigin} before using anything a log cannot give (byte-exact names, key type details).
 */
import type { LoggedCertificate } from "../../evidence/model.js";
import { parseJavaDn } from "../../logs/dn.js";
import { x509 } from "../../pki/x509lib.js";
import type { CertInfo, Certificate } from "../../pki/types.js";
import { sameJavaDn } from "../names.js";

/** Java's X500Principal keywords → attribute type OIDs (RFC 4519, RFC 2985, RFC 4524). `OID.x.y` is taken as is. */
const KEYWORD_OID: Record<string, string> = {
  CN: "2.5.4.3",
  SURNAME: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  T: "2.5.4.12",
  POSTALCODE: "2.5.4.17",
  GIVENNAME: "2.5.4.42",
  INITIALS: "2.5.4.43",
  GENERATION: "2.5.4.44",
  DNQUALIFIER: "2.5.4.46",
  UID: "0.9.2342.19200300.100.1.1",
  DC: "0.9.2342.19200300.100.1.25",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
};

/**
 * DER of the Name a Java-printed DN denotes (RDN order reversed: Java prints the most specific RDN first, DER encodes
 * it last). String types are the encoder's choice, not the certificate's: compare the result after RFC 5280 §7.1
 * normalisation only. Throws on an attribute keyword Java would not print.
 */
export function encodeJavaDn(dn: string): Uint8Array {
  const rdns = parseJavaDn(dn).map((rdn) => {
    const o: Record<string, string[]> = {};
    for (const { type, value } of rdn) {
      const k = type.toUpperCase();
      const oid = k.startsWith("OID.") ? type.slice(4) : KEYWORD_OID[k];
      if (!oid || !/^\d+(\.\d+)+$/.test(oid)) throw new Error(`unknown attribute keyword "${type}" in "${dn}"`);
      (o[oid] ??= []).push(value);
    }
    return o;
  });
  return new Uint8Array(new x509.Name(rdns.reverse()).toArrayBuffer());
}

const origin = new WeakMap<Certificate, LoggedCertificate>();

/** The logged certificate behind `c`, when `c` was made by {@link loggedAsCertificate}. */
export function loggedOrigin(c: Certificate): LoggedCertificate | undefined {
  return origin.get(c);
}

/** The serial as `openssl x509 -serial` prints it (uppercase hex, no separators, no leading 00 sign byte). */
function opensslSerial(s: string): string {
  return s.replace(/:/g, "").toUpperCase().replace(/^(00)+(?=[0-9A-F])/, "");
}

/** True when the parsed certificate `c` is the logged one: same serial, subject and issuer (names compared by name). */
export function sameCertificate(c: Certificate, l: LoggedCertificate): boolean {
  if (!l.serialHex) return false;
  let serial: string;
  try {
    serial = c.info(0).serialNumber;
  } catch {
    return false;
  }
  return opensslSerial(serial) === opensslSerial(l.serialHex) && sameJavaDn(c.subject, l.subject) && sameJavaDn(c.issuer, l.issuer);
}

/**
 * A logged certificate as a {@link Certificate} for the rules (see the module comment for what is left empty).
 * Returns undefined when its names cannot be encoded (an attribute keyword Java does not print).
 */
export function loggedAsCertificate(l: LoggedCertificate): Certificate | undefined {
  let subjectDer: Uint8Array;
  let issuerDer: Uint8Array;
  try {
    subjectDer = encodeJavaDn(l.subject);
    issuerDer = encodeJavaDn(l.issuer);
  } catch {
    return undefined;
  }
  const notBefore = l.notBefore ?? Number.NEGATIVE_INFINITY;
  const notAfter = l.notAfter ?? Number.POSITIVE_INFINITY;
  const c: Certificate = {
    der: new Uint8Array(0),
    subjectDer,
    issuerDer,
    subject: l.subject,
    issuer: l.issuer,
    notBefore,
    notAfter,
    isCA: l.isCA ?? false,
    ...(l.pathLen !== undefined ? { pathLen: l.pathLen } : {}),
    keyAlgorithm: l.publicKey ?? "",
    keySize: 0,
    sigAlgName: l.signatureAlgorithm ?? "",
    sigAlgOid: "",
    spki: new Uint8Array(0),
    selfIssued: sameJavaDn(l.subject, l.issuer),
    info(now: number): CertInfo {
      return {
        basicConstraints: l.isCA ? `CA:TRUE${l.pathLen !== undefined ? `, pathlen:${l.pathLen}` : ""}` : "CA:FALSE",
        expiryDate: notAfter,
        isValid: now >= notBefore && now <= notAfter ? "Yes" : "No",
        issuer: l.issuer,
        publicKey: l.publicKey ? `${l.publicKey} Public Key` : "",
        serialNumber: l.serialNumber ?? l.serialHex ?? "",
        sigAlgName: l.signatureAlgorithm ?? "",
        subject: l.subject,
        subjectAlternativeNames: l.subjectAlternativeNames ?? [],
        validFrom: notBefore,
        version: l.version ?? 3,
        ...(l.keyUsage ? { keyUsage: l.keyUsage } : {}),
        ...(l.extendedKeyUsage ? { extendedKeyUsage: l.extendedKeyUsage } : {}),
        // Unknown from a log (no DER): empty, so evidence omits it.
        sha256Fingerprint: "",
        ...(l.subjectKeyIdentifier ? { subjectKeyIdentifier: l.subjectKeyIdentifier } : {}),
        ...(l.authorityKeyIdentifier ? { authorityKeyIdentifier: l.authorityKeyIdentifier } : {}),
      };
    },
  };
  origin.set(c, l);
  return c;
}
