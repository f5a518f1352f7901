/**
 * `mtls-doctor probe` end to end (node dist/cli/main.js, built by `npm test`'s tsc step): the network errors each
 * get one line and their own exit code; a real probe prints the JSON fields and the text transcript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer } from "../helpers/peers.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { expectSelfContainedHtml } from "../helpers/selfContained.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

let lab: LabPki;
beforeAll(async () => {
  lab = await makeLabPki();
});
afterAll(async () => {
  await lab?.dispose();
});

const oneLine = (stderr: string) => {
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe("probe errors", () => {
  it("refused port → exit 5", async () => {
    const s = createNetServer();
    const port = await listen(s);
    await close(s); // nothing listens there any more
    const r = await cli(["probe", `127.0.0.1:${port}`]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`127.0.0.1:${port}: connection refused`);
    oneLine(r.stderr);
  });

  it("a listener that accepts and stays silent → exit 6 (timeout)", async () => {
    const sockets: Socket[] = [];
    const s = createNetServer((sock) => sockets.push(sock));
    const port = await listen(s);
    try {
      const r = await cli(["probe", `127.0.0.1:${port}`, "--timeout", "400"]);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain("sent nothing back to the ClientHello");
      // 400 ms is below 1 s: the budget is named first, before anything about the server.
      expect(r.stderr).toContain(`127.0.0.1:${port}: no answer within 400 ms (the --timeout budget); raise --timeout (`);
      oneLine(r.stderr);
    } finally {
      for (const x of sockets) x.destroy();
      await close(s);
    }
  });

  it("a plain HTTP server → exit 7 (not TLS)", async () => {
    const s = createHttpServer((_req, res) => res.end("hello"));
    const port = await listen(s);
    try {
      const r = await cli(["probe", `127.0.0.1:${port}`]);
      expect(r.code).toBe(7);
      expect(r.stderr).toContain("does not speak TLS");
      expect(r.stderr).toContain("HTTP/1.1 400 Bad Request");
      oneLine(r.stderr);
    } finally {
      s.closeAllConnections();
      await close(s);
    }
  });

  it("an unresolvable name → exit 3 (unreachable)", async () => {
    const r = await cli(["probe", "nonexistent.invalid:443"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("nonexistent.invalid:443");
    oneLine(r.stderr);
  });

  it("a bad target → exit 2", async () => {
    const r = await cli(["probe", "no-port-here"]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
  });
});

describe("probe output", () => {
  it("--json with --keystore (password from env, never printed) against s_server TLS 1.2", async () => {
    const p12 = await lab.toPkcs12("client-good", { password: "s3cret-pw" });
    const srv = await startOpensslServer({
      cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2",
    });
    try {
      const r = await cli(["probe", `127.0.0.1:${srv.port}`, "--keystore", p12, "--json"], { MTLS_DOCTOR_PASSWORD: "s3cret-pw" });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("s3cret-pw");
      const j = JSON.parse(r.stdout);
      for (const k of ["target", "tlsVersion", "cipher", "clientCertificateRequested", "clientCertificateRequired", "acceptableCAs",
        "signatureAlgorithms", "serverCertificates", "clientCertificateSent", "alert", "handshakeCompleted", "transcript"]) expect(j).toHaveProperty(k);
      expect(j.target).toBe(`127.0.0.1:${srv.port}`);
      expect(j.tlsVersion).toBe("1.2");
      expect(j.clientCertificateRequested).toBe(true);
      expect(j.clientCertificateRequired).toBe(true);
      expect(j.acceptableCAs.map((c: { dn: string }) => c.dn)).toEqual(["CN=Lab Root A, O=mtls-doctor lab"]);
      expect(j.clientCertificateSent).toHaveLength(2);
      expect(j.alert).toBeNull();
      expect(j.transcript[0]).toMatchObject({ index: 1, direction: "client→server", type: "ClientHello" });
      expect(Object.keys(j).slice(0, 2)).toEqual(["schemaVersion", "$schema"]);
      expectValidReport(j, "probe");
    } finally {
      await srv.stop();
    }
  });

  it("--format markdown, --format html --output F (nothing on stdout), --json validates: rejected client, exit 1", async () => {
    const srv = await startOpensslServer({
      cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.3",
    });
    const dir = mkdtempSync(join(tmpdir(), "mtlsd-probe-cli-"));
    try {
      const base = ["probe", `127.0.0.1:${srv.port}`, "--cert", lab.chain("client-expired"), "--key", lab.key("client-expired")];
      const md = await cli([...base, "--format", "markdown"]);
      expect(md.stderr).toBe("");
      expect(md.code).toBe(1);
      expect(md.stdout).toMatch(/^### Probe of 127\.0\.0\.1:\d+\n/);
      expect(md.stdout).toContain("certificate_expired(45)");
      const file = join(dir, "probe.html");
      const html = await cli([...base, "--format", "html", "--output", file]);
      expect(html.code).toBe(1);
      expect(html.stdout).toBe("");
      const page = readFileSync(file, "utf8");
      expectSelfContainedHtml(page);
      expect(page).toContain("certificate_expired");
      const json = await cli([...base, "--json"]);
      expect(json.code).toBe(1);
      expectValidReport(json.stdout, "probe");
      const j = JSON.parse(json.stdout);
      expect(j.alert).toMatchObject({ level: "fatal", code: 45, name: "certificate_expired", sender: "server" });
      expect(j.withoutCertificate).not.toBeNull();
      expectValidReport(j, "probe");
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("text: a rejected client (expired, TLS 1.2) → exit 1 with the alert named", async () => {
    const srv = await startOpensslServer({
      cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2",
    });
    try {
      const r = await cli(["probe", `127.0.0.1:${srv.port}`, "--cert", lab.chain("client-expired"), "--key", lab.key("client-expired"), "--no-check-required"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("The server sent alert fatal certificate_expired (45)");
      expect(r.stdout).toMatch(/#\d+ +← Alert fatal certificate_expired \(45\)/);
      expect(r.stdout).toContain("CN=Lab Root A, O=mtls-doctor lab");
      expect(r.stdout).toContain("OpenSSL: O = mtls-doctor lab, CN = Lab Root A");
    } finally {
      await srv.stop();
    }
  });
});
