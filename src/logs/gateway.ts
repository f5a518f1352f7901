/**
 * Gateway and application log lines → {@link LogEvent}s: the Apigee Message Processor `system.log` lines of the
 * playbook (`HTTPClient$Context.handshakeFailed() : SSLClientChannel[C:<ip>:<port> Remote host:<ip>:<port>] ...
 * handshake failed, message: Received fatal alert: bad_certificate`, `SSLInfo: KeyStore:... KeyAlias:...
 * TrustStore:...`, `javax.net.ssl.SSLException: ...` with its stack trace) and any log that prints Java TLS
 * exceptions (`SSLHandshakeException: Received fatal alert: X`, `Broken pipe`, `Connection reset`,
 * `PKIX path building failed`, ...).
 *
 * Line-at-a-time: the only state kept is the last exception event (so a following "Caused by:" line joins it).
 * A line holding several records (a log flattened onto one line, as in the playbook's excerpt) is split at
 * each `YYYY-MM-DD HH:MM:SS,mmm` timestamp.
 */
import type { Endpoint, LogEvent } from "../evidence/model.js";
import { alertCode, classify, clip, findException, parseLogTime, receivedAlertName } from "./phrases.js";

/** A record start: "2017-10-23 05:28:57,813 " (log4j/logback default) or ISO 8601. */
const RECORD_START = /(?=\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}[,.]\d{3})/g;

function endpoint(host: string, port: string): Endpoint | undefined {
  const p = Number(port);
  if (!Number.isInteger(p) || p < 0 || p > 65535) return undefined;
  return { host: host.replace(/^\[|\]$/g, ""), port: p };
}

/** host:port where host is an IPv4 address, a [v6] literal or a DNS name. */
const HOSTPORT = String.raw`(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})\b`;

/** Streaming reader of gateway/application lines; see the module comment. */
export class GatewayLogParser {
  private lastException: LogEvent | undefined;
  private lastExceptionLine = 0;
  /** Time, message id and thread of the last line that started a record. */
  private context: { time: number; messageId?: string; thread?: string } | undefined;

  /** Reads line `no` (1-based); returns the events it gave (none for most lines). */
  line(text: string, no: number): LogEvent[] {
    const t = text.trim();
    if (t === "") return [];
    // Stack frames and "... N more" belong to the exception above.
    if (/^at\s+[\w$.<>]+\(/.test(t) || /^\.\.\. \d+ (?:more|common frames omitted)/.test(t)) return [];
    const cause = /^Caused by:\s*(.*)$/.exec(t);
    if (cause) {
      const ex = findException(cause[1]!);
      if (ex && this.lastException?.exception && no - this.lastExceptionLine < 500) {
        this.lastException.exception.causes.push(ex);
        const k = classify(ex.message);
        if (k && (this.lastException.kind === "exception" || this.lastException.kind === "handshake-failed")) this.lastException.kind = k;
      }
      return [];
    }
    const records = t.split(RECORD_START).filter((r) => r.trim() !== "");
    const out: LogEvent[] = [];
    for (const r of records) {
      const e = this.record(r.trim(), no);
      if (e) out.push(e);
    }
    return out;
  }

  private record(t: string, no: number): LogEvent | undefined {
    let time = parseLogTime(t.slice(0, 40));
    let messageId = /\bmessageid:(\S+)/.exec(t)?.[1];
    let thread = /\bmessageid:\S+\s+(\S+)\s+(?:ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(t)?.[1] ?? /\[([^\]\s]+)\]\s+(?:ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(t)?.[1];
    if (time !== undefined) this.context = { time, ...(messageId ? { messageId } : {}), ...(thread ? { thread } : {}) };
    else if (this.context) {
      // A continuation line (the exception under a record's header line) belongs to that record.
      ({ time, messageId, thread } = this.context);
    }
    const remoteM = new RegExp(String.raw`Remote host:\s*` + HOSTPORT).exec(t);
    const localM = new RegExp(String.raw`\[C:\s*` + HOSTPORT).exec(t);
    const remote = remoteM ? endpoint(remoteM[1]!, remoteM[2]!) : undefined;
    const local = localM ? endpoint(localM[1]!, localM[2]!) : undefined;
    const common = {
      line: no,
      ...(time !== undefined ? { time } : {}),
      ...(thread ? { thread } : {}),
      ...(messageId ? { messageId } : {}),
      ...(remote ? { remote } : {}),
      ...(local ? { local } : {}),
    };

    const info = /SSLInfo:\s*(.*)$/.exec(t);
    if (info) {
      const f = (k: string) => new RegExp(String.raw`\b${k}:\s*(\S+)`).exec(info[1]!)?.[1];
      const keyStore = f("KeyStore"), keyAlias = f("KeyAlias"), trustStore = f("TrustStore");
      return {
        kind: "ssl-info",
        text: clip("SSLInfo: " + info[1]!),
        sslInfo: { ...(keyStore ? { keyStore } : {}), ...(keyAlias ? { keyAlias } : {}), ...(trustStore ? { trustStore } : {}) },
        ...common,
      };
    }

    const failed = /handshake failed(?:, message:|:)\s*(.*)$/i.exec(t);
    const ex = findException(t);
    const kind = classify(t);
    if (!failed && !ex && !kind) return undefined;
    // Prefer the message part: "handshake failed, message: X", else the exception, else the line after " - ".
    const text = failed ? failed[1]! : ex ? `${ex.className}: ${ex.message}` : (/\s-\s(.*)$/.exec(t)?.[1] ?? t);
    if (ex && !/ssl|tls|certificat|handshake|socket|connection|pipe|pkix|alert/i.test(`${ex.className} ${ex.message}`)) return undefined;
    const alert = receivedAlertName(text);
    const code = alert !== undefined ? alertCode(alert) : undefined;
    const e: LogEvent = {
      kind: classify(text) ?? kind ?? (failed ? "handshake-failed" : "exception"),
      text: clip(text),
      ...common,
      ...(alert !== undefined ? { alert, alertDirection: "received" as const } : {}),
      ...(code !== undefined ? { alertCode: code } : {}),
      ...(ex ? { exception: { ...ex, causes: [] } } : {}),
    };
    if (ex) {
      this.lastException = e;
      this.lastExceptionLine = no;
    }
    return e;
  }
}
