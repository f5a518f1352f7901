/** Helpers shared by the store format readers: entry building from certificates + keys, pairing by public key. */
import { createPublicKey, type KeyObject } from "node:crypto";
import type { Certificate, StoreEntry } from "../types.js";
import { compareNames } from "../dn.js";
import { verifySignedBy } from "../certificate.js";

/** DER SubjectPublicKeyInfo of a private key's public half. */
export function spkiOfPrivateKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: "spki", format: "der" });
}

/** The certificate of `pool` whose public key equals the private key's, or undefined. */
export function certForKey(key: KeyObject, pool: Certificate[]): Certificate | undefined {
  const spki = spkiOfPrivateKey(key);
  return pool.find((c) => spki.equals(Buffer.from(c.spki)));
}

/**
 * Orders a chain leaf-first: starting at `leaf`, repeatedly picks from `pool` a certificate whose subject matches the
 * current issuer (RFC 5280 name match) and whose key verifies the current signature; stops at a self-issued cert.
 */
export function chainFrom(leaf: Certificate, pool: Certificate[]): Certificate[] {
  const chain = [leaf];
  const used = new Set<Certificate>([leaf]);
  let cur = leaf;
  while (!cur.selfIssued) {
    const next = pool.find(
      (c) => !used.has(c) && compareNames(c.subjectDer, cur.issuerDer) !== "different" && verifySignedBy(cur, c),
    );
    if (!next) break;
    chain.push(next);
    used.add(next);
    cur = next;
  }
  return chain;
}

/** Makes aliases unique by suffixing "-2", "-3", ... in order of appearance. */
export function uniqueAliases(entries: StoreEntry[]): StoreEntry[] {
  const seen = new Map<string, number>();
  for (const e of entries) {
    const n = (seen.get(e.alias) ?? 0) + 1;
    seen.set(e.alias, n);
    if (n > 1) e.alias = `${e.alias}-${n}`;
  }
  return entries;
}

/** A readable default alias for stores without aliases (PEM, DER): the subject CN, else "entry-N". */
export function defaultAlias(cert: Certificate | undefined, n: number): string {
  const m = cert ? /(?:^|, )CN=("(?:[^"\\]|\\.)*"|[^,]+)/.exec(cert.subject) : null;
  return m ? m[1]!.replace(/^"|"$/g, "") : `entry-${n}`;
}

/** The per-entry note for a private key that neither the store password nor the key password decrypts. */
export function keyNotRecoveredReason(keyPasswordGiven: boolean): string {
  return keyPasswordGiven
    ? "private key not recovered: wrong key password (the --key-password given does not decrypt it either)"
    : "private key not recovered: wrong key password (use --key-password)";
}
