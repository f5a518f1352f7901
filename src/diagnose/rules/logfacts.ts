/**
 * Facts from logs (src/logs `readLog`, `Evidence.logs`) that rules cite: JSSE's own words for what its key manager
 * decided ("No X.509 cert selected for [EC]"), the server's PKIX failures, a gateway's "Received fatal alert".
 * Each becomes typed evidence naming the file and line, so a person can open the log at that line.
 */
import type { LogEvent, LogEventKind, LogEvidence } from "../../evidence/model.js";
import type { EvidenceRef } from "../types.js";
import type { RuleContext } from "./context.js";
import { text } from "./refs.js";

/** Every event of these kinds in the logs given, with its log. */
export function logEvents(ctx: RuleContext, ...kinds: LogEventKind[]): Array<{ log: LogEvidence; event: LogEvent }> {
  const out: Array<{ log: LogEvidence; event: LogEvent }> = [];
  for (const log of ctx.evidence.logs ?? []) for (const event of log.events) if (kinds.includes(event.kind)) out.push({ log, event });
  return out;
}

/** `file line N: "text"` as evidence. */
export function logRef(log: LogEvidence, e: LogEvent, prefix = ""): EvidenceRef {
  return text(`${prefix}${log.file} line ${e.line}: "${e.text}"`);
}

/** JSSE's key-manager lines (certificate-not-selected, empty-certificate-sent), as evidence for a selection finding. */
export function logSelectionEvidence(ctx: RuleContext): EvidenceRef[] {
  return logEvents(ctx, "certificate-not-selected", "empty-certificate-sent")
    .slice(0, 3)
    .map(({ log, event }) => logRef(log, event, event.kind === "certificate-not-selected" ? "the Java key manager found no certificate: " : ""));
}
