/**
 * Alert knowledge: ONE table of what each server stack does when it rejects a client certificate, measured on
 * loopback with OpenSSL 3.0.19 s_server, a JDK 17 SSLServerSocket and a Node 20 tls server
 * (/work/shared/reference/alert-matrix.md). Read it both ways: server stack × cause → what the client sees
 * ({@link expectedOutcome}), and alert → the causes that produce it on a stack ({@link causesForAlert}).
 *
 * The table is the only place alert numbers are tied to causes (STYLE §2.5: one function maps a cause to its alert).
 * An alert confirms a diagnosis; it never makes one alone: Java says 46 for every path problem, Node sends no alert
 * at all when verification fails, and a Java client may see "Broken pipe" because the alert lost a race.
 */
import type { ServerStack } from "../evidence/model.js";
import { ALERT_DESCRIPTIONS } from "../wire/tables.generated.js";

/** Why a server rejects (or does not reject) a client's Certificate. */
export type RejectCause =
  | "no-certificate"
  | "unknown-issuer"
  | "expired"
  | "not-yet-valid"
  | "eku-not-client-auth"
  | "bad-certificate-verify";

/** What the client sees when a server of this stack rejects for this cause. */
export interface ServerReaction {
  /** Alert description sent server → client, or undefined when the server closes TCP without an alert. */
  alert?: number;
  /** The server's own log line for it (so the user can grep the server's log). */
  serverLog: string;
}

type Row = { stack: Exclude<ServerStack, "unknown">; cause: RejectCause; tls12: ServerReaction; tls13: ServerReaction };

const same = (r: ServerReaction): { tls12: ServerReaction; tls13: ServerReaction } => ({ tls12: r, tls13: r });

/** The measured table (alert-matrix.md "Summary" and "Key conclusions" 1, 2, 5). */
export const SERVER_REACTIONS: readonly Row[] = [
  // OpenSSL s_server -Verify N -verify_return_error (nginx `ssl_verify_client on` behaves the same: it is libssl).
  { stack: "openssl", cause: "no-certificate", tls12: { alert: 40, serverLog: "tls_process_client_certificate: peer did not return a certificate" }, tls13: { alert: 116, serverLog: "tls_process_client_certificate: peer did not return a certificate" } },
  { stack: "openssl", cause: "unknown-issuer", ...same({ alert: 48, serverLog: "verify error:num=20:unable to get local issuer certificate" }) },
  { stack: "openssl", cause: "expired", ...same({ alert: 45, serverLog: "verify error:num=10:certificate has expired" }) },
  { stack: "openssl", cause: "not-yet-valid", ...same({ alert: 42, serverLog: "verify error:num=9:certificate is not yet valid" }) },
  { stack: "openssl", cause: "eku-not-client-auth", ...same({ alert: 43, serverLog: "verify error:num=26:unsuitable certificate purpose" }) },
  { stack: "openssl", cause: "bad-certificate-verify", ...same({ alert: 51, serverLog: "tls_process_cert_verify: bad signature" }) },
  // Java SSLServerSocket with setNeedClientAuth(true) and the PKIX trust manager.
  { stack: "java", cause: "no-certificate", ...same({ alert: 42, serverLog: "SSLHandshakeException: Empty client certificate chain" }) },
  { stack: "java", cause: "unknown-issuer", ...same({ alert: 46, serverLog: "PKIX path building failed: unable to find valid certification path to requested target" }) },
  { stack: "java", cause: "expired", ...same({ alert: 46, serverLog: "PKIX path validation failed: validity check failed (CertificateExpiredException)" }) },
  { stack: "java", cause: "not-yet-valid", ...same({ alert: 46, serverLog: "PKIX path validation failed: validity check failed (CertificateNotYetValidException)" }) },
  { stack: "java", cause: "eku-not-client-auth", ...same({ alert: 46, serverLog: "Extended key usage does not permit use for TLS client authentication" }) },
  { stack: "java", cause: "bad-certificate-verify", ...same({ alert: 40, serverLog: "Invalid CertificateVerify signature" }) },
  // Node tls.createServer({ requestCert: true, rejectUnauthorized: true }).
  { stack: "node", cause: "no-certificate", tls12: { alert: 40, serverLog: "tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE" }, tls13: { alert: 116, serverLog: "tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE" } },
  { stack: "node", cause: "unknown-issuer", ...same({ serverLog: "tlsClientError ECONNRESET socket hang up (the real reason is not logged)" }) },
  { stack: "node", cause: "expired", ...same({ serverLog: "tlsClientError ECONNRESET socket hang up (the real reason is not logged)" }) },
  { stack: "node", cause: "not-yet-valid", ...same({ serverLog: "tlsClientError ECONNRESET socket hang up (the real reason is not logged)" }) },
  { stack: "node", cause: "eku-not-client-auth", ...same({ serverLog: "tlsClientError ECONNRESET socket hang up (the real reason is not logged)" }) },
  { stack: "node", cause: "bad-certificate-verify", ...same({ alert: 51, serverLog: "ERR_SSL_BAD_SIGNATURE" }) },
];

/** Plain-words label of a cause. */
export const CAUSE_LABEL: Record<RejectCause, string> = {
  "no-certificate": "the client sent no certificate (empty Certificate message)",
  "unknown-issuer": "the server cannot build a path from the client's chain to a CA it trusts (unknown root or missing intermediate)",
  expired: "a certificate of the client chain has expired",
  "not-yet-valid": "a certificate of the client chain is not yet valid",
  "eku-not-client-auth": "the client certificate's extendedKeyUsage does not allow clientAuth",
  "bad-certificate-verify": "the client's CertificateVerify signature does not verify (private key does not match the certificate)",
};

const STACKS: Exclude<ServerStack, "unknown">[] = ["openssl", "java", "node"];

/** What the client sees when a `stack` server rejects for `cause` in TLS `tlsVersion` ("1.3" or else 1.2). */
export function expectedOutcome(stack: Exclude<ServerStack, "unknown">, cause: RejectCause, tlsVersion: string): ServerReaction {
  const row = SERVER_REACTIONS.find((r) => r.stack === stack && r.cause === cause)!;
  return tlsVersion === "1.3" ? row.tls13 : row.tls12;
}

/**
 * The causes that make a `stack` server send `alert` (or close without one, when `alert` is undefined), with the
 * server log line that tells them apart. For an unknown stack, every stack's causes, each tagged with its stack.
 */
export function causesForAlert(
  alert: number | undefined,
  stack: ServerStack,
  tlsVersion: string,
): Array<{ stack: Exclude<ServerStack, "unknown">; cause: RejectCause; serverLog: string }> {
  const stacks = stack === "unknown" ? STACKS : [stack];
  const out: Array<{ stack: Exclude<ServerStack, "unknown">; cause: RejectCause; serverLog: string }> = [];
  for (const s of stacks) {
    for (const row of SERVER_REACTIONS) {
      if (row.stack !== s) continue;
      const r = tlsVersion === "1.3" ? row.tls13 : tlsVersion === "1.2" ? row.tls12 : undefined;
      const hit = r ? r.alert === alert : row.tls12.alert === alert || row.tls13.alert === alert;
      if (hit) out.push({ stack: s, cause: row.cause, serverLog: (r ?? row.tls12).serverLog });
    }
  }
  return out;
}

/** IANA name of an alert description (RFC 8446 §6), or `unknown(N)`. */
export function alertName(description: number): string {
  return ALERT_DESCRIPTIONS.names[description] ?? `unknown(${description})`;
}

/**
 * Client-side symptoms that hide the server's alert (alert-matrix.md conclusion 7 and the Node rows of 2): a Java
 * client often reports "Broken pipe" / "Connection reset" because it was still writing its flight when the server's
 * alert and FIN/RST arrived; a Node server sends no alert at all for a failed verification.
 */
export const LOST_ALERT_NOTE =
  "A client that saw no alert (Broken pipe, Connection reset, EOF) does not prove the server sent none: a Java client in TLS 1.2 often loses the server's alert to a TCP reset, and a Node server closes without an alert when verification fails.";
