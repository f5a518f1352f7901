/**
 * The JSON shape of `mtls-doctor probe --json`. Stable field names (see docs/probe.md); DER as base64; code points
 * as numbers with their IANA names beside them. Pure: reads only the evidence.
 */
import type { AlertMessage } from "../../wire/types.js";
import { nameOf, SIGNATURE_SCHEMES } from "../../wire/tables.js";
import type { Conversation, ProbeEvidence } from "../../evidence/model.js";
import { messageDetail } from "../text/probe.js";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

function alertJson(c: Conversation) {
  const a = c.alert;
  if (!a) return null;
  const after = a.afterMessageIndex !== undefined ? c.messages[a.afterMessageIndex - 1] : undefined;
  const m = a.alert as AlertMessage;
  return {
    level: m.levelName,
    code: m.description,
    name: m.descriptionName,
    sender: a.sender,
    messageIndex: a.messageIndex,
    ...(after ? { afterMessageIndex: after.index, afterMessage: after.type } : {}),
    ...(a.afterClientFinished !== undefined ? { afterClientFinished: a.afterClientFinished } : {}),
  };
}

/** Transcript entries: index, direction, type, and a one-line detail. */
export function transcriptJson(c: Conversation) {
  return c.messages.map((m, i) => ({
    index: m.index,
    direction: m.direction,
    contentType: m.contentType,
    type: m.type,
    ...(m.time !== undefined ? { time: m.time } : {}),
    decrypted: m.decrypted,
    encrypted: m.encrypted,
    length: m.raw.length,
    detail: messageDetail(m, c.messages.slice(0, i).reverse().find((x) => x.direction === m.direction)),
  }));
}

/** The `probe --json` object. */
export function probeToJson(e: ProbeEvidence) {
  const c = e.conversation;
  const p = e.policy;
  return {
    target: e.target.host.includes(":") ? `[${e.target.host}]:${e.target.port}` : `${e.target.host}:${e.target.port}`,
    servername: e.servername ?? null,
    tlsVersion: c.tlsVersion ?? null,
    cipher: c.cipher ?? null,
    clientCertificateRequested: p.requested,
    clientCertificateRequired: p.required,
    certificateAuthoritiesState: p.certificateAuthoritiesState ?? null,
    acceptableCAs: p.acceptableCAs.map((ca) => ({ dn: ca.dn, opensslDn: ca.opensslDn, der: b64(ca.der) })),
    signatureAlgorithms: p.signatureAlgorithms.map((s) => ({ code: s, name: nameOf(SIGNATURE_SCHEMES, s) })),
    ...(p.signatureAlgorithmsCert ? { signatureAlgorithmsCert: p.signatureAlgorithmsCert.map((s) => ({ code: s, name: nameOf(SIGNATURE_SCHEMES, s) })) } : {}),
    ...(p.certificateTypes ? { certificateTypes: p.certificateTypes } : {}),
    serverCertificates: e.serverCertificates,
    clientCertificateSent: e.clientCertificateSent,
    alert: alertJson(c),
    handshakeCompleted: e.handshakeCompleted,
    accepted: e.accepted ?? null,
    outcome: c.outcome,
    visibility: c.visibility,
    clientError: e.clientError ?? null,
    withoutCertificate: e.withoutCertificate
      ? {
          handshakeCompleted: e.withoutCertificate.handshakeCompleted,
          accepted: e.withoutCertificate.accepted,
          outcome: e.withoutCertificate.conversation.outcome,
          alert: alertJson(e.withoutCertificate.conversation),
          transcript: transcriptJson(e.withoutCertificate.conversation),
        }
      : null,
    transcript: transcriptJson(c),
  };
}
