/**
 * `mtls-doctor gather [--connect host:port] [--keystore F [--password P] [--alias A]] [--truststore F
 *   [--truststore-password P]] [--capture F [--keylog F]] [--log F ...] [--include-raw-logs] [--client STACK]
 *   [--out DIR|FILE.tar.gz] [--redact]`
 *
 * The playbook's "must-gather" list as one command: a support bundle (folder, or .tar.gz/.tgz) with the keystore's
 * certInfo listing (never private keys or passwords), the probe result, the capture summary, the summary of each log
 * (`--log`: Java `-Djavax.net.debug` output, gateway / message-processor logs; the logs also feed the diagnosis; the
 * log itself only with `--include-raw-logs`, since logs can hold secrets), the diagnosis, tool and runtime versions,
 * and a README of what is inside. `--redact` replaces host names and DN values with stable
 * placeholders, the same in every file.
 *
 * A bad store, password or capture file is bad input (exit 2) and nothing is written. A server that cannot be reached
 * is evidence too: the bundle is still written (its README names the target and says why the probe is missing), each
 * part that was asked for and not gathered is printed on stderr ("gather: probe of 127.0.0.1:24449 not gathered:
 * connection refused ..."), and the exit code is that failure's own (3 unreachable, 5 refused, 6 timeout, 7 not TLS).
 * Exit: 0 everything asked for was gathered; 2 bad input or the output cannot be written (nothing written);
 * 3/5/6/7 the bundle was written but the probe failed with that error.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import type { Command } from "commander";
import { analyzeCapture } from "../../diagnose/capture.js";
import { analyzeLog } from "../../diagnose/logfile.js";
import { diagnose } from "../../diagnose/engine.js";
import { diagnoseLive } from "../../diagnose/live.js";
import { defaultClientStack } from "../../diagnose/clients/index.js";
import { ExitCode, isMtlsDoctorError, MtlsDoctorError } from "../../errors.js";
import { CLIENT_STACKS as CLIENTS, oneOf, positiveMs, tlsVersionOption } from "../options.js";
import type { Conversation, Evidence, LogEvidence, ProbeEvidence, StoreEvidence } from "../../evidence/model.js";
import { readLog } from "../../logs/index.js";
import { policyFromConversation } from "../../evidence/conversation.js";
import { checkEntry } from "../../pki/chain.js";
import { loadKeystore } from "../../pki/store.js";
import { KEY_PASSWORD_HELP, keystoreLoadOptions } from "../passwords.js";
import type { EntryChecks } from "../../pki/types.js";
import { probe } from "../../probe/probe.js";
import { buildBundle, type BundleFile, type GatherInput } from "../../report/bundle.js";
import type { GatheredLog } from "../../report/bundleLogs.js";
import { tarGz } from "../../report/tar.js";
import { VERSION } from "../../version.js";
import { ioReason } from "../output.js";
import { action } from "../run.js";
import { parseTarget } from "./probe.js";


interface GatherCliOptions {
  connect?: string;
  servername?: string;
  tlsVersion?: string;
  keystore?: string;
  password?: string;
  keyPassword?: string;
  alias?: string;
  truststore?: string;
  truststorePassword?: string;
  capture?: string;
  keylog?: string;
  log?: string[];
  includeRawLogs?: boolean;
  client?: string;
  timeout?: string;
  out?: string;
  redact?: boolean;
}

/** "20250115T120000Z" */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

async function opensslVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("openssl", ["version"], { timeout: 3000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** A log's text as the bundle copies it (gzip-compressed logs decompressed). */
async function rawLog(file: string): Promise<string> {
  try {
    const bytes = await readFile(file);
    return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch (e) {
    throw new MtlsDoctorError("MTLSD_ERR_FILE_UNREADABLE", `${file}: cannot read (${ioReason(e)})`, { cause: e });
  }
}

/** Writes the files as a folder (created; must be empty if it exists) or a gzipped ustar archive. */
export async function writeBundle(files: BundleFile[], out: string, now: number): Promise<string> {
  const fail = (e: unknown, what = out): never => {
    throw new MtlsDoctorError("MTLSD_ERR_CANNOT_WRITE", `cannot write ${what}: ${ioReason(e)}`, { cause: e });
  };
  const archive = /\.(tar\.gz|tgz)$/i.exec(out);
  if (archive) {
    const top = basename(out).slice(0, -archive[0].length) || "mtls-doctor-gather";
    const entries = [
      { path: `${top}/`, mtime: now },
      ...files.map((f) => ({ path: `${top}/${f.path}`, content: Buffer.from(f.content, "utf8"), mtime: now })),
    ];
    await writeFile(out, tarGz(entries)).catch((e: unknown) => fail(e));
    return out;
  }
  const existing = await stat(out).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new MtlsDoctorError("MTLSD_ERR_CANNOT_WRITE", `cannot write ${out}: it exists and is not a folder`);
  if (existing && (await readdir(out)).length > 0) throw new MtlsDoctorError("MTLSD_ERR_CANNOT_WRITE", `cannot write ${out}: the folder is not empty`);
  await mkdir(out, { recursive: true }).catch((e: unknown) => fail(e));
  for (const f of files) await writeFile(join(out, f.path), f.content, "utf8").catch((e: unknown) => fail(e, join(out, f.path)));
  return out;
}

export function register(program: Command): void {
  program
    .command("gather")
    .description("Collect a support bundle (folder or .tar.gz): store listing, probe, capture summary, log summaries, diagnosis, versions")
    .addHelpText(
      "after",
      "\nExit codes: 0 everything asked for was gathered; 2 bad input, nothing written; 3 unreachable, 5 connection refused,\n" +
        "6 timeout, 7 not TLS: the bundle was written, but the probe of --connect failed (one \"gather: ... not gathered: ...\"\n" +
        "line on stderr per part that failed; the bundle's README says the same under \"Not gathered\").",
    )
    .option("--connect <host:port>", "probe this live server (as diagnose does)")
    .option("--servername <name>", "SNI server name for --connect")
    .option("--tls-version <version>", "pin the protocol version for --connect: 1.2 or 1.3")
    .option("--keystore <file>", "the client's keystore (PKCS#12, JKS, PEM); listed as certInfo, keys never copied")
    .option("--password <password>", "keystore password (or env MTLS_DOCTOR_PASSWORD); never written to the bundle")
    .option("--key-password <password>", KEY_PASSWORD_HELP)
    .option("--alias <alias>", "the keystore alias the client is pinned to")
    .option("--truststore <file>", "the server's truststore")
    .option("--truststore-password <password>", "password of --truststore (or env MTLS_DOCTOR_PASSWORD)")
    .option("--capture <file>", "a pcap/pcapng capture of the failing handshake")
    .option("--keylog <file>", "NSS key log for TLS 1.3 in --capture")
    .option("--log <file>", "a Java -Djavax.net.debug log or a gateway/message-processor log (repeatable); summarised, fed to the diagnosis", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--include-raw-logs", "also copy each --log file itself into the bundle (off by default: logs can hold secrets)")
    .option("--client <stack>", `client stack to model: ${CLIENTS.join(", ")}`)
    .option("--timeout <ms>", "per connection budget in ms for --connect", "10000")
    .option("--out <dir|file.tar.gz>", "where to write the bundle (default: mtls-doctor-gather-<time>.tar.gz)")
    .option("--redact", "replace host names and DN values with stable placeholders (host-1, CN=<dn-1>)")
    .action(
      action(async (o: GatherCliOptions) => {
        const now = Date.now();
        const env = process.env.MTLS_DOCTOR_PASSWORD;
        const logFiles = o.log ?? [];
        if (!o.connect && !o.keystore && !o.truststore && !o.capture && logFiles.length === 0) {
          throw new MtlsDoctorError("MTLSD_ERR_USAGE", "nothing to gather: give --connect, --keystore, --truststore, --capture and/or --log");
        }
        if (o.includeRawLogs && logFiles.length === 0) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--include-raw-logs needs --log");
        if (o.keylog && !o.capture) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--keylog needs --capture");
        if (o.alias && !o.keystore) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--alias needs --keystore");
        const clientStack = oneOf(o.client, CLIENTS, "--client");
        const tlsVersion = tlsVersionOption(o.tlsVersion);
        const timeoutMs = positiveMs(o.timeout, "--timeout", 10_000);
        const target = o.connect ? parseTarget(o.connect) : undefined;
        const out = o.out ?? `mtls-doctor-gather-${stamp(now)}.tar.gz`;
        const missing: GatherInput["missing"] = [];
        /** Parts asked for that could not be gathered: a stderr line each, and the exit code of the first. */
        const failures: { what: string; reason: string; exitCode: number }[] = [];

        // Stores (bad input stops here: nothing is written).
        const stores: (StoreEvidence & { checks?: Record<string, EntryChecks> })[] = [];
        if (o.keystore) {
          // A key that cannot be decrypted still lets the chain be listed (keys never enter the bundle anyway).
          const store = await loadKeystore(o.keystore, { ...keystoreLoadOptions(o), unrecoveredKeys: "keep" });
          if (o.alias && !store.entries.some((e) => e.alias === o.alias)) {
            throw new MtlsDoctorError("MTLSD_ERR_ALIAS_NOT_FOUND", `${o.keystore}: no alias "${o.alias}" (aliases: ${store.entries.map((e) => `"${e.alias}"`).join(", ") || "none"})`);
          }
          const checks = Object.fromEntries(store.entries.filter((e) => e.kind === "private-key").map((e) => [e.alias, checkEntry(e, now)]));
          stores.push({ store, role: "client-keystore", ...(o.alias ? { alias: o.alias } : {}), checks });
        }
        if (o.truststore) {
          const pw = o.truststorePassword ?? env;
          stores.push({ store: await loadKeystore(o.truststore, pw !== undefined ? { password: pw } : {}), role: "server-truststore" });
        }
        const storeEvidence: StoreEvidence[] = stores.map(({ checks: _c, ...s }) => s);

        // Logs (a missing or unreadable log is bad input: nothing is written).
        const logs: LogEvidence[] = [];
        const gathered: GatheredLog[] = [];
        for (const f of logFiles) {
          const log = await readLog(f);
          logs.push(log);
          const analysis = analyzeLog(log, { now, stores: storeEvidence, ...(clientStack ? { clientStack } : {}), ...(o.alias ? { diagnoseOptions: { alias: o.alias } } : {}) });
          gathered.push({ log, analysis, ...(o.includeRawLogs ? { raw: await rawLog(f) } : {}) });
        }

        // Capture.
        let capture: GatherInput["capture"];
        if (o.capture) {
          const r = await analyzeCapture(o.capture, { ...(o.keylog ? { keyLogFile: o.keylog } : {}), stores: storeEvidence, ...(clientStack ? { clientStack } : {}) });
          const conversations: Conversation[] = r.conversations.map((c) => c.conversation);
          const withRequest = conversations.find((c) => c.messages.some((m) => m.type === "CertificateRequest"));
          capture = { file: o.capture, ...(o.keylog ? { keylog: o.keylog } : {}), analysis: r, conversations, ...(withRequest ? { policy: policyFromConversation(withRequest) } : {}) };
          for (const w of r.warnings) missing.push({ piece: "capture (partly)", reason: w });
        }

        // Probe (what diagnose --connect does): an unreachable server is recorded, not fatal.
        let probed: ProbeEvidence | undefined;
        if (target) {
          try {
            const live = await diagnoseLive({
              ...target,
              stores: storeEvidence,
              now,
              timeoutMs,
              ...(clientStack ? { clientStack } : {}),
              ...(o.alias ? { alias: o.alias } : {}),
              ...(tlsVersion ? { tlsVersion } : {}),
              ...(o.servername ? { servername: o.servername } : {}),
              ...(logs.length ? { logs } : {}),
            });
            probed = live.evidence.probe;
          } catch (e) {
            if (!isMtlsDoctorError(e) || e.exitCode === ExitCode.BAD_INPUT) throw e;
            missing.push({ piece: "probe", reason: e.message, failed: true });
            const hp = target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
            const reason = e.message.startsWith(`${hp}: `) ? e.message.slice(hp.length + 2) : e.message;
            failures.push({ what: `probe of ${hp}`, reason, exitCode: e.exitCode });
          }
        }

        // Diagnosis over everything gathered.
        let evidence: Evidence | undefined;
        let diagnosis: GatherInput["diagnosis"];
        if (probed || capture || storeEvidence.length || logs.length) {
          evidence = {
            now,
            stores: storeEvidence,
            conversations: capture?.conversations ?? [],
            ...(probed ? { probe: probed } : {}),
            ...(probed ? { policy: probed.policy } : capture?.policy ? { policy: capture.policy } : {}),
            ...(logs.length ? { logs } : {}),
            clientStack: clientStack ?? defaultClientStack(storeEvidence),
          };
          diagnosis = diagnose(evidence, o.alias ? { alias: o.alias } : {});
        }

        const openssl = await opensslVersion();
        const versions: Record<string, string> = {
          "mtls-doctor": VERSION,
          node: process.version,
          "openssl (linked into node)": process.versions.openssl ?? "unknown",
          ...(openssl ? { "openssl (command line)": openssl } : {}),
          platform: `${process.platform} ${process.arch}`,
        };
        const request: GatherInput["request"] = {
          ...(o.connect ? { connect: o.connect } : {}),
          ...(o.servername ? { servername: o.servername } : {}),
          ...(tlsVersion ? { tlsVersion } : {}),
          ...(o.keystore ? { keystore: o.keystore } : {}),
          ...(o.alias ? { alias: o.alias } : {}),
          ...(o.truststore ? { truststore: o.truststore } : {}),
          ...(o.capture ? { capture: o.capture } : {}),
          ...(o.keylog ? { keylog: o.keylog } : {}),
          ...(logFiles.length ? { log: logFiles } : {}),
          ...(o.includeRawLogs ? { includeRawLogs: true } : {}),
          ...(clientStack ? { client: clientStack } : {}),
          redact: o.redact === true,
        };
        if (!o.connect) missing.push({ piece: "probe", reason: "no --connect given" });
        if (!o.capture) missing.push({ piece: "capture summary", reason: "no --capture given" });
        if (!o.keystore) missing.push({ piece: "keystore listing", reason: "no --keystore given" });
        if (logFiles.length === 0) missing.push({ piece: "logs", reason: "no --log given (the client's -Djavax.net.debug output, the gateway or message-processor log)" });

        const files = buildBundle(
          { now, versions, request, stores, ...(target ? { target: { host: target.host, port: target.port } } : {}), ...(probed ? { probe: probed } : {}), ...(capture ? { capture } : {}), ...(gathered.length ? { logs: gathered } : {}), ...(evidence ? { evidence } : {}), ...(diagnosis ? { diagnosis } : {}), missing },
          { redact: o.redact === true, includeRawLogs: o.includeRawLogs === true },
        );
        const where = await writeBundle(files, out, now);
        process.stdout.write(`wrote ${where}${o.redact ? " (redacted)" : ""}:\n${files.map((f) => `  ${f.path}`).join("\n")}\n`);
        for (const f of failures) process.stderr.write(`gather: ${f.what} not gathered: ${f.reason}\n`);
        for (const m of missing) if (m.piece === "capture (partly)") process.stderr.write(`gather: capture only partly gathered: ${m.reason}\n`);
        return failures[0]?.exitCode ?? ExitCode.OK;
      }),
    );
}
