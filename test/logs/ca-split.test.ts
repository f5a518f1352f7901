/**
 * JDK 11+ prints a TLS 1.2 CertificateRequest's CA names on one line, ", " between names as between RDNs. A CA made
 * with `-subj "/CN=Lab rootA/O=lab"` (CN first in encoding order) prints least-specific first, "O=lab, CN=Lab rootA",
 * which the attribute-order rule alone would cut into two names. Real JDK 17 client logs against openssl s_server:
 * with the client's certificate issued by that CA the log shows the DN and the list is cut to reproduce it
 * ("matched"); without a client certificate nothing in the log confirms a cut, so the name is kept whole
 * ("ambiguous").
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLog } from "../../src/logs/index.js";
import { resolveJavaDnList } from "../../src/logs/dn.js";
import type { LogEvidence } from "../../src/evidence/model.js";
import { renderLogText } from "../../src/report/text/logs.js";
import { analyzeLog } from "../../src/diagnose/logfile.js";
import { analyzeLogDocument } from "../../src/report/documents.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { javaClientVsOpenssl, makeLab, PASS, stopAll, type JavaRun, type Lab } from "./lab.js";

let lab: Lab;
const runs = new Map<string, JavaRun & { ev: LogEvidence }>();

beforeAll(async () => {
  lab = makeLab();
  const o = (...args: string[]) => execFileSync("openssl", args, { cwd: lab.dir, stdio: ["ignore", "pipe", "pipe"] });
  o("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "odd.key", "-out", "odd.pem", "-days", "3650",
    "-subj", "/CN=Lab rootA/O=lab", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  o("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "oddleaf.key", "-out", "oddleaf.csr", "-subj", "/O=lab/CN=client-odd");
  o("x509", "-req", "-in", "oddleaf.csr", "-CA", "odd.pem", "-CAkey", "odd.key", "-CAcreateserial", "-out", "oddleaf.pem", "-days", "365");
  o("pkcs12", "-export", "-in", "oddleaf.pem", "-inkey", "oddleaf.key", "-name", "client", "-passout", `pass:${PASS}`, "-out", "oddleaf.p12");
  for (const [k, ks] of [["odd-cert", "oddleaf.p12"], ["odd-nocert", "nokey.p12"]] as const) {
    const r = await javaClientVsOpenssl(lab, k, "1.2", ks, ["-CAfile", "odd.pem"]);
    runs.set(k, { ...r, ev: await readLog(r.log) });
  }
});
afterAll(async () => {
  await stopAll();
  if (lab) rmSync(lab.dir, { recursive: true, force: true });
});

describe("one-line TLS 1.2 CA names (JDK 17) with a DN written least-specific first", () => {
  it("the log prints the list as one line: [O=lab, CN=Lab rootA]", () => {
    const line = readFileSync(runs.get("odd-cert")!.log, "utf8").split("\n").find((l) => l.includes('"certificate authorities"'));
    expect(line?.trim()).toBe('"certificate authorities": [O=lab, CN=Lab rootA]');
  });

  it("with the client's certificate issued by it: one name, the issuer the log shows (matched)", () => {
    const { ev, result } = runs.get("odd-cert")!;
    expect(result).toMatch(/^RESULT ok/);
    const h = ev.handshakes[0]!;
    expect(h.clientCertificates![0]!.issuer).toBe("O=lab, CN=Lab rootA");
    expect(h.policy!.acceptableCAs.map((a) => a.dn)).toEqual(["O=lab, CN=Lab rootA"]);
    expect(h.caNamesSplit).toBe("matched");
  });

  it("without a client certificate nothing confirms a cut: kept whole, marked ambiguous", () => {
    const { ev } = runs.get("odd-nocert")!;
    const h = ev.handshakes[0]!;
    expect(h.clientCertificates ?? []).toEqual([]);
    expect(h.policy!.acceptableCAs.map((a) => a.dn)).toEqual(["O=lab, CN=Lab rootA"]);
    expect(h.caNamesSplit).toBe("ambiguous");
  });
});

describe("how the split is reported (analyze <log>: text and --json)", () => {
  const MATCHED = "  (The CA names were printed on one line; the split was confirmed by certificate DNs this log shows.)";
  const AMBIGUOUS = "  (Java printed the CA list on one line and it could not be split with certainty; the names are shown as logged.)";
  const doc = (ev: LogEvidence) => analyzeLogDocument(analyzeLog(ev, { now: Date.now() })) as unknown as { handshakes: Array<Record<string, unknown>> };

  it("matched: the text says the split was confirmed by DNs the log shows; the JSON says caNamesSplit \"matched\"", () => {
    const { ev } = runs.get("odd-cert")!;
    const t = renderLogText(ev).split("\n");
    expect(t).toContain(MATCHED);
    expect(t).not.toContain(AMBIGUOUS);
    const d = doc(ev);
    expectValidReport(d, "analyze");
    expect(d.handshakes[0]!.caNamesSplit).toBe("matched");
    expect(d.handshakes[0]!.acceptableCAs).toEqual(["O=lab, CN=Lab rootA"]);
  });

  it("ambiguous: the text says it could not be split with certainty and the names are as logged; the JSON says \"ambiguous\"", () => {
    const { ev } = runs.get("odd-nocert")!;
    const t = renderLogText(ev).split("\n");
    expect(t).toContain(AMBIGUOUS);
    expect(t).not.toContain(MATCHED);
    const d = doc(ev);
    expectValidReport(d, "analyze");
    expect(d.handshakes[0]!.caNamesSplit).toBe("ambiguous");
    expect(d.handshakes[0]!.acceptableCAs).toEqual(["O=lab, CN=Lab rootA"]);
  });
});

describe("resolveJavaDnList", () => {
  const rootA = "CN=Lab Root A, O=mtls-doctor Lab, C=AU";
  const rootB = "CN=Lab Root B, O=mtls-doctor Lab, C=AU";
  it("usual names: cut where the order restarts", () => {
    expect(resolveJavaDnList(`[${rootA}, ${rootB}]`, [])).toEqual({ names: [rootA, rootB], split: "heuristic" });
  });
  it("every name a known DN: matched", () => {
    expect(resolveJavaDnList(`[${rootA}, O=lab, CN=Lab rootA]`, [rootA, "O=lab, CN=Lab rootA"])).toEqual({ names: [rootA, "O=lab, CN=Lab rootA"], split: "matched" });
  });
  it("a known DN fixes the cut around an odd name, the rest split by order", () => {
    expect(resolveJavaDnList(`[O=lab, CN=Lab rootA, ${rootB}]`, ["o=LAB,  cn=lab rootA"])).toEqual({ names: ["O=lab, CN=Lab rootA", rootB], split: "heuristic" });
  });
  it("an odd name next to a usual one with nothing known: the run is kept whole", () => {
    expect(resolveJavaDnList(`[${rootA}, O=lab, CN=Lab rootA]`, [])).toEqual({ names: [`${rootA}, O=lab, CN=Lab rootA`], split: "ambiguous" });
  });
});
