/**
 * JSON Schemas (draft 2020-12) of the report documents, one per report kind. This module is the source; the published
 * files `schemas/<kind>.schema.json` are written from it by `node scripts/gen-schemas.mjs` (after a build), and
 * test/report/schema.test.ts fails when the files and this module drift apart.
 *
 * Every schema pins `schemaVersion` with `const` and forbids unknown properties, so a document that validates is
 * exactly what {@link buildReportView} makes.
 */
import { FINDING_IDS } from "../diagnose/types.js";
import { REPORT_KINDS, REPORT_SCHEMA_VERSION, type ReportKind } from "./view.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

/** `$id` of a published schema: a URN naming the kind and the schemaVersion (files live in `schemas/`). */
export function schemaId(kind: ReportKind): string {
  return `urn:mtls-doctor:report:${kind}:${REPORT_SCHEMA_VERSION}`;
}

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const nonNegInt: Schema = { type: "integer", minimum: 0 };
const posInt: Schema = { type: "integer", minimum: 1 };
const bool: Schema = { type: "boolean" };
const ms: Schema = { type: "integer", description: "ms since epoch" };
/** Capture timestamps keep sub-millisecond precision (pcap µs/ns). */
const msFrac: Schema = { type: "number", description: "ms since epoch (fractional for capture timestamps)" };
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });
const enumOf = (...values: string[]): Schema => ({ enum: values });

function obj(required: Record<string, Schema>, optional: Record<string, Schema> = {}, description?: string): Schema {
  return {
    type: "object",
    ...(description ? { description } : {}),
    properties: { ...required, ...optional },
    required: Object.keys(required),
    additionalProperties: false,
  };
}

const DIRECTION = enumOf("client→server", "server→client");

const defs: Record<string, Schema> = {
  endpoint: obj({ host: str, port: { type: "integer", minimum: 0, maximum: 65535 } }),
  target: obj({ host: str, port: { type: "integer", minimum: 0, maximum: 65535 } }, { sni: str }),
  tool: obj({ name: { const: "mtls-doctor" }, version: str }),
  counts: obj({ error: nonNegInt, warning: nonNegInt, info: nonNegInt }),
  certInfo: obj(
    {
      basicConstraints: str,
      expiryDate: ms,
      isValid: enumOf("Yes", "No"),
      issuer: str,
      publicKey: str,
      serialNumber: str,
      sigAlgName: str,
      subject: str,
      subjectAlternativeNames: arr(str),
      validFrom: ms,
      version: { type: "integer", minimum: 1, maximum: 3 },
      sha256Fingerprint: str,
    },
    { keyUsage: arr(str), extendedKeyUsage: arr(str), subjectKeyIdentifier: str, authorityKeyIdentifier: str },
    "The Apigee-style certInfo record (DNs most specific RDN first, like keytool).",
  ),
  evidence: {
    description: "A typed pointer to a piece of evidence, plus a one-line label for people.",
    oneOf: [
      obj(
        {
          kind: { const: "certificate" },
          role: enumOf("client-chain", "server-chain", "truststore", "keystore"),
          index: nonNegInt,
          subject: str,
          issuer: str,
          label: str,
        },
        { alias: str, sha256Fingerprint: str },
      ),
      obj(
        { kind: { const: "dn" }, role: enumOf("acceptable-ca", "leaf-issuer", "chain-issuer", "looked-for"), dn: str, label: str },
        { derHex: { type: "string", pattern: "^([0-9a-f]{2})*$" } },
      ),
      obj({ kind: { const: "message" }, index: posInt, type: str, label: str }, { frame: posInt, detail: str }),
      obj({ kind: { const: "field" }, field: str, value: { type: ["string", "number", "boolean"] }, label: str }, { frame: posInt }),
      obj(
        { kind: { const: "alert" }, description: { type: "integer", minimum: 0, maximum: 255 }, name: str, sender: enumOf("client", "server"), label: str },
        { messageIndex: posInt },
      ),
      obj({ kind: { const: "text" }, text: str, label: str }),
    ],
  },
  remediation: obj(
    { summary: str, side: enumOf("client", "server", "either"), steps: arr(str) },
    { stack: enumOf("java", "go", "dotnet", "openssl", "node", "curl", "server-openssl", "server-nginx", "server-java", "server-node") },
  ),
  finding: obj(
    {
      id: { enum: [...FINDING_IDS], description: "Stable finding id: one per condition, never changes with wording." },
      key: { type: "string", pattern: "^[a-z0-9-]+$", description: "Unique within the report: the id, or id-2, id-3 … for repeats." },
      severity: enumOf("error", "warning", "info"),
      title: str,
      evidence: arr(ref("evidence")),
      remediation: ref("remediation"),
      reference: str,
    },
    { referenceUrl: { type: "string", format: "uri" } },
  ),
  message: obj(
    {
      index: posInt,
      direction: DIRECTION,
      contentType: str,
      type: str,
      decrypted: bool,
      encrypted: bool,
      length: nonNegInt,
      isAlert: bool,
      failing: bool,
      findings: arr(str),
    },
    { frame: posInt, time: msFrac, detail: str },
  ),
  alert: obj(
    {
      level: int,
      levelName: str,
      description: { type: "integer", minimum: 0, maximum: 255 },
      descriptionName: str,
      sender: enumOf("client", "server"),
      messageIndex: posInt,
    },
    { afterMessageIndex: posInt, afterClientFinished: bool },
  ),
  gap: obj({ direction: DIRECTION, bytes: nonNegInt, atOffset: nonNegInt }),
  conversation: obj(
    {
      number: posInt,
      source: enumOf("probe", "capture", "log"),
      client: ref("endpoint"),
      server: ref("endpoint"),
      visibility: enumOf("full", "encrypted-after-server-hello", "partial"),
      outcome: enumOf("handshake-completed", "alert", "closed-during-handshake", "closed-after-handshake", "reset", "incomplete", "unknown"),
      messages: arr(ref("message")),
      gaps: arr(ref("gap")),
      closedWithoutAlert: bool,
      decryptedCount: nonNegInt,
    },
    { sni: str, tlsVersion: str, cipher: str, alert: ref("alert") },
  ),
  code: obj({ code: nonNegInt, name: str }),
  policy: obj(
    {
      requested: bool,
      required: { oneOf: [bool, { const: "unknown" }] },
      acceptableCAs: arr(obj({ index: nonNegInt, dn: str, opensslDn: str, derHex: { type: "string", pattern: "^([0-9a-f]{2})*$" } })),
      signatureAlgorithms: arr(ref("code")),
    },
    {
      certificateAuthoritiesState: enumOf("absent", "present", "present-empty"),
      signatureAlgorithmsCert: arr(ref("code")),
      certificateTypes: arr(nonNegInt),
    },
  ),
  dnMatch: obj({ caIndex: nonNegInt, how: enumOf("byte-equal", "normalised-equal") }),
  chainPanel: obj(
    {
      source: enumOf("keystore", "sent", "none"),
      chain: arr(
        obj({
          index: nonNegInt,
          role: enumOf("leaf", "intermediate", "root"),
          subject: str,
          issuer: str,
          issuedByNext: { oneOf: [{ type: "null" }, enumOf("byte-equal", "normalised-equal")] },
          issuerMatches: arr(ref("dnMatch")),
          subjectMatches: arr(ref("dnMatch")),
        }),
      ),
      requested: bool,
      anyCA: bool,
      acceptableCAs: arr(obj({ index: nonNegInt, dn: str, opensslDn: str, matchedByIssuerOf: arr(nonNegInt) })),
      lookedFor: arr(
        obj({ dn: str, role: enumOf("looked-for", "leaf-issuer"), finding: { enum: [...FINDING_IDS] }, foundAt: { oneOf: [{ type: "null" }, nonNegInt] } }),
      ),
      verdict: enumOf("match", "no-match", "any", "not-requested", "no-chain"),
    },
    { alias: str, storeFile: str },
  ),
  checkResult: obj({ ok: bool, reason: str }),
  entryChecks: obj({
    chainOrdered: ref("checkResult"),
    signaturesValid: ref("checkResult"),
    keyMatchesLeaf: ref("checkResult"),
    expired: arr(nonNegInt),
    notYetValid: arr(nonNegInt),
    clientAuthAllowed: ref("checkResult"),
    digitalSignatureAllowed: ref("checkResult"),
  }),
  store: obj(
    {
      file: str,
      format: str,
      entries: arr(
        obj(
          { alias: str, kind: enumOf("private-key", "trusted-cert"), hasPrivateKey: bool, chain: arr(ref("certInfo")) },
          { checks: ref("entryChecks") },
        ),
      ),
    },
    { role: enumOf("client-keystore", "server-truststore", "client-truststore"), formatDetail: str, alias: str },
  ),
  probe: obj(
    {
      target: ref("endpoint"),
      handshakeCompleted: bool,
      serverCertificates: arr(ref("certInfo")),
      clientCertificateSent: { oneOf: [{ type: "null" }, arr(ref("certInfo"))] },
    },
    {
      servername: str,
      accepted: bool,
      clientError: str,
      withoutCertificate: obj({ handshakeCompleted: bool, accepted: bool }, { clientError: str }),
    },
  ),
};

const TITLES: Record<ReportKind, string> = {
  diagnose: "mtls-doctor diagnose report",
  probe: "mtls-doctor probe report",
  analyze: "mtls-doctor analyze report",
  inspect: "mtls-doctor inspect report",
};

/** The JSON Schema (draft 2020-12) of one report kind. A fresh object each call. */
export function reportSchema(kind: ReportKind): Schema {
  const common: Record<string, Schema> = {
    schemaVersion: { const: REPORT_SCHEMA_VERSION, description: "Version of this document shape." },
    kind: { const: kind },
    tool: ref("tool"),
    title: str,
    headline: str,
    counts: ref("counts"),
    findings: arr(ref("finding")),
    conversations: arr(ref("conversation")),
    stores: arr(ref("store")),
  };
  const optional: Record<string, Schema> = {
    generatedAt: ms,
    verdict: enumOf("healthy", "problem", "inconclusive"),
    target: ref("target"),
    sourceFile: str,
    policy: ref("policy"),
    chainPanel: ref("chainPanel"),
    probe: ref("probe"),
  };
  const required = { ...common };
  if (kind === "diagnose") required.verdict = optional.verdict!;
  if (kind === "probe") {
    required.target = optional.target!;
    required.probe = optional.probe!;
    required.policy = optional.policy!;
  }
  if (kind === "analyze" || kind === "inspect") required.sourceFile = optional.sourceFile!;
  if (kind === "inspect") {
    delete optional.verdict;
    delete optional.target;
    delete optional.policy;
    delete optional.chainPanel;
    delete optional.probe;
  }
  for (const k of Object.keys(required)) delete optional[k];
  const root = obj(required, optional);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: schemaId(kind),
    title: TITLES[kind],
    description: `The JSON document of \`mtls-doctor ${kind} --format json\` (schemaVersion ${REPORT_SCHEMA_VERSION}).`,
    ...root,
    $defs: JSON.parse(JSON.stringify(defs)) as Json,
  };
}

/** All schemas, keyed by kind. */
export function allReportSchemas(): Record<ReportKind, Schema> {
  return Object.fromEntries(REPORT_KINDS.map((k) => [k, reportSchema(k)])) as Record<ReportKind, Schema>;
}
