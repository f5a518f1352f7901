/**
 * X.500 DistinguishedName handling (RFC 5280 §4.1.2.4, RFC 4514, RFC 4518).
 *
 * A Name is a SEQUENCE OF RelativeDistinguishedName; each RDN is a SET OF AttributeTypeAndValue.
 * We never compare DNs as strings: {@link compareNames} compares the DER bytes first and then a canonical form
 * (RFC 5280 §7.1 + RFC 4518 string preparation). {@link dnToString} renders a Name the way a named tool prints it,
 * so users can match our output with what keytool / OpenSSL show them.
 */
import * as asn1js from "asn1js";
import { MtlsDoctorError } from "../errors.js";

/** ASN.1 universal tag numbers of the string types used in Names. */
export const StringTag = {
  UTF8String: 12,
  NumericString: 18,
  PrintableString: 19,
  TeletexString: 20,
  IA5String: 22,
  UniversalString: 28,
  BMPString: 30,
} as const;

const STRING_TAG_NAMES: Record<number, string> = {
  12: "UTF8String",
  18: "NumericString",
  19: "PrintableString",
  20: "TeletexString",
  22: "IA5String",
  26: "VisibleString",
  27: "GeneralString",
  28: "UniversalString",
  30: "BMPString",
};

/** One AttributeTypeAndValue. */
export interface Attribute {
  /** Dotted attribute type OID, e.g. "2.5.4.3". */
  oid: string;
  /** Common short name (CN, O, OU, C, ST, L, DC, emailAddress, serialNumber, ...) or the dotted OID when unknown. */
  shortName: string;
  /** ASN.1 universal tag number of the value (12 UTF8String, 19 PrintableString, ...); for non-universal values the raw tag byte. */
  tag: number;
  /** Name of the value's ASN.1 type ("UTF8String", "PrintableString", ...) or "tag(N)" / "constructed". */
  tagName: string;
  /** Decoded string value; undefined when the value is not a character string. */
  value?: string;
  /** DER of the whole value (tag, length, contents). */
  valueDer: Uint8Array;
}

/** One RelativeDistinguishedName: usually one attribute, several for multi-valued RDNs (as encoded). */
export type Rdn = Attribute[];

/** A parsed Name: RDNs in encoding order (least specific first, normally C/O before CN). */
export interface ParsedName {
  rdns: Rdn[];
  der: Uint8Array;
}

interface AttrNames {
  /** OpenSSL short name (SN), also used for the openssl styles. */
  ossl: string;
  /** keytool / X500Name keyword; undefined = printed as OID.x.y.z. */
  java?: string;
  /** RFC 4514 §3 keyword; undefined = dotted OID. */
  rfc4514?: string;
}

/** Attribute types we name. OpenSSL names from crypto/objects/objects.txt; Java from sun.security.x509.AVAKeyword. */
const ATTRS: Record<string, AttrNames> = {
  "2.5.4.3": { ossl: "CN", java: "CN", rfc4514: "CN" },
  "2.5.4.4": { ossl: "SN", java: "SURNAME" },
  "2.5.4.5": { ossl: "serialNumber", java: "SERIALNUMBER" },
  "2.5.4.6": { ossl: "C", java: "C", rfc4514: "C" },
  "2.5.4.7": { ossl: "L", java: "L", rfc4514: "L" },
  "2.5.4.8": { ossl: "ST", java: "ST", rfc4514: "ST" },
  "2.5.4.9": { ossl: "street", java: "STREET", rfc4514: "STREET" },
  "2.5.4.10": { ossl: "O", java: "O", rfc4514: "O" },
  "2.5.4.11": { ossl: "OU", java: "OU", rfc4514: "OU" },
  "2.5.4.12": { ossl: "title", java: "T" },
  "2.5.4.42": { ossl: "GN", java: "GIVENNAME" },
  "2.5.4.43": { ossl: "initials", java: "INITIALS" },
  "2.5.4.44": { ossl: "generationQualifier", java: "GENERATION" },
  "2.5.4.46": { ossl: "dnQualifier", java: "DNQ" },
  "2.5.4.17": { ossl: "postalCode" },
  "2.5.4.15": { ossl: "businessCategory" },
  "2.5.4.97": { ossl: "organizationIdentifier" },
  "2.5.4.65": { ossl: "pseudonym" },
  "1.2.840.113549.1.9.1": { ossl: "emailAddress", java: "EMAILADDRESS" },
  "0.9.2342.19200300.100.1.25": { ossl: "DC", java: "DC", rfc4514: "DC" },
  "0.9.2342.19200300.100.1.1": { ossl: "UID", java: "UID", rfc4514: "UID" },
  "1.3.6.1.4.1.42.2.11.2.1": { ossl: "1.3.6.1.4.1.42.2.11.2.1", java: "IP" },
};

function bad(msg: string, cause?: unknown): MtlsDoctorError {
  return new MtlsDoctorError("MTLSD_ERR_BAD_CERTIFICATE", `malformed DistinguishedName: ${msg}`, { cause });
}

/** Decodes a string value's contents according to its universal tag; undefined for non-string types. */
function decodeStringValue(tag: number, content: Uint8Array): string | undefined {
  switch (tag) {
    case 12:
      return new TextDecoder("utf-8", { fatal: false }).decode(content);
    case 18:
    case 19:
    case 22:
    case 26:
    case 27:
      return latin1(content);
    case 20:
      // T.61: treated as ISO 8859-1, as OpenSSL and Java do in practice.
      return latin1(content);
    case 30: {
      let s = "";
      for (let i = 0; i + 1 < content.length; i += 2) s += String.fromCharCode((content[i]! << 8) | content[i + 1]!);
      return s;
    }
    case 28: {
      let s = "";
      for (let i = 0; i + 3 < content.length; i += 4) {
        const cp = ((content[i]! << 24) | (content[i + 1]! << 16) | (content[i + 2]! << 8) | content[i + 3]!) >>> 0;
        s += String.fromCodePoint(cp <= 0x10ffff ? cp : 0xfffd);
      }
      return s;
    }
    default:
      return undefined;
  }
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

function hex(b: Uint8Array, upper = false): string {
  const h = Buffer.from(b).toString("hex");
  return upper ? h.toUpperCase() : h;
}

/**
 * Parses the DER of an X.501 Name (RFC 5280 §4.1.2.4) into RDNs with type OID, short name, ASN.1 string tag and value.
 * Multi-valued RDNs are kept, in the order encoded. Throws MtlsDoctorError MTLSD_ERR_BAD_CERTIFICATE on malformed DER.
 */
export function parseName(der: Uint8Array): ParsedName {
  const buf = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  const parsed = asn1js.fromBER(buf);
  if (parsed.offset === -1) throw bad(parsed.result.error || "not DER");
  if (parsed.offset !== der.byteLength) throw bad("trailing bytes after the Name");
  const seq = parsed.result;
  if (!(seq instanceof asn1js.Sequence)) throw bad("a Name must be a SEQUENCE");
  const rdns: Rdn[] = [];
  for (const set of seq.valueBlock.value) {
    if (!(set instanceof asn1js.Set)) throw bad("an RDN must be a SET");
    const rdn: Rdn = [];
    for (const atv of set.valueBlock.value) {
      if (!(atv instanceof asn1js.Sequence) || atv.valueBlock.value.length !== 2) {
        throw bad("an AttributeTypeAndValue must be a SEQUENCE of type and value");
      }
      const [type, val] = atv.valueBlock.value as [asn1js.AsnType, asn1js.AsnType];
      if (!(type instanceof asn1js.ObjectIdentifier)) throw bad("attribute type is not an OID");
      const oid = type.valueBlock.toString();
      const valueDer = new Uint8Array(val.toBER(false));
      const idb = val.idBlock;
      const universal = idb.tagClass === 1 && !idb.isConstructed;
      const tag = universal ? idb.tagNumber : valueDer[0]!;
      const content = universal ? new Uint8Array(lengthStrip(valueDer)) : new Uint8Array(0);
      const value = universal ? decodeStringValue(idb.tagNumber, content) : undefined;
      rdn.push({
        oid,
        shortName: ATTRS[oid]?.ossl ?? oid,
        tag,
        tagName: universal ? (STRING_TAG_NAMES[tag] ?? `tag(${tag})`) : idb.isConstructed ? "constructed" : `tag(0x${tag.toString(16)})`,
        ...(value !== undefined ? { value } : {}),
        valueDer,
      });
    }
    if (rdn.length === 0) throw bad("empty RDN");
    rdns.push(rdn);
  }
  return { rdns, der: new Uint8Array(der) };
}

/** Contents octets of a single DER TLV (tag assumed one byte, as universal string types are). */
function lengthStrip(tlv: Uint8Array): Uint8Array {
  let i = 1;
  const first = tlv[i++]!;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + tlv[i++]!;
  }
  return tlv.subarray(i, i + len);
}

/** Rendering styles for {@link dnToString}. */
export type DnStyle = "java" | "openssl" | "openssl-slash" | "rfc4514";

/**
 * Renders a Name (DER) the way a named tool prints it.
 * - "java": `X500Principal.toString()` / keytool: most specific RDN first, ", " between RDNs, " + " inside a multi-valued
 *   RDN, keytool keywords (unknown types as `OID.1.2.3`), Java quoting (value in double quotes when it holds
 *   `,+=\n<>#;\"` or leading/trailing/double spaces); non-string values as `#` + lowercase hex DER.
 * - "openssl": OpenSSL 3 `openssl x509 -subject` / `s_client` "Acceptable client certificate CA names": encoding
 *   order, `C = AU, ST = VIC, CN = x`, " + " inside multi-valued RDNs, RFC 2253 escaping with quoting (ESC_QUOTE), and
 *   bytes ≥ 0x80 of the UTF-8 value escaped as `\XX` (ESC_MSB).
 * - "openssl-slash": `X509_NAME_oneline` / `-nameopt compat`: `/C=AU/ST=VIC/CN=x`, "+" inside multi-valued RDNs.
 * - "rfc4514": RFC 4514 §2: most specific RDN first, "," separated, "+" inside RDNs, §3 keywords else dotted OID with
 *   `#hex` of the DER value, §2.4 escaping.
 */
export function dnToString(der: Uint8Array, style: DnStyle): string {
  const { rdns } = parseName(der);
  switch (style) {
    case "java":
      return [...rdns].reverse().map((r) => r.map(javaAva).join(" + ")).join(", ");
    case "openssl":
      return rdns.map((r) => r.map(opensslAva).join(" + ")).join(", ");
    case "openssl-slash":
      return rdns.map((r) => r.map(slashAva).join("+")).map((s) => "/" + s).join("");
    case "rfc4514":
      return [...rdns].reverse().map((r) => r.map(rfc4514Ava).join("+")).join(",");
  }
}

// --- java: sun.security.x509.AVA.toKeywordValueString ---
const JAVA_ESCAPEES = ",+=\n<>#;\\\"";
function isPrintableStringChar(c: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]$/.test(c);
}
function javaAva(a: Attribute): string {
  const keyword = ATTRS[a.oid]?.java ?? `OID.${a.oid}`;
  if (a.value === undefined) return `${keyword}=#${hex(a.valueDer)}`;
  const v = a.value;
  let quote = false;
  let prevWhite = false;
  let out = "";
  const alreadyQuoted = v.length > 1 && v[0] === '"' && v[v.length - 1] === '"';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (alreadyQuoted && (i === 0 || i === v.length - 1)) {
      out += c;
      continue;
    }
    if (isPrintableStringChar(c) || JAVA_ESCAPEES.includes(c)) {
      if (!quote && ((i === 0 && (c === " " || c === "\n")) || JAVA_ESCAPEES.includes(c))) quote = true;
      if (!(c === " " || c === "\n")) {
        if (c === '"' || c === "\\") out += "\\";
        prevWhite = false;
      } else {
        if (!quote && prevWhite) quote = true;
        prevWhite = true;
      }
      out += c;
    } else {
      prevWhite = false;
      out += c;
    }
  }
  if (out.length > 0 && (out.endsWith(" ") || out.endsWith("\n"))) quote = true;
  return `${keyword}=${!alreadyQuoted && quote ? `"${out}"` : out}`;
}

// --- openssl: X509_NAME_print_ex with XN_FLAG_ONELINE (ASN1_STRFLGS_RFC2253 | ESC_QUOTE | SEP_CPLUS_SPC | SPC_EQ | FN_SN) ---
function opensslAva(a: Attribute): string {
  return `${a.shortName} = ${opensslValue(a, true)}`;
}
/** ASN1_STRFLGS_RFC2253 value printing (do_print_ex): ESC_2253 | ESC_CTRL | ESC_MSB | DUMP_UNKNOWN | DUMP_DER. */
function opensslValue(a: Attribute, escQuote: boolean): string {
  if (a.value === undefined || a.tag === 28) {
    // Non-string (or UniversalString, which OpenSSL does not convert here) → #hex of DER, uppercase.
    if (a.value === undefined) return "#" + hex(a.valueDer, true);
  }
  // OpenSSL works on the UTF-8 bytes of the converted value (ASN1_STRFLGS_UTF8_CONVERT is not set in ONELINE, so
  // it prints characters ≥ 0x80 escaped; for BMP/Universal it first converts to UTF-8 bytes? No: it escapes per char).
  const chars = a.tag === 12 ? [...Buffer.from(a.value!, "utf8")] : [...a.value!].map((c) => c.codePointAt(0)!);
  let out = "";
  let needQuote = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const ch = String.fromCharCode(c);
    const first = i === 0;
    const last = i === chars.length - 1;
    if (c > 0xffff) out += `\\W${c.toString(16).toUpperCase().padStart(8, "0")}`;
    else if (c > 0xff) out += `\\U${c.toString(16).toUpperCase().padStart(4, "0")}`;
    else if (c > 0x7f) out += `\\${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (',+"\\<>;'.includes(ch)) {
      if (escQuote && ch !== '"' && ch !== "\\") {
        needQuote = true;
        out += ch;
      } else out += "\\" + ch;
    } else if ((first && (ch === " " || ch === "#")) || (last && ch === " ")) {
      if (escQuote) {
        needQuote = true;
        out += ch;
      } else out += "\\" + ch;
    } else out += ch;
  }
  return needQuote ? `"${out}"` : out;
}

// --- openssl-slash: X509_NAME_oneline ---
function slashAva(a: Attribute): string {
  if (a.value === undefined) return `${a.shortName}=0x${hex(a.valueDer.subarray(2))}`;
  const bytes = a.tag === 12 ? [...Buffer.from(a.value, "utf8")] : [...a.value].map((c) => c.codePointAt(0)!);
  let out = "";
  for (const c of bytes) {
    if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += String.fromCharCode(c);
  }
  return `${a.shortName}=${out}`;
}

// --- RFC 4514 §2.3/§2.4 ---
function rfc4514Ava(a: Attribute): string {
  const kw = ATTRS[a.oid]?.rfc4514;
  if (!kw || a.value === undefined) return `${kw ?? a.oid}=#${hex(a.valueDer)}`;
  const v = a.value;
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if ('"+,;<>\\'.includes(c)) out += "\\" + c;
    else if (i === 0 && (c === " " || c === "#")) out += "\\" + c;
    else if (i === v.length - 1 && c === " ") out += "\\" + c;
    else if (c === "\0") out += "\\00";
    else out += c;
  }
  return `${kw}=${out}`;
}

/**
 * RFC 4518 string preparation (as used by RFC 5280 §7.1 for caseIgnoreMatch): map (drop controls and ZWSP-like
 * characters, map other spaces to U+0020), case fold, NFKC, then insignificant space handling (§2.6.1: trim and
 * collapse inner runs of spaces to one).
 */
export function prepareString(s: string): string {
  let m = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // §2.2 Map: characters mapped to nothing.
    if (cp === 0xad || cp === 0x1806 || cp === 0x034f || (cp >= 0x180b && cp <= 0x180d) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfffc || cp === 0x200b) continue;
    if ((cp <= 0x08) || (cp >= 0x0e && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x84) || (cp >= 0x86 && cp <= 0x9f)) continue;
    // tab, LF, VT, FF, CR, NEL and Unicode spaces → SPACE
    if (cp === 0x09 || cp === 0x0a || cp === 0x0b || cp === 0x0c || cp === 0x0d || cp === 0x85 || /\p{Zs}/u.test(ch)) {
      m += " ";
      continue;
    }
    m += ch;
  }
  m = m.toLowerCase().normalize("NFKC").toLowerCase();
  return m.trim().replace(/ +/g, " ");
}

/**
 * Compares two DER Names.
 * - "byte-equal": identical DER (what Go's `RawIssuer` compare and OpenSSL's CA-name lookups rely on).
 * - "normalised-equal": same number and order of RDNs, each with the same set of attribute types, and values equal
 *   after RFC 4518 preparation (case fold, insignificant spaces) regardless of string type (PrintableString vs
 *   UTF8String vs BMPString) — RFC 5280 §7.1. Non-string values must be byte-equal.
 * - "different": anything else (including different RDN count or order).
 * Malformed DER on either side compares "different" unless the bytes are identical.
 */
export function compareNames(a: Uint8Array, b: Uint8Array): "byte-equal" | "normalised-equal" | "different" {
  if (a.length === b.length && Buffer.from(a).equals(Buffer.from(b))) return "byte-equal";
  let pa: ParsedName, pb: ParsedName;
  try {
    pa = parseName(a);
    pb = parseName(b);
  } catch {
    return "different";
  }
  if (pa.rdns.length !== pb.rdns.length) return "different";
  for (let i = 0; i < pa.rdns.length; i++) {
    const ra = pa.rdns[i]!.map(canonAttr).sort();
    const rb = pb.rdns[i]!.map(canonAttr).sort();
    if (ra.length !== rb.length || ra.some((x, k) => x !== rb[k])) return "different";
  }
  return "normalised-equal";
}

function canonAttr(a: Attribute): string {
  const v = a.value === undefined ? "#" + hex(a.valueDer) : "s:" + prepareString(a.value);
  return `${a.oid}=${v}`;
}
