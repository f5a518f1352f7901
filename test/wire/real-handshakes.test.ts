/**
 * Decode real handshakes: openssl s_server ⇄ recording relay ⇄ Node tls client (key log from Node's `keylog`
 * event). Cross-checks against the peers: CA names vs the CA certificate's subject DER, the alert the client
 * reported, the negotiated suite.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionDecoder, decodeConnection, type DecodedMessage } from "../../src/wire/connection.js";
import { KeyLog } from "../../src/wire/tls13/keylog.js";
import type { AlertMessage, CertificateMsg, CertificateRequest } from "../../src/wire/types.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { opensslSignatureName } from "../../src/wire/tables.js";
import { makePki, nodeClient, readPem, runSClient, startRelay, startSServer, type Pki } from "./support/peers.js";

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.cleanup());

/** Subject DER of a certificate, read from its TBSCertificate with a tiny DER walk. */
function subjectDer(pem: string): Uint8Array {
  const der = new Uint8Array(new X509Certificate(pem).raw);
  let p = 0;
  const hdr = () => {
    const tag = der[p++]!;
    let len = der[p++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[p++]!;
    }
    return { tag, len };
  };
  hdr(); // Certificate SEQUENCE
  hdr(); // TBSCertificate SEQUENCE
  const skip = () => {
    const { len } = hdr();
    p += len;
  };
  if (der[p] === 0xa0) skip(); // [0] version
  skip(); // serialNumber
  skip(); // signature
  skip(); // issuer
  skip(); // validity
  const start = p;
  const { len } = hdr();
  return der.slice(start, p + len);
}

async function run(serverArgs: string[], client: Parameters<typeof nodeClient>[1]) {
  const srv = await startSServer(["-cert", pki.srvPem, "-key", pki.srvKey, "-naccept", "1", ...serverArgs]);
  const relay = await startRelay(srv.port);
  try {
    const res = await nodeClient(relay.port, client);
    await Promise.race([relay.closed, srv.stop()]);
    return { ...res, chunks: relay.chunks, serverOutput: srv.output() };
  } finally {
    relay.close();
    await srv.stop();
  }
}

const types = (ms: DecodedMessage[], dir: string) => ms.filter((m) => m.direction === dir).map((m) => m.type);

describe("TLS 1.3 with CertificateRequest (s_server -Verify 1 -CAfile)", () => {
  for (const [suite, code] of [
    ["TLS_AES_128_GCM_SHA256", 0x1301],
    ["TLS_AES_256_GCM_SHA384", 0x1302],
    ["TLS_CHACHA20_POLY1305_SHA256", 0x1303],
    // AEAD_AES_128_CCM (16-byte tag) and AEAD_AES_128_CCM_8 (8-byte tag, RFC 6655): not in OpenSSL's default
    // TLS 1.3 list, so the Node client offers them explicitly.
    ["TLS_AES_128_CCM_SHA256", 0x1304],
    ["TLS_AES_128_CCM_8_SHA256", 0x1305],
  ] as const) {
    it(`decrypts the handshake and the certificate_required alert (${suite})`, async () => {
      const client = code >= 0x1304 ? { ciphers: suite } : {};
      const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-ciphersuites", suite, "-tls1_3"], client);
      expect(r.error?.message ?? "").toMatch(/certificate required|alert number 116/i);
      const msgs = decodeConnection(r.chunks, { keyLogText: r.keyLog });
      const s2c = types(msgs, "server→client");
      expect(s2c.slice(0, 7)).toEqual([
        "ServerHello",
        "ChangeCipherSpec",
        "EncryptedExtensions",
        "CertificateRequest",
        "Certificate",
        "CertificateVerify",
        "Finished",
      ]);
      const c2s = types(msgs, "client→server");
      expect(c2s.slice(0, 4)).toEqual(["ClientHello", "ChangeCipherSpec", "Certificate", "Finished"]);
      const emptyCert = msgs.find((m) => m.direction === "client→server" && m.type === "Certificate")!.body as CertificateMsg;
      expect(emptyCert.form).toBe("tls13");
      expect(emptyCert.certificatesLength).toBe(0);

      const cr = msgs.find((m) => m.type === "CertificateRequest")!;
      expect(cr.decrypted).toBe(true);
      const body = cr.body as CertificateRequest;
      expect(body.form).toBe("tls13");
      expect(body.certificateAuthoritiesState).toBe("present");
      expect(body.certificateAuthorities.map((d) => Buffer.from(d).toString("hex"))).toEqual([
        Buffer.from(subjectDer(readPem(pki.caPem))).toString("hex"),
      ]);
      expect(body.signatureAlgorithms).toContain(0x0403);

      const alert = msgs.find((m) => m.type === "Alert" && m.direction === "server→client")!;
      expect(alert.decrypted).toBe(true);
      expect(alert.body as AlertMessage).toMatchObject({ level: 2, description: 116, descriptionName: "certificate_required" });

      const d = new ConnectionDecoder({ keyLog: new KeyLog(r.keyLog) });
      for (const c of r.chunks) d.push(c.direction, c.bytes);
      d.end();
      expect(d.state.version).toBe(0x0304);
      expect(d.state.cipherSuite).toBe(code);
      expect(d.state.serverName).toBe("localhost");
      expect(d.state.handshakeDone).toEqual({ client: true, server: true });
    });
  }

  it("decodes a successful mutual-TLS handshake, client chain included, and NewSessionTicket after it", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_3"], {
      cert: readPem(pki.cliPem),
      key: readPem(pki.cliKey),
    });
    expect(r.error).toBeUndefined();
    const msgs = decodeConnection(r.chunks, { keyLogText: r.keyLog });
    expect(types(msgs, "client→server").slice(0, 6)).toEqual([
      "ClientHello",
      "ChangeCipherSpec",
      "Certificate",
      "CertificateVerify",
      "Finished",
      "ApplicationData",
    ]);
    const cert = msgs.find((m) => m.direction === "client→server" && m.type === "Certificate")!.body as CertificateMsg;
    expect(Buffer.from(cert.entries[0]!.certData).equals(Buffer.from(new X509Certificate(readPem(pki.cliPem)).raw))).toBe(true);
    expect(types(msgs, "server→client")).toContain("NewSessionTicket");
    const app = msgs.find((m) => m.type === "ApplicationData" && m.direction === "client→server")!;
    expect(app.decrypted).toBe(true);
    expect(app.raw.length).toBe(0); // payload never kept
    expect(app.body).toEqual({ type: "ApplicationData", length: "hello\n".length });
  });

  it("without a key log shows the protected records as encrypted and flags the 19-byte alert record", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_3"], {});
    const msgs = decodeConnection(r.chunks);
    const s2c = msgs.filter((m) => m.direction === "server→client");
    expect(s2c[0]!.type).toBe("ServerHello");
    expect(s2c.some((m) => m.type === "EncryptedHandshake" && m.encrypted)).toBe(true);
    const last = s2c.filter((m) => m.type === "ApplicationData").at(-1)!;
    expect(last.encrypted).toBe(true);
    expect(last.body).toMatchObject({ length: 19, likelyAlert: true });
  });

  it("without a key log, TLS_AES_128_CCM_8_SHA256: the alert record is 11 bytes (8-byte tag) and still flagged", async () => {
    const suite = "TLS_AES_128_CCM_8_SHA256";
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-ciphersuites", suite, "-tls1_3"], { ciphers: suite });
    const msgs = decodeConnection(r.chunks);
    const last = msgs.filter((m) => m.direction === "server→client" && m.type === "ApplicationData").at(-1)!;
    expect(last.encrypted).toBe(true);
    expect(last.body).toMatchObject({ length: 2 + 1 + 8, likelyAlert: true });
    // and with the key log, that very record is the certificate_required alert
    const keyed = decodeConnection(r.chunks, { keyLogText: r.keyLog });
    const alert = keyed.find((m) => m.type === "Alert" && m.direction === "server→client")!;
    expect(alert.streamOffset).toBe(last.streamOffset);
    expect(alert.body).toMatchObject({ description: 116, descriptionName: "certificate_required" });
  });
});

describe("TLS 1.2 with CertificateRequest", () => {
  it("decodes the CertificateRequest (types, signature algorithms, CA names) and the handshake_failure alert", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_2"], { maxVersion: "TLSv1.2" });
    expect(r.error).toBeDefined();
    const msgs = decodeConnection(r.chunks);
    expect(types(msgs, "server→client").slice(0, 5)).toEqual([
      "ServerHello",
      "Certificate",
      "ServerKeyExchange",
      "CertificateRequest",
      "ServerHelloDone",
    ]);
    const cr = msgs.find((m) => m.type === "CertificateRequest")!.body as CertificateRequest;
    expect(cr.form).toBe("tls12");
    expect(cr.certificateTypes).toEqual(expect.arrayContaining([1, 64]));
    expect(cr.certificateAuthorities.map((d) => Buffer.from(d).toString("hex"))).toEqual([
      Buffer.from(subjectDer(readPem(pki.caPem))).toString("hex"),
    ]);
    const c2s = types(msgs, "client→server");
    expect(c2s.slice(0, 5)).toEqual(["ClientHello", "Certificate", "ClientKeyExchange", "ChangeCipherSpec", "EncryptedHandshake"]);
    const alert = msgs.find((m) => m.direction === "server→client" && m.type === "Alert")!.body as AlertMessage;
    expect(alert.descriptionName).toBe("handshake_failure");
  });

  it("a successful TLS 1.2 mTLS handshake ends with encrypted Finished on both sides", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_2"], {
      maxVersion: "TLSv1.2",
      cert: readPem(pki.cliPem),
      key: readPem(pki.cliKey),
    });
    expect(r.error).toBeUndefined();
    const d = new ConnectionDecoder();
    const msgs: DecodedMessage[] = [];
    for (const c of r.chunks) msgs.push(...d.push(c.direction, c.bytes));
    msgs.push(...d.end());
    expect(types(msgs, "client→server").slice(0, 6)).toEqual([
      "ClientHello",
      "Certificate",
      "ClientKeyExchange",
      "CertificateVerify",
      "ChangeCipherSpec",
      "EncryptedHandshake",
    ]);
    expect(d.state.version).toBe(0x0303);
    expect(d.state.handshakeDone).toEqual({ client: true, server: true });
  });
});

describe("cross-check with openssl s_client -keylogfile", () => {
  it("CertificateRequest signature algorithms and CA names equal what s_client prints; alert 116 decrypted", async () => {
    const srv = await startSServer(["-cert", pki.srvPem, "-key", pki.srvKey, "-naccept", "1", "-Verify", "1", "-CAfile", pki.caPem, "-tls1_3"]);
    const relay = await startRelay(srv.port);
    const keylogFile = join(pki.dir, "s_client.keylog");
    try {
      const c = await runSClient(relay.port, ["-keylogfile", keylogFile]);
      await relay.closed;
      const printed = /^Requested Signature Algorithms: (.*)$/m.exec(c.output)?.[1];
      expect(printed).toBeDefined();
      expect(c.output).toMatch(/SSL alert number 116/);
      const caLine = /^Acceptable client certificate CA names\n(.*)$/m.exec(c.output)?.[1];
      expect(caLine).toBe("C = DE, O = mtls-doctor test, CN = Wire Test Root CA");

      const msgs = decodeConnection(relay.chunks, { keyLogText: readFileSync(keylogFile, "utf8") });
      const cr = msgs.find((m) => m.type === "CertificateRequest")!.body as CertificateRequest;
      expect(cr.signatureAlgorithms.map(opensslSignatureName).join(":")).toBe(printed);
      expect(cr.certificateAuthorities).toHaveLength(1);
      expect(Buffer.from(cr.certificateAuthorities[0]!).equals(Buffer.from(subjectDer(readPem(pki.caPem))))).toBe(true);
      const alert = msgs.find((m) => m.type === "Alert" && m.direction === "server→client")!;
      expect(alert).toMatchObject({ decrypted: true, body: { description: 116, descriptionName: "certificate_required" } });
    } finally {
      relay.close();
      await srv.stop();
    }
  });
});

describe("cross-check with openssl s_client -keylogfile (TLS_AES_128_CCM_8_SHA256 on both ends)", () => {
  it("decrypts the CertificateRequest and the certificate_required alert s_client reports", async () => {
    const suite = "TLS_AES_128_CCM_8_SHA256";
    const srv = await startSServer(["-cert", pki.srvPem, "-key", pki.srvKey, "-naccept", "1", "-Verify", "1", "-CAfile", pki.caPem, "-tls1_3", "-ciphersuites", suite]);
    const relay = await startRelay(srv.port);
    const keylogFile = join(pki.dir, "s_client-ccm8.keylog");
    try {
      const c = await runSClient(relay.port, ["-keylogfile", keylogFile, "-ciphersuites", suite]);
      await relay.closed;
      expect(c.output).toMatch(new RegExp(`Cipher is ${suite}`));
      expect(c.output).toMatch(/SSL alert number 116/);
      const printed = /^Requested Signature Algorithms: (.*)$/m.exec(c.output)?.[1];
      const d = new ConnectionDecoder({ keyLog: new KeyLog(readFileSync(keylogFile, "utf8")) });
      const msgs: DecodedMessage[] = [];
      for (const ch of relay.chunks) msgs.push(...d.push(ch.direction, ch.bytes));
      msgs.push(...d.end());
      expect(d.state.cipherSuite).toBe(0x1305);
      expect(msgs.filter((m) => m.type === "Undecodable")).toEqual([]);
      const cr = msgs.find((m) => m.type === "CertificateRequest")!;
      expect(cr.decrypted).toBe(true);
      expect((cr.body as CertificateRequest).signatureAlgorithms.map(opensslSignatureName).join(":")).toBe(printed);
      expect((cr.body as CertificateRequest).certificateAuthorities.map((x) => Buffer.from(x).toString("hex"))).toEqual([
        Buffer.from(subjectDer(readPem(pki.caPem))).toString("hex"),
      ]);
      const alert = msgs.find((m) => m.type === "Alert" && m.direction === "server→client")!;
      expect(alert).toMatchObject({ decrypted: true, body: { level: 2, description: 116, descriptionName: "certificate_required" } });
    } finally {
      relay.close();
      await srv.stop();
    }
  });
});

describe("HelloRetryRequest and live key arrival", () => {
  it("HRR (server insists on P-256): second ClientHello, then the decrypted handshake", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_3", "-groups", "P-256"], { ecdhCurve: "X25519:P-256" });
    const msgs = decodeConnection(r.chunks, { keyLogText: r.keyLog });
    expect(types(msgs, "server→client").slice(0, 4)).toEqual(["HelloRetryRequest", "ChangeCipherSpec", "ServerHello", "EncryptedExtensions"]);
    expect(types(msgs, "client→server").slice(0, 3)).toEqual(["ClientHello", "ChangeCipherSpec", "ClientHello"]);
    expect(msgs.find((m) => m.type === "Alert")?.body).toMatchObject({ descriptionName: "certificate_required" });
  });

  it("awaitKeys: protected records pushed before the key log lines are held, then decrypted", async () => {
    const r = await run(["-Verify", "1", "-CAfile", pki.caPem, "-tls1_3"], {});
    const d = new ConnectionDecoder({ awaitKeys: true });
    const out: DecodedMessage[] = [];
    for (const c of r.chunks) out.push(...d.push(c.direction, c.bytes));
    expect(out.some((m) => m.type === "CertificateRequest")).toBe(false);
    d.addKeyLog(r.keyLog);
    out.push(...d.end());
    expect(out.filter((m) => m.direction === "server→client").map((m) => m.type).slice(0, 7)).toEqual([
      "ServerHello", "ChangeCipherSpec", "EncryptedExtensions", "CertificateRequest", "Certificate", "CertificateVerify", "Finished",
    ]);
    expect(out.find((m) => m.type === "Alert")?.body).toMatchObject({ descriptionName: "certificate_required" });
  });
});
