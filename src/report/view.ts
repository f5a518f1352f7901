/**
 * The report view model (pattern: certigo's `createSimpleCertificate`, STYLE §4): built once from what a command
 * produced, then read by every renderer (text, JSON, Markdown, HTML). Plain data only: no class instances, no
 * `Uint8Array`, no colours, no localised text. Times are ms since epoch. `buildReportView` never reads the clock,
 * the environment or the current directory: the time a report was made comes in as `opts.now`.
 *
 * This module is the one import path for the view model; the code lives in `./view/` by concern:
 * `types.ts` (report-level shapes), `findings.ts`, `policy.ts`, `messages.ts`, `conversation.ts` (ladder data and
 * the failing step), `stores.ts`, `probe.ts`, `analyze.ts` (per-conversation analyze view) and `index.ts`
 * ({@link buildReportView}, {@link analyzeReportView}).
 */
export type { ChainPanelView, ChainCertView, PanelCAView, LookedForView } from "./chainPanel.js";
export { REPORT_KINDS, REPORT_SCHEMA_VERSION } from "./view/types.js";
export type { BuildReportViewOptions, ConversationAnalysis, ReportInput, ReportKind, ReportView } from "./view/types.js";
export { referenceUrl } from "./view/findings.js";
export type { EvidenceView, FindingView } from "./view/findings.js";
export { codeName } from "./view/policy.js";
export type { AcceptableCAView, CodeView, PolicyView } from "./view/policy.js";
export { alertKindOf } from "./view/messages.js";
export type { AlertKind, MessageView } from "./view/messages.js";
export { alertJudgedMessage } from "./view/conversation.js";
export type { AlertView, ConversationView } from "./view/conversation.js";
export { checkRows } from "./view/stores.js";
export type { CheckRowView, StoreEntryView, StoreView } from "./view/stores.js";
export type { ProbeView } from "./view/probe.js";
export { analyzeReportView, buildReportView } from "./view/index.js";
