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

/**
 * Records one `openssl s_client -connect 127.0.0.1:port ARGS` handshake into `dir/name.pcap`.
 * @param keylog write `dir/name.keys` with -keylogfile (TLS 1.3 decryption)
 */
export async function recordSClient(dir: string, name: string, port: number, args: string[], keylog = false): Promise<Recorded> {
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
    const sclient = await runSClient(port, [...args, ...(keylog ? ["-keylogfile", keys] : [])], "GET / HTTP/1.0\r\n\r\n");
    // Let the last packets (the server's alert and FIN) reach tcpdump's buffer before stopping it.
    await new Promise((r) => setTimeout(r, 300));
    return { pcap, ...(keylog ? { keylog: keys } : {}), sclient };
  } finally {
    if (td.pid !== undefined && td.exitCode === null) process.kill(td.pid, "SIGINT");
    await exited;
  }
}
