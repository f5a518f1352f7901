/**
 * Findings from the handshake transcript: what the client actually sent, the server's alert (explained per server
 * stack from the measured table in ../alerts.ts), a close without alert, and the healthy case. These rules run
 * last: an alert confirms what the store and CA-list rules found, and is never the only basis of a diagnosis.
 */
import { alertName, CAUSE_LABEL, causesForAlert, LOST_ALERT_NOTE, type RejectCause } from "../alerts.js";
import type { Conversation } from "../../evidence/model.js";
import type { Finding, FindingId } from "../types.js";
import type { Rule } from "./context.js";
import { clientConfigHint, msgRef, plural, remediation, text } from "./refs.js";

/** Which findings explain which server-side rejection cause. */
const EXPLAINS: Record<RejectCause, FindingId[]> = {
  "no-certificate": ["client-sent-empty-certificate", "no-client-certificate", "ca-mismatch", "dn-encoding-mismatch", "signature-algorithm-mismatch"],
  "unknown-issuer": ["missing-intermediate", "server-truststore-missing-issuer", "ca-mismatch", "chain-out-of-order"],
  expired: ["client-cert-expired", "intermediate-expired"],
  "not-yet-valid": ["client-cert-not-yet-valid"],
  "eku-not-client-auth": ["eku-missing-client-auth", "key-usage-missing-digital-signature"],
  "bad-certificate-verify": ["key-mismatch", "signature-algorithm-mismatch"],
};

/** The connection ended by a TCP close or reset without any alert. */
export function closedWithoutAlertSeen(conv: Conversation): boolean {
  return !conv.alert && (conv.closedWithoutAlert === true || ["reset", "closed-during-handshake", "closed-after-handshake"].includes(conv.outcome));
}

export const clientSentEmpty: Rule = {
  ids: ["client-sent-empty-certificate"],
  run(ctx) {
    const o = ctx.observed;
    if (!o || !o.empty) return [];
    const n = ctx.keyEntries.length;
    const why =
      ctx.selection && n > 0
        ? `${ctx.selection.model}: ${ctx.selection.summary}`
        : n === 0 && ctx.hasKeystore
          ? "The keystore has no private-key entry to send."
          : "The client had no certificate configured for this server.";
    return [
      {
        id: "client-sent-empty-certificate",
        severity: "error",
        title: `The client answered the CertificateRequest with an empty Certificate message (certificates length 0)${n > 0 ? `, although its keystore holds ${plural(n, "private-key entry")}`.replace("entrys", "entries") : ""}`,
        evidence: [...msgRef(o.message, "certificates length 0"), { kind: "field", field: "tls.handshake.certificates_length", value: 0, ...(o.message?.frame !== undefined ? { frame: o.message.frame } : {}) }, text(why)],
        remediation: remediation(
          n > 0 ? "Fix the reason the client skipped its certificate (see the other findings): usually the server's CA list does not name the client certificate's issuer." : "Configure a client certificate and key for this connection.",
          "client",
          [`Then ${clientConfigHint(ctx.clientStack)}.`, ...(ctx.clientStack === "java" ? ["Confirm with -Djavax.net.debug=ssl:handshake: look for \"No X.509 cert selected\" and \"use empty Certificate message instead\""] : [])],
          ctx.clientStack,
        ),
        reference: "RFC 5246 §7.4.6 / RFC 8446 §4.4.2.4 (empty Certificate when no suitable certificate is available); playbook: Certificate Length 0 in message #9",
      },
    ];
  },
};

export const serverAlert: Rule = {
  ids: ["server-alert"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    const a = conv?.alert;
    if (!conv || !a || a.sender !== "server") return [];
    const d = a.alert.description;
    const causes = causesForAlert(d, ctx.serverStack, conv.tlsVersion ?? "");
    const errorIds = new Set(prior.filter((f) => f.severity === "error").map((f) => f.id));
    const confirmed = causes.filter((c) => EXPLAINS[c.cause].some((id) => errorIds.has(id)));
    const stackWord = ctx.serverStack === "unknown" ? "a server of unknown stack" : `a ${ctx.serverStack === "openssl" ? "OpenSSL (nginx, s_server, ...)" : ctx.serverStack === "java" ? "Java" : "Node"} server`;
    const explained = confirmed.length
      ? `This alert confirms: ${[...new Set(confirmed.map((c) => CAUSE_LABEL[c.cause]))].join("; ")}.`
      : causes.length
        ? `From ${stackWord}, alert ${d} means one of: ${[...new Set(causes.map((c) => `${CAUSE_LABEL[c.cause]} (${c.stack} server log: "${c.serverLog}")`))].join("; ")}.`
        : `Alert ${d} is not one the measured servers send for a client-certificate problem; read the server's log.`;
    const msg = conv.messages.find((m) => m.index === a.messageIndex);
    return [
      {
        id: "server-alert",
        severity: confirmed.length ? "info" : "error",
        title: `The server aborted the handshake with fatal alert ${d} ${alertName(d)}${a.afterClientFinished ? " after the client's Finished (TLS 1.3 judges the client certificate late)" : ""}`,
        evidence: [{ kind: "alert", description: d, name: alertName(d), sender: "server", messageIndex: a.messageIndex }, ...msgRef(msg, `Alert ${a.alert.levelName} ${alertName(d)}`), text(explained)],
        remediation: remediation(
          confirmed.length ? "Fix the finding(s) the alert confirms." : "Read the server's log for the line matching this alert to tell the causes apart.",
          "either",
          causes.length ? [...new Set(causes.map((c) => `${c.stack} server log: "${c.serverLog}" ⇒ ${CAUSE_LABEL[c.cause]}`))] : ["Check the server's TLS error log at the time of the handshake."],
        ),
        reference: "RFC 8446 §6.2 / RFC 5246 §7.2.2 (error alerts); measured server behaviour: alert-matrix.md",
      },
    ];
  },
};

export const closedWithoutAlert: Rule = {
  ids: ["server-closed-without-alert"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    if (!conv || conv.alert || !closedWithoutAlertSeen(conv)) return [];
    const explained = prior.some((f) => f.severity === "error");
    const sentSomething = ctx.observed && !ctx.observed.empty;
    return [
      {
        id: "server-closed-without-alert",
        severity: explained ? "info" : "error",
        title: `The server closed the connection without a TLS alert${conv.outcome === "closed-after-handshake" ? " right after the handshake" : " during the handshake"}`,
        evidence: [{ kind: "field", field: "outcome", value: conv.outcome }, text(LOST_ALERT_NOTE)],
        remediation: remediation(
          sentSomething
            ? "A Node (or Node-based) server closes like this when it rejects the client certificate: check its trust (ca option) and the client chain; the server's log only says ECONNRESET."
            : "Look at the server's log: the TCP close hides the reason.",
          "server",
          ["Node server: log tlsSocket.authorizationError in the secureConnection handler, or set rejectUnauthorized: false temporarily and read it"],
          "server-node",
        ),
        reference: "alert-matrix.md conclusion 2 (Node sends no alert for verification failures) and 7 (lost alerts)",
      },
    ];
  },
};

export const healthy: Rule = {
  ids: ["healthy"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    if (!conv || prior.some((f) => f.severity === "error")) return [];
    const p = ctx.evidence.probe;
    const done = p ? (p.accepted ?? p.handshakeCompleted) : conv.outcome === "handshake-completed";
    if (!done || conv.alert || closedWithoutAlertSeen(conv)) return [];
    const sent = ctx.observed && !ctx.observed.empty ? ctx.observed.chain : [];
    return [
      {
        id: "healthy",
        severity: "info",
        title: ctx.policy?.requested
          ? `The handshake succeeds with this credential: the client sent ${plural(sent.length || (ctx.selection?.sentChain.length ?? 0), "certificate")} and the server accepted ${sent.length || ctx.selection?.sentChain.length ? "them" : "it"}`
          : "The handshake succeeds (the server did not ask for a client certificate)",
        evidence: [{ kind: "field", field: "outcome", value: conv.outcome }, ...(conv.tlsVersion ? [{ kind: "field" as const, field: "tls.version", value: conv.tlsVersion }] : []), ...(sent[0] ? [{ kind: "certificate" as const, role: "client-chain" as const, index: 0, subject: sent[0].subject, issuer: sent[0].issuer }] : [])],
        remediation: remediation("Nothing to fix.", "either", []),
        reference: "RFC 8446 §4.4 / RFC 5246 §7.4 (authentication messages)",
      },
    ];
  },
};

export const TRANSCRIPT_RULES: Rule[] = [clientSentEmpty, serverAlert, closedWithoutAlert, healthy];
