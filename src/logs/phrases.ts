/**
 * The vocabulary shared by the JSSE and gateway log readers: which phrase means what (one table), alert names,
 * Java exception lines, and log timestamps.
 *
 * The phrases are the exact texts JSSE (JDK 8–21) and gateways print; see /work/shared/reference/alert-matrix.md
 * for which stack prints which, and when.
 */
import { ALERT_DESCRIPTIONS } from "../wire/tables.js";
import type { LogEventKind } from "../evidence/model.js";

const ALERT_CODES: ReadonlyMap<string, number> = new Map(
  Object.entries(ALERT_DESCRIPTIONS.names).map(([code, name]) => [name, Number(code)]),
);

/**
 * IANA alert code for a name as Java prints it: "bad_certificate", or the enum form "BAD_CERTIFICATE" used in
 * `Fatal (BAD_CERTIFICATE)`; JDK 8's `description = certificate_unknown` is the same name. Undefined when unknown.
 */
export function alertCode(name: string): number | undefined {
  return ALERT_CODES.get(name.toLowerCase());
}

/** One phrase → event kind rule. The first rule that matches wins, so specific phrases come first. */
interface PhraseRule {
  kind: LogEventKind;
  re: RegExp;
}

/**
 * Phrases → event kinds. Order matters: "Received fatal alert: X" wins over everything (the alert is the fact),
 * then the specific JSSE failures, then the transport symptoms.
 */
const PHRASES: readonly PhraseRule[] = [
  { kind: "certificate-not-selected", re: /No X\.509 cert selected for|no suitable certificate found - continuing without client authentication/ },
  { kind: "empty-certificate-sent", re: /use empty Certificate message instead/ },
  { kind: "no-authentication-scheme", re: /No available (?:client )?authentication scheme/ },
  { kind: "invalid-certificate-authorities", re: /Invalid certificate_authorities extension/ },
  { kind: "alert-received", re: /Received (?:fatal|warning|close_notify)?\s*alert\b/i },
  { kind: "empty-client-chain", re: /Empty client certificate chain|null cert chain/ },
  { kind: "path-building-failed", re: /PKIX path building failed|unable to find valid certification path/ },
  { kind: "path-validation-failed", re: /PKIX path validation failed|validity check failed|CertificateExpiredException|CertificateNotYetValidException|Extended key usage does not permit/ },
  { kind: "broken-pipe", re: /Broken pipe/i },
  { kind: "connection-reset", re: /Connection reset/i },
  { kind: "peer-closed", re: /Remote host terminated the handshake|SSL peer shut down incorrectly|Remote host closed connection during handshake/ },
];

/** The event kind a message text reports, or undefined when it names nothing we know. */
export function classify(text: string): LogEventKind | undefined {
  for (const r of PHRASES) if (r.re.test(text)) return r.kind;
  return undefined;
}

/** The alert named by "Received fatal alert: bad_certificate" / "RECV TLSv1.2 ALERT:  fatal, bad_certificate". */
export function receivedAlertName(text: string): string | undefined {
  const m = /Received (?:fatal |warning )?alert:\s*([a-z_0-9]+)/i.exec(text);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** A Java exception as logged: "javax.net.ssl.SSLHandshakeException: message". */
export interface JavaException {
  className: string;
  message: string;
}

/**
 * Finds a Java exception "pkg.Class[$Inner]Exception: message" in `text` (anywhere; the message stops at a stack
 * frame " at x.y(" when a whole trace was flattened onto one line, as in the playbook's excerpt).
 */
export function findException(text: string): JavaException | undefined {
  const m = /\b((?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))(?::\s*(.*))?$/.exec(text.split(/\s+at\s+[\w$.]+\(/)[0]!);
  if (!m) return undefined;
  return { className: m[1]!, message: (m[2] ?? "").trim() };
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/**
 * Parses a log timestamp to ms since epoch: "2026-11-29 12:00:00.123 UTC" (JSSE 11+), "2017-10-23 05:28:57,813"
 * (log4j/logback, Apigee), ISO 8601 with "T", optional zone "Z"/"+02:00"/"+0200"/"UTC"/"GMT". No zone ⇒ UTC
 * (the reader cannot know the machine's zone; reports show times as logged). Undefined when not a timestamp.
 */
export function parseLogTime(s: string): number | undefined {
  const m = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?/.exec(s);
  if (!m) {
    // syslog-ish "Nov 29 12:00:00" has no year: not used for ordering, so not parsed.
    const j = /(\d{2})\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d{2}):(\d{2}):(\d{2})\s*([+-]\d{4})?/.exec(s);
    if (!j) return undefined;
    const t = Date.UTC(+j[3]!, MONTHS[j[2]!]!, +j[1]!, +j[4]!, +j[5]!, +j[6]!);
    return t - zoneOffsetMs(j[7]);
  }
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(3, "0").slice(0, 3))) : 0;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
  return Number.isFinite(t) ? t - zoneOffsetMs(m[8]) : undefined;
}

function zoneOffsetMs(z: string | undefined): number {
  if (!z || z === "Z" || z === "UTC" || z === "GMT") return 0;
  const m = /([+-])(\d{2}):?(\d{2})/.exec(z);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Clips a logged text for an event (500 characters, one line). */
export function clip(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 500 ? t.slice(0, 499) + "…" : t;
}

/**
 * Parses a timestamp JSSE printed: the debug line header and a certificate's "not before"/"not  after" both use
 * SimpleDateFormat "yyyy-MM-dd kk:mm:ss.SSS z", where `kk` is the hour 1–24: midnight prints as "24" of the same
 * day ("2024-01-01 24:00:00.000 UTC" is 2024-01-01T00:00:00Z, not the next day). ms since epoch; undefined when not
 * a timestamp.
 */
export function parseJsseTime(s: string): number | undefined {
  const t = parseLogTime(s);
  if (t === undefined) return undefined;
  return /\d{4}-\d{2}-\d{2}[ T]24:/.test(s) ? t - 86_400_000 : t;
}
