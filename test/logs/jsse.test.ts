/**
 * readLog on real JSSE debug logs: a Java client (-Djavax.net.debug=ssl:handshake) against openssl s_server that
 * requires a client certificate, and a Java server against openssl s_client, in TLS 1.2 and 1.3.
 * Expectations come from the peers themselves: the CA names from `openssl x509 -subject -nameopt RFC2253`, the alert
 * from the exception the Java client printed, the server's alert from what s_client printed.
 */
import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLog } from "../../src/logs/index.js";
import { javaDnEquals, javaDnToOpenssl, javaDnToRfc2253 } from "../../src/logs/dn.js";
import type { LogEvidence, LoggedCertificate } from "../../src/evidence/model.js";
import { javaClientVsOpenssl, javaServerVsOpenssl, makeLab, stopAll, type JavaRun, type Lab } from "./lab.js";

let lab: Lab;
const runs = new Map<string, JavaRun & { ev: LogEvidence; sClient?: string }>();

/** The alert name in the Java client's "Received fatal alert: X". */
function javaAlert(result: string): string | undefined {
  return /Received fatal alert: (\w+)/.exec(result)?.[1];
}

beforeAll(async () => {
  lab = makeLab();
  const jobs: [string, () => Promise<JavaRun & { sClient?: string }>][] = [];
  for (const tls of ["1.2", "1.3"] as const) {
    jobs.push([`good-${tls}`, () => javaClientVsOpenssl(lab, `good-${tls}`, tls, "good.p12")]);
    jobs.push([`nokey-${tls}`, () => javaClientVsOpenssl(lab, `nokey-${tls}`, tls, "nokey.p12")]);
    jobs.push([`rootb-${tls}`, () => javaClientVsOpenssl(lab, `rootb-${tls}`, tls, "rootb.p12")]);
    jobs.push([`chain-${tls}`, () => javaClientVsOpenssl(lab, `chain-${tls}`, tls, "chain.p12")]);
  }
  jobs.push(["expired-1.3", () => javaClientVsOpenssl(lab, "expired-1.3", "1.3", "expired.p12")]);
  jobs.push(["ekusrv-1.2", () => javaClientVsOpenssl(lab, "ekusrv-1.2", "1.2", "ekusrv.p12")]);
  jobs.push(["twoca-1.2", () => javaClientVsOpenssl(lab, "twoca-1.2", "1.2", "rootb.p12", ["-CAfile", "twoca.pem"])]);
  jobs.push(["noca-1.3", () => javaClientVsOpenssl(lab, "noca-1.3", "1.3", "good.p12", ["-CAfile", "rootA.pem", "-no_ca_names"])]);
  jobs.push(["srv-rootb-1.2", () => javaServerVsOpenssl(lab, "srv-rootb-1.2", "1.2", ["-cert", "rootb.pem", "-key", "rootb.key"])]);
  jobs.push(["srv-nocert-1.3", () => javaServerVsOpenssl(lab, "srv-nocert-1.3", "1.3", [])]);
  // Two at a time: one JVM per scenario, the machine has two cores.
  const queue = [...jobs];
  const worker = async () => {
    for (let j = queue.shift(); j; j = queue.shift()) {
      const r = await j[1]();
      runs.set(j[0], { ...r, ev: await readLog(r.log) });
    }
  };
  await Promise.all([worker(), worker()]);
});
afterAll(async () => {
  await stopAll();
  if (lab) rmSync(lab.dir, { recursive: true, force: true });
});

const get = (k: string) => runs.get(k)!;

/** openssl's long EKU / keyUsage names (crypto/objects, v3_bitst) → the names the log reader gives. */
const OPENSSL_EKU: Record<string, string> = { "TLS Web Client Authentication": "clientAuth", "TLS Web Server Authentication": "serverAuth" };
const OPENSSL_KU: Record<string, string> = { "Digital Signature": "digitalSignature", "Certificate Sign": "keyCertSign", "CRL Sign": "cRLSign" };

/** What `openssl x509 -noout -subject -issuer -dates -serial -ext ...` prints for a lab cert, in the reader's units. */
function opensslFacts(name: string) {
  const out = lab.x509(name, "-subject", "-issuer", "-dates", "-serial", "-ext", "extendedKeyUsage,keyUsage,basicConstraints,subjectKeyIdentifier,authorityKeyIdentifier,subjectAltName");
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(out)?.[1]?.trim();
  const ext = (title: string) => new RegExp(`^X509v3 ${title}:.*\\n\\s+(.*)$`, "m").exec(out)?.[1]?.trim();
  const list = (v: string | undefined, map: Record<string, string>) => v?.split(", ").map((x) => map[x] ?? x);
  const bc = ext("Basic Constraints");
  return {
    subject: field("subject"),
    issuer: field("issuer"),
    notBefore: Date.parse(field("notBefore")!),
    notAfter: Date.parse(field("notAfter")!),
    serialHex: field("serial"),
    extendedKeyUsage: list(ext("Extended Key Usage"), OPENSSL_EKU),
    keyUsage: list(ext("Key Usage"), OPENSSL_KU),
    isCA: bc === undefined ? undefined : bc.startsWith("CA:TRUE"),
    subjectKeyIdentifier: ext("Subject Key Identifier"),
    authorityKeyIdentifier: ext("Authority Key Identifier")?.replace(/^keyid:/, ""),
    subjectAlternativeNames: ext("Subject Alternative Name")?.split(", ").map((x) => x.replace(/^IP Address:/, "IP:")),
  };
}

/** A logged certificate, field by field against openssl's view of the same PEM (DN order: Java most-specific first). */
function expectSameAsOpenssl(c: LoggedCertificate, name: string): void {
  const o = opensslFacts(name);
  expect(javaDnToOpenssl(c.subject)).toBe(o.subject);
  expect(javaDnToOpenssl(c.issuer)).toBe(o.issuer);
  expect(c.notBefore).toBe(o.notBefore);
  expect(c.notAfter).toBe(o.notAfter);
  expect(c.serialHex).toBe(o.serialHex);
  expect(c.extendedKeyUsage).toEqual(o.extendedKeyUsage);
  expect(c.keyUsage).toEqual(o.keyUsage);
  expect(c.isCA).toBe(o.isCA);
  expect(c.subjectKeyIdentifier).toBe(o.subjectKeyIdentifier);
  expect(c.authorityKeyIdentifier).toBe(o.authorityKeyIdentifier);
  expect(c.subjectAlternativeNames).toEqual(o.subjectAlternativeNames);
  expect(c.version).toBe(3);
  expect(c.signatureAlgorithm).toBe("SHA256withECDSA");
  expect(c.publicKey).toBe("EC");
}

describe("Java client against openssl s_server -Verify 1 -verify_return_error -CAfile rootA", () => {
  for (const tls of ["1.2", "1.3"] as const) {
    it(`good chain, TLS ${tls}: completed handshake, CA names as openssl prints them, one client certificate`, () => {
      const { ev, result } = get(`good-${tls}`);
      expect(result).toMatch(/^RESULT ok/);
      expect(ev.kind).toBe("jsse-debug");
      expect(ev.side).toBe("client");
      expect(ev.conversations).toHaveLength(1);
      const c = ev.conversations[0]!;
      expect(c.source).toBe("log");
      expect(c.tlsVersion).toBe(tls);
      expect(c.outcome).toBe("handshake-completed");
      expect(c.alert).toBeUndefined();
      expect(c.messages[0]!.type).toBe("ClientHello");
      expect(c.messages[0]!.direction).toBe("client→server");
      expect(c.messages.every((m) => m.raw.length === 0 && m.decrypted === false && typeof m.line === "number" && typeof m.time === "number")).toBe(true);
      const h = ev.handshakes[0]!;
      const cas = h.policy!.acceptableCAs;
      expect(cas.map((a) => javaDnToRfc2253(a.dn))).toEqual([lab.subject("rootA")]);
      expect(cas.every((a) => a.source === "log" && a.der.length === 0)).toBe(true);
      expect(cas[0]!.opensslDn).toBe("C = AU, O = mtls-doctor Lab, CN = Lab Root A");
      expect(h.policy!.signatureAlgorithms).toContain(0x0403);
      if (tls === "1.3") expect(h.policy!.certificateAuthoritiesState).toBe("present");
      expect(h.clientCertificates).toHaveLength(1);
      expect(h.clientCertificates![0]!.subject).toBe("CN=client-good, O=mtls-doctor Lab, C=AU");
      expect(h.clientCertificates![0]!.issuer).toBe("CN=Lab Root A, O=mtls-doctor Lab, C=AU");
      expect(h.serverCertificates![0]!.subject).toBe("CN=localhost");
      expect(ev.events.filter((e) => e.kind === "certificate-not-selected")).toEqual([]);
    });

    for (const sc of ["nokey", "rootb"] as const) {
      it(`${sc === "nokey" ? "keystore without a private-key entry" : "leaf from another root (CA mismatch)"}, TLS ${tls}: empty Certificate, selection failure, the alert Java printed`, () => {
        const { ev, result } = get(`${sc}-${tls}`);
        const printed = javaAlert(result);
        expect(printed).toBe(tls === "1.2" ? "handshake_failure" : "certificate_required");
        const c = ev.conversations[0]!;
        expect(c.outcome).toBe("alert");
        expect(c.alert!.sender).toBe("server");
        expect(c.alert!.alert.descriptionName).toBe(printed);
        expect(c.alert!.alert.description).toBe(tls === "1.2" ? 40 : 116);
        if (tls === "1.3") expect(c.alert!.afterClientFinished).toBe(true);
        const h = ev.handshakes[0]!;
        expect(h.clientCertificates).toEqual([]);
        const cert = c.messages.find((m) => m.type === "Certificate" && m.direction === "client→server")!;
        expect(cert.body).toMatchObject({ type: "Certificate", certificatesLength: 0, entries: [] });
        expect(cert.loggedCertificates).toEqual([]);
        expect(h.policy!.acceptableCAs.map((a) => javaDnToRfc2253(a.dn))).toEqual([lab.subject("rootA")]);
        const sel = ev.events.find((e) => e.kind === "certificate-not-selected")!;
        expect(sel.keyTypes).toContain("EC");
        expect(sel.conversation).toBe(0);
        if (tls === "1.2") expect(ev.events.some((e) => e.kind === "empty-certificate-sent")).toBe(true);
        const rx = ev.events.find((e) => e.kind === "alert-received")!;
        expect(rx.alert).toBe(printed);
        expect(rx.exception?.className).toBe("javax.net.ssl.SSLHandshakeException");
      });
    }
  }

  for (const tls of ["1.2", "1.3"] as const) {
    it(`leaf + intermediate keystore, TLS ${tls}: both certificates of the client's Certificate message, each field as openssl prints it`, () => {
      const { ev, result } = get(`chain-${tls}`);
      expect(result).toMatch(/^RESULT ok/);
      const c = ev.conversations[0]!;
      expect(c.outcome).toBe("handshake-completed");
      const h = ev.handshakes[0]!;
      expect(h.clientCertificates!.map((x) => x.subject)).toEqual([
        "CN=client-chain, O=mtls-doctor Lab, C=AU",
        "CN=Lab Intermediate A, O=mtls-doctor Lab, C=AU",
      ]);
      const sent = c.messages.find((m) => m.type === "Certificate" && m.direction === "client→server")!;
      expect(sent.loggedCertificates).toBe(h.clientCertificates);
      expect(c.messages.find((m) => m.type === "Certificate" && m.direction === "server→client")!.loggedCertificates).toBe(h.serverCertificates);
      expectSameAsOpenssl(h.clientCertificates![0]!, "chain");
      expectSameAsOpenssl(h.clientCertificates![1]!, "intA");
      expect(h.clientCertificates![1]!.pathLen).toBe(0);
      expect(h.clientCertificates![0]!.pathLen).toBeUndefined();
      expect(h.clientCertificates![0]!.extensions!.map((e) => [e.oid, e.critical])).toEqual([
        ["2.5.29.35", false], ["2.5.29.19", false], ["2.5.29.37", false], ["2.5.29.15", true], ["2.5.29.14", false],
      ]);
      // The leaf's AKI names the intermediate's SKI: the log alone shows the chain is linked.
      expect(h.clientCertificates![0]!.authorityKeyIdentifier).toBe(h.clientCertificates![1]!.subjectKeyIdentifier);
      // What a ca-mismatch rule reads: a sent certificate's issuer among the logged CA names (here the intermediate's).
      const cas = h.policy!.acceptableCAs.map((a) => a.dn);
      expect(h.clientCertificates!.map((x) => cas.some((ca) => javaDnEquals(x.issuer, ca)))).toEqual([false, true]);
      expect(h.serverCertificates).toHaveLength(1);
      expectSameAsOpenssl(h.serverCertificates![0]!, "server");
    });
  }

  it("expired leaf, TLS 1.3: certificate_expired, and the logged validity is openssl's (midnight printed as 24:00)", async () => {
    const { ev, result, log } = get("expired-1.3");
    expect(javaAlert(result)).toBe("certificate_expired");
    expect(readFileSync(log, "utf8")).toContain('"not  after"         : "2025-01-01 24:00:00.000 UTC"');
    const h = ev.handshakes[0]!;
    const leaf = h.clientCertificates![0]!;
    expect(leaf.subject).toBe("CN=client-expired, O=mtls-doctor Lab, C=AU");
    expect(leaf.notAfter).toBe(Date.UTC(2025, 0, 1));
    expect(leaf.notBefore).toBe(Date.UTC(2024, 0, 1));
    expect(leaf.serialNumber).toBe("00:9f:01");
    expectSameAsOpenssl(leaf, "expired");
    expect(h.clientCertificates).toHaveLength(2);
    const c = ev.conversations[0]!;
    expect(c.alert).toMatchObject({ sender: "server", afterClientFinished: true, alert: { description: 45 } });
    // The handshake's own time (what a rule compares notAfter with, not the wall clock) is after notAfter.
    expect(c.messages.find((m) => m.type === "Certificate" && m.direction === "client→server")!.time!).toBeGreaterThan(leaf.notAfter!);
  });

  it("serverAuth-only leaf, TLS 1.2: unsupported_certificate, and the logged EKU is openssl's", () => {
    const { ev, result } = get("ekusrv-1.2");
    expect(javaAlert(result)).toBe("unsupported_certificate");
    const leaf = ev.handshakes[0]!.clientCertificates![0]!;
    expect(leaf.extendedKeyUsage).toEqual(["serverAuth"]);
    expectSameAsOpenssl(leaf, "ekusrv");
    expect(ev.conversations[0]!.alert).toMatchObject({ sender: "server", alert: { description: 43, descriptionName: "unsupported_certificate" } });
  });

  it("TLS 1.2 CertificateRequest naming two CAs: the one-line list is split into both names, in order", () => {
    const { ev, result } = get("twoca-1.2");
    expect(result).toMatch(/^RESULT ok/);
    const h = ev.handshakes[0]!;
    expect(h.caNamesSplit).toBe("heuristic");
    expect(h.policy!.acceptableCAs.map((a) => javaDnToRfc2253(a.dn))).toEqual([lab.subject("rootA"), lab.subject("rootB")]);
    expect(h.clientCertificates![0]!.issuer).toBe("CN=Lab Root B, O=mtls-doctor Lab, C=AU");
  });

  it("TLS 1.3 -no_ca_names (empty certificate_authorities extension): Java aborts and sends decode_error", () => {
    const { ev, result } = get("noca-1.3");
    expect(result).toMatch(/Invalid certificate_authorities extension/);
    const e = ev.events.find((x) => x.kind === "invalid-certificate-authorities")!;
    expect(e.alert).toBe("decode_error");
    expect(e.alertDirection).toBe("sent");
    const c = ev.conversations[0]!;
    expect(c.alert).toMatchObject({ sender: "client", alert: { descriptionName: "decode_error", description: 50 } });
    expect(ev.handshakes[0]!.policy!.certificateAuthoritiesState).toBe("present-empty");
  });
});

describe("Java server (needClientAuth, trusts rootA) against openssl s_client", () => {
  it("TLS 1.2 client certificate from another root: PKIX path building failed, certificate_unknown sent", () => {
    const { ev, result, sClient } = get("srv-rootb-1.2");
    expect(result).toMatch(/PKIX path building failed/);
    expect(sClient).toMatch(/alert certificate unknown.*SSL alert number 46/);
    expect(ev.side).toBe("server");
    const c = ev.conversations[0]!;
    expect(c.messages[0]).toMatchObject({ type: "ClientHello", direction: "client→server" });
    expect(c.alert).toMatchObject({ sender: "server", alert: { descriptionName: "certificate_unknown", description: 46 } });
    const h = ev.handshakes[0]!;
    expect(h.clientCertificates!.map((x) => x.subject)).toEqual(["CN=client-rootB, O=mtls-doctor Lab, C=AU"]);
    expect(h.clientCertificates!.some((x) => h.policy!.acceptableCAs.some((a) => javaDnEquals(x.issuer, a.dn)))).toBe(false);
    expect(javaDnEquals("CN=Lab  root a, O=mtls-doctor Lab, C=AU", h.policy!.acceptableCAs[0]!.dn)).toBe(true);
    expect(javaDnEquals("O=mtls-doctor Lab, CN=Lab Root A, C=AU", h.policy!.acceptableCAs[0]!.dn)).toBe(false);
    expect(h.policy!.acceptableCAs.map((a) => javaDnToRfc2253(a.dn))).toEqual([lab.subject("rootA")]);
    const e = ev.events.find((x) => x.kind === "path-building-failed")!;
    expect(e).toMatchObject({ alert: "certificate_unknown", alertDirection: "sent", conversation: 0 });
    expect(e.exception!.causes[0]!.className).toBe("sun.security.provider.certpath.SunCertPathBuilderException");
  });

  it("TLS 1.3 no client certificate: Empty client certificate chain, bad_certificate sent", () => {
    const { ev, result } = get("srv-nocert-1.3");
    expect(result).toMatch(/Empty client certificate chain/);
    const c = ev.conversations[0]!;
    expect(c.tlsVersion).toBe("1.3");
    expect(c.alert).toMatchObject({ sender: "server", alert: { descriptionName: "bad_certificate", description: 42 } });
    expect(ev.handshakes[0]!.clientCertificates).toEqual([]);
    expect(ev.handshakes[0]!.policy!.required).toBe(true);
    expect(ev.events.find((x) => x.kind === "empty-client-chain")).toMatchObject({ alert: "bad_certificate", alertDirection: "sent" });
  });
});
