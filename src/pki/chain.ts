/**
 * Chain checks for keystore entries and path building towards trust anchors (RFC 5280 §6.1, simplified to what a
 * TLS client/server checks before sending/accepting a certificate: names, signatures, validity, key usages).
 */
import { createPublicKey } from "node:crypto";
import type { Certificate, CheckResult, EntryChecks, StoreEntry } from "./types.js";
import { compareNames } from "./dn.js";
import { verifySignedBy } from "./certificate.js";

const CLIENT_AUTH = "clientAuth";
const ANY_EKU = "anyExtendedKeyUsage";

function label(c: Certificate, i: number): string {
  return `#${i} "${c.subject}"`;
}

/** Extended fields that parseCertificate provides (keyUsage/EKU); read defensively for foreign Certificate objects. */
function usages(c: Certificate): { ku?: string[]; eku?: string[] } {
  const x = c as Certificate & { keyUsage?: string[]; extendedKeyUsage?: string[] };
  return { ku: x.keyUsage ?? c.info(c.notBefore).keyUsage, eku: x.extendedKeyUsage ?? c.info(c.notBefore).extendedKeyUsage };
}

/**
 * Checks one keystore entry at `now` (ms since epoch). Certificates are numbered from 0 (leaf). Each result carries
 * a reason naming the certificate concerned. Trusted-cert entries get the same checks on their single certificate
 * (keyMatchesLeaf is then "no private key in this entry").
 */
export function checkEntry(entry: StoreEntry, now: number): EntryChecks {
  const chain = entry.chain;
  const leaf = chain[0];
  if (!leaf) {
    const none = { ok: false, reason: `alias "${entry.alias}" holds no certificate` };
    const keyMatchesLeaf = entry.keyNotRecovered ? { ok: false, reason: entry.keyNotRecovered } : none;
    return { chainOrdered: none, signaturesValid: none, keyMatchesLeaf, expired: [], notYetValid: [], clientAuthAllowed: none, digitalSignatureAllowed: none, chainComplete: none };
  }
  // Order: each certificate's issuer name matches the next one's subject.
  let chainOrdered: CheckResult = { ok: true, reason: chain.length === 1 ? "single certificate" : `${chain.length} certificates, each issued by the next` };
  for (let i = 0; i + 1 < chain.length; i++) {
    if (compareNames(chain[i]!.issuerDer, chain[i + 1]!.subjectDer) === "different") {
      chainOrdered = { ok: false, reason: `${label(chain[i]!, i)} is issued by "${chain[i]!.issuer}", but the next certificate is ${label(chain[i + 1]!, i + 1)}` };
      break;
    }
  }
  // Signatures: each verifies under the next; the last verifies under itself when self-issued.
  let signaturesValid: CheckResult = { ok: true, reason: "every signature verifies under the next certificate's key" };
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    const next = chain[i + 1] ?? (c.selfIssued ? c : undefined);
    if (!next) {
      if (chain.length === 1) signaturesValid = { ok: true, reason: `no signature to check inside the entry: the issuer of ${label(c, i)} is not in it (see chain complete)` };
      break;
    }
    if (!verifySignedBy(c, next)) {
      signaturesValid = { ok: false, reason: `the signature of ${label(c, i)} does not verify under the key of ${next === c ? "itself (self-signed)" : label(next, i + 1)}` };
      break;
    }
  }
  // Key match.
  let keyMatchesLeaf: CheckResult;
  if (!entry.privateKey && entry.keyNotRecovered) keyMatchesLeaf = { ok: false, reason: entry.keyNotRecovered };
  else if (!entry.privateKey) keyMatchesLeaf = { ok: entry.kind === "trusted-cert", reason: entry.kind === "trusted-cert" ? "trusted-cert entry: no private key" : "no private key in this entry" };
  else {
    try {
      const a = createPublicKey(entry.privateKey).export({ type: "spki", format: "der" });
      keyMatchesLeaf = Buffer.from(leaf.spki).equals(a)
        ? { ok: true, reason: `the private key matches the public key of ${label(leaf, 0)}` }
        : { ok: false, reason: `the private key does not match the public key of ${label(leaf, 0)}` };
    } catch {
      keyMatchesLeaf = { ok: false, reason: "the private key's public half cannot be derived" };
    }
  }
  const expired = chain.flatMap((c, i) => (now > c.notAfter ? [i] : []));
  const notYetValid = chain.flatMap((c, i) => (now < c.notBefore ? [i] : []));
  const { ku, eku } = usages(leaf);
  const clientAuthAllowed: CheckResult =
    eku === undefined
      ? { ok: true, reason: `${label(leaf, 0)} has no extendedKeyUsage extension (any purpose)` }
      : eku.includes(CLIENT_AUTH) || eku.includes(ANY_EKU)
        ? { ok: true, reason: `${label(leaf, 0)} extendedKeyUsage includes ${eku.includes(CLIENT_AUTH) ? CLIENT_AUTH : ANY_EKU}` }
        : { ok: false, reason: `${label(leaf, 0)} extendedKeyUsage is ${eku.join(", ") || "empty"}, without clientAuth (RFC 5280 §4.2.1.12)` };
  const digitalSignatureAllowed: CheckResult =
    ku === undefined
      ? { ok: true, reason: `${label(leaf, 0)} has no keyUsage extension (any usage)` }
      : ku.includes("digitalSignature")
        ? { ok: true, reason: `${label(leaf, 0)} keyUsage includes digitalSignature` }
        : { ok: false, reason: `${label(leaf, 0)} keyUsage is ${ku.join(", ") || "empty"}, without digitalSignature needed for CertificateVerify (RFC 5280 §4.2.1.3)` };
  return { chainOrdered, signaturesValid, keyMatchesLeaf, expired, notYetValid, clientAuthAllowed, digitalSignatureAllowed, chainComplete: chainCompleteness(chain) };
}

/**
 * Whether the entry carries the chain a peer needs. Complete: it ends at a self-signed certificate. A chain of two or
 * more that ends at a CA whose issuer is absent is fine for TLS (the root may be left out, RFC 8446 §4.4.2,
 * RFC 5246 §7.4.2), so ok with a note naming the certificate the peer must trust. A lone certificate whose issuer is
 * absent is a warning: a client sending this entry sends no intermediate, so only a peer that trusts (or holds) the
 * issuer itself accepts it.
 */
function chainCompleteness(chain: Certificate[]): CheckResult & { severity?: "warning" } {
  const top = chain[chain.length - 1]!;
  const i = chain.length - 1;
  if (top.selfIssued && verifySignedBy(top, top)) {
    return { ok: true, reason: chain.length === 1 ? `${label(top, i)} is self-signed` : `ends at the self-signed ${label(top, i)}` };
  }
  if (chain.length > 1) {
    return { ok: true, reason: `ends at ${label(top, i)}, issued by "${top.issuer}", which is not in the entry (normal when that is the root: the peer must trust it)` };
  }
  return {
    ok: false,
    severity: "warning",
    reason: `ends at ${label(top, i)}, whose issuer "${top.issuer}" is not in the entry; a client that sends this entry sends no intermediate (fine only if the server trusts "${top.issuer}" itself)`,
  };
}

/** Result of {@link buildPath}. */
export interface PathResult {
  /** leaf first; ends at an anchor when `anchored`. */
  path: Certificate[];
  anchored: boolean;
  /** Issuer Name DER (as in the last certificate) that neither intermediates nor anchors provide. */
  missingIssuerDer?: Uint8Array;
  /** Same, Java style. */
  missingIssuer?: string;
}

/**
 * Builds a path leaf → intermediates → anchor. A candidate issuer must match the current issuer Name
 * (compareNames ≠ "different") and verify the signature. Anchors are preferred over intermediates at each step,
 * so a path stops at the first trust anchor. When `now` is given, currently-valid candidates are preferred.
 * A self-issued certificate that is not an anchor ends the path unanchored with no missing issuer.
 */
export function buildPath(leaf: Certificate, intermediates: Certificate[], anchors: Certificate[], now?: number): PathResult {
  const path: Certificate[] = [leaf];
  const used = new Set<Certificate>([leaf]);
  const isAnchor = (c: Certificate) => anchors.some((a) => Buffer.from(a.der).equals(Buffer.from(c.der)));
  if (isAnchor(leaf)) return { path, anchored: true };
  let cur = leaf;
  for (let depth = 0; depth < 16; depth++) {
    const pick = (pool: Certificate[]) => {
      const cands = pool.filter((c) => !used.has(c) && compareNames(c.subjectDer, cur.issuerDer) !== "different" && verifySignedBy(cur, c));
      if (now !== undefined) cands.sort((a, b) => Number(now < a.notBefore || now > a.notAfter) - Number(now < b.notBefore || now > b.notAfter));
      return cands[0];
    };
    const anchor = pick(anchors);
    if (anchor) {
      path.push(anchor);
      return { path, anchored: true };
    }
    if (cur.selfIssued) return { path, anchored: false };
    const next = pick(intermediates);
    if (!next) return { path, anchored: false, missingIssuerDer: cur.issuerDer, missingIssuer: cur.issuer };
    path.push(next);
    used.add(next);
    cur = next;
  }
  return { path, anchored: false };
}
