/**
 * JSON Schemas (draft 2020-12) of the JSON documents the commands print with `--format json` / `--json`:
 * `inspect`, `probe`, `analyze`, `diagnose`. Each schema describes exactly that command's document (the shapes in
 * `src/report/documents.ts`, built from `src/report/json/*.ts` and `analyzeResultToJson`), pins `schemaVersion` with
 * `const`, and closes every object whose shape is fixed (`additionalProperties: false`).
 *
 * This module is the source; the published files `schemas/<kind>.schema.json` are written from it by
 * `node scripts/gen-schemas.mjs` (after a build), and test/report/schema.test.ts fails when they drift apart.
 */
import { FINDING_IDS } from "../diagnose/types.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: Json };

/** Version of the JSON document shapes. Bumped on any incompatible change; every schema pins it with `const`. */
export const JSON_SCHEMA_VERSION = "1.0" as const;

/** The commands that print a JSON document, one schema each (`schemas/<kind>.schema.json`). */
export const JSON_DOCUMENT_KINDS = ["diagnose", "probe", "analyze", "inspect"] as const;
/** One of {@link JSON_DOCUMENT_KINDS}: the command whose JSON document a schema describes. */
export type JsonDocumentKind = (typeof JSON_DOCUMENT_KINDS)[number];

/** `$id` of a published schema (and the `$schema` value of a document): `urn:mtls-doctor:report:<kind>:<version>`. */
export function schemaId(kind: JsonDocumentKind): string {
  return `urn:mtls-doctor:report:${kind}:${JSON_SCHEMA_VERSION}`;
}

/** The kind named by a document's `$schema` value, or undefined when it is not one of ours. */
export function kindOfSchemaId(id: unknown): JsonDocumentKind | undefined {
  return JSON_DOCUMENT_KINDS.find((k) => schemaId(k) === id);
}

const str: Schema = { type: "string" };
const nullable = (s: Schema): Schema => ({ oneOf: [{ type: "null" }, s] });
const nonNegInt: Schema = { type: "integer", minimum: 0 };
const posInt: Schema = { type: "integer", minimum: 1 };
const port: Schema = { type: "integer", minimum: 0, maximum: 65535 };
const u8: Schema = { type: "integer", minimum: 0, maximum: 255 };
const u16: Schema = { type: "integer", minimum: 0, maximum: 65535 };
const bool: Schema = { type: "boolean" };
const ms: Schema = { type: "integer", description: "ms since epoch" };
/** Capture timestamps keep sub-millisecond precision (pcap µs/ns). */
const msFrac: Schema = { type: "number", description: "ms since epoch (fractional for capture timestamps)" };
const isoTime: Schema = { type: "string", format: "date-time", description: "ISO 8601 UTC time" };
const hexStr: Schema = { type: "string", pattern: "^([0-9a-f]{2})*$", description: "DER as lowercase hex" };
const b64Str: Schema = { type: "string", pattern: "^[A-Za-z0-9+/]*={0,2}$", description: "DER as base64" };
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });
const enumOf = (...values: string[]): Schema => ({ enum: values });

/** A closed object: `required` keys must be there, `optional` may be, nothing else. */
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
const SENDER = enumOf("client", "server");
const OUTCOME = enumOf("handshake-completed", "alert", "closed-during-handshake", "closed-after-handshake", "reset", "incomplete", "unknown");
const VISIBILITY = enumOf("full", "encrypted-after-server-hello", "partial");
const CLIENT_STACK = enumOf("java", "go", "dotnet", "openssl", "node", "curl");
const STORE_FORMAT = enumOf("pem", "der", "pkcs12", "jks");
const ENTRY_KIND = enumOf("private-key", "trusted-cert");
const CA_STATE = enumOf("absent", "present", "present-empty");
const REQUIRED = { oneOf: [bool, { const: "unknown" }], description: "true / false, or \"unknown\" when not tested" };
const VERDICT = enumOf("healthy", "problem", "inconclusive");
const ALERT_LEVEL = { type: "string", description: "\"warning\", \"fatal\", or unknown(N)" };

/** Definitions shared by the schemas; each schema carries only the ones it uses. */
const DEFS: Record<string, Schema> = {
  endpoint: obj({ host: str, port }),
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
  checkResult: obj({ ok: bool, reason: str }),
  entryChecks: obj({
    chainOrdered: ref("checkResult"),
    signaturesValid: ref("checkResult"),
    keyMatchesLeaf: ref("checkResult"),
    expired: arr(nonNegInt, { description: "indexes (0 = leaf) of certificates expired at the time of the check" }),
    notYetValid: arr(nonNegInt),
    clientAuthAllowed: ref("checkResult"),
    digitalSignatureAllowed: ref("checkResult"),
    chainComplete: {
      ...obj({ ok: bool, reason: str }, { severity: enumOf("warning") }),
      description: "ends at a self-signed certificate (or at a CA whose root is left out); ok false with severity \"warning\" for a lone certificate whose issuer is absent",
    },
  }),
  evidence: {
    description: "A typed pointer to a piece of evidence (src/diagnose/types.ts EvidenceRef).",
    oneOf: [
      obj(
        { kind: { const: "certificate" }, role: enumOf("client-chain", "server-chain", "truststore", "keystore"), index: nonNegInt, subject: str, issuer: str },
        { alias: str, sha256Fingerprint: str },
      ),
      obj({ kind: { const: "dn" }, role: enumOf("acceptable-ca", "leaf-issuer", "chain-issuer", "looked-for"), dn: str }, { derHex: hexStr }),
      obj({ kind: { const: "message" }, index: posInt, type: str }, { frame: posInt, detail: str }),
      obj({ kind: { const: "field" }, field: str, value: { type: ["string", "number", "boolean"] } }, { frame: posInt }),
      obj({ kind: { const: "alert" }, description: u8, name: str, sender: SENDER }, { messageIndex: posInt }),
      obj({ kind: { const: "text" }, text: str }),
    ],
  },
  remediation: obj(
    { summary: str, side: enumOf("client", "server", "either"), steps: arr(str) },
    { stack: enumOf("java", "go", "dotnet", "openssl", "node", "curl", "server-openssl", "server-nginx", "server-java", "server-node") },
  ),
  finding: obj({
    id: { enum: [...FINDING_IDS], description: "Stable finding id: one per condition, never changes with wording." },
    severity: enumOf("error", "warning", "info"),
    title: str,
    evidence: arr(ref("evidence")),
    remediation: ref("remediation"),
    reference: str,
  }),
  namedCode: obj({ code: u16, name: str }),
  probeAlert: obj(
    { level: ALERT_LEVEL, code: u8, name: str, sender: SENDER, messageIndex: posInt },
    { afterMessageIndex: posInt, afterMessage: str, afterClientFinished: bool },
  ),
  probeTranscriptMessage: obj(
    { index: posInt, direction: DIRECTION, contentType: str, type: str, decrypted: bool, encrypted: bool, length: nonNegInt, detail: str },
    { time: msFrac },
  ),
  analyzeMessage: obj(
    { index: posInt, direction: DIRECTION, type: str, encrypted: bool, decrypted: bool },
    {
      frame: posInt,
      time: msFrac,
      certificatesLength: { ...nonNegInt, description: "certificate_list length in bytes (0 = empty Certificate)" },
      certificates: nonNegInt,
      alert: obj({ level: ALERT_LEVEL, description: u8, name: str }),
    },
  ),
  gap: obj({ direction: DIRECTION, bytes: nonNegInt, atOffset: nonNegInt }),
  analyzeLogHandshake: obj(
    {
      number: posInt,
      side: enumOf("client", "server"),
      firstLine: posInt,
      lastLine: posInt,
      messages: arr(obj({ index: posInt, direction: DIRECTION, type: str }, { line: posInt })),
      acceptableCAs: { ...nullable(arr(str)), description: "CA names of the logged CertificateRequest as the log printed them; null when none was logged" },
      clientCertificates: { ...nullable(nonNegInt), description: "certificates in the client's logged Certificate message (0 = empty); null when none was logged" },
      alert: nullable(obj({ sender: SENDER, level: ALERT_LEVEL, description: u8, name: str })),
      outcome: OUTCOME,
      verdict: VERDICT,
      findings: arr(ref("finding")),
    },
    {
      tlsVersion: str,
      cipher: str,
      sni: str,
      caNamesSplit: {
        enum: ["exact", "heuristic", "matched", "ambiguous"],
        description:
          "how the logged CA names were split (present when the log printed them): exact (one per line, or one name), heuristic (one line cut where a new name starts), matched (one line cut where it reproduces certificate DNs the log shows), ambiguous (one line that could not be cut with certainty: kept as logged)",
      },
    },
  ),
  analyzeConversation: obj(
    {
      client: ref("endpoint"),
      server: ref("endpoint"),
      firstFrame: posInt,
      messages: arr(ref("analyzeMessage")),
      acceptableCAs: nullable(arr(obj({ dn: str, opensslDn: str, derHex: hexStr }))),
      clientCertificateLength: nullable(nonNegInt),
      alert: nullable(obj({ sender: SENDER, level: ALERT_LEVEL, description: u8, name: str }, { frame: posInt })),
      outcome: OUTCOME,
      visibility: VISIBILITY,
      notes: arr(str),
      gaps: arr(ref("gap")),
      findings: arr(ref("finding")),
    },
    {
      sni: str,
      tlsVersion: str,
      cipher: str,
      encryptedAlert: obj(
        { sender: SENDER, messageIndex: posInt, length: nonNegInt },
        { frame: posInt },
        "TLS 1.3 without the keys: the last record was encrypted and the size of an alert (19 bytes): most likely an alert, unreadable without the key log",
      ),
      encryptedCloseNotify: arr(obj({ sender: SENDER, messageIndex: posInt, length: nonNegInt }, { frame: posInt }), {
        description:
          "TLS 1.3 without the keys: encrypted records the size of an alert that are most likely close_notify (after tickets or application data, or answering the peer's), in conversation order; absent when none",
      }),
      handshakeCompletedInferred: {
        type: "boolean",
        description:
          "TLS 1.3 without the keys: true when `outcome` says the handshake completed by inference (tickets, application data or a close_notify exchange after the client's flight), not from the Finished messages; absent otherwise. A key log would confirm it",
      },
    },
  ),
};

/** The defs reachable from `root` (so each published file carries only what it uses). */
function usedDefs(root: Json): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const walk = (x: Json): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === "object") {
      for (const [k, v] of Object.entries(x)) {
        if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) {
          const name = v.slice("#/$defs/".length);
          if (!out[name]) {
            out[name] = DEFS[name]!;
            walk(DEFS[name]!);
          }
        } else walk(v);
      }
    }
  };
  walk(root);
  return Object.fromEntries(Object.keys(DEFS).filter((k) => out[k]).map((k) => [k, out[k]!]));
}

/** The document-specific properties, after `schemaVersion` and `$schema`: [required, optional, description]. */
function body(kind: JsonDocumentKind): [Record<string, Schema>, Record<string, Schema>, string] {
  switch (kind) {
    case "inspect":
      return [
        {
          file: str,
          format: STORE_FORMAT,
          entries: arr(
            obj(
              { alias: str, kind: ENTRY_KIND, certName: str, certInfo: arr(ref("certInfo")), checks: ref("entryChecks") },
              { keyNotRecovered: { type: "string", description: "the private key could not be decrypted (wrong key password); the chain is listed without it" } },
            ),
          ),
        },
        {},
        "`mtls-doctor inspect --json`: every alias of the store with its chain as certInfo records and the entry checks.",
      ];
    case "probe": {
      const run = {
        handshakeCompleted: bool,
        accepted: bool,
        outcome: OUTCOME,
        alert: nullable(ref("probeAlert")),
        transcript: arr(ref("probeTranscriptMessage")),
      };
      return [
        {
          target: { type: "string", description: "host:port ([v6]:port)" },
          servername: nullable(str),
          tlsVersion: nullable(str),
          cipher: nullable(str),
          clientCertificateRequested: bool,
          clientCertificateRequired: REQUIRED,
          certificateAuthoritiesState: nullable(CA_STATE),
          acceptableCAs: arr(obj({ dn: str, opensslDn: str, der: b64Str })),
          signatureAlgorithms: arr(ref("namedCode")),
          serverCertificates: arr(ref("certInfo")),
          clientCertificateSent: { ...nullable(arr(ref("certInfo"))), description: "null = no Certificate message; [] = empty" },
          alert: nullable(ref("probeAlert")),
          handshakeCompleted: bool,
          accepted: nullable(bool),
          outcome: OUTCOME,
          visibility: VISIBILITY,
          clientError: nullable(str),
          withoutCertificate: { ...nullable(obj(run)), description: "the extra run without a client certificate, when one was made" },
          transcript: arr(ref("probeTranscriptMessage")),
        },
        { signatureAlgorithmsCert: arr(ref("namedCode")), certificateTypes: arr(u8) },
        "`mtls-doctor probe --json`: what a live server asks of a client certificate, and how the handshake ended.",
      ];
    }
    case "analyze":
      // Two shapes (see ANALYZE_VARIANTS): a capture (format, packets, truncated, conversations; `source` absent or
      // "capture") or a log (source "log", log, handshakes, unattributed).
      return [
        { file: str, warnings: arr(str) },
        {
          source: { enum: ["capture", "log"], description: "what the file was; absent in documents of a capture made before logs were read" },
          format: enumOf("pcap", "pcapng"),
          packets: nonNegInt,
          truncated: bool,
          conversations: arr(ref("analyzeConversation"), { description: "failed handshakes first, then by first frame" }),
          log: obj({ kind: enumOf("jsse-debug", "gateway", "mixed"), side: enumOf("client", "server", "unknown"), lines: nonNegInt, events: nonNegInt }),
          handshakes: arr(ref("analyzeLogHandshake"), { description: "one per handshake the log showed, in log order" }),
          unattributed: {
            ...nullable(obj({ verdict: VERDICT, findings: arr(ref("finding")) })),
            description: "when the log showed no handshake (a gateway log): the diagnosis of its TLS lines as a whole",
          },
        },
        "`mtls-doctor analyze --json`: the TLS conversations of a capture (or the handshakes of a Java debug / gateway log), per conversation what was sent and why it failed.",
      ];
    case "diagnose": {
      const chainCert = obj({ subject: str, issuer: str, notBefore: isoTime, notAfter: isoTime });
      return [
        {
          verdict: enumOf("healthy", "problem", "inconclusive"),
          findings: arr(ref("finding"), { description: "errors first, then warnings, then info" }),
          evidence: obj(
            {
              now: isoTime,
              clientStack: CLIENT_STACK,
              stores: arr(
                obj({
                  role: enumOf("client-keystore", "server-truststore", "client-truststore"),
                  file: str,
                  format: STORE_FORMAT,
                  entries: arr(obj({ alias: str, kind: ENTRY_KIND, chain: arr(chainCert) })),
                }),
              ),
            },
            {
              policy: obj(
                {
                  requested: bool,
                  required: REQUIRED,
                  acceptableCAs: arr(obj({ dn: str, opensslDn: str, derHex: hexStr })),
                  signatureAlgorithms: arr(str),
                },
                { certificateAuthoritiesState: CA_STATE },
              ),
              clientModel: obj({
                model: str,
                chosenAlias: nullable(str),
                sentChain: arr(str, { description: "subjects of the certificates the client would send, leaf first" }),
                empty: bool,
                summary: str,
                reasons: arr(
                  obj(
                    { alias: str, accepted: bool, why: str },
                    {
                      rank: enumOf("EXACT", "EXPIRED", "EXTENSION_MISMATCH"),
                      compared: arr(
                        obj(
                          { chainIndex: nonNegInt, issuer: str, acceptableCA: str, result: enumOf("byte-equal", "normalised-equal", "different") },
                          { byName: bool },
                        ),
                        { maxItems: 8 },
                      ),
                    },
                  ),
                ),
              }),
              handshake: obj({
                server: { type: "string", description: "host:port" },
                tlsVersion: nullable(str),
                outcome: OUTCOME,
                alert: nullable(obj({ sender: SENDER, description: u8, name: str })),
                messages: arr(str, { description: "the transcript, one line per message, as the text report prints it" }),
              }),
              logs: arr(
                obj({
                  file: str,
                  kind: enumOf("jsse-debug", "gateway", "mixed"),
                  side: enumOf("client", "server", "unknown"),
                  lines: nonNegInt,
                  handshakes: nonNegInt,
                  events: nonNegInt,
                }),
                { description: "the logs given with --log: what each held" },
              ),
              clientCertificateSent: nullable(arr(ref("certInfo"))),
              clientError: nullable(str),
            },
          ),
        },
        {
          capture: obj(
            {
              file: str,
              format: enumOf("pcap", "pcapng"),
              packets: nonNegInt,
              truncated: bool,
              keyLogEntries: nonNegInt,
              diagnosed: { ...nullable(posInt), description: "number (in conversations) of the conversation diagnosed above; null when the capture held none" },
              conversations: arr(
                obj(
                  {
                    number: posInt,
                    client: ref("endpoint"),
                    server: ref("endpoint"),
                    firstFrame: posInt,
                    outcome: OUTCOME,
                    verdict: VERDICT,
                    failed: bool,
                    findings: arr(enumOf(...FINDING_IDS), { description: "finding ids of this conversation's diagnosis" }),
                  },
                  { sni: str, tlsVersion: str },
                ),
                { description: "every TLS conversation of the capture, failed handshakes first" },
              ),
            },
            {},
            "`diagnose --capture`: what the capture held; the document's verdict and findings are those of conversation `diagnosed`",
          ),
        },
        "`mtls-doctor diagnose --json`: verdict, findings (stable ids, evidence, remediation) and the evidence they rest on.",
      ];
    }
  }
}

const ANALYZE_CAPTURE_KEYS = ["format", "packets", "truncated", "conversations"];
const ANALYZE_LOG_KEYS = ["log", "handshakes", "unattributed"];
/** `analyze`: exactly one of the capture shape and the log shape (each variant's keys are typed by the root's properties). */
const ANALYZE_VARIANTS: Schema[] = [
  {
    description: "a capture",
    type: "object",
    properties: {
      source: { const: "capture" },
      ...Object.fromEntries(ANALYZE_CAPTURE_KEYS.map((k) => [k, {}])),
      ...Object.fromEntries(ANALYZE_LOG_KEYS.map((k) => [k, false])),
    },
    required: ANALYZE_CAPTURE_KEYS,
  },
  {
    description: "a Java debug / gateway log",
    type: "object",
    properties: {
      source: { const: "log" },
      ...Object.fromEntries(ANALYZE_LOG_KEYS.map((k) => [k, {}])),
      ...Object.fromEntries(ANALYZE_CAPTURE_KEYS.map((k) => [k, false])),
    },
    required: ["source", ...ANALYZE_LOG_KEYS],
  },
];

/** The JSON Schema (draft 2020-12) of one command's JSON document. A fresh object each call. */
export function reportSchema(kind: JsonDocumentKind): Schema {
  const [required, optional, description] = body(kind);
  const root: Schema = obj(
    {
      schemaVersion: { const: JSON_SCHEMA_VERSION, description: "Version of this document shape." },
      $schema: { const: schemaId(kind), description: "The $id of the schema this document follows." },
      ...required,
    },
    optional,
  );
  if (kind === "analyze") root.oneOf = ANALYZE_VARIANTS;
  return JSON.parse(
    JSON.stringify({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: schemaId(kind),
      title: `mtls-doctor ${kind} JSON`,
      description: `${description} schemaVersion ${JSON_SCHEMA_VERSION}.`,
      ...root,
      $defs: usedDefs(root),
    }),
  ) as Schema;
}

/** All schemas, keyed by kind. */
export function allReportSchemas(): Record<JsonDocumentKind, Schema> {
  return Object.fromEntries(JSON_DOCUMENT_KINDS.map((k) => [k, reportSchema(k)])) as Record<JsonDocumentKind, Schema>;
}
