/**
 * Findings from comparing the client's credential with the server's CertificateRequest (its ServerPolicy):
 * the CA names (RFC 5246 §7.4.4 certificate_authorities, RFC 8446 §4.2.4), DN encodings (RFC 5280 §7.1), and the
 * signature algorithms (RFC 8446 §4.2.3).
 */
import { compareNames } from "../../pki/dn.js";
import type { AcceptableCA } from "../../evidence/model.js";
import type { Certificate } from "../../pki/types.js";
import { caKindByName, cnOf, nameMatchesCa } from "../names.js";
import { fullChainSteps, incompleteChain, isSentChain, sentChainRejectedForPath, serverLoggedPathFailure } from "./chain.js";
import { logEvents, logRef, logSelectionEvidence } from "./logfacts.js";
import { matchIssuers, schemeName, usableScheme } from "../clients/common.js";
import { signatureAllowed } from "../clients/java.js";
import type { Finding } from "../types.js";
import { credentialName, pemCredentialFile, type Rule, type RuleContext, fixStack } from "./context.js";
import { loggedOrigin } from "./logged.js";
import { caRef, certRef, clientConfigHint, dnRef, handshakeUnread, plural, remediation, serverTag, serverTrustSteps, text } from "./refs.js";

/** The chain of the entry the server would judge, for CA-list rules: chosen entry, else every key entry. */
function chains(ctx: RuleContext): Array<{ alias: string; chain: Certificate[] }> {
  // What was sent (a captured chain, or the chain a log printed): ctx.sent (rules/context.ts).
  if (ctx.sent) return [{ alias: ctx.selection?.chosen?.alias ?? "(sent)", chain: ctx.sent.entry.chain }];
  return ctx.examined.map((e) => ({ alias: e.alias, chain: e.chain }));
}

/** Is the chain's missing issuer known (from any store) and itself issued by one of the listed CAs? */
export function knownMissingIntermediate(ctx: RuleContext, chain: Certificate[], cas: AcceptableCA[]): Certificate | undefined {
  const top = chain[chain.length - 1]!;
  if (top.selfIssued) return undefined;
  const issuer = ctx.knownCertificates.find((k) => !k.selfIssued && compareNames(k.subjectDer, top.issuerDer) !== "different");
  if (!issuer) return undefined;
  return cas.some((ca) => nameMatchesCa(issuer.issuerDer, ca)) ? issuer : undefined;
}

export const caMismatch: Rule = {
  ids: ["ca-mismatch"],
  run(ctx) {
    const p = ctx.policy;
    if (!p || !p.requested || p.acceptableCAs.length === 0) return [];
    if (ctx.keyEntries.length === 0 && !ctx.sent) return ctx.hasKeystore ? [] : logOnlyCaMismatch(ctx);
    if (serverLoggedPathFailure(ctx)) return [];
    const cs = chains(ctx);
    const results = cs.map((c) => ({ ...c, m: matchIssuers(c.chain, p.acceptableCAs, "normalised") }));
    if (results.some((r) => r.m.matched)) return [];
    // What the client was seen sending wins over the model: Java "sends no certificate" only when nothing was sent.
    const javaEmpty = ctx.clientStack === "java" && ctx.selection?.empty === true && !ctx.sent;
    // The chain would match once its known missing intermediate is added: that is missing-intermediate, not a CA
    // mismatch — unless Java sends an empty Certificate because of it, which is what the server sees.
    if (!javaEmpty && results.every((r) => knownMissingIntermediate(ctx, r.chain, p.acceptableCAs))) return [];
    const first = results[0]!;
    const leaf = first.chain[0]!;
    const top = first.chain[first.chain.length - 1]!;
    const sent = isSentChain(ctx, first.chain);
    const rejected = sent ? sentChainRejectedForPath(ctx) : undefined;
    const ic = incompleteChain(ctx, first.alias, first.chain);
    const byName = p.acceptableCAs.some((a) => a.source === "log" || a.der.length === 0);
    const role = sent ? "client-chain" : "keystore";
    const aliasOf = sent && first.alias === "(sent)" ? undefined : first.alias;
    const names = `${p.acceptableCAs.slice(0, 2).map((a) => `"${a.dn}"`).join(", ")}${p.acceptableCAs.length > 2 ? ", ..." : ""}`;
    const leadsTo = top.selfIssued ? top.subject : top.issuer;
    // The likely fix first when the chain is incomplete: include the intermediate. Assert the match only when the
    // intermediate is known and its issuer is listed.
    const knownMatch = ic?.missing && ic.missingIssuerListed.length ? ic : undefined;
    const intermediateName = knownMatch ? knownMatch.missing!.cert.subject : top.issuer;
    const where = aliasOf ? credentialName(ctx, aliasOf) : "the client's chain";
    // Something must say the missing issuer is an intermediate before the fix leads with "include it": a known
    // certificate that is not self-signed, or a name that says so. Otherwise (a foreign root, say) the playbook's fix
    // leads and including it comes second.
    const saysIntermediate = ic !== undefined && (knownMatch !== undefined || (ic.missing !== undefined && !ic.missing.cert.selfIssued) || caKindByName(top.issuer) === "intermediate");
    const intermediateFix = ic
      ? knownMatch
        ? `Include the intermediate "${intermediateName}" in ${where}: ${ctx.clientStack === "java" ? "Java" : "the server"} would then match "${knownMatch.missingIssuerListed[0]}" as the intermediate's issuer.`
        : saysIntermediate
          ? `Include the intermediate CA certificate "${intermediateName}" in ${where} (if it is a root instead, make the server trust it).`
          : `Use a certificate issued under one of the listed CAs, or make the server trust (and advertise) "${top.issuer}". Or, if "${top.issuer}" is an intermediate, include it in ${where}.`
      : undefined;
    const trustFix = `Make the server trust (and advertise) "${leadsTo}", the CA the client chain leads to, or give the client a certificate issued by a CA the server lists.`;
    // Steps, grouped by side, the likely side first, at most 4 each.
    const newCert = `Get a client certificate issued by ${p.acceptableCAs.length === 1 ? `"${p.acceptableCAs[0]!.dn}"` : "one of the listed CAs"}, with its intermediates in the chain; then ${clientConfigHint(fixStack(ctx))}`;
    const pemFile = aliasOf ? pemCredentialFile(ctx, aliasOf) : undefined;
    const clientSteps = (ic && !saysIntermediate ? [newCert, ...fullChainSteps(fixStack(ctx), aliasOf ?? "client", intermediateName, pemFile).slice(0, 2).map((x) => `If "${cnOf(top.issuer)}" is an intermediate: ${x}`)] : ic ? fullChainSteps(fixStack(ctx), aliasOf ?? "client", intermediateName, pemFile) : [`Get a client certificate issued by ${p.acceptableCAs.length === 1 ? `"${p.acceptableCAs[0]!.dn}"` : "one of the listed CAs"}, with its intermediates in the chain; then ${clientConfigHint(fixStack(ctx))}`]).slice(0, 4);
    const serverSteps = serverTrustSteps(ctx.serverStack, "issuing-ca.pem").slice(0, 4);
    const grouped = saysIntermediate
      ? [...clientSteps.map((x) => `On the client: ${x}`), ...serverSteps.map((x) => `On the server: ${x}`)]
      : [...serverSteps.map((x) => `On the server: ${x}`), ...clientSteps.map((x) => `On the client: ${x}`)];
    const title = sent
      ? `The client sent a chain the server does not name: "${leaf.subject}", issued by "${leaf.issuer}"${top !== leaf ? `, up to "${top.subject}"` : ""}; the server accepts ${plural(p.acceptableCAs.length, "CA")} (${names})${rejected ? ` and rejected the chain with ${rejected}` : ""}`
      : `The server accepts certificates from ${plural(p.acceptableCAs.length, "CA")} (${names}), but the client certificate is issued by "${leaf.issuer}"` + (javaEmpty ? ", so Java sends no certificate" : "");
    return [
      {
        id: "ca-mismatch",
        severity: "error",
        title,
        evidence: [
          certRef(leaf, role, 0, aliasOf, ctx.now),
          dnRef("leaf-issuer", leaf),
          ...first.chain.slice(1).map((c, i) => certRef(c, role, i + 1, aliasOf, ctx.now)),
          ...p.acceptableCAs.slice(0, 20).map(caRef),
          ...(p.acceptableCAs.length > 20 ? [text(`... and ${p.acceptableCAs.length - 20} more acceptable CA names`)] : []),
          ...(byName ? [text("Compared by name (from a log): the log prints the CA names as strings, without their DER; names are equal when they match after RFC 4518 preparation (case, spaces), attribute by attribute.")] : []),
          ...(sent ? [text("No certificate of the sent chain is issued by a CA the server named; this client sent it anyway (a Java client would have sent an empty Certificate), and the server judged it against its truststore.")] : []),
          ...(ic
            ? [
                text(
                  !ic.missing && caKindByName(top.issuer) === "root"
                    ? `The chain stops at "${top.subject}"; its issuer "${top.issuer}" is not in it and reads as a root CA by its name, which a client may leave out (RFC 8446 §4.4.2): the server does not trust it.`
                    : `The chain is incomplete: it stops at "${top.subject}", whose issuer "${top.issuer}" is not in it (see missing-intermediate).`,
                ),
              ]
            : []),
          ...(ctx.selection && !sent ? [text(`${ctx.selection.model}: ${ctx.selection.summary}`)] : []),
          ...logSelectionEvidence(ctx),
        ],
        remediation: remediation(intermediateFix ?? trustFix, "either", grouped, saysIntermediate ? fixStack(ctx) : serverTag(ctx.serverStack)),
        reference: "Playbook cause 2: Certificate Authority Mismatch (docs/playbook.md); RFC 5246 §7.4.4 / RFC 8446 §4.2.4 (certificate_authorities)",
      },
    ];
  },
};

/**
 * No keystore given, but a client-side JSSE log shows the CertificateRequest's CA names and the key manager
 * choosing nothing ("No X.509 cert selected for [EC]"): the CA-mismatch pattern, named from the log alone.
 */
function logOnlyCaMismatch(ctx: RuleContext): Finding[] {
  const p = ctx.policy!;
  const notSelected = logEvents(ctx, "certificate-not-selected");
  const clientLog = ctx.logged?.log.side === "client";
  if (!notSelected.length || !clientLog) return [];
  const names = p.acceptableCAs.slice(0, 2).map((a) => `"${a.dn}"`).join(", ") + (p.acceptableCAs.length > 2 ? ", ..." : "");
  const heuristic = ctx.logged?.handshake.caNamesSplit === "heuristic";
  return [
    {
      id: "ca-mismatch",
      severity: "error",
      title: `The server accepts certificates from ${plural(p.acceptableCAs.length, "CA")} (${names}), and the Java key manager found no keystore certificate issued by ${p.acceptableCAs.length === 1 ? "it" : "any of them"}, so Java sent no certificate`,
      evidence: [
        ...p.acceptableCAs.slice(0, 20).map(caRef),
        ...notSelected.slice(0, 2).map(({ log, event }) => logRef(log, event)),
        text("The keystore was not given, so which certificate it holds is unknown: run again with --keystore FILE --password P to compare its chain with these names (or look at it: keytool -list -v -keystore FILE)."),
        text('JSSE logs "No X.509 cert selected" when no private-key entry has a key type the server accepts and a chain holding a certificate issued by one of the names above; a keystore without any private-key entry gives the same line (no-client-certificate).'),
        ...(heuristic ? [text("The log printed the CA names on one line (JDK 11+, TLS 1.2); they were split where the attribute order restarts.")] : []),
      ],
      remediation: remediation(
        `Give the client a certificate issued by ${p.acceptableCAs.length === 1 ? `"${p.acceptableCAs[0]!.dn}"` : "one of the CAs the server lists"} (with its intermediates in the key entry), or make the server trust and advertise the CA that issued the client's certificate.`,
        "either",
        [
          "keytool -list -v -keystore <the client's keystore>: read the Issuer of each PrivateKeyEntry's chain and compare with the names above",
          `Then: mtls-doctor diagnose --log ${ctx.logged!.log.file} --keystore <the client's keystore> --password <P>`,
          ...serverTrustSteps(ctx.serverStack, "issuing-ca.pem"),
        ],
        fixStack(ctx),
      ),
      reference: "Playbook cause 2: Certificate Authority Mismatch (docs/playbook.md); RFC 5246 §7.4.4 / RFC 8446 §4.2.4 (certificate_authorities)",
    },
  ];
}

export const dnEncodingMismatch: Rule = {
  ids: ["dn-encoding-mismatch"],
  run(ctx) {
    const p = ctx.policy;
    if (!p || !p.requested || p.acceptableCAs.length === 0) return [];
    const out: Finding[] = [];
    for (const { alias, chain } of chains(ctx)) {
      if (chain.some((c) => loggedOrigin(c))) continue; // names from a log: no bytes to compare
      const m = matchIssuers(chain, p.acceptableCAs, "bytes");
      if (m.matched || m.nearMisses.length === 0) continue;
      const near = m.nearMisses[0]!;
      const c = chain[near.chainIndex]!;
      const ca = p.acceptableCAs.find((a) => a.dn === near.acceptableCA)!;
      const goClient = ctx.clientStack === "go";
      out.push({
        id: "dn-encoding-mismatch",
        severity: goClient ? "error" : "warning",
        title: `The issuer "${c.issuer}" matches the server's CA name only after RFC 5280 §7.1 normalisation (string type, case or spaces differ in the DER)` + (goClient ? "; Go compares bytes and sends no certificate" : ""),
        evidence: [dnRef(near.chainIndex === 0 ? "leaf-issuer" : "chain-issuer", c), caRef(ca), certRef(c, "keystore", near.chainIndex, alias, ctx.now), text("Java (X500Principal canonical form) and OpenSSL treat these as the same name; Go (bytes.Equal on RawIssuer) and byte-exact CA lookups do not.")],
        remediation: remediation(
          "Make both sides use the same DER for the CA name: advertise the CA certificate that actually issued the client certificate (copy its subject bytes), rather than a re-typed name.",
          "server",
          ["openssl x509 -in issuing-ca.pem -noout -subject -nameopt RFC2253,show_type  (compare the string types with the advertised name)", ...serverTrustSteps(ctx.serverStack, "issuing-ca.pem")],
          serverTag(ctx.serverStack),
        ),
        reference: "RFC 5280 §7.1 (name comparison), RFC 4518 (string preparation); Go crypto/tls common.go SupportsCertificate",
      });
      break;
    }
    return out;
  },
};

export const signatureAlgorithmMismatch: Rule = {
  ids: ["signature-algorithm-mismatch"],
  run(ctx) {
    const p = ctx.policy;
    if (!p || !p.requested || p.signatureAlgorithms.length === 0) return [];
    const out: Finding[] = [];
    const offered = p.signatureAlgorithms.map(schemeName);
    for (const e of ctx.examined) {
      const leaf = e.chain[0]!;
      // A chain read from a log has no key details (curve, size), and the client was seen signing with it.
      if (loggedOrigin(leaf)) continue;
      if (!usableScheme(leaf, p.signatureAlgorithms, ctx.tlsVersion)) {
        out.push({
          id: "signature-algorithm-mismatch",
          severity: "error",
          title: `The client key of "${e.alias}" (${leaf.keyAlgorithm}${leaf.namedCurve ? ` ${leaf.namedCurve}` : ""}) cannot sign with any signature scheme the server offered in TLS ${ctx.tlsVersion}`,
          evidence: [certRef(leaf, "keystore", 0, e.alias, ctx.now), { kind: "field", field: "tls.handshake.sig_hash_alg", value: offered.join(", ") }],
          remediation: remediation("Use a client key type the server accepts, or enable the matching signature algorithms on the server.", "either", [
            `Server offers: ${offered.join(", ")}`,
            "nginx/OpenSSL server: ssl_conf_command ClientSignatureAlgorithms ... (or SignatureAlgorithms); Java server: jdk.tls.server.SignatureSchemes",
          ]),
          reference: "RFC 8446 §4.2.3 / §4.4.3; RFC 5246 §7.4.4 (supported_signature_algorithms)",
        });
        continue;
      }
      const certSchemes = ctx.tlsVersion === "1.3" ? (p.signatureAlgorithmsCert ?? p.signatureAlgorithms) : p.signatureAlgorithms;
      const bad = e.chain.find((c) => !c.selfIssued && !signatureAllowed(c, certSchemes));
      if (bad) {
        out.push({
          id: "signature-algorithm-mismatch",
          severity: ctx.clientStack === "java" && ctx.keyManager === "PKIX" ? "error" : "warning",
          title: `"${bad.subject}" in the chain of "${e.alias}" is signed with ${bad.sigAlgName}, which the server does not list in signature_algorithms${ctx.tlsVersion === "1.3" && p.signatureAlgorithmsCert ? "_cert" : ""}`,
          evidence: [certRef(bad, "keystore", e.chain.indexOf(bad), e.alias, ctx.now), { kind: "field", field: "tls.handshake.sig_hash_alg", value: certSchemes.map(schemeName).join(", ") }],
          remediation: remediation("Use a chain signed with an algorithm the server accepts (re-issue with SHA-256 or better), or widen the server's list.", "either", ["openssl x509 -in chain.pem -noout -text | grep 'Signature Algorithm'"]),
          reference: "RFC 8446 §4.2.3 (signature_algorithms_cert); Java PKIX key manager: X509KeyManagerImpl.conformsToAlgorithmConstraints",
        });
      }
    }
    return out;
  },
};

export const emptyCertificateAuthorities: Rule = {
  ids: ["empty-certificate-authorities-extension"],
  run(ctx) {
    const p = ctx.policy;
    if (!p || ctx.tlsVersion !== "1.3" || p.certificateAuthoritiesState !== "present-empty") return [];
    // Both abort the handshake on it (measured: JDK 17 and Go 1.19, test/diagnose/java-model + real-clients tests);
    // OpenSSL, Node and curl accept it.
    const aborts: Partial<Record<string, string>> = {
      java: "a Java client aborts with decode_error (50)",
      go: "a Go client aborts with unexpected_message (10)",
    };
    const abort = aborts[ctx.clientStack];
    return [
      {
        id: "empty-certificate-authorities-extension",
        severity: abort ? "error" : "warning",
        title: "The server's TLS 1.3 CertificateRequest carries an empty certificate_authorities extension, which RFC 8446 forbids" + (abort ? `; ${abort}` : ""),
        evidence: [
          { kind: "field", field: "tls.handshake.extensions.certificate_authorities_length", value: 0 },
          text("Java: SSLProtocolException: Invalid certificate_authorities extension: insufficient data → client sends 50 decode_error"),
          text("Go crypto/tls: cannot parse the CertificateRequest → \"local error: tls: unexpected message\", client sends 10 unexpected_message"),
          ...logEvents(ctx, "invalid-certificate-authorities").slice(0, 2).map(({ log, event }) => logRef(log, event)),
        ],
        remediation: remediation("Give the server a CA list to advertise, or stop it from sending an empty one.", "server", [
          "openssl s_server: drop -no_ca_names (OpenSSL 3.0 sends an empty extension with it in TLS 1.3); nginx: set ssl_client_certificate to the client CA file",
          "Or pin the connection to TLS 1.2 until the server is fixed (jdk.tls.client.protocols=TLSv1.2)",
        ], "server-openssl"),
        reference: "RFC 8446 §4.2.4 (DistinguishedName authorities<3..2^16-1>)",
      },
    ];
  },
};

export const notRequested: Rule = {
  ids: ["client-certificate-not-requested"],
  run(ctx) {
    const p = ctx.policy;
    // An unread TLS 1.3 handshake may well hold an (encrypted) CertificateRequest: absence is not evidence there.
    if (!p || p.requested || !ctx.conversation || handshakeUnread(ctx.conversation)) return [];
    return [
      {
        id: "client-certificate-not-requested",
        severity: "warning",
        title: "The server did not ask for a client certificate in this handshake, so none was sent",
        evidence: [text("No CertificateRequest in the handshake.")],
        remediation: remediation("Check that mutual TLS is enabled for this host/port/SNI on the server (it may ask later, by renegotiation or post-handshake auth, or not at all).", "server", [
          "nginx: ssl_verify_client on; (optional_no_ca / optional only ask, they do not require)",
          "Java server: SSLServerSocket.setNeedClientAuth(true); Node: requestCert: true, rejectUnauthorized: true",
        ]),
        reference: "RFC 8446 §4.3.2 / RFC 5246 §7.4.4 (CertificateRequest is optional)",
      },
    ];
  },
};

export const POLICY_RULES: Rule[] = [caMismatch, dnEncodingMismatch, signatureAlgorithmMismatch, emptyCertificateAuthorities, notRequested];
