/**
 * Findings from a Java server's own log (JSSE debug output or its exception lines): the server says why it
 * rejected the client's chain, in words that map one-to-one to findings (alert-matrix.md, the Java rows):
 * "PKIX path building failed" (no path to a trust anchor: a missing intermediate or an untrusted CA),
 * "validity check failed" (expired / not yet valid), "Extended key usage does not permit use for TLS client
 * authentication". The client chain is known from the log as strings (subject, issuer, validity), so names are
 * compared by name (from a log). A finding the keystore already gave is not repeated.
 */
import type { LoggedCertificate, LogEvent, LogEvidence } from "../../evidence/model.js";
import { sameJavaDn } from "../names.js";
import type { EvidenceRef, Finding, FindingId } from "../types.js";
import type { Rule, RuleContext } from "./context.js";
import { logEvents, logRef } from "./logfacts.js";
import { remediation, serverTag, serverTrustSteps, text } from "./refs.js";
import { fullChainSteps } from "./chain.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** The client chain the server's log printed for the handshake of `e`. */
function loggedChain(log: LogEvidence, e: LogEvent): LoggedCertificate[] {
  const idx = e.conversation;
  const h = idx !== undefined ? log.handshakes[idx] : log.handshakes[log.handshakes.length - 1];
  return h?.clientCertificates ?? [];
}

function chainRefs(chain: LoggedCertificate[]): EvidenceRef[] {
  return chain.map((c, i) => text(`client chain #${i} (from the server's log): subject "${c.subject}", issuer "${c.issuer}"${c.notAfter !== undefined ? `, notAfter ${iso(c.notAfter)}` : ""}`));
}

export const serverLogRule: Rule = {
  ids: ["missing-intermediate", "server-truststore-missing-issuer", "client-cert-expired", "client-cert-not-yet-valid", "eku-missing-client-auth"],
  run(ctx: RuleContext, prior) {
    const out: Finding[] = [];
    const have = new Set<FindingId>(prior.map((f) => f.id));
    const add = (f: Finding) => {
      if (have.has(f.id)) return;
      have.add(f.id);
      out.push(f);
    };
    const serverSide = ({ log }: { log: LogEvidence }) => log.side === "server";
    for (const { log, event } of logEvents(ctx, "path-building-failed").filter(serverSide).slice(0, 1)) {
      const chain = loggedChain(log, event);
      const top = chain[chain.length - 1];
      const policy = log.handshakes[event.conversation ?? -1]?.policy ?? ctx.policy;
      const listed = top && !sameJavaDn(top.subject, top.issuer) ? policy?.acceptableCAs.find((ca) => sameJavaDn(ca.dn, top.issuer)) : undefined;
      const base = [logRef(log, event, "the server logged: "), ...chainRefs(chain)];
      if (top && listed) {
        add({
          id: "missing-intermediate",
          severity: "error",
          title: `The server could not build a path from the client chain ending at "${top.subject}": it names "${top.issuer}" as acceptable but cannot reach a CA it trusts, so the chain lacks an intermediate`,
          evidence: [...base, { kind: "dn", role: "looked-for", dn: top.issuer }, text(`"${top.issuer}" equals the server's acceptable CA "${listed.dn}" (compared by name, from a log)`)],
          remediation: remediation(`Send the full chain: put the intermediate(s) after the client certificate in the client's ${ctx.clientStack === "java" || ctx.clientStack === "dotnet" ? "key entry" : "certificate file"}.`, "client", fullChainSteps(ctx.clientStack, "<alias>", top.issuer), ctx.clientStack),
          reference: "RFC 8446 §4.4.2 / RFC 5246 §7.4.2; RFC 5280 §6; Java server: PKIX path building failed (docs/alert-matrix.md)",
        });
      } else if (top) {
        const anchor = sameJavaDn(top.subject, top.issuer) ? top.subject : top.issuer;
        add({
          id: "server-truststore-missing-issuer",
          severity: "error",
          title: `The server's truststore has no trust anchor for the client chain: it leads to "${anchor}", and the Java server logged "PKIX path building failed"`,
          evidence: [...base, { kind: "dn", role: "looked-for", dn: anchor }],
          remediation: remediation(`Add the CA certificate "${anchor}" to the server's truststore (or send the missing intermediate, if "${anchor}" is one).`, "server", serverTrustSteps("java", "client-issuing-ca.pem"), serverTag("java")),
          reference: "Playbook resolution of cause 2 (docs/playbook.md); RFC 5280 §6.1 (trust anchor); Java server: PKIX path building failed (docs/alert-matrix.md)",
        });
      }
    }
    for (const { log, event } of logEvents(ctx, "path-validation-failed").filter(serverSide).slice(0, 2)) {
      const chain = loggedChain(log, event);
      const when = event.time ?? ctx.now;
      const leaf = chain[0];
      const base = [logRef(log, event, "the server logged: "), ...chainRefs(chain.slice(0, 3))];
      if (/Extended key usage/i.test(event.text)) {
        add({
          id: "eku-missing-client-auth",
          severity: "error",
          title: `The server rejected the client certificate${leaf ? ` "${leaf.subject}"` : ""}: its extendedKeyUsage does not allow TLS client authentication`,
          evidence: base,
          remediation: remediation("Have the CA re-issue the client certificate with extendedKeyUsage clientAuth.", "client", ["OpenSSL CA extension section: extendedKeyUsage = clientAuth", "Replace the keystore entry with the re-issued certificate (same key is fine)."], ctx.clientStack),
          reference: "RFC 5280 §4.2.1.12 (id-kp-clientAuth); Java server alert 46",
        });
        continue;
      }
      const notYet = /NotYetValid|not yet valid/i.test(event.text);
      const bad = chain.find((c) => (notYet ? c.notBefore !== undefined && when < c.notBefore : c.notAfter !== undefined && when > c.notAfter));
      const i = bad ? chain.indexOf(bad) : 0;
      if (!notYet && bad && i > 0) continue; // an expired intermediate: intermediate-expired needs the keystore's chain
      add({
        id: notYet ? "client-cert-not-yet-valid" : "client-cert-expired",
        severity: "error",
        title: notYet
          ? `The server found the client certificate${bad ? ` "${bad.subject}"` : ""} not yet valid${bad?.notBefore !== undefined ? ` (notBefore ${iso(bad.notBefore)})` : ""}`
          : `The server found the client certificate${bad ? ` "${bad.subject}"` : ""} expired${bad?.notAfter !== undefined ? ` (notAfter ${iso(bad.notAfter)})` : ""}`,
        evidence: [...base, ...(event.time !== undefined ? [{ kind: "field" as const, field: "log time", value: iso(event.time) }] : [])],
        remediation: remediation(notYet ? "Check the clocks of both hosts; if they are right, use a certificate valid now." : "Get the client certificate re-issued and replace it in the keystore entry.", "client", ["openssl x509 -in client.pem -noout -dates", "date -u on both hosts"], ctx.clientStack),
        reference: "RFC 5280 §4.1.2.5 (validity); Java server: PKIX path validation failed: validity check failed, alert 46",
      });
    }
    return out;
  },
};
