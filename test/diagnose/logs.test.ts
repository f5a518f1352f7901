/**
 * diagnose with logs as evidence: real JSSE debug logs (-Djavax.net.debug=ssl:handshake) of a Java client against
 * `openssl s_server -Verify 1 -verify_return_error` and of a Java server against `openssl s_client` (test/logs/lab.ts),
 * alone and together with the client's keystore; and the playbook's gateway log.
 */
import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose, type DiagnosisDetail } from "../../src/diagnose/engine.js";
import type { Evidence, LogEvidence, StoreEvidence } from "../../src/evidence/model.js";
import { readLog } from "../../src/logs/index.js";
import { loadKeystore } from "../../src/pki/store.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { javaClientVsOpenssl, javaServerVsOpenssl, makeLab, PASS, stopAll, type JavaRun, type Lab } from "../logs/lab.js";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
let lab: Lab;
const logs = new Map<string, JavaRun & { ev: LogEvidence }>();

beforeAll(async () => {
  lab = makeLab();
  // Client-rootB with its whole chain (leaf + Root B), as keytool builds it: a certificate from another root.
  execFileSync("sh", ["-c", `cat rootb.pem rootB.pem > rootb-full.pem && openssl pkcs12 -export -in rootb-full.pem -inkey rootb.key -name client -passout pass:${PASS} -out rootb-full.p12`], { cwd: lab.dir });
  const jobs: [string, () => Promise<JavaRun>][] = [
    ["rootb", () => javaClientVsOpenssl(lab, "rootb", "1.2", "rootb-full.p12")],
    ["nokeystore", () => javaClientVsOpenssl(lab, "nokeystore", "1.2", undefined)],
    ["good", () => javaClientVsOpenssl(lab, "good", "1.2", "good.p12")],
    ["noca-1.3", () => javaClientVsOpenssl(lab, "noca-1.3", "1.3", "good.p12", ["-CAfile", "rootA.pem", "-no_ca_names"])],
    ["srv-rootb", () => javaServerVsOpenssl(lab, "srv-rootb", "1.2", ["-cert", "rootb.pem", "-key", "rootb.key"])],
  ];
  const queue = [...jobs];
  const worker = async () => {
    for (let j = queue.shift(); j; j = queue.shift()) {
      const r = await j[1]();
      logs.set(j[0], { ...r, ev: await readLog(r.log) });
    }
  };
  await Promise.all([worker(), worker()]); // two JVMs at a time: the machine has two cores
}, 120_000);
afterAll(async () => {
  await stopAll();
  if (lab) rmSync(lab.dir, { recursive: true, force: true });
});

// The lab's certificates are made in beforeAll (valid from that second): judge them after it.
const now = (): number => Date.now() + 60_000;
const ks = async (file: string): Promise<StoreEvidence> => ({ role: "client-keystore", store: await loadKeystore(`${lab.dir}/${file}`, { password: PASS }) });
const run = (logNames: string[], stores: StoreEvidence[] = []): DiagnosisDetail =>
  diagnose({ now: now(), stores, conversations: [], logs: logNames.map((n) => logs.get(n)!.ev) } satisfies Evidence);
const ids = (d: DiagnosisDetail) => d.findings.map((f) => f.id);
const all = (d: DiagnosisDetail) => JSON.stringify(d.findings);

describe("diagnose --log (real JSSE debug logs)", () => {
  it("log only, CA mismatch: CA names from the log, empty Certificate, 'No X.509 cert selected' → ca-mismatch naming the list", () => {
    expect(logs.get("rootb")!.result).toMatch(/handshake_failure/); // what the real Java client saw
    const d = run(["rootb"]);
    expect(ids(d)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
    const ca = d.findings[0]!;
    expect(ca.title).toContain('"CN=Lab Root A, O=mtls-doctor Lab, C=AU"');
    expect(ca.evidence).toContainEqual({ kind: "dn", role: "acceptable-ca", dn: "CN=Lab Root A, O=mtls-doctor Lab, C=AU" });
    expect(all(d)).toContain("No X.509 cert selected for [EC");
    expect(all(d)).toContain("The keystore was not given");
    expect(d.findings[2]!.severity).toBe("info");
    expect(d.clientStack).toBe("java");
  });
  it("log only, Java client without any keystore: the same pattern, said plainly", () => {
    const d = run(["nokeystore"]);
    expect(ids(d)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
    expect(d.findings[0]!.remediation.steps.join("\n")).toContain("--keystore");
  });
  it("log + keystore: the Java model compares the keystore's chain with the logged names by name, the log confirms", async () => {
    const d = run(["rootb"], [await ks("rootb-full.p12")]);
    expect(ids(d)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
    expect(d.selection?.empty).toBe(true);
    expect(all(d)).toContain("Compared by name (from a log)");
    expect(all(d)).toContain("rootb.log line");
    expect(d.findings[0]!.title).toContain('issued by "CN=Lab Root B, O=mtls-doctor Lab, C=AU", so Java sends no certificate');
  });
  it("log + keystore, working handshake: names equal by name, never a ca-mismatch for want of DER", async () => {
    const d = run(["good"], [await ks("good.p12")]);
    expect(ids(d)).toEqual(["healthy"]);
    expect(d.selection?.chosen?.alias).toBe("client");
    expect(d.selection?.reasons[0]!.why).toContain("by name (from a log)");
  });
  it("TLS 1.3 empty certificate_authorities: Java's decode_error is explained (client-alert, info)", () => {
    const d = run(["noca-1.3"]);
    expect(ids(d)).toEqual(["empty-certificate-authorities-extension", "client-alert"]);
    const a = d.findings[1]!;
    expect(a.severity).toBe("info");
    expect(a.title).toContain("fatal alert 50 decode_error");
    expect(all(d)).toContain("Invalid certificate_authorities extension");
  });
  it("server-side Java log: 'PKIX path building failed' → server-truststore-missing-issuer, alert 46 confirms", () => {
    const d = run(["srv-rootb"]);
    expect(ids(d)).toEqual(["server-truststore-missing-issuer", "server-alert"]);
    expect(d.findings[0]!.title).toContain('"CN=Lab Root B, O=mtls-doctor Lab, C=AU"');
    expect(d.findings[1]!.severity).toBe("info");
  });
  it("the playbook's gateway log: 'Received fatal alert: bad_certificate' → server-alert 42 with the stacks' causes", async () => {
    const ev = await readLog(new URL("../logs/fixtures/apigee-mp-system.log", import.meta.url).pathname);
    const d = diagnose({ now: now(), stores: [], conversations: [], logs: [ev] });
    expect(ids(d)).toEqual(["server-alert"]);
    expect(d.findings[0]!.title).toContain("fatal alert 42 bad_certificate");
    expect(all(d)).toContain("Empty client certificate chain");
  });
  it("CLI: --log alone and with --keystore, text and JSON", async () => {
    const x = promisify(execFile);
    const r = await x("node", [CLI, "diagnose", "--log", logs.get("rootb")!.log, "--json"]).catch((e: { code: number; stdout: string }) => e);
    expect((r as { code?: number }).code).toBe(1);
    const j = JSON.parse((r as { stdout: string }).stdout);
    expect(j.findings.map((f: { id: string }) => f.id)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
    expect(j.evidence.logs[0].side).toBe("client");
    expectValidReport(j, "diagnose");
    const t = await x("node", [CLI, "diagnose", "--log", logs.get("rootb")!.log, "--keystore", `${lab.dir}/rootb-full.p12`, "--password", PASS]).catch((e: { stdout: string }) => e);
    const out = (t as { stdout: string }).stdout;
    expect(out).toMatch(/^PROBLEM: /);
    expect(out).toContain(`Handshake (from ${logs.get("rootb")!.log}, logged by the client`);
    expect(out).not.toContain(PASS);
  });
});
