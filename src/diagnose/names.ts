/**
 * Comparing a certificate's issuer with an acceptable CA name, whatever the name's source:
 * - from the wire (`AcceptableCA.der` holds the bytes sent): RFC 5280 §7.1 comparison of the DER Names
 *   ({@link compareNames}: byte-equal, or equal after RFC 4518 preparation);
 * - from a log (`source: "log"`, `der` empty): a Java debug log printed the name as an X500Principal string, so the
 *   comparison is by name: both sides are brought to one canonical string (Java attribute keywords, RDNs most
 *   specific first as X500Principal prints them, values after RFC 4518 preparation: case folded, insignificant
 *   spaces removed, attributes of a multi-valued RDN sorted) and compared as strings. Such a result is marked
 *   `byName`, and never "byte-equal" (a log cannot show the bytes).
 * An empty DER is never compared as bytes: two names are never "different" because one side has no DER.
 */
import type { AcceptableCA } from "../evidence/model.js";
import { parseJavaDn } from "../logs/dn.js";
import { compareNames, dnToString, prepareString } from "../pki/dn.js";
import type { Certificate } from "../pki/types.js";

/** Result of comparing a Name with an acceptable CA. */
export interface NameComparison {
  result: "byte-equal" | "normalised-equal" | "different";
  /** True when the CA name came from a log and was compared by its string form (no DER). */
  byName: boolean;
}

/**
 * The canonical form of a Java-printed DN (`X500Principal.toString()`, RFC 1779/2253 style): RDNs in the printed
 * order, each RDN's attributes as `KEYWORD=prepared value` sorted and joined by "+", RDNs joined by ",".
 * Keywords are upper-cased and `OID.` prefixes dropped, so "cn=Lab  root A,o=X" and "CN=lab root a, O=x" agree.
 */
export function canonicalJavaDn(dn: string): string {
  return parseJavaDn(dn)
    .map((rdn) =>
      rdn
        .map(({ type, value }) => `${type.toUpperCase().replace(/^OID\./, "")}=${prepareString(value)}`)
        .sort()
        .join("+"),
    )
    .join(",");
}

/** The canonical form (see {@link canonicalJavaDn}) of a DER Name, via its Java rendering. */
export function canonicalDerName(der: Uint8Array): string {
  try {
    return canonicalJavaDn(dnToString(der, "java"));
  } catch {
    return `#${Buffer.from(der).toString("hex")}`;
  }
}

/** True when the acceptable CA carries no DER (a name from a log): compare it by name only. */
export function caIsByName(ca: AcceptableCA): boolean {
  return ca.source === "log" || ca.der.length === 0;
}

/** Compares a Name (DER, e.g. a certificate's issuer) with an acceptable CA name from the wire or from a log. */
export function compareNameWithCa(nameDer: Uint8Array, ca: AcceptableCA): NameComparison {
  if (!caIsByName(ca)) return { result: compareNames(nameDer, ca.der), byName: false };
  return { result: canonicalDerName(nameDer) === canonicalJavaDn(ca.dn) ? "normalised-equal" : "different", byName: true };
}

/** True when `nameDer` equals the CA name (byte-equal or normalised; by name for log-sourced names). */
export function nameMatchesCa(nameDer: Uint8Array, ca: AcceptableCA): boolean {
  return compareNameWithCa(nameDer, ca).result !== "different";
}

/** True when two Java-printed DN strings (from logs) name the same entity (canonical forms equal). */
export function sameJavaDn(a: string, b: string): boolean {
  return canonicalJavaDn(a) === canonicalJavaDn(b);
}

/** True when the certificate's issuer equals a Java-printed DN string (e.g. a logged certificate's issuer). */
export function issuerIsJavaDn(c: Certificate, dn: string): boolean {
  return canonicalDerName(c.issuerDer) === canonicalJavaDn(dn);
}

/** The CN of a DN string ("CN=Lab Root B, O=x" → "Lab Root B"), else the whole DN. */
export function cnOf(dn: string): string {
  return /(?:^|,)\s*CN=((?:\\.|[^,])*)/i.exec(dn)?.[1]?.trim() ?? dn;
}

/**
 * What a CA's name says it is, when its certificate is in no store given (only the leaf's issuer name is known):
 * - "intermediate": the CN says "intermediate", "issuing" or "sub" (Sub CA, Subordinate CA);
 * - "root": otherwise, the CN says "root" ("Lab Root B", "Example Root CA 2");
 * - "unknown": the name says neither ("Example CA").
 * A guess by name, used the same way by every rule that must choose between "the client must send the
 * intermediate" (RFC 8446 §4.4.2) and "the server must trust the root" (RFC 5280 §6.1): a root-named issuer is not
 * reported as a missing intermediate; an intermediate-named or unknown one is.
 * @param dn the issuer DN as a string (e.g. `Certificate.issuer`)
 */
export function caKindByName(dn: string): "root" | "intermediate" | "unknown" {
  const cn = cnOf(dn);
  if (/intermediate|issuing|\bsub/i.test(cn)) return "intermediate";
  return /root/i.test(cn) ? "root" : "unknown";
}
