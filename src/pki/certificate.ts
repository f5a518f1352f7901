/**
 * X.509 certificate model (RFC 5280 §4.1): DER kept, fields parsed once, the Apigee-style `certInfo` view on demand.
 * Parsing uses asn1js/pkijs; public keys and signature checks use node:crypto.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { X509Certificate as NodeX509, createPublicKey, createHash, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../errors.js";
import { dnToString } from "./dn.js";
import type { Certificate, CertInfo } from "./types.js";

/** Java standard signature algorithm names (JCA Standard Algorithm Names), by signature OID. */
export const SIG_ALG_NAMES: Record<string, string> = {
  "1.2.840.113549.1.1.2": "MD2withRSA",
  "1.2.840.113549.1.1.4": "MD5withRSA",
  "1.2.840.113549.1.1.5": "SHA1withRSA",
  "1.2.840.113549.1.1.14": "SHA224withRSA",
  "1.2.840.113549.1.1.11": "SHA256withRSA",
  "1.2.840.113549.1.1.12": "SHA384withRSA",
  "1.2.840.113549.1.1.13": "SHA512withRSA",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.10045.4.1": "SHA1withECDSA",
  "1.2.840.10045.4.3.1": "SHA224withECDSA",
  "1.2.840.10045.4.3.2": "SHA256withECDSA",
  "1.2.840.10045.4.3.3": "SHA384withECDSA",
  "1.2.840.10045.4.3.4": "SHA512withECDSA",
  "1.2.840.10040.4.3": "SHA1withDSA",
  "2.16.840.1.101.3.4.3.1": "SHA224withDSA",
  "2.16.840.1.101.3.4.3.2": "SHA256withDSA",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
};

/** RFC 5280 §4.2.1.12 / common EKU purposes, by OID. */
export const EKU_NAMES: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "2.5.29.37.0": "anyExtendedKeyUsage",
};

/** RFC 5280 §4.2.1.3 KeyUsage bit names, bit 0 first. */
const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  "P-256": 256,
  secp384r1: 384,
  "P-384": 384,
  secp521r1: 521,
  "P-521": 521,
  secp256k1: 256,
  secp224r1: 224,
  prime192v1: 192,
};
const CURVE_NIST: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521", secp224r1: "P-224", prime192v1: "P-192" };

function colonHex(b: Uint8Array, upper: boolean): string {
  const parts = [...b].map((x) => x.toString(16).padStart(2, "0"));
  const s = parts.join(":");
  return upper ? s.toUpperCase() : s;
}

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

function raw(block: asn1js.AsnType): Uint8Array {
  return new Uint8Array(block.valueBeforeDecodeView);
}

function badCert(msg: string, cause?: unknown): MtlsDoctorError {
  return new MtlsDoctorError("MTLSD_ERR_BAD_CERTIFICATE", `not a valid X.509 certificate: ${msg}`, { cause });
}

/** IP address bytes (4 or 16) → text. */
function ipToString(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    // RFC 5952: compress the longest run of zero groups.
    let best = -1, bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== "0") { i++; continue; }
      let j = i;
      while (j < 8 && groups[j] === "0") j++;
      if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
      i = j;
    }
    if (best < 0) return groups.join(":");
    return groups.slice(0, best).join(":") + "::" + groups.slice(best + bestLen).join(":");
  }
  return "#" + Buffer.from(b).toString("hex");
}

/**
 * Formats a GeneralName (RFC 5280 §4.2.1.6) the way OpenSSL configuration files write it:
 * `DNS:host`, `IP:127.0.0.1`, `email:a@b`, `URI:https://…`, `dirName:<Java-style DN>`, `RID:1.2.3`,
 * `otherName:<type-id OID>`, `x400Address`, `ediPartyName`.
 */
function formatGeneralName(g: pkijs.GeneralName): string {
  switch (g.type) {
    case 0: {
      const other = g.value as { typeId?: string } | asn1js.Constructed;
      const typeId = (other as { valueBlock?: { value?: asn1js.AsnType[] } }).valueBlock?.value?.[0];
      return `otherName:${typeId instanceof asn1js.ObjectIdentifier ? typeId.valueBlock.toString() : "?"}`;
    }
    case 1:
      return `email:${g.value as string}`;
    case 2:
      return `DNS:${g.value as string}`;
    case 3:
      return "x400Address";
    case 4:
      return `dirName:${dnToString(new Uint8Array((g.value as pkijs.RelativeDistinguishedNames).toSchema().toBER()), "java")}`;
    case 5:
      return "ediPartyName";
    case 6:
      return `URI:${g.value as string}`;
    case 7:
      return `IP:${ipToString(new Uint8Array((g.value as asn1js.OctetString).valueBlock.valueHexView))}`;
    case 8:
      return `RID:${g.value as string}`;
    default:
      return `unknown(${g.type})`;
  }
}

class ParsedCertificate implements Certificate {
  der!: Uint8Array;
  subjectDer!: Uint8Array;
  issuerDer!: Uint8Array;
  subject!: string;
  issuer!: string;
  notBefore!: number;
  notAfter!: number;
  isCA = false;
  pathLen?: number;
  keyAlgorithm!: string;
  keySize!: number;
  namedCurve?: string;
  sigAlgName!: string;
  sigAlgOid!: string;
  spki!: Uint8Array;
  selfIssued!: boolean;
  /** DER of the TBSCertificate, as signed. */
  tbsDer!: Uint8Array;
  /** INTEGER contents of the serial number (magnitude, no sign byte). */
  serial!: Uint8Array;
  version!: number;
  hasBasicConstraints = false;
  keyUsage?: string[];
  extendedKeyUsage?: string[];
  subjectAlternativeNames: string[] = [];
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  sha256Fingerprint!: string;
  #publicKey?: KeyObject;

  /** The subject public key as a node:crypto KeyObject. */
  publicKey(): KeyObject {
    this.#publicKey ??= createPublicKey({ key: Buffer.from(this.spki), format: "der", type: "spki" });
    return this.#publicKey;
  }

  info(now: number): CertInfo {
    const bc = this.isCA ? (this.pathLen !== undefined ? `CA:TRUE, pathlen:${this.pathLen}` : "CA:TRUE") : "CA:FALSE";
    const ci: CertInfo = {
      basicConstraints: bc,
      expiryDate: this.notAfter,
      isValid: now >= this.notBefore && now <= this.notAfter ? "Yes" : "No",
      issuer: this.issuer,
      publicKey: `${this.keyAlgorithm} Public Key, ${this.keySize} bits`,
      serialNumber: colonHex(this.serial, false),
      sigAlgName: this.sigAlgName,
      subject: this.subject,
      subjectAlternativeNames: [...this.subjectAlternativeNames],
      validFrom: this.notBefore,
      version: this.version,
      sha256Fingerprint: this.sha256Fingerprint,
    };
    if (this.keyUsage) ci.keyUsage = [...this.keyUsage];
    if (this.extendedKeyUsage) ci.extendedKeyUsage = [...this.extendedKeyUsage];
    if (this.subjectKeyIdentifier) ci.subjectKeyIdentifier = this.subjectKeyIdentifier;
    if (this.authorityKeyIdentifier) ci.authorityKeyIdentifier = this.authorityKeyIdentifier;
    return ci;
  }

  toJSON(): unknown {
    return { subject: this.subject, issuer: this.issuer, sha256Fingerprint: this.sha256Fingerprint };
  }
}

/** The extra fields {@link parseCertificate} fills beyond the shared {@link Certificate} shape. */
export interface CertificateDetails extends Certificate {
  tbsDer: Uint8Array;
  serial: Uint8Array;
  version: number;
  keyUsage?: string[];
  extendedKeyUsage?: string[];
  subjectAlternativeNames: string[];
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  sha256Fingerprint: string;
  publicKey(): KeyObject;
}

/**
 * Parses one DER X.509 certificate (RFC 5280 §4.1). Issuer/subject DER are the exact bytes from the TBSCertificate.
 * Throws MtlsDoctorError MTLSD_ERR_BAD_CERTIFICATE when the bytes are not a certificate.
 */
export function parseCertificate(der: Uint8Array): CertificateDetails {
  const c = new ParsedCertificate();
  c.der = new Uint8Array(der);
  const asn = asn1js.fromBER(ab(c.der));
  if (asn.offset === -1) throw badCert(asn.result.error || "bad DER");
  if (asn.offset !== c.der.length) throw badCert("trailing bytes after the certificate");
  const top = asn.result;
  if (!(top instanceof asn1js.Sequence) || top.valueBlock.value.length !== 3) throw badCert("not a SEQUENCE of 3");
  const tbs = top.valueBlock.value[0]!;
  if (!(tbs instanceof asn1js.Sequence)) throw badCert("TBSCertificate is not a SEQUENCE");
  c.tbsDer = raw(tbs);
  const f = tbs.valueBlock.value;
  let i = 0;
  c.version = 1;
  if (f[0] && f[0].idBlock.tagClass === 3 && f[0].idBlock.tagNumber === 0) {
    const v = (f[0] as asn1js.Constructed).valueBlock.value[0];
    if (!(v instanceof asn1js.Integer)) throw badCert("bad version");
    c.version = v.valueBlock.valueDec + 1;
    i = 1;
  }
  const [serial, , issuer, validity, subject, spki] = f.slice(i);
  if (!(serial instanceof asn1js.Integer) || !issuer || !validity || !subject || !spki) throw badCert("missing TBSCertificate fields");
  let s = new Uint8Array(serial.valueBlock.valueHexView);
  if (s.length > 1 && s[0] === 0) s = s.subarray(1);
  c.serial = new Uint8Array(s);
  c.issuerDer = raw(issuer);
  c.subjectDer = raw(subject);
  c.spki = raw(spki);

  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: top });
  } catch (e) {
    throw badCert((e as Error).message, e);
  }
  c.issuer = dnToString(c.issuerDer, "java");
  c.subject = dnToString(c.subjectDer, "java");
  c.selfIssued = Buffer.from(c.issuerDer).equals(Buffer.from(c.subjectDer));
  c.notBefore = cert.notBefore.value.getTime();
  c.notAfter = cert.notAfter.value.getTime();
  c.sigAlgOid = cert.signatureAlgorithm.algorithmId;
  c.sigAlgName = SIG_ALG_NAMES[c.sigAlgOid] ?? c.sigAlgOid;
  c.sha256Fingerprint = colonHex(createHash("sha256").update(c.der).digest(), true);

  // Public key facts via node:crypto.
  let pk: KeyObject | undefined;
  try {
    pk = c.publicKey();
  } catch {
    pk = undefined;
  }
  const spkiAlg = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  const t = pk?.asymmetricKeyType;
  const d = pk?.asymmetricKeyDetails;
  switch (t) {
    case "rsa":
      c.keyAlgorithm = "RSA";
      c.keySize = d?.modulusLength ?? 0;
      break;
    case "rsa-pss":
      c.keyAlgorithm = "RSASSA-PSS";
      c.keySize = d?.modulusLength ?? 0;
      break;
    case "ec": {
      c.keyAlgorithm = "EC";
      const curve = d?.namedCurve ?? "";
      c.namedCurve = CURVE_NIST[curve] ?? curve;
      c.keySize = CURVE_BITS[curve] ?? 0;
      break;
    }
    case "ed25519":
      c.keyAlgorithm = "Ed25519";
      c.keySize = 255;
      break;
    case "ed448":
      c.keyAlgorithm = "Ed448";
      c.keySize = 448;
      break;
    case "dsa":
      c.keyAlgorithm = "DSA";
      c.keySize = d?.modulusLength ?? 0;
      break;
    default:
      c.keyAlgorithm = spkiAlg;
      c.keySize = 0;
  }

  for (const ext of cert.extensions ?? []) {
    const pv = ext.parsedValue as unknown;
    switch (ext.extnID) {
      case "2.5.29.19": {
        const bc = pv as pkijs.BasicConstraints;
        c.hasBasicConstraints = true;
        c.isCA = !!bc.cA;
        if (bc.pathLenConstraint !== undefined) {
          const pl = bc.pathLenConstraint as number | asn1js.Integer;
          c.pathLen = typeof pl === "number" ? pl : pl.valueBlock.valueDec;
        }
        break;
      }
      case "2.5.29.15": {
        const bits = pv as asn1js.BitString;
        const bytes = new Uint8Array(bits.valueBlock.valueHexView);
        const names: string[] = [];
        KEY_USAGE_BITS.forEach((n, bit) => {
          const byte = bytes[bit >> 3];
          if (byte !== undefined && byte & (0x80 >> (bit & 7))) names.push(n);
        });
        c.keyUsage = names;
        break;
      }
      case "2.5.29.37":
        c.extendedKeyUsage = (pv as pkijs.ExtKeyUsage).keyPurposes.map((o) => EKU_NAMES[o] ?? o);
        break;
      case "2.5.29.17":
        c.subjectAlternativeNames = (pv as pkijs.AltName).altNames.map(formatGeneralName);
        break;
      case "2.5.29.14":
        c.subjectKeyIdentifier = colonHex(new Uint8Array((pv as asn1js.OctetString).valueBlock.valueHexView), true);
        break;
      case "2.5.29.35": {
        const aki = pv as pkijs.AuthorityKeyIdentifier;
        if (aki.keyIdentifier) c.authorityKeyIdentifier = colonHex(new Uint8Array(aki.keyIdentifier.valueBlock.valueHexView), true);
        break;
      }
    }
  }
  return c;
}

/** Parses a PEM "CERTIFICATE" block or DER; convenience for callers holding either. */
export function parseCertificatePem(pem: string): CertificateDetails {
  const m = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/.exec(pem);
  if (!m) throw badCert("no PEM CERTIFICATE block");
  return parseCertificate(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
}

/**
 * True when `cert`'s signature verifies under `issuer`'s public key (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, Ed25519,
 * Ed448 — whatever OpenSSL under node:crypto supports). Does not check names or validity. Never throws.
 */
export function verifySignedBy(cert: Certificate, issuer: Certificate): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(issuer.spki), format: "der", type: "spki" });
    return new NodeX509(Buffer.from(cert.der)).verify(key);
  } catch {
    return false;
  }
}

/** Public key of a certificate as a KeyObject (from its SubjectPublicKeyInfo). */
export function certificatePublicKey(cert: Certificate): KeyObject {
  return createPublicKey({ key: Buffer.from(cert.spki), format: "der", type: "spki" });
}
