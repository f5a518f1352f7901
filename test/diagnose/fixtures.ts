/** Shared fixtures for diagnose tests: the lab PKI loaded through src/pki, and ServerPolicy builders. */
import { readFile } from "node:fs/promises";
import type { AcceptableCA, Conversation, ServerPolicy, StoreEvidence, TranscriptMessage } from "../../src/evidence/model.js";
import { parseCertificatePem } from "../../src/pki/certificate.js";
import { dnToString } from "../../src/pki/dn.js";
import { loadKeystore } from "../../src/pki/store.js";
import type { Certificate } from "../../src/pki/types.js";
import { run, type LabName, type LabPki } from "../helpers/labPki.js";

export const PASSWORD = "changeit-123";

export async function labCert(lab: LabPki, name: LabName): Promise<Certificate> {
  return parseCertificatePem(await readFile(lab.cert(name), "utf8"));
}

export function caOf(c: Certificate): AcceptableCA {
  return { dn: c.subject, opensslDn: dnToString(c.subjectDer, "openssl"), der: c.subjectDer };
}

/** A TLS 1.2-style OpenSSL CertificateRequest: ECDSA/RSA-PSS/RSA schemes, the given CA names. */
export function policy(cas: AcceptableCA[], extra: Partial<ServerPolicy> = {}): ServerPolicy {
  return {
    requested: true,
    required: true,
    acceptableCAs: cas,
    signatureAlgorithms: [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
    certificateTypes: [1, 64],
    ...extra,
  };
}

/**
 * A keystore with one private-key entry for `name`. chain: true (default) = leaf + intermediates (root left out),
 * false = leaf only, "full" = leaf + intermediates + root (what keytool builds from a certificate reply).
 */
export async function keystore(lab: LabPki, name: LabName, opts: { chain?: boolean | "full"; alias?: string } = {}): Promise<StoreEvidence> {
  if (opts.chain === "full") {
    const c = lab.certs[name];
    const file = `${lab.dir}/${name}-full-${opts.alias ?? "x"}.p12`;
    await run("openssl", ["pkcs12", "-export", "-in", c.fullChain, "-inkey", c.key, "-name", opts.alias ?? name, "-passout", `pass:${PASSWORD}`, "-out", file]);
    return { store: await loadKeystore(file, { password: PASSWORD }), role: "client-keystore" };
  }
  const file = await lab.toPkcs12(name, { password: PASSWORD, chain: opts.chain !== false, ...(opts.alias ? { alias: opts.alias } : {}), file: `${lab.dir}/${name}-${opts.chain === false ? "leaf" : "chain"}-${opts.alias ?? "x"}.p12` });
  return { store: await loadKeystore(file, { password: PASSWORD }), role: "client-keystore" };
}

export async function truststore(lab: LabPki, names: LabName[]): Promise<StoreEvidence> {
  const file = await lab.trustStore(names, "PEM", { file: `${lab.dir}/trust-${names.join("-")}.pem` });
  return { store: await loadKeystore(file), role: "server-truststore" };
}

/** A hand-built transcript: ClientHello, CertificateRequest, client Certificate (n certs), optional server alert. */
export function conversation(sent: Uint8Array[] | null, alert?: number, tlsVersion = "1.2"): Conversation {
  const base = { contentType: "handshake" as const, decrypted: false, encrypted: false, streamOffset: 0, endStreamOffset: 0, raw: new Uint8Array(0) };
  const messages: TranscriptMessage[] = [
    { ...base, index: 1, direction: "client→server", type: "ClientHello", body: null },
    { ...base, index: 2, direction: "server→client", type: "CertificateRequest", body: null },
  ];
  if (sent) {
    messages.push({
      ...base,
      index: 3,
      direction: "client→server",
      type: "Certificate",
      body: { type: "Certificate", msgType: 11, form: "tls12", certificatesLength: sent.reduce((n, d) => n + 3 + d.length, 0), entries: sent.map((d) => ({ certData: d, extensions: [] })) },
    });
  }
  const conv: Conversation = { source: "probe", client: { host: "127.0.0.1", port: 50000 }, server: { host: "127.0.0.1", port: 8443 }, tlsVersion, messages, gaps: [], visibility: "full", outcome: alert ? "alert" : "handshake-completed" };
  if (alert !== undefined) {
    const idx = messages.length + 1;
    messages.push({ ...base, contentType: "alert", index: idx, direction: "server→client", type: "Alert", body: { type: "Alert", level: 2, levelName: "fatal", description: alert, descriptionName: String(alert) } });
    conv.alert = { alert: { type: "Alert", level: 2, levelName: "fatal", description: alert, descriptionName: String(alert) }, sender: "server", messageIndex: idx };
  }
  return conv;
}
