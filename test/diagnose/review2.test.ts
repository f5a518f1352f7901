/**
 * Second fresh-user review, on real input (openssl PKI, keytool stores, openssl s_server on 127.0.0.1):
 * - a handshake the transcript shows completed and accepted is never a PROBLEM (rules contradicted by it warn);
 * - the offline truststore check judges leaf-only entries (no anchor issues the leaf → PROBLEM);
 * - ca-mismatch leads with the playbook's fix when nothing says the issuer is an intermediate;
 * - the PROBLEM headline is one short sentence; non-Java clients are not told about "key entries".
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";

const PW = "changeit-123";
const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
let lab: LabPki;
const srv: Record<string, Peer> = {};
const f: Record<string, string> = {};

interface Out {
  code: number;
  stdout: string;
}
async function cli(args: string[]): Promise<Out> {
  try {
    const { stdout } = await promisify(execFile)("node", [CLI, "diagnose", ...args]);
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    if (typeof err.code !== "number") throw e;
    return { code: err.code, stdout: err.stdout || err.stderr };
  }
}
type J = { verdict: string; findings: Array<{ id: string; severity: string; title: string; remediation: { summary: string; steps: string[] } }> };
async function json(args: string[]): Promise<{ code: number; json: J }> {
  const r = await cli([...args, "--json"]);
  return { code: r.code, json: JSON.parse(r.stdout) as J };
}
const ids = (j: J, sev: string) => j.findings.filter((x) => x.severity === sev).map((x) => x.id);

beforeAll(async () => {
  lab = await makeLabPki();
  const server = { cert: lab.cert("server"), key: lab.key("server") };
  // Requests a certificate (-verify, not -Verify) and does not fail on a verify error: it accepts whatever it gets.
  srv.lenient12 = await startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "verify", tls: "1.2" });
  srv.lenientB12 = await startOpensslServer({ ...server, caFile: lab.cert("rootB"), mode: "verify", tls: "1.2" });
  srv.lenient13 = await startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "verify", tls: "1.3" });
  f.expired = await lab.toPkcs12("client-expired", { password: PW, file: `${lab.dir}/expired.p12` });
  f.good = await lab.toPkcs12("client-good", { password: PW, file: `${lab.dir}/good.p12` });
  f.leafOnly = await lab.toPkcs12("client-good", { password: PW, chain: false, alias: "leaf", file: `${lab.dir}/leafonly.p12` });
  f.b = await lab.toPkcs12("client-rootB", { password: PW, chain: false, alias: "b", file: `${lab.dir}/b.p12` });
  f.trustJks = await lab.trustStore(["rootA"], "JKS", { password: PW, file: `${lab.dir}/trust.jks` });
});
afterAll(async () => {
  await stopAllPeers();
  await lab?.dispose();
});

describe("a handshake that completed and was accepted is never a PROBLEM", () => {
  it("expired client certificate accepted by a lenient s_server (TLS 1.2 and 1.3): healthy, the expiry a contradicted warning", async () => {
    for (const s of [srv.lenient12!, srv.lenient13!]) {
      const r = await json(["--connect", `127.0.0.1:${s.port}`, "--keystore", f.expired!, "--password", PW, "--client", "openssl"]);
      expect(r.json.verdict).toBe("healthy");
      expect(r.code).toBe(0);
      expect(ids(r.json, "error")).toEqual([]);
      const w = r.json.findings.find((x) => x.id === "client-cert-expired")!;
      expect(w.severity).toBe("warning");
      expect(w.title).toMatch(/^Contradicted by the transcript: the server accepted/);
      expect(ids(r.json, "info")).toContain("healthy");
    }
  });
  it("CA list naming Root B, client from Root A, server accepts anyway: ca-mismatch contradicted, healthy", async () => {
    const r = await json(["--connect", `127.0.0.1:${srv.lenientB12!.port}`, "--keystore", f.good!, "--password", PW, "--client", "openssl"]);
    expect(r.json.verdict).toBe("healthy");
    expect(r.code).toBe(0);
    expect(r.json.findings.find((x) => x.id === "ca-mismatch")?.severity).toBe("warning");
  });
});

describe("offline truststore check with leaf-only entries", () => {
  it("leaf issued by Intermediate A, truststore = Root A only: no anchor issues the leaf → missing-intermediate PROBLEM", async () => {
    const r = await json(["--keystore", f.leafOnly!, "--password", PW, "--truststore", f.trustJks!, "--truststore-password", PW]);
    expect(r.json.verdict).toBe("problem");
    expect(r.code).toBe(1);
    expect(ids(r.json, "error")).toContain("missing-intermediate");
  });
  it("leaf from Root B, Root B not in the truststore → server-truststore-missing-issuer PROBLEM", async () => {
    const r = await json(["--keystore", f.b!, "--password", PW, "--truststore", f.trustJks!, "--truststore-password", PW]);
    expect(r.json.verdict).toBe("problem");
    expect(ids(r.json, "error")).toContain("server-truststore-missing-issuer");
  });
});

describe("ca-mismatch fix and step lists", () => {
  it("leaf-only from Root B (issuer in no store), server names Root A: the playbook's fix leads, 'if it is an intermediate' second; steps not repeated", async () => {
    const s = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" });
    const r = await json(["--connect", `127.0.0.1:${s.port}`, "--keystore", f.b!, "--password", PW, "--server-stack", "openssl"]);
    expect(r.json.verdict).toBe("problem");
    const ca = r.json.findings.find((x) => x.id === "ca-mismatch")!;
    expect(ca.remediation.summary).toMatch(/^Use a certificate issued under one of the listed CAs, or make the server trust \(and advertise\) "CN=Lab Root B[^"]*"\. Or, if "CN=Lab Root B[^"]*" is an intermediate, include it/);
    expect(ca.remediation.summary).not.toMatch(/^Include the intermediate/);
    // No step is spelled out twice across findings.
    const all = r.json.findings.flatMap((x) => x.remediation.steps.map((st) => st.replace(/^(On the (client|server): |If "[^"]*" is (an intermediate|a root): )/, "")));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("headline", () => {
  it("one short sentence with the cause and the first fix; no 'key entry' for PEM-configured clients", async () => {
    for (const client of ["java", "openssl", "curl", "node", "go"]) {
      for (const ks of [f.leafOnly!, f.b!]) {
        const r = await cli(["--keystore", ks, "--password", PW, "--truststore", f.trustJks!, "--truststore-password", PW, "--client", client]);
        const head = r.stdout.split("\n")[0]!;
        expect(head).toMatch(/^PROBLEM: .*\. Fix: .*\.$/);
        expect(head.length).toBeLessThanOrEqual(170);
        if (client !== "java") expect(r.stdout).not.toContain("key entry");
      }
    }
  });
});
