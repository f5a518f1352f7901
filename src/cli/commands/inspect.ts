/**
 * `mtls-doctor inspect <file> [--password P] [--now ISO] [--format text|json|markdown|html | --json] [--output F]`: lists every alias of a keystore/truststore
 * with its chain (Apigee-style certInfo) and the entry checks.
 * Password: --password, else env MTLS_DOCTOR_PASSWORD (never echoed).
 * Exit: 0 the store loaded and every private-key entry passes its checks; 1 a private-key entry fails a check;
 * 2 bad input (missing file, wrong password, unknown format, ...).
 */
import type { Command } from "commander";
import { MtlsDoctorError, ExitCode } from "../../errors.js";
import { loadKeystore } from "../../pki/store.js";
import { checkEntry } from "../../pki/chain.js";
import type { LoadedStore } from "../../pki/types.js";
import { inspectDocument } from "../../report/documents.js";
import { renderInspectText, type InspectView } from "../../report/text/inspect.js";
import { buildReportView } from "../../report/view.js";
import { addOutputOptions, writeReport, type OutputOptions } from "../output.js";
import { action } from "../run.js";

/** Builds the inspect view from a store at `now`. */
export async function inspectView(file: string, password: string | undefined, now: number): Promise<InspectView> {
  return inspectViewOf(await loadKeystore(file, password === undefined ? {} : { password }), now);
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
    })),
  };
}

/** True when a private-key entry fails any check at `now`. */
export function hasProblem(v: InspectView): boolean {
  return v.entries.some(
    (e) =>
      e.kind === "private-key" &&
      (!e.checks.chainOrdered.ok || !e.checks.signaturesValid.ok || !e.checks.keyMatchesLeaf.ok || e.checks.expired.length > 0 ||
        e.checks.notYetValid.length > 0 || !e.checks.clientAuthAllowed.ok || !e.checks.digitalSignatureAllowed.ok),
  );
}

export function register(program: Command): void {
  const cmd = program
    .command("inspect")
    .description("List the entries of a keystore/truststore (PEM, DER, PKCS#12, JKS) with their chains and checks")
    .argument("<file>", "keystore or truststore file (format detected from content)")
    .option("--password <password>", "store password or key passphrase (or env MTLS_DOCTOR_PASSWORD)")
    .option("--now <iso-date>", "judge validity at this time instead of the current time (reproducible output)");
  addOutputOptions(cmd).action(
      action(async (file: string, opts: { password?: string; now?: string } & OutputOptions) => {
        const password = opts.password ?? process.env.MTLS_DOCTOR_PASSWORD;
        let now = Date.now();
        if (opts.now !== undefined) {
          now = Date.parse(opts.now);
          if (Number.isNaN(now)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--now: not an ISO date: ${opts.now}`);
        }
        const store = await loadKeystore(file, password === undefined ? {} : { password });
        const view = inspectViewOf(store, now);
        await writeReport(opts, {
          text: ({ color, tty }) => renderInspectText(view, now, { color, unicode: tty }),
          json: () => inspectDocument(view),
          view: () => buildReportView({ kind: "inspect", store, checks: Object.fromEntries(view.entries.filter((e) => e.kind === "private-key").map((e) => [e.alias, e.checks])) }, { now }),
        });
        return hasProblem(view) ? ExitCode.PROBLEM : ExitCode.OK;
      }),
    );
}
