/**
 * Records a real handshake on loopback into a pcap: `tcpdump -i lo -w FILE tcp port P` (started first, waited for
 * until it says "listening"), one `openssl s_client` run against the server on port P (optionally writing an NSS
 * key log), then tcpdump is stopped by its PID (SIGINT: it flushes and closes the file). Needs capture rights on lo.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { runSClient } from "../helpers/peers.js";

/** Result of {@link recordSClient}: the capture file, the key log (when asked) and what s_client printed. */
export interface Recorded {
  pcap: string;
  keylog?: string;
  sclient: string;
}

/** Options of {@link recordSClient}. */
export interface RecordOptions {
  /** What s_client sends once connected (default an HTTP/1.0 GET). */
  input?: string;
  /**
   * Keep s_client's stdin open after `input` until the server ends the connection (s_client then exits on the
   * server's close), so the server closes first; default: stdin is closed after `input` (s_client closes first).
   */
  holdStdin?: boolean;
}

/**
 * Records one `openssl s_client -connect 127.0.0.1:port ARGS` handshake into `dir/name.pcap`.
 * @param keylog write `dir/name.keys` with -keylogfile (TLS 1.3 decryption)
 */
export async function recordSClient(dir: string, name: string, port: number, args: string[], keylog = false, opts: RecordOptions = {}): Promise<Recorded> {
  const pcap = join(dir, `${name}.pcap`);
  const keys = join(dir, `${name}.keys`);
  const td = spawn("tcpdump", ["-i", "lo", "-s", "0", "-U", "--immediate-mode", "-w", pcap, `tcp port ${port}`], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const exited = new Promise<void>((resolve) => td.once("close", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      td.stderr!.on("data", (d: Buffer) => {
        err += d.toString("utf8");
        if (/listening on/.test(err)) resolve();
      });
      td.once("exit", (code) => reject(new Error(`tcpdump exited (${code}) before listening: ${err}`)));
      td.once("error", (e) => reject(e));
    });
    const sArgs = [...args, ...(keylog ? ["-keylogfile", keys] : [])];
    const input = opts.input ?? "GET / HTTP/1.0\r\n\r\n";
    const sclient = opts.holdStdin ? await sClientUntilServerCloses(port, sArgs, input) : await runSClient(port, sArgs, input);
    // Let the last packets (the server's alert and FIN) reach tcpdump's buffer before stopping it.
    await new Promise((r) => setTimeout(r, 300));
    return { pcap, ...(keylog ? { keylog: keys } : {}), sclient };
  } finally {
    if (td.pid !== undefined && td.exitCode === null) process.kill(td.pid, "SIGINT");
    await exited;
  }
}

/** `openssl s_client` with stdin held open: it runs until the server closes the connection (killed after 20 s). */
async function sClientUntilServerCloses(port: number, args: string[], input: string): Promise<string> {
  const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stdin.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  if (input) child.stdin.write(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    child.stdin.destroy();
  }
  return out;
}
