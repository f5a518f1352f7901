/**
 * JSON output of `mtls-doctor diagnose --json`: `{ verdict, findings, evidence }`. DER bytes are hex strings; no
 * private key or password ever appears (stores are summarised by file, format and aliases).
 */
import type { DiagnosisDetail } from "../../diagnose/engine.js";
import type { Evidence } from "../../evidence/model.js";
import { SIGNATURE_SCHEMES, nameOf } from "../../wire/tables.js";
import { transcriptLines } from "../text/probe.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Builds the JSON document (a plain object, ready for JSON.stringify). */
export function diagnoseToJson(d: DiagnosisDetail, e: Evidence): unknown {
  const conv = d.conversation ?? e.probe?.conversation ?? e.conversations[0];
  const policy = e.probe?.policy ?? e.policy;
  return {
    verdict: d.verdict,
    findings: d.findings,
    evidence: {
      now: new Date(e.now).toISOString(),
      clientStack: d.clientStack,
      stores: e.stores.map((s) => ({
        role: s.role,
        file: s.store.file,
        format: s.store.format,
        entries: s.store.entries.map((x) => ({ alias: x.alias, kind: x.kind, chain: x.chain.map((c) => ({ subject: c.subject, issuer: c.issuer, notBefore: new Date(c.notBefore).toISOString(), notAfter: new Date(c.notAfter).toISOString() })) })),
      })),
      ...(policy
        ? {
            policy: {
              requested: policy.requested,
              required: policy.required,
              acceptableCAs: policy.acceptableCAs.map((a) => ({ dn: a.dn, opensslDn: a.opensslDn, derHex: hex(a.der) })),
              signatureAlgorithms: policy.signatureAlgorithms.map((c) => nameOf(SIGNATURE_SCHEMES, c)),
              ...(policy.certificateAuthoritiesState ? { certificateAuthoritiesState: policy.certificateAuthoritiesState } : {}),
            },
          }
        : {}),
      ...(d.selection
        ? {
            clientModel: {
              model: d.selection.model,
              chosenAlias: d.selection.chosen?.alias ?? null,
              sentChain: d.selection.sentChain.map((c) => c.subject),
              empty: d.selection.empty,
              summary: d.selection.summary,
              reasons: d.selection.reasons.map((r) => ({ alias: r.alias, accepted: r.accepted, why: r.why, ...(r.rank ? { rank: r.rank } : {}), ...(r.compared ? { compared: r.compared.slice(0, 8) } : {}) })),
            },
          }
        : {}),
      ...(conv
        ? {
            handshake: {
              server: `${conv.server.host}:${conv.server.port}`,
              tlsVersion: conv.tlsVersion ?? null,
              outcome: conv.outcome,
              alert: conv.alert ? { sender: conv.alert.sender, description: conv.alert.alert.description, name: conv.alert.alert.descriptionName } : null,
              messages: transcriptLines(conv),
            },
          }
        : {}),
      ...(e.logs?.length ? { logs: e.logs.map((l) => ({ file: l.file, kind: l.kind, side: l.side, lines: l.lines, handshakes: l.conversations.length, events: l.events.length })) } : {}),
      ...(e.probe ? { clientCertificateSent: e.probe.clientCertificateSent, clientError: e.probe.clientError ?? null } : {}),
    },
  };
}
