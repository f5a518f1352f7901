/**
 * Can the server build a path from the client's chain to a CA it trusts (RFC 5280 §6)? Judged from the server's
 * truststore when given, from the CA list and the transcript otherwise. Names are compared after RFC 5280 §7.1
 * normalisation (what path building does); signatures are not re-verified here.
 */
import { compareNames } from "../../pki/dn.js";
import type { Certificate } from "../../pki/types.js";
import { causesForAlert } from "../alerts.js";
import type { Finding, FindingId } from "../types.js";
import { pemCredentialFile, type Rule, type RuleContext, fixStack } from "./context.js";
import { knownMissingIntermediate } from "./policy.js";
import { fullChainSteps, incompleteChain, sentChainRejectedForPath, serverLoggedPathFailure } from "./chain.js";
import { caKindByName, cnOf, nameMatchesCa } from "../names.js";
import { closedWithoutAlertSeen, serverAccepted } from "./transcript.js";
import { certRef, clientConfigHint, dnRef, msgRef, remediation, serverTag, serverTrustSteps, text } from "./refs.js";

const same = (a: Uint8Array, b: Uint8Array): boolean => compareNames(a, b) !== "different";

/** The chains to judge: what was sent (non-empty), else the chosen entry, else every key entry. */
function candidates(ctx: RuleContext): Array<{ alias: string; chain: Certificate[]; sent: boolean }> {
  if (ctx.sent) return [{ alias: ctx.selection?.chosen?.alias ?? "(sent)", chain: ctx.sent.entry.chain, sent: true }];
  return ctx.examined.map((e) => ({ alias: e.alias, chain: e.chain, sent: false }));
}

/** True when some certificate of `chain` is, or is issued by, a certificate of `anchors`. */
function reachesAnchor(chain: Certificate[], anchors: Certificate[]): boolean {
  return chain.some((c) => anchors.some((a) => Buffer.compare(Buffer.from(a.der), Buffer.from(c.der)) === 0 || same(c.issuerDer, a.subjectDer)));
}

/** Was the server's rejection one its stack sends for "unknown issuer" (or a close without alert, Node)? */
function rejectedForPath(ctx: RuleContext): boolean {
  const conv = ctx.conversation;
  if (!conv || serverAccepted(ctx)) return false;
  if (conv.alert && conv.alert.sender === "server") {
    return causesForAlert(conv.alert.alert.description, ctx.serverStack, ctx.tlsVersion).some((c) => c.cause === "unknown-issuer");
  }
  return closedWithoutAlertSeen(conv) && (ctx.serverStack === "node" || ctx.serverStack === "unknown");
}

const OTHER_CAUSES: FindingId[] = ["client-cert-expired", "client-cert-not-yet-valid", "intermediate-expired", "eku-missing-client-auth", "key-usage-missing-digital-signature", "key-mismatch", "signature-algorithm-mismatch"];

export const pathRule: Rule = {
  ids: ["missing-intermediate", "server-truststore-missing-issuer"],
  run(ctx, prior) {
    const out: Finding[] = [];
    // A rejection already explained by the credential itself (validity, usages, key) says nothing about the path.
    const otherCause = prior.some((f) => f.severity === "error" && OTHER_CAUSES.includes(f.id));
    const anchors = ctx.truststore ? ctx.truststore.entries.flatMap((e) => e.chain) : undefined;
    const cas = ctx.policy?.acceptableCAs ?? [];
    // The incomplete-chain rule (rules/chain.ts) already reported these entries' missing intermediate.
    const reported = prior.some((f) => f.id === "missing-intermediate");
    for (const { alias, chain, sent } of candidates(ctx)) {
      if (chain.length === 0 || (sent && serverLoggedPathFailure(ctx))) continue;
      const top = chain[chain.length - 1]!;
      const role = sent ? "client-chain" : "keystore";
      if (anchors && reachesAnchor(chain, anchors)) continue;
      const ic = incompleteChain(ctx, alias, chain);
      if (ic) {
        // An incomplete chain says nothing about the server's truststore, unless we know the missing intermediate:
        // then the truststore lacks the anchor when nothing in it issued that intermediate (name and key id).
        if (anchors && !ic.missing && !reported) {
          out.push(unknownIssuerOffline(ctx, alias, chain, anchors, role));
          continue;
        }
        if (!anchors || !ic.missing || ic.missingReachesTruststore) continue;
        const m = ic.missing.cert;
        out.push({
          id: "server-truststore-missing-issuer",
          severity: "error",
          title: `The server's truststore ${ctx.truststore!.file} does not hold "${m.selfIssued ? m.subject : m.issuer}", the CA above the client chain's missing intermediate "${m.subject}"`,
          evidence: [
            ...chain.map((c, i) => certRef(c, role, i, alias, ctx.now)),
            certRef(m, ic.missing.role, 0, ic.missing.alias, ctx.now),
            { kind: "dn", role: "looked-for", dn: m.issuer, derHex: Buffer.from(m.issuerDer).toString("hex") },
            text(`${ctx.truststore!.file}: ${anchors.length} certificate(s): ${anchors.slice(0, 8).map((a) => `"${a.subject}"`).join(", ")}${anchors.length > 8 ? ", ..." : ""}; none has the subject (and key identifier) of "${m.issuer}"`),
          ],
          remediation: remediation(
            `Add the CA certificate "${m.selfIssued ? m.subject : m.issuer}" to the server's truststore (and the intermediate "${m.subject}" to the client's chain).`,
            "server",
            serverTrustSteps(ctx.serverStack, "client-root-ca.pem"),
            serverTag(ctx.serverStack),
          ),
          reference: "RFC 5280 §6.1 (trust anchor); RFC 5280 §4.2.1.1 (authority key identifier)",
        });
        continue;
      }
      if (reported) continue;
      // Which certificate is missing? One we know (any store) that the server could chain to.
      const missing = anchors
        ? ctx.knownCertificates.find((k) => !k.selfIssued && same(k.subjectDer, top.issuerDer) && anchors.some((a) => same(k.issuerDer, a.subjectDer)))
        : knownMissingIntermediate(ctx, chain, cas);
      const topIssuerListed = !top.selfIssued && cas.some((ca) => nameMatchesCa(top.issuerDer, ca));
      const rejected = sent && !otherCause && rejectedForPath(ctx);
      if (missing || (!anchors && rejected && topIssuerListed)) {
        out.push({
          id: "missing-intermediate",
          severity: "error",
          title: missing
            ? `The client chain of "${alias}" stops at "${top.subject}"; it lacks the intermediate "${missing.subject}" the server needs to reach its trusted CA`
            : `The server rejected the client chain ending at "${top.subject}": it names "${top.issuer}" as acceptable but cannot complete the path, so the chain lacks an intermediate`,
          evidence: [
            ...chain.map((c, i) => certRef(c, role, i, alias, ctx.now)),
            dnRef("looked-for", top),
            ...(missing ? [certRef(missing, "keystore", 0, undefined, ctx.now)] : []),
            ...(rejected && ctx.conversation?.alert ? msgRef(ctx.conversation.messages.find((m) => m.index === ctx.conversation!.alert!.messageIndex), `alert ${ctx.conversation.alert.alert.descriptionName}`) : []),
          ],
          remediation: remediation(
            "Send the full chain: put the intermediate(s) after the client certificate in the keystore entry (the root may stay out).",
            "client",
            [
              "cat client.pem intermediate.pem > chain.pem",
              "openssl pkcs12 -export -inkey client.key -in chain.pem -name client -out client.p12  (Java: keytool -importkeystore into the keystore in use)",
              `Then ${clientConfigHint(fixStack(ctx))}.`,
              "Or make the server hold the intermediate: nginx ssl_client_certificate / ssl_trusted_certificate with the intermediate and root, ssl_verify_depth 2 or more",
            ],
            fixStack(ctx),
          ),
          reference: "RFC 5246 §7.4.2 / RFC 8446 §4.4.2 (the sender's chain; the root MAY be omitted, intermediates may not); RFC 5280 §6",
        });
        continue;
      }
      const rejectedHow = sent && !otherCause ? sentChainRejectedForPath(ctx) : undefined;
      // The top's issuer is in no store but its name reads as a root (names.ts caKindByName): the chain is complete up
      // to that root, which the client may leave out (RFC 8446 §4.4.2).
      const rootByName = !top.selfIssued && !ctx.knownCertificates.some((k) => same(k.subjectDer, top.issuerDer)) && caKindByName(top.issuer) === "root";
      if (!anchors && rejectedHow && (top.selfIssued || rootByName) && cas.length === 0) {
        // An empty CA list: the client sent everything up to a root (self-signed, or named as one), and the server said
        // it cannot build a path. The path is complete, so the server does not trust that root.
        const root = top.selfIssued ? top.subject : top.issuer;
        out.push({
          id: "server-truststore-missing-issuer",
          severity: "error",
          title: top.selfIssued
            ? `The server does not trust "${root}": the client sent its chain up to that self-signed root, and the server rejected it with ${rejectedHow}`
            : `The server does not trust "${root}": the client sent its chain up to that root (a root by its name, left out as allowed), and the server rejected it with ${rejectedHow}`,
          evidence: [
            ...chain.map((c, i) => certRef(c, role, i, alias === "(sent)" ? undefined : alias, ctx.now)),
            top.selfIssued ? dnRef("looked-for", top) : { kind: "dn", role: "looked-for", dn: top.issuer, derHex: Buffer.from(top.issuerDer).toString("hex") },
            text(
              top.selfIssued
                ? "The CertificateRequest named no CA, so the client sent what it has; the chain is complete (it ends at a self-signed root), so the server's truststore lacks that root. Pass the server's truststore with --truststore to see what it trusts instead."
                : `The CertificateRequest named no CA, so the client sent what it has; "${cnOf(root)}" reads as a root CA by its name (no store given holds it), so the chain is complete and the server's truststore lacks that root. If it is an intermediate instead, the client must also send it. Pass the server's truststore with --truststore to see what it trusts.`,
            ),
          ],
          remediation: remediation(
            `Add "${root}" to the server's truststore for client certificates, or give the client a certificate issued by a CA the server trusts.`,
            "server",
            serverTrustSteps(ctx.serverStack, "client-root-ca.pem"),
            serverTag(ctx.serverStack),
          ),
          reference: "RFC 5280 §6.1 (trust anchor); docs/alert-matrix.md (OpenSSL 48 unknown_ca, Java 46 for an untrusted root)",
        });
        continue;
      }
      if (anchors) {
        out.push({
          id: "server-truststore-missing-issuer",
          severity: "error",
          title: `The server's truststore ${ctx.truststore!.file} does not hold "${top.selfIssued ? top.subject : top.issuer}", the CA the client chain of "${alias}" leads to`,
          evidence: [
            ...chain.map((c, i) => certRef(c, role, i, alias, ctx.now)),
            dnRef("looked-for", top),
            text(`${ctx.truststore!.file}: ${anchors.length} certificate(s): ${anchors.slice(0, 8).map((a) => `"${a.subject}"`).join(", ")}${anchors.length > 8 ? ", ..." : ""}`),
          ],
          remediation: remediation(
            `Add the CA certificate "${top.selfIssued ? top.subject : top.issuer}" (the issuer of the client chain) to the server's truststore, as the playbook's resolution does.`,
            "server",
            serverTrustSteps(ctx.serverStack, "client-issuing-ca.pem"),
            serverTag(ctx.serverStack),
          ),
          reference: "docs/playbook.md, resolution of cause 2 (add the issuer to the backend server's truststore); RFC 5280 §6.1 (trust anchor)",
        });
      }
    }
    return out;
  },
};

function keyIds(c: Certificate): { ski?: string; aki?: string } {
  try {
    const i = c.info(0);
    return { ...(i.subjectKeyIdentifier ? { ski: i.subjectKeyIdentifier } : {}), ...(i.authorityKeyIdentifier ? { aki: i.authorityKeyIdentifier } : {}) };
  } catch {
    return {};
  }
}

/**
 * The chain stops below its issuer, that issuer is in no store given, and no trust anchor is it (by name and key
 * identifier: RFC 5280 §4.2.1.1, the AKI keyIdentifier is the issuer's SKI): from what the client sends plus the
 * server's truststore no path can be built (RFC 5280 §6.1). Whether the issuer is an intermediate (the client must
 * send it) or a root (the truststore must hold it) is not known from the leaf; a name that says "root" (and not
 * "intermediate"/"issuing"/"sub") is read as a root, anything else as an intermediate. Both fixes are given.
 */
function unknownIssuerOffline(ctx: RuleContext, alias: string, chain: Certificate[], anchors: Certificate[], role: "client-chain" | "keystore"): Finding {
  const top = chain[chain.length - 1]!;
  const file = ctx.truststore!.file;
  const ids = keyIds(top);
  const cn = cnOf(top.issuer);
  const rootish = caKindByName(top.issuer) === "root";
  const only = chain.length === 1 ? "only the client certificate" : `${chain.length} certificates`;
  const anchorList = anchors
    .slice(0, 8)
    .map((a) => `"${a.subject}"${keyIds(a).ski ? ` (SKI ${keyIds(a).ski})` : ""}`)
    .join(", ");
  const evidence = [
    ...chain.map((c, i) => certRef(c, role, i, alias, ctx.now)),
    { kind: "dn" as const, role: "looked-for" as const, dn: top.issuer, derHex: Buffer.from(top.issuerDer).toString("hex") },
    text(
      `The chain holds ${only} and stops at "${top.subject}", issued by "${top.issuer}"${ids.aki ? ` (AKI ${ids.aki})` : ""}; no store given holds that issuer. ` +
        `${file} holds ${anchors.length} certificate(s): ${anchorList}${anchors.length > 8 ? ", ..." : ""}; none has that subject${ids.aki ? " or that key identifier" : ""}, so the server cannot build a path from what the client sends plus its truststore (RFC 5280 §6.1).`,
    ),
    text(rootish ? `"${cn}" reads as a root CA (its name), so the truststore lacks it; if it is an intermediate, the client must also send it.` : `Nothing shows whether "${cn}" is an intermediate or a root: if an intermediate, the client must send it after its certificate (and the truststore must hold the CA above it); if a root, the truststore must hold it.`),
  ];
  if (rootish) {
    return {
      id: "server-truststore-missing-issuer",
      severity: "error",
      title: `The server's truststore lacks "${top.issuer}", the issuer of "${top.subject}"`,
      evidence,
      remediation: remediation(
        `Add "${cn}" to the server's truststore. Or give the client a certificate from a CA it trusts (if "${cn}" is an intermediate, the client must also send it).`,
        "server",
        serverTrustSteps(ctx.serverStack, "client-issuing-ca.pem"),
        serverTag(ctx.serverStack),
      ),
      reference: "docs/playbook.md, resolution of cause 2; RFC 5280 §6.1 (trust anchor), §4.2.1.1 (authority key identifier)",
    };
  }
  return {
    id: "missing-intermediate",
    severity: "error",
    title: `The server's truststore has no issuer for "${top.subject}" (issued by "${top.issuer}")`,
    evidence,
    remediation: remediation(
      `Send "${cn}" after the client certificate. Or, if "${cn}" is a root, add it to the server's truststore (an intermediate needs the CA above it there).`,
      "client",
      [...fullChainSteps(fixStack(ctx), alias, top.issuer, pemCredentialFile(ctx, alias)), ...serverTrustSteps(ctx.serverStack, "client-issuing-ca.pem").map((x) => `If "${cn}" is a root: ${x}`)],
      fixStack(ctx),
    ),
    reference: "RFC 5246 §7.4.2 / RFC 8446 §4.4.2 (the sender's chain; intermediates may not be left out); RFC 5280 §6.1, §4.2.1.1",
  };
}
