/**
 * The report-level shapes of the view model: what a command hands to `buildReportView` and the {@link ReportView}
 * every renderer reads. The per-concern shapes live beside the code that builds them (findings, policy,
 * conversation, messages, stores, probe) and are re-exported from `../view.js`.
 */
import type { Diagnosis, Verdict } from "../../diagnose/types.js";
import type { Conversation, Endpoint, Evidence, ProbeEvidence, ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import type { EntryChecks, LoadedStore } from "../../pki/types.js";
import type { ChainPanelView } from "../chainPanel.js";
import type { ConversationView } from "./conversation.js";
import type { FindingView } from "./findings.js";
import type { PolicyView } from "./policy.js";
import type { ProbeView } from "./probe.js";
import type { StoreView } from "./stores.js";

/** Version of the report document shape. Bumped on any incompatible change; every schema pins it with `const`. */
export const REPORT_SCHEMA_VERSION = "1.0" as const;

/** The report kinds; one JSON Schema each (`schemas/<kind>.schema.json`). */
export const REPORT_KINDS = ["diagnose", "probe", "analyze", "inspect"] as const;
/** One of {@link REPORT_KINDS}: the command a report is about. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/** What a command hands to {@link buildReportView}. */
export type ReportInput =
  | {
      kind: "diagnose";
      evidence: Evidence;
      diagnosis: Diagnosis;
    }
  | {
      kind: "probe";
      probe: ProbeEvidence;
      /** When the probe command also ran the rules. */
      diagnosis?: Diagnosis;
    }
  | {
      kind: "analyze";
      /** The capture or log file as given by the user (and its key log, if any). */
      source: { file: string; keylog?: string };
      /** The conversations (ignored when `analyses` is given: they come from there). */
      conversations?: Conversation[];
      policy?: ServerPolicy;
      diagnosis?: Diagnosis;
      /**
       * Each conversation with its own diagnosis (what `analyze` produces, see {@link analyzeReportView}). When given,
       * every conversation section carries its own summary, findings and chain-vs-CA panel, failed ones first, and
       * the headline and counts cover all of them; `conversations`, `policy` and `diagnosis` are then ignored.
       */
      analyses?: ConversationAnalysis[];
    }
  | {
      kind: "inspect";
      store: LoadedStore;
      /** Per alias, the checks of a private-key entry (src/pki). */
      checks?: Record<string, EntryChecks>;
    };

/** One conversation of an analysis with what was concluded about it. */
export interface ConversationAnalysis {
  conversation: Conversation;
  diagnosis: Diagnosis;
  /** What its CertificateRequest showed (absent when it had none). */
  policy?: ServerPolicy;
  /** Stores given with it: a client keystore's chain is what the chain-vs-CA panel compares. */
  stores?: StoreEvidence[];
}

/** Options of {@link buildReportView}. */
export interface BuildReportViewOptions {
  /**
   * When the report is made (ms since epoch); printed as "generated at". Also the time certificates are judged at
   * for `inspect` (required there). Diagnose judges at `evidence.now` when this is absent.
   */
  now?: number;
}

/**
 * The one report view model (output of {@link buildReportView}) that the Markdown, HTML and JSON renderers read.
 * Plain data: serialisable as is; times are ms since epoch.
 */
export interface ReportView {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: ReportKind;
  tool: { name: "mtls-doctor"; version: string };
  /** ms since epoch, when `opts.now` was given. */
  generatedAt?: number;
  /** One line: what was looked at. */
  title: string;
  verdict?: Verdict;
  /** One line a person reads first. */
  headline: string;
  counts: { error: number; warning: number; info: number };
  target?: Endpoint & { sni?: string };
  /** The capture/log file for `analyze`. */
  sourceFile?: string;
  findings: FindingView[];
  conversations: ConversationView[];
  policy?: PolicyView;
  chainPanel?: ChainPanelView;
  stores: StoreView[];
  probe?: ProbeView;
}
