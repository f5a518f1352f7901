/**
 * `mtls-doctor inspect <file> [--password P] [--json] [--now ISO]`: lists every alias of a keystore/truststore
 * with its chain (Apigee-style certInfo) and the entry checks.
 * Password: --password, else env MTLS_DOCTOR_PASSWORD (never echoed).
 * Exit: 0 the store loaded and every private-key entry passes its checks; 1 a private-key entry fails a check;
 * 2 bad input (missing file, wrong password, unknown format, ...).
 */
import type { Command } from "commander";
import { MtlsDoctorError, ExitCode } from "../../errors.js";
import { loadKeystore } from "../../pki/store.js";
import { checkEntry } from "../../pki/chain.js";
import { renderInspectText, type InspectView } from "../../report/text/inspect.js";
import { action } from "../run.js";

/** Builds the inspect view from a store at `now`. */
export async function inspectView(file: string, password: string | undefined, now: number): Promise<InspectView> {
  const store = await loadKeystore(file, password === undefined ? {} : { password });
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
  program
    .command("inspect")
    .description("List the entries of a keystore/truststore (PEM, DER, PKCS#12, JKS) with their chains and checks")
    .argument("<file>", "keystore or truststore file (format detected from content)")
    .option("--password <password>", "store password or key passphrase (or env MTLS_DOCTOR_PASSWORD)")
    .option("--json", "print the JSON view ({ file, format, entries: [{ alias, kind, certName, certInfo, checks }] })")
    .option("--now <iso-date>", "judge validity at this time instead of the current time (reproducible output)")
    .action(
      action(async (file: string, opts: { password?: string; json?: boolean; now?: string }) => {
        const password = opts.password ?? process.env.MTLS_DOCTOR_PASSWORD;
        let now = Date.now();
        if (opts.now !== undefined) {
          now = Date.parse(opts.now);
          if (Number.isNaN(now)) throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--now: not an ISO date: ${opts.now}`);
        }
        const view = await inspectView(file, password, now);
        if (opts.json) {
          const json = { file: view.file, format: view.format, entries: view.entries };
          process.stdout.write(JSON.stringify(json, null, 2) + "\n");
        } else {
          const tty = !!process.stdout.isTTY;
          const color = tty && !process.env.NO_COLOR;
          process.stdout.write(renderInspectText(view, now, { color, unicode: tty }));
        }
        return hasProblem(view) ? ExitCode.PROBLEM : ExitCode.OK;
      }),
    );
}
