/**
 * The probe: connects to a live server over a tapped `node:tls` socket, records the raw bytes both ways and the
 * key log, decodes the transcript (TLS 1.3 records decrypted with the key log), and reports what the server asks of
 * a client: whether it requests a certificate, whether it requires one, the acceptable CA names in the order
 * sent, the signature algorithms, and how the handshake ended (alert name, code, sender, after which message).
 */
import { createHash, type KeyObject } from "node:crypto";
import { MtlsDoctorError } from "../errors.js";
import type { Certificate, CertInfo } from "../pki/types.js";
import { parseCertificate } from "../pki/certificate.js";
import type { Conversation, ProbeEvidence } from "../evidence/model.js";
import { buildConversation, certificatesSent, policyFromConversation } from "../evidence/conversation.js";
import { runOnce, type PemCredential, type RawRun } from "./connect.js";
import { decodeTap } from "./decode.js";
import { formatTarget } from "./errors.js";

/** Options of {@link probe}. */
export interface ProbeOptions {
  host: string;
  /** TCP port, 1..65535. */
  port: number;
  /** SNI server_name; default: `host` unless it is an IP address. */
  servername?: string;
  /** Pin the protocol version; default: let the server choose from TLS 1.2 and 1.3. */
  tlsVersion?: "1.2" | "1.3";
  /** The client certificate chain (leaf first) and its private key to offer. Never logged or printed. */
  credential?: { chain: Certificate[]; privateKey: KeyObject };
  /** Budget per connection for TCP connect + TLS handshake, ms. Default 10000. */
  timeoutMs?: number;
  /**
   * When the server requests a certificate and a credential was offered, probe once more without a certificate to
   * learn whether it is *required*. Default true.
   */
  checkRequired?: boolean;
  /** TLS 1.3: how long to wait after the handshake for the server's verdict, ms. Default 1500. */
  graceMs?: number;
  /** ms since epoch for certificate validity judgements (certInfo.isValid). Default: the time of the probe. */
  now?: number;
}

/** Raw material of one probe connection turned into evidence (exported for reuse and tests). */
export interface ProbeRun {
  conversation: Conversation;
  /** The server let the connection through: handshake completed and no fatal alert, reset or close followed. */
  accepted: boolean;
  handshakeCompleted: boolean;
  clientError?: string;
}

function credentialPem(c: NonNullable<ProbeOptions["credential"]>): PemCredential {
  if (c.chain.length === 0) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "the client credential has no certificate");
  const certPem = c.chain
    .map((x) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(x.der).toString("base64").replace(/(.{64})/g, "$1\n").trim()}\n-----END CERTIFICATE-----\n`)
    .join("");
  const keyPem = c.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { certPem, keyPem };
}

/** Turns one raw connection into a Conversation (decoding the tap with the key log). */
export function conversationFromRun(run: RawRun, target: { host: string; port: number }): ProbeRun {
  const decoded = decodeTap(run.chunks, run.keyLog);
  const conversation = buildConversation(decoded, {
    source: "probe",
    client: run.client,
    server: { host: target.host, port: target.port },
    ...(run.servername !== undefined ? { sni: run.servername } : {}),
    ...(run.tlsVersion !== undefined ? { tlsVersion: run.tlsVersion } : {}),
    ...(run.cipher !== undefined ? { cipher: run.cipher } : {}),
    end: run.end ? { how: run.end.how === "reset" ? "reset" : "fin", by: "server" } : { how: "open" },
    handshakeCompleted: run.secureConnected,
  });
  const fatal = conversation.alert && conversation.alert.alert.level === 2;
  const accepted =
    run.secureConnected && !fatal && !run.clientError && !["reset", "closed-after-handshake", "closed-during-handshake"].includes(conversation.outcome);
  return {
    conversation,
    accepted,
    handshakeCompleted: run.secureConnected,
    ...(run.clientError ? { clientError: run.clientError.message.split("\n")[0]! } : {}),
  };
}

/** Checks what a JavaScript caller may get wrong despite the types (a port as a string, NaN budgets). */
function validateOptions(o: ProbeOptions): void {
  if (typeof o.host !== "string" || !o.host || /\s/.test(o.host))
    throw new MtlsDoctorError("MTLSD_ERR_BAD_TARGET", `bad host name ${JSON.stringify(o.host)}`);
  const port: unknown = o.port;
  if (typeof port !== "number")
    throw new MtlsDoctorError(
      "MTLSD_ERR_BAD_TARGET",
      `${o.host}: bad port ${JSON.stringify(port)}: the port must be a number (1..65535), not a ${port === null ? "null" : typeof port}`,
    );
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new MtlsDoctorError("MTLSD_ERR_BAD_TARGET", `${o.host}: bad port ${port} (expected an integer 1..65535)`);
  for (const [name, v] of [["timeoutMs", o.timeoutMs], ["graceMs", o.graceMs]] as const)
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0))
      throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${name}: expected a number of milliseconds ≥ 0, got ${JSON.stringify(v)}`);
}

function infos(ders: Uint8Array[] | null, now: number): CertInfo[] | null {
  if (ders === null) return null;
  // A certificate that does not parse is still evidence: keep a placeholder row rather than failing the probe.
  return ders.map((d) => {
    try {
      return parseCertificate(d).info(now);
    } catch (e) {
      const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
      return {
        basicConstraints: "", expiryDate: 0, isValid: "No", issuer: "", publicKey: "", serialNumber: "", sigAlgName: "",
        subject: `(unparseable certificate, ${d.length} bytes: ${why})`, subjectAlternativeNames: [], validFrom: 0, version: 0,
        sha256Fingerprint: createHash("sha256").update(d).digest("hex").toUpperCase().replace(/(..)(?=.)/g, "$1:"),
      } satisfies CertInfo;
    }
  });
}

/**
 * Probes `host:port` once with the credential (or without), and once more without a certificate when the server
 * requests one and `checkRequired` is on. Throws MtlsDoctorError: MTLSD_ERR_BAD_TARGET (bad host, a port that is not
 * a number 1..65535), MTLSD_ERR_USAGE (a negative or non-numeric timeoutMs/graceMs), MTLSD_ERR_UNREACHABLE (3),
 * MTLSD_ERR_REFUSED (5), MTLSD_ERR_TIMEOUT (6), MTLSD_ERR_NOT_TLS (7), MTLSD_ERR_BAD_KEY. A failed handshake is
 * not an error: it is the evidence (alert, close, reset) in the result.
 */
export async function probe(opts: ProbeOptions): Promise<ProbeEvidence> {
  validateOptions(opts);
  const started = Date.now();
  const base = {
    host: opts.host,
    port: opts.port,
    ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
    ...(opts.tlsVersion !== undefined ? { tlsVersion: opts.tlsVersion } : {}),
    timeoutMs: opts.timeoutMs ?? 10_000,
    graceMs: opts.graceMs ?? 1500,
    afterTicketGraceMs: Math.min(300, opts.graceMs ?? 1500),
  };
  const credential = opts.credential ? credentialPem(opts.credential) : undefined;
  const first = conversationFromRun(await runOnce({ ...base, ...(credential ? { credential } : {}) }), opts);
  const now = opts.now ?? started;

  let required: boolean | "unknown" = "unknown";
  let withoutCertificate: ProbeRun | undefined;
  const requested = policyFromConversation(first.conversation).requested;
  if (!requested) required = false;
  else if (!credential) required = !first.accepted;
  else if (opts.checkRequired !== false) {
    withoutCertificate = conversationFromRun(await runOnce(base), opts);
    required = !withoutCertificate.accepted;
  }
  const policy = policyFromConversation(first.conversation, required);

  const evidence: ProbeEvidence = {
    target: { host: opts.host, port: opts.port },
    ...(first.conversation.sni !== undefined ? { servername: first.conversation.sni } : {}),
    conversation: first.conversation,
    policy,
    serverCertificates: infos(certificatesSent(first.conversation, "server"), now) ?? [],
    clientCertificateSent: infos(certificatesSent(first.conversation, "client"), now),
    handshakeCompleted: first.handshakeCompleted,
    ...(first.clientError !== undefined ? { clientError: first.clientError } : {}),
    ...(first.conversation.tlsVersion !== undefined ? { tlsVersion: first.conversation.tlsVersion } : {}),
    ...(first.conversation.cipher !== undefined ? { cipher: first.conversation.cipher } : {}),
    accepted: first.accepted,
  };
  if (withoutCertificate) {
    evidence.withoutCertificate = {
      conversation: withoutCertificate.conversation,
      handshakeCompleted: withoutCertificate.handshakeCompleted,
      accepted: withoutCertificate.accepted,
      ...(withoutCertificate.clientError !== undefined ? { clientError: withoutCertificate.clientError } : {}),
    };
  }
  return evidence;
}

export { formatTarget };
