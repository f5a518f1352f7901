/**
 * The JSON documents the commands print (`--format json` / `--json`): each command's own documented shape, headed by
 * `schemaVersion` and `$schema` (the `$id` of `schemas/<kind>.schema.json`, see ./schema.ts). Pure: plain data in,
 * plain data out, ready for `JSON.stringify`.
 */
import type { AnalyzeResult, CaptureOverview } from "../diagnose/capture.js";
import { analyzeResultToJson } from "../diagnose/capture.js";
import { analyzeLogToJson, type AnalyzeLogResult } from "../diagnose/logfile.js";
import type { DiagnosisDetail } from "../diagnose/engine.js";
import type { Evidence, ProbeEvidence } from "../evidence/model.js";
import { diagnoseToJson } from "./json/diagnose.js";
import { probeToJson } from "./json/probe.js";
import { JSON_SCHEMA_VERSION, schemaId, type JsonDocumentKind } from "./schema.js";
import type { InspectView } from "./text/inspect.js";

/** A command's JSON document: `schemaVersion` and `$schema` first, then the command's fields in their order. */
export type JsonDocument<T extends object = Record<string, unknown>> = { schemaVersion: typeof JSON_SCHEMA_VERSION; $schema: string } & T;

/** Heads `doc` with `schemaVersion` and `$schema` (keys of `doc` keep their order after them). */
export function jsonDocument<T extends object>(kind: JsonDocumentKind, doc: T): JsonDocument<T> {
  return { schemaVersion: JSON_SCHEMA_VERSION, $schema: schemaId(kind), ...doc };
}

/** Renders a document as the commands print it: two-space indent, trailing newline. */
export function renderJsonDocument(doc: object): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

/** `inspect --json`: `{ schemaVersion, $schema, file, format, entries: [{ alias, kind, certName, certInfo, checks }] }`. */
export function inspectDocument(v: InspectView): JsonDocument {
  return jsonDocument("inspect", { file: v.file, format: v.format, entries: v.entries });
}

/** `probe --json` (fields: see src/report/json/probe.ts and docs/probe.md). */
export function probeDocument(e: ProbeEvidence): JsonDocument {
  return jsonDocument("probe", probeToJson(e));
}

/** `analyze --json`: `{ schemaVersion, $schema, file, format, packets, truncated, conversations, warnings }`. */
export function analyzeDocument(r: AnalyzeResult): JsonDocument {
  const { warnings: _w, ...rest } = analyzeResultToJson(r) as Record<string, unknown>;
  return jsonDocument("analyze", { source: "capture", ...rest, warnings: r.warnings });
}

/** `analyze --json` on a log: `{ schemaVersion, $schema, source: "log", file, log, handshakes, unattributed, warnings }`. */
export function analyzeLogDocument(r: AnalyzeLogResult): JsonDocument {
  return jsonDocument("analyze", { ...analyzeLogToJson(r), warnings: [] });
}

/**
 * `diagnose --json`: `{ schemaVersion, $schema, verdict, findings, evidence }`, plus `capture` (every conversation of
 * the capture, and which one was diagnosed) for `diagnose --capture`.
 */
export function diagnoseDocument(d: DiagnosisDetail, e: Evidence, capture?: CaptureOverview): JsonDocument {
  return jsonDocument("diagnose", { ...(diagnoseToJson(d, e) as Record<string, unknown>), ...(capture ? { capture } : {}) });
}
