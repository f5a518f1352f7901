/**
 * One probe connection: TCP connect, a tapped `node:tls` handshake with the key log collected, then (TLS 1.3) a
 * short wait for the server's verdict on the client certificate, which arrives only after the client's Finished
 * (RFC 8446 §4.4.2.4: a server that requires a certificate sends certificate_required then).
 *
 * Returns the raw material (tap chunks, key-log lines, Node's view); decoding happens in probe.ts.
 */
import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket, type ConnectionOptions } from "node:tls";
import { MtlsDoctorError } from "../errors.js";
import { looksLikeTlsRecordHeader } from "../wire/record.js";
import { SocketTap, type TapChunk, type TapEnd } from "./tap.js";
import { connectTimeout, formatTarget, handshakeTimeout, mapConnectError, notTls } from "./errors.js";

/** A client certificate chain + key, as PEM, ready for node:tls. Never logged. */
export interface PemCredential {
  certPem: string;
  keyPem: string;
}

export interface RunOptions {
  host: string;
  port: number;
  /** SNI; default `host` unless it is an IP literal (RFC 6066 §3 forbids IP literals in server_name). */
  servername?: string;
  tlsVersion?: "1.2" | "1.3";
  credential?: PemCredential;
  /** Total budget for TCP connect + handshake, ms. */
  timeoutMs: number;
  /** TLS 1.3: how long to wait after the handshake for the server's verdict (data, alert, close), ms. */
  graceMs: number;
  /** TLS 1.3: after a NewSessionTicket (the server accepted our Finished) wait only this long for a close, ms. */
  afterTicketGraceMs: number;
  clock?: () => number;
}

/** What one connection produced. */
export interface RawRun {
  chunks: TapChunk[];
  /** NSS key log lines (SSLKEYLOGFILE format), in the order Node emitted them. */
  keyLog: string[];
  /** Node's 'secureConnect' fired (the client considers the handshake complete). */
  secureConnected: boolean;
  /** From Node after secureConnect: "TLSv1.3" → "1.3". */
  tlsVersion?: string;
  /** IANA name of the negotiated cipher suite (Node's `standardName`). */
  cipher?: string;
  /** The error Node reported (handshake failure, alert received, reset), if any. */
  clientError?: { code?: string; message: string };
  /** How the TCP connection ended (undefined: we closed it ourselves after the verdict). */
  end?: TapEnd;
  /** Whether application data arrived from the server after the handshake. */
  serverSentData: boolean;
  servername?: string;
  client: { host: string; port: number };
  startedAt: number;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(connectTimeout(host, port, timeoutMs));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        mapConnectError(e, host, port) ??
          new MtlsDoctorError("MTLSD_ERR_UNREACHABLE", `${formatTarget(host, port)}: cannot connect (${e.code ?? e.message})`, { cause: e }),
      );
    });
  });
}

/** Node's secure-context errors for a bad credential, as one line (never including key material). */
function credentialError(e: NodeJS.ErrnoException): MtlsDoctorError | undefined {
  const m = e.message ?? "";
  if (/key values mismatch/i.test(m) || e.code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH")
    return new MtlsDoctorError("MTLSD_ERR_BAD_KEY", "the private key does not match the client certificate (OpenSSL: key values mismatch)", { cause: e });
  if (/no start line|bad decrypt|unsupported|PEM/i.test(m) && e.code?.startsWith("ERR_OSSL"))
    return new MtlsDoctorError("MTLSD_ERR_BAD_KEY", `the client certificate or key could not be used: ${m.split("\n")[0]}`, { cause: e });
  return undefined;
}

/**
 * Runs one probe connection. Throws MtlsDoctorError for: unreachable/refused/timeout (TCP), timeout (no TLS answer),
 * not TLS (the server's first bytes are not a TLS record), bad credential. Every other outcome (alerts, resets,
 * closes) is returned as evidence.
 */
export async function runOnce(o: RunOptions): Promise<RawRun> {
  const clock = o.clock ?? Date.now;
  const startedAt = clock();
  const deadline = startedAt + o.timeoutMs;
  const socket = await tcpConnect(o.host, o.port, o.timeoutMs);
  const tap = new SocketTap(socket, clock);
  const servername = o.servername ?? (isIP(o.host) ? undefined : o.host);
  const version = o.tlsVersion ? (`TLSv${o.tlsVersion}` as const) : undefined;
  const tlsOpts: ConnectionOptions = {
    socket: tap,
    servername,
    rejectUnauthorized: false,
    minVersion: version ?? "TLSv1.2",
    maxVersion: version ?? "TLSv1.3",
  };
  if (o.credential) {
    tlsOpts.cert = o.credential.certPem;
    tlsOpts.key = o.credential.keyPem;
  }
  const run: RawRun = {
    chunks: tap.chunks,
    keyLog: [],
    secureConnected: false,
    serverSentData: false,
    servername,
    client: { host: socket.localAddress ?? "", port: socket.localPort ?? 0 },
    startedAt,
  };

  let tlsSocket: TLSSocket;
  try {
    tlsSocket = tlsConnect(tlsOpts);
  } catch (e) {
    tap.destroy();
    throw credentialError(e as NodeJS.ErrnoException) ?? e;
  }
  tlsSocket.on("keylog", (line: Buffer) => run.keyLog.push(line.toString("latin1")));

  let timedOut = false;
  await new Promise<void>((resolve) => {
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      if (grace) clearTimeout(grace);
      resolve();
    };
    const overall = setTimeout(() => {
      if (!run.secureConnected) timedOut = true;
      finish();
    }, Math.max(1, deadline - clock()));
    const waitFor = (ms: number) => {
      if (grace) clearTimeout(grace);
      grace = setTimeout(finish, ms);
    };
    tlsSocket.once("secureConnect", () => {
      run.secureConnected = true;
      run.tlsVersion = tlsSocket.getProtocol()?.replace(/^TLSv/, "");
      run.cipher = tlsSocket.getCipher()?.standardName;
      clearTimeout(overall);
      // TLS 1.2: the server's Finished already says it accepted us. TLS 1.3: the verdict comes after our Finished.
      if (run.tlsVersion !== "1.3") return finish();
      waitFor(o.graceMs);
      tlsSocket.once("session", () => waitFor(o.afterTicketGraceMs));
    });
    tlsSocket.on("data", () => {
      run.serverSentData = true;
      finish();
    });
    // `on`, not `once`: a second error (e.g. the reset that follows an alert) must not become an uncaught
    // 'error' event. The first one before the verdict is the client error; later ones are noise of the close.
    tlsSocket.on("error", (e: NodeJS.ErrnoException) => {
      if (settled) return;
      run.clientError = { code: e.code, message: e.message };
      finish();
    });
    tlsSocket.once("end", finish);
    tlsSocket.once("close", finish);
  });

  // What the server did up to the verdict; anything after this is our own close.
  const endAtVerdict = tap.ended;
  tap.markLocalClose();
  // Close politely (close_notify) if the handshake completed and the connection is still open, give the peer a
  // moment, then make sure everything is gone. After a timeout there is nothing to close politely: the handshake is
  // unfinished and the caller is waiting for the error.
  if (!timedOut && !tlsSocket.destroyed && !tap.ended) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 300);
      tlsSocket.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      tlsSocket.end();
    });
  }
  // The tap (and with it the TCP socket) first, so no late server bytes reach node:tls while it is torn down.
  tap.destroy();
  tlsSocket.destroy();
  run.end = endAtVerdict && endAtVerdict.how !== "local" ? endAtVerdict : undefined;

  const server = tap.serverBytes();
  if (server.length > 0 && !looksLikeTlsRecordHeader(server, 0)) throw notTls(o.host, o.port, server);
  if (run.clientError && /wrong version number|packet length too long|unknown protocol/i.test(run.clientError.message))
    throw notTls(o.host, o.port, server);
  if (timedOut) throw handshakeTimeout(o.host, o.port, o.timeoutMs, server.length);
  if (run.clientError) {
    const mapped = credentialError(run.clientError as NodeJS.ErrnoException);
    if (mapped) throw mapped;
  }
  return run;
}
