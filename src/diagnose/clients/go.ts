/**
 * Go `crypto/tls` client certificate selection, from the Go sources (src/crypto/tls):
 * - handshake_client.go / handshake_client_tls13.go `getClientCertificate`: without GetClientCertificate, the first
 *   `Config.Certificates` chain for which `CertificateRequestInfo.SupportsCertificate` returns nil is sent; none ⇒ an
 *   empty Certificate message, no error.
 * - common.go `SupportsCertificate`: `selectSignatureScheme(version, c, cri.SignatureSchemes)` must succeed (the key
 *   must fit a scheme the server offered; TLS 1.3 ECDSA schemes are tied to a curve), then, when AcceptableCAs is
 *   non-empty, `bytes.Equal(cert.RawIssuer, ca)` for some certificate of the chain — DER bytes, no normalisation.
 * - handshake_client.go `certificateRequestInfoFromMsg` (TLS 1.2): schemes are first narrowed by certificate_types
 *   (RSA schemes need rsa_sign(1); ECDSA and Ed25519 need ecdsa_sign(64)).
 * - handshake_messages.go `certificateRequestMsgTLS13.unmarshal`: a certificate_authorities extension with an empty
 *   list (RFC 8446 §4.2.4 forbids it; OpenSSL 3.0 `-no_ca_names` sends one) fails to parse, so conn.go
 *   `readHandshake` sends alert unexpected_message and the handshake ends with "local error: tls: unexpected message"
 *   before any Certificate (verified against the real Go 1.19 client in test/diagnose/real-clients.test.ts).
 * Go supports no DSA, Ed448 or RSASSA-PSS (id-RSASSA-PSS) keys.
 */
import type { ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import { keyEntries, matchIssuers, q, SCHEMES, usableScheme } from "./common.js";
import type { AliasReason, ClientSelection, SelectionContext } from "./types.js";

const GO_KEYS = new Set(["RSA", "EC", "Ed25519"]);

/** The schemes Go's client considers (TLS 1.2 narrowing by certificate_types included). */
export function goSchemes(policy: ServerPolicy, tlsVersion: string): number[] {
  if (tlsVersion === "1.3" || !policy.certificateTypes) return policy.signatureAlgorithms;
  const rsa = policy.certificateTypes.includes(1);
  const ec = policy.certificateTypes.includes(64);
  return policy.signatureAlgorithms.filter((c) => {
    const s = SCHEMES.get(c);
    if (!s) return false;
    if (s.javaKeyAlgorithm === "RSA" || s.javaKeyAlgorithm === "RSASSA-PSS") return rsa;
    if (s.javaKeyAlgorithm === "EC" || s.javaKeyAlgorithm === "EdDSA") return ec;
    return false;
  });
}

/** Models Go's client: first configured chain that `SupportsCertificate`, else an empty Certificate. */
export function selectGo(stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext): ClientSelection {
  const base = { stack: "go" as const, model: "Go crypto/tls client (Config.Certificates)" };
  const entries = keyEntries(stores, ctx.alias);
  const reasons: AliasReason[] = [];
  if (!policy.requested) return { ...base, sentChain: [], empty: false, reasons, summary: "The server did not request a certificate; Go sends none." };
  if (ctx.tlsVersion === "1.3" && policy.certificateAuthoritiesState === "present-empty") {
    for (const entry of entries) reasons.push({ alias: entry.alias, accepted: false, why: "not considered: Go rejects the CertificateRequest itself (empty certificate_authorities extension)" });
    return {
      ...base,
      sentChain: [],
      empty: true,
      reasons,
      summary:
        'The CertificateRequest carries an empty certificate_authorities extension (invalid, RFC 8446 §4.2.4): Go cannot parse it, sends alert unexpected_message and fails with "local error: tls: unexpected message" before sending any Certificate.',
    };
  }
  const schemes = goSchemes(policy, ctx.tlsVersion);
  for (const entry of entries) {
    const leaf = entry.chain[0]!;
    if (!GO_KEYS.has(leaf.keyAlgorithm)) {
      reasons.push({ alias: entry.alias, accepted: false, why: `Go cannot sign with a ${leaf.keyAlgorithm} key` });
      continue;
    }
    const scheme = usableScheme(leaf, schemes, ctx.tlsVersion);
    if (!scheme) {
      reasons.push({ alias: entry.alias, accepted: false, why: `no signature scheme the server offered fits its ${leaf.keyAlgorithm}${leaf.namedCurve ? ` ${leaf.namedCurve}` : ""} key ("tls: client certificate private key ... not supported by peer")` });
      continue;
    }
    if (policy.acceptableCAs.length > 0) {
      const m = matchIssuers(entry.chain, policy.acceptableCAs, "bytes");
      if (!m.matched) {
        const near = m.nearMisses[0];
        reasons.push({
          alias: entry.alias,
          accepted: false,
          why: near
            ? `issuer "${near.issuer}" equals acceptable CA "${near.acceptableCA}" only after normalisation; Go compares the DER bytes, so "chain is not signed by an acceptable CA"`
            : `"chain is not signed by an acceptable CA": no RawIssuer of its chain is byte-equal to one of the ${policy.acceptableCAs.length} CA names`,
          compared: near ? m.nearMisses : m.all,
        });
        continue;
      }
      reasons.push({ alias: entry.alias, accepted: true, why: `signs with ${scheme.name}; RawIssuer of chain[${m.matches[0]!.chainIndex}] is byte-equal to "${m.matches[0]!.acceptableCA}"`, compared: m.matches });
    } else {
      reasons.push({ alias: entry.alias, accepted: true, why: `signs with ${scheme.name}; the server named no CA` });
    }
    return { ...base, chosen: { alias: entry.alias, chain: entry.chain }, sentChain: entry.chain, empty: false, reasons, summary: `Go sends ${q(entry.alias)} (${entry.chain.length} certificate(s)).` };
  }
  return {
    ...base,
    sentChain: [],
    empty: true,
    reasons,
    summary: entries.length ? "No configured chain passes SupportsCertificate, so Go sends an empty Certificate message (no client-side error)." : "No certificate is configured, so Go sends an empty Certificate message.",
  };
}
