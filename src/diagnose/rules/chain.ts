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
import { caKindByName, nameMatchesCa } from "../names.js";
import type { EvidenceRef, Finding, Remediation } from "../types.js";
import { credentialName, entryRole, pemCredentialFile, type Rule, type RuleContext, fixStack } from "./context.js";
import { certRef, clientConfigHint, remediation, text } from "./refs.js";
import { alertName, causesForAlert } from "../alerts.js";
import { closedWithoutAlertSeen, serverAccepted } from "./transcript.js";
import { logEvents } from "./logfacts.js";

/**
 * The server's verdict on the chain the client sent, when it is a path rejection: a fatal alert its stack sends for
 * "unknown issuer" (OpenSSL 48 unknown_ca, Java 46) or, from a Node (or unknown) server, a close without an alert
 * (alert-matrix.md conclusion 2). Returns how to name it ("fatal alert 48 unknown_ca"), or undefined.
 */
export function sentChainRejectedForPath(ctx: RuleContext): string | undefined {
  const conv = ctx.conversation;
  if (!conv || !ctx.sent || serverAccepted(ctx)) return undefined;
  const a = conv.alert;
  if (a && a.sender === "server") {
    const d = a.alert.description;
    return causesForAlert(d, ctx.serverStack, ctx.tlsVersion).some((c) => c.cause === "unknown-issuer") ? `fatal alert ${d} ${alertName(d)}` : undefined;
  }
  return closedWithoutAlertSeen(conv) && (ctx.serverStack === "node" || ctx.serverStack === "unknown") ? "a TCP close without an alert (what a Node server does when verification fails)" : undefined;
}

/**
 * True when the chain the client sent is known from a server's own log that also says why the server could not build
 * its path ("PKIX path building failed"): the server's words are the diagnosis (rules/serverlog.ts), and the
 * sent-chain CA-list and path rules stay silent rather than say it again from the client's side.
 */
export function serverLoggedPathFailure(ctx: RuleContext): boolean {
  return ctx.sent?.fromLog === true && logEvents(ctx, "path-building-failed").some(({ log }) => log.side === "server");
}

/** True when `chain` is the chain the transcript shows the client sent. */
export function isSentChain(ctx: RuleContext, chain: Certificate[]): boolean {
  return ctx.sent !== undefined && (ctx.sent.entry.chain === chain || ctx.observed?.chain === chain);
}

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
  /** The chain is the one the client sent and the server rejected it for its path: how (e.g. "fatal alert 48 unknown_ca"). */
  rejected?: string;
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
  if (isSentChain(ctx, chain) && serverLoggedPathFailure(ctx)) return undefined;
  const top = chain[chain.length - 1]!;
  if (top.selfIssued) return undefined;
  // An issuer elsewhere in the entry is an order problem (chain-out-of-order), not a missing certificate.
  if (chain.some((c) => c !== top && couldIssue(c, top))) return undefined;
  const cas = ctx.policy?.requested ? ctx.policy.acceptableCAs : [];
  const anchors = ctx.truststore ? ctx.truststore.entries.flatMap((e) => e.chain) : undefined;
  // The server's own verdict on a chain it was sent counts as much as its CA list or truststore: with an empty CA
  // list (any client sends what it has) a path rejection of a chain stopping below its issuer is judged too.
  const rejected = isSentChain(ctx, chain) ? sentChainRejectedForPath(ctx) : undefined;
  if (cas.length === 0 && !anchors && !rejected) return undefined;
  // The server already holds what the chain leads to: some certificate of it is issued by (or is) a CA the server
  // names or trusts. The path is then complete from the server's side.
  if (chain.some((c) => cas.some((ca) => nameMatchesCa(c.issuerDer, ca) || nameMatchesCa(c.subjectDer, ca)))) return undefined;
  if (chain.some((c) => anchors?.some((a) => couldIssue(a, c) || Buffer.from(a.der).equals(Buffer.from(c.der))))) return undefined;
  const known = knownCerts(ctx);
  const found = known.find((k) => !chain.includes(k.cert) && couldIssue(k.cert, top));
  if (found && found.cert.selfIssued) return undefined; // the root is left out, as RFC 8446 §4.4.2 allows
  const out: IncompleteChain = { alias, chain, top, missingIssuerListed: [], ...(rejected ? { rejected } : {}) };
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
export function fullChainSteps(stack: ClientStack | undefined, alias: string, missingName: string, pemFile?: string): string[] {
  const pem = "chain.pem (the client certificate first, then the intermediate(s); the root may stay out)";
  // A PEM credential: name its file (it may also hold the key; only its CERTIFICATE blocks matter to the chain).
  const leafFile = pemFile ?? "client.pem";
  const get = `Get the certificate of "${missingName}" from the CA (or its AIA caIssuers URL): intermediate.pem`;
  switch (stack) {
    case undefined:
      // Nothing says which client it is: no stack's commands, just what the chain must hold and where.
      return [
        get,
        `Put the intermediate after the client certificate in the client's credential: cat ${leafFile} intermediate.pem > ${pem}, or add it to the keystore entry's chain`,
        `Then ${clientConfigHint(undefined)}.`,
      ];
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
        `Put the intermediate after the leaf in ${pemFile ?? "the certificate file"}: cat ${leafFile} intermediate.pem > ${pem}`,
        stack === "curl" ? "curl --cert chain.pem --key client.key ..." : "openssl s_client -cert client.pem -cert_chain intermediate.pem (or -cert chain.pem); a program: SSL_CTX_use_certificate_chain_file(chain.pem)",
        "nginx as the client (proxy to an mTLS backend): proxy_ssl_certificate chain.pem; proxy_ssl_certificate_key client.key;",
      ];
    case "node":
      return [get, `tls.connect({ cert: leaf + intermediate PEMs concatenated, key }) (cat ${leafFile} intermediate.pem > ${pem})`];
    case "go":
      return [get, `cat ${leafFile} intermediate.pem > ${pem}; tls.LoadX509KeyPair("chain.pem", "client.key") puts both into Certificate.Certificate`];
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
      // The issuer is in no store, but the server's truststore is known and nothing in it is (or issued) anything of
      // the chain: the path rule (rules/path.ts unknownIssuerOffline) says so as a certain failure.
      if (!missing && ctx.truststore && ic.rejected === undefined) continue;
      // The issuer is in no store and its name reads as a root ("Lab Root B", names.ts caKindByName): the chain is
      // complete as far as anything shows (RFC 8446 §4.4.2: the root may be left out); the server not trusting that
      // root is ca-mismatch / server-truststore-missing-issuer, not a missing intermediate.
      if (!missing && caKindByName(top.issuer) === "root") continue;
      const java = ctx.clientStack === "java";
      const sent = isSentChain(ctx, chain);
      const pemFile = alias === "(sent)" ? undefined : pemCredentialFile(ctx, alias);
      const role = sent ? "client-chain" : entryRole(ctx, ctx.examined.find((e) => e.chain === chain) ?? ctx.examined[0]!);
      const only = chain.length === 1 ? "only the client certificate" : `${chain.length} certificates`;
      const cas = ctx.policy?.requested ? ctx.policy.acceptableCAs : [];
      // The server rejected the very chain for its path and named no CA the chain could be matched against
      // (ca-mismatch cannot be the cause): the missing intermediate is the explanation, not a guess.
      const provenByServer = ic.rejected !== undefined && cas.length === 0;
      const listed = ic.missingIssuerListed;
      const evidence: EvidenceRef[] = [
        ...chain.map((c, i) => certRef(c, role, i, sent && alias === "(sent)" ? undefined : alias, ctx.now)),
        { kind: "dn", role: "looked-for", dn: top.issuer, derHex: Buffer.from(top.issuerDer).toString("hex") },
        ...(ic.rejected ? [text(`The server rejected this chain with ${ic.rejected}${cas.length === 0 ? ", and its CertificateRequest named no CA (any chain is sent; the server's truststore decides)" : ""}.`)] : []),
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
        evidence.push(
          text(
            provenByServer
              ? `No store given holds "${top.issuer}". The server could not complete the path from "${top.subject}": the chain must carry "${top.issuer}" (an intermediate CA), unless that CA is a root the server does not trust (then add it to the server's truststore).`
              : `No store given holds "${top.issuer}", so its own issuer is unknown. If it is an intermediate CA, this ${sent ? "chain" : "entry"} lacks it; if it is itself a root CA, the chain is complete and the server simply does not trust that root (see ca-mismatch).`,
          ),
        );
        if (ctx.truststore) {
          const anchors = ctx.truststore.entries.flatMap((e) => e.chain);
          evidence.push(text(`Not checked: whether the server's truststore ${ctx.truststore.file} (${anchors.slice(0, 4).map((a) => `"${a.subject}"`).join(", ")}${anchors.length > 4 ? ", ..." : ""}) holds the issuer of "${top.issuer}" — that needs the certificate of "${top.issuer}" (give it with --truststore or in the keystore).`));
        }
      }
      if (java && ctx.selection?.empty && !sent) evidence.push(text("JSSE matches the issuer of any certificate in the entry's chain with the server's CA names; with the chain stopping here, nothing matched and Java sent an empty Certificate."));
      const rem: Remediation = remediation(
        pemFile
          ? `Put the intermediate "${missing ? missing.cert.subject : top.issuer}"${missing && !listed.length && ctx.policy?.acceptableCAs.length ? " (and the CA(s) above it)" : ""} after the leaf in ${pemFile}: the client certificate first, then its issuer.`
          : `${sent && alias === "(sent)" ? "Make the client send its full chain" : java || ctx.clientStack === "dotnet" ? `Import the full chain into the key entry "${alias}"` : `Put the full chain into ${credentialName(ctx, alias)}`}: the client certificate followed by the intermediate "${missing ? missing.cert.subject : top.issuer}"${missing && !listed.length && ctx.policy?.acceptableCAs.length ? " and the CA(s) above it" : ""}.`,
        "client",
        fullChainSteps(fixStack(ctx), alias, missing ? missing.cert.subject : top.issuer, pemFile),
        fixStack(ctx),
      );
      const holder = sent ? `The client sent ${chain.length === 1 ? "only its certificate" : `${chain.length} certificates`}` : `${upperFirst(credentialName(ctx, alias))} holds ${only}`;
      out.push({
        id: "missing-intermediate",
        // Proven when the missing issuer is known to be an intermediate, or when the server rejected exactly this chain
        // for its path without naming CAs; otherwise the issuer may be a root the server does not trust (ca-mismatch).
        severity: missing || provenByServer ? "error" : "warning",
        title: missing
          ? `${holder}, ending at "${top.subject}"; it lacks the intermediate "${missing.cert.subject}"${listed.length ? `, which the server's CA list ("${listed[0]}") needs` : ""}`
          : provenByServer
            ? `${holder}, ending at "${top.subject}" without its issuer "${top.issuer}", and the server rejected it with ${ic.rejected}: the chain lacks the intermediate`
            : `${holder}, ending at "${top.subject}", whose issuer "${top.issuer}" is not in the ${sent ? "chain" : "entry"}: if that issuer is an intermediate CA, the chain is incomplete`,
        evidence,
        remediation: rem,
        reference: "RFC 8446 §4.4.2 / RFC 5246 §7.4.2 (the sender's chain: each certificate certifies the one before; only the root may be left out); docs/alert-matrix.md (Java key manager vs advertised CA list)",
      });
    }
    return out;
  },
};

function upperFirst(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
