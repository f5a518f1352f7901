/**
 * Findings about the client's own credential, judged from the keystore (or --cert/--key) alone:
 * no private-key entry (playbook cause 1), key/certificate mismatch, chain order, validity, key usages.
 * RFC 5280 §4.1.2.5 (validity), §4.2.1.3 (keyUsage), §4.2.1.12 (extendedKeyUsage); RFC 8446 §4.4.2 (chain order).
 */
import { compareNames } from "../../pki/dn.js";
import type { Certificate, StoreEntry } from "../../pki/types.js";
import { keyMatchesLeaf } from "../clients/passthrough.js";
import type { Finding } from "../types.js";
import { entryName, entryRole, type Rule, type RuleContext, fixStack } from "./context.js";
import { certRef, clientConfigHint, remediation, text } from "./refs.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

function keystoreName(ctx: RuleContext): string {
  return ctx.evidence.stores.find((s) => s.role === "client-keystore")?.store.file ?? "the keystore";
}

export const noClientCertificate: Rule = {
  ids: ["no-client-certificate"],
  run(ctx) {
    if (!ctx.hasKeystore || ctx.keyEntries.length > 0) return [];
    const file = keystoreName(ctx);
    const trusted = ctx.evidence.stores.filter((s) => s.role === "client-keystore").flatMap((s) => s.store.entries.filter((e) => e.kind === "trusted-cert"));
    return [
      {
        id: "no-client-certificate",
        severity: "error",
        title: ctx.alias
          ? `The keystore ${file} has no private-key entry named "${ctx.alias}", so the client has no certificate to send`
          : `The keystore ${file} holds no private-key entry, so the client has no certificate to send`,
        evidence: [
          text(`${file}: ${trusted.length} trusted-certificate entr${trusted.length === 1 ? "y" : "ies"}, 0 private-key entries${ctx.alias ? ` named "${ctx.alias}"` : ""}`),
          ...trusted.slice(0, 5).map((e) => certRef(e.chain[0]!, "keystore", 0, e.alias, ctx.now)),
        ],
        remediation: remediation(
          "Import the client certificate together with its private key and intermediate chain into the keystore the client uses.",
          "client",
          [
            `openssl pkcs12 -export -inkey client.key -in client.pem -certfile intermediates.pem -name client -out client.p12`,
            `keytool -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -destkeystore ${file} -deststoretype PKCS12`,
            `Then ${clientConfigHint(fixStack(ctx))}.`,
          ],
          fixStack(ctx),
        ),
        reference: "Playbook cause 1: No Client Certificate (docs/playbook.md); RFC 8446 §4.4.2.4 / RFC 5246 §7.4.6",
      },
    ];
  },
};

export const keyMismatch: Rule = {
  ids: ["key-mismatch"],
  run(ctx) {
    return ctx.examined
      .filter((e) => keyMatchesLeaf(e) === false)
      .map((e) => ({
        id: "key-mismatch" as const,
        severity: "error" as const,
        title: `The private key of "${e.alias}" does not belong to its certificate "${e.chain[0]!.subject}"`,
        evidence: [certRef(e.chain[0]!, "keystore", 0, e.alias, ctx.now), text("The public key derived from the private key differs from the certificate's SubjectPublicKeyInfo, so the CertificateVerify signature cannot verify (OpenSSL server: 51 decrypt_error; Java server: 40 handshake_failure).")],
        remediation: remediation(
          "Pair the certificate with the private key it was issued for (the key of the CSR), and rebuild the keystore entry.",
          "client",
          [
            "Compare: openssl x509 -in client.pem -noout -pubkey | openssl sha256  vs  openssl pkey -in client.key -pubout | openssl sha256",
            "openssl pkcs12 -export -inkey <matching key> -in client.pem -certfile intermediates.pem -name client -out client.p12",
            `Then ${clientConfigHint(fixStack(ctx))}.`,
          ],
          fixStack(ctx),
        ),
        reference: "RFC 8446 §4.4.3 (CertificateVerify) / RFC 5246 §7.4.8",
      }));
  },
};

/** Index i where chain[i] is not issued by chain[i+1], or -1. */
function outOfOrderAt(chain: Certificate[]): number {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (compareNames(chain[i]!.issuerDer, chain[i + 1]!.subjectDer) === "different") return i;
  }
  return -1;
}

export const chainOutOfOrder: Rule = {
  ids: ["chain-out-of-order"],
  run(ctx) {
    const out: Finding[] = [];
    for (const e of ctx.examined) {
      const i = outOfOrderAt(e.chain);
      if (i < 0) continue;
      out.push({
        id: "chain-out-of-order",
        severity: "error",
        title: `${ctx.sent?.entry === e ? "The chain the client sent" : `The chain of "${e.alias}"`} is not in leaf → issuer order: certificate #${i} is not issued by certificate #${i + 1}`,
        evidence: [certRef(e.chain[i]!, "keystore", i, e.alias, ctx.now), certRef(e.chain[i + 1]!, "keystore", i + 1, e.alias, ctx.now)],
        remediation: remediation(
          "Rebuild the entry with the chain in order: the client certificate first, then each certificate's issuer.",
          "client",
          ["cat client.pem intermediate.pem > chain.pem  (leaf first, then its issuer, and so on)", "openssl pkcs12 -export -inkey client.key -in chain.pem -name client -out client.p12", `Then ${clientConfigHint(fixStack(ctx))}.`],
          fixStack(ctx),
        ),
        reference: "RFC 5246 §7.4.2 (each following certificate MUST directly certify the one preceding it); RFC 8446 §4.4.2",
      });
    }
    return out;
  },
};

function validity(ctx: RuleContext, e: StoreEntry, i: number): "expired" | "not-yet-valid" | undefined {
  const c = e.chain[i]!;
  if (ctx.now > c.notAfter) return "expired";
  if (ctx.now < c.notBefore) return "not-yet-valid";
  return undefined;
}

/** "at the time of the handshake (2026-…Z)" when the judgement is about a past handshake (a capture, a log), else "". */
function atWhen(ctx: RuleContext): string {
  return ctx.today !== undefined && ctx.today !== ctx.now ? ` at the time of the handshake (${iso(ctx.now)})` : "";
}

/** Today's state of a certificate invalid at `ctx.now`, when the handshake is in the past (a capture, a log). */
function todayNote(ctx: RuleContext, c: Certificate): string | undefined {
  const today = ctx.today;
  if (today === undefined || today === ctx.now) return undefined;
  const still = today > c.notAfter ? "still expired today" : today < c.notBefore ? "still not valid yet today" : "valid today (it was not at the time of the handshake)";
  return `As of ${iso(today)} it is ${still}.`;
}

export const validityRule: Rule = {
  ids: ["client-cert-expired", "client-cert-not-yet-valid", "intermediate-expired"],
  run(ctx) {
    const out: Finding[] = [];
    for (const e of ctx.examined) {
      const role = entryRole(ctx, e);
      e.chain.forEach((c, i) => {
        const v = validity(ctx, e, i);
        if (!v) return;
        const renew = remediation(
          i === 0 ? "Get the client certificate re-issued (same CA), then replace it in the client's credential." : "Replace the intermediate in the client's chain with the CA's current (re-issued) one.",
          "client",
          [
            i === 0
              ? "openssl req -new -key client.key -subj \"<same subject>\" -out client.csr, and have the CA sign it"
              : "Download the current intermediate from the CA and rebuild chain.pem (leaf first)",
            "openssl pkcs12 -export -inkey client.key -in chain.pem -name client -out client.p12",
            `Then ${clientConfigHint(fixStack(ctx))}.`,
          ],
          fixStack(ctx),
        );
        const note = todayNote(ctx, c);
        const sentWord = role === "client-chain" ? " the client sent" : "";
        if (i === 0) {
          out.push({
            id: v === "expired" ? "client-cert-expired" : "client-cert-not-yet-valid",
            severity: "error",
            title:
              v === "expired"
                ? `The client certificate${sentWord} "${c.subject}" expired on ${iso(c.notAfter)}${atWhen(ctx) ? `, before the handshake (${iso(ctx.now)})` : ""}`
                : `The client certificate${sentWord} "${c.subject}" is not valid before ${iso(c.notBefore)}${atWhen(ctx) ? `, after the handshake (${iso(ctx.now)})` : ""}`,
            evidence: [
              certRef(c, role, 0, role === "keystore" || ctx.sent?.fromKeystore ? e.alias : undefined, ctx.now),
              { kind: "field", field: v === "expired" ? "notAfter" : "notBefore", value: iso(v === "expired" ? c.notAfter : c.notBefore) },
              { kind: "field", field: atWhen(ctx) ? "handshake time" : "now", value: iso(ctx.now) },
              ...(note ? [text(note)] : []),
            ],
            remediation: v === "expired" ? renew : remediation("Check the clock of the client and server hosts; if they are right, use a certificate that is valid now.", "either", ["date -u on both hosts; fix NTP", ...renew.steps], ctx.clientStack),
            reference: "RFC 5280 §4.1.2.5 (validity); OpenSSL server alert 45 (expired) / 42 (not yet valid), Java server 46",
          });
        } else if (v === "expired") {
          out.push({
            id: "intermediate-expired",
            severity: "error",
            title: `Intermediate certificate #${i} "${c.subject}" in ${entryName(ctx, e)} expired on ${iso(c.notAfter)}${atWhen(ctx) ? `, before the handshake (${iso(ctx.now)})` : ""}`,
            evidence: [certRef(c, role, i, e.alias, ctx.now), { kind: "field", field: "notAfter", value: iso(c.notAfter) }, ...(note ? [text(note)] : [])],
            remediation: renew,
            reference: "RFC 5280 §6.1.3 (a)(2): every certificate of the path must be valid at the time of validation",
          });
        }
      });
    }
    return out;
  },
};

const CLIENT_AUTH = ["clientAuth", "1.3.6.1.5.5.7.3.2", "anyExtendedKeyUsage", "2.5.29.37.0"];

export const keyUsageRule: Rule = {
  ids: ["eku-missing-client-auth", "key-usage-missing-digital-signature"],
  run(ctx) {
    const out: Finding[] = [];
    for (const e of ctx.examined) {
      const leaf = e.chain[0]!;
      const info = leaf.info(ctx.now);
      const reissue = (what: string) =>
        remediation(`Have the CA re-issue the client certificate with ${what}.`, "client", [
          `OpenSSL CA extension section: ${what === "extendedKeyUsage clientAuth" ? "extendedKeyUsage = clientAuth" : "keyUsage = critical, digitalSignature"}`,
          "Replace the keystore entry with the re-issued certificate (same key is fine).",
          `Then ${clientConfigHint(fixStack(ctx))}.`,
        ], fixStack(ctx));
      if (info.extendedKeyUsage && !info.extendedKeyUsage.some((x) => CLIENT_AUTH.includes(x))) {
        out.push({
          id: "eku-missing-client-auth",
          severity: "error",
          title: `The client certificate${ctx.sent?.entry === e ? " the client sent" : ""} "${leaf.subject}" may not be used for TLS client authentication: its extendedKeyUsage is ${info.extendedKeyUsage.join(", ")}`,
          evidence: [certRef(leaf, entryRole(ctx, e), 0, e.alias === "(sent)" ? undefined : e.alias, ctx.now), { kind: "field", field: "extendedKeyUsage", value: info.extendedKeyUsage.join(", ") }],
          remediation: reissue("extendedKeyUsage clientAuth"),
          reference: "RFC 5280 §4.2.1.12 (id-kp-clientAuth); OpenSSL server alert 43 (verify error 26), Java server 46",
        });
      }
      if (info.keyUsage && !info.keyUsage.includes("digitalSignature")) {
        out.push({
          id: "key-usage-missing-digital-signature",
          severity: "error",
          title: `The client certificate "${leaf.subject}" has a keyUsage without digitalSignature (${info.keyUsage.join(", ")}), so it cannot sign the CertificateVerify`,
          evidence: [certRef(leaf, entryRole(ctx, e), 0, e.alias === "(sent)" ? undefined : e.alias, ctx.now), { kind: "field", field: "keyUsage", value: info.keyUsage.join(", ") }],
          remediation: reissue("keyUsage digitalSignature"),
          reference: "RFC 5280 §4.2.1.3; RFC 8446 §4.4.2.2 (the certificate MUST allow the key to be used for signing)",
        });
      }
    }
    return out;
  },
};

export const STORE_RULES: Rule[] = [noClientCertificate, keyMismatch, chainOutOfOrder, validityRule, keyUsageRule];
