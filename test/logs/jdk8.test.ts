/**
 * JDK 8 format (`*** CertificateRequest`, `Cert Authorities:`, `<Empty>`, `RECV TLSv1.2 ALERT`). No JDK 8 is
 * installed here, so the fixture is assembled line by line in JDK 8u's `-Djavax.net.debug=ssl:handshake` format
 * (ClientHandshaker/HandshakeMessage print statements) for a CA-mismatch run; the JDK 11+ format is tested on
 * real logs in jsse.test.ts. Also checks the text summary on it.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readLog } from "../../src/logs/index.js";
import { renderLogText } from "../../src/report/text/logs.js";

const file = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "jdk8-client-ca-mismatch.log");

describe("JDK 8 JSSE debug log, client side, CA mismatch", () => {
  it("gives the messages with directions, the CA names one per line, the empty Certificate and the alert", async () => {
    const ev = await readLog(file);
    expect(ev.kind).toBe("jsse-debug");
    expect(ev.side).toBe("client");
    const c = ev.conversations[0]!;
    expect(c.messages.map((m) => `${m.direction === "client→server" ? ">" : "<"}${m.type}`)).toEqual([
      ">ClientHello", "<ServerHello", "<Certificate", "<ServerKeyExchange", "<CertificateRequest", "<ServerHelloDone",
      ">Certificate", ">ClientKeyExchange", "<Alert",
    ]);
    expect(c).toMatchObject({ tlsVersion: "1.2", cipher: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", sni: "backend.example", outcome: "alert" });
    expect(c.alert).toMatchObject({ sender: "server", messageIndex: 9, afterMessageIndex: 8, alert: { descriptionName: "bad_certificate", description: 42 } });
    const h = ev.handshakes[0]!;
    expect(h.caNamesSplit).toBe("exact");
    expect(h.policy!.acceptableCAs.map((a) => a.dn)).toEqual(["CN=Lab Root A, O=mtls-doctor Lab, C=AU", "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU"]);
    expect(h.policy!.certificateTypes).toEqual([1, 2, 64]);
    expect(h.policy!.signatureAlgorithms).toContain(0x0403);
    expect(h.clientCertificates).toEqual([]);
    expect(h.serverCertificates!.map((x) => [x.subject, x.issuer])).toEqual([["CN=backend.example", "CN=Lab Server CA, O=mtls-doctor Lab, C=AU"]]);
    // JDK 8 prints Validity over two lines ("Validity: [From: Sat Nov 29 12:30:05 UTC 2025," / "To: ...]").
    expect(h.serverCertificates![0]).toMatchObject({
      notBefore: Date.UTC(2025, 10, 29, 12, 30, 5), notAfter: Date.UTC(2026, 10, 29, 12, 30, 5),
      serialHex: "20B922F8D06611B5", version: 3, publicKey: "EC", signatureAlgorithm: "SHA256withECDSA",
    });
    expect(ev.events.map((e) => e.kind)).toEqual(["certificate-not-selected", "alert-received"]);
    expect(ev.events.every((e) => e.conversation === 0)).toBe(true);
  });

  it("renders the numbered message list, the CA names, the quoted selection failure and the alert", async () => {
    const text = renderLogText(await readLog(file));
    expect(text).toContain("5                           server → client  CertificateRequest: 2 acceptable CA names  (line 49)");
    expect(text).toContain("      CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU");
    expect(text).toContain("7                           client → server  Certificate: EMPTY (0 certificates)  (line 58)");
    expect(text).toContain('line 57: "Warning: no suitable certificate found - continuing without client authentication"');
    expect(text).toContain("The server sent alert fatal bad_certificate(42) (message #9).");
  });
});
