/**
 * The support bundle of `mtls-doctor gather`: the playbook's "must-gather" list as files.
 *
 * What goes in: the keystore/truststore certInfo listing (never a private key, never a password), the probe result,
 * the capture summary, the summary of each log given (Java `javax.net.debug` / gateway logs, see ./bundleLogs.ts;
 * the log itself only when asked for), the diagnosis (JSON, Markdown, HTML), tool and runtime versions, what was asked
 * for, and a README of what is inside. With `redact`, host names/addresses and every DN attribute value are replaced by stable
 * placeholders (see ./redact.ts), the same in every file; DER hex of names is dropped.
 *
 * Pure: builds the file list from what the caller gathered; writing it (folder or .tar.gz) is the CLI's job.
 */
import { basename } from "node:path";
import type { AnalyzeResult } from "../diagnose/capture.js";
import type { DiagnosisDetail } from "../diagnose/engine.js";
import type { Conversation, Evidence, ProbeEvidence, ServerPolicy, StoreEvidence } from "../evidence/model.js";
import type { EntryChecks } from "../pki/types.js";
import { logBundleFiles, registerLogHosts, registerLogNames, type GatheredLog } from "./bundleLogs.js";
import { namesOf } from "./chainPanel.js";
import { isoTime } from "./format.js";
import { renderHtml } from "./html/page.js";
import { analyzeDocument, diagnoseDocument, probeDocument, renderJsonDocument, type JsonDocument } from "./documents.js";
import { mdText, renderMarkdown } from "./markdown.js";
import { Redactor } from "./redact.js";
import { renderProbeText } from "./text/probe.js";
import { analyzeReportView, buildReportView, type ReportView } from "./view.js";

/** Everything `gather` collected. Each piece optional; `missing` says what could not be gathered and why. */
export interface GatherInput {
  /** When the bundle was made, ms since epoch (also the time certificates are judged at). */
  now: number;
  /** Tool and runtime versions ("mtls-doctor", "node", "openssl (node)", "platform", ...). */
  versions: Record<string, string>;
  /** What was asked for (the options, WITHOUT passwords; keys naming a password are dropped anyway). */
  request: Record<string, string | number | boolean | string[]>;
  stores: (StoreEvidence & { checks?: Record<string, EntryChecks> })[];
  probe?: ProbeEvidence;
  /** The capture: the analysis (for capture-summary.json) and its conversations and policy (for the report view). */
  capture?: { file: string; keylog?: string; analysis: AnalyzeResult; conversations: Conversation[]; policy?: ServerPolicy };
  /** The logs given (`--log`), in order: each summarised; its raw text copied only with `includeRawLogs`. */
  logs?: GatheredLog[];
  evidence?: Evidence;
  diagnosis?: DiagnosisDetail;
  /** The server asked for (`--connect`), also when it could not be probed. */
  target?: { host: string; port: number };
  /**
   * What is not in the bundle and why. `failed`: it was asked for and could not be gathered (the README says so, and
   * `gather` prints it on stderr and exits non-zero); otherwise it was not asked for or only partly read.
   */
  missing: { piece: string; reason: string; failed?: boolean }[];
}

/** One file of a support bundle (UTF-8 text). */
export interface BundleFile {
  /** Relative path inside the bundle. */
  path: string;
  /** The file's text (JSON, Markdown, HTML or plain text). */
  content: string;
  /** One line for the README. */
  description: string;
}

/** Options of {@link buildBundle}. */
export interface BundleOptions {
  /** Replace host names/addresses and DN attribute values by stable placeholders, and drop DER hex (see Redactor). */
  redact: boolean;
  /** Copy each log's text into the bundle (`log-N.log`); off by default: logs can hold secrets. */
  includeRawLogs?: boolean;
}

/** Builds the bundle's files. Never includes key material or passwords: only certInfo records, the commands' JSON documents and report views. */
export function buildBundle(input: GatherInput, opts: BundleOptions): BundleFile[] {
  const r = new Redactor();
  if (opts.redact) register(r, input);
  const red = <T>(x: T): T => (opts.redact ? dropDerHex(r.deep(x)) : x);
  /** A JSON document, redacted; `schemaVersion` and `$schema` are kept as they are (never passed through redaction). */
  const redDoc = (d: JsonDocument): JsonDocument => ({ ...red(d), schemaVersion: d.schemaVersion, $schema: d.$schema });
  const path = (p: string): string => (opts.redact ? r.apply(basename(p)) : p);
  const files: BundleFile[] = [];

  files.push({
    path: "versions.json",
    content: JSON.stringify(input.versions, null, 2) + "\n",
    description: "mtls-doctor, Node.js, OpenSSL (as linked into Node) and platform versions",
  });
  const request = Object.fromEntries(
    Object.entries(input.request)
      .filter(([k]) => !/pass|secret|key-?password/i.test(k))
      .map(([k, v]) => {
        const isPath = /keystore|truststore|capture|keylog|log|cert|key/i.test(k);
        return [k, isPath && typeof v === "string" ? path(v) : isPath && Array.isArray(v) ? v.map(path) : v];
      }),
  );
  files.push({
    path: "request.json",
    content: JSON.stringify(red(request), null, 2) + "\n",
    description: "what was gathered from (options given; passwords are never recorded)",
  });

  if (input.stores.length) {
    const listing = input.stores.map((s) => ({
      file: path(s.store.file),
      role: s.role,
      ...(s.alias ? { alias: s.alias } : {}),
      format: s.store.format,
      ...(s.store.formatDetail ? { formatDetail: s.store.formatDetail } : {}),
      entries: s.store.entries.map((e) => ({
        alias: e.alias,
        kind: e.kind,
        hasPrivateKey: e.privateKey !== undefined,
        certInfo: e.chain.map((c) => c.info(input.now)),
        ...(s.checks?.[e.alias] ? { checks: s.checks[e.alias] } : {}),
      })),
    }));
    files.push({
      path: "keystore-certinfo.json",
      content: JSON.stringify(red(listing), null, 2) + "\n",
      description: "every alias of each store with its chain as certInfo records (like Apigee's \"Get cert\" API); no private keys",
    });
  }

  if (input.probe) {
    files.push({ path: "probe.json", content: renderJsonDocument(redDoc(probeDocument(input.probe))), description: "the probe result, as `probe --json` prints it (schemas/probe.schema.json)" });
    files.push({
      path: "probe.txt",
      content: opts.redact ? r.apply(renderProbeText(input.probe)) : renderProbeText(input.probe),
      description: "the probe result as `mtls-doctor probe` prints it",
    });
  }

  if (input.capture) {
    const c = input.capture;
    // every conversation with its own findings and chain panel (failed first), as `analyze --format markdown` shows it
    const v = red(fileView(analyzeReportView(c.analysis, { file: c.file, ...(c.keylog ? { keylog: c.keylog } : {}) }, input.now), path));
    const doc = analyzeDocument(c.analysis);
    files.push({
      path: "capture-summary.json",
      content: renderJsonDocument(redDoc({ ...doc, file: path(c.analysis.file) })),
      description: "the TLS conversations found in the capture, as `analyze --json` prints them (schemas/analyze.schema.json)",
    });
    files.push({ path: "capture-summary.md", content: renderMarkdown(v), description: "the same, as Markdown" });
  }

  if (input.logs?.length) {
    files.push(...logBundleFiles(input.logs, { redact: opts.redact, includeRaw: opts.includeRawLogs === true, r, path, redDoc }));
  }

  if (input.evidence && input.diagnosis) {
    const v = red(fileView(buildReportView({ kind: "diagnose", evidence: input.evidence, diagnosis: input.diagnosis }, { now: input.now }), path));
    const ev = input.evidence;
    const doc = diagnoseDocument(input.diagnosis, {
      ...ev,
      stores: ev.stores.map((s) => ({ ...s, store: { ...s.store, file: path(s.store.file) } })),
      ...(ev.logs ? { logs: ev.logs.map((l) => ({ ...l, file: path(l.file) })) } : {}),
    });
    files.push({ path: "diagnosis.json", content: renderJsonDocument(redDoc(doc)), description: "findings with evidence and fixes, as `diagnose --json` prints them (schemas/diagnose.schema.json)" });
    files.push({ path: "diagnosis.md", content: renderMarkdown(v), description: "a compact summary to paste into a ticket" });
    files.push({ path: "report.html", content: renderHtml(v), description: "the full report with the handshake ladder; opens offline in any browser" });
  }

  files.unshift({ path: "README.md", content: readme(input, files, opts, path, r), description: "this file" });
  return files;
}

/** File paths inside views become what {@link buildBundle} shows for them (basename when redacting). */
function fileView(v: ReportView, path: (p: string) => string): ReportView {
  return {
    ...v,
    ...(v.sourceFile ? { sourceFile: path(v.sourceFile), title: v.title.replace(v.sourceFile, path(v.sourceFile)) } : {}),
    stores: v.stores.map((s) => ({ ...s, file: path(s.file) })),
    ...(v.chainPanel?.storeFile ? { chainPanel: { ...v.chainPanel, storeFile: path(v.chainPanel.storeFile) } } : {}),
    conversations: v.conversations.map((c) =>
      c.chainPanel?.storeFile ? { ...c, chainPanel: { ...c.chainPanel, storeFile: path(c.chainPanel.storeFile) } } : c,
    ),
  };
}

function dropDerHex<T>(x: T): T {
  if (Array.isArray(x)) return x.map(dropDerHex) as T;
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    // DER of names: hex (derHex) and base64 (probe's acceptableCAs[].der) are dropped, their strings left empty.
    for (const [k, v] of Object.entries(x)) out[k] = (k === "derHex" || k === "der") && typeof v === "string" ? "" : dropDerHex(v);
    return out as T;
  }
  return x;
}

function registerConversation(r: Redactor, c: Conversation): void {
  r.addHost(c.server.host);
  r.addHost(c.client.host);
  r.addHost(c.sni);
  for (const m of c.messages) {
    if (m.body?.type === "ClientHello") r.addHost(m.body.serverName);
    if (m.body?.type === "Certificate") {
      for (const e of m.body.entries) {
        const n = namesOf(e.certData);
        if (n) {
          r.addName(n.subjectDer);
          r.addName(n.issuerDer);
        }
      }
    }
    if (m.body?.type === "CertificateRequest") for (const d of m.body.certificateAuthorities) r.addName(d);
  }
}

function registerPolicy(r: Redactor, p: ServerPolicy | undefined): void {
  for (const ca of p?.acceptableCAs ?? []) r.addName(ca.der);
}

/** Registers every host and DN value the bundle could print: hosts first, so a host that is also a CN reads host-N. */
function register(r: Redactor, input: GatherInput): void {
  const convs: Conversation[] = [];
  const probes = [input.probe, input.evidence?.probe].filter((p): p is ProbeEvidence => p !== undefined);
  r.addHost(input.target?.host);
  for (const g of input.logs ?? []) registerLogHosts(r, g);
  for (const p of probes) {
    r.addHost(p.target.host);
    r.addHost(p.servername);
    convs.push(p.conversation);
    if (p.withoutCertificate) convs.push(p.withoutCertificate.conversation);
  }
  convs.push(...(input.capture?.conversations ?? []), ...(input.evidence?.conversations ?? []));
  for (const c of convs) {
    r.addHost(c.server.host);
    r.addHost(c.client.host);
    r.addHost(c.sni);
  }
  const stores = [...input.stores, ...(input.evidence?.stores ?? [])];
  for (const s of stores) for (const e of s.store.entries) for (const c of e.chain) for (const san of c.info(input.now).subjectAlternativeNames) r.addSan(san);
  for (const p of probes) for (const c of [...p.serverCertificates, ...(p.clientCertificateSent ?? [])]) for (const san of c.subjectAlternativeNames) r.addSan(san);
  // then DN values
  for (const s of stores) {
    for (const e of s.store.entries) {
      for (const c of e.chain) {
        r.addName(c.subjectDer);
        r.addName(c.issuerDer);
      }
    }
  }
  for (const c of convs) registerConversation(r, c);
  for (const g of input.logs ?? []) registerLogNames(r, g);
  // Findings quote a log's path ("mtls-doctor diagnose --log <path>"): show the name the bundle uses for it.
  for (const g of input.logs ?? []) r.addReplacement(g.log.file, r.apply(basename(g.log.file)));
  for (const p of probes) registerPolicy(r, p.policy);
  registerPolicy(r, input.capture?.policy);
  registerPolicy(r, input.evidence?.policy);
  const captureFindings = input.capture?.analysis.conversations.flatMap((a) => a.diagnosis.findings) ?? [];
  for (const f of [...(input.diagnosis?.findings ?? []), ...captureFindings]) {
    for (const e of f.evidence) if (e.kind === "dn" && e.derHex) r.addName(Buffer.from(e.derHex, "hex"));
  }
}

function readme(input: GatherInput, files: BundleFile[], opts: BundleOptions, path: (p: string) => string, r: Redactor): string {
  const t = (s: string) => (opts.redact ? r.apply(s) : s);
  const lines = [
    "# mtls-doctor support bundle",
    "",
    `Gathered ${isoTime(input.now)} by mtls-doctor ${input.versions["mtls-doctor"] ?? ""}.`.replace(/ \.$/, "."),
    "",
  ];
  const target = input.target ?? input.probe?.target ?? input.evidence?.probe?.target;
  if (target) {
    const host = target.host.includes(":") ? `[${t(target.host)}]` : t(target.host);
    lines.push(`Target: \`${host}:${target.port}\`${input.probe || input.evidence?.probe ? "" : " (not reached: see Not gathered)"}`);
  }
  for (const s of input.stores) lines.push(`Store: \`${path(s.store.file)}\` (${s.role}${s.alias ? `, alias ${t(s.alias)}` : ""})`);
  if (input.capture) lines.push(`Capture: \`${path(input.capture.file)}\``);
  (input.logs ?? []).forEach((g, i) => lines.push(`Log ${i + 1}: \`${path(g.log.file)}\` (${g.log.kind === "jsse-debug" ? "JSSE debug output" : g.log.kind === "gateway" ? "gateway/application log" : "JSSE debug output and application lines"}, ${g.log.lines} lines)`));
  if (input.diagnosis) lines.push(`Verdict: **${input.diagnosis.verdict}**${input.diagnosis.findings[0] ? ` — ${mdText(t(input.diagnosis.findings[0].title))}` : ""}`);
  lines.push("", "## What is inside", "", "| file | what |", "|---|---|");
  for (const f of [{ path: "README.md", description: "this file" }, ...files]) lines.push(`| \`${f.path}\` | ${f.description.replace(/\|/g, "\\|")} |`);
  if (input.missing.length) {
    lines.push("", "## Not gathered", "");
    for (const m of input.missing) lines.push(`- ${m.piece}${m.failed ? " (asked for, **failed**)" : ""}: ${mdText(t(m.reason))}`);
  }
  lines.push(
    "",
    "## What is never inside",
    "",
    "No private key and no password: stores are listed as certInfo records (subject, issuer, validity, key type and",
    "size, fingerprints); the private key only shows as `hasPrivateKey: true`. Passwords are not recorded anywhere.",
  );
  if (input.logs?.length) {
    lines.push(
      "",
      opts.includeRawLogs
        ? "The logs themselves are inside (`log-N.log`, asked for with `--include-raw-logs`). Logs can hold secrets: Java's"
        : "The logs themselves are not inside, only their summaries (`log-N-summary.*`): logs can hold secrets (Java's",
      opts.includeRawLogs
        ? "`-Djavax.net.debug=all` prints key material and session secrets, and application lines can carry tokens or"
        : "`-Djavax.net.debug=all` prints key material and session secrets, and application lines can carry tokens or",
      opts.includeRawLogs
        ? "passwords. Read them before sending this bundle on."
        : "passwords). Give `--include-raw-logs` to copy them in.",
    );
  }
  if (opts.redact) {
    lines.push(
      "",
      "## Redaction",
      "",
      "Host names and addresses read `host-1`, `host-2`, …; every value inside a distinguished name reads `<dn-1>`,",
      "`<dn-2>`, … (for example `CN=<dn-1>, O=<dn-2>`). The same value has the same placeholder in every file of this",
      "bundle, so chains and CA lists can still be compared. DER hex of names is left out. The mapping is not stored.",
    );
    if (input.logs?.length) {
      lines.push(
        "",
        "From logs (which carry no DER), the values redacted are those of the DNs and hosts the log's TLS lines name,",
        "DN attributes written in its text (`CN=…`), IPv4 addresses and URL hosts; other free text (org or proxy names,",
        `file paths, host names written in prose) is not recognised${opts.includeRawLogs ? ", so read the raw logs before sending them on" : ""}.`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
