/**
 * The `analyze` view with findings per conversation: every conversation with its own verdict, summary, findings,
 * policy and chain-vs-CA panel, failed ones first; the headline and counts over all of them.
 */
import type { Verdict } from "../../diagnose/types.js";
import { FAILED } from "../../diagnose/capture.js";
import { buildChainPanel } from "../chainPanel.js";
import { conversationView } from "./conversation.js";
import { countFindings, findingViews, headline } from "./findings.js";
import { policyView } from "./policy.js";
import type { ConversationAnalysis, ReportView } from "./types.js";

/** The fields every report starts with. */
export type ViewBase = Pick<ReportView, "schemaVersion" | "kind" | "tool" | "generatedAt">;

/** A handshake that did not complete, or one the rules found a problem in. */
function failed(a: ConversationAnalysis): boolean {
  return a.diagnosis.verdict === "problem" || FAILED.has(a.conversation.outcome);
}

const VERDICT_ORDER: Record<Verdict, number> = { problem: 0, inconclusive: 1, healthy: 2 };

/** The analyze view with findings per conversation: failed conversations first (stable), headline over all. */
export function analyzeByConversation(base: ViewBase, source: { file: string }, analyses: ConversationAnalysis[]): ReportView {
  const ordered = analyses
    .map((a, i) => ({ a, i }))
    .sort((x, y) => Number(failed(y.a)) - Number(failed(x.a)) || x.i - y.i)
    .map((x) => x.a);
  const multi = ordered.length > 1;
  const conversations = ordered.map((a, i) => {
    const number = i + 1;
    const prefix = multi ? `c${number}-` : "";
    const findings = findingViews(a.diagnosis.findings, prefix, number);
    const cv = conversationView(a.conversation, number, findings);
    cv.verdict = a.diagnosis.verdict;
    cv.summary = headline(a.diagnosis.verdict, findings);
    cv.counts = countFindings(findings);
    cv.findings = findings;
    cv.anchorPrefix = prefix;
    if (a.policy) cv.policy = policyView(a.policy);
    const panel = buildChainPanel({ stores: a.stores ?? [], conversations: [a.conversation], policy: a.policy, findings: a.diagnosis.findings });
    if (panel) cv.chainPanel = panel;
    return cv;
  });
  const findings = conversations.flatMap((c) => c.findings ?? []);
  const verdict = ordered.reduce<Verdict>((w, a) => (VERDICT_ORDER[a.diagnosis.verdict] < VERDICT_ORDER[w] ? a.diagnosis.verdict : w), "healthy");
  const n = ordered.length;
  let line: string;
  if (n === 0) line = "No TLS conversation found";
  else if (!multi) line = headline(verdict, findings);
  else {
    const bad = conversations.filter((c) => c.verdict === verdict).length;
    const first = findings.find((f) => f.severity === "error") ?? findings.find((f) => f.severity === "warning");
    line =
      verdict === "healthy"
        ? `Healthy: all ${n} mutual-TLS handshakes work`
        : `${verdict === "problem" ? "Problem" : "Inconclusive"} in ${bad} of ${n} TLS conversations${first ? `: ${first.title}` : ""}`;
  }
  return {
    ...base,
    title: `Analysis of ${source.file}`,
    ...(n > 0 ? { verdict } : {}),
    headline: line,
    counts: countFindings(findings),
    sourceFile: source.file,
    findings,
    conversations,
    stores: [],
  };
}
