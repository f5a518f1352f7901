/**
 * Is a private-key entry's chain complete? RFC 8446 §4.4.2 / RFC 5246 §7.4.2: the sender's chain runs from its
 * certificate up to (optionally excluding) the root, each certificate certifying the one before it. An entry whose
 * chain stops at a certificate that is not self-signed, whose issuer is not in the entry and is not something the
 * server already holds (named in its CertificateRequest, or in its truststore) lacks at least one intermediate.
 *
 * Why it matters for Java (alert-matrix.md "Java key manager vs advertised CA list"): JSSE's key managers match the
 * issuer of ANY certificate of the entry's chain with the server's CA names, so leaf + intermediate is sent to a
 * server naming only the root, and the leaf alone is not (an empty Certificate). Other stacks send the leaf, and the
 * server cannot build the path (OpenSSL 48 unknown_ca, Java 46 certificate_unknown, Node closes).
 */
import type { ClientStack } from "../../evidence/model.js";
import { compareNames } from "../../pki/dn.js";
import type { Certificate, StoreEntry } from "../../pki/types.js";
import { nameMatchesCa } from "../names.js";
import type { EvidenceRef, Finding, Remediation } from "../types.js";
import type { Rule, RuleContext } from "./context.js";
import { certRef, clientConfigHint, remediation, text } from "./refs.js";

const same = (a: Uint8Array, b: Uint8Array): boolean => compareNames(a, b) !== "different";

function ski(c: Certificate): string | undefined {
  try {
    return c.info(0).subjectKeyIdentifier;
  } catch {
    return undefined;
  }
}
function aki(c: Certificate): string | undefined {
  try {
    return c.info(0).authorityKeyIdentifier;
  } catch {
    return undefined;
  }
}

/**
 * Could `issuer` have issued `c`? Names must match (RFC 5280 §7.1); when both key identifiers are present they must
 * match too (RFC 5280 §4.2.1.1: the AKI keyIdentifier is the issuer's SKI).
 */
export function couldIssue(issuer: Certificate, c: Certificate): boolean {
  if (!same(c.issuerDer, issuer.subjectDer)) return false;
  const a = aki(c);
  const s = ski(issuer);
  return !a || !s || a === s;
}

/** Where a certificate we know of came from (to name it in evidence). */
export interface KnownCert {
  cert: Certificate;
  role: "truststore" | "keystore";
  alias?: string;
  file: string;
}

/** Every certificate of every store given, with where it came from. */
export function knownCerts(ctx: RuleContext): KnownCert[] {
  const out: KnownCert[] = [];
  for (const s of ctx.evidence.stores) {
    for (const e of s.store.entries) {
      for (const c of e.chain) out.push({ cert: c, role: s.role === "server-truststore" ? "truststore" : "keystore", alias: e.alias, file: s.store.file });
    }
  }
  return out;
}

/** What we know about an entry whose chain lacks an intermediate. */
export interface IncompleteChain {
  alias: string;
  chain: Certificate[];
  /** The last certificate of the chain (not self-signed). */
  top: Certificate;
  /** The missing issuer, when some store given holds it. */
  missing?: KnownCert;
  /** When `missing` is known: the acceptable CA names its issuer matches (adding it makes Java match these). */
  missingIssuerListed: string[];
  /** When `missing` and a server truststore are known: a truststore certificate that issued it (or is it). */
  missingReachesTruststore?: Certificate;
}

/**
 * Judges an entry's chain. Returns undefined when the chain is complete, or when there is nothing to judge it
 * against (no CertificateRequest CA names and no server truststore: a chain whose root is left out is normal).
 * Complete means: it ends at a self-signed certificate; or some certificate of it is issued by (or is) a CA the
 * server names (CA list) or holds in its truststore; or the top's issuer is a self-signed root we know (the root
 * may be left out).
 */
export function incompleteChain(ctx: RuleContext, alias: string, chain: Certificate[]): IncompleteChain | undefined {
  if (chain.length === 0) return undefined;
  const top = chain[chain.length - 1]!;
  if (top.selfIssued) return undefined;
  // An issuer elsewhere in the entry is an order problem (chain-out-of-order), not a missing certificate.
  if (chain.some((c) => c !== top && couldIssue(c, top))) return undefined;
  const cas = ctx.policy?.requested ? ctx.policy.acceptableCAs : [];
  const anchors = ctx.truststore ? ctx.truststore.entries.flatMap((e) => e.chain) : undefined;
  if (cas.length === 0 && !anchors) return undefined;
  // The server already holds what the chain leads to: some certificate of it is issued by (or is) a CA the server
  // names or trusts. The path is then complete from the server's side.
  if (chain.some((c) => cas.some((ca) => nameMatchesCa(c.issuerDer, ca) || nameMatchesCa(c.subjectDer, ca)))) return undefined;
  if (chain.some((c) => anchors?.some((a) => couldIssue(a, c) || Buffer.from(a.der).equals(Buffer.from(c.der))))) return undefined;
  const known = knownCerts(ctx);
  const found = known.find((k) => !chain.includes(k.cert) && couldIssue(k.cert, top));
  if (found && found.cert.selfIssued) return undefined; // the root is left out, as RFC 8446 §4.4.2 allows
  const out: IncompleteChain = { alias, chain, top, missingIssuerListed: [] };
  if (found) {
    out.missing = found;
    out.missingIssuerListed = cas.filter((ca) => nameMatchesCa(found.cert.issuerDer, ca)).map((ca) => ca.dn);
    const reach = anchors?.find((a) => Buffer.from(a.der).equals(Buffer.from(found.cert.der)) || couldIssue(a, found.cert));
    if (reach) out.missingReachesTruststore = reach;
  }
  return out;
}

/** The incomplete chains among the entries the rules judge (the chosen entry, else every key entry). */
export function incompleteChains(ctx: RuleContext): IncompleteChain[] {
  return ctx.examined.map((e) => incompleteChain(ctx, e.alias, e.chain)).filter((x): x is IncompleteChain => x !== undefined);
}

/** The steps that put the full chain into the client's credential, per client stack. */
export function fullChainSteps(stack: ClientStack, alias: string, missingName: string): string[] {
  const pem = "chain.pem (the client certificate first, then the intermediate(s); the root may stay out)";
  const get = `Get the certificate of "${missingName}" from the CA (or its AIA caIssuers URL): intermediate.pem`;
  switch (stack) {
    case "java":
      return [
        get,
        `cat client.pem intermediate.pem > chain.pem; keytool -importcert -alias ${alias} -file chain.pem -keystore <keystore> (a certificate reply: keytool replaces the entry's chain with leaf + intermediates)`,
        `Or rebuild the entry: openssl pkcs12 -export -inkey client.key -in client.pem -certfile intermediate.pem -name ${alias} -out client.p12, then keytool -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -destkeystore <keystore>`,
        `Check: keytool -list -v -alias ${alias} -keystore <keystore> shows "Certificate chain length: 2" or more`,
        `Then ${clientConfigHint(stack)}.`,
      ];
    case "openssl":
    case "curl":
      return [
        get,
        `Put the intermediate after the leaf in the certificate file: cat client.pem intermediate.pem > ${pem}`,
        stack === "curl" ? "curl --cert chain.pem --key client.key ..." : "openssl s_client -cert client.pem -cert_chain intermediate.pem (or -cert chain.pem); a program: SSL_CTX_use_certificate_chain_file(chain.pem)",
        "nginx as the client (proxy to an mTLS backend): proxy_ssl_certificate chain.pem; proxy_ssl_certificate_key client.key;",
      ];
    case "node":
      return [get, `tls.connect({ cert: leaf + intermediate PEMs concatenated, key }) (cat client.pem intermediate.pem > ${pem})`];
    case "go":
      return [get, `cat client.pem intermediate.pem > ${pem}; tls.LoadX509KeyPair("chain.pem", "client.key") puts both into Certificate.Certificate`];
    case "dotnet":
      return [get, `openssl pkcs12 -export -inkey client.key -in client.pem -certfile intermediate.pem -out client.pfx; .NET sends the intermediates it can find (the PFX or the machine's intermediate store)`];
  }
}

export const incompleteChainRule: Rule = {
  ids: ["missing-intermediate"],
  run(ctx) {
    const out: Finding[] = [];
    for (const ic of incompleteChains(ctx)) {
      const { alias, chain, top, missing } = ic;
      const java = ctx.clientStack === "java";
      const only = chain.length === 1 ? "only the client certificate" : `${chain.length} certificates`;
      const listed = ic.missingIssuerListed;
      const evidence: EvidenceRef[] = [
        ...chain.map((c, i) => certRef(c, "keystore", i, alias, ctx.now)),
        { kind: "dn", role: "looked-for", dn: top.issuer, derHex: Buffer.from(top.issuerDer).toString("hex") },
      ];
      if (missing) {
        evidence.push(certRef(missing.cert, missing.role, 0, missing.alias, ctx.now));
        evidence.push(text(`"${missing.cert.subject}" is in ${missing.file}${missing.alias ? ` (entry "${missing.alias}", ${missing.role === "keystore" ? "not part of this key entry's chain" : "the server's truststore"})` : ""}; it is issued by "${missing.cert.issuer}".`));
        if (ctx.policy?.requested && ctx.policy.acceptableCAs.length) {
          evidence.push(
            text(
              listed.length
                ? `With it in the chain, its issuer "${missing.cert.issuer}" equals the server's acceptable CA "${listed[0]}"${java ? ", so Java's key manager would choose this entry" : ""}.`
                : `Its issuer "${missing.cert.issuer}" is not among the server's ${ctx.policy.acceptableCAs.length} acceptable CA name(s) either: adding it alone does not make the chain match.`,
            ),
          );
        }
        if (ctx.truststore) {
          evidence.push(
            text(
              ic.missingReachesTruststore
                ? `With it, the chain reaches "${ic.missingReachesTruststore.subject}" in the server's truststore ${ctx.truststore.file}.`
                : `Even with it, the chain does not reach the server's truststore ${ctx.truststore.file}: nothing there has the subject "${missing.cert.issuer}".`,
            ),
          );
        }
      } else {
        evidence.push(text(`No store given holds "${top.issuer}", so its own issuer is unknown. If it is an intermediate CA, this entry lacks it; if it is itself a root CA, the chain is complete and the server simply does not trust that root (see ca-mismatch).`));
        if (ctx.truststore) {
          const anchors = ctx.truststore.entries.flatMap((e) => e.chain);
          evidence.push(text(`Not checked: whether the server's truststore ${ctx.truststore.file} (${anchors.slice(0, 4).map((a) => `"${a.subject}"`).join(", ")}${anchors.length > 4 ? ", ..." : ""}) holds the issuer of "${top.issuer}" — that needs the certificate of "${top.issuer}" (give it with --truststore or in the keystore).`));
        }
      }
      if (java && ctx.selection?.empty) evidence.push(text("JSSE matches the issuer of any certificate in the entry's chain with the server's CA names; with the chain stopping here, nothing matched and Java sent an empty Certificate."));
      const rem: Remediation = remediation(
        `Import the full chain into the key entry "${alias}": the client certificate followed by the intermediate "${missing ? missing.cert.subject : top.issuer}"${missing && !listed.length && ctx.policy?.acceptableCAs.length ? " and the CA(s) above it" : ""}.`,
        "client",
        fullChainSteps(ctx.clientStack, alias, missing ? missing.cert.subject : top.issuer),
        ctx.clientStack,
      );
      out.push({
        id: "missing-intermediate",
        // Proven only when the missing issuer is known to be an intermediate; otherwise it may be an untrusted root.
        severity: missing ? "error" : "warning",
        title: missing
          ? `The key entry "${alias}" holds ${only}, ending at "${top.subject}"; it lacks the intermediate "${missing.cert.subject}"${listed.length ? `, which the server's CA list ("${listed[0]}") needs` : ""}`
          : `The key entry "${alias}" holds ${only}, ending at "${top.subject}", whose issuer "${top.issuer}" is not in the entry: if that issuer is an intermediate CA, the chain is incomplete`,
        evidence,
        remediation: rem,
        reference: "RFC 8446 §4.4.2 / RFC 5246 §7.4.2 (the sender's chain: each certificate certifies the one before; only the root may be left out); alert-matrix.md (Java key manager vs advertised CA list)",
      });
    }
    return out;
  },
};
