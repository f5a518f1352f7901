/**
 * The JSON report: the view model itself, which is plain data shaped by `schemas/<kind>.schema.json`
 * (draft 2020-12, `schemaVersion` pinned). Ids in it are stable: finding `id`s never change with wording,
 * `key`s are the id (or `id-2`… for repeats), messages keep their 1-based transcript `index`.
 */
import type { ReportView } from "./view.js";

/** The JSON document of a report (a deep copy; safe to mutate). */
export function reportDocument(v: ReportView): ReportView {
  return JSON.parse(JSON.stringify(v)) as ReportView;
}

/** Renders the JSON document, pretty-printed with two spaces, ending with a newline. */
export function renderJson(v: ReportView): string {
  return JSON.stringify(v, null, 2) + "\n";
}
