/**
 * Handshake assembly for the JSSE reader: one logged handshake's state → the shared {@link Conversation} (messages in
 * log order with directions, the first fatal alert, the outcome) and its {@link LoggedHandshake} facts.
 */
import type { AlertEvent, Conversation, Direction, LoggedCertificate, LoggedHandshake, Outcome, TranscriptMessage } from "../../evidence/model.js";
import { resolveJavaDnList } from "../dn.js";
import { C2S, logCa, newPolicy, S2C, type HandshakeState } from "./model.js";

/** Build the conversation and logged facts of one handshake (`s.side` defaults to "client"). */
export function assembleHandshake(s: HandshakeState): [Conversation, LoggedHandshake] {
  const side = s.side ?? "client";
  // The last Certificate message of each direction is the one the handshake's certificates were read from.
  const lastCert = (d: Direction): number => {
    for (let i = s.messages.length - 1; i >= 0; i--) {
      const m = s.messages[i]!;
      if (m.type === "Certificate" && (m.direction ?? ((m.own ?? true) === (side === "client") ? C2S : S2C)) === d) return i;
    }
    return -1;
  };
  const certAt = new Map<number, LoggedCertificate[]>();
  if (s.clientCertificates) certAt.set(lastCert(C2S), s.clientCertificates);
  if (s.serverCertificates) certAt.set(lastCert(S2C), s.serverCertificates);
  const messages: TranscriptMessage[] = s.messages.map((m, i) => ({
    ...(certAt.has(i) ? { loggedCertificates: certAt.get(i)! } : {}),
    index: i + 1,
    line: m.line,
    ...(m.time !== undefined ? { time: m.time } : {}),
    direction: m.direction ?? ((m.own ?? true) === (side === "client") ? C2S : S2C),
    contentType: m.type === "Alert" ? "alert" : m.type === "ChangeCipherSpec" ? "change_cipher_spec" : "handshake",
    type: m.type,
    decrypted: false,
    encrypted: false,
    streamOffset: -1,
    endStreamOffset: -1,
    raw: new Uint8Array(0),
    body: m.body,
  }));
  let alert: AlertEvent | undefined;
  const firstFatal = messages.find((m) => m.type === "Alert" && m.body?.type === "Alert" && m.body.level === 2) ?? messages.find((m) => m.type === "Alert");
  if (firstFatal && firstFatal.body?.type === "Alert") {
    const before = messages.slice(0, firstFatal.index - 1);
    alert = {
      alert: firstFatal.body,
      sender: firstFatal.direction === C2S ? "client" : "server",
      messageIndex: firstFatal.index,
      ...(firstFatal.index > 1 ? { afterMessageIndex: firstFatal.index - 1 } : {}),
      ...(s.tlsVersion === "1.3"
        ? { afterClientFinished: before.some((m) => m.type === "Finished" && m.direction === C2S) }
        : {}),
    };
  }
  const finishedBoth = messages.some((m) => m.type === "Finished" && m.direction === C2S) && messages.some((m) => m.type === "Finished" && m.direction === S2C);
  const kinds = new Set(s.events.map((e) => e.kind));
  let outcome: Outcome;
  let closedWithoutAlert = false;
  if (alert) outcome = "alert";
  else if (kinds.has("broken-pipe") || kinds.has("connection-reset")) [outcome, closedWithoutAlert] = ["reset", true];
  else if (kinds.has("peer-closed")) [outcome, closedWithoutAlert] = [finishedBoth ? "closed-after-handshake" : "closed-during-handshake", true];
  else if (finishedBoth) outcome = "handshake-completed";
  else outcome = "incomplete";
  if (s.policy && kinds.has("empty-client-chain")) s.policy.required = true;
  if (s.policy && s.caNamesList !== undefined) {
    // Cut the one-line CA list where it reproduces DNs this log shows (certificate subjects and issuers).
    const known = [...(s.serverCertificates ?? []), ...(s.clientCertificates ?? [])].flatMap((c) => [c.subject, c.issuer]);
    const { names, split } = resolveJavaDnList(s.caNamesList, known);
    s.policy.acceptableCAs = names.map(logCa);
    s.caNamesSplit = split;
  }
  if (s.events.some((e) => e.kind === "invalid-certificate-authorities")) {
    s.policy ??= newPolicy();
    s.policy.certificateAuthoritiesState = "present-empty";
  }
  const conv: Conversation = {
    source: "log",
    client: { host: "", port: 0 },
    server: { host: "", port: 0 },
    ...(s.sni !== undefined ? { sni: s.sni } : {}),
    ...(s.tlsVersion !== undefined ? { tlsVersion: s.tlsVersion } : {}),
    ...(s.cipher !== undefined ? { cipher: s.cipher } : {}),
    messages,
    gaps: [],
    visibility: "partial",
    outcome,
    ...(alert ? { alert } : {}),
    ...(closedWithoutAlert ? { closedWithoutAlert } : {}),
  };
  const hsk: LoggedHandshake = {
    side,
    thread: s.thread,
    firstLine: s.firstLine,
    lastLine: s.lastLine,
    ...(s.policy ? { policy: s.policy } : {}),
    ...(s.caNamesSplit ? { caNamesSplit: s.caNamesSplit } : {}),
    clientCertificates: s.clientCertificates,
    serverCertificates: s.serverCertificates,
  };
  return [conv, hsk];
}
