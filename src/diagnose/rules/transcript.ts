/**
 * Findings from the handshake transcript: what the client actually sent, the server's alert (explained per server
 * stack from the measured table in ../alerts.ts), a close without alert, and the healthy case. These rules run
 * last: an alert confirms what the store and CA-list rules found, and is never the only basis of a diagnosis.
 */
import { alertName, CAUSE_LABEL, causesForAlert, LOST_ALERT_NOTE, type RejectCause } from "../alerts.js";
import type { Conversation } from "../../evidence/model.js";
import { serverAcceptanceIndex } from "../../evidence/conversation.js";
import type { Finding, FindingId } from "../types.js";
import { fixStack, type Rule, type RuleContext } from "./context.js";
import { clientConfigHint, handshakeUnread, msgRef, plural, remediation, text, unreadRemedy } from "./refs.js";
import { logEvents, logRef } from "./logfacts.js";

/** Which findings explain which server-side rejection cause. */
const EXPLAINS: Record<RejectCause, FindingId[]> = {
  "no-certificate": ["client-sent-empty-certificate", "no-client-certificate", "ca-mismatch", "dn-encoding-mismatch", "signature-algorithm-mismatch"],
  "unknown-issuer": ["missing-intermediate", "server-truststore-missing-issuer", "ca-mismatch", "chain-out-of-order"],
  expired: ["client-cert-expired", "intermediate-expired"],
  "not-yet-valid": ["client-cert-not-yet-valid"],
  "eku-not-client-auth": ["eku-missing-client-auth", "key-usage-missing-digital-signature"],
  "bad-certificate-verify": ["key-mismatch", "signature-algorithm-mismatch"],
};

/**
 * The connection ended by a TCP close or reset without any alert. False when an encrypted record the size of an alert
 * came last (TLS 1.3 without the key log): an alert was most likely sent, it just cannot be read.
 */
export function closedWithoutAlertSeen(conv: Conversation): boolean {
  if (conv.alert || conv.encryptedAlert || conv.closedWithoutAlert === false) return false;
  return conv.closedWithoutAlert === true || ["reset", "closed-during-handshake", "closed-after-handshake"].includes(conv.outcome);
}

export const clientSentEmpty: Rule = {
  ids: ["client-sent-empty-certificate"],
  run(ctx) {
    const o = ctx.observed;
    if (!o || !o.empty) return [];
    const n = ctx.keyEntries.length;
    const fromLog = logEvents(ctx, "certificate-not-selected", "empty-certificate-sent", "empty-client-chain").slice(0, 3);
    const why =
      ctx.selection && n > 0
        ? `${ctx.selection.model}: ${ctx.selection.summary}`
        : n === 0 && ctx.hasKeystore
          ? "The keystore has no private-key entry to send."
          : fromLog.length
            ? "The log shows why (below); the keystore was not given, so its content is unknown (add --keystore)."
            : "The client had no certificate configured for this server.";
    return [
      {
        id: "client-sent-empty-certificate",
        severity: "error",
        title: `The client answered the CertificateRequest with an empty Certificate message (certificates length 0)${n > 0 ? `, although its keystore holds ${plural(n, "private-key entry")}`.replace("entrys", "entries") : ""}`,
        evidence: [
          ...msgRef(o.message, o.message?.line !== undefined ? `certificates length 0 (${ctx.logged?.log.file ?? "log"} line ${o.message.line})` : "certificates length 0"),
          { kind: "field", field: "tls.handshake.certificates_length", value: 0, ...(o.message?.frame !== undefined ? { frame: o.message.frame } : {}) },
          text(why),
          ...fromLog.map(({ log, event }) => logRef(log, event)),
        ],
        remediation: remediation(
          n > 0 || (!ctx.hasKeystore && fromLog.length)
            ? "Fix the reason the client skipped its certificate (see the other findings): usually the server's CA list does not name the client certificate's issuer."
            : "Configure a client certificate and key for this connection.",
          "client",
          [`Then ${clientConfigHint(fixStack(ctx))}.`, ...(ctx.clientStack === "java" ? ["Confirm with -Djavax.net.debug=ssl:handshake: look for \"No X.509 cert selected\" and \"use empty Certificate message instead\""] : [])],
          fixStack(ctx),
        ),
        reference: "RFC 5246 §7.4.6 / RFC 8446 §4.4.2.4 (empty Certificate when no suitable certificate is available); the Wireshark step of docs/playbook.md: the client's Certificate with Certificate Length 0",
      },
    ];
  },
};

/**
 * Only the causes the transcript allows: an empty client Certificate can only be "no certificate" (a
 * CertificateVerify problem needs a certificate); a sent chain rules "no certificate" out. When the transcript
 * does not show the client's Certificate, every cause stays.
 */
function consistentCauses<T extends { cause: RejectCause }>(ctx: Parameters<Rule["run"]>[0], causes: T[]): T[] {
  const o = ctx.observed;
  if (!o) return causes;
  const kept = causes.filter((c) => (o.empty ? c.cause === "no-certificate" : c.cause !== "no-certificate"));
  return kept.length ? kept : causes;
}

export const serverAlert: Rule = {
  ids: ["server-alert"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    const a = conv?.alert;
    if (conv && !a && conv.encryptedAlert?.sender === "server") return encryptedServerAlert(conv, conv.encryptedAlert, prior, ctx.evidence.keyLogGiven);
    if (!conv || !a || a.sender !== "server") return alertFromLogEvent(ctx, prior);
    const d = a.alert.description;
    const causes = consistentCauses(ctx, causesForAlert(d, ctx.serverStack, conv.tlsVersion ?? ""));
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
        reference: "RFC 8446 §6.2 / RFC 5246 §7.2.2 (error alerts); measured server behaviour: docs/alert-matrix.md",
      },
    ];
  },
};

/**
 * A log line saying the client received a fatal alert from the server (a gateway's "Received fatal alert:
 * bad_certificate", a client's JSSE exception), when no conversation shows it: explained like a seen alert.
 */
function alertFromLogEvent(ctx: Parameters<Rule["run"]>[0], prior: readonly Finding[]): Finding[] {
  if (ctx.conversation?.alert) return [];
  const hit = logEvents(ctx, "alert-received").find(({ log, event }) => event.alertCode !== undefined && log.side !== "server" && event.alertDirection !== "sent");
  if (!hit) return [];
  const d = hit.event.alertCode!;
  const causes = consistentCauses(ctx, causesForAlert(d, ctx.serverStack, ctx.conversation?.tlsVersion ?? ""));
  const errorIds = new Set(prior.filter((f) => f.severity === "error").map((f) => f.id));
  const confirmed = causes.filter((c) => EXPLAINS[c.cause].some((id) => errorIds.has(id)));
  const explained = confirmed.length
    ? `This alert confirms: ${[...new Set(confirmed.map((c) => CAUSE_LABEL[c.cause]))].join("; ")}.`
    : causes.length
      ? `Alert ${d} means one of: ${[...new Set(causes.map((c) => `${CAUSE_LABEL[c.cause]} (${c.stack} server log: "${c.serverLog}")`))].join("; ")}.`
      : `Alert ${d} is not one the measured servers send for a client-certificate problem; read the server's log.`;
  const remote = hit.event.remote ? ` (${hit.event.remote.host}:${hit.event.remote.port})` : "";
  return [
    {
      id: "server-alert",
      severity: confirmed.length ? "info" : "error",
      title: `The server${remote} aborted the handshake with fatal alert ${d} ${alertName(d)} (from the log)`,
      evidence: [{ kind: "alert", description: d, name: alertName(d), sender: "server" }, logRef(hit.log, hit.event), text(explained)],
      remediation: remediation(
        confirmed.length ? "Fix the finding(s) the alert confirms." : "Read the server's log for the line matching this alert; to see which certificate the client offered, capture the client side with -Djavax.net.debug=ssl:handshake or run mtls-doctor diagnose --connect host:port --keystore FILE.",
        "either",
        causes.length ? [...new Set(causes.map((c) => `${c.stack} server log: "${c.serverLog}" ⇒ ${CAUSE_LABEL[c.cause]}`))] : ["Check the server's TLS error log at the time of the handshake."],
      ),
      reference: "RFC 8446 §6.2 / RFC 5246 §7.2.2 (error alerts); measured server behaviour: docs/alert-matrix.md",
    },
  ];
}

/**
 * TLS 1.3 without the keys: the server's last record is encrypted and 19 bytes long, the size of an alert. Say so,
 * and that its description needs the key log (or, when one was given, that it has no secrets for this connection);
 * never claim the server closed without an alert.
 */
function encryptedServerAlert(conv: Conversation, ea: NonNullable<Conversation["encryptedAlert"]>, prior: readonly Finding[], keyLogGiven?: boolean): Finding[] {
  const msg = conv.messages.find((m) => m.index === ea.messageIndex);
  const clientFlight = conv.messages.some((m) => m.index < ea.messageIndex && m.direction === "client→server" && m.encrypted);
  const explained = prior.some((f) => f.severity === "error");
  const noSecrets = unreadRemedy(conv, keyLogGiven);
  const sentence =
    `The server sent an encrypted record the size of an alert (${ea.length} bytes)${clientFlight ? " after the client's flight" : ""}; ` +
    (keyLogGiven ? `${noSecrets}, so its description cannot be read` : "without the key log its description cannot be read; pass --keylog");
  return [
    {
      id: "server-alert",
      severity: explained ? "info" : "error",
      title:
        `The server most likely aborted the handshake with an alert (an encrypted ${ea.length}-byte record${clientFlight ? " after the client's flight" : ""}); ` +
        (keyLogGiven ? `its description cannot be read: ${noSecrets}` : "its description needs the key log"),
      evidence: [...msgRef(msg, `encrypted record, ${ea.length} bytes: the size of a TLS 1.3 alert`), text(sentence + ".")],
      remediation: remediation(
        keyLogGiven
          ? "Pass the key log written while this connection was captured (its lines carry this client random), or read the server's log for the alert it sent."
          : "Record the handshake again with a key log and pass it with --keylog, or read the server's log for the alert it sent.",
        "either",
        [
          "openssl s_client -connect host:port -keylogfile keys.log ... while tcpdump -w cap.pcap records, then mtls-doctor analyze cap.pcap --keylog keys.log",
          "curl / Node: SSLKEYLOGFILE=keys.log curl ... (Node: node --tls-keylog=keys.log app.js)",
        ],
      ),
      reference: "RFC 8446 §5.2 (encrypted records: alert 2 bytes + content type 1 + AEAD tag 16 = 19) and §6 (alerts are encrypted after ServerHello)",
    },
  ];
}

/** What a fatal alert sent by the client means (the client refused something of the server's). */
const CLIENT_ALERT_MEANING: Record<number, string> = {
  40: "the client found no acceptable parameters (cipher suite, signature scheme, group) in the server's flight",
  42: "the client rejected the server's certificate",
  43: "the client rejected the server's certificate: its key usage or extended key usage does not allow serverAuth",
  45: "the client rejected the server's certificate: it has expired",
  46: "the client could not validate the server's certificate (Java: PKIX path building failed for the server chain; check the client's truststore, javax.net.ssl.trustStore)",
  48: "the client does not trust the CA of the server's certificate (its truststore lacks it)",
  50: "the client could not decode a message from the server",
  80: "the client hit an internal error (read the client's log)",
};

/** Findings that explain a client alert, by description. */
const CLIENT_ALERT_EXPLAINED_BY: Record<number, FindingId[]> = { 50: ["empty-certificate-authorities-extension"] };

export const clientAlert: Rule = {
  ids: ["client-alert"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    let d: number | undefined;
    let where: Finding["evidence"] = [];
    if (conv?.alert?.sender === "client" && conv.alert.alert.level === 2) {
      d = conv.alert.alert.description;
      where = msgRef(conv.messages.find((m) => m.index === conv.alert!.messageIndex), `Alert fatal ${alertName(d)}${conv.source === "log" && ctx.logged ? ` (${ctx.logged.log.file})` : ""}`);
    } else if (!conv?.alert) {
      const hit = logEvents(ctx, "alert-sent", "invalid-certificate-authorities").find(({ log, event }) => event.alertCode !== undefined && event.alertDirection === "sent" && log.side === "client");
      if (hit) {
        d = hit.event.alertCode!;
        where = [logRef(hit.log, hit.event)];
      }
    }
    if (d === undefined) return [];
    if (conv?.alert?.sender === "client" && conv.alert.alert.level === 2) {
      const accepted = serverAcceptanceIndex(conv.messages, conv.tlsVersion);
      if (accepted !== undefined && accepted < conv.alert.messageIndex) return [clientAlertAfterAcceptance(conv, accepted, d, where)];
    }
    const explainedBy = prior.filter((f) => f.severity === "error" && (CLIENT_ALERT_EXPLAINED_BY[d!] ?? []).includes(f.id));
    const reasonLines = logEvents(ctx, "invalid-certificate-authorities", "alert-sent", "exception").filter(({ log }) => log.side === "client").slice(0, 2);
    const meaning = CLIENT_ALERT_MEANING[d] ?? "the client aborted the handshake";
    return [
      {
        id: "client-alert",
        severity: explainedBy.length ? "info" : "error",
        title: `The client aborted the handshake with fatal alert ${d} ${alertName(d)}: ${meaning}`,
        evidence: [
          { kind: "alert", description: d, name: alertName(d), sender: "client", ...(conv?.alert?.sender === "client" ? { messageIndex: conv.alert.messageIndex } : {}) },
          ...where,
          ...reasonLines.map(({ log, event }) => logRef(log, event)),
          ...(explainedBy.length ? [text(`Explained by: ${explainedBy.map((f) => f.id).join(", ")}.`)] : []),
        ],
        remediation: remediation(
          explainedBy.length ? "Fix the finding(s) that explain it." : "Read the client's log at this handshake for the exception behind the alert (Java: -Djavax.net.debug=ssl:handshake).",
          explainedBy.length ? "either" : "client",
          d === 46 || d === 48 || d === 42
            ? ["This is server authentication, not the client certificate: check the server's chain (openssl s_client -connect host:port -showcerts) against the client's truststore"]
            : [],
        ),
        reference: "RFC 8446 §6.2 / RFC 5246 §7.2.2 (error alerts); docs/alert-matrix.md §4 (Java decode_error on an empty certificate_authorities extension)",
      },
    ];
  },
};

/**
 * The client sent a fatal alert after the server had already accepted it (tickets or application data read after the
 * handshake): a connection-level event, not a handshake failure. The common case: the server closed without
 * close_notify (Node does: it ends the socket without SSL_shutdown) and OpenSSL 3's s_client reports the truncation
 * ("unexpected eof while reading") by sending 50 decode_error (docs/alert-matrix.md conclusion 2). RFC 8446 §6.1:
 * each party must send close_notify before closing its write side; a missing one is a truncation, not a rejection.
 */
function clientAlertAfterAcceptance(conv: Conversation, accepted: number, d: number, where: Finding["evidence"]): Finding {
  const a = conv.alert!;
  const proof = conv.messages.find((m) => m.index === accepted);
  const closureFromServer = conv.messages.some(
    (m) => m.index > accepted && m.index < a.messageIndex && m.direction === "server→client" && m.type === "Alert" && m.body?.type === "Alert" && (m.body as { description: number }).description === 0,
  );
  const abrupt = !closureFromServer;
  return {
    id: "client-alert",
    severity: "info",
    title: `After the server accepted the client, the client sent fatal alert ${d} ${alertName(d)}${abrupt && d === 50 ? ": the server closed the connection without close_notify, and OpenSSL reports that unexpected EOF as decode_error" : ""}; the handshake itself succeeded`,
    evidence: [
      { kind: "alert", description: d, name: alertName(d), sender: "client", messageIndex: a.messageIndex },
      ...msgRef(proof, proof?.type === "NewSessionTicket" ? "NewSessionTicket from the server after the handshake" : "application data from the server after the handshake"),
      ...where,
      text(
        abrupt
          ? "The server's tickets or application data prove it accepted the client's certificate; it then ended the connection without a close_notify alert (RFC 8446 §6.1), and the client's alert answers that close, not the handshake."
          : "The server's tickets or application data prove it accepted the client's certificate; the client's alert came later and concerns the connection, not the handshake.",
      ),
    ],
    remediation: remediation(
      "Nothing to fix for mutual TLS. To stop the alert, make the server end connections with close_notify (Node: socket.end() rather than socket.destroy()).",
      "either",
      [],
    ),
    reference: "RFC 8446 §6.1 (closure alerts; a close without close_notify is a truncation); docs/alert-matrix.md conclusion 2 (s_client sends 50 decode_error on unexpected EOF)",
  };
}

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
        reference: "docs/alert-matrix.md conclusion 2 (Node sends no alert for verification failures) and 7 (lost alerts)",
      },
    ];
  },
};

/**
 * The transcript shows the server accepted the client: the handshake completed (a probe: the server answered after
 * it; TLS 1.3 included, where the server judges the client's Certificate after its own Finished) with no alert
 * (readable or alert-sized encrypted) and no close right after. Any finding that says the server would reject the
 * client is then contradicted by what happened.
 */
export function serverAccepted(ctx: RuleContext): boolean {
  const conv = ctx.conversation;
  if (!conv) return false;
  const p = ctx.evidence.probe;
  // Read proof (RFC 8446 §4.6.1 tickets / application data after the client's Finished; TLS 1.2: the server's
  // Finished then its application data) outweighs how the connection ended: closure alerts (close_notify,
  // user_canceled: RFC 8446 §6.1), a close without close_notify, or the client's alert about that close.
  if (!p && serverAcceptanceIndex(conv.messages, conv.tlsVersion) !== undefined) return true;
  const done = p ? (p.accepted ?? p.handshakeCompleted) : conv.outcome === "handshake-completed";
  return done && !conv.alert && !conv.encryptedAlert && !closedWithoutAlertSeen(conv);
}

export const healthy: Rule = {
  ids: ["healthy"],
  run(ctx, prior) {
    const conv = ctx.conversation;
    if (!conv || prior.some((f) => f.severity === "error")) return [];
    if (!serverAccepted(ctx)) return [];
    const o = ctx.observed;
    // TLS 1.3 without usable keys: no CertificateRequest seen does not mean none was sent (RFC 8446 §4.3.2).
    const unread = handshakeUnread(conv);
    // What was seen sent: the parsed chain, else (a log: no DER) the certificates the log printed.
    const sent: Array<{ subject: string; issuer: string }> = o && !o.empty ? (o.chain.length ? o.chain : (o.logged ?? [])) : [];
    const n = sent.length || (ctx.selection?.sentChain.length ?? 0);
    const leafRef = sent[0] ? [{ kind: "certificate" as const, role: "client-chain" as const, index: 0, subject: sent[0].subject, issuer: sent[0].issuer }] : [];
    return [
      {
        id: "healthy",
        severity: "info",
        title: ctx.policy?.requested
          ? `The handshake succeeds with this credential: the client sent ${plural(n, "certificate")} and the server accepted ${n === 1 ? "it" : "them"}`
          : unread
            ? `The handshake ${conv.handshakeCompletedInferred ? "most likely succeeds" : "succeeds"}; whether the server asked for a client certificate could not be seen (TLS 1.3: the CertificateRequest is encrypted; ${unreadRemedy(conv, ctx.evidence.keyLogGiven)})`
            : "The handshake succeeds (the server did not ask for a client certificate)",
        evidence: [
          { kind: "field", field: "outcome", value: conv.outcome },
          ...(conv.tlsVersion ? [{ kind: "field" as const, field: "tls.version", value: conv.tlsVersion }] : []),
          ...leafRef,
          ...(sent.length && !o!.chain.length && o!.message?.line !== undefined ? msgRef(o!.message, `${plural(sent.length, "certificate")} (${ctx.logged?.log.file ?? "log"} line ${o!.message.line})`) : []),
        ],
        remediation: remediation("Nothing to fix.", "either", []),
        reference: "RFC 8446 §4.4 / RFC 5246 §7.4 (authentication messages)",
      },
    ];
  },
};

/**
 * The client model and the transcript disagree: the model (e.g. Java with this keystore) predicts an empty
 * Certificate, or a different chain, while the transcript shows what the client really sent (or the reverse).
 * Observed behaviour wins; the other findings judge what was sent, and this says the model did not fit.
 */
export const clientModelMismatch: Rule = {
  ids: ["client-model-mismatch"],
  run(ctx) {
    const sel = ctx.selection;
    const o = ctx.observed;
    if (!sel || !o || ctx.evidence.probe) return []; // a probe sends exactly what the model chose
    const sentN = o.logged ? o.logged.length : o.chain.length;
    if (!o.empty && sentN === 0) return [];
    const predicted = sel.empty ? "an empty Certificate" : `${plural(sel.sentChain.length, "certificate")} (alias "${sel.chosen?.alias ?? "?"}")`;
    let differs = false;
    if (sel.empty !== o.empty) differs = true;
    else if (!o.empty && o.chain.length && sel.sentChain.length) differs = !Buffer.from(o.chain[0]!.der).equals(Buffer.from(sel.sentChain[0]!.der));
    if (!differs) return [];
    const seen = o.empty ? "an empty Certificate" : `${plural(sentN, "certificate")}${o.chain[0] ? ` (leaf "${o.chain[0].subject}")` : ""}`;
    const java = sel.stack === "java";
    return [
      {
        id: "client-model-mismatch",
        severity: "info",
        title: `The ${sel.model} predicts ${predicted} for this keystore; this client sent ${seen}: it is probably not ${java ? "a JSSE client" : `a ${sel.stack} client`} with this keystore, or not this keystore`,
        evidence: [...msgRef(o.message, o.empty ? "certificates length 0" : plural(sentN, "certificate")), text(`${sel.model}: ${sel.summary}`), text("The other findings judge what the client actually sent, not the model's prediction.")],
        remediation: remediation(
          "Check which credential (keystore and alias) the client really uses, and which TLS stack it is; then run again with that keystore (and --client).",
          "client",
          java ? ["Java: the javax.net.ssl.keyStore system property, or the application's KeyStore/KeyAlias setting; -Djavax.net.debug=ssl:handshake shows the chosen alias"] : [],
          sel.stack,
        ),
        reference: "RFC 8446 §4.4.2 / RFC 5246 §7.4.6 (the client's Certificate); docs/diagnose.md (client models)",
      },
    ];
  },
};

export const TRANSCRIPT_RULES: Rule[] = [clientSentEmpty, serverAlert, clientAlert, closedWithoutAlert, clientModelMismatch, healthy];
