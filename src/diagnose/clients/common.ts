/**
 * Facts shared by the client models: what each TLS SignatureScheme needs of a key (RFC 8446 §4.2.3, RFC 5246
 * §7.4.1.4.1), how a chain's issuers compare with a CertificateRequest's CA names, and which store entries hold a
 * private key.
 */
import { compareNameWithCa } from "../names.js";
import type { AcceptableCA, StoreEvidence } from "../../evidence/model.js";
import type { Certificate, StoreEntry } from "../../pki/types.js";
import { SIGNATURE_SCHEMES } from "../../wire/tables.generated.js";
import type { DnComparison } from "./types.js";

/** What a SignatureScheme requires of the signing key. */
export interface SchemeInfo {
  code: number;
  name: string;
  /** Java `SignatureScheme.keyAlgorithm`: "EC", "RSA", "RSASSA-PSS", "EdDSA", "DSA". */
  javaKeyAlgorithm: "EC" | "RSA" | "RSASSA-PSS" | "EdDSA" | "DSA";
  /** Our `Certificate.keyAlgorithm` values a key must have to sign with this scheme. */
  keyAlgorithms: string[];
  /** TLS 1.3 ties ECDSA schemes to one curve (RFC 8446 §4.2.3); TLS 1.2 does not. */
  curve?: string;
  /** Usable for a TLS 1.3 CertificateVerify (RFC 8446 §4.2.3: not rsa_pkcs1_*, not SHA-1, not DSA). */
  tls13: boolean;
}

const S = (code: number, javaKeyAlgorithm: SchemeInfo["javaKeyAlgorithm"], keyAlgorithms: string[], tls13: boolean, curve?: string): SchemeInfo => ({
  code,
  name: SIGNATURE_SCHEMES.names[code] ?? `unknown(0x${code.toString(16).padStart(4, "0")})`,
  javaKeyAlgorithm,
  keyAlgorithms,
  tls13,
  ...(curve ? { curve } : {}),
});

/** The signature schemes a client key can answer with (RFC 8446 §4.2.3; DSA/SHA-1 rows from RFC 5246 §7.4.1.4.1). */
export const SCHEMES: ReadonlyMap<number, SchemeInfo> = new Map(
  [
    S(0x0401, "RSA", ["RSA"], false),
    S(0x0501, "RSA", ["RSA"], false),
    S(0x0601, "RSA", ["RSA"], false),
    S(0x0201, "RSA", ["RSA"], false),
    S(0x0403, "EC", ["EC"], true, "P-256"),
    S(0x0503, "EC", ["EC"], true, "P-384"),
    S(0x0603, "EC", ["EC"], true, "P-521"),
    S(0x0203, "EC", ["EC"], false),
    S(0x0804, "RSA", ["RSA"], true),
    S(0x0805, "RSA", ["RSA"], true),
    S(0x0806, "RSA", ["RSA"], true),
    S(0x0807, "EdDSA", ["Ed25519"], true),
    S(0x0808, "EdDSA", ["Ed448"], true),
    S(0x0809, "RSASSA-PSS", ["RSASSA-PSS"], true),
    S(0x080a, "RSASSA-PSS", ["RSASSA-PSS"], true),
    S(0x080b, "RSASSA-PSS", ["RSASSA-PSS"], true),
    S(0x0402, "DSA", ["DSA"], false),
    S(0x0502, "DSA", ["DSA"], false),
    S(0x0602, "DSA", ["DSA"], false),
    S(0x0202, "DSA", ["DSA"], false),
  ].map((s) => [s.code, s]),
);

/** IANA name of a SignatureScheme code point, or `unknown(0x....)`. */
export function schemeName(code: number): string {
  return SIGNATURE_SCHEMES.names[code] ?? `unknown(0x${code.toString(16).padStart(4, "0")})`;
}

/**
 * Can a key of this certificate produce a CertificateVerify with one of `schemes`?
 * TLS 1.3 also requires the ECDSA scheme's curve to be the key's curve (RFC 8446 §4.2.3).
 * Returns the first usable scheme, or undefined.
 */
export function usableScheme(leaf: Certificate, schemes: number[], tlsVersion: string): SchemeInfo | undefined {
  const tls13 = tlsVersion === "1.3";
  for (const code of schemes) {
    const s = SCHEMES.get(code);
    if (!s || !s.keyAlgorithms.includes(leaf.keyAlgorithm)) continue;
    if (tls13 && !s.tls13) continue;
    if (tls13 && s.curve && leaf.namedCurve && s.curve !== leaf.namedCurve) continue;
    return s;
  }
  return undefined;
}

/** Java's `PublicKey.getAlgorithm()` for one of our key algorithm names. */
export function javaKeyAlgorithm(c: Certificate): string {
  if (c.keyAlgorithm === "Ed25519" || c.keyAlgorithm === "Ed448") return "EdDSA";
  return c.keyAlgorithm;
}

/**
 * Compares the issuer of every certificate of `chain` with every acceptable CA name.
 * `equality` says which comparison result counts as a match: "normalised" (Java's X500Principal.equals, RFC 2253
 * canonical form; also byte-equal names) or "bytes" (Go's bytes.Equal on RawIssuer).
 * CA names from a log (`source: "log"`, no DER) are compared by name ({@link compareNameWithCa}); a name match
 * then counts under either equality (a log cannot show whether the bytes would have been equal) and is marked
 * `byName`.
 * Returns whether some issuer matched, and the comparisons (matches first; all when nothing matched, at most 64).
 */
export function matchIssuers(
  chain: Certificate[],
  cas: AcceptableCA[],
  equality: "normalised" | "bytes",
): { matched: boolean; matches: DnComparison[]; nearMisses: DnComparison[]; all: DnComparison[] } {
  const all: DnComparison[] = [];
  chain.forEach((c, chainIndex) => {
    for (const ca of cas) {
      const r = compareNameWithCa(c.issuerDer, ca);
      all.push({ chainIndex, issuer: c.issuer, acceptableCA: ca.dn, result: r.result, ...(r.byName ? { byName: true } : {}) });
    }
  });
  const matches = all.filter((x) => x.result === "byte-equal" || ((equality === "normalised" || x.byName) && x.result === "normalised-equal"));
  const nearMisses = equality === "bytes" ? all.filter((x) => x.result === "normalised-equal" && !x.byName) : [];
  return { matched: matches.length > 0, matches, nearMisses, all: all.slice(0, 64) };
}

/** The private-key entries of the client keystores (in store order), optionally only `alias`. */
export function keyEntries(stores: StoreEvidence[], alias?: string): StoreEntry[] {
  const out: StoreEntry[] = [];
  for (const s of stores) {
    if (s.role !== "client-keystore") continue;
    const want = alias ?? s.alias;
    for (const e of s.store.entries) {
      if (e.kind !== "private-key" || e.chain.length === 0) continue;
      if (want !== undefined && e.alias !== want) continue;
      out.push(e);
    }
  }
  return out;
}

/** "alias" quoted for prose. */
export function q(alias: string): string {
  return `"${alias}"`;
}
