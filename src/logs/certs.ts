/**
 * Certificates as a JSSE debug log prints them → {@link LoggedCertificate}.
 *
 * JDK 11+ (`SSLLogger` formatting a `X509Certificate`, inside the Certificate message block; TLS 1.2
 * `"Certificates": [ "certificate" : {...}, ... ]`, TLS 1.3 `"certificate_list": [ { "certificate" : {...}
 * "extensions": {...} }, ... ]`):
 * ```
 * "certificate" : {
 *   "version"            : "v3",
 *   "serial number"      : "50:ec:7a:...",          (BigInteger.toByteArray(): a leading 00 when the top bit is set)
 *   "signature algorithm": "SHA256withECDSA",
 *   "issuer"             : "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU",
 *   "not before"         : "2024-01-01 24:00:00.000 UTC",   (kk: midnight is "24" of the same day)
 *   "not  after"         : "2025-01-01 24:00:00.000 UTC",   (two spaces, as JSSE prints it)
 *   "subject"            : "CN=client-expired, O=mtls-doctor Lab, C=AU",
 *   "subject public key" : "EC",
 *   "extensions"         : [ { ObjectId: 2.5.29.37 Criticality=false \n ExtendedKeyUsages [ \n clientAuth \n ] }, ... ]}
 * ```
 * The extension bodies are `sun.security.x509.*Extension.toString()`, the same text JDK 8 prints after
 * `[1]: ObjectId: ...`; {@link ExtensionReader} reads both.
 */
import type { LoggedCertificate, LoggedExtension } from "../evidence/model.js";
import { parseJsseTime } from "./phrases.js";

/** Java `KeyUsageExtension.toString()` names → RFC 5280 §4.2.1.3 names. */
const KEY_USAGE: Record<string, string> = {
  digitalsignature: "digitalSignature",
  non_repudiation: "nonRepudiation",
  key_encipherment: "keyEncipherment",
  data_encipherment: "dataEncipherment",
  key_agreement: "keyAgreement",
  key_certsign: "keyCertSign",
  crl_sign: "cRLSign",
  encipher_only: "encipherOnly",
  decipher_only: "decipherOnly",
};

/** Java `GeneralName` type labels → the CertInfo SAN prefixes (pki/certificate.ts formatGeneralName). */
const SAN_PREFIX: Record<string, string> = {
  DNSName: "DNS", IPAddress: "IP", RFC822Name: "email", URIName: "URI", DirectoryName: "dirName", OID: "RID",
};

/** Bytes of a `HexDumpEncoder` line ("0000: F0 FC 55 9E B5 7D F6 90   A2 95 ...  ..U..."): the hex columns only. */
function hexDumpBytes(line: string): string[] | undefined {
  const m = /^\s*[0-9A-Fa-f]{4}: (.*)$/.exec(line);
  if (!m) return undefined;
  // 16 bytes: 8 × "XX " + "  " + 8 × "XX " = 50 columns, then the ASCII column.
  return m[1]!.slice(0, 50).match(/\b[0-9A-Fa-f]{2}\b/g) ?? [];
}

/** The serial as `openssl x509 -serial` prints it, from JSSE's colon hex (JDK 11+) or spaced hex (JDK 8). */
export function serialToOpensslHex(logged: string): string | undefined {
  const hex = logged.replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) return undefined;
  let h = hex.length % 2 === 1 ? "0" + hex : hex;
  // BigInteger.toByteArray() adds a 00 sign byte when the top bit is set; openssl prints the magnitude.
  while (h.length > 2 && h.startsWith("00")) h = h.slice(2);
  return h;
}

/**
 * Reads one extension's `toString()` lines (after its `ObjectId: <oid> Criticality=<bool>` line) into the
 * certificate's fields. Feed lines with {@link line}, then {@link end}.
 */
export class ExtensionReader {
  private readonly lines: string[] = [];
  constructor(
    private readonly cert: Partial<LoggedCertificate>,
    private readonly ext: LoggedExtension,
  ) {
    (cert.extensions ??= []).push(ext);
  }

  line(l: string): void {
    if (this.lines.length === 0) {
      const name = /^\s*([A-Za-z][A-Za-z0-9_ ]*?)\s*(?::\s*)?\[/.exec(l)?.[1] ?? /^\s*(Extension unknown|Unparseable [A-Za-z]+)/.exec(l)?.[1];
      if (name) this.ext.name = name.trim();
    }
    if (this.lines.length < 500) this.lines.push(l);
  }

  end(): void {
    const c = this.cert;
    const body = this.lines.slice(1).map((l) => l.trim()).filter((t) => t !== "" && t !== "]" && t !== "}" && t !== "},");
    switch (this.ext.oid) {
      case "2.5.29.37": // ExtendedKeyUsages [ clientAuth ... ]
        c.extendedKeyUsage = body.filter((t) => /^[\w.-]+$/.test(t));
        return;
      case "2.5.29.15": // KeyUsage [ DigitalSignature Key_CertSign ... ]
        c.keyUsage = body.flatMap((t) => t.split(/\s+/)).map((t) => KEY_USAGE[t.toLowerCase()]).filter((x) => x !== undefined);
        return;
      case "2.5.29.19": { // BasicConstraints:[ CA:true PathLen:0 ]  (PathLen: undefined / 2147483647 = no limit)
        const all = this.lines.join(" ");
        const ca = /CA:\s*(true|false)/i.exec(all);
        if (ca) c.isCA = ca[1]!.toLowerCase() === "true";
        const pl = /PathLen:\s*(\d+)/.exec(all);
        if (pl && pl[1] !== "2147483647") c.pathLen = Number(pl[1]);
        return;
      }
      case "2.5.29.17": { // SubjectAlternativeName [ DNSName: localhost  IPAddress: 127.0.0.1 ]
        const names: string[] = [];
        for (const t of body) {
          const m = /^(\w+):\s*(.*)$/.exec(t);
          if (m && SAN_PREFIX[m[1]!]) names.push(`${SAN_PREFIX[m[1]!]}:${m[2]!.trim()}`);
        }
        c.subjectAlternativeNames = names;
        return;
      }
      case "2.5.29.14":
      case "2.5.29.35": { // [Authority|Subject]KeyIdentifier [ KeyIdentifier [ 0000: F0 FC ... ] ... ]
        const bytes: string[] = [];
        let inKid = false;
        for (const l of this.lines) {
          if (/^\s*KeyIdentifier \[/.test(l)) {
            inKid = true;
            continue;
          }
          if (!inKid) continue;
          const b = hexDumpBytes(l);
          if (b) bytes.push(...b);
          else if (/^\s*\]/.test(l)) break;
        }
        if (bytes.length > 0) {
          const hex = bytes.join(":").toUpperCase();
          if (this.ext.oid === "2.5.29.14") c.subjectKeyIdentifier = hex;
          else c.authorityKeyIdentifier = hex;
        }
        return;
      }
    }
  }
}

/** `ObjectId: 2.5.29.37 Criticality=false` (JDK 8: `[1]: ObjectId: ...`). */
export const OBJECT_ID = /^\s*(?:\[\d+\]:\s*)?ObjectId:\s*([\d.]+)\s+Criticality=(true|false)/;

/** Fills `serialHex` and the required strings after the fields were read. */
export function finishCertificate(c: Partial<LoggedCertificate>): LoggedCertificate {
  c.subject ??= "";
  c.issuer ??= "";
  if (c.serialNumber !== undefined && c.serialHex === undefined) {
    const h = serialToOpensslHex(c.serialNumber);
    if (h !== undefined) c.serialHex = h;
  }
  return c as LoggedCertificate;
}

/**
 * Certificates in a JDK 11+ Certificate message block (TLS 1.2 `"Certificates": [...]`, TLS 1.3
 * `"certificate_list"`), in the order sent (leaf first). Every field the log prints is kept; see the module comment.
 */
export function parseCertificates(lines: string[]): LoggedCertificate[] {
  const out: Partial<LoggedCertificate>[] = [];
  let cur: Partial<LoggedCertificate> | undefined;
  let ext: ExtensionReader | undefined;
  let inExtensions = false;
  const endExt = () => {
    ext?.end();
    ext = undefined;
  };
  for (const l of lines) {
    if (/"certificate"\s*:\s*\{/.test(l)) {
      endExt();
      cur = {};
      out.push(cur);
      inExtensions = false;
      continue;
    }
    if (!cur) continue;
    if (inExtensions) {
      const oid = OBJECT_ID.exec(l);
      if (oid) {
        endExt();
        ext = new ExtensionReader(cur, { oid: oid[1]!, critical: oid[2] === "true" });
        continue;
      }
      // "]}" closes the certificate's extension list; "}," / "}" closes one extension.
      if (/^\s*\]\}/.test(l)) {
        endExt();
        inExtensions = false;
        continue;
      }
      if (/^\s*\},?\s*$/.test(l)) {
        endExt();
        continue;
      }
      ext?.line(l);
      continue;
    }
    if (/^\s*"extensions"\s*:\s*\[/.test(l)) {
      inExtensions = true;
      continue;
    }
    const f = /^\s*"(version|serial number|signature algorithm|issuer|not before|not {1,2}after|subject|subject public key)"\s*:\s*"(.*)",?\s*$/.exec(l);
    if (!f) continue;
    const [k, v] = [f[1]!.replace(/\s+/g, " "), f[2]!];
    if (k === "subject") cur.subject = v;
    else if (k === "issuer") cur.issuer = v;
    else if (k === "serial number") cur.serialNumber = v;
    else if (k === "signature algorithm") cur.signatureAlgorithm ??= v;
    else if (k === "subject public key") cur.publicKey = v;
    else if (k === "version") {
      const n = /^v?(\d)$/.exec(v);
      if (n) cur.version = Number(n[1]);
    } else if (k === "not before") {
      const t = parseJsseTime(v);
      if (t !== undefined) cur.notBefore = t;
    } else if (k === "not after") {
      const t = parseJsseTime(v);
      if (t !== undefined) cur.notAfter = t;
    }
  }
  endExt();
  return out.map(finishCertificate);
}
