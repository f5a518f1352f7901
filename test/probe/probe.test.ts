/**
 * The probe against real servers on loopback: openssl s_server, a JSSE SSLServerSocket and a node:tls server.
 * Acceptable CA names are cross-checked against what `openssl s_client` prints for the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { createPrivateKey } from "node:crypto";
import { makeLabPki, makeManyCas, type LabName, type LabPki } from "../helpers/labPki.js";
import { runSClient, startJavaServer, startNodeServer, startOpensslServer } from "../helpers/peers.js";
import { parseSClient } from "./sclient.js";
import { probe, type ProbeOptions } from "../../src/probe/probe.js";
import { MtlsDoctorError } from "../../src/errors.js";
import { parseCertificatePem } from "../../src/pki/certificate.js";
import { opensslSignatureName } from "../../src/wire/tables.js";
import { renderProbeText } from "../../src/report/text/probe.js";
import type { AlertMessage } from "../../src/wire/types.js";

let lab: LabPki;
beforeAll(async () => {
  lab = await makeLabPki();
});
afterAll(async () => {
  await lab?.dispose();
});

async function credential(name: LabName): Promise<NonNullable<ProbeOptions["credential"]>> {
  const chainPem = await readFile(lab.chain(name), "utf8");
  const chain = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/).map((p) => parseCertificatePem(p));
  return { chain, privateKey: createPrivateKey(await readFile(lab.key(name))) };
}
const goodArgs = () => ["-cert", lab.cert("client-good"), "-key", lab.key("client-good"), "-cert_chain", lab.cert("interA")];
const server = () => ({ cert: lab.cert("server"), key: lab.key("server") });
/**
 * How OpenSSL 3.0 s_client prints a SignatureScheme in "Requested Signature Algorithms" (measured): "sig+hash" for
 * ECDSA/RSA/rsa_pss_rsae, but the lowercase IANA name for ed25519, ed448 and rsa_pss_pss_*.
 */
const sclientSigName = (code: number) =>
  ({ 0x0807: "ed25519", 0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256", 0x080a: "rsa_pss_pss_sha384", 0x080b: "rsa_pss_pss_sha512" })[code] ??
  opensslSignatureName(code);
const alertOf = (e: Awaited<ReturnType<typeof probe>>) => e.conversation.alert?.alert as AlertMessage | undefined;

describe("probe vs openssl s_server", () => {
  for (const tls of ["1.2", "1.3"] as const) {
    it(`TLS ${tls}, -Verify, several CAs: CA names equal s_client's, in order; required is learned`, async () => {
      const cas = await lab.trustStore(["rootA", "rootB", "playbookCA", "nonprod-backend", "interA"], "PEM");
      const srv = await startOpensslServer({ ...server(), caFile: cas, mode: "Verify", verifyReturnError: true, tls });
      try {
        const e = await probe({ host: "127.0.0.1", port: srv.port, credential: await credential("client-good"), graceMs: 1500 });
        const s = parseSClient(await runSClient(srv.port, goodArgs()));
        expect(e.conversation.tlsVersion).toBe(tls);
        expect(e.accepted).toBe(true);
        expect(e.policy.requested).toBe(true);
        expect(e.policy.required).toBe(true);
        expect(e.policy.acceptableCAs.map((c) => c.opensslDn)).toEqual(s.caNames);
        expect(e.policy.acceptableCAs.map((c) => c.dn)).toEqual([
          "CN=Lab Root A, O=mtls-doctor lab",
          "CN=Lab Root B, O=mtls-doctor lab",
          "CN=Lab Test SHA2 CA G2, DC=testcore, DC=test, DC=dir, DC=example, DC=com",
          "CN=nonprod-backend.example.com, OU=ITS, O=Example, L=MELBOURNE, ST=VIC, C=AU",
          "CN=Lab Intermediate A, O=mtls-doctor lab",
        ]);
        expect(e.policy.signatureAlgorithms.map(sclientSigName)).toEqual(s.requestedSigalgs);
        expect(e.clientCertificateSent?.map((c) => c.subject)).toEqual(["CN=client-good, O=mtls-doctor lab", "CN=Lab Intermediate A, O=mtls-doctor lab"]);
        expect(e.serverCertificates[0]?.subject).toBe("CN=localhost, O=mtls-doctor lab");
        // The run without a certificate failed with OpenSSL's "no certificate" alert: 40 in 1.2, 116 in 1.3.
        const w = e.withoutCertificate!;
        expect(w.accepted).toBe(false);
        expect((w.conversation.alert?.alert as AlertMessage).description).toBe(tls === "1.2" ? 40 : 116);
        const text = renderProbeText(e);
        expect(text).toContain("The server requires a client certificate whose chain includes a certificate issued by one of these 5 CAs:");
        expect(text).toMatch(/#1 +ClientHello →/);
      } finally {
        await srv.stop();
      }
    });
  }

  it("TLS 1.3 without a certificate: certificate_required (116) found, decrypted, after the client Finished", async () => {
    const srv = await startOpensslServer({ ...server(), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls: "1.3" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port });
      const a = e.conversation.alert!;
      expect(alertOf(e)).toMatchObject({ level: 2, description: 116, descriptionName: "certificate_required" });
      expect(a.sender).toBe("server");
      expect(a.afterClientFinished).toBe(true);
      expect(e.conversation.messages[a.messageIndex - 1]!.decrypted).toBe(true);
      expect(e.handshakeCompleted).toBe(true); // the client's side of a TLS 1.3 handshake completes first
      expect(e.accepted).toBe(false);
      expect(e.policy.required).toBe(true);
      expect(e.clientCertificateSent).toEqual([]);
      const certMsg = e.conversation.messages.find((m) => m.type === "Certificate" && m.direction === "client→server")!;
      expect(renderProbeText(e)).toContain(`#${certMsg.index} Certificate → (length 0)`);
    } finally {
      await srv.stop();
    }
  });

  it("TLS 1.2 -no_ca_names: an empty CA list, reported explicitly", async () => {
    const srv = await startOpensslServer({ ...server(), caFile: lab.cert("rootA"), mode: "Verify", tls: "1.2", noCaNames: true });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port, credential: await credential("client-good"), checkRequired: false });
      expect(parseSClient(await runSClient(srv.port, goodArgs())).caNames).toBeNull();
      expect(e.policy.requested).toBe(true);
      expect(e.policy.acceptableCAs).toEqual([]);
      expect(e.policy.certificateAuthoritiesState).toBe("present");
      expect(renderProbeText(e)).toContain("names no CAs (an empty CA list)");
    } finally {
      await srv.stop();
    }
  });

  it("TLS 1.3 -no_ca_names: an empty certificate_authorities extension (present-empty)", async () => {
    const srv = await startOpensslServer({ ...server(), caFile: lab.cert("rootA"), mode: "Verify", tls: "1.3", noCaNames: true });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port, credential: await credential("client-good"), checkRequired: false });
      expect(e.policy.acceptableCAs).toEqual([]);
      expect(e.policy.certificateAuthoritiesState).toBe("present-empty");
      expect(renderProbeText(e)).toContain("EMPTY certificate_authorities extension");
    } finally {
      await srv.stop();
    }
  });

  it("100 CA names (TLS 1.3, -verify, -client_sigalgs): none truncated, same as s_client; request-only ⇒ not required", async () => {
    const many = await makeManyCas(lab.dir, 100);
    const srv = await startOpensslServer({ ...server(), caFile: many, mode: "verify", tls: "1.3", clientSigalgs: "ECDSA+SHA256:RSA-PSS+SHA256" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port, graceMs: 1500 });
      const s = parseSClient(await runSClient(srv.port));
      expect(e.policy.acceptableCAs).toHaveLength(100);
      expect(e.policy.acceptableCAs.map((c) => c.opensslDn)).toEqual(s.caNames);
      expect(e.policy.acceptableCAs[99]!.dn).toBe("CN=Lab Bulk CA 100, O=mtls-doctor lab");
      expect(e.policy.signatureAlgorithms).toEqual([0x0403, 0x0804]);
      expect(e.accepted).toBe(true);
      expect(e.policy.required).toBe(false);
      const text = renderProbeText(e);
      expect(text).toContain("CN=Lab Bulk CA 100, O=mtls-doctor lab");
      expect(text).toContain("ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256");
    } finally {
      await srv.stop();
    }
  });
});

describe("probe vs Java and Node servers", () => {
  it("Java need, TLS 1.2, no certificate: bad_certificate (42) from the server; CA list as s_client prints it", async () => {
    const [ks, ts] = await Promise.all([lab.toPkcs12("server", { password: "changeit" }), lab.trustStore(["rootA", "playbookCA"], "PKCS12")]);
    const srv = await startJavaServer({ keystore: ks, password: "changeit", truststore: ts, clientAuth: "need", tls: "1.2" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port });
      expect(alertOf(e)).toMatchObject({ level: 2, description: 42 });
      expect(e.conversation.alert!.sender).toBe("server");
      expect(e.policy.required).toBe(true);
      const s = parseSClient(await runSClient(srv.port, goodArgs(), "GET / HTTP/1.0\r\n\r\n"));
      expect(e.policy.acceptableCAs.map((c) => c.opensslDn)).toEqual(s.caNames);
      expect(e.policy.acceptableCAs).toHaveLength(2);
    } finally {
      await srv.stop();
    }
  });

  it("tiny budgets (0–20 ms, 50 runs) vs Java TLS 1.3: only evidence or MTLSD_ERR_TIMEOUT, never an uncaught error", async () => {
    const [ks, ts] = await Promise.all([lab.toPkcs12("server", { password: "changeit" }), lab.trustStore(["rootA"], "PKCS12")]);
    const srv = await startJavaServer({ keystore: ks, password: "changeit", truststore: ts, clientAuth: "need", tls: "1.3" });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 50; i++) {
        try {
          await probe({ host: "127.0.0.1", port: srv.port, timeoutMs: i % 21, graceMs: 50, checkRequired: false });
          outcomes.push("evidence");
        } catch (e) {
          expect(e).toBeInstanceOf(MtlsDoctorError);
          expect((e as MtlsDoctorError).code).toBe("MTLSD_ERR_TIMEOUT");
          expect((e as MtlsDoctorError).message).toMatch(/^127\.0\.0\.1:\d+: no answer within \d+ ms \(the --timeout budget\); raise --timeout \(/);
          outcomes.push("timeout");
        }
      }
      // Late server bytes (the JSSE server answers after our budget) must not reach a closed tap afterwards.
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
      expect(outcomes).toContain("timeout"); // a 0 ms budget cannot complete a handshake
    } finally {
      process.off("uncaughtException", onUncaught);
      await srv.stop();
    }
  });

  it("Java want, TLS 1.3, with a certificate: accepted, not required", async () => {
    const [ks, ts] = await Promise.all([lab.toPkcs12("server", { password: "changeit" }), lab.trustStore(["rootA"], "PKCS12")]);
    const srv = await startJavaServer({ keystore: ks, password: "changeit", truststore: ts, clientAuth: "want", tls: "1.3" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port, credential: await credential("client-good") });
      expect(e.conversation.tlsVersion).toBe("1.3");
      expect(e.accepted).toBe(true);
      expect(e.policy.required).toBe(false);
      expect(e.policy.acceptableCAs.map((c) => c.dn)).toEqual(["CN=Lab Root A, O=mtls-doctor lab"]);
      expect(srv.output()).toMatch(/CONN \d+ OK protocol=TLSv1\.3 chain=2/);
      expect(srv.output()).toMatch(/CONN \d+ OK protocol=TLSv1\.3 chain=0/);
    } finally {
      await srv.stop();
    }
  });

  it("Node rejectUnauthorized, TLS 1.3, unknown issuer: closed after the handshake without an alert", async () => {
    const srv = await startNodeServer({ ...server(), ca: lab.cert("rootA"), requestCert: true, rejectUnauthorized: true, tls: "1.3" });
    try {
      const e = await probe({ host: "127.0.0.1", port: srv.port, credential: await credential("client-rootB"), checkRequired: false });
      expect(e.handshakeCompleted).toBe(true);
      expect(e.accepted).toBe(false);
      expect(["closed-after-handshake", "reset"]).toContain(e.conversation.outcome);
      expect(e.conversation.closedWithoutAlert).toBe(true);
      expect(e.clientCertificateSent?.[0]?.subject).toBe("CN=client-rootB, O=mtls-doctor lab");
    } finally {
      await srv.stop();
    }
  });
});
