/**
 * Java/JSSE client certificate selection (JDK 17), modelled from the OpenJDK sources:
 * - sun/security/ssl/CertificateRequest.java `T12CertificateRequestConsumer.choosePossession` (TLS 1.2) and
 *   CertificateMessage.java `T13CertificateProducer.choosePossession` (TLS 1.3): walk the server's
 *   signature_algorithms(_cert) in order, one key type per `SignatureScheme.keyAlgorithm`, skip a type when no scheme
 *   of the server's signature_algorithms can sign a CertificateVerify in this version, and ask the key manager
 *   `chooseClientAlias(new String[]{keyType}, issuers, socket)` for each (X509Authentication.createClientPossession).
 *   Nothing chosen ⇒ "No X.509 certificate for client authentication, use empty Certificate message instead".
 * - sun/security/ssl/SunX509KeyManagerImpl.java `getAliases(keyType, issuers)`: leaf key algorithm = key type, and
 *   (when the server named CAs) the set of issuer X500Principals of the *whole chain* contains one of them. First hit
 *   wins; no validity, EKU or algorithm checks.
 * - sun/security/ssl/X509KeyManagerImpl.java (PKIX / NewSunX509) `getAliases`/`chooseAlias`: same key-type and
 *   issuer filters, plus `conformsToAlgorithmConstraints` (every chain signature among the peer's supported
 *   signature algorithms), then `CheckType.CLIENT.check` on the leaf: EKU present without clientAuth/anyEKU or KU
 *   without digitalSignature ⇒ EXTENSION_MISMATCH, else outside validity ⇒ EXPIRED, else OK. An OK entry is taken at
 *   once; otherwise the best of EXPIRED < EXTENSION_MISMATCH is still sent.
 * X500Principal.equals compares RFC 2253 canonical forms, so DN equality here is RFC 5280 §7.1 normalised equality.
 * Measured against JDK 17.0.15 in /work/shared/reference/alert-matrix.md ("Java key manager vs advertised CA list").
 */
import type { ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import type { Certificate, StoreEntry } from "../../pki/types.js";
import { javaKeyAlgorithm, keyEntries, matchIssuers, q, SCHEMES, schemeName } from "./common.js";
import type { AliasReason, ClientSelection, JavaKeyManager, SelectionContext } from "./types.js";
import { javaAlias, javaHashMapOrder, javaKeystoreAliasOrder } from "./javaorder.js";

/**
 * The key entries in the order the key manager meets them: PKIX walks `KeyStore.aliases()` (PKCS#12: file order; JKS:
 * Hashtable order), SunX509 its `credentialsMap` HashMap built from those aliases (javaorder.ts). `orderKnown` is false
 * when a store is not a Java keystore (PEM/DER: no alias order a JDK would give) and holds more than one entry, or
 * when SunX509's HashMap would hold a tree bin (javaHashMapOrder).
 */
export function javaEntryOrder(stores: StoreEvidence[], km: JavaKeyManager, alias?: string): { entries: StoreEntry[]; orderKnown: boolean } {
  const out: StoreEntry[] = [];
  let orderKnown = true;
  for (const s of stores) {
    if (s.role !== "client-keystore") continue;
    const mine = keyEntries([s], alias);
    const order = javaKeystoreAliasOrder(s.store);
    if (!order) {
      if (mine.length > 1) orderKnown = false;
      out.push(...mine);
      continue;
    }
    const byAlias = new Map(mine.map((e) => [javaAlias(e.alias), e] as const));
    const keyAliases = order.filter((a) => byAlias.has(a));
    const walk = km === "SunX509" ? javaHashMapOrder(keyAliases) : keyAliases;
    if (!walk) orderKnown = false;
    for (const a of walk ?? keyAliases) out.push(byAlias.get(a)!);
  }
  return { entries: out, orderKnown };
}

const SIG_ALG_TO_SCHEMES: Record<string, number[]> = {
  SHA256withRSA: [0x0401],
  SHA384withRSA: [0x0501],
  SHA512withRSA: [0x0601],
  SHA1withRSA: [0x0201],
  SHA256withECDSA: [0x0403],
  SHA384withECDSA: [0x0503],
  SHA512withECDSA: [0x0603],
  SHA1withECDSA: [0x0203],
  "RSASSA-PSS": [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b],
  Ed25519: [0x0807],
  Ed448: [0x0808],
  SHA256withDSA: [0x0402],
  SHA1withDSA: [0x0202],
};

/** Signature algorithm of `c` is among `schemes` (SSLAlgorithmConstraints with the peer's supported algorithms). */
export function signatureAllowed(c: Certificate, schemes: number[]): boolean {
  const want = SIG_ALG_TO_SCHEMES[c.sigAlgName];
  if (!want) return true; // an algorithm we cannot map: do not claim Java would reject it
  return want.some((w) => schemes.includes(w));
}

type Rank = "EXACT" | "EXPIRED" | "EXTENSION_MISMATCH";
const RANK_ORDER: Record<Rank, number> = { EXACT: 0, EXPIRED: 1, EXTENSION_MISMATCH: 2 };

/** X509KeyManagerImpl.CheckType.CLIENT.check on the leaf. */
export function pkixClientCheck(leaf: Certificate, now: number): { rank: Rank; why: string } {
  const info = leaf.info(now);
  const eku = info.extendedKeyUsage;
  if (eku && !eku.some((e) => e === "clientAuth" || e === "1.3.6.1.5.5.7.3.2" || e === "anyExtendedKeyUsage" || e === "2.5.29.37.0")) {
    return { rank: "EXTENSION_MISMATCH", why: `its extendedKeyUsage (${eku.join(", ")}) lacks clientAuth` };
  }
  const ku = info.keyUsage;
  if (ku && !ku.includes("digitalSignature") && ["RSA", "EC", "DSA"].includes(leaf.keyAlgorithm)) {
    return { rank: "EXTENSION_MISMATCH", why: `its keyUsage (${ku.join(", ")}) lacks digitalSignature` };
  }
  if (now < leaf.notBefore) return { rank: "EXPIRED", why: `it is not valid before ${new Date(leaf.notBefore).toISOString()}` };
  if (now > leaf.notAfter) return { rank: "EXPIRED", why: `it expired on ${new Date(leaf.notAfter).toISOString()}` };
  return { rank: "EXACT", why: "it is valid now and its key usages allow client authentication" };
}

/** The key types JSSE asks the key manager for, in order, from the server's CertificateRequest. */
export function javaKeyTypes(policy: ServerPolicy, tlsVersion: string): { keyTypes: string[]; skipped: string[] } {
  const tls13 = tlsVersion === "1.3";
  const certSchemes = tls13 ? (policy.signatureAlgorithmsCert ?? policy.signatureAlgorithms) : policy.signatureAlgorithms;
  const checked = new Set<string>();
  const keyTypes: string[] = [];
  const skipped: string[] = [];
  for (const code of certSchemes) {
    const ss = SCHEMES.get(code);
    if (!ss || checked.has(ss.javaKeyAlgorithm)) continue;
    // SignatureScheme.getPreferableAlgorithm: some scheme of signature_algorithms with this key algorithm must be
    // usable for a CertificateVerify in the negotiated version.
    const signer = policy.signatureAlgorithms.some((c) => {
      const s = SCHEMES.get(c);
      return s !== undefined && s.javaKeyAlgorithm === ss.javaKeyAlgorithm && (!tls13 || s.tls13);
    });
    checked.add(ss.javaKeyAlgorithm);
    if (!signer) {
      skipped.push(`${ss.javaKeyAlgorithm} (no ${tls13 ? "TLS 1.3 " : ""}CertificateVerify scheme for it, e.g. ${schemeName(code)} alone)`);
      continue;
    }
    keyTypes.push(ss.javaKeyAlgorithm);
  }
  return { keyTypes, skipped };
}

interface Candidate {
  entry: StoreEntry;
  rank: Rank;
  reason: AliasReason;
}

/**
 * Models `X509ExtendedKeyManager.chooseClientAlias` inside JSSE for a Java client (SunX509 by default, or PKIX).
 * Pure: `ctx.now` is the clock; the stores are read, never changed.
 */
export function selectJava(stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext): ClientSelection {
  const km: JavaKeyManager = ctx.keyManager ?? "SunX509";
  const model = `Java ${km} key manager (JSSE, JDK 17)`;
  const { entries, orderKnown } = javaEntryOrder(stores, km, ctx.alias);
  const reasons: AliasReason[] = [];
  const base = { stack: "java" as const, model };

  if (!policy.requested) {
    return { ...base, sentChain: [], empty: false, reasons, summary: "The server did not send a CertificateRequest, so a Java client sends no Certificate message." };
  }
  if (ctx.tlsVersion === "1.3" && policy.certificateAuthoritiesState === "present-empty") {
    return {
      ...base,
      sentChain: [],
      empty: true,
      reasons,
      summary:
        "The server's TLS 1.3 CertificateRequest carries an empty certificate_authorities extension (RFC 8446 §4.2.4 forbids it); JSSE aborts with decode_error before choosing a certificate.",
    };
  }
  if (entries.length === 0) {
    return {
      ...base,
      sentChain: [],
      empty: true,
      reasons,
      summary: ctx.alias
        ? `The keystore has no private-key entry named ${q(ctx.alias)}, so Java sends an empty Certificate message.`
        : "The keystore holds no private-key entry, so Java sends an empty Certificate message.",
    };
  }

  const { keyTypes, skipped } = javaKeyTypes(policy, ctx.tlsVersion);
  const cas = policy.acceptableCAs;
  const peerCertSchemes = ctx.tlsVersion === "1.3" ? (policy.signatureAlgorithmsCert ?? policy.signatureAlgorithms) : policy.signatureAlgorithms;
  const judged = new Map<string, AliasReason>();

  for (const keyType of keyTypes) {
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      const leaf = entry.chain[0]!;
      if (javaKeyAlgorithm(leaf) !== keyType) {
        // Judged in the round of its own key type; one no round asks for is never a candidate.
        if (!keyTypes.includes(javaKeyAlgorithm(leaf)) && !judged.has(entry.alias)) {
          judged.set(entry.alias, { alias: entry.alias, accepted: false, keyType: javaKeyAlgorithm(leaf), why: `its ${javaKeyAlgorithm(leaf)} key is not of a key type the server's signature_algorithms allow (${keyTypes.join(", ") || "none"})` });
        }
        continue;
      }
      let compared;
      if (cas.length > 0) {
        const m = matchIssuers(entry.chain, cas, "normalised");
        if (!m.matched) {
          const issuers = [...new Set(entry.chain.map((c) => c.issuer))];
          judged.set(entry.alias, {
            alias: entry.alias,
            accepted: false,
            keyType,
            why: `no certificate of its chain is issued by a CA the server named: chain issuer(s) ${issuers.map((i) => `"${i}"`).join(", ")} vs ${cas.length} acceptable CA name(s)`,
            compared: m.all,
          });
          continue;
        }
        compared = m.matches;
      }
      if (km === "PKIX") {
        const bad = entry.chain.find((c) => !signatureAllowed(c, peerCertSchemes));
        if (bad) {
          judged.set(entry.alias, { alias: entry.alias, accepted: false, keyType, why: `its chain holds "${bad.subject}" signed with ${bad.sigAlgName}, which is not among the server's signature_algorithms${ctx.tlsVersion === "1.3" ? "_cert" : ""}` });
          continue;
        }
      }
      const match = compared && compared[0] ? ` (issuer "${compared[0].issuer}" of chain[${compared[0].chainIndex}] equals acceptable CA "${compared[0].acceptableCA}"${compared[0].byName ? ", by name (from a log)" : compared[0].result === "normalised-equal" ? " after normalisation" : ""})` : cas.length === 0 ? " (the server named no CA, so any entry fits)" : "";
      if (km === "SunX509") {
        candidates.push({ entry, rank: "EXACT", reason: { alias: entry.alias, accepted: true, keyType, why: `${keyType} key${match}; SunX509 does not check validity or key usage`, ...(compared ? { compared } : {}) } });
      } else {
        const chk = pkixClientCheck(entry.chain[0]!, ctx.now);
        candidates.push({ entry, rank: chk.rank, reason: { alias: entry.alias, accepted: true, keyType, rank: chk.rank, why: `${keyType} key${match}; PKIX ranks it ${chk.rank} because ${chk.why}`, ...(compared ? { compared } : {}) } });
        if (chk.rank === "EXACT") break; // X509KeyManagerImpl returns the first perfect match at once
      }
    }
    if (candidates.length === 0) continue;
    // SunX509: first hit (credentialsMap order); PKIX: EXACT at once, else best rank (stable: keystore order).
    const sorted = km === "PKIX" ? [...candidates].sort((a, b) => RANK_ORDER[a.rank] - RANK_ORDER[b.rank]) : candidates;
    const pick = sorted[0]!;
    for (const c of candidates) {
      const r = c === pick ? c.reason : { ...c.reason, accepted: false, why: `${c.reason.why}; another entry (${q(pick.entry.alias)}) was preferred` };
      judged.set(c.entry.alias, r);
    }
    for (const e of entries) {
      const kt = javaKeyAlgorithm(e.chain[0]!);
      reasons.push(
        judged.get(e.alias) ??
          (kt !== keyType
            ? {
                alias: e.alias,
                accepted: false,
                keyType: kt,
                why: `not reached: JSSE asks for key types in the order of the server's signature_algorithms (${keyTypes.join(", ")}) and takes the first alias that fits; ${q(pick.entry.alias)} (${keyType}) fitted before ${kt} keys were asked for`,
              }
            : { alias: e.alias, accepted: false, why: "not examined: the key manager stopped at the first perfect match" }),
      );
    }
    const tie = km === "SunX509" && candidates.length > 1;
    const alternatives = !orderKnown ? candidates.filter((c) => c !== pick && (km === "SunX509" || c.rank === pick.rank)).map((c) => c.entry.alias) : [];
    return {
      ...base,
      chosen: { alias: pick.entry.alias, chain: pick.entry.chain },
      ...(alternatives.length ? { mayAlsoSend: alternatives } : {}),
      sentChain: pick.entry.chain,
      empty: false,
      reasons,
      summary:
        `Java (${km}) sends alias ${q(pick.entry.alias)} (${pick.entry.chain.length} certificate${pick.entry.chain.length === 1 ? "" : "s"}) for key type ${keyType}` +
        (pick.rank !== "EXACT" ? `, although PKIX ranks it ${pick.rank}: it is the best candidate it has` : "") +
        (alternatives.length
          ? `; but ${alternatives.length + 1} entries fit and this store has no Java alias order, so Java may send either (${[pick.entry.alias, ...alternatives].map(q).join(", ")})`
          : tie
            ? `; ${candidates.length} entries fit, and SunX509 takes the first in its credentialsMap (a HashMap: alias hash order, not keystore order)`
            : "") +
        ".",
    };
  }
  for (const e of entries) reasons.push(judged.get(e.alias) ?? { alias: e.alias, accepted: false, why: "not considered" });
  return {
    ...base,
    sentChain: [],
    empty: true,
    reasons,
    summary:
      `No keystore entry fits the server's CertificateRequest, so Java logs "No X.509 certificate for client authentication, use empty Certificate message instead" and sends an empty Certificate message` +
      (skipped.length ? ` (key types skipped: ${skipped.join("; ")})` : "") +
      ".",
  };
}
