/**
 * Logs as evidence: {@link readLog} reads a Java JSSE debug log, a gateway/application log, or a mix of both
 * (a server's stderr with `-Djavax.net.debug` and its own log lines) into a {@link LogEvidence}.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { MtlsDoctorError } from "../errors.js";
import { fileError, statInputFile } from "../files.js";
import type { LogEvent, LogEvidence } from "../evidence/model.js";
import { GatewayLogParser } from "./gateway.js";
import { JsseLogParser } from "./jsse.js";

export { JsseLogParser, type JsseResult } from "./jsse.js";
export { GatewayLogParser } from "./gateway.js";
export { javaDnEquals, javaDnToOpenssl, javaDnToRfc2253, parseJavaDn, splitJavaDnList, resolveJavaDnList, type CaNamesSplit } from "./dn.js";
export { parseCertificates, serialToOpensslHex } from "./certs.js";
export { parseJsseTime } from "./phrases.js";

/** Longest line kept; longer lines are cut (a log line is text for people, not megabytes of base64). */
const MAX_LINE = 64 * 1024;

/**
 * Looks at the first bytes: gzip (read through zlib), binary (NUL bytes or mostly non-text → error), or text.
 * @throws MtlsDoctorError FILE_NOT_FOUND, IS_DIRECTORY, FILE_UNREADABLE, EMPTY_FILE, BAD_LOG
 */
async function sniff(file: string): Promise<"text" | "gzip"> {
  const st = await statInputFile(file, "log file");
  let head: Buffer;
  try {
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(Math.min(8192, st.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fileError(file, e, "log file");
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  let bad = 0;
  for (const b of head) {
    if (b === 0) throw new MtlsDoctorError("MTLSD_ERR_BAD_LOG", `${file}: binary data (NUL bytes), not a text log`);
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) bad++;
  }
  if (bad > head.length / 10) throw new MtlsDoctorError("MTLSD_ERR_BAD_LOG", `${file}: binary data, not a text log`);
  return "text";
}

/**
 * Reads a log file into evidence, streaming line by line (logs can be large; only the handshake in progress per
 * thread is held, never its lines). The kind is detected from the content:
 * - "jsse-debug": Java `-Djavax.net.debug=ssl[:handshake]|all` output (JDK 11–21 format, or JDK 8's `***` format);
 * - "gateway": no JSSE debug output, but TLS failure lines (Apigee MP `handshakeFailed()`, `SSLInfo:`, Java TLS
 *   exceptions, `Broken pipe`, `Connection reset`, ...);
 * - "mixed": both.
 * Gzip-compressed logs (`system.log.1.gz`) are read through zlib.
 *
 * @param file path of the log
 * @returns conversations (one per logged handshake, source "log"), their text facts, and events in line order
 * @throws MtlsDoctorError MTLSD_ERR_FILE_NOT_FOUND / IS_DIRECTORY / FILE_UNREADABLE / EMPTY_FILE (exit 2);
 *   MTLSD_ERR_BAD_LOG when the file is binary or holds neither JSSE debug output nor any TLS failure line.
 */
export async function readLog(file: string): Promise<LogEvidence> {
  const form = await sniff(file);
  const jsse = new JsseLogParser();
  const gateway = new GatewayLogParser();
  const gwEvents: LogEvent[] = [];
  let lines = 0;
  let input: Readable = createReadStream(file);
  if (form === "gzip") input = input.pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      lines++;
      const text = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
      if (text.includes("\u0000")) throw new MtlsDoctorError("MTLSD_ERR_BAD_LOG", `${file}: binary data at line ${lines}, not a text log`);
      if (jsse.line(text, lines)) continue;
      for (const e of gateway.line(text, lines)) gwEvents.push(e);
    }
  } catch (e) {
    if (e instanceof MtlsDoctorError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "Z_DATA_ERROR" || code === "Z_BUF_ERROR") throw new MtlsDoctorError("MTLSD_ERR_BAD_LOG", `${file}: corrupt gzip data`);
    throw new MtlsDoctorError("MTLSD_ERR_FILE_UNREADABLE", `${file}: cannot read (${code ?? "error"})`);
  } finally {
    rl.close();
    input.destroy();
  }
  const r = jsse.finish();
  if (!r.seen && gwEvents.length === 0) {
    throw new MtlsDoctorError(
      "MTLSD_ERR_BAD_LOG",
      `${file}: no JSSE debug output (-Djavax.net.debug) and no TLS failure lines found in ${lines} line${lines === 1 ? "" : "s"}`,
    );
  }
  const events = [...r.events, ...gwEvents].sort((a, b) => a.line - b.line);
  return {
    file,
    kind: r.seen ? (gwEvents.length > 0 ? "mixed" : "jsse-debug") : "gateway",
    side: r.side,
    conversations: r.conversations,
    handshakes: r.handshakes,
    events,
    lines,
  };
}
