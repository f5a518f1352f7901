/**
 * `mtls-doctor diagnose [--connect host:port | --capture F [--keylog F] [--filter host:port]] [--log F ...] [--keystore F [--password P] [--alias A] | --cert F --key F]
 *   [--truststore F [--truststore-password P]] [--client java|go|dotnet|openssl|node|curl] [--key-manager SunX509|PKIX]
 *   [--server-stack openssl|java|node] [--tls-version 1.2|1.3] [--servername N] [--timeout ms]
 *   [--format text|json|markdown|html | --json] [--output F]`
 *
 * Combines the evidence given. `--log` (repeatable) adds Java `-Djavax.net.debug` logs and gateway logs (src/logs):
 * alone, a client debug log is diagnosed from its CertificateRequest, Certificate and key-manager lines.
 * With --connect and a keystore it first reads the server's CertificateRequest (a probe
 * without a certificate), asks the client model which certificate that client would send, and probes again with
 * exactly that (or keeps the certificate-less run when the model sends an empty Certificate).
 * With --capture it reads a pcap/pcapng (the same path as `analyze`), diagnoses every TLS conversation in it with the
 * stores and logs given, and shows the diagnosis of the first failed conversation (the others, when several failed,
 * one line each). `--capture` with `--connect` is a usage error: a capture is evidence of a past handshake, a probe
 * makes a new one; run them separately.
 * Exit: 0 healthy or nothing found, 1 a problem was diagnosed, 2 bad input, 3 unreachable, 5 refused, 6 timeout,
 * 7 not TLS. Passwords: --password / --truststore-password, else env MTLS_DOCTOR_PASSWORD (never echoed).
 */
import { basename } from "node:path";
import type { Command } from "commander";
import type { JavaKeyManager } from "../../diagnose/clients/types.js";
import { analyzeCapture, captureOverview, conversationFailed, filterMatchedNothing, type AnalyzeResult } from "../../diagnose/capture.js";
import { diagnose, type DiagnosisDetail } from "../../diagnose/engine.js";
import { diagnoseLive } from "../../diagnose/live.js";
import { ExitCode, MtlsDoctorError } from "../../errors.js";
import { CLIENT_STACKS as CLIENTS, oneOf, positiveMs, SERVER_STACKS as SERVERS } from "../options.js";
import type { ClientStack, Evidence, LogEvidence, ServerStack, StoreEvidence } from "../../evidence/model.js";
import { readLog } from "../../logs/index.js";
import { loadKeystore } from "../../pki/store.js";
import { KEY_PASSWORD_HELP, keyPassword, keystoreLoadOptions, storePassword } from "../passwords.js";
import { credentialFromFiles } from "../../probe/credential.js";
import { diagnoseDocument } from "../../report/documents.js";
import { renderDiagnoseCaptureText, renderDiagnoseText } from "../../report/text/diagnose.js";
import { buildReportView } from "../../report/view.js";
import { addOutputOptions, resolveFormat, writeReport, type OutputOptions } from "../output.js";
import { action } from "../run.js";
import { parseTarget } from "./probe.js";


interface DiagnoseCliOptions extends OutputOptions {
  connect?: string;
  keystore?: string;
  password?: string;
  alias?: string;
  cert?: string;
  key?: string;
  keyPassword?: string;
  truststore?: string;
  truststorePassword?: string;
  client?: string;
  keyManager?: string;
  serverStack?: string;
  tlsVersion?: string;
  servername?: string;
  timeout?: string;
  log?: string[];
  capture?: string;
  keylog?: string;
  filter?: string;
  json?: boolean;
}


async function clientStores(o: DiagnoseCliOptions): Promise<StoreEvidence[]> {
  if (o.keystore && (o.cert || o.key)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "give either --keystore or --cert/--key, not both");
  if (o.keystore) {
    const store = await loadKeystore(o.keystore, keystoreLoadOptions(o));
    if (o.alias && !store.entries.some((e) => e.alias === o.alias)) {
      throw new MtlsDoctorError("MTLSD_ERR_ALIAS_NOT_FOUND", `${o.keystore}: no alias "${o.alias}" (aliases: ${store.entries.map((e) => `"${e.alias}"`).join(", ") || "none"})`);
    }
    return [{ store, role: "client-keystore", ...(o.alias ? { alias: o.alias } : {}) }];
  }
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--cert and --key go together");
    const c = await credentialFromFiles(o.cert, o.key, keyPassword(o) ?? storePassword(o));
    return [{ role: "client-keystore", store: { file: o.cert, format: "pem", formatDetail: "PEM certificate + key", entries: [{ alias: basename(o.cert), kind: "private-key", chain: c.chain, privateKey: c.privateKey }] } }];
  }
  if (o.alias) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--alias needs --keystore");
  return [];
}

export function register(program: Command): void {
  const cmd = program
    .command("diagnose")
    .description("Find out why a mutual-TLS handshake fails (or confirm it works) from a keystore, a live server, the server's truststore and logs")
    .option("--connect <host:port>", "probe this live server with what the client model would send")
    .option("--capture <file>", "a pcap/pcapng capture of the failing handshake (tcpdump -w): diagnose its conversations")
    .option("--keylog <file>", "NSS key log (SSLKEYLOGFILE, openssl -keylogfile) to decrypt TLS 1.3 in --capture")
    .option("--filter <host:port>", "with --capture: only conversations with this endpoint (host:port, [v6]:port, :port or host)")
    .option("--log <file>", "a Java -Djavax.net.debug log or a gateway log (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--keystore <file>", "the client's keystore (PKCS#12, JKS, PEM)")
    .option("--password <password>", "keystore password (or env MTLS_DOCTOR_PASSWORD)")
    .option("--alias <alias>", "the keystore alias the client is pinned to (e.g. Apigee KeyAlias)")
    .option("--cert <file>", "client certificate chain (PEM, leaf first), instead of --keystore")
    .option("--key <file>", "private key for --cert")
    .option("--key-password <password>", KEY_PASSWORD_HELP)
    .option("--truststore <file>", "the server's truststore (CA certificates it trusts for client certificates)")
    .option("--truststore-password <password>", "password of --truststore (or env MTLS_DOCTOR_PASSWORD)")
    .option("--client <stack>", `client stack to model: ${CLIENTS.join(", ")} (default: java for JKS/PKCS#12, openssl for PEM)`)
    .option("--key-manager <km>", "Java key manager: SunX509 (JDK default) or PKIX", "SunX509")
    .option("--server-stack <stack>", `server stack, to read its alerts right: ${SERVERS.join(", ")} (default: unknown)`)
    .option("--tls-version <version>", "pin the protocol version for --connect: 1.2 or 1.3")
    .option("--servername <name>", "SNI server name for --connect")
    .option("--timeout <ms>", "per connection budget in ms for --connect", "10000");
  addOutputOptions(cmd).action(
      action(async (o: DiagnoseCliOptions) => {
        resolveFormat(o); // a usage error before any store is read or server probed
        const clientStack = oneOf(o.client, CLIENTS, "--client");
        const keyManager = oneOf<JavaKeyManager>(o.keyManager, ["SunX509", "PKIX"], "--key-manager");
        const serverStack = oneOf(o.serverStack, SERVERS, "--server-stack");
        const tlsVersion = oneOf(o.tlsVersion, ["1.2", "1.3"] as const, "--tls-version");
        if (o.capture && o.connect) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "give either --capture (a recorded handshake) or --connect (a new one), not both");
        if (!o.capture && (o.keylog || o.filter)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `${o.keylog ? "--keylog" : "--filter"} needs --capture`);
        const timeoutMs = positiveMs(o.timeout, "--timeout", 10_000);
        const stores = await clientStores(o);
        if (o.truststore) {
          const pw = o.truststorePassword ?? process.env.MTLS_DOCTOR_PASSWORD;
          stores.push({ store: await loadKeystore(o.truststore, pw !== undefined ? { password: pw } : {}), role: "server-truststore" });
        }
        const logs: LogEvidence[] = [];
        for (const f of o.log ?? []) logs.push(await readLog(f));
        if (o.capture) return runCapture(o.capture, o, stores, logs, { clientStack, serverStack, keyManager });
        if (!o.connect && stores.length === 0 && logs.length === 0) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "nothing to diagnose: give --connect host:port, --capture FILE, --log FILE and/or --keystore (or --cert/--key) and --truststore");
        const now = Date.now();
        let evidence: Evidence = { now, stores, conversations: [], ...(logs.length ? { logs } : {}), ...(clientStack ? { clientStack } : {}), ...(serverStack ? { serverStack } : {}) };
        let d: DiagnosisDetail;
        if (o.connect) {
          const { host, port } = parseTarget(o.connect);
          const live = await diagnoseLive({
            host,
            port,
            stores,
            now,
            timeoutMs,
            ...(clientStack ? { clientStack } : {}),
            ...(serverStack ? { serverStack } : {}),
            ...(keyManager ? { keyManager } : {}),
            ...(o.alias ? { alias: o.alias } : {}),
            ...(tlsVersion ? { tlsVersion } : {}),
            ...(o.servername ? { servername: o.servername } : {}),
            ...(logs.length ? { logs } : {}),
          });
          evidence = live.evidence;
          d = live.diagnosis;
        } else {
          d = diagnose(evidence, { ...(keyManager ? { keyManager } : {}), ...(o.alias ? { alias: o.alias } : {}) });
        }
        const ev = evidence;
        await writeReport(o, {
          text: () => renderDiagnoseText(d, ev),
          json: () => diagnoseDocument(d, ev),
          view: () => buildReportView({ kind: "diagnose", evidence: ev, diagnosis: d }, { now: ev.now }),
        });
        return d.verdict === "problem" ? ExitCode.PROBLEM : ExitCode.OK;
      }),
    );
}

/** `diagnose --capture`: the capture's conversations diagnosed with the stores and logs given; returns the exit code. */
async function runCapture(
  file: string,
  o: DiagnoseCliOptions,
  stores: StoreEvidence[],
  logs: LogEvidence[],
  m: { clientStack: ClientStack | undefined; serverStack: ServerStack | undefined; keyManager: JavaKeyManager | undefined },
): Promise<number> {
  const diagnoseOptions = { ...(m.keyManager ? { keyManager: m.keyManager } : {}), ...(o.alias ? { alias: o.alias } : {}) };
  // The stores given are today's configuration: judge every certificate as of now (as the other modes do), not as of
  // the capture's time (that is what `analyze` does).
  const now = Date.now();
  const r: AnalyzeResult = await analyzeCapture(file, {
    now,
    ...(o.keylog ? { keyLogFile: o.keylog } : {}),
    ...(o.filter ? { filter: o.filter } : {}),
    stores,
    ...(logs.length ? { logs } : {}),
    ...(m.clientStack ? { clientStack: m.clientStack } : {}),
    ...(m.serverStack ? { serverStack: m.serverStack } : {}),
    diagnoseOptions,
    onWarning: (w) => process.stderr.write(`mtls-doctor: warning: ${w}\n`),
  });
  // Conversations come failed first; the first one is the one to diagnose.
  const chosen = r.conversations.length ? 1 : null;
  const pick = r.conversations[0];
  let d: DiagnosisDetail;
  let ev: Evidence;
  if (pick) {
    d = pick.diagnosis;
    ev = pick.evidence;
  } else {
    // No TLS in the capture: what the stores and logs alone say.
    ev = { now, stores, conversations: [], ...(logs.length ? { logs } : {}), ...(m.clientStack ? { clientStack: m.clientStack } : {}), ...(m.serverStack ? { serverStack: m.serverStack } : {}) };
    d = diagnose(ev, diagnoseOptions);
  }
  const quiet = { ...r, warnings: [] }; // warnings went to stderr already
  await writeReport(o, {
    text: () => renderDiagnoseCaptureText(quiet, chosen, pick ? undefined : { d, evidence: ev }),
    json: () => diagnoseDocument(d, ev, captureOverview(r, chosen)),
    view: () => buildReportView({ kind: "diagnose", evidence: ev, diagnosis: d }, { now: ev.now }),
  });
  return d.verdict === "problem" || r.conversations.some(conversationFailed) || filterMatchedNothing(r) ? ExitCode.PROBLEM : ExitCode.OK;
}
