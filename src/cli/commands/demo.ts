/**
 * `mtls-doctor demo [--tls-version 1.2|1.3] [--scenario ID] [--brief]`: the playbook reproduced on loopback and
 * diagnosed, with no arguments. Exit 0 when every scenario was diagnosed as expected, 4 (internal error) otherwise.
 */
import type { Command } from "commander";
import { runDemo } from "../../demo/run.js";
import { DEMO_SCENARIO_IDS } from "../../demo/scenarios.js";
import { ExitCode, MtlsDoctorError } from "../../errors.js";
import { tlsVersionOption } from "../options.js";
import { renderDemoScenario, renderDemoSummary } from "../../report/text/demo.js";
import { action } from "../run.js";

interface DemoCliOptions {
  tlsVersion: string;
  scenario?: string;
  backend: string;
  brief?: boolean;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("Reproduce the playbook's client-certificate failures on loopback and diagnose each (no arguments needed)")
    .option("--tls-version <version>", "protocol the demo backend speaks: 1.2 or 1.3", "1.2")
    .option("--backend <stack>", "the backend's TLS stack: node (closes without an alert when it rejects a chain) or openssl (openssl s_server, sends OpenSSL's alerts; needs the openssl command)", "node")
    .option("--scenario <id>", `run one scenario: ${DEMO_SCENARIO_IDS.join(", ")}`)
    .option("--brief", "leave out each scenario's numbered handshake")
    .action(
      action(async (o: DemoCliOptions) => {
        const tlsVersion = tlsVersionOption(o.tlsVersion) ?? "1.2";
        if (o.backend !== "node" && o.backend !== "openssl") {
          throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--backend: expected node or openssl, got ${JSON.stringify(o.backend)}`);
        }
        if (o.scenario && !(DEMO_SCENARIO_IDS as readonly string[]).includes(o.scenario)) {
          throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--scenario: no scenario ${JSON.stringify(o.scenario)}; expected one of ${DEMO_SCENARIO_IDS.join(", ")}`);
        }
        const started = Date.now();
        const stack = o.backend === "openssl" ? "openssl s_server" : "Node/OpenSSL tls server";
        process.stdout.write(
          `mtls-doctor demo: a Java API gateway (modelled: JSSE, SunX509 key manager) calls a backend on 127.0.0.1 that\n` +
            `requires a client certificate (TLS ${tlsVersion}, ${stack}, trusts and advertises "CN=Demo Root CA").\n` +
            `Each scenario gives the gateway a different keystore; mtls-doctor probes the backend exactly as Java would.\n\n`,
        );
        const results = await runDemo({ now: started, tlsVersion, backend: o.backend, ...(o.scenario ? { only: o.scenario } : {}) });
        results.forEach((r, i) => process.stdout.write(renderDemoScenario(r, i + 1, results.length, { handshake: !o.brief })));
        process.stdout.write(renderDemoSummary(results));
        process.stdout.write(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s; the backend is stopped. Try it on your own: mtls-doctor diagnose --connect host:port --keystore FILE --password P\n`);
        return results.some((r) => r.missing.length || r.unexpected.length) ? ExitCode.INTERNAL : ExitCode.OK;
      }),
    );
}
