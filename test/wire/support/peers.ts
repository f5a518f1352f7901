/**
 * Real peers for wire tests: throw-away certificates made by `openssl req`, an `openssl s_server` on 127.0.0.1,
 * a recording TCP relay, and a Node `tls.connect` client that reports its key log lines.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import type { Direction } from "../../../src/wire/types.js";

export interface Pki {
  dir: string;
  caPem: string;
  caKey: string;
  srvPem: string;
  srvKey: string;
  cliPem: string;
  cliKey: string;
  cleanup(): void;
}

/** CA + server + client certs (EC P-256), server and client issued by the CA. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "mtlsd-wire-"));
  const o = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  o(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-subj", "/C=DE/O=mtls-doctor test/CN=Wire Test Root CA", "-days", "2"]);
  for (const n of ["srv", "cli"]) {
    o(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.pem`,
      "-subj", n === "srv" ? "/CN=localhost" : "/CN=wire-client", "-days", "2", "-CA", "ca.pem", "-CAkey", "ca.key"]);
  }
  return {
    dir,
    caPem: join(dir, "ca.pem"),
    caKey: join(dir, "ca.key"),
    srvPem: join(dir, "srv.pem"),
    srvKey: join(dir, "srv.key"),
    cliPem: join(dir, "cli.pem"),
    cliKey: join(dir, "cli.key"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Server {
  port: number;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Start `openssl s_server` on 127.0.0.1 with an ephemeral port; resolves once it prints ACCEPT. */
export function startSServer(args: string[]): Promise<Server> {
  return new Promise((resolve, reject) => {
    const proc = spawn("openssl", ["s_server", "-accept", "127.0.0.1:0", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let done = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m && !done) {
        done = true;
        resolve({
          port: Number(m[1]),
          proc,
          output: () => out,
          stop: () =>
            new Promise<void>((res) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return res();
              proc.once("exit", () => res());
              proc.kill("SIGTERM");
            }),
        });
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => {
      if (!done) reject(new Error(`s_server exited (${code}): ${out}`));
    });
    proc.once("error", reject);
  });
}

export interface Chunk {
  direction: Direction;
  bytes: Uint8Array;
}

export interface Relay {
  port: number;
  chunks: Chunk[];
  /** Resolves when both sides of the relayed connection have closed. */
  closed: Promise<void>;
  close(): void;
}

/** A one-connection TCP relay on 127.0.0.1 that records the bytes of each direction in arrival order. */
export function startRelay(targetPort: number): Promise<Relay> {
  return new Promise((resolve) => {
    const chunks: Chunk[] = [];
    let closedResolve!: () => void;
    const closed = new Promise<void>((r) => (closedResolve = r));
    const sockets: net.Socket[] = [];
    const server = net.createServer((c) => {
      const up = net.connect(targetPort, "127.0.0.1");
      sockets.push(c, up);
      let open = 2;
      const fin = () => {
        if (--open === 0) closedResolve();
      };
      c.on("data", (d) => {
        chunks.push({ direction: "client→server", bytes: new Uint8Array(d) });
        up.write(d);
      });
      up.on("data", (d) => {
        chunks.push({ direction: "server→client", bytes: new Uint8Array(d) });
        c.write(d);
      });
      c.on("close", () => {
        up.end();
        fin();
      });
      up.on("close", () => {
        c.end();
        fin();
      });
      c.on("error", () => up.destroy());
      up.on("error", () => c.destroy());
    });
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        chunks,
        closed,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    });
  });
}

export interface ClientResult {
  keyLog: string;
  error?: Error;
  authorized?: boolean;
}

/**
 * Connect with Node's TLS client through `port`, collect `keylog` lines, write a line, wait for the server to
 * close or an error. Never rejects.
 */
export function nodeClient(port: number, opts: tls.ConnectionOptions): Promise<ClientResult> {
  return new Promise((resolve) => {
    let keyLog = "";
    const s = tls.connect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false, ...opts });
    s.on("keylog", (line) => (keyLog += line.toString()));
    let finished = false;
    const done = (error?: Error) => {
      if (finished) return;
      finished = true;
      s.destroy();
      resolve(error ? { keyLog, error } : { keyLog });
    };
    s.on("secureConnect", () => {
      s.write("hello\n");
      // give the server time to send its post-handshake messages / alert, then close
      setTimeout(() => s.end(), 300);
    });
    s.on("error", (e) => done(e));
    s.on("close", () => done());
  });
}

export function readPem(path: string): string {
  return readFileSync(path, "utf8");
}

/** Run `openssl s_client` to completion (reads until the server closes); returns stdout+stderr. */
export function runSClient(port: number, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", "-ign_eof", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    p.stdout.on("data", (d: Buffer) => (output += d.toString()));
    p.stderr.on("data", (d: Buffer) => (output += d.toString()));
    p.once("error", reject);
    p.once("close", (code) => resolve({ code, output }));
  });
}
