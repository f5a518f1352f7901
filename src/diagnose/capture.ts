/**
 * Library entry of `mtls-doctor analyze` (and `diagnose --capture`): capture file → TLS conversations (src/capture) →
 * per-conversation summary and diagnosis (this layer).
 *
 * One streaming pass: reader → link/IP/TCP → reassembly → TLS decoder. Memory is bounded by the open connections
 * and the handshake messages kept, not by the file size.
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { MtlsDoctorError } from "../errors.js";
import { fileError } from "../files.js";
import { KeyLog } from "../wire/tls13/keylog.js";
import type { AlertMessage, CertificateMsg } from "../wire/types.js";
import type { AcceptableCA, Conversation, Endpoint, Evidence, LogEvidence, ServerStack, StoreEvidence } from "../evidence/model.js";
import { policyFromConversation } from "../evidence/conversation.js";
import { diagnose, type DiagnoseOptions, type DiagnosisDetail } from "./engine.js";
import type { Finding } from "./types.js";
import { unreadRemedy } from "./rules/refs.js";
import { checkTime } from "./validate.js";
import type { ClientStack } from "../evidence/model.js";
import { readCaptureFile } from "../capture/reader.js";
import { TcpReassembler, type ConnectionInfo } from "../capture/reassembly.js";
import { TlsStreamHandler, type CapturedConversation } from "../capture/conversations.js";

/** Options of {@link analyzeCapture}: key log, endpoint filter, stores and logs for the diagnosis, clocks, callbacks. */
export interface AnalyzeOptions {
  /** NSS key log file (SSLKEYLOGFILE / openssl -keylogfile) for TLS 1.3 decryption. */
  keyLogFile?: string;
  /** Key log text (in addition to the file and any pcapng Decryption Secrets Block). */
  keyLogText?: string;
  /** Keep only conversations with this endpoint: "host:port", "[v6]:port", ":port" or "host". */
  filter?: string;
  /** Client keystores / server truststores given to the diagnose engine with each conversation. */
  stores?: StoreEvidence[];
  /** The client stack, to model how it picks its certificate (default: none assumed). */
  clientStack?: ClientStack;
  /** The server stack, to read its alerts right (default: unknown). */
  serverStack?: ServerStack;
  /** Logs (src/logs `readLog`) given to the diagnose engine with each conversation (`diagnose --capture --log`). */
  logs?: LogEvidence[];
  /** Java key manager and pinned alias for the client model. */
  diagnoseOptions?: DiagnoseOptions;
  /**
   * ms since epoch used for certificate validity in the diagnosis. Default: the time of the conversation's first
   * message in the capture (the certificates are judged as of the handshake), so results do not depend on the clock.
   */
  now?: number;
  /**
   * ms since epoch of the report (the real clock). With the default `now` (the handshake's time), findings about a
   * certificate invalid then also say whether it is still invalid today (`Evidence.today`).
   */
  today?: number;
  /** Progress callback: bytes of the file read so far, and its size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Warnings as they happen (truncated file, skipped packets...). They are also in the result. */
  onWarning?: (message: string) => void;
}

/** One message line of the summary (JSON `messages[]`). */
export interface MessageSummary {
  index: number;
  /** Wireshark frame number of the packet that completed the message. */
  frame?: number;
  /** ms since epoch. */
  time?: number;
  direction: "client→server" | "server→client";
  type: string;
  encrypted: boolean;
  decrypted: boolean;
  /** Certificate: certificate_list length in bytes (Wireshark tls.handshake.certificates_length). */
  certificatesLength?: number;
  /** Certificate: number of certificates. */
  certificates?: number;
  /** Alert: level and IANA description. */
  alert?: { level: string; description: number; name: string };
}

/** What `analyze` reports per conversation (JSON shape of `conversations[]`). */
export interface ConversationSummary {
  client: Endpoint;
  server: Endpoint;
  sni?: string;
  tlsVersion?: string;
  cipher?: string;
  /** Frame of the connection's first packet. */
  firstFrame: number;
  messages: MessageSummary[];
  /** From the CertificateRequest, in the order sent; null when no CertificateRequest was seen. */
  acceptableCAs: AcceptableCA[] | null;
  /** Length of the client's certificate_list (0 = the client sent an empty Certificate); null when not seen. */
  clientCertificateLength: number | null;
  alert: { sender: "client" | "server"; level: string; description: number; name: string; frame?: number } | null;
  /** TLS 1.3 without the keys: the last record was encrypted and the size of an alert (see Conversation.encryptedAlert). */
  encryptedAlert?: { sender: "client" | "server"; messageIndex: number; length: number; frame?: number };
  /**
   * TLS 1.3 without the keys: the encrypted alert-sized records that are most likely close_notify, in conversation
   * order (see Conversation.encryptedCloseNotify); absent when none.
   */
  encryptedCloseNotify?: Array<{ sender: "client" | "server"; messageIndex: number; length: number; frame?: number }>;
  /**
   * TLS 1.3 without the keys: true when `outcome` says completed on inference (tickets, application data or a
   * close_notify exchange after the client's flight), not from the Finished messages (Conversation.handshakeCompletedInferred).
   */
  handshakeCompletedInferred?: boolean;
  outcome: Conversation["outcome"];
  visibility: Conversation["visibility"];
  /** What the capture could not show, in plain words (e.g. TLS 1.3 without a key log). */
  notes: string[];
  gaps: Conversation["gaps"];
  findings: Finding[];
}

/** One TLS conversation of a capture: its summary (JSON shape), the full conversation, and its diagnosis. */
export interface AnalyzedConversation {
  /** What `analyze` prints and serialises for it. */
  summary: ConversationSummary;
  /** The conversation in the shared evidence model (transcript, policy, alert, outcome). */
  conversation: Conversation;
  /** What `diagnose` found for it. */
  diagnosis: DiagnosisDetail;
  /** The evidence the diagnosis read (this conversation, its policy, the stores and logs given). */
  evidence: Evidence;
}

/** The result of {@link analyzeCapture}: what the file held and every TLS conversation in it, analysed. */
export interface AnalyzeResult {
  /** The capture path as given. */
  file: string;
  /** Capture format, detected from the magic number (pcap: libpcap; pcapng: draft-ietf-opsawg-pcapng). */
  format: "pcap" | "pcapng";
  /** Packets read. */
  packets: number;
  /** Bytes read from the file. */
  bytes: number;
  /** The file ended inside a packet (the complete packets before it were analysed; see `warnings`). */
  truncated: boolean;
  /** Failed handshakes first, then by first frame. */
  conversations: AnalyzedConversation[];
  /** One line each: truncation, skipped packets, ignored key log lines... */
  warnings: string[];
  /** Number of key log secrets available (file, text, and pcapng Decryption Secrets Blocks); 0 = no key log. */
  keyLogEntries: number;
  /** With --filter: the filter as given, and the TCP connections it left out (to say what the capture holds). */
  filter?: { text: string; skipped: Array<{ client: Endpoint; server: Endpoint; firstFrame: number }> };
}

/** Parsed --filter. */
interface EndpointFilter {
  host?: string;
  port?: number;
}

/** Parses "host:port", "[v6]:port", ":port", "port" or "host". @throws MtlsDoctorError MTLSD_ERR_USAGE */
export function parseEndpointFilter(s: string): EndpointFilter {
  const t = s.trim();
  let m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(t);
  if (m) return { host: m[1]!.toLowerCase(), ...(m[2] ? { port: Number(m[2]) } : {}) };
  m = /^([^:\s]*):(\d+)$/.exec(t);
  let f: EndpointFilter | undefined;
  if (m) f = { ...(m[1] ? { host: m[1].toLowerCase() } : {}), port: Number(m[2]) };
  else if (/^\d+$/.test(t)) f = { port: Number(t) };
  else if (t && !/\s/.test(t)) f = { host: t.toLowerCase() };
  // A capture holds addresses, not names: a host must be an IP address (or localhost); a port 1..65535.
  const badHost = f?.host !== undefined && f.host !== "localhost" && isIP(f.host) === 0;
  const badPort = f?.port !== undefined && (f.port < 1 || f.port > 65535);
  if (!f || badHost || badPort) {
    throw new MtlsDoctorError(
      "MTLSD_ERR_USAGE",
      `--filter ${JSON.stringify(s)}: ${badHost ? `"${f!.host}" is not an IP address (a capture holds addresses, not names); ` : badPort ? `port ${f!.port} is out of range 1-65535; ` : ""}expected host:port, [ipv6]:port, :port, port or host, with host an IP address or localhost`,
    );
  }
  return f;
}

function matches(f: EndpointFilter, e: Endpoint): boolean {
  return (f.host === undefined || f.host === e.host || (f.host === "localhost" && (e.host === "127.0.0.1" || e.host === "::1"))) && (f.port === undefined || f.port === e.port);
}

/** Outcomes of a handshake that did not complete (failed, or the capture ends before it does). */
export const FAILED: ReadonlySet<Conversation["outcome"]> = new Set(["alert", "reset", "closed-during-handshake", "incomplete"]);

/** Reads a key log file. @throws MtlsDoctorError MTLSD_ERR_FILE_NOT_FOUND / MTLSD_ERR_BAD_KEYLOG */
async function loadKeyLogFile(file: string, keyLog: KeyLog, warn: (m: string) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw fileError(file, e, "key log file");
  }
  const before = keyLog.size;
  const problems = keyLog.add(text);
  if (keyLog.size === before) {
    const why = problems[0] ? ` (line ${problems[0].line}: ${problems[0].reason})` : " (it is empty)";
    throw new MtlsDoctorError(
      "MTLSD_ERR_BAD_KEYLOG",
      `${file}: not an NSS key log${why}; expected lines like "CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random hex> <secret hex>"`,
    );
  }
  if (problems.length > 0) warn(`${file}: ${problems.length} key log line(s) ignored (first: line ${problems[0]!.line}: ${problems[0]!.reason})`);
}

/**
 * Analyses a capture file.
 * @throws MtlsDoctorError MTLSD_ERR_FILE_NOT_FOUND, MTLSD_ERR_EMPTY_FILE, MTLSD_ERR_NOT_A_CAPTURE,
 *   MTLSD_ERR_BAD_CAPTURE (header unreadable, or corrupt before any packet), MTLSD_ERR_BAD_KEYLOG, MTLSD_ERR_USAGE.
 *   Corruption after some packets and a truncated last packet become warnings; what was read is analysed.
 */
export async function analyzeCapture(file: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  if (opts.now !== undefined) checkTime(opts.now, "now");
  if (opts.today !== undefined) checkTime(opts.today, "today");
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.onWarning?.(m);
  };
  const filter = opts.filter !== undefined ? parseEndpointFilter(opts.filter) : undefined;
  const keyLog = new KeyLog();
  if (opts.keyLogFile) await loadKeyLogFile(opts.keyLogFile, keyLog, warn);
  if (opts.keyLogText) keyLog.add(opts.keyLogText);

  const captured: CapturedConversation[] = [];
  const skipped: Array<{ client: Endpoint; server: Endpoint; firstFrame: number }> = [];
  const reassembler = new TcpReassembler((info: ConnectionInfo) => {
    if (filter && !matches(filter, info.client) && !matches(filter, info.server)) {
      if (skipped.length < 1000) skipped.push({ client: info.client, server: info.server, firstFrame: info.firstFrame });
      return null;
    }
    return new TlsStreamHandler(info, keyLog, (c) => captured.push(c));
  });
  let summary;
  try {
    summary = await readCaptureFile(
      file,
      {
        onPacket: (p) => reassembler.packet(p),
        onKeyLog: (text) => {
          const problems = keyLog.add(text);
          if (problems.length > 0) warn(`${file}: ${problems.length} line(s) of the embedded key log were ignored`);
        },
        onWarning: warn,
      },
      opts.onProgress ? { onProgress: opts.onProgress } : {},
    );
  } catch (e) {
    // Corruption after some packets: keep what was read. Anything before the first packet is fatal.
    if (e instanceof MtlsDoctorError && e.code === "MTLSD_ERR_BAD_CAPTURE" && reassembler.stats.packets > 0) {
      warn(`${e.message}; analysed the ${reassembler.stats.packets} packets before it`);
      summary = { format: "pcap" as const, packets: reassembler.stats.packets, bytes: 0, truncated: true, linkTypes: [] };
      if (file.endsWith(".pcapng")) summary.format = "pcapng" as never;
    } else throw e;
  }
  reassembler.finish();
  for (const w of reassembler.warnings(file)) warn(w);
  if (reassembler.stats.packets > 0 && reassembler.stats.tcpPackets === 0 && reassembler.stats.unknownLinkTypes.size > 0) {
    // Nothing decodable at all: say so plainly (the per-link-type warning has the detail).
  }

  // A key log was given (file, text, or embedded in a pcapng): an encrypted handshake then means no secrets matched.
  const keyLogGiven = keyLog.size > 0 || !!opts.keyLogFile || !!opts.keyLogText;
  const conversations = captured.map((c) => analyzeOne(c, keyLogGiven, opts));
  conversations.sort((a, b) => {
    const fa = FAILED.has(a.summary.outcome) ? 0 : 1;
    const fb = FAILED.has(b.summary.outcome) ? 0 : 1;
    return fa - fb || a.summary.firstFrame - b.summary.firstFrame;
  });
  return {
    file,
    format: summary.format,
    packets: summary.packets,
    bytes: summary.bytes,
    truncated: summary.truncated,
    conversations,
    warnings,
    keyLogEntries: keyLog.size,
    ...(opts.filter !== undefined ? { filter: { text: opts.filter, skipped } } : {}),
  };
}

/**
 * "no TLS conversation matches --filter X; the capture holds N TCP connection(s): a → b, ..." when a filter left
 * nothing to analyse, else undefined.
 */
export function filterMatchedNothing(r: AnalyzeResult): string | undefined {
  if (!r.filter || r.conversations.length > 0) return undefined;
  const hp = (e: Endpoint) => (e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);
  const n = r.filter.skipped.length;
  const list = r.filter.skipped.slice(0, 5).map((c) => `${hp(c.client)} → ${hp(c.server)} (frame ${c.firstFrame})`).join(", ");
  return `no TLS conversation matches --filter ${r.filter.text}; the capture holds ${n === 0 ? "no TCP connection" : `${n} TCP connection(s): ${list}${n > 5 ? ", ..." : ""}`}`;
}

function analyzeOne(c: CapturedConversation, haveKeys: boolean, opts: AnalyzeOptions): AnalyzedConversation {
  const conv = c.conversation;
  const policy = policyFromConversation(conv);
  const now = opts.now ?? conv.messages.find((m) => m.time !== undefined && m.time > 0)?.time ?? 0;
  const evidence: Evidence = {
    now,
    ...(opts.today !== undefined && opts.now === undefined ? { today: opts.today } : {}),
    stores: opts.stores ?? [],
    conversations: [conv],
    ...(policy.requested ? { policy } : {}),
    ...(opts.clientStack ? { clientStack: opts.clientStack } : {}),
    ...(opts.serverStack ? { serverStack: opts.serverStack } : {}),
    ...(opts.logs?.length ? { logs: opts.logs } : {}),
    ...(haveKeys ? { keyLogGiven: true } : {}),
  };
  const diagnosis = diagnose(evidence, opts.diagnoseOptions ?? {});
  return { summary: summarize(c, policy.requested ? policy.acceptableCAs : null, haveKeys, diagnosis.findings), conversation: conv, diagnosis, evidence };
}

function summarize(c: CapturedConversation, acceptableCAs: AcceptableCA[] | null, haveKeys: boolean, findings: Finding[]): ConversationSummary {
  const conv = c.conversation;
  const messages: MessageSummary[] = conv.messages.map((m) => {
    const s: MessageSummary = {
      index: m.index,
      ...(m.frame !== undefined ? { frame: m.frame } : {}),
      ...(m.time !== undefined ? { time: m.time } : {}),
      direction: m.direction,
      type: m.type,
      encrypted: m.encrypted,
      decrypted: m.decrypted,
    };
    const b = m.body;
    if (b && b.type === "Certificate") {
      s.certificatesLength = (b as CertificateMsg).certificatesLength;
      s.certificates = (b as CertificateMsg).entries.length;
    } else if (b && b.type === "Alert") {
      const a = b as AlertMessage;
      s.alert = { level: a.levelName, description: a.description, name: a.descriptionName };
    }
    return s;
  });
  const clientCert = conv.messages.find((m) => m.direction === "client→server" && m.body?.type === "Certificate");
  const alertMsg = conv.alert ? conv.messages[conv.alert.messageIndex - 1] : undefined;
  const notes: string[] = [];
  const hiddenHandshake = conv.messages.some((m) => m.type === "EncryptedHandshake" && !m.decrypted);
  if (conv.tlsVersion === "1.3" && hiddenHandshake) {
    notes.push(
      haveKeys
        ? `TLS 1.3: ${unreadRemedy(conv, true)}, so the CertificateRequest and the client's Certificate are encrypted`
        : "TLS 1.3 without a key log: the CertificateRequest and the client's Certificate are encrypted; pass --keylog",
    );
  }
  if (conv.encryptedAlert) {
    const ea = conv.encryptedAlert;
    const m = conv.messages.find((x) => x.index === ea.messageIndex);
    const otherDir = ea.sender === "server" ? "client→server" : "server→client";
    const afterFlight = conv.messages.some((x) => x.index < ea.messageIndex && x.direction === otherDir && x.encrypted);
    notes.push(
      `frame ${m?.frame ?? "?"}: the ${ea.sender} sent an encrypted record the size of an alert (${ea.length} bytes)` +
        `${afterFlight ? ` after the ${ea.sender === "server" ? "client" : "server"}'s flight` : ""}; ` +
        (haveKeys ? `${unreadRemedy(conv, true)}, so its description cannot be read` : "without the key log its description cannot be read; pass --keylog"),
    );
  }
  if (conv.gaps.length > 0) {
    const bytes = conv.gaps.reduce((a, g) => a + g.bytes, 0);
    notes.push(`${bytes} byte(s) of this connection were not captured (${conv.gaps.length} gap(s)); messages in them could not be read`);
  }
  if (c.info.midStream) notes.push("the capture started after this connection was opened; its beginning was not seen");
  const skipped = c.skippedRecords.client + c.skippedRecords.server;
  if (skipped > 0) notes.push(`${skipped} application-data record(s) after the handshake were skipped by length`);
  return {
    client: conv.client,
    server: conv.server,
    ...(conv.sni !== undefined ? { sni: conv.sni } : {}),
    ...(conv.tlsVersion !== undefined ? { tlsVersion: conv.tlsVersion } : {}),
    ...(conv.cipher !== undefined ? { cipher: conv.cipher } : {}),
    firstFrame: c.firstFrame,
    messages,
    acceptableCAs,
    clientCertificateLength: clientCert ? (clientCert.body as CertificateMsg).certificatesLength : null,
    alert: conv.alert
      ? {
          sender: conv.alert.sender,
          level: conv.alert.alert.levelName,
          description: conv.alert.alert.description,
          name: conv.alert.alert.descriptionName,
          ...(alertMsg?.frame !== undefined ? { frame: alertMsg.frame } : {}),
        }
      : null,
    ...(conv.encryptedAlert
      ? {
          encryptedAlert: {
            ...conv.encryptedAlert,
            ...(conv.messages.find((m) => m.index === conv.encryptedAlert!.messageIndex)?.frame !== undefined
              ? { frame: conv.messages.find((m) => m.index === conv.encryptedAlert!.messageIndex)!.frame! }
              : {}),
          },
        }
      : {}),
    ...(conv.encryptedCloseNotify?.length
      ? {
          encryptedCloseNotify: conv.encryptedCloseNotify.map((x) => {
            const frame = conv.messages.find((m) => m.index === x.messageIndex)?.frame;
            return { ...x, ...(frame !== undefined ? { frame } : {}) };
          }),
        }
      : {}),
    ...(conv.handshakeCompletedInferred ? { handshakeCompletedInferred: true } : {}),
    outcome: conv.outcome,
    visibility: conv.visibility,
    notes,
    gaps: conv.gaps,
    findings,
  };
}

/** The JSON document `analyze --json` prints. DER values are hex strings. */
export function analyzeResultToJson(r: AnalyzeResult): unknown {
  return {
    file: r.file,
    format: r.format,
    packets: r.packets,
    truncated: r.truncated,
    warnings: r.warnings,
    conversations: r.conversations.map(({ summary: s }) => ({
      ...s,
      acceptableCAs: s.acceptableCAs?.map((ca) => ({ dn: ca.dn, opensslDn: ca.opensslDn, derHex: Buffer.from(ca.der).toString("hex") })) ?? null,
    })),
  };
}

/** Whether an analysed conversation failed: its handshake did not complete, or the diagnosis found a problem. */
export function conversationFailed(a: AnalyzedConversation): boolean {
  return FAILED.has(a.summary.outcome) || a.diagnosis.verdict === "problem";
}

/** `diagnose --capture --json`: what the capture held, one line per conversation (JSON `capture`). */
export interface CaptureOverview {
  file: string;
  format: "pcap" | "pcapng";
  packets: number;
  truncated: boolean;
  keyLogEntries: number;
  /** 1-based number (in `conversations`) of the conversation whose diagnosis the document carries; null when none. */
  diagnosed: number | null;
  conversations: {
    number: number;
    client: Endpoint;
    server: Endpoint;
    sni?: string;
    tlsVersion?: string;
    firstFrame: number;
    outcome: Conversation["outcome"];
    verdict: DiagnosisDetail["verdict"];
    failed: boolean;
    findings: string[];
  }[];
}

/** The overview of an analysis for `diagnose --capture`; `diagnosed` is the 1-based number of the chosen conversation. */
export function captureOverview(r: AnalyzeResult, diagnosed: number | null): CaptureOverview {
  return {
    file: r.file,
    format: r.format,
    packets: r.packets,
    truncated: r.truncated,
    keyLogEntries: r.keyLogEntries,
    diagnosed,
    conversations: r.conversations.map((a, i) => ({
      number: i + 1,
      client: a.summary.client,
      server: a.summary.server,
      ...(a.summary.sni !== undefined ? { sni: a.summary.sni } : {}),
      ...(a.summary.tlsVersion !== undefined ? { tlsVersion: a.summary.tlsVersion } : {}),
      firstFrame: a.summary.firstFrame,
      outcome: a.summary.outcome,
      verdict: a.diagnosis.verdict,
      failed: conversationFailed(a),
      findings: a.diagnosis.findings.map((f) => f.id),
    })),
  };
}
