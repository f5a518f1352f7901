/**
 * `mtls-doctor probe <host:port> [--servername N] [--tls-version 1.2|1.3]
 *   [--keystore F [--password P] [--alias A] | --cert F --key F [--key-password P]] [--timeout ms] [--grace ms]
 *   [--no-check-required] [--format text|json|markdown|html | --json] [--output F]`
 *
 * Connects once (twice when a certificate is requested and one was offered, to learn whether it is required) and
 * prints what the server asks of a client and how the handshake ended.
 * Password: --password, else env MTLS_DOCTOR_PASSWORD (never echoed).
 * Exit: 0 the server accepted the connection; 1 the handshake failed or the server rejected the client (alert,
 * close, reset); 2 bad input; 3 unreachable; 5 refused; 6 timeout; 7 not TLS.
 */
import type { Command } from "commander";
import { ExitCode, MtlsDoctorError, isMtlsDoctorError } from "../../errors.js";
import { positiveMs, tlsVersionOption } from "../options.js";
import { probe } from "../../probe/probe.js";
import { credentialFromFiles, credentialFromKeystore, type Credential } from "../../probe/credential.js";
import { KEY_PASSWORD_HELP, keyPassword, keystoreLoadOptions, storePassword } from "../passwords.js";
import { renderProbeText } from "../../report/text/probe.js";
import { probeDocument } from "../../report/documents.js";
import { buildReportView } from "../../report/view.js";
import { addOutputOptions, resolveFormat, writeReport, type OutputOptions } from "../output.js";
import { action } from "../run.js";

/** Parses "host:port", "[v6]:port". Throws MTLSD_ERR_BAD_TARGET. */
export function parseTarget(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:\s]+):(\d+)$/.exec(s);
  if (!m) throw new MtlsDoctorError("MTLSD_ERR_BAD_TARGET", `bad target ${JSON.stringify(s)}: expected host:port (IPv6 as [addr]:port)`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new MtlsDoctorError("MTLSD_ERR_BAD_TARGET", `bad target ${JSON.stringify(s)}: port must be 1..65535`);
  return { host: m[1]!, port };
}


interface ProbeCliOptions extends OutputOptions {
  servername?: string;
  tlsVersion?: string;
  keystore?: string;
  password?: string;
  alias?: string;
  cert?: string;
  key?: string;
  keyPassword?: string;
  timeout?: string;
  grace?: string;
  checkRequired: boolean;
}

async function loadCredential(o: ProbeCliOptions): Promise<Credential | undefined> {
  if (o.keystore && (o.cert || o.key)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "give either --keystore or --cert/--key, not both");
  if (o.keystore) return credentialFromKeystore(o.keystore, { ...keystoreLoadOptions(o), ...(o.alias !== undefined ? { alias: o.alias } : {}) });
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--cert and --key go together");
    return credentialFromFiles(o.cert, o.key, keyPassword(o) ?? storePassword(o));
  }
  if (o.alias) throw new MtlsDoctorError("MTLSD_ERR_USAGE", "--alias needs --keystore");
  return undefined;
}

export function register(program: Command): void {
  const cmd = program
    .command("probe")
    .description("Connect to a live TLS server and report what it asks of a client certificate, and how the handshake ends")
    .argument("<host:port>", "the server to probe (IPv6 as [addr]:port)")
    .option("--servername <name>", "SNI server name (default: the host, unless it is an IP address)")
    .option("--tls-version <version>", "pin the protocol version: 1.2 or 1.3 (default: either)")
    .option("--keystore <file>", "offer the client certificate from this keystore (PKCS#12, JKS, PEM)")
    .option("--password <password>", "keystore password (or env MTLS_DOCTOR_PASSWORD)")
    .option("--alias <alias>", "which private-key entry of the keystore to offer")
    .option("--cert <file>", "offer this client certificate chain (PEM, leaf first)")
    .option("--key <file>", "private key for --cert (PEM or DER PKCS#8)")
    .option("--key-password <password>", KEY_PASSWORD_HELP)
    .option("--timeout <ms>", "per connection: TCP connect + handshake budget in ms", "10000")
    .option("--grace <ms>", "TLS 1.3: how long to wait after the handshake for the server's verdict, in ms", "1500")
    .option("--no-check-required", "do not probe a second time without a certificate to learn whether one is required");
  addOutputOptions(cmd).action(
      action(async (targetArg: string, o: ProbeCliOptions) => {
        resolveFormat(o); // a usage error before any connection
        const { host, port } = parseTarget(targetArg);
        const tlsVersion = tlsVersionOption(o.tlsVersion);
        const credential = await loadCredential(o);
        const evidence = await probe({
          host,
          port,
          ...(o.servername !== undefined ? { servername: o.servername } : {}),
          ...(tlsVersion !== undefined ? { tlsVersion } : {}),
          ...(credential ? { credential: { chain: credential.chain, privateKey: credential.privateKey } } : {}),
          timeoutMs: positiveMs(o.timeout, "--timeout", 10_000),
          graceMs: positiveMs(o.grace, "--grace", 1500),
          checkRequired: o.checkRequired,
        }).catch((e: unknown) => {
          // Name the files the bad credential came from (the probe itself only knows the key objects).
          if (credential && isMtlsDoctorError(e, "MTLSD_ERR_BAD_KEY")) throw new MtlsDoctorError(e.code, `${credential.label}: ${e.message}`);
          throw e;
        });
        await writeReport(o, {
          text: () => renderProbeText(evidence),
          json: () => probeDocument(evidence),
          view: () => buildReportView({ kind: "probe", probe: evidence }, { now: Date.now() }),
        });
        return evidence.accepted ? ExitCode.OK : ExitCode.PROBLEM;
      }),
    );
}
