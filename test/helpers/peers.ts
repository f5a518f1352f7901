/**
 * Real TLS peers for tests, on 127.0.0.1 with ephemeral ports: `openssl s_server`, a JSSE SSLServerSocket
 * (test/java/LabServer.java), a JSSE client (test/java/LabClient.java) and an in-process node:tls server.
 *
 * Every peer started here is registered; an `afterAll` hook (registered when this module is imported by a test
 * file) and a process `exit` handler stop whatever is still running, so a failing test never leaves a server behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { run } from "./labPki.js";

export interface Peer {
  port: number;
  /** Stops the peer and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
  /** Everything the peer printed (stdout + stderr for processes; a connection log for the node server). */
  output(): string;
}

const running = new Set<() => Promise<void>>();
const children = new Set<ChildProcess>();

/** Stops every peer still running (also registered as afterAll). */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...running].map((s) => s().catch(() => undefined)));
}
try {
  afterAll(stopAllPeers);
} catch {
  // imported outside a vitest file: rely on the exit handler
}
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/**
 * Spawns a long-running process, collects its output and resolves once `ready` matches its output
 * (returning the match). Rejects (and kills the process) if it exits first or nothing matches within `timeoutMs`.
 */
async function spawnPeer(
  cmd: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 20_000,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      running.delete(stop);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
    await exited;
    children.delete(child);
  };
  running.add(stop);
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${cmd} did not become ready in ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString("utf8");
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    const fail = (e: Error) => {
      clearTimeout(timer);
      void stop();
      reject(e);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (e) => fail(new Error(`${cmd}: ${e.message}`)));
    child.once("exit", (code, sig) => fail(new Error(`${cmd} exited (${code ?? sig}) before ready; output:\n${out}`)));
  });
  // Keep stdin open (s_server treats EOF on stdin as "quit" in some modes); never write to it.
  return { child, match, output: () => out, stop };
}

export interface OpensslServerOptions {
  /** PEM server certificate (may be a chain file: the leaf first). */
  cert: string;
  key: string;
  /** -CAfile: trust for client certificates; also the CA names sent unless verifyCAfile is given. */
  caFile?: string;
  /** -verifyCAfile: trust for client certificates (then caFile only drives the names advertised). */
  verifyCAfile?: string;
  /** 'Verify' = -Verify 1 (require a certificate), 'verify' = -verify 1 (request only), 'none' = no request. */
  mode: "Verify" | "verify" | "none";
  verifyReturnError?: boolean;
  tls: "1.2" | "1.3";
  noCaNames?: boolean;
  /** -client_sigalgs, e.g. "ECDSA+SHA256:RSA-PSS+SHA256". */
  clientSigalgs?: string;
  /** -ciphersuites (TLS 1.3). */
  ciphersuites?: string;
  /** -www (answer "GET /" with a status page). Default true. */
  www?: boolean;
}

/** `openssl s_server` on 127.0.0.1:<ephemeral>; resolves once it printed its ACCEPT line. */
export async function startOpensslServer(o: OpensslServerOptions): Promise<Peer> {
  const args = ["s_server", "-accept", "127.0.0.1:0", "-cert", o.cert, "-key", o.key, "-naccept", "1000"];
  if (o.caFile) args.push("-CAfile", o.caFile);
  if (o.verifyCAfile) args.push("-verifyCAfile", o.verifyCAfile);
  if (o.mode === "Verify") args.push("-Verify", "1");
  if (o.mode === "verify") args.push("-verify", "1");
  if (o.verifyReturnError) args.push("-verify_return_error");
  args.push(o.tls === "1.2" ? "-tls1_2" : "-tls1_3");
  if (o.noCaNames) args.push("-no_ca_names");
  if (o.clientSigalgs) args.push("-client_sigalgs", o.clientSigalgs);
  if (o.ciphersuites) args.push("-ciphersuites", o.ciphersuites);
  if (o.www !== false) args.push("-www");
  const p = await spawnPeer("openssl", args, /ACCEPT [^\s:]+:(\d+)/);
  return { port: Number(p.match[1]), stop: p.stop, output: p.output };
}

const JAVA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "java");
let compiled: Promise<string> | undefined;

/**
 * Compiles test/java/*.java once per test run into a temp dir keyed by the sources' hash. Concurrency-safe:
 * compiles into a private dir and renames it into place; a lost race just uses the winner's classes.
 */
export function compileJava(): Promise<string> {
  compiled ??= (async () => {
    const files = (await readdir(JAVA_DIR)).filter((f) => f.endsWith(".java")).sort();
    const h = createHash("sha256");
    for (const f of files) h.update(f).update(await readFile(join(JAVA_DIR, f)));
    const dir = join(tmpdir(), `mtlsd-java-${h.digest("hex").slice(0, 16)}`);
    if (existsSync(join(dir, "LabServer.class"))) return dir;
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    await mkdir(tmp, { recursive: true });
    await run("javac", ["-d", tmp, ...files.map((f) => join(JAVA_DIR, f))]);
    try {
      await rename(tmp, dir);
    } catch {
      await rm(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, "LabServer.class"))) throw new Error(`could not install compiled Java classes into ${dir}`);
    }
    return dir;
  })();
  return compiled;
}

export interface JavaServerOptions {
  /** Keystore (PKCS12 or JKS) with the server's private-key entry. */
  keystore: string;
  password: string;
  /** Truststore (PKCS12 or JKS) for client certificates; password "changeit" unless trustpass. */
  truststore: string;
  trustpass?: string;
  clientAuth: "need" | "want";
  tls: "1.2" | "1.3";
  /** What getAcceptedIssuers() returns (the CA names sent): the truststore (default) or the certs in a PEM file. */
  advertise?: "truststore" | string;
}

/** A JSSE SSLServerSocket (test/java/LabServer.java); resolves when it printed "READY <port>". */
export async function startJavaServer(o: JavaServerOptions): Promise<Peer> {
  const cp = await compileJava();
  const args = [
    "-cp", cp, "LabServer", "port=0", `keystore=${o.keystore}`, `password=${o.password}`, `truststore=${o.truststore}`,
    `trustpass=${o.trustpass ?? "changeit"}`, `clientAuth=${o.clientAuth}`, `tls=${o.tls}`, `advertise=${o.advertise ?? "truststore"}`,
  ];
  const p = await spawnPeer("java", args, /READY (\d+)/);
  return { port: Number(p.match[1]), stop: p.stop, output: p.output };
}

export interface JavaClientOptions {
  port: number;
  host?: string;
  keystore?: string;
  password?: string;
  keyManager: "SunX509" | "PKIX";
  /** Truststore for the server certificate; without one the server certificate is not checked. */
  truststore?: string;
  trustpass?: string;
  tls: "1.2" | "1.3";
  /** Run with -Djavax.net.debug=ssl:handshake and return the debug output in `debug`. */
  debug?: boolean;
}

export interface JavaClientResult {
  ok: boolean;
  /** The RESULT line without the "RESULT " prefix: "ok protocol=..." or "error stage=... <class>: <message>". */
  result: string;
  /** Full stdout+stderr (including the javax.net.debug output when debug was set). */
  debug: string;
}

/** Runs test/java/LabClient.java once and returns its result line. */
export async function runJavaClient(o: JavaClientOptions): Promise<JavaClientResult> {
  const cp = await compileJava();
  const args: string[] = [];
  if (o.debug) args.push("-Djavax.net.debug=ssl:handshake");
  args.push("-cp", cp, "LabClient", `port=${o.port}`, `host=${o.host ?? "127.0.0.1"}`, `keyManager=${o.keyManager}`, `tls=${o.tls}`);
  if (o.keystore) args.push(`keystore=${o.keystore}`, `password=${o.password ?? "changeit"}`);
  if (o.truststore) args.push(`truststore=${o.truststore}`, `trustpass=${o.trustpass ?? "changeit"}`);
  const child = spawn("java", args, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const stop = async () => {
    child.kill("SIGKILL");
  };
  running.add(stop);
  await new Promise<void>((resolve) => child.once("close", () => resolve()));
  running.delete(stop);
  children.delete(child);
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`LabClient printed no RESULT line; output:\n${out.slice(-4000)}`);
  const result = line.slice("RESULT ".length).trim();
  return { ok: result.startsWith("ok "), result, debug: out };
}

export interface NodeServerOptions {
  /** PEM file paths. */
  cert: string;
  key: string;
  ca?: string;
  requestCert: boolean;
  rejectUnauthorized: boolean;
  tls: "1.2" | "1.3";
}

/**
 * An in-process node:tls server. Its output() log has one line per event:
 * "CONN OK authorized=<bool> builtChain=<n> subject=<CN or ->" (builtChain: the chain OpenSSL built up to the root, not what the client sent) or "CLIENT_ERROR <code> <message>".
 */
export async function startNodeServer(o: NodeServerOptions): Promise<Peer> {
  const [cert, key, ca] = await Promise.all([readFile(o.cert), readFile(o.key), o.ca ? readFile(o.ca) : undefined]);
  const version = o.tls === "1.2" ? "TLSv1.2" : "TLSv1.3";
  let log = "";
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    { cert, key, ca, requestCert: o.requestCert, rejectUnauthorized: o.rejectUnauthorized, minVersion: version, maxVersion: version },
    (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", (e: NodeJS.ErrnoException) => (log += `SOCKET_ERROR ${e.code ?? ""} ${e.message}\n`));
      const peer = s.getPeerCertificate(true);
      let n = 0;
      const seen = new Set<string>();
      for (let c: tls.DetailedPeerCertificate | undefined = peer; c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
        seen.add(c.fingerprint256);
        n++;
      }
      log += `CONN OK authorized=${s.authorized} builtChain=${n} subject=${peer?.subject?.CN ?? "-"}${s.authorizationError ? ` error=${String(s.authorizationError)}` : ""}\n`;
      s.once("data", () => s.end("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n"));
    },
  );
  server.on("tlsClientError", (e: NodeJS.ErrnoException) => (log += `CLIENT_ERROR ${e.code ?? ""} ${e.message}\n`));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const stop = () => {
    closed ??= new Promise<void>((resolve) => {
      running.delete(stop);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
    return closed;
  };
  running.add(stop);
  return { port, stop, output: () => log };
}

/**
 * Runs `openssl s_client` once against 127.0.0.1:port (stdin closed right after the handshake unless `input`).
 * Returns its combined output. For cross-checking our results against the real tool.
 */
export async function runSClient(port: number, args: string[] = [], input = ""): Promise<string> {
  const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await new Promise<void>((resolve) => child.once("close", () => resolve()));
  clearTimeout(timer);
  children.delete(child);
  return out;
}
