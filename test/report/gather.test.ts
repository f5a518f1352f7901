/**
 * `mtls-doctor gather` end to end against a real failing server (node dist/cli/main.js, built by `npm test`'s tsc):
 * openssl s_server -Verify 1 -verify_return_error -CAfile rootA (TLS 1.2), client keystore (PKCS#12) from Root B.
 * The archive is opened with the real `tar`; the bundle must hold no byte of the private key and not the password.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer, type Peer } from "../helpers/peers.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { Redactor } from "../../src/report/redact.js";
import { tar } from "../../src/report/tar.js";

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const PASSWORD = "gather-Pa55-word!";
let lab: LabPki;
let server: Peer;
let p12: string;
let dir: string;

beforeAll(async () => {
  lab = await makeLabPki();
  dir = mkdtempSync(join(tmpdir(), "mtlsd-gather-"));
  [server, p12] = await Promise.all([
    startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.2" }),
    lab.toPkcs12("client-rootB", { password: PASSWORD, alias: "client" }),
  ]);
});
afterAll(async () => {
  await server?.stop();
  await lab?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function gather(args: string[]) {
  return spawnSync("node", [MAIN, "gather", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

function filesUnder(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(root.length + 1), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

/** Every byte form of the private key and the password a bundle must not contain. */
function secrets(): { name: string; bytes: Buffer }[] {
  const pem = readFileSync(lab.key("client-rootB"), "utf8");
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  const b64 = der.toString("base64");
  const pemLines = pem.split("\n").filter((l) => l && !l.startsWith("-----"));
  return [
    { name: "key DER", bytes: der },
    { name: "key DER hex", bytes: Buffer.from(der.toString("hex")) },
    { name: "key base64", bytes: Buffer.from(b64) },
    ...pemLines.map((l, i) => ({ name: `key PEM line ${i}`, bytes: Buffer.from(l) })),
    { name: "private scalar", bytes: Buffer.from(createPrivateKey(pem).export({ format: "jwk" }).d!, "base64url") },
    { name: "private scalar hex", bytes: Buffer.from(Buffer.from(createPrivateKey(pem).export({ format: "jwk" }).d!, "base64url").toString("hex")) },
    { name: "PKCS#12 file", bytes: readFileSync(p12).subarray(0, 64) },
    { name: "password", bytes: Buffer.from(PASSWORD) },
  ];
}

describe("mtls-doctor gather", () => {
  it("writes a .tar.gz that the real tar opens, with the playbook's must-gather pieces, and no key or password", () => {
    const out = join(dir, "bundle.tar.gz");
    const r = gather(["--connect", `127.0.0.1:${server.port}`, "--keystore", p12, "--password", PASSWORD, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const listing = execFileSync("tar", ["-tzf", out], { encoding: "utf8" }).trim().split("\n").sort();
    expect(listing).toEqual(
      ["bundle/", "bundle/README.md", "bundle/diagnosis.json", "bundle/diagnosis.md", "bundle/keystore-certinfo.json", "bundle/probe.json", "bundle/probe.txt", "bundle/report.html", "bundle/request.json", "bundle/versions.json"].sort(),
    );
    const x = join(dir, "x");
    execFileSync("mkdir", ["-p", x]);
    execFileSync("tar", ["-xzf", out, "-C", x]);
    const files = filesUnder(join(x, "bundle"));
    expectValidReport(files.get("diagnosis.json")!.toString());
    expectValidReport(files.get("probe.json")!.toString());
    // the bundle's JSON files are the commands' own documents, each naming its schema
    expectValidReport(files.get("diagnosis.json")!.toString(), "diagnose");
    expectValidReport(files.get("probe.json")!.toString(), "probe");
    const diag = JSON.parse(files.get("diagnosis.json")!.toString()) as { verdict: string; findings: { id: string }[] };
    expect(diag.verdict).toBe("problem");
    const certinfo = JSON.parse(files.get("keystore-certinfo.json")!.toString()) as { entries: { alias: string; hasPrivateKey: boolean; certInfo: { subject: string }[] }[] }[];
    expect(certinfo[0]!.entries[0]!.hasPrivateKey).toBe(true);
    expect(certinfo[0]!.entries[0]!.certInfo[0]!.subject).toBe("CN=client-rootB, O=mtls-doctor lab");
    const readme = files.get("README.md")!.toString();
    expect(readme).toContain("| `report.html` |");
    expect(readme).toMatch(/capture summary: no --capture given/);
    expect(readme).toMatch(/^Verdict: \*\*problem\*\* — The server accepts/m);
    const versions = JSON.parse(files.get("versions.json")!.toString()) as Record<string, string>;
    expect(versions.node).toBe(process.version);
    for (const [name, body] of files) for (const s of secrets()) expect(body.includes(s.bytes), `${name} contains ${s.name}`).toBe(false);
    expect(files.get("request.json")!.toString()).not.toMatch(/password/i);
  });

  it("--redact replaces host names and DN values with the same placeholders in every file", () => {
    const out = join(dir, "redacted");
    const r = gather(["--connect", `127.0.0.1:${server.port}`, "--keystore", p12, "--password", PASSWORD, "--out", out, "--redact"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const files = filesUnder(out);
    expect([...files.keys()].sort()).toContain("report.html");
    const leaked = ["127.0.0.1", "localhost", "Lab Root A", "Lab Root B", "client-rootB", "mtls-doctor lab", "Lab Server CA", p12];
    for (const [name, body] of files) {
      const text = body.toString();
      for (const v of leaked) expect(text.includes(v), `${name} contains ${v}`).toBe(false);
      for (const s of secrets()) expect(body.includes(s.bytes), `${name} contains ${s.name}`).toBe(false);
    }
    for (const f of ["diagnosis.json", "probe.json"]) expectValidReport(files.get(f)!.toString());
    expectValidReport(files.get("diagnosis.json")!.toString(), "diagnose");
    expectValidReport(files.get("probe.json")!.toString(), "probe");
    // the client's issuer reads the same in the store listing, the diagnosis and the HTML report
    const certinfo = JSON.parse(files.get("keystore-certinfo.json")!.toString()) as { entries: { certInfo: { issuer: string; subject: string }[] }[] }[];
    const issuer = certinfo[0]!.entries[0]!.certInfo[0]!.issuer;
    expect(issuer).toMatch(/^CN=<dn-\d+>, O=<dn-\d+>$/);
    expect(files.get("diagnosis.json")!.toString()).toContain(issuer);
    expect(files.get("report.html")!.toString()).toContain(issuer.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    expect(files.get("probe.txt")!.toString()).toMatch(/host-1/);
  });

  it("summarises a recorded capture (TLS 1.3 read with its key log), redacted, with valid JSON", () => {
    const cap = fileURLToPath(new URL("../fixtures/captures/openssl-tls13-nocert.pcap", import.meta.url));
    const keys = fileURLToPath(new URL("../fixtures/captures/openssl-tls13-nocert.keys", import.meta.url));
    const out = join(dir, "capture-bundle");
    const r = gather(["--capture", cap, "--keylog", keys, "--out", out, "--redact"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const files = filesUnder(out);
    for (const f of ["capture-summary.json", "diagnosis.json"]) expectValidReport(files.get(f)!.toString());
    // capture-summary.json is exactly what `analyze --json` prints (redacted): the analyze schema, the file's base name
    const summary = JSON.parse(files.get("capture-summary.json")!.toString()) as { $schema: string; file: string; conversations: { messages: { decrypted: boolean }[]; client: { host: string } }[] };
    expectValidReport(summary, "analyze");
    expect(summary.file).toBe("openssl-tls13-nocert.pcap");
    expect(summary.conversations[0]!.messages.filter((m) => m.decrypted).length).toBeGreaterThan(0);
    expect(summary.conversations[0]!.client.host).toMatch(/^host-\d+$/);
    for (const [name, body] of files) expect(body.toString().includes("127.0.0.1"), name).toBe(false);
    expect(files.get("README.md")!.toString()).toMatch(/probe: no --connect given/);
  });

  it("a probe that fails (nothing listening) is printed on stderr, named in the README with its target, and exits 5; the bundle is still written", async () => {
    // a port nothing listens on: bind an ephemeral port, then close it
    const { createServer } = await import("node:net");
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const out = join(dir, "refused.tar.gz");
    const r = gather(["--connect", `127.0.0.1:${port}`, "--keystore", p12, "--password", PASSWORD, "--out", out]);
    expect(r.status).toBe(5);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^gather: probe of 127\\.0\\.0\\.1:${port} not gathered: connection refused`))]);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stdout).toMatch(/^wrote /);
    const readme = execFileSync("tar", ["-xzOf", out, "refused/README.md"], { encoding: "utf8" });
    expect(readme).toContain(`Target: \`127.0.0.1:${port}\``);
    expect(readme).toMatch(/- probe \(asked for, \*\*failed\*\*\): 127\.0\.0\.1:\d+: connection refused/);
    // what could be gathered is there
    const listing = execFileSync("tar", ["-tzf", out], { encoding: "utf8" });
    expect(listing).toContain("refused/keystore-certinfo.json");
    expect(listing).not.toContain("probe.json");
  });

  it("--log: the bundle holds each log's summary (not the log), the diagnosis reads it, and --redact leaves no DN or host of it", () => {
    const fixture = (n: string) => fileURLToPath(new URL(`../logs/fixtures/${n}`, import.meta.url));
    const jdk8 = fixture("jdk8-client-ca-mismatch.log");
    const apigee = fixture("apigee-mp-system.log");
    const args = ["--keystore", p12, "--password", PASSWORD, "--log", jdk8, "--log", apigee];

    const plain = join(dir, "logs-plain");
    const r = gather([...args, "--out", plain]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const files = filesUnder(plain);
    expect([...files.keys()].filter((f) => f.startsWith("log-")).sort()).toEqual(["log-1-summary.json", "log-1-summary.txt", "log-2-summary.json", "log-2-summary.txt"]);
    // the summary is what `analyze <log>` prints: the CertificateRequest's CA names and the empty Certificate, with log lines
    const summary = files.get("log-1-summary.txt")!.toString();
    expect(summary).toContain("CertificateRequest: 2 acceptable CA names  (line 49)");
    expect(summary).toContain("CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU");
    expect(summary).toContain("Certificate: EMPTY (0 certificates)  (line 58)");
    expect(files.get("log-2-summary.txt")!.toString()).toMatch(/"Broken pipe" \(remote 198\.51\.100\.7:443\)/);
    const doc = JSON.parse(files.get("log-1-summary.json")!.toString()) as { source: string; handshakes: { acceptableCAs: string[] }[] };
    expectValidReport(doc, "analyze");
    expect(doc.source).toBe("log");
    expect(doc.handshakes[0]!.acceptableCAs).toEqual(["CN=Lab Root A, O=mtls-doctor Lab, C=AU", "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU"]);
    // the diagnosis used the logs: the CA list and the empty Certificate come only from the JSSE log
    const diag = JSON.parse(files.get("diagnosis.json")!.toString()) as { findings: { id: string }[]; evidence: { logs?: { file: string }[] } };
    expectValidReport(diag, "diagnose");
    expect(diag.findings.map((f) => f.id)).toEqual(expect.arrayContaining(["ca-mismatch", "client-sent-empty-certificate"]));
    expect(diag.evidence.logs?.map((l) => l.file)).toEqual([jdk8, apigee]);
    const readme = files.get("README.md")!.toString();
    expect(readme).toMatch(/not inside, only their summaries/);
    expect(readme).toContain("`log-1-summary.txt`");
    // the raw log is not copied: lines no summary quotes are nowhere
    for (const [name, body] of files) {
      for (const line of ["keyStore is : /opt/app/client.p12", "RandomCookie:", "NIOSelector.java:496"]) expect(body.toString().includes(line), `${name} contains ${line}`).toBe(false);
      for (const s of secrets()) expect(body.includes(s.bytes), `${name} contains ${s.name}`).toBe(false);
    }

    const red = join(dir, "logs-redacted");
    const rr = gather([...args, "--out", red, "--redact", "--include-raw-logs"]);
    expect(rr.stderr).toBe("");
    expect(rr.status).toBe(0);
    const rf = filesUnder(red);
    expect(rf.get("log-1.log")!.toString()).toContain("keyStore type is : pkcs12");
    expect(rf.get("README.md")!.toString()).toMatch(/asked for with `--include-raw-logs`/);
    const leaked = ["Lab Root A", "Lab Intermediate A", "Lab Root B", "Lab Server CA", "mtls-doctor Lab", "mtls-doctor lab", "client-rootB", "backend.example", "198.51.100.7", "192.0.2.10", dirname(jdk8), p12];
    for (const [name, body] of rf) {
      const text = body.toString();
      for (const v of leaked) expect(text.includes(v), `${name} contains ${v}`).toBe(false);
      for (const s of secrets()) expect(body.includes(s.bytes), `${name} contains ${s.name}`).toBe(false);
    }
    // one placeholder per value across files: the log's CA names read the same in its summary and in the diagnosis
    const cas = (JSON.parse(rf.get("log-1-summary.json")!.toString()) as { handshakes: { acceptableCAs: string[] }[] }).handshakes[0]!.acceptableCAs;
    expect(cas[0]).toMatch(/^CN=<dn-\d+>, O=<dn-\d+>, C=<dn-\d+>$/);
    expect(rf.get("log-1-summary.txt")!.toString()).toContain(cas[0]);
    expect(rf.get("diagnosis.json")!.toString()).toContain(cas[0]);
    expectValidReport(rf.get("log-1-summary.json")!.toString(), "analyze");
    expectValidReport(rf.get("diagnosis.json")!.toString(), "diagnose");
  });

  it("refuses bad input before writing anything, with one line and exit 2", () => {
    const out = join(dir, "never.tar.gz");
    const r = gather(["--keystore", p12, "--password", "wrong-password", "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toContain("wrong-password");
    expect(() => readFileSync(out)).toThrow();
    const none = gather(["--out", out]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/nothing to gather/);
    const noLog = gather(["--log", join(dir, "no-such.log"), "--out", out]);
    expect(noLog.status).toBe(2);
    expect(noLog.stderr.trim().split("\n")).toEqual([expect.stringContaining("no-such.log")]);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe("Redactor and tar", () => {
  it("keeps placeholders stable and never rewrites one", () => {
    const r = new Redactor();
    r.addHost("gw.example.com");
    r.addDnValue("Acme, Inc");
    r.addDnValue("host-1");
    expect(r.apply('CN=gw.example.com, O="Acme, Inc" O=Acme\\, Inc')).toBe('CN=host-1, O="<dn-1>" O=<dn-1>');
    expect(r.apply("host-1")).toBe("<dn-2>");
    expect(r.apply("gw.example.community")).toBe("gw.example.community");
  });

  it("writes archives the real tar reads, long names included", () => {
    const long = `${"d".repeat(120)}/${"f".repeat(90)}.txt`;
    const file = join(dir, "t.tar");
    execFileSync("sh", ["-c", `cat > ${file}`], { input: tar([{ path: "a/", mtime: 0 }, { path: "a/x.txt", content: Buffer.from("hello\n"), mtime: 1_700_000_000_000 }, { path: long, content: Buffer.alloc(1000, 65), mtime: 0 }]) });
    expect(execFileSync("tar", ["-tvf", file], { encoding: "utf8" })).toMatch(/a\/x\.txt/);
    expect(execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n")).toEqual(["a/", "a/x.txt", long]);
    expect(execFileSync("tar", ["-xOf", file, "a/x.txt"], { encoding: "utf8" })).toBe("hello\n");
  });
});
