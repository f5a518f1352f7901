/**
 * The report view model (pattern: certigo's `createSimpleCertificate`, STYLE §4): built once from what a command
 * produced, then read by every renderer (text, JSON, Markdown, HTML). Plain data only: no class instances, no
 * `Uint8Array`, no colours, no localised text. Times are ms since epoch. `buildReportView` never reads the clock,
 * the environment or the current directory: the time a report was made comes in as `opts.now`.
 */
import type { Diagnosis, EvidenceRef, Finding, FindingId, Remediation, Severity, Verdict } from "../diagnose/types.js";
import type {
  AcceptableCA,
  Conversation,
  Endpoint,
  Evidence,
  Gap,
  Outcome,
  ProbeEvidence,
  ServerPolicy,
  TranscriptMessage,
} from "../evidence/model.js";
import type { CertInfo, EntryChecks, LoadedStore } from "../pki/types.js";
import { FAILED, type AnalyzeResult } from "../diagnose/capture.js";
import type { StoreEvidence } from "../evidence/model.js";
import { MtlsDoctorError } from "../errors.js";
import { VERSION } from "../version.js";
import { CIPHER_SUITES, SIGNATURE_SCHEMES, type IanaTable } from "../wire/tables.generated.js";
import { buildChainPanel, type ChainPanelView } from "./chainPanel.js";

export type { ChainPanelView, ChainCertView, PanelCAView, LookedForView } from "./chainPanel.js";

/** Version of the report document shape. Bumped on any incompatible change; every schema pins it with `const`. */
export const REPORT_SCHEMA_VERSION = "1.0" as const;

/** The report kinds; one JSON Schema each (`schemas/<kind>.schema.json`). */
export const REPORT_KINDS = ["diagnose", "probe", "analyze", "inspect"] as const;
/** One of {@link REPORT_KINDS}: the command a report is about. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/** What a command hands to {@link buildReportView}. */
export type ReportInput =
  | {
      kind: "diagnose";
      evidence: Evidence;
      diagnosis: Diagnosis;
    }
  | {
      kind: "probe";
      probe: ProbeEvidence;
      /** When the probe command also ran the rules. */
      diagnosis?: Diagnosis;
    }
  | {
      kind: "analyze";
      /** The capture or log file as given by the user (and its key log, if any). */
      source: { file: string; keylog?: string };
      /** The conversations (ignored when `analyses` is given: they come from there). */
      conversations?: Conversation[];
      policy?: ServerPolicy;
      diagnosis?: Diagnosis;
      /**
       * Each conversation with its own diagnosis (what `analyze` produces, see {@link analyzeReportView}). When given,
       * every conversation section carries its own summary, findings and chain-vs-CA panel, failed ones first, and
       * the headline and counts cover all of them; `conversations`, `policy` and `diagnosis` are then ignored.
       */
      analyses?: ConversationAnalysis[];
    }
  | {
      kind: "inspect";
      store: LoadedStore;
      /** Per alias, the checks of a private-key entry (src/pki). */
      checks?: Record<string, EntryChecks>;
    };

/** One conversation of an analysis with what was concluded about it. */
export interface ConversationAnalysis {
  conversation: Conversation;
  diagnosis: Diagnosis;
  /** What its CertificateRequest showed (absent when it had none). */
  policy?: ServerPolicy;
  /** Stores given with it: a client keystore's chain is what the chain-vs-CA panel compares. */
  stores?: StoreEvidence[];
}

/** Options of {@link buildReportView}. */
export interface BuildReportViewOptions {
  /**
   * When the report is made (ms since epoch); printed as "generated at". Also the time certificates are judged at
   * for `inspect` (required there). Diagnose judges at `evidence.now` when this is absent.
   */
  now?: number;
}

/** A named code point (certigo's `description`): machine id and a human label. */
export interface CodeView {
  code: number;
  /** IANA name, or `unknown(0x....)`. */
  name: string;
}

/**
 * One piece of evidence, as the finding holds it, plus a one-line label for people. `fromLog`: a DN read from a log
 * (no DER, compared by name); renderers print "(from a log)" after the DN, outside its quotes (the label already does).
 */
export type EvidenceView = EvidenceRef & { label: string; fromLog?: true };

/**
 * A Finding as reports show it: its evidence labelled for people, a unique `key` (HTML anchor), a link for its RFC
 * reference, and the conversation it belongs to.
 */
export interface FindingView {
  id: FindingId;
  /** Unique within the report, stable across runs: the id, or `id-2`, `id-3`... for repeats. Used as HTML anchor. */
  key: string;
  severity: Severity;
  title: string;
  evidence: EvidenceView[];
  remediation: Remediation;
  reference: string;
  /** A link for `reference` when it names an RFC section ("RFC 8446 §4.4.2"). */
  referenceUrl?: string;
  /** The `number` of the conversation this finding is about, when the report holds findings per conversation. */
  conversation?: number;
}

/** One transcript message as a report row (ladder, transcript table): what it was, where, and whether it failed. */
export interface MessageView {
  /** 1-based order in the conversation. */
  index: number;
  /** Wireshark frame number, when from a capture. */
  frame?: number;
  /** ms since epoch. */
  time?: number;
  direction: "client→server" | "server→client";
  contentType: string;
  type: string;
  /** Read through TLS 1.3 traffic keys from a key log. */
  decrypted: boolean;
  /** Encrypted and not readable (no key). */
  encrypted: boolean;
  /** Size of the message as seen, in bytes. */
  length: number;
  /** One short line about the content ("2 acceptable CA names", "empty (certificates_length 0)"). */
  detail?: string;
  /** The message carries an alert. */
  isAlert: boolean;
  /** The step the handshake failed at (named by an error finding, or the message an alert answers). */
  failing: boolean;
  /** Keys of the findings that point at this message. */
  findings: string[];
}

/** The conversation's alert (RFC 8446 §6, RFC 5246 §7.2) with who sent it and which message it answers. */
export interface AlertView {
  /** 1 warning, 2 fatal. */
  level: number;
  levelName: string;
  /** AlertDescription code point. */
  description: number;
  /** IANA name, e.g. "certificate_required". */
  descriptionName: string;
  sender: "client" | "server";
  /** `index` of the message carrying the alert. */
  messageIndex: number;
  /** `index` of the message just before it (what it answers). */
  afterMessageIndex?: number;
  /** TLS 1.3: sent after the client's Finished (the server judged the client certificate late). */
  afterClientFinished?: boolean;
}

/** One TLS conversation in a report: endpoints, version, transcript rows, alert; per-conversation verdict in `analyze`. */
export interface ConversationView {
  /** 1-based number within the report. */
  number: number;
  source: Conversation["source"];
  client: Endpoint;
  server: Endpoint;
  sni?: string;
  tlsVersion?: string;
  cipher?: string;
  visibility: Conversation["visibility"];
  outcome: Outcome;
  messages: MessageView[];
  gaps: Gap[];
  alert?: AlertView;
  closedWithoutAlert: boolean;
  /** Number of messages read through TLS 1.3 keys. */
  decryptedCount: number;
  /** Per-conversation reports (analyze): this conversation's verdict. */
  verdict?: Verdict;
  /** Per-conversation reports: one line on this conversation ("Problem: ..."). */
  summary?: string;
  /** Per-conversation reports: this conversation's finding counts. */
  counts?: { error: number; warning: number; info: number };
  /** Per-conversation reports: this conversation's findings (keys unique in the report), errors first. */
  findings?: FindingView[];
  /** Per-conversation reports: what this conversation's CertificateRequest asked for. */
  policy?: PolicyView;
  /** Per-conversation reports: this conversation's client chain beside its acceptable CAs. */
  chainPanel?: ChainPanelView;
  /** Prefix of this conversation's finding keys and HTML ids ("c2-"; "" when the report has one conversation). */
  anchorPrefix?: string;
}

/**
 * One name of the CertificateRequest's certificate_authorities (RFC 5246 §7.4.4, RFC 8446 §4.2.4), printed both
 * ways (Java and OpenSSL order) with its DER in hex.
 */
export interface AcceptableCAView {
  /** 0-based position in the list as sent. */
  index: number;
  /** Java/keytool style. */
  dn: string;
  /** As `openssl s_client` prints it. */
  opensslDn: string;
  /** DER of the Name, lower-case hex. */
  derHex: string;
  /** The name was read from a log (no DER: `derHex` is ""): renderers print "(from a log)" after the DN, outside its quotes. */
  fromLog?: true;
}

/** What the server asked of the client, from its CertificateRequest (a ServerPolicy as reports show it). */
export interface PolicyView {
  /** A CertificateRequest was sent. */
  requested: boolean;
  /** A handshake without a certificate fails; "unknown" when not tested. */
  required: boolean | "unknown";
  /** In the order sent; empty = the server named no CA. */
  acceptableCAs: AcceptableCAView[];
  /** TLS 1.3: certificate_authorities extension absent / present / present but empty (invalid, RFC 8446 §4.2.4). */
  certificateAuthoritiesState?: "absent" | "present" | "present-empty";
  /** signature_algorithms, named (RFC 8446 §4.2.3). */
  signatureAlgorithms: CodeView[];
  /** signature_algorithms_cert, when sent. */
  signatureAlgorithmsCert?: CodeView[];
  /** TLS 1.2 certificate_types (ClientCertificateType code points, RFC 5246 §7.4.4). */
  certificateTypes?: number[];
}

/** One entry check as people read it: a label, passed or not, and why. */
export interface CheckRowView {
  /** The EntryChecks field ("chainOrdered", "expired", ...): for machines, never shown as the label. */
  id: keyof EntryChecks;
  /** "Chain order (leaf first)", "Private key matches the leaf" ... */
  label: string;
  /** "pass", "fail", or "warn" (a failed check of severity warning). */
  status: "pass" | "fail" | "warn";
  reason: string;
}

/** One alias of a store in a report: its chain as certInfo records and, for key entries, its checks. */
export interface StoreEntryView {
  alias: string;
  kind: "private-key" | "trusted-cert";
  /** True when the entry holds a private key (the key itself never enters a report). */
  hasPrivateKey: boolean;
  /** Leaf first. */
  chain: CertInfo[];
  checks?: EntryChecks;
  /** `checks` as rows in the order `inspect` prints them, each with a human label and its reason. */
  checkRows?: CheckRowView[];
}

/** A keystore or truststore in a report (never a private key or password). */
export interface StoreView {
  /** The path as given. */
  file: string;
  /** What the store was given as. */
  role?: "client-keystore" | "server-truststore" | "client-truststore";
  /** "pem", "der", "pkcs12" or "jks". */
  format: string;
  formatDetail?: string;
  /** The alias the user picked, if any. */
  alias?: string;
  entries: StoreEntryView[];
}

/** What a live probe saw: the target, whether the handshake completed and was accepted, the certificates exchanged. */
export interface ProbeView {
  target: Endpoint;
  /** SNI sent. */
  servername?: string;
  /** The client saw the handshake complete (Node's secureConnect). */
  handshakeCompleted: boolean;
  /** The server let the connection through (no fatal alert, reset or close after the handshake). */
  accepted?: boolean;
  /** The error the client got (one line), when it failed. */
  clientError?: string;
  /** The extra run without a client certificate that decided whether one is required. */
  withoutCertificate?: { handshakeCompleted: boolean; accepted: boolean; clientError?: string };
  /** The server's chain as sent, leaf first. */
  serverCertificates: CertInfo[];
  /** null = no Certificate message; [] = an empty one. */
  clientCertificateSent: CertInfo[] | null;
}

/**
 * The one report view model (output of {@link buildReportView}) that the Markdown, HTML and JSON renderers read.
 * Plain data: serialisable as is; times are ms since epoch.
 */
export interface ReportView {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: ReportKind;
  tool: { name: "mtls-doctor"; version: string };
  /** ms since epoch, when `opts.now` was given. */
  generatedAt?: number;
  /** One line: what was looked at. */
  title: string;
  verdict?: Verdict;
  /** One line a person reads first. */
  headline: string;
  counts: { error: number; warning: number; info: number };
  target?: Endpoint & { sni?: string };
  /** The capture/log file for `analyze`. */
  sourceFile?: string;
  findings: FindingView[];
  conversations: ConversationView[];
  policy?: PolicyView;
  chainPanel?: ChainPanelView;
  stores: StoreView[];
  probe?: ProbeView;
}

/**
 * Builds the one view model every renderer reads.
 * @throws MtlsDoctorError MTLSD_ERR_INTERNAL when `inspect` is built without `opts.now` (certificates must be
 *   judged at an explicit time).
 */
export function buildReportView(input: ReportInput, opts: BuildReportViewOptions = {}): ReportView {
  const base = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: input.kind,
    tool: { name: "mtls-doctor" as const, version: VERSION },
    ...(opts.now !== undefined ? { generatedAt: opts.now } : {}),
  };
  switch (input.kind) {
    case "diagnose": {
      const { evidence, diagnosis } = input;
      const convs = uniqueConversations([
        ...(evidence.probe ? [evidence.probe.conversation] : []),
        ...evidence.conversations,
      ]);
      const policy = evidence.policy ?? evidence.probe?.policy;
      const findings = findingViews(diagnosis.findings);
      const target = evidence.probe
        ? { ...evidence.probe.target, ...(evidence.probe.servername ? { sni: evidence.probe.servername } : {}) }
        : convs[0]
          ? { ...convs[0].server, ...(convs[0].sni ? { sni: convs[0].sni } : {}) }
          : undefined;
      const stores = evidence.stores.map((s) =>
        storeView(s.store, evidence.now, s.role, s.alias),
      );
      const view: ReportView = {
        ...base,
        title: target ? `mTLS diagnosis of ${hostPort(target)}` : "mTLS diagnosis",
        verdict: diagnosis.verdict,
        headline: headline(diagnosis.verdict, findings),
        counts: countFindings(findings),
        ...(target ? { target } : {}),
        findings,
        conversations: convs.map((c, i) => conversationView(c, i + 1, findings)),
        ...(policy ? { policy: policyView(policy) } : {}),
        stores,
        ...(evidence.probe ? { probe: probeView(evidence.probe) } : {}),
      };
      const panel = buildChainPanel({
        stores: evidence.stores,
        conversations: convs,
        policy,
        findings: diagnosis.findings,
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "probe": {
      const p = input.probe;
      const findings = findingViews(input.diagnosis?.findings ?? []);
      const target = { ...p.target, ...(p.servername ? { sni: p.servername } : {}) };
      const view: ReportView = {
        ...base,
        title: `Probe of ${hostPort(target)}`,
        ...(input.diagnosis ? { verdict: input.diagnosis.verdict } : {}),
        headline: input.diagnosis
          ? headline(input.diagnosis.verdict, findings)
          : probeHeadline(p),
        counts: countFindings(findings),
        target,
        findings,
        conversations: [conversationView(p.conversation, 1, findings)],
        policy: policyView(p.policy),
        stores: [],
        probe: probeView(p),
      };
      const panel = buildChainPanel({
        stores: [],
        conversations: [p.conversation],
        policy: p.policy,
        findings: input.diagnosis?.findings ?? [],
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "analyze": {
      if (input.analyses) return analyzeByConversation(base, input.source, input.analyses);
      const findings = findingViews(input.diagnosis?.findings ?? []);
      const convs = input.conversations ?? [];
      const view: ReportView = {
        ...base,
        title: `Analysis of ${input.source.file}`,
        ...(input.diagnosis ? { verdict: input.diagnosis.verdict } : {}),
        headline: input.diagnosis
          ? headline(input.diagnosis.verdict, findings)
          : `${convs.length} TLS conversation${convs.length === 1 ? "" : "s"} found`,
        counts: countFindings(findings),
        sourceFile: input.source.file,
        findings,
        conversations: convs.map((c, i) => conversationView(c, i + 1, findings)),
        ...(input.policy ? { policy: policyView(input.policy) } : {}),
        stores: [],
      };
      const panel = buildChainPanel({
        stores: [],
        conversations: convs,
        policy: input.policy,
        findings: input.diagnosis?.findings ?? [],
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "inspect": {
      if (opts.now === undefined) {
        throw new MtlsDoctorError("MTLSD_ERR_INTERNAL", "buildReportView: an inspect report needs opts.now to judge validity");
      }
      const sv = storeView(input.store, opts.now, undefined, undefined, input.checks);
      const n = sv.entries.length;
      return {
        ...base,
        title: `Contents of ${input.store.file}`,
        headline: `${n} entr${n === 1 ? "y" : "ies"} (${sv.formatDetail ?? sv.format})`,
        counts: { error: 0, warning: 0, info: 0 },
        sourceFile: input.store.file,
        findings: [],
        conversations: [],
        stores: [sv],
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

function hostPort(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function uniqueConversations(list: Conversation[]): Conversation[] {
  return list.filter((c, i) => list.indexOf(c) === i);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function findingViews(findings: Finding[], keyPrefix = "", conversation?: number): FindingView[] {
  const seen = new Map<string, number>();
  // Stable: the engine already orders errors first; keep its order inside one severity.
  const ordered = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map((x) => x.f);
  return ordered.map((f) => {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    const url = referenceUrl(f.reference);
    return {
      id: f.id,
      key: `${keyPrefix}${n === 1 ? f.id : `${f.id}-${n}`}`,
      severity: f.severity,
      title: f.title,
      evidence: f.evidence.map((e) => ({ ...e, label: evidenceLabel(e), ...(e.kind === "dn" && e.derHex === undefined ? { fromLog: true as const } : {}) })),
      remediation: { ...f.remediation, steps: [...f.remediation.steps] },
      reference: f.reference,
      ...(url ? { referenceUrl: url } : {}),
      ...(conversation !== undefined ? { conversation } : {}),
    };
  });
}

type ViewBase = Pick<ReportView, "schemaVersion" | "kind" | "tool" | "generatedAt">;

/** A handshake that did not complete, or one the rules found a problem in. */
function failed(a: ConversationAnalysis): boolean {
  return a.diagnosis.verdict === "problem" || FAILED.has(a.conversation.outcome);
}

const VERDICT_ORDER: Record<Verdict, number> = { problem: 0, inconclusive: 1, healthy: 2 };

/** The analyze view with findings per conversation: failed conversations first (stable), headline over all. */
function analyzeByConversation(base: ViewBase, source: { file: string }, analyses: ConversationAnalysis[]): ReportView {
  const ordered = analyses
    .map((a, i) => ({ a, i }))
    .sort((x, y) => Number(failed(y.a)) - Number(failed(x.a)) || x.i - y.i)
    .map((x) => x.a);
  const multi = ordered.length > 1;
  const conversations = ordered.map((a, i) => {
    const number = i + 1;
    const prefix = multi ? `c${number}-` : "";
    const findings = findingViews(a.diagnosis.findings, prefix, number);
    const cv = conversationView(a.conversation, number, findings);
    cv.verdict = a.diagnosis.verdict;
    cv.summary = headline(a.diagnosis.verdict, findings);
    cv.counts = countFindings(findings);
    cv.findings = findings;
    cv.anchorPrefix = prefix;
    if (a.policy) cv.policy = policyView(a.policy);
    const panel = buildChainPanel({ stores: a.stores ?? [], conversations: [a.conversation], policy: a.policy, findings: a.diagnosis.findings });
    if (panel) cv.chainPanel = panel;
    return cv;
  });
  const findings = conversations.flatMap((c) => c.findings ?? []);
  const verdict = ordered.reduce<Verdict>((w, a) => (VERDICT_ORDER[a.diagnosis.verdict] < VERDICT_ORDER[w] ? a.diagnosis.verdict : w), "healthy");
  const n = ordered.length;
  let line: string;
  if (n === 0) line = "No TLS conversation found";
  else if (!multi) line = headline(verdict, findings);
  else {
    const bad = conversations.filter((c) => c.verdict === verdict).length;
    const first = findings.find((f) => f.severity === "error") ?? findings.find((f) => f.severity === "warning");
    line =
      verdict === "healthy"
        ? `Healthy: all ${n} mutual-TLS handshakes work`
        : `${verdict === "problem" ? "Problem" : "Inconclusive"} in ${bad} of ${n} TLS conversations${first ? `: ${first.title}` : ""}`;
  }
  return {
    ...base,
    title: `Analysis of ${source.file}`,
    ...(n > 0 ? { verdict } : {}),
    headline: line,
    counts: countFindings(findings),
    sourceFile: source.file,
    findings,
    conversations,
    stores: [],
  };
}

/**
 * The report view of `analyze` over a capture: every conversation with its own summary, ladder, chain-vs-CA panel and
 * findings (failed conversations first), the headline and counts over all of them.
 * @param now ms since epoch, printed as "generated at".
 */
export function analyzeReportView(r: AnalyzeResult, source: { file: string; keylog?: string }, now?: number): ReportView {
  return buildReportView(
    {
      kind: "analyze",
      source,
      analyses: r.conversations.map((a) => ({
        conversation: a.conversation,
        diagnosis: a.diagnosis,
        ...(a.evidence.policy ? { policy: a.evidence.policy } : {}),
        stores: a.evidence.stores,
      })),
    },
    now !== undefined ? { now } : {},
  );
}

/** "RFC 8446 §4.4.2" → the rfc-editor URL of that section; undefined for anything else. */
export function referenceUrl(reference: string): string | undefined {
  const m = /\bRFC\s?(\d{3,5})(?:[,\s]*(?:§|section\s)\s?([0-9A-Z][0-9.]*[0-9]|[0-9A-Z]))?/i.exec(reference);
  if (!m) return undefined;
  return `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ""}`;
}

function evidenceLabel(e: EvidenceRef): string {
  switch (e.kind) {
    case "certificate": {
      const where = { "client-chain": "client chain", "server-chain": "server chain", truststore: "truststore", keystore: "keystore" }[e.role];
      return `${where}${e.alias ? ` (alias ${e.alias})` : ""} #${e.index}: ${e.subject} — issued by ${e.issuer}`;
    }
    case "dn": {
      const role = {
        "acceptable-ca": "acceptable CA",
        "leaf-issuer": "leaf certificate's issuer",
        "chain-issuer": "chain issuer",
        "looked-for": "looked for",
      }[e.role];
      // A name without DER came from a log (compared by name): say so after the DN, as the text renderer does.
      return `${role}: ${e.dn}${e.derHex === undefined ? " (from a log)" : ""}`;
    }
    case "message":
      return `message #${e.index}${e.frame !== undefined ? ` (frame ${e.frame})` : ""} ${e.type}${e.detail ? `: ${e.detail}` : ""}`;
    case "field":
      return `${e.field} = ${String(e.value)}${e.frame !== undefined ? ` (frame ${e.frame})` : ""}`;
    case "alert":
      return `${e.sender} sent alert ${e.name}(${e.description})${e.messageIndex !== undefined ? ` as message #${e.messageIndex}` : ""}`;
    case "text":
      return e.text;
  }
}

function countFindings(f: FindingView[]): ReportView["counts"] {
  const c = { error: 0, warning: 0, info: 0 };
  for (const x of f) c[x.severity]++;
  return c;
}

function headline(verdict: Verdict, findings: FindingView[]): string {
  const first = findings.find((f) => f.severity === "error") ?? findings.find((f) => f.severity === "warning");
  switch (verdict) {
    case "healthy":
      return "Healthy: the mutual-TLS handshake works";
    case "problem":
      return first ? `Problem: ${first.title}` : "Problem found";
    case "inconclusive":
      return first ? `Inconclusive: ${first.title}` : "Inconclusive: not enough evidence to name a cause";
  }
}

function probeHeadline(p: ProbeEvidence): string {
  if (p.accepted === true || (p.accepted === undefined && p.handshakeCompleted)) return "The server accepted the connection";
  const a = p.conversation.alert;
  // TLS 1.3: the client's handshake completes before the server judges its certificate.
  const what = p.handshakeCompleted ? "The server rejected the client" : "Handshake failed";
  if (a) return `${what}: ${a.sender} sent ${a.alert.descriptionName}(${a.alert.description})`;
  if (p.conversation.closedWithoutAlert) return `${what}: the connection closed without an alert`;
  return what;
}

export function codeName(table: IanaTable, code: number): string {
  return table.names[code] ?? `unknown(0x${code.toString(16).padStart(table.width * 2, "0")})`;
}

function policyView(p: ServerPolicy): PolicyView {
  return {
    requested: p.requested,
    required: p.required,
    acceptableCAs: p.acceptableCAs.map((ca: AcceptableCA, i) => ({
      index: i,
      dn: ca.dn,
      opensslDn: ca.opensslDn,
      derHex: Buffer.from(ca.der).toString("hex"),
      ...(ca.source === "log" || ca.der.length === 0 ? { fromLog: true as const } : {}),
    })),
    ...(p.certificateAuthoritiesState ? { certificateAuthoritiesState: p.certificateAuthoritiesState } : {}),
    signatureAlgorithms: p.signatureAlgorithms.map((c) => ({ code: c, name: codeName(SIGNATURE_SCHEMES, c) })),
    ...(p.signatureAlgorithmsCert
      ? { signatureAlgorithmsCert: p.signatureAlgorithmsCert.map((c) => ({ code: c, name: codeName(SIGNATURE_SCHEMES, c) })) }
      : {}),
    ...(p.certificateTypes ? { certificateTypes: [...p.certificateTypes] } : {}),
  };
}

function probeView(p: ProbeEvidence): ProbeView {
  return {
    target: { ...p.target },
    ...(p.servername ? { servername: p.servername } : {}),
    handshakeCompleted: p.handshakeCompleted,
    ...(p.accepted !== undefined ? { accepted: p.accepted } : {}),
    ...(p.clientError ? { clientError: p.clientError } : {}),
    ...(p.withoutCertificate
      ? {
          withoutCertificate: {
            handshakeCompleted: p.withoutCertificate.handshakeCompleted,
            accepted: p.withoutCertificate.accepted,
            ...(p.withoutCertificate.clientError ? { clientError: p.withoutCertificate.clientError } : {}),
          },
        }
      : {}),
    serverCertificates: p.serverCertificates.map(copyCertInfo),
    clientCertificateSent: p.clientCertificateSent ? p.clientCertificateSent.map(copyCertInfo) : null,
  };
}

function copyCertInfo(c: CertInfo): CertInfo {
  const out: CertInfo = { ...c, subjectAlternativeNames: [...c.subjectAlternativeNames] };
  if (c.keyUsage) out.keyUsage = [...c.keyUsage];
  if (c.extendedKeyUsage) out.extendedKeyUsage = [...c.extendedKeyUsage];
  return out;
}

function storeView(
  store: LoadedStore,
  now: number,
  role?: StoreView["role"],
  alias?: string,
  checks?: Record<string, EntryChecks>,
): StoreView {
  return {
    file: store.file,
    ...(role ? { role } : {}),
    format: store.format,
    ...(store.formatDetail ? { formatDetail: store.formatDetail } : {}),
    ...(alias ? { alias } : {}),
    entries: store.entries.map((e) => {
      const c = checks?.[e.alias];
      return {
        alias: e.alias,
        kind: e.kind,
        hasPrivateKey: e.privateKey !== undefined,
        chain: e.chain.map((cert) => copyCertInfo(cert.info(now))),
        ...(c ? { checks: structuredClone(c), checkRows: checkRows(c, e.chain.map((cert) => cert.info(now)), now) } : {}),
      };
    }),
  };
}

const isoUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The entry checks of a private-key entry as labelled rows, in the order `inspect` prints them; the validity rows
 * name each certificate and its date, judged at `now` (ms since epoch).
 */
export function checkRows(k: EntryChecks, chain: CertInfo[], now: number): CheckRowView[] {
  const row = (id: keyof EntryChecks, label: string, r: { ok: boolean; reason: string; severity?: "warning" }): CheckRowView => ({
    id,
    label,
    status: r.ok ? "pass" : r.severity === "warning" ? "warn" : "fail",
    reason: r.reason,
  });
  const who = (i: number) => `#${i}${chain[i] ? ` "${chain[i]!.subject}"` : ""}`;
  const dated = (idx: number[], pick: (c: CertInfo) => number, bad: string, good: string, earliest: boolean) => {
    if (idx.length > 0) return { ok: false, reason: idx.map((i) => `${who(i)} ${bad} ${chain[i] ? isoUtc(pick(chain[i]!)) : ""}`.trim()).join("; ") };
    const dates = chain.map((c, i) => ({ i, t: pick(c) })).sort((a, b) => (earliest ? a.t - b.t : b.t - a.t));
    const d = dates[0];
    return { ok: true, reason: `no certificate ${good} at ${isoUtc(now)}${d ? ` (${earliest ? "first expiry" : "latest start"}: ${who(d.i)} ${isoUtc(d.t)})` : ""}` };
  };
  const rows: CheckRowView[] = [
    row("chainOrdered", "Chain order (leaf first, each issued by the next)", k.chainOrdered),
    row("signaturesValid", "Signatures verify", k.signaturesValid),
  ];
  if (k.chainComplete) rows.push(row("chainComplete", "Chain complete (ends at a root or a CA)", k.chainComplete));
  rows.push(
    row("keyMatchesLeaf", "Private key matches the leaf certificate", k.keyMatchesLeaf),
    row("expired", "Not expired (notAfter)", dated(k.expired, (c) => c.expiryDate, "expired", "expired", true)),
    row("notYetValid", "Already valid (notBefore)", dated(k.notYetValid, (c) => c.validFrom, "not valid before", "not yet valid", false)),
    row("clientAuthAllowed", "Extended key usage allows clientAuth", k.clientAuthAllowed),
    row("digitalSignatureAllowed", "Key usage allows digitalSignature", k.digitalSignatureAllowed),
  );
  return rows;
}

function conversationView(c: Conversation, number: number, findings: FindingView[]): ConversationView {
  // The failing step: the message the alert judges (alertJudgedMessage); without an alert, the messages error
  // findings name (a close without an alert, a reset).
  const byIndex = new Map<number, string[]>();
  const named = new Set<number>();
  for (const f of findings) {
    for (const e of f.evidence) {
      if (e.kind !== "message") continue;
      byIndex.set(e.index, [...(byIndex.get(e.index) ?? []), f.key]);
      if (f.severity === "error") named.add(e.index);
    }
  }
  const judged = alertJudgedMessage(c);
  const indexes = new Set(c.messages.map((m) => m.index));
  const failing = judged !== undefined ? new Set([judged]) : new Set([...named].filter((i) => indexes.has(i)));
  const messages = c.messages.map((m) => messageView(m, failing.has(m.index), byIndex.get(m.index) ?? []));
  const a = c.alert;
  return {
    number,
    source: c.source,
    client: { ...c.client },
    server: { ...c.server },
    ...(c.sni ? { sni: c.sni } : {}),
    ...(c.tlsVersion ? { tlsVersion: c.tlsVersion } : {}),
    ...(c.cipher ? { cipher: c.cipher } : {}),
    visibility: c.visibility,
    outcome: c.outcome,
    messages,
    gaps: c.gaps.map((g) => ({ ...g })),
    ...(a
      ? {
          alert: {
            level: a.alert.level,
            levelName: a.alert.levelName,
            description: a.alert.description,
            descriptionName: a.alert.descriptionName,
            sender: a.sender,
            messageIndex: a.messageIndex,
            ...(a.afterMessageIndex !== undefined ? { afterMessageIndex: a.afterMessageIndex } : {}),
            ...(a.afterClientFinished !== undefined ? { afterClientFinished: a.afterClientFinished } : {}),
          },
        }
      : {}),
    closedWithoutAlert: c.closedWithoutAlert === true,
    decryptedCount: c.messages.filter((m) => m.decrypted).length,
  };
}

/** Alerts that judge the peer's certificate (RFC 8446 §6.2, RFC 5246 §7.2.2): 42 bad_certificate,
 * 43 unsupported_certificate, 44 certificate_revoked, 45 certificate_expired, 46 certificate_unknown, 48 unknown_ca,
 * and 49 access_denied ("a valid certificate or PSK was received, but when access control was applied..."). */
const CERTIFICATE_ALERTS: ReadonlySet<number> = new Set([42, 43, 44, 45, 46, 48, 49]);

/**
 * The `index` of the transcript message a conversation's alert judges: the failing step a ladder marks.
 *
 * The sender of an alert judges what its peer sent (RFC 8446 §6.2, RFC 5246 §7.2.2), not whatever message happened
 * to arrive last (in TLS 1.2 the client's encrypted Finished usually sits between its Certificate and the server's
 * unknown_ca). So:
 * - a certificate alert (42, 43, 44, 45, 46, 48, 49): the peer's last Certificate message before the alert;
 * - handshake_failure(40) or certificate_required(116) after the peer sent an empty Certificate: that Certificate;
 * - decrypt_error(51): the peer's last CertificateVerify (a signature that did not verify);
 * - otherwise, or when that message is not readable (TLS 1.3 without keys): the message just before the alert.
 * Undefined when the conversation has no alert.
 */
export function alertJudgedMessage(c: Conversation): number | undefined {
  const a = c.alert;
  if (!a) return undefined;
  const peer = a.sender === "server" ? "client→server" : "server→client";
  const fromPeer = c.messages.filter((m) => m.direction === peer && m.index < a.messageIndex).reverse();
  const d = a.alert.description;
  // A Certificate from a log has no body unless empty: count what the log printed.
  const cert = fromPeer.find((m) => m.body?.type === "Certificate" || (m.type === "Certificate" && m.loggedCertificates !== undefined));
  if (cert) {
    const n = cert.body?.type === "Certificate" ? cert.body.entries.length : cert.loggedCertificates!.length;
    if (CERTIFICATE_ALERTS.has(d)) return cert.index;
    if ((d === 40 || d === 116) && n === 0) return cert.index;
  }
  if (d === 51) {
    const cv = fromPeer.find((m) => m.body?.type === "CertificateVerify");
    if (cv) return cv.index;
  }
  return a.afterMessageIndex;
}

function messageView(m: TranscriptMessage, failing: boolean, findingKeys: string[]): MessageView {
  const detail = messageDetail(m);
  return {
    index: m.index,
    ...(m.frame !== undefined ? { frame: m.frame } : {}),
    ...(m.time !== undefined ? { time: m.time } : {}),
    direction: m.direction,
    contentType: m.contentType,
    type: m.type,
    decrypted: m.decrypted,
    encrypted: m.encrypted,
    length: m.raw.length,
    ...(detail ? { detail } : {}),
    isAlert: m.contentType === "alert" || m.body?.type === "Alert",
    failing,
    findings: findingKeys,
  };
}

const VERSION_NAMES: Record<number, string> = { 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3" };

function versionName(v: number): string {
  return VERSION_NAMES[v] ?? `0x${v.toString(16).padStart(4, "0")}`;
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One short line describing a message's content, from its decoded body. */
function messageDetail(m: TranscriptMessage): string | undefined {
  const b = m.body;
  // From a log: no bytes, but the certificates the log printed ([] = an empty Certificate).
  if (!b && m.type === "Certificate" && m.loggedCertificates) {
    return m.loggedCertificates.length === 0 ? "empty (certificates_length 0)" : plural(m.loggedCertificates.length, "certificate");
  }
  if (!b) return m.encrypted ? "encrypted" : undefined;
  switch (b.type) {
    case "ClientHello": {
      const parts: string[] = [];
      if (b.serverName) parts.push(`SNI ${b.serverName}`);
      if (b.supportedVersions?.length) parts.push(`versions ${b.supportedVersions.map(versionName).join(", ")}`);
      parts.push(plural(b.cipherSuites.length, "cipher suite"));
      return parts.join("; ");
    }
    case "ServerHello":
      return `${versionName(b.selectedVersion ?? b.legacyVersion)}, ${codeName(CIPHER_SUITES, b.cipherSuite)}`;
    case "HelloRetryRequest":
      return `retry: ${codeName(CIPHER_SUITES, b.cipherSuite)}`;
    case "Certificate":
      return b.entries.length === 0
        ? "empty (certificates_length 0)"
        : `${plural(b.entries.length, "certificate")} (certificates_length ${b.certificatesLength})`;
    case "CertificateRequest": {
      const n = b.certificateAuthorities.length;
      if (b.certificateAuthoritiesState === "absent") return "no certificate_authorities (any CA)";
      if (b.certificateAuthoritiesState === "present-empty") return "certificate_authorities present but empty";
      return n === 0 ? "no acceptable CA names (any CA)" : plural(n, "acceptable CA name");
    }
    case "CertificateVerify":
      return codeName(SIGNATURE_SCHEMES, b.signatureScheme);
    case "Alert":
      return `${b.levelName} ${b.descriptionName}(${b.description})`;
    case "ApplicationData":
      return `${b.length} bytes`;
    case "Undecodable":
      return `not decodable: ${b.error}`;
    default:
      return undefined;
  }
}
