/**
 * `mtls-doctor inspect <file> [--password P] [--key-password P] [--now ISO] [--format text|json|markdown|html | --json]
 * [--output F]`: lists every alias of a keystore/truststore with its chain (Apigee-style certInfo) and the entry checks.
 * Passwords: --password, else env MTLS_DOCTOR_PASSWORD; --key-password, else env MTLS_DOCTOR_KEY_PASSWORD, else the
 * store password (never echoed). A private key neither decrypts is not a failed load: the entry and its chain are
 * listed, its "key matches leaf" check fails with "private key not recovered: wrong key password (use --key-password)".
 * Exit: 0 the store loaded and every private-key entry passes its checks (warnings, such as an incomplete chain, do not
 * count); 1 a private-key entry fails a check, including a key not recovered; 2 the store cannot be read at all
 * (missing file, wrong store password, unknown format, ...).
 */
import type { Command } from "commander";
import { MtlsDoctorError, ExitCode } from "../../errors.js";
import { loadKeystore, type LoadOptions } from "../../pki/store.js";
import { checkEntry } from "../../pki/chain.js";
import type { LoadedStore } from "../../pki/types.js";
import { inspectDocument } from "../../report/documents.js";
import { renderInspectText, type InspectView } from "../../report/text/inspect.js";
import { buildReportView } from "../../report/view.js";
import { addOutputOptions, writeReport, type OutputOptions } from "../output.js";
import { action } from "../run.js";

/** Options of `inspect` for reading the store: passwords (never printed); keys neither decrypts are kept, not fatal. */
function loadOptions(password: string | undefined, keyPassword: string | undefined): LoadOptions {
  return { ...(password !== undefined ? { password } : {}), ...(keyPassword !== undefined ? { keyPassword } : {}), unrecoveredKeys: "keep" };
}

/**
 * Builds the inspect view from a store at `now` (ms since epoch). `keyPassword` defaults to the store password.
 * Throws what {@link loadKeystore} throws, except for keys that cannot be decrypted (listed with keyNotRecovered).
 */
export async function inspectView(file: string, password: string | undefined, now: number, keyPassword?: string): Promise<InspectView> {
  return inspectViewOf(await loadKeystore(file, loadOptions(password, keyPassword)), now);
}

/** The inspect view of a loaded store, judged at `now` (ms since epoch). */
export function inspectViewOf(store: LoadedStore, now: number): InspectView {
  return {
    file: store.file,
    format: store.format,
    ...(store.formatDetail ? { formatDetail: store.formatDetail } : {}),
    entries: store.entries.map((e) => ({
      alias: e.alias,
      kind: e.kind,
      certName: e.alias,
      certInfo: e.chain.map((c) => c.info(now)),
      checks: checkEntry(e, now),
      ...(e.keyNotRecovered !== undefined ? { keyNotRecovered: e.keyNotRecovered } : {}),
    })),
  };
}

/** True when a private-key entry fails any check at `now`. Warnings (chainComplete severity "warning") do not count. */
export function hasProblem(v: InspectView): boolean {
  return v.entries.some(
    (e) =>
      e.kind === "private-key" &&
      (!e.checks.chainOrdered.ok || !e.checks.signaturesValid.ok || !e.checks.keyMatchesLeaf.ok || e.checks.expired.length > 0 ||
        e.checks.notYetValid.length > 0 || !e.checks.clientAuthAllowed.ok || !e.checks.digitalSignatureAllowed.ok ||
        (e.checks.chainComplete !== undefined && !e.checks.chainComplete.ok && e.checks.chainComplete.severity !== "warning")),
  );
}

export function register(program: Command): void {
  const cmd = program
    .command("inspect")
    .description("List the entries of a keystore/truststore (PEM, DER, PKCS#12, JKS) with their chains and checks")
    .argument("<file>", "keystore or truststore file (format detected from content)")
    .option("--password <password>", "store password or key passphrase (or env MTLS_DOCTOR_PASSWORD)")
    .option("--key-password <password>", "password of the private keys when it differs from the store password, as with keytool -keypass (or env MTLS_DOCTOR_KEY_PASSWORD; default: the store password)")
    .option("--now <iso-date>", "judge validity at this time instead of the current time (reproducible output)");
  addOutputOptions(cmd).action(
      action(async (file: string, opts: { password?: string; keyPassword?: string; now?: string } & OutputOptions) => {
        const password = opts.password ?? process.env.MTLS_DOCTOR_PASSWORD;
        const keyPassword = opts.keyPassword ?? process.env.MTLS_DOCTOR_KEY_PASSWORD;
        let now = Date.now();
        if (opts.now !== undefined) {
          now = Date.parse(opts.now);
          if (Number.isNaN(now)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--now: not an ISO date: ${opts.now}`);
        }
        const store = await loadKeystore(file, loadOptions(password, keyPassword));
        const view = inspectViewOf(store, now);
        // One line each on stderr, whatever the format (stdout may be JSON or a file): the entry is listed without its key.
        for (const e of store.entries) {
          if (e.keyNotRecovered !== undefined) process.stderr.write(`mtls-doctor: ${file}: alias "${e.alias}": ${e.keyNotRecovered}; its chain is listed, the key is not checked\n`);
        }
        await writeReport(opts, {
          text: ({ color, tty }) => renderInspectText(view, now, { color, unicode: tty }),
          json: () => inspectDocument(view),
          view: () => buildReportView({ kind: "inspect", store, checks: Object.fromEntries(view.entries.filter((e) => e.kind === "private-key").map((e) => [e.alias, e.checks])) }, { now }),
        });
        return hasProblem(view) ? ExitCode.PROBLEM : ExitCode.OK;
      }),
    );
}
