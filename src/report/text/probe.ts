/**
 * Plain-text report of a probe (`mtls-doctor probe`): the numbered handshake message list in the playbook's
 * style ("#1 ClientHello →", "#3 ← CertificateRequest (2 CA names)", "#6 Certificate → (length 0)",
 * "#9 ← Alert fatal bad_certificate (42)"), the acceptable CA names in full (Java-style and OpenSSL-style, never
 * truncated), signature algorithms by name, the server chain, and what it all means in plain words.
 * Pure: reads only the evidence; no clock.
 */
import type { AlertMessage, CertificateMsg, CertificateRequest, ClientHello, ServerHello } from "../../wire/types.js";
import { CIPHER_SUITES, nameOf, SIGNATURE_SCHEMES, CLIENT_CERTIFICATE_TYPES } from "../../wire/tables.js";
import type { Conversation, ProbeEvidence, ServerPolicy, TranscriptMessage } from "../../evidence/model.js";
import type { CertInfo } from "../../pki/types.js";

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;

/** "fatal certificate_required (116)". */
export function alertWords(a: AlertMessage): string {
  return `${a.levelName} ${a.descriptionName} (${a.description})`;
}

/** The short detail printed after a message name, e.g. "(2 CA names)", "(length 0)". */
export function messageDetail(m: TranscriptMessage, prev?: TranscriptMessage): string {
  const b = m.body;
  // TLS 1.2 (RFC 5246 §7.4.9): the first handshake message after a side's ChangeCipherSpec is its Finished.
  if (m.type === "EncryptedHandshake" && prev?.type === "ChangeCipherSpec" && prev.direction === m.direction) return "(Finished, encrypted)";
  // Application data keeps only its length (the payload is never kept): read it from the body, not `raw`.
  if (m.encrypted && !m.decrypted) return m.type === "ApplicationData" ? `(encrypted, ${(m.body as { length?: number } | null)?.length ?? m.raw.length} bytes)` : "(encrypted)";
  // From a log: no bytes, but the certificates the log printed ([] = an empty Certificate).
  if (!b && m.type === "Certificate" && m.loggedCertificates) return m.loggedCertificates.length === 0 ? "(length 0)" : `(${plural(m.loggedCertificates.length, "certificate")})`;
  if (!b) return "";
  switch (b.type) {
    case "ClientHello": {
      const ch = b as ClientHello;
      return ch.serverName ? `(SNI ${ch.serverName})` : "(no SNI)";
    }
    case "ServerHello": {
      const sh = b as ServerHello;
      const v = sh.selectedVersion ?? sh.legacyVersion;
      return `(${nameOf({ registry: "", width: 2, names: { 0x0303: "TLS 1.2", 0x0304: "TLS 1.3" } }, v)}, ${nameOf(CIPHER_SUITES, sh.cipherSuite)})`;
    }
    case "CertificateRequest": {
      const cr = b as CertificateRequest;
      if (cr.certificateAuthoritiesState === "absent") return "(no certificate_authorities extension)";
      if (cr.certificateAuthoritiesState === "present-empty") return "(EMPTY certificate_authorities extension)";
      return cr.certificateAuthorities.length === 0 ? "(0 CA names: any CA)" : `(${plural(cr.certificateAuthorities.length, "CA name")})`;
    }
    case "Certificate": {
      const c = b as CertificateMsg;
      return c.certificatesLength === 0 ? "(length 0)" : `(${plural(c.entries.length, "certificate")})`;
    }
    case "Alert":
      return alertWords(b as AlertMessage);
    case "Undecodable":
      return `(undecodable: ${(b as { error: string }).error})`;
    default:
      return "";
  }
}

/**
 * True when the conversation ended with a TCP close or reset and no alert, so {@link transcriptLines} ends with a
 * "(connection closed/reset by the server, no alert)" line.
 */
export function closedLineShown(c: Conversation): boolean {
  return !c.alert && !c.encryptedAlert && (c.closedWithoutAlert === true || c.outcome === "reset" || c.outcome === "closed-during-handshake" || c.outcome === "closed-after-handshake");
}

/**
 * One line per message: "#3 ← CertificateRequest (2 CA names)" / "#6 Certificate → (length 0)"; when the
 * connection ended by a TCP close or reset without an alert, a last line "#12 ← (connection closed by the server,
 * no alert)".
 */
export function transcriptLines(c: Conversation): string[] {
  const closed = closedLineShown(c);
  const w = String(c.messages.length + (closed ? 1 : 0)).length + 1;
  const lines = c.messages.map((m, i) => {
    const no = `#${m.index}`.padEnd(w);
    // The "first record after ChangeCipherSpec is the Finished" reading holds only for TLS 1.2.
    const prevSame = c.tlsVersion === "1.3" ? undefined : c.messages.slice(0, i).reverse().find((x) => x.direction === m.direction);
    let detail = messageDetail(m, prevSame);
    if (c.encryptedAlert?.messageIndex === m.index) detail = `(encrypted, ${c.encryptedAlert.length} bytes: the size of a TLS 1.3 alert; pass --keylog to read it)`;
    // Malformed-but-decoded input (e.g. tls.record.length.invalid) is shown, never dropped silently.
    const dec = (m.decrypted ? " [decrypted]" : "") + (m.warnings ?? []).map((x) => ` [warning ${x.field}: ${x.message}]`).join("");
    return m.direction === "client→server"
      ? `${no} ${m.type} →${detail ? " " + detail : ""}${dec}`
      : `${no} ← ${m.type}${detail ? " " + detail : ""}${dec}`;
  });
  if (closed) {
    const next = (c.messages[c.messages.length - 1]?.index ?? 0) + 1;
    const how = c.outcome === "reset" ? "connection reset by the server" : "connection closed by the server";
    lines.push(`${`#${next}`.padEnd(w)} ← (${how}${c.outcome === "closed-after-handshake" ? " after the handshake" : ""}, no alert)`);
  }
  return lines;
}

function endingWords(e: ProbeEvidence): string {
  const c = e.conversation;
  const a = c.alert;
  if (a && a.alert.level === 2) {
    const after = a.afterMessageIndex !== undefined ? c.messages[a.afterMessageIndex - 1] : undefined;
    const when = a.afterClientFinished
      ? " after the client's Finished (TLS 1.3: the server judged the certificate after the handshake)"
      : after
        ? ` after #${after.index} ${after.type}${after.type === "EncryptedHandshake" ? " (the client's encrypted Finished)" : ""}`
        : "";
    return `The ${a.sender} sent alert ${alertWords(a.alert)}${when}.`;
  }
  switch (c.outcome) {
    case "reset":
      return "The server reset the connection without an alert.";
    case "closed-during-handshake":
      return "The server closed the connection during the handshake, without an alert.";
    case "closed-after-handshake":
      return "The server closed the connection right after the handshake, without an alert (a Node server with rejectUnauthorized does this when it rejects the client certificate).";
    case "handshake-completed":
      return "The handshake completed and the server kept the connection open.";
    default:
      return e.clientError ? `The handshake failed: ${e.clientError}` : "The handshake did not complete.";
  }
}

function caLines(p: ServerPolicy): string[] {
  return p.acceptableCAs.flatMap((ca, i) => [`  ${String(i + 1).padStart(String(p.acceptableCAs.length).length)}. ${ca.dn}`, `     OpenSSL: ${ca.opensslDn}`]);
}

function policyWords(e: ProbeEvidence): string[] {
  const p = e.policy;
  if (!p.requested) return ["The server does not request a client certificate (no CertificateRequest)."];
  const out: string[] = [];
  const n = p.acceptableCAs.length;
  const verb =
    p.required === true
      ? "requires a client certificate"
      : p.required === false
        ? "asks for a client certificate but does not require one; it names"
        : "requests a client certificate (whether it is required was not tested)";
  if (p.certificateAuthoritiesState === "present-empty") {
    out.push(
      `The server ${p.required === true ? "requires" : "requests"} a client certificate and sent an EMPTY certificate_authorities extension (a zero-length list).`,
      "RFC 8446 §4.2.4 forbids that; Java clients abort with decode_error (50), OpenSSL and Node clients ignore it.",
    );
  } else if (n === 0) {
    const how = p.certificateAuthoritiesState === "absent" ? "no certificate_authorities extension" : "an empty CA list";
    out.push(
      `The server ${p.required === true ? "requires" : "requests"} a client certificate but names no CAs (${how}).`,
      "An issuer-filtering client such as Java then offers any certificate of a suitable key type.",
    );
  } else if (p.required === false) {
    out.push(`The server ${verb} these ${plural(n, "CA")}:`, ...caLines(p));
  } else {
    // The leaf may be issued by an intermediate: a chain qualifies when any of its certificates is issued by a listed CA.
    out.push(`The server ${verb} whose chain includes a certificate issued by ${n === 1 ? "this CA" : `one of these ${plural(n, "CA")}`}:`, ...caLines(p));
  }
  if (p.required === true && e.withoutCertificate) {
    const w = e.withoutCertificate.conversation;
    const how = w.alert && w.alert.alert.level === 2 ? `alert ${alertWords(w.alert.alert)}` : w.outcome.replace(/-/g, " ");
    out.push(`(Probed again without a certificate: the server answered ${how}.)`);
  } else if (p.required === false && e.withoutCertificate) {
    out.push("(Probed again without a certificate: the server accepted the connection.)");
  }
  if (p.signatureAlgorithms.length > 0) out.push(`Signature algorithms: ${p.signatureAlgorithms.map((s) => nameOf(SIGNATURE_SCHEMES, s)).join(", ")}`);
  if (p.signatureAlgorithmsCert) out.push(`Signature algorithms (certificates): ${p.signatureAlgorithmsCert.map((s) => nameOf(SIGNATURE_SCHEMES, s)).join(", ")}`);
  if (p.certificateTypes) out.push(`Certificate types: ${p.certificateTypes.map((t) => nameOf(CLIENT_CERTIFICATE_TYPES, t)).join(", ")}`);
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function certLines(list: CertInfo[]): string[] {
  return list.flatMap((c, i) => [
    `  ${i + 1}. ${c.subject}`,
    `     issuer ${c.issuer}`,
    `     valid ${iso(c.validFrom)} to ${iso(c.expiryDate)} (${c.isValid === "Yes" ? "valid now" : "NOT valid now"}), ${c.publicKey}, ${c.sigAlgName}`,
  ]);
}

/** The full text report of a probe. */
export function renderProbeText(e: ProbeEvidence): string {
  const c = e.conversation;
  const t = e.target.host.includes(":") ? `[${e.target.host}]:${e.target.port}` : `${e.target.host}:${e.target.port}`;
  const lines: string[] = [];
  lines.push(`Probe of ${t}${e.servername ? ` (SNI ${e.servername})` : ""}`);
  lines.push(`Protocol: ${c.tlsVersion ? `TLS ${c.tlsVersion}` : "not negotiated"}${c.cipher ? `, ${c.cipher}` : ""}`);
  lines.push(endingWords(e));
  if (c.visibility === "encrypted-after-server-hello") lines.push("(The TLS 1.3 handshake could not be decrypted; messages after the ServerHello are not readable.)");
  lines.push("", "Handshake messages:");
  lines.push(...transcriptLines(c).map((l) => "  " + l));
  lines.push("", "Client certificate:");
  lines.push(...policyWords(e).map((l) => "  " + l));
  if (e.clientCertificateSent === null) lines.push("  We sent no Certificate message.");
  else if (e.clientCertificateSent.length === 0) lines.push("  We sent an empty Certificate message (no client certificate).");
  else lines.push(`  We sent ${plural(e.clientCertificateSent.length, "certificate")}:`, ...certLines(e.clientCertificateSent).map((l) => "  " + l));
  lines.push("", "Server certificate chain:");
  if (e.serverCertificates.length === 0) lines.push("  (not seen)");
  else lines.push(...certLines(e.serverCertificates));
  return lines.join("\n") + "\n";
}
