/**
 * The demo's backend: a Node `tls` server on 127.0.0.1 (ephemeral port) that requires a client certificate,
 * trusts the CAs it is given, and advertises their subjects as its acceptable CA names (OpenSSL builds the
 * CertificateRequest's certificate_authorities from the `ca` option). It answers "HTTP/1.1 200 OK" to an
 * authorised client and records, per connection, what went wrong on its side (its log line).
 *
 * Like any Node server with `rejectUnauthorized: true` (see shared/reference/alert-matrix.md), it sends an alert
 * only when the client sends no certificate (40 in TLS 1.2, 116 in TLS 1.3); when verification fails it closes the
 * connection without an alert.
 */
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";

/**
 * The short form of a Node TLS error: its code and OpenSSL's function:reason, without the library path and line
 * ("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE (tls_process_client_certificate: peer did not return a certificate)").
 */
export function opensslReason(err: NodeJS.ErrnoException): string {
  const m = /SSL routines:([^:]+):([^:]+)/.exec(err.message);
  const reason = m ? `${m[1]}: ${m[2]}` : err.message.split("\n")[0]!;
  return err.code && !reason.includes(err.code) ? `${err.code} (${reason})` : reason;
}

export interface DemoBackend {
  port: number;
  /** Server-side log lines, one per connection event, oldest first. */
  log: string[];
  close(): Promise<void>;
}

/**
 * Starts the backend. `certPem`/`keyPem` are the server's credential; `trustedCaPems` are both its trust anchors
 * and the CA names it advertises. `tlsVersion` pins the protocol ("1.2" or "1.3").
 */
export async function startDemoBackend(opts: {
  certPem: string;
  keyPem: string;
  trustedCaPems: string[];
  tlsVersion: "1.2" | "1.3";
}): Promise<DemoBackend> {
  const log: string[] = [];
  const version = opts.tlsVersion === "1.3" ? "TLSv1.3" : "TLSv1.2";
  const server = tls.createServer(
    {
      cert: opts.certPem,
      key: opts.keyPem,
      ca: opts.trustedCaPems,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: version,
      maxVersion: version,
    },
    (socket) => {
      const peer = socket.getPeerCertificate();
      log.push(`accepted client certificate ${peer?.subject?.CN ?? "(none)"}`);
      socket.on("error", () => undefined);
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n");
    },
  );
  server.on("tlsClientError", (err: NodeJS.ErrnoException) => {
    log.push(`handshake failed: ${opensslReason(err)}`);
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
