/**
 * Maps what Node reports while connecting to a live server onto {@link MtlsDoctorError}s: one line each, naming
 * `host:port`, with the CLI exit code that tells the cases apart (src/errors.ts):
 * unreachable 3, refused 5, timeout 6, not TLS 7.
 */
import { MtlsDoctorError } from "../errors.js";

/** `host:port`, with IPv6 literals in brackets. */
export function formatTarget(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Maps a TCP-level connect error (from `net.connect`) to an MtlsDoctorError, or returns undefined when it is not a
 * connect error we recognise.
 */
export function mapConnectError(e: NodeJS.ErrnoException, host: string, port: number): MtlsDoctorError | undefined {
  const t = formatTarget(host, port);
  switch (e.code) {
    case "ECONNREFUSED":
      return new MtlsDoctorError("MTLSD_ERR_REFUSED", `${t}: connection refused (nothing is listening on that port, or a firewall rejects it)`, { cause: e });
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_NODATA":
      return new MtlsDoctorError("MTLSD_ERR_UNREACHABLE", `${t}: host name not found (DNS lookup failed: ${e.code})`, { cause: e });
    case "EAI_AGAIN":
      return new MtlsDoctorError("MTLSD_ERR_UNREACHABLE", `${t}: host name could not be resolved right now (DNS temporary failure: EAI_AGAIN)`, { cause: e });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
    case "EADDRNOTAVAIL":
      return new MtlsDoctorError("MTLSD_ERR_UNREACHABLE", `${t}: host unreachable (${e.code}: no route to the host)`, { cause: e });
    case "ETIMEDOUT":
      return new MtlsDoctorError("MTLSD_ERR_TIMEOUT", `${t}: TCP connection timed out (ETIMEDOUT)`, { cause: e });
    default:
      return undefined;
  }
}

/**
 * Below this budget (ms) a timeout says first that the budget itself was too small: on a loopback or LAN a handshake
 * takes a few ms to a few hundred, so "firewall" or "stalled" would send the reader after the wrong cause.
 */
export const TINY_BUDGET_MS = 1000;

/** The budget was too small to tell anything about the server: say so first (one line, `what` after). */
function tinyBudget(host: string, port: number, ms: number, what: string): MtlsDoctorError {
  return new MtlsDoctorError(
    "MTLSD_ERR_TIMEOUT",
    `${formatTarget(host, port)}: no answer within ${ms} ms (the --timeout budget); raise --timeout (${what})`,
  );
}

/** The TCP connection was not established within `ms`. */
export function connectTimeout(host: string, port: number, ms: number): MtlsDoctorError {
  if (ms < TINY_BUDGET_MS) return tinyBudget(host, port, ms, "the TCP connection was not established yet");
  return new MtlsDoctorError(
    "MTLSD_ERR_TIMEOUT",
    `${formatTarget(host, port)}: no TCP connection within ${ms} ms (packets dropped by a firewall, or the host is down)`,
  );
}

/** TCP connected, but the TLS handshake did not finish within `ms`; `serverBytes` had arrived by then. */
export function handshakeTimeout(host: string, port: number, ms: number, serverBytes: number): MtlsDoctorError {
  if (ms < TINY_BUDGET_MS)
    return tinyBudget(
      host,
      port,
      ms,
      serverBytes === 0
        ? "TCP connected, but the server sent nothing back to the ClientHello yet"
        : `the TLS handshake was still in progress, ${serverBytes} bytes from the server so far`,
    );
  const what =
    serverBytes === 0
      ? "the server accepted the TCP connection but sent nothing back to the ClientHello"
      : `the handshake stalled after ${serverBytes} bytes from the server`;
  return new MtlsDoctorError("MTLSD_ERR_TIMEOUT", `${formatTarget(host, port)}: no TLS answer within ${ms} ms (${what})`);
}

/** Printable preview of what a non-TLS service sent (first line, at most 60 characters). */
export function previewBytes(b: Uint8Array): string {
  const text = Buffer.from(b.subarray(0, 200)).toString("latin1");
  const line = text.split(/\r?\n/)[0] ?? "";
  const printable = /^[\x20-\x7e]*$/.test(line) && line.length > 0;
  if (printable) return JSON.stringify(line.length > 60 ? line.slice(0, 60) + "…" : line);
  return "bytes " + Buffer.from(b.subarray(0, 16)).toString("hex").replace(/(..)/g, "$1 ").trim();
}

/** The server answered with something that is not a TLS record. */
export function notTls(host: string, port: number, firstBytes: Uint8Array): MtlsDoctorError {
  return new MtlsDoctorError(
    "MTLSD_ERR_NOT_TLS",
    `${formatTarget(host, port)}: the server does not speak TLS on this port (it answered ${previewBytes(firstBytes)})`,
  );
}
