/**
 * The logs of a support bundle (`gather --log`): Java `-Djavax.net.debug` output and gateway/message-processor logs
 * as read by src/logs `readLog`, their summary (what `analyze <log>` prints, text and JSON), and, only when asked
 * for, the log itself (logs can hold secrets: JSSE `all` debug output prints key material).
 *
 * Redaction: a log has no DER, so its host names and DN values are collected from what `readLog` parsed (endpoints,
 * SNI, subjectAltNames, the DNs of CertificateRequests and logged certificates) and from the text of every notable
 * line it kept (DN attribute assignments like `CN=...`, IPv4 addresses, `host_name` values, URL hosts); when the raw
 * log goes into the bundle, its whole text is scanned the same way. Pure: no I/O.
 */
import type { AnalyzeLogResult } from "../diagnose/logfile.js";
import type { LogEvidence, LoggedCertificate } from "../evidence/model.js";
import { parseJavaDn } from "../logs/dn.js";
import { analyzeLogDocument, renderJsonDocument, type JsonDocument } from "./documents.js";
import type { Redactor } from "./redact.js";
import { renderAnalyzeLogText } from "./text/analyze.js";

/** One log given to `gather`: what `readLog` made of it, its analysis, and (with `--include-raw-logs`) its text. */
export interface GatheredLog {
  log: LogEvidence;
  /** `analyzeLog` over it (per handshake its diagnosis). */
  analysis: AnalyzeLogResult;
  /** The log's text (decompressed), only when it is to be copied into the bundle. */
  raw?: string;
}

/** A bundle file as {@link logBundleFiles} makes it (the same shape as bundle.ts's BundleFile). */
interface LogFile {
  path: string;
  content: string;
  description: string;
}

/** How bundle.ts transforms what it writes: redaction of text and documents, and how a path is shown. */
export interface LogBundleContext {
  redact: boolean;
  includeRaw: boolean;
  r: Redactor;
  /** A path as the bundle shows it (its base name, redacted, when redacting). */
  path: (p: string) => string;
  /** A JSON document with every string redacted (when redacting) and DER hex dropped. */
  redDoc: (d: JsonDocument) => JsonDocument;
}

/**
 * The files for the logs, numbered in the order given: `log-N-summary.txt` (as `analyze <log>` prints it),
 * `log-N-summary.json` (as `analyze --json <log>` prints it, schemas/analyze.schema.json) and, with `includeRaw`,
 * `log-N.log` (the log itself; redacted too when redacting).
 */
export function logBundleFiles(logs: GatheredLog[], cx: LogBundleContext): LogFile[] {
  const files: LogFile[] = [];
  logs.forEach((g, i) => {
    const n = i + 1;
    const shown = cx.path(g.log.file);
    const a: AnalyzeLogResult = { ...g.analysis, file: shown, log: { ...g.analysis.log, file: shown } };
    const text = renderAnalyzeLogText(a);
    files.push({
      path: `log-${n}-summary.txt`,
      content: cx.redact ? cx.r.apply(text) : text,
      description: `what \`${shown}\` shows, as \`mtls-doctor analyze <log>\` prints it: each logged handshake (messages with their log lines, CA names, the client's Certificate, the alert), what JSSE said, and its diagnosis`,
    });
    files.push({
      path: `log-${n}-summary.json`,
      content: renderJsonDocument(cx.redDoc(analyzeLogDocument(a))),
      description: `the same, as \`analyze --json\` prints it (schemas/analyze.schema.json)`,
    });
    if (cx.includeRaw && g.raw !== undefined) {
      files.push({
        path: `log-${n}.log`,
        content: cx.redact ? cx.r.apply(g.raw) : g.raw,
        description: `\`${shown}\` itself (--include-raw-logs${cx.redact ? "; redacted as the other files, which for free text is best effort" : ""})`,
      });
    }
  });
  return files;
}

/** IPv4 addresses not part of a longer dotted number (OIDs, versions). */
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
/** JSSE's server_name extension: `type=host_name (0), value=backend.example` (JDK 8) / `"host_name": "x"`-ish forms. */
const HOST_NAME = /host_name[^=:\n]*[=:]\s*"?([A-Za-z0-9.-]+)/g;
/** The host of a URL. */
const URL_HOST = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[0-9A-Fa-f:.]+\]|[^/:\s"'<>\]]+)/gi;
/** A DN attribute assignment as Java and OpenSSL print DNs (`CN=x`, `O = y`, `emailAddress=z`), value to the next separator. */
const DN_ATTR =
  /(?<![A-Za-z0-9.])(?:CN|OU|O|C|L|ST|S|STREET|DC|UID|EMAILADDRESS|emailAddress|SERIALNUMBER|serialNumber|T|title|GIVENNAME|GN|SURNAME|SN|INITIALS|DNQUALIFIER|OID\.[\d.]+|\d+(?:\.\d+)+)\s?=\s?("(?:[^"\\]|\\.)*"|(?:\\.|[^,+;<>\]\[\n\\"])*)/g;

/** Registers the host names and addresses a log shows (call before {@link registerLogNames}: hosts first). */
export function registerLogHosts(r: Redactor, g: GatheredLog): void {
  const { log } = g;
  for (const c of log.conversations) {
    r.addHost(c.server.host);
    r.addHost(c.client.host);
    r.addHost(c.sni);
  }
  for (const e of log.events) {
    r.addHost(e.local?.host);
    r.addHost(e.remote?.host);
  }
  for (const c of loggedCertificates(log)) for (const san of c.subjectAlternativeNames ?? []) r.addSan(san);
  for (const t of texts(g)) {
    for (const m of t.matchAll(IPV4)) r.addHost(m[0]);
    for (const m of t.matchAll(HOST_NAME)) r.addHost(m[1]);
    for (const m of t.matchAll(URL_HOST)) r.addHost(m[1]);
  }
}

/** Registers every DN attribute value a log shows (CertificateRequest CA names, logged certificates, DNs in its text). */
export function registerLogNames(r: Redactor, g: GatheredLog): void {
  const { log } = g;
  const dn = (s: string | undefined) => {
    if (!s) return;
    for (const rdn of parseJavaDn(s)) for (const a of rdn) r.addDnValue(a.value);
  };
  for (const h of log.handshakes) for (const ca of h.policy?.acceptableCAs ?? []) dn(ca.dn);
  for (const c of loggedCertificates(log)) {
    dn(c.subject);
    dn(c.issuer);
    for (const san of c.subjectAlternativeNames ?? []) if (san.startsWith("dirName:")) dn(san.slice("dirName:".length));
  }
  for (const t of texts(g)) {
    for (const m of t.matchAll(DN_ATTR)) {
      let v = m[1]!.trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      r.addDnValue(v.replace(/\\(.)/g, "$1"));
    }
  }
}

function loggedCertificates(log: LogEvidence): LoggedCertificate[] {
  return log.handshakes.flatMap((h) => [...(h.clientCertificates ?? []), ...(h.serverCertificates ?? [])]);
}

/** The free text a bundle can show from a log: every kept line (and its exception), plus the raw log when included. */
function texts(g: GatheredLog): string[] {
  const out: string[] = [];
  for (const e of g.log.events) {
    out.push(e.text);
    if (e.exception) out.push(e.exception.message, ...e.exception.causes.map((c) => c.message));
    if (e.sslInfo) out.push(Object.values(e.sslInfo).join(" "));
  }
  if (g.raw !== undefined) out.push(g.raw);
  return out;
}
