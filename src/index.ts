/**
 * mtls-doctor library API. Explicit, curated exports only; this module has no side effects.
 */
export { ExitCode, ERROR_CODES, MtlsDoctorError, isMtlsDoctorError } from "./errors.js";
export type { ErrorCode, ExitCodeValue } from "./errors.js";
export type * from "./wire/types.js";
/** Direction values: "client→server" and "server→client" (TranscriptMessage.direction, TapChunk.direction). */
export { C2S, S2C } from "./wire/types.js";
export type * from "./pki/types.js";
export type * from "./evidence/model.js";
export type * from "./diagnose/types.js";
export { VERSION } from "./version.js";
export { loadKeystore, loadKeystoreBytes } from "./pki/store.js";
export type { LoadOptions } from "./pki/store.js";
export { parseCertificate, verifySignedBy } from "./pki/certificate.js";
export type { CertificateDetails } from "./pki/certificate.js";
export { dnToString, compareNames, parseName } from "./pki/dn.js";
export type { DnStyle, ParsedName, Rdn, Attribute } from "./pki/dn.js";
export { checkEntry, buildPath } from "./pki/chain.js";
export type { PathResult } from "./pki/chain.js";
// wire: TLS codec, TLS 1.3 decryption, connection decoder
export { ConnectionDecoder, decodeConnection } from "./wire/connection.js";
export type { ChunkMeta, DecodedMessage, ConnectionDecoderOptions, ConnectionState } from "./wire/connection.js";
export { DecodeError, isDecodeError } from "./wire/errors.js";
export type { DecodeErrorKind } from "./wire/errors.js";
export { decodeHandshakeMessage, encodeHandshakeMessage } from "./wire/messages/index.js";
export type { DecodeContext } from "./wire/messages/index.js";
export {
  RecordDeframer,
  looksLikeTlsRecordHeader,
  recordLengthWarning,
  MAX_PLAINTEXT_LENGTH,
  MAX_TLS13_CIPHERTEXT_LENGTH,
  MAX_TLS13_INNER_PLAINTEXT_LENGTH,
  MAX_TLS12_CIPHERTEXT_LENGTH,
} from "./wire/record.js";
export type { RecordProtectionKind, SkippedBytes } from "./wire/record.js";
export { HandshakeJoiner } from "./wire/handshake.js";
export {
  nameOf,
  versionName,
  opensslSignatureName,
  isGrease,
  ALERT_DESCRIPTIONS,
  CIPHER_SUITES,
  CLIENT_CERTIFICATE_TYPES,
  CONTENT_TYPES,
  EXTENSION_TYPES,
  HANDSHAKE_TYPES,
  SIGNATURE_SCHEMES,
  SUPPORTED_GROUPS,
  PROTOCOL_VERSIONS,
} from "./wire/tables.js";
export type { IanaTable } from "./wire/tables.js";
export { KeyLog, parseKeyLog } from "./wire/tls13/keylog.js";
export type { KeyLogEntry, KeyLogLabel, KeyLogProblem } from "./wire/tls13/keylog.js";
export { hkdfExtract, hkdfExpandLabel, deriveSecret, trafficKeys, TLS13_SUITES } from "./wire/tls13/keySchedule.js";
// evidence: conversations and server policy from decoded messages (shared by probe and capture)
export { buildConversation, policyFromConversation, certificatesSent, acceptableCA } from "./evidence/conversation.js";
export type { SeenMessage, ConversationInfo, ConnectionEnd } from "./evidence/conversation.js";
// probe: a live server over a tapped node:tls connection
export { probe, conversationFromRun } from "./probe/probe.js";
export type { ProbeOptions, ProbeRun } from "./probe/probe.js";
export { credentialFromKeystore, credentialFromFiles } from "./probe/credential.js";
export type { Credential } from "./probe/credential.js";
export { renderProbeText } from "./report/text/probe.js";
export { probeToJson } from "./report/json/probe.js";
// capture analysis (src/capture)
export { analyzeCapture, analyzeResultToJson, captureOverview, conversationFailed, parseEndpointFilter } from "./diagnose/capture.js";
export type { AnalyzeOptions, AnalyzeResult, AnalyzedConversation, CaptureOverview, ConversationSummary, MessageSummary } from "./diagnose/capture.js";
export { analyzeLog, analyzeLogToJson, logHandshakeFailed } from "./diagnose/logfile.js";
export type { AnalyzeLogOptions, AnalyzeLogResult, AnalyzedLogHandshake } from "./diagnose/logfile.js";
export { readCaptureFile, readCaptureBytes } from "./capture/reader.js";
export type { ReadCaptureOptions } from "./capture/reader.js";
export { PcapParser } from "./capture/pcap.js";
export { PcapngParser } from "./capture/pcapng.js";
export type { RawPacket, CaptureSink, CaptureSummary } from "./capture/packet.js";
export { TcpReassembler } from "./capture/reassembly.js";
export type { ConnectionInfo, StreamHandler, HandlerFactory, EndReason, ReassemblyStats } from "./capture/reassembly.js";
export { diagnose } from "./diagnose/engine.js";
export type { DiagnoseOptions, DiagnosisDetail } from "./diagnose/engine.js";
export { selectClientCertificate } from "./diagnose/clients/index.js";
export type { AliasReason, ClientSelection, DnComparison, JavaKeyManager, SelectionContext } from "./diagnose/clients/index.js";
export { javaHashMapOrder, javaHashtableOrder, javaKeystoreAliasOrder, javaStringHash } from "./diagnose/clients/javaorder.js";
export { diagnoseLive } from "./diagnose/live.js";
export type { LiveOptions, LiveResult } from "./diagnose/live.js";
export { compareNameWithCa, canonicalJavaDn } from "./diagnose/names.js";
// logs as evidence (src/logs)
export { readLog, JsseLogParser, GatewayLogParser, javaDnEquals, javaDnToOpenssl, javaDnToRfc2253, parseJavaDn, splitJavaDnList, resolveJavaDnList, serialToOpensslHex, parseJsseTime } from "./logs/index.js";
export type { JsseResult } from "./logs/index.js";
export { renderLogText } from "./report/text/logs.js";
// reports (src/report): one view model, rendered as Markdown, HTML, JSON (schemas/*.schema.json); support bundles
export { alertJudgedMessage, analyzeReportView, buildReportView, checkRows, referenceUrl, REPORT_KINDS, REPORT_SCHEMA_VERSION } from "./report/view.js";
export type {
  ConversationAnalysis,
  CheckRowView,
  ReportInput,
  ReportKind,
  ReportView,
  BuildReportViewOptions,
  FindingView,
  EvidenceView,
  MessageView,
  AlertView,
  ConversationView,
  PolicyView,
  AcceptableCAView,
  CodeView,
  StoreView,
  StoreEntryView,
  ProbeView,
  ChainPanelView,
  ChainCertView,
  PanelCAView,
  LookedForView,
} from "./report/view.js";
export { renderMarkdown } from "./report/markdown.js";
export { renderHtml } from "./report/html/page.js";
export { renderLadder, renderTranscriptTable } from "./report/html/ladder.js";
export { jsonDocument, renderJsonDocument, inspectDocument, probeDocument, analyzeDocument, diagnoseDocument } from "./report/documents.js";
export type { JsonDocument } from "./report/documents.js";
export { reportSchema, allReportSchemas, schemaId, kindOfSchemaId, JSON_SCHEMA_VERSION, JSON_DOCUMENT_KINDS } from "./report/schema.js";
export type { JsonDocumentKind } from "./report/schema.js";
export { buildBundle } from "./report/bundle.js";
export type { GatherInput, BundleFile, BundleOptions } from "./report/bundle.js";
export { Redactor } from "./report/redact.js";
export { tar, tarGz } from "./report/tar.js";
export type { TarEntry } from "./report/tar.js";
