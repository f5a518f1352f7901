/**
 * Hand-written report fixtures shaped exactly like the shared types (src/evidence/model.ts, src/diagnose/types.ts,
 * src/pki/types.ts). Certificates are real DER from the in-process demo PKI, so DN matching runs on real Names.
 */
import * as pkijs from "pkijs";
import { makeDemoPki, type DemoPki, type IssuedCert } from "../../src/demo/pki.js";
import { dnToString } from "../../src/pki/dn.js";
import type { Diagnosis, Finding } from "../../src/diagnose/types.js";
import type { AcceptableCA, Conversation, Evidence, ServerPolicy, TranscriptMessage } from "../../src/evidence/model.js";
import type { CertInfo, Certificate, LoadedStore } from "../../src/pki/types.js";
import type { Direction } from "../../src/wire/types.js";

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

let pkiP: Promise<DemoPki> | undefined;
export function pki(): Promise<DemoPki> {
  pkiP ??= makeDemoPki(NOW);
  return pkiP;
}

function names(der: Uint8Array) {
  const c = pkijs.Certificate.fromBER(der);
  return {
    subjectDer: new Uint8Array(c.subject.valueBeforeDecode),
    issuerDer: new Uint8Array(c.issuer.valueBeforeDecode),
  };
}

/** A `Certificate` (src/pki/types.ts) over a demo certificate. */
export function certificate(ic: IssuedCert): Certificate {
  const { subjectDer, issuerDer } = names(ic.der);
  const subject = dnToString(subjectDer, "java");
  const issuer = dnToString(issuerDer, "java");
  const notBefore = ic.cert.notBefore.getTime();
  const notAfter = ic.cert.notAfter.getTime();
  return {
    der: ic.der,
    subjectDer,
    issuerDer,
    subject,
    issuer,
    notBefore,
    notAfter,
    isCA: false,
    keyAlgorithm: "EC",
    keySize: 256,
    namedCurve: "P-256",
    sigAlgName: "SHA256withECDSA",
    sigAlgOid: "1.2.840.10045.4.3.2",
    spki: new Uint8Array(ic.cert.publicKey.rawData),
    selfIssued: subject === issuer,
    info(now: number): CertInfo {
      return {
        basicConstraints: "CA:FALSE",
        expiryDate: notAfter,
        isValid: now >= notBefore && now <= notAfter ? "Yes" : "No",
        issuer,
        publicKey: "EC Public Key, 256 bits",
        serialNumber: ic.cert.serialNumber.match(/../g)!.join(":").toLowerCase(),
        sigAlgName: "SHA256withECDSA",
        subject,
        subjectAlternativeNames: [],
        validFrom: notBefore,
        version: 3,
        sha256Fingerprint: "AA:BB",
      };
    },
  };
}

export function acceptableCA(ic: IssuedCert): AcceptableCA {
  const { subjectDer } = names(ic.der);
  return { dn: dnToString(subjectDer, "java"), opensslDn: dnToString(subjectDer, "openssl"), der: subjectDer };
}

const C2S: Direction = "client→server";
const S2C: Direction = "server→client";

function msg(index: number, direction: Direction, type: string, body: TranscriptMessage["body"], extra: Partial<TranscriptMessage> = {}): TranscriptMessage {
  const contentType = type === "Alert" ? "alert" : type === "ChangeCipherSpec" ? "change_cipher_spec" : type === "ApplicationData" ? "application_data" : "handshake";
  return {
    index,
    frame: index * 2 + 2,
    direction,
    contentType,
    type,
    decrypted: false,
    encrypted: false,
    streamOffset: 0,
    endStreamOffset: 0,
    raw: new Uint8Array(type === "Alert" ? 2 : 40 + index),
    body,
    ...extra,
  };
}

const bytes = (n: number) => new Uint8Array(n);

/**
 * The playbook's failure in TLS 1.2: the server (OpenSSL, -Verify 1 -CAfile rootA) names Root A; the client's
 * keystore chain is from Root B, so a Java client sends an empty Certificate and the server answers handshake_failure(40).
 */
export async function caMismatchTls12(): Promise<{ evidence: Evidence; diagnosis: Diagnosis; conversation: Conversation; policy: ServerPolicy; store: LoadedStore }> {
  const p = await pki();
  const ca = acceptableCA(p.root);
  const policy: ServerPolicy = {
    requested: true,
    required: true,
    acceptableCAs: [ca, acceptableCA(p.serverCa)],
    signatureAlgorithms: [0x0403, 0x0804, 0x0401, 0xfe00],
    certificateTypes: [1, 64],
  };
  const conversation: Conversation = {
    source: "probe",
    client: { host: "127.0.0.1", port: 50412 },
    server: { host: "127.0.0.1", port: 8443 },
    sni: "localhost",
    tlsVersion: "1.2",
    cipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    visibility: "full",
    outcome: "alert",
    gaps: [],
    messages: [
      msg(1, C2S, "ClientHello", { type: "ClientHello", msgType: 1, legacyVersion: 0x0303, random: bytes(32), sessionId: bytes(0), cipherSuites: [0xc02b, 0xc02f], compressionMethods: [0], extensions: [], serverName: "localhost", supportedVersions: [0x0303] }),
      msg(2, S2C, "ServerHello", { type: "ServerHello", msgType: 2, legacyVersion: 0x0303, random: bytes(32), sessionId: bytes(32), cipherSuite: 0xc02b, compressionMethod: 0, extensions: [] }),
      msg(3, S2C, "Certificate", { type: "Certificate", msgType: 11, form: "tls12", certificatesLength: p.server.der.length + 3, entries: [{ certData: p.server.der, extensions: [] }] }),
      msg(4, S2C, "ServerKeyExchange", { type: "ServerKeyExchange", msgType: 12, body: bytes(100) }),
      msg(5, S2C, "CertificateRequest", { type: "CertificateRequest", msgType: 13, form: "tls12", certificateTypes: [1, 64], signatureAlgorithms: policy.signatureAlgorithms, certificateAuthorities: policy.acceptableCAs.map((c) => c.der), certificateAuthoritiesState: "present" }),
      msg(6, S2C, "ServerHelloDone", { type: "ServerHelloDone", msgType: 14, body: bytes(0) }),
      msg(7, C2S, "Certificate", { type: "Certificate", msgType: 11, form: "tls12", certificatesLength: 0, entries: [] }),
      msg(8, C2S, "ClientKeyExchange", { type: "ClientKeyExchange", msgType: 16, body: bytes(66) }),
      msg(9, C2S, "ChangeCipherSpec", { type: "ChangeCipherSpec" }),
      msg(10, C2S, "EncryptedHandshake", null, { encrypted: true }),
      msg(11, S2C, "Alert", { type: "Alert", level: 2, levelName: "fatal", description: 40, descriptionName: "handshake_failure" }),
    ],
    alert: {
      alert: { type: "Alert", level: 2, levelName: "fatal", description: 40, descriptionName: "handshake_failure" },
      sender: "server",
      messageIndex: 11,
      afterMessageIndex: 10,
    },
  };
  const leaf = certificate(p.clientOtherRoot);
  const store: LoadedStore = {
    file: "/secure/client-<b>.p12",
    format: "pkcs12",
    formatDetail: "PKCS#12 (AES-256-CBC, PBKDF2)",
    entries: [{ alias: "client", kind: "private-key", chain: [leaf, certificate(p.otherRoot)] }],
  };
  const findings: Finding[] = [
    {
      id: "ca-mismatch",
      severity: "error",
      title: "The client certificate's issuer is not among the CAs the server accepts",
      evidence: [
        { kind: "dn", role: "looked-for", dn: leaf.issuer, derHex: Buffer.from(leaf.issuerDer).toString("hex") },
        { kind: "dn", role: "acceptable-ca", dn: ca.dn, derHex: Buffer.from(ca.der).toString("hex") },
        { kind: "message", index: 7, frame: 16, type: "Certificate", detail: "certificates_length 0" },
        { kind: "field", field: "tls.handshake.certificates_length", value: 0, frame: 16 },
        { kind: "alert", description: 40, name: "handshake_failure", sender: "server", messageIndex: 11 },
        { kind: "text", text: "Java's key manager only offers a chain whose issuer is in certificate_authorities <all>" },
      ],
      remediation: {
        summary: "Add the client chain's root CA to the server's truststore, or use a client certificate from a CA the server names",
        side: "either",
        steps: ["openssl s_server ... -CAfile bundle-with-rootB.pem", "keytool -importcert -alias rootB -file rootB.pem -keystore truststore.jks"],
        stack: "java",
      },
      reference: "RFC 5246 §7.4.4; playbook: Certificate Authority Mismatch",
    },
    {
      id: "server-alert",
      severity: "info",
      title: "The server sent fatal handshake_failure(40)",
      evidence: [{ kind: "alert", description: 40, name: "handshake_failure", sender: "server", messageIndex: 11 }],
      remediation: { summary: "See the finding above", side: "server", steps: [] },
      reference: "RFC 8446 §6.2",
    },
  ];
  const evidence: Evidence = {
    now: NOW,
    stores: [{ store, role: "client-keystore", alias: "client" }],
    conversations: [conversation],
    policy,
    clientStack: "java",
    serverStack: "openssl",
  };
  return { evidence, diagnosis: { verdict: "problem", findings }, conversation, policy, store };
}

/** TLS 1.3 read with a key log: the client sends a chain from Root B; the server answers unknown_ca(48) after the client's Finished. */
export async function tls13Decrypted(): Promise<Conversation> {
  const p = await pki();
  const ca = acceptableCA(p.root);
  const dec = { decrypted: true } as const;
  return {
    source: "capture",
    client: { host: "127.0.0.1", port: 40001 },
    server: { host: "127.0.0.1", port: 9443 },
    tlsVersion: "1.3",
    cipher: "TLS_AES_128_GCM_SHA256",
    visibility: "full",
    outcome: "alert",
    gaps: [],
    messages: [
      msg(1, C2S, "ClientHello", { type: "ClientHello", msgType: 1, legacyVersion: 0x0303, random: bytes(32), sessionId: bytes(32), cipherSuites: [0x1301], compressionMethods: [0], extensions: [], supportedVersions: [0x0304, 0x0303] }),
      msg(2, S2C, "ServerHello", { type: "ServerHello", msgType: 2, legacyVersion: 0x0303, random: bytes(32), sessionId: bytes(32), cipherSuite: 0x1301, compressionMethod: 0, extensions: [], selectedVersion: 0x0304 }),
      msg(3, S2C, "ChangeCipherSpec", { type: "ChangeCipherSpec" }),
      msg(4, S2C, "EncryptedExtensions", { type: "EncryptedExtensions", msgType: 8, extensions: [] }, dec),
      msg(5, S2C, "CertificateRequest", { type: "CertificateRequest", msgType: 13, form: "tls13", signatureAlgorithms: [0x0403], certificateAuthorities: [ca.der], certificateAuthoritiesState: "present", requestContext: bytes(0) }, dec),
      msg(6, S2C, "Certificate", { type: "Certificate", msgType: 11, form: "tls13", requestContext: bytes(0), certificatesLength: p.server.der.length + 5, entries: [{ certData: p.server.der, extensions: [] }] }, dec),
      msg(7, S2C, "CertificateVerify", { type: "CertificateVerify", msgType: 15, signatureScheme: 0x0403, signature: bytes(72) }, dec),
      msg(8, S2C, "Finished", { type: "Finished", msgType: 20, verifyData: bytes(32) }, dec),
      msg(9, C2S, "ChangeCipherSpec", { type: "ChangeCipherSpec" }),
      msg(10, C2S, "Certificate", { type: "Certificate", msgType: 11, form: "tls13", requestContext: bytes(0), certificatesLength: p.clientOtherRoot.der.length + 5, entries: [{ certData: p.clientOtherRoot.der, extensions: [] }] }, dec),
      msg(11, C2S, "CertificateVerify", { type: "CertificateVerify", msgType: 15, signatureScheme: 0x0403, signature: bytes(72) }, dec),
      msg(12, C2S, "Finished", { type: "Finished", msgType: 20, verifyData: bytes(32) }, dec),
      msg(13, S2C, "Alert", { type: "Alert", level: 2, levelName: "fatal", description: 48, descriptionName: "unknown_ca" }, dec),
    ],
    alert: {
      alert: { type: "Alert", level: 2, levelName: "fatal", description: 48, descriptionName: "unknown_ca" },
      sender: "server",
      messageIndex: 13,
      afterMessageIndex: 12,
      afterClientFinished: true,
    },
  };
}

/** A server that closes the TCP connection without an alert right after the client's Certificate. */
export async function closedWithoutAlert(): Promise<Conversation> {
  const c = await tls13Decrypted();
  const messages = c.messages.slice(0, 12);
  const { alert: _a, ...rest } = c;
  return { ...rest, messages, outcome: "closed-during-handshake", closedWithoutAlert: true };
}
