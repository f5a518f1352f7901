/**
 * A leaf's issuer that no store holds is judged by its name, with one helper (names.ts caKindByName) in every rule:
 * "Lab Root B" reads as a root (the chain is complete; the server does not trust it: no missing-intermediate),
 * "Lab Intermediate A" as an intermediate (missing-intermediate, as before). Real input: the committed capture and
 * `diagnose --connect` against `openssl s_server -Verify 1 -verify_return_error -CAfile rootA.pem` on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caKindByName } from "../../src/diagnose/names.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";

const PW = "changeit-123";
const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const FIXTURE = new URL("../fixtures/captures/openssl-tls12-unknown-ca.pcapng", import.meta.url).pathname;
let lab: LabPki;
let srv: Peer;
const f: Record<string, string> = {};

type J = { verdict: string; findings: Array<{ id: string; severity: string; title: string; evidence: Array<{ text?: string }>; remediation: { summary: string; steps: string[] } }> };
async function json(args: string[]): Promise<{ code: number; json: J }> {
  try {
    const { stdout } = await promisify(execFile)("node", [CLI, ...args, "--json"]);
    return { code: 0, json: JSON.parse(stdout) as J };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    if (typeof err.code !== "number") throw e;
    return { code: err.code, json: JSON.parse(err.stdout) as J };
  }
}
const ids = (j: J) => j.findings.map((x) => `${x.id}:${x.severity}`);

beforeAll(async () => {
  lab = await makeLabPki();
  srv = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" });
  f.b = await lab.toPkcs12("client-rootB", { password: PW, chain: false, alias: "b", file: `${lab.dir}/b.p12` });
  f.leafOnly = await lab.toPkcs12("client-good", { password: PW, chain: false, alias: "leaf", file: `${lab.dir}/leafonly.p12` });
});
afterAll(async () => {
  await stopAllPeers();
  await lab?.dispose();
});

describe("caKindByName", () => {
  it("reads the CN: root, intermediate (intermediate/issuing/sub), or unknown", () => {
    expect(caKindByName("CN=Lab Root B, O=mtls-doctor lab, C=AU")).toBe("root");
    expect(caKindByName("CN=Example Root CA 2")).toBe("root");
    expect(caKindByName("CN=Lab Intermediate A, O=mtls-doctor lab")).toBe("intermediate");
    expect(caKindByName("CN=Root Issuing CA 1")).toBe("intermediate");
    expect(caKindByName("CN=Example Sub CA, O=Root Corp")).toBe("intermediate");
    expect(caKindByName("CN=Example CA, O=Root Corp")).toBe("unknown"); // only the CN counts
  });
});

describe("an issuer in no store, named as a root", () => {
  it("analyze openssl-tls12-unknown-ca.pcapng (leaf from Lab Root B, 48 unknown_ca): ca-mismatch, no missing-intermediate", async () => {
    const r = await json(["analyze", FIXTURE]);
    expect(r.code).toBe(1);
    const conv = (r.json as unknown as { conversations: J[] }).conversations[0]!;
    expect(ids(conv)).toEqual(["ca-mismatch:error", "server-alert:info"]);
    const ca = conv.findings[0]!;
    expect(ca.remediation.summary).toMatch(/^Use a certificate issued under one of the listed CAs, or make the server trust \(and advertise\) "CN=Lab Root B/);
    expect(ca.evidence.map((e) => e.text ?? "").join("\n")).toContain('its issuer "CN=Lab Root B, O=mtls-doctor lab, C=AU" is not in it and reads as a root CA by its name');
    expect(JSON.stringify(r.json)).not.toMatch(/followed by the intermediate "CN=Lab Root B/);
  });
  it("diagnose --connect, keystore with only a leaf from Lab Root B (Java sends nothing): no missing-intermediate", async () => {
    const r = await json(["diagnose", "--connect", `127.0.0.1:${srv.port}`, "--keystore", f.b!, "--password", PW]);
    expect(r.code).toBe(1);
    expect(r.json.findings.map((x) => x.id)).toContain("ca-mismatch");
    expect(r.json.findings.map((x) => x.id)).not.toContain("missing-intermediate");
    expect(JSON.stringify(r.json)).not.toMatch(/the intermediate "CN=Lab Root B/);
  });
});

describe("an issuer in no store, named as an intermediate: today's behaviour", () => {
  it("diagnose --connect, keystore with only the leaf under Lab Intermediate A: missing-intermediate warning, ca-mismatch leads with including it", async () => {
    const r = await json(["diagnose", "--connect", `127.0.0.1:${srv.port}`, "--keystore", f.leafOnly!, "--password", PW]);
    expect(r.code).toBe(1);
    const mi = r.json.findings.find((x) => x.id === "missing-intermediate")!;
    expect(mi.severity).toBe("warning");
    expect(mi.remediation.summary).toBe('Import the full chain into the key entry "leaf": the client certificate followed by the intermediate "CN=Lab Intermediate A, O=mtls-doctor lab".');
    expect(r.json.findings.find((x) => x.id === "ca-mismatch")!.remediation.summary).toMatch(/^Include the intermediate CA certificate "CN=Lab Intermediate A/);
  });
});
