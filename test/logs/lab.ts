/**
 * Real peers for the log reader tests: an EC P-256 PKI made with the openssl CLI, PKCS#12 keystores from
 * `openssl pkcs12 -export` / `keytool`, a JSSE client and server (test/logs/java, compiled once with javac) run
 * with `-Djavax.net.debug=ssl:handshake`, and `openssl s_server` / `s_client` on 127.0.0.1 with ephemeral ports.
 * Every process started here is killed by {@link stopAll} (and on exit).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const PASS = "changeit-lab";

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Kills every process still running. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once("close", () => resolve());
          c.kill("SIGKILL");
        }),
    ),
  );
}

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number | null>;
}

function start(cmd: string, args: string[], cwd: string): Proc {
  const child = spawn(cmd, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString("utf8")));
  const done = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, done };
}

async function waitFor(p: Proc, re: RegExp, what: string, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const t0 = Date.now();
  for (;;) {
    const m = (p.stdout() + p.stderr()).match(re);
    if (m) return m;
    if (p.child.exitCode !== null) throw new Error(`${what} exited early:\n${p.stdout()}${p.stderr()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not ready:\n${p.stdout()}${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Lab {
  dir: string;
  /** RFC 2253 subject of a lab cert as `openssl x509 -subject -nameopt RFC2253` prints it. */
  subject(name: "rootA" | "rootB"): string;
  /** `openssl x509 -in <name>.pem -noout <args>` as openssl prints it (to cross-check what a log says of a cert). */
  x509(name: string, ...args: string[]): string;
}

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Makes the PKI and stores, and compiles the Java peers (once). */
export function makeLab(): Lab {
  const dir = mkdtempSync(join(tmpdir(), "mtlsd-logs-"));
  const o = (args: string[]) => sh("openssl", args, dir);
  const root = (n: string, subj: string) =>
    o(["req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.pem`,
      "-days", "3650", "-subj", subj, "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const leaf = (n: string, ca: string, subj: string, eku: string, extra = "") => {
    o(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.csr`, "-subj", subj]);
    writeFileSync(join(dir, `${n}.ext`), `basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${eku}\n${extra}`);
    o(["x509", "-req", "-in", `${n}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${n}.pem`, "-days", "365", "-extfile", `${n}.ext`]);
  };
  /** A certificate with fixed dates (`openssl ca -startdate/-enddate`; `openssl x509 -req` in 3.0 has no such option). */
  const dated = (n: string, ca: string, subj: string, eku: string, start: string, end: string) => {
    o(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.csr`, "-subj", subj]);
    writeFileSync(join(dir, `${n}.db`), "");
    writeFileSync(join(dir, `${n}.cnf`), [
      "[ca]", "default_ca = lab", "[lab]", `database = ${n}.db`, "new_certs_dir = .", `certificate = ${ca}.pem`, `private_key = ${ca}.key`,
      "serial = ca.srl", "default_md = sha256", "policy = any", "unique_subject = no", "copy_extensions = none", "x509_extensions = ext",
      "[any]", "countryName = optional", "organizationName = optional", "commonName = supplied",
      "[ext]", "basicConstraints = CA:false", "keyUsage = critical,digitalSignature", `extendedKeyUsage = ${eku}`, "",
    ].join("\n"));
    o(["ca", "-batch", "-notext", "-config", `${n}.cnf`, "-in", `${n}.csr`, "-out", `${n}.pem`, "-startdate", start, "-enddate", end]);
  };
  root("rootA", "/C=AU/O=mtls-doctor Lab/CN=Lab Root A");
  root("rootB", "/C=AU/O=mtls-doctor Lab/CN=Lab Root B");
  root("srvca", "/C=AU/O=mtls-doctor Lab/CN=Lab Server CA");
  leaf("server", "srvca", "/CN=localhost", "serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  leaf("good", "rootA", "/C=AU/O=mtls-doctor Lab/CN=client-good", "clientAuth");
  leaf("rootb", "rootB", "/C=AU/O=mtls-doctor Lab/CN=client-rootB", "clientAuth");
  // Intermediate A under Root A, and a leaf under it (keystore = leaf + intermediate).
  o(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "intA.key", "-out", "intA.csr", "-subj", "/C=AU/O=mtls-doctor Lab/CN=Lab Intermediate A"]);
  writeFileSync(join(dir, "intA.ext"), "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
  o(["x509", "-req", "-in", "intA.csr", "-CA", "rootA.pem", "-CAkey", "rootA.key", "-CAcreateserial", "-out", "intA.pem", "-days", "1825", "-extfile", "intA.ext"]);
  leaf("chain", "intA", "/C=AU/O=mtls-doctor Lab/CN=client-chain", "clientAuth");
  // Top bit set: DER adds a 00 sign byte, which JSSE prints ("00:9f:01") and openssl does not ("9F01").
  writeFileSync(join(dir, "ca.srl"), "9F01\n");
  dated("expired", "intA", "/C=AU/O=mtls-doctor Lab/CN=client-expired", "clientAuth", "20240101000000Z", "20250101000000Z");
  leaf("ekusrv", "intA", "/C=AU/O=mtls-doctor Lab/CN=client-eku-serverAuth-only", "serverAuth");
  writeFileSync(join(dir, "twoca.pem"), readFileSync(join(dir, "rootA.pem"), "utf8") + readFileSync(join(dir, "rootB.pem"), "utf8"));
  for (const [n, alias] of [["good", "client"], ["rootb", "client"], ["server", "server"]] as const)
    o(["pkcs12", "-export", "-in", `${n}.pem`, "-inkey", `${n}.key`, "-name", alias, "-passout", `pass:${PASS}`, "-out", `${n}.p12`]);
  // Leaf + Intermediate A in the key entry's chain (what a correctly built keystore holds).
  for (const n of ["chain", "expired", "ekusrv"])
    o(["pkcs12", "-export", "-in", `${n}.pem`, "-inkey", `${n}.key`, "-certfile", "intA.pem", "-name", "client", "-passout", `pass:${PASS}`, "-out", `${n}.p12`]);
  const kt = (alias: string, file: string, store: string) =>
    sh("keytool", ["-importcert", "-noprompt", "-alias", alias, "-file", file, "-keystore", store, "-storetype", "PKCS12", "-storepass", PASS], dir);
  kt("srvca", "srvca.pem", "trust-client.p12");
  kt("rootA", "rootA.pem", "trust-server.p12");
  kt("rootA", "rootA.pem", "nokey.p12"); // a keystore with no private-key entry
  sh("javac", ["-d", dir, join(here, "java", "JsseLogClient.java"), join(here, "java", "JsseLogServer.java")], dir);
  return {
    dir,
    subject: (n) => o(["x509", "-in", `${n}.pem`, "-noout", "-subject", "-nameopt", "RFC2253"]).trim().replace(/^subject=/, ""),
    x509: (n, ...args) => o(["x509", "-in", `${n}.pem`, "-noout", ...args]),
  };
}

export interface JavaRun {
  /** The JSSE debug log file (the JVM's stderr). */
  log: string;
  /** The peer's one "RESULT ..." line. */
  result: string;
}

/**
 * Java client with debug logging against `openssl s_server -Verify 1 -verify_return_error -CAfile <caFile>`.
 * `keystore` undefined = no keystore at all.
 */
export async function javaClientVsOpenssl(lab: Lab, name: string, tls: "1.2" | "1.3", keystore: string | undefined, serverArgs: string[] = ["-CAfile", "rootA.pem"]): Promise<JavaRun> {
  const srv = start("openssl", ["s_server", "-accept", "127.0.0.1:0", "-naccept", "1", `-tls${tls.replace(".", "_")}`, "-cert", "server.pem", "-key", "server.key",
    "-Verify", "1", "-verify_return_error", ...serverArgs, "-www"], lab.dir);
  try {
    const port = (await waitFor(srv, /ACCEPT 127\.0\.0\.1:(\d+)/, "openssl s_server"))[1]!;
    const cli = start("java", ["-Djavax.net.debug=ssl:handshake", "-cp", lab.dir, "JsseLogClient", port, tls, "trust-client.p12", PASS, ...(keystore ? [keystore] : [])], lab.dir);
    await cli.done;
    const log = join(lab.dir, `${name}.log`);
    writeFileSync(log, cli.stderr());
    return { log, result: cli.stdout().trim() };
  } finally {
    if (srv.child.exitCode === null) srv.child.kill("SIGKILL");
    await srv.done;
  }
}

/** Java server (need client auth, trusts rootA) with debug logging, against `openssl s_client` with `clientArgs`. */
export async function javaServerVsOpenssl(lab: Lab, name: string, tls: "1.2" | "1.3", clientArgs: string[]): Promise<JavaRun & { sClient: string }> {
  const srv = start("java", ["-Djavax.net.debug=ssl:handshake", "-cp", lab.dir, "JsseLogServer", tls, "server.p12", "trust-server.p12", PASS], lab.dir);
  try {
    const port = (await waitFor(srv, /LISTENING (\d+)/, "JsseLogServer"))[1]!;
    const cli = start("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, `-tls${tls.replace(".", "_")}`, ...clientArgs], lab.dir);
    cli.child.stdin!.end("GET / HTTP/1.0\r\n\r\n");
    await srv.done;
    if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    await cli.done;
    const log = join(lab.dir, `${name}.log`);
    writeFileSync(log, srv.stderr());
    return { log, result: srv.stdout().split("\n").find((l) => l.startsWith("RESULT")) ?? "", sClient: cli.stdout() + cli.stderr() };
  } finally {
    if (srv.child.exitCode === null) srv.child.kill("SIGKILL");
    await srv.done;
  }
}
