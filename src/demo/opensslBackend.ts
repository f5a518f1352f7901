/**
 * The demo's other backend: `openssl s_server` on 127.0.0.1 (ephemeral port) that requires a client certificate
 * (`-Verify 1 -verify_return_error`), trusts and advertises the CA in `-CAfile`, and answers `-www`. Unlike a Node
 * server it sends the alert OpenSSL's verification chose (48 unknown_ca, 45 certificate_expired, 43
 * unsupported_certificate ...; docs/alert-matrix.md), so the demo can show both server behaviours.
 *
 * The PEM files live in a private temp directory that {@link DemoBackend.close} removes. Needs the `openssl` CLI.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MtlsDoctorError } from "../errors.js";
import type { DemoBackend } from "./backend.js";

/**
 * Turns s_server's output into one log line per failed connection: its "verify error:num=N:text" lines (if any)
 * joined with the OpenSSL error's function and reason ("tls_process_client_certificate: certificate verify failed").
 */
export class SServerLog {
  readonly lines: string[] = [];
  private pendingVerify: string[] = [];
  private partial = "";

  /** Feeds a chunk of s_server's stdout/stderr (text). */
  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.line(line.trim());
  }

  private line(l: string): void {
    const verify = /^verify error:num=(\d+):(.*)$/.exec(l);
    if (verify) {
      this.pendingVerify.push(`verify error ${verify[1]} (${verify[2]})`);
      return;
    }
    const err = /:error:[0-9A-F]+:SSL routines:([^:]+):([^:]+)/.exec(l);
    if (err) {
      this.lines.push(`handshake failed: ${[...this.pendingVerify, `${err[1]}: ${err[2]}`].join("; ")}`);
      this.pendingVerify = [];
    }
  }
}

/** Starts `openssl s_server` as the demo backend. Throws MTLSD_ERR_USAGE when the openssl CLI is missing. */
export async function startOpensslBackend(opts: {
  certPem: string;
  keyPem: string;
  trustedCaPems: string[];
  tlsVersion: "1.2" | "1.3";
}): Promise<DemoBackend> {
  const dir = mkdtempSync(join(tmpdir(), "mtlsd-demo-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const args = [
    "s_server",
    "-accept", "127.0.0.1:0",
    "-cert", file("server.pem", opts.certPem),
    "-key", file("server.key", opts.keyPem),
    "-CAfile", file("client-ca.pem", opts.trustedCaPems.join("")),
    "-Verify", "1",
    "-verify_return_error",
    opts.tlsVersion === "1.3" ? "-tls1_3" : "-tls1_2",
    "-www",
    "-naccept", "1000",
  ];
  const child = spawn("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = new SServerLog();
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let seen = "";
      const onData = (b: Buffer) => {
        const s = b.toString("utf8");
        log.push(s);
        seen += s;
        const m = /ACCEPT [^\s:]+:(\d+)/.exec(seen);
        if (m) resolve(Number(m[1]));
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("error", (e: NodeJS.ErrnoException) =>
        reject(
          e.code === "ENOENT"
            ? new MtlsDoctorError("MTLSD_ERR_USAGE", "--backend openssl needs the openssl command, which is not installed; use --backend node")
            : e,
        ),
      );
      child.once("exit", (code) => reject(new Error(`openssl s_server exited (${code}) before accepting: ${seen.trim().split("\n").pop() ?? ""}`)));
    });
  } catch (e) {
    child.kill();
    cleanup();
    throw e;
  }
  return {
    port,
    log: log.lines,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          cleanup();
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill();
      }),
  };
}
