/**
 * `mtls-doctor diagnose --connect` against real servers (openssl s_server, a JSSE server, a Node server; TLS 1.2 and
 * 1.3) with stores made by openssl/keytool: each scenario yields exactly the expected finding ids.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeLabPki, run, type LabPki } from "../helpers/labPki.js";
import { startJavaServer, startNodeServer, startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";
import { expectValidReport } from "../helpers/reportSchema.js";

const PW = "changeit-123";
const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
let lab: LabPki;
const srv: Record<string, Peer> = {};
const ks: Record<string, string> = {};

async function cli(args: string[]): Promise<{ code: number; json: { verdict: string; findings: Array<{ id: string; severity: string }> }; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)("node", [CLI, "diagnose", ...args, "--json"]);
    expectValidReport(stdout, "diagnose");
    return { code: 0, json: JSON.parse(stdout), stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    if (typeof err.code !== "number" || !err.stdout) throw new Error(`diagnose failed: ${err.stderr}`);
    expectValidReport(err.stdout, "diagnose");
    return { code: err.code, json: JSON.parse(err.stdout), stdout: err.stdout };
  }
}

beforeAll(async () => {
  lab = await makeLabPki();
  const server = { cert: lab.cert("server"), key: lab.key("server") };
  const [o12, o13, pb12, oi12] = await Promise.all([
    startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
    startOpensslServer({ ...server, caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.3" }),
    // The playbook: the server advertises only a self-signed, server-style name.
    startOpensslServer({ ...server, caFile: lab.cert("nonprod-backend"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
    // Advertises Intermediate A, verifies against Root A: the client must send the intermediate.
    startOpensslServer({ ...server, caFile: lab.cert("interA"), verifyCAfile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
  ]);
  Object.assign(srv, { o12, o13, pb12, oi12 });
  const serverKs = await lab.toPkcs12("server", { password: PW, file: `${lab.dir}/srv.p12` });
  const trust = await lab.trustStore(["rootA"], "PKCS12", { password: PW, file: `${lab.dir}/trust.p12` });
  srv.j13 = await startJavaServer({ keystore: serverKs, password: PW, truststore: trust, trustpass: PW, clientAuth: "need", tls: "1.3" });
  srv.n12 = await startNodeServer({ ...server, ca: lab.cert("rootA"), requestCert: true, rejectUnauthorized: true, tls: "1.2" });
  for (const n of ["client-good", "client-expired", "nonprod-api"] as const) ks[n] = await lab.toPkcs12(n, { password: PW, file: `${lab.dir}/${n}.p12` });
  // A certificate from another root: the entry holds its whole chain up to Root B (as keytool builds it).
  const rb = lab.certs["client-rootB"];
  ks["client-rootB"] = `${lab.dir}/client-rootB-full.p12`;
  await run("openssl", ["pkcs12", "-export", "-in", rb.fullChain, "-inkey", rb.key, "-name", "client-rootB", "-passout", `pass:${PW}`, "-out", ks["client-rootB"]]);
  // The leaf without its intermediate (openssl pkcs12 -export without -certfile).
  ks.leafOnly = await lab.toPkcs12("client-good", { password: PW, chain: false, alias: "client", file: `${lab.dir}/leaf-only.p12` });
  ks.nocert = await lab.trustStore(["rootA"], "PKCS12", { password: PW, file: `${lab.dir}/nocert.p12` });
  ks.trustPem = await lab.trustStore(["rootA"], "PEM", { file: `${lab.dir}/server-trust.pem` });
});
afterAll(async () => {
  await stopAllPeers();
  await lab?.dispose();
});

const ids = (r: { json: { findings: Array<{ id: string }> } }) => r.json.findings.map((f) => f.id);
const at = (p: Peer) => `127.0.0.1:${p.port}`;

describe("diagnose --connect, real servers", () => {
  it("OpenSSL TLS 1.2: good chain → healthy, exit 0", async () => {
    const r = await cli(["--connect", at(srv.o12!), "--keystore", ks["client-good"]!, "--password", PW]);
    expect(ids(r)).toEqual(["healthy"]);
    expect(r.code).toBe(0);
  });
  it("OpenSSL TLS 1.2: Root B leaf → Java sends nothing: ca-mismatch + empty Certificate + 40", async () => {
    const r = await cli(["--connect", at(srv.o12!), "--keystore", ks["client-rootB"]!, "--password", PW, "--truststore", ks.trustPem!, "--server-stack", "openssl"]);
    expect(ids(r)).toEqual(["ca-mismatch", "server-truststore-missing-issuer", "client-sent-empty-certificate", "server-alert"]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(PW);
  });
  it("OpenSSL TLS 1.3: keystore without a private key → no-client-certificate + empty + 116", async () => {
    const r = await cli(["--connect", at(srv.o13!), "--keystore", ks.nocert!, "--password", PW, "--server-stack", "openssl"]);
    expect(ids(r)).toEqual(["no-client-certificate", "client-sent-empty-certificate", "server-alert"]);
    expect(JSON.stringify(r.json)).toContain("certificate_required");
  });
  it("OpenSSL TLS 1.3: expired leaf → client-cert-expired, confirmed by 45", async () => {
    const r = await cli(["--connect", at(srv.o13!), "--keystore", ks["client-expired"]!, "--password", PW, "--server-stack", "openssl"]);
    expect(ids(r)).toEqual(["client-cert-expired", "server-alert"]);
  });
  it("Java server TLS 1.3: Root B leaf → ca-mismatch + empty Certificate, 42 from Java", async () => {
    const r = await cli(["--connect", at(srv.j13!), "--keystore", ks["client-rootB"]!, "--password", PW, "--server-stack", "java"]);
    expect(ids(r)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
    expect(JSON.stringify(r.json)).toContain("bad_certificate");
  });
  it("Node server TLS 1.2: expired leaf → client-cert-expired; Node closes without an alert", async () => {
    const r = await cli(["--connect", at(srv.n12!), "--keystore", ks["client-expired"]!, "--password", PW, "--server-stack", "node"]);
    expect(ids(r)).toEqual(["client-cert-expired", "server-closed-without-alert"]);
  });
  it("the playbook: SHA2 CA G2 leaf vs a server naming only a self-signed server name → ca-mismatch + empty Certificate", async () => {
    const r = await cli(["--connect", at(srv.pb12!), "--keystore", ks["nonprod-api"]!, "--password", PW, "--client", "java"]);
    // The entry holds the leaf only (as in the playbook) and no store holds its issuer: possibly incomplete as well (a warning).
    expect(ids(r)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "missing-intermediate", "server-alert"]);
    expect(r.code).toBe(1);
  });
  it("OpenSSL TLS 1.2 naming Root A, leaf-only entry (Java): missing-intermediate + ca-mismatch + empty Certificate + 40", async () => {
    const r = await cli(["--connect", at(srv.o12!), "--keystore", ks.leafOnly!, "--password", PW, "--truststore", ks.trustPem!, "--server-stack", "openssl"]);
    // missing-intermediate is an error (the truststore, Root A only, cannot issue the leaf), so it sorts before the warning-free rest.
    expect(ids(r)).toEqual(["ca-mismatch", "missing-intermediate", "client-sent-empty-certificate", "server-alert"]);
    const f = r.json.findings as unknown as Array<{ id: string; remediation: { summary: string } }>;
    expect(f.find((x) => x.id === "ca-mismatch")!.remediation.summary).toMatch(/^Include the intermediate CA certificate "CN=Lab Intermediate A/);
    expect(JSON.stringify(r.json)).toContain("handshake_failure");
  });
  it("OpenSSL TLS 1.2 naming Intermediate A (verifying against Root A), leaf-only entry: Java sends the leaf, 48 → missing-intermediate + server-alert", async () => {
    const r = await cli(["--connect", at(srv.oi12!), "--keystore", ks.leafOnly!, "--password", PW, "--server-stack", "openssl"]);
    expect(ids(r)).toEqual(["missing-intermediate", "server-alert"]);
    expect(JSON.stringify(r.json)).toContain("unknown_ca");
    const good = await cli(["--connect", at(srv.oi12!), "--keystore", ks["client-good"]!, "--password", PW]);
    expect(ids(good)).toEqual(["healthy"]); // leaf + Intermediate A: the same server accepts it
  });
  it("--format markdown / --format html --output F: same exit code, the report in the file, nothing on stdout", async () => {
    const args = ["diagnose", "--connect", at(srv.o12!), "--keystore", ks["client-rootB"]!, "--password", PW, "--server-stack", "openssl"];
    const run = (extra: string[]) =>
      promisify(execFile)("node", [CLI, ...args, ...extra]).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const md = await run(["--format", "markdown"]);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^### mTLS diagnosis of 127\.0\.0\.1:\d+\n/);
    expect(md.stdout).toContain("`ca-mismatch`");
    expect(md.stdout).not.toContain(PW);
    const file = join(lab.dir, "diagnose-report.html");
    const html = await run(["--format", "html", "--output", file]);
    expect(html.code).toBe(1);
    expect(html.stdout).toBe("");
    const page = readFileSync(file, "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('data-finding-id="ca-mismatch"');
    expect(page).not.toContain(PW);
    // self-contained: nothing is loaded from anywhere (links to RFCs are <a> navigation, never a resource)
    expect(page).not.toMatch(/\ssrc="(?!#|data:)/);
    expect(page).not.toMatch(/<(link|script|img|iframe|object|embed)\b/i);
    for (const m of page.matchAll(/<(\w+)[^>]*\shref="https?:/g)) expect(m[1]).toBe("a");
  });
  it("bad input: unknown --client → exit 2 with one line", async () => {
    await expect(promisify(execFile)("node", [CLI, "diagnose", "--keystore", ks["client-good"]!, "--password", PW, "--client", "rust"])).rejects.toMatchObject({ code: 2 });
  });
});
