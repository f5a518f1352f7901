/**
 * `mtls-doctor demo`: reproduces the playbook's failures on loopback and diagnoses each, with no arguments.
 *
 * 1. builds a throw-away PKI in memory (./pki.ts);
 * 2. starts a backend on 127.0.0.1 that requires a client certificate and advertises its CA (./backend.ts);
 * 3. for each scenario (./scenarios.ts) runs the same live diagnosis as `mtls-doctor diagnose --connect`, modelling a
 *    Java gateway (JSSE SunX509 key manager): read the CertificateRequest, pick the certificate Java would pick,
 *    offer exactly that;
 * 4. prints what the gateway's user would have seen (HTTP 503, the exception) and what mtls-doctor found.
 * Everything is stopped and nothing is written to disk.
 */
import { diagnoseLive, type LiveResult } from "../diagnose/live.js";
import type { StoreEvidence } from "../evidence/model.js";
import { parseCertificate } from "../pki/certificate.js";
import { startDemoBackend } from "./backend.js";
import { startOpensslBackend } from "./opensslBackend.js";
import { makeDemoPki } from "./pki.js";
import { demoScenarios, type DemoScenario } from "./scenarios.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** ms since epoch: anchors the PKI's validity periods and every judgement. */
  now: number;
  tlsVersion: "1.2" | "1.3";
  /** The backend's TLS stack: a Node server (no alert when it rejects a chain) or `openssl s_server`. Default node. */
  backend?: "node" | "openssl";
  /** Run only the scenario with this id. */
  only?: string;
}

/** One scenario's result. */
export interface DemoResult {
  scenario: DemoScenario;
  live: LiveResult;
  /** The backend's log line for the gateway's connection (empty when it logged nothing, e.g. OpenSSL on success). */
  backendLog: string[];
  /** The line a Java gateway would have logged (the playbook's `handshakeFailed() ... message: ...`). */
  gatewaySaw: string;
  /** The HTTP status the API consumer got: 503 when the backend handshake failed, 200 otherwise. */
  httpStatus: 200 | 503;
  /** Expected finding ids that the diagnosis did not produce (empty = as expected). */
  missing: string[];
  /** Finding ids the diagnosis produced although the scenario forbids them (empty = as expected). */
  unexpected: string[];
}

/** What a JSSE client reports for the evidence (see shared/reference/alert-matrix.md, client-side messages). */
export function javaClientMessage(live: LiveResult): string {
  const p = live.evidence.probe;
  if (!p) return "(no connection)";
  const alert = p.conversation.alert;
  if (alert && alert.sender === "server") return `javax.net.ssl.SSLHandshakeException: Received fatal alert: ${alert.alert.descriptionName}`;
  if (p.handshakeCompleted && p.accepted !== false) return "handshake completed; HTTP/1.1 200 OK from the backend";
  if (p.handshakeCompleted) return "javax.net.ssl.SSLException: Connection reset (the backend closed the connection after the handshake)";
  return "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake";
}

/**
 * The backend's log line for the gateway's connection. Each scenario first connects without a certificate (reading the
 * CertificateRequest; the backend always rejects that, one log line), then, when the model picks a certificate, as the
 * gateway. Both backends log every failure; only the Node one also logs a success.
 */
function gatewayLogLine(lines: string[], live: LiveResult): string[] {
  const secondProbe = live.selection !== undefined && !live.selection.empty && live.selection.chosen !== undefined;
  const line = secondProbe ? lines[1] : lines[0];
  return line === undefined ? [] : [line];
}

/** Runs the demo scenarios against a loopback backend; always stops the backend. */
export async function runDemo(o: DemoOptions): Promise<DemoResult[]> {
  const pki = await makeDemoPki(o.now);
  const backendStack = o.backend ?? "node";
  const start = backendStack === "openssl" ? startOpensslBackend : startDemoBackend;
  const backend = await start({
    certPem: pki.server.pem + pki.serverCa.pem,
    keyPem: pki.server.keyPem,
    trustedCaPems: [pki.root.pem],
    tlsVersion: o.tlsVersion,
  });
  const backendTruststore: StoreEvidence = {
    role: "server-truststore",
    store: {
      file: "backend-truststore.p12",
      format: "pkcs12",
      formatDetail: "PKCS#12 (demo, in memory)",
      entries: [{ alias: "demo-root", kind: "trusted-cert", chain: [parseCertificate(pki.root.der)] }],
    },
  };
  const results: DemoResult[] = [];
  try {
    for (const scenario of demoScenarios(pki)) {
      if (o.only && scenario.id !== o.only) continue;
      const before = backend.log.length;
      const live = await diagnoseLive({
        host: "127.0.0.1",
        port: backend.port,
        servername: "localhost",
        stores: [scenario.keystore, backendTruststore],
        clientStack: "java",
        keyManager: "SunX509",
        serverStack: backendStack,
        tlsVersion: o.tlsVersion,
        timeoutMs: 5000,
        graceMs: 500,
        now: o.now,
        ...(scenario.keystore.alias ? { alias: scenario.keystore.alias } : {}),
      });
      // Let the backend log the end of the connection before reading its log (s_server writes through a pipe).
      await new Promise((r) => setTimeout(r, backendStack === "openssl" ? 100 : 20));
      const ids = new Set(live.diagnosis.findings.map((f) => f.id));
      const gatewaySaw = javaClientMessage(live);
      results.push({
        scenario,
        live,
        backendLog: gatewayLogLine(backend.log.slice(before), live),
        gatewaySaw,
        httpStatus: live.diagnosis.verdict === "healthy" ? 200 : 503,
        missing: scenario.expect.filter((id) => !ids.has(id as never)),
        unexpected: scenario.forbid.filter((id) => ids.has(id as never)),
      });
    }
  } finally {
    await backend.close();
  }
  return results;
}
