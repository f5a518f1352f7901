/**
 * `mtls-doctor analyze <capture> [--keylog F] [--keystore F ...] [--password P] [--filter host:port]
 *   [--format text|json|markdown|html | --json] [--output F]`:
 * reads a pcap/pcapng capture, reassembles every TCP connection, decodes the TLS handshakes (TLS 1.3 with a key
 * log or a pcapng Decryption Secrets Block) and diagnoses each conversation, failed handshakes first.
 * Exit: 0 nothing failed; 1 a failed handshake, an error finding, or a --filter that matches no conversation; 2 bad
 * input (not a capture, bad key log, a malformed --filter ...).
 * A progress bar goes to stderr for large files when stderr is a TTY. Warnings go to stderr.
 */
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { ExitCode, MtlsDoctorError } from "../../errors.js";
import { analyzeLog, logHandshakeFailed } from "../../diagnose/logfile.js";
import { readLog } from "../../logs/index.js";
import { analyzeCapture, filterMatchedNothing, type AnalyzeResult } from "../../diagnose/capture.js";
import { loadKeystore } from "../../pki/store.js";
import { KEY_PASSWORD_HELP, keystoreLoadOptions } from "../passwords.js";
import type { StoreEvidence } from "../../evidence/model.js";
import { analyzeDocument, analyzeLogDocument } from "../../report/documents.js";
import { renderAnalyzeLogText, renderAnalyzeText } from "../../report/text/analyze.js";
import { analyzeReportView, buildReportView } from "../../report/view.js";
import { addOutputOptions, resolveFormat, writeReport, type OutputOptions } from "../output.js";
import { action } from "../run.js";

/** Files smaller than this get no progress bar. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

export interface AnalyzeCliOptions extends OutputOptions {
  keylog?: string;
  keystore?: string[];
  password?: string;
  keyPassword?: string;
  filter?: string;
}

/** Runs the analysis for the CLI and prints it; returns the exit code. Shared by `diagnose --capture`. */
export async function runAnalyze(file: string, o: AnalyzeCliOptions): Promise<number> {
  resolveFormat(o); // a usage error before reading the capture
  const stores: StoreEvidence[] = [];
  for (const f of o.keystore ?? []) stores.push({ store: await loadKeystore(f, keystoreLoadOptions(o)), role: "client-keystore" });
  const progress = progressFor(process.stderr);
  const warnings: string[] = [];
  let result;
  try {
    result = await analyzeCapture(file, {
      ...(o.keylog ? { keyLogFile: o.keylog } : {}),
      ...(o.filter ? { filter: o.filter } : {}),
      stores,
      today: Date.now(),
      ...(progress ? { onProgress: progress.onProgress } : {}),
      onWarning: (w) => warnings.push(w),
    });
  } catch (e) {
    if (e instanceof MtlsDoctorError && e.code === "MTLSD_ERR_NOT_A_CAPTURE") return runAnalyzeLog(file, o, stores);
    throw e;
  } finally {
    progress?.stop(); // also on error: the bar is cleared before the error line is printed
  }
  for (const w of warnings) process.stderr.write(`mtls-doctor: warning: ${w}\n`);
  const done = result;
  await writeReport(o, {
    text: () => renderAnalyzeText({ ...done, warnings: [] }),
    json: () => analyzeDocument(done),
    view: () => analyzeReportView(done, { file, ...(o.keylog ? { keylog: o.keylog } : {}) }, Date.now()),
  });
  const failed = result.conversations.some(
    (c) => c.diagnosis.verdict === "problem" || ["alert", "reset", "closed-during-handshake"].includes(c.summary.outcome),
  );
  // A filter that matched nothing analysed nothing: not "all is well" (exit 1, like a problem to look at).
  return failed || filterMatchedNothing(result) ? ExitCode.PROBLEM : ExitCode.OK;
}

/** `analyze <log>`: the file is no capture; read it as a JSSE debug / gateway log. */
async function runAnalyzeLog(file: string, o: AnalyzeCliOptions, stores: StoreEvidence[]): Promise<number> {
  if (o.keylog || o.filter) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${file}: ${o.keylog ? "--keylog" : "--filter"} applies to a capture, and this is a log`);
  let log;
  try {
    log = await readLog(file);
  } catch (e) {
    if (e instanceof MtlsDoctorError && e.code === "MTLSD_ERR_BAD_LOG") {
      throw new MtlsDoctorError(
        "MTLSD_ERR_NOT_A_CAPTURE",
        `${file}: not a capture (pcap, pcapng) nor a JSSE/gateway log (record a capture with "tcpdump -w file.pcap", or a Java log with -Djavax.net.debug=ssl:handshake)`,
      );
    }
    throw e;
  }
  const now = Date.now();
  const r = analyzeLog(log, { now, stores });
  const shown = r.handshakes.find(logHandshakeFailed) ?? r.handshakes[0];
  const view = shown ?? r.unattributed!;
  await writeReport(o, {
    text: () => renderAnalyzeLogText(r),
    json: () => analyzeLogDocument(r),
    view: () => buildReportView({ kind: "diagnose", evidence: view.evidence, diagnosis: view.diagnosis }, { now }),
  });
  const failed = r.handshakes.some(logHandshakeFailed) || r.unattributed?.diagnosis.verdict === "problem";
  return failed ? ExitCode.PROBLEM : ExitCode.OK;
}

/**
 * The progress bar of a large capture (cli-progress, MB read / MB total, on stderr), or undefined when `stream` is not
 * a TTY (a pipe, a file, CI: nothing is drawn at all). The bar appears only once the file is known to be at least
 * {@link PROGRESS_MIN_BYTES}; `stop()` clears it (clearOnComplete), so the report or an error line starts clean.
 */
export function progressFor(stream: NodeJS.WriteStream): { onProgress: (read: number, total: number) => void; stop: () => void } | undefined {
  if (!stream.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  const mb = (n: number) => Math.round(n / 1048576);
  return {
    onProgress(read, total) {
      if (total < PROGRESS_MIN_BYTES) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream, format: "reading capture [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s", hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(mb(total), 0);
      }
      bar.update(mb(read));
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

export function register(program: Command): void {
  const cmd = program
    .command("analyze")
    .description("Analyse the TLS handshakes in a pcap/pcapng capture or a Java debug / gateway log: per handshake, what was sent and why it failed")
    .argument("<capture|log>", "pcap or pcapng file (tcpdump -w, dumpcap, Wireshark), or a -Djavax.net.debug / gateway log")
    .option("--keylog <file>", "NSS key log (SSLKEYLOGFILE, openssl -keylogfile) to decrypt TLS 1.3 handshakes")
    .option("--keystore <file...>", "client keystore(s) to check against the server's CertificateRequest")
    .option("--password <password>", "keystore password (or env MTLS_DOCTOR_PASSWORD)")
    .option("--key-password <password>", KEY_PASSWORD_HELP)
    .option("--filter <host:port>", "only conversations with this endpoint (host:port, [v6]:port, :port or host)");
  addOutputOptions(cmd).action(action(async (file: string, opts: AnalyzeCliOptions) => runAnalyze(file, opts)));
}
