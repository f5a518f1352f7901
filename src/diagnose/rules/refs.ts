/** Small builders for typed evidence references and stack-aware remediation steps shared by the rules. */
import type { AcceptableCA, ClientStack, Conversation, ServerStack, TranscriptMessage } from "../../evidence/model.js";
import type { Certificate } from "../../pki/types.js";
import type { ClientHello } from "../../wire/types.js";
import type { EvidenceRef, Remediation } from "../types.js";

/** A certificate of a store (or of what was sent). */
export function certRef(c: Certificate, role: "client-chain" | "truststore" | "keystore", index: number, alias?: string, now = 0): EvidenceRef {
  let fp: string | undefined;
  try {
    fp = c.info(now).sha256Fingerprint;
  } catch {
    fp = undefined;
  }
  return { kind: "certificate", role, ...(alias ? { alias } : {}), index, subject: c.subject, issuer: c.issuer, ...(fp ? { sha256Fingerprint: fp } : {}) };
}

/** An acceptable CA name; one from a log has no DER (`derHex` absent) and is marked "(from a log)". */
export function caRef(ca: AcceptableCA): EvidenceRef {
  // No derHex: renderers mark such a name "(from a log)" (outside the quoted DN).
  if (ca.source === "log" || ca.der.length === 0) return { kind: "dn", role: "acceptable-ca", dn: ca.dn };
  return { kind: "dn", role: "acceptable-ca", dn: ca.dn, derHex: Buffer.from(ca.der).toString("hex") };
}

export function dnRef(role: "leaf-issuer" | "chain-issuer" | "looked-for", c: Certificate): EvidenceRef {
  return { kind: "dn", role, dn: c.issuer, derHex: Buffer.from(c.issuerDer).toString("hex") };
}

export function msgRef(m: TranscriptMessage | undefined, detail?: string): EvidenceRef[] {
  if (!m) return [];
  return [{ kind: "message", index: m.index, ...(m.frame !== undefined ? { frame: m.frame } : {}), type: m.type, ...(detail ? { detail } : {}) }];
}

export function text(t: string): EvidenceRef {
  return { kind: "text", text: t };
}

/**
 * How the client's keystore/credential is configured, per stack (for remediation steps); `undefined` (nothing says
 * which client it is): stack-neutral wording naming the common ways.
 */
export function clientConfigHint(stack: ClientStack | undefined): string {
  switch (stack) {
    case undefined:
      return "configure the client with the fixed chain (client certificate first, then the intermediates) and its key, the way that client takes them (a PEM file pair, a PKCS#12/JKS keystore, ...)";
    case "java":
      return "point javax.net.ssl.keyStore / javax.net.ssl.keyStorePassword / javax.net.ssl.keyStoreType (or the application's KeyStore + KeyAlias setting) at the fixed keystore and restart the JVM";
    case "go":
      return "load the fixed chain with tls.LoadX509KeyPair(certFile, keyFile) into tls.Config.Certificates";
    case "dotnet":
      return "load the fixed PFX into HttpClientHandler.ClientCertificates (X509Certificate2 with its private key)";
    case "openssl":
      return "pass the fixed files with -cert/-key (and -cert_chain for intermediates), or SSL_CTX_use_certificate_chain_file";
    case "node":
      return "pass the fixed PEM as tls.connect({ cert: leaf + intermediates, key })";
    case "curl":
      return "pass the fixed files with curl --cert leaf-plus-chain.pem --key key.pem";
  }
}

/** Steps that add a CA to a server's client-certificate trust, per server stack (unknown: all of them). */
export function serverTrustSteps(stack: ServerStack, caFile: string): string[] {
  const all: Record<Exclude<ServerStack, "unknown">, string> = {
    openssl: `nginx: append ${caFile} to the file named by ssl_client_certificate (or ssl_trusted_certificate to trust it without advertising it), then nginx -s reload; openssl s_server: -CAfile/-verifyCAfile ${caFile}`,
    java: `Java server: keytool -importcert -trustcacerts -alias client-ca -file ${caFile} -keystore <server truststore>, the store named by javax.net.ssl.trustStore, then restart`,
    node: `Node server: add the PEM of ${caFile} to the ca option of tls.createServer / https.createServer`,
  };
  return stack === "unknown" ? Object.values(all) : [all[stack]];
}

export function remediation(summary: string, side: Remediation["side"], steps: string[], stack?: Remediation["stack"]): Remediation {
  return { summary, side, steps, ...(stack ? { stack } : {}) };
}

/** The Remediation.stack tag for a server stack. */
export function serverTag(stack: ServerStack): Remediation["stack"] | undefined {
  return stack === "unknown" ? undefined : stack === "openssl" ? "server-openssl" : stack === "java" ? "server-java" : "server-node";
}

/** "1 certificate" / "2 certificates". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Whether a TLS 1.3 handshake stayed encrypted after ServerHello (no key log, or none for this connection): its
 * CertificateRequest, Certificate and Finished messages are then unread, so "the server did not ask" cannot be told
 * from "it asked, encrypted" (RFC 8446 §4.3.2: the CertificateRequest is sent under handshake traffic keys).
 */
export function handshakeUnread(conv: Conversation | undefined): boolean {
  return !!conv && conv.tlsVersion === "1.3" && conv.messages.some((m) => m.type === "EncryptedHandshake" && !m.decrypted);
}

/**
 * What to do about an unread TLS 1.3 handshake, as a clause: "pass --keylog" when no key log was given, else
 * "the key log given has no secrets for this connection (client random 0123456789abcdef...)" (the first 8 bytes of
 * ClientHello.random in hex, the key a key log line is looked up by).
 */
export function unreadRemedy(conv: Conversation, keyLogGiven: boolean | undefined): string {
  if (!keyLogGiven) return "pass --keylog";
  const hello = conv.messages.find((m) => m.body?.type === "ClientHello")?.body as ClientHello | undefined;
  const random = hello ? ` (client random ${Buffer.from(hello.random.subarray(0, 8)).toString("hex")}...)` : "";
  return `the key log given has no secrets for this connection${random}`;
}
