/**
 * Builds the report view model from what a command produced (see `../view.ts`).
 */
import type { Conversation, Endpoint } from "../../evidence/model.js";
import type { AnalyzeResult } from "../../diagnose/capture.js";
import { MtlsDoctorError } from "../../errors.js";
import { VERSION } from "../../version.js";
import { buildChainPanel } from "../chainPanel.js";
import { analyzeByConversation } from "./analyze.js";
import { conversationView } from "./conversation.js";
import { countFindings, findingViews, headline } from "./findings.js";
import { policyView } from "./policy.js";
import { probeHeadline, probeView } from "./probe.js";
import { storeView } from "./stores.js";
import { REPORT_SCHEMA_VERSION, type BuildReportViewOptions, type ReportInput, type ReportView } from "./types.js";


/**
 * Builds the one view model every renderer reads.
 * @throws MtlsDoctorError MTLSD_ERR_INTERNAL when `inspect` is built without `opts.now` (certificates must be
 *   judged at an explicit time).
 */
export function buildReportView(input: ReportInput, opts: BuildReportViewOptions = {}): ReportView {
  const base = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: input.kind,
    tool: { name: "mtls-doctor" as const, version: VERSION },
    ...(opts.now !== undefined ? { generatedAt: opts.now } : {}),
  };
  switch (input.kind) {
    case "diagnose": {
      const { evidence, diagnosis } = input;
      const convs = uniqueConversations([
        ...(evidence.probe ? [evidence.probe.conversation] : []),
        ...evidence.conversations,
      ]);
      const policy = evidence.policy ?? evidence.probe?.policy;
      const findings = findingViews(diagnosis.findings);
      const target = evidence.probe
        ? { ...evidence.probe.target, ...(evidence.probe.servername ? { sni: evidence.probe.servername } : {}) }
        : convs[0]
          ? { ...convs[0].server, ...(convs[0].sni ? { sni: convs[0].sni } : {}) }
          : undefined;
      const stores = evidence.stores.map((s) =>
        storeView(s.store, evidence.now, s.role, s.alias),
      );
      const view: ReportView = {
        ...base,
        title: target ? `mTLS diagnosis of ${hostPort(target)}` : "mTLS diagnosis",
        verdict: diagnosis.verdict,
        headline: headline(diagnosis.verdict, findings),
        counts: countFindings(findings),
        ...(target ? { target } : {}),
        findings,
        conversations: convs.map((c, i) => conversationView(c, i + 1, findings)),
        ...(policy ? { policy: policyView(policy) } : {}),
        stores,
        ...(evidence.probe ? { probe: probeView(evidence.probe) } : {}),
      };
      const panel = buildChainPanel({
        stores: evidence.stores,
        conversations: convs,
        policy,
        findings: diagnosis.findings,
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "probe": {
      const p = input.probe;
      const findings = findingViews(input.diagnosis?.findings ?? []);
      const target = { ...p.target, ...(p.servername ? { sni: p.servername } : {}) };
      const view: ReportView = {
        ...base,
        title: `Probe of ${hostPort(target)}`,
        ...(input.diagnosis ? { verdict: input.diagnosis.verdict } : {}),
        headline: input.diagnosis
          ? headline(input.diagnosis.verdict, findings)
          : probeHeadline(p),
        counts: countFindings(findings),
        target,
        findings,
        conversations: [conversationView(p.conversation, 1, findings)],
        policy: policyView(p.policy),
        stores: [],
        probe: probeView(p),
      };
      const panel = buildChainPanel({
        stores: [],
        conversations: [p.conversation],
        policy: p.policy,
        findings: input.diagnosis?.findings ?? [],
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "analyze": {
      if (input.analyses) return analyzeByConversation(base, input.source, input.analyses);
      const findings = findingViews(input.diagnosis?.findings ?? []);
      const convs = input.conversations ?? [];
      const view: ReportView = {
        ...base,
        title: `Analysis of ${input.source.file}`,
        ...(input.diagnosis ? { verdict: input.diagnosis.verdict } : {}),
        headline: input.diagnosis
          ? headline(input.diagnosis.verdict, findings)
          : `${convs.length} TLS conversation${convs.length === 1 ? "" : "s"} found`,
        counts: countFindings(findings),
        sourceFile: input.source.file,
        findings,
        conversations: convs.map((c, i) => conversationView(c, i + 1, findings)),
        ...(input.policy ? { policy: policyView(input.policy) } : {}),
        stores: [],
      };
      const panel = buildChainPanel({
        stores: [],
        conversations: convs,
        policy: input.policy,
        findings: input.diagnosis?.findings ?? [],
      });
      if (panel) view.chainPanel = panel;
      return view;
    }
    case "inspect": {
      if (opts.now === undefined) {
        throw new MtlsDoctorError("MTLSD_ERR_INTERNAL", "buildReportView: an inspect report needs opts.now to judge validity");
      }
      const sv = storeView(input.store, opts.now, undefined, undefined, input.checks);
      const n = sv.entries.length;
      return {
        ...base,
        title: `Contents of ${input.store.file}`,
        headline: `${n} entr${n === 1 ? "y" : "ies"} (${sv.formatDetail ?? sv.format})`,
        counts: { error: 0, warning: 0, info: 0 },
        sourceFile: input.store.file,
        findings: [],
        conversations: [],
        stores: [sv],
      };
    }
  }
}

function hostPort(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

function uniqueConversations(list: Conversation[]): Conversation[] {
  return list.filter((c, i) => list.indexOf(c) === i);
}
/**
 * The report view of `analyze` over a capture: every conversation with its own summary, ladder, chain-vs-CA panel and
 * findings (failed conversations first), the headline and counts over all of them.
 * @param now ms since epoch, printed as "generated at".
 */
export function analyzeReportView(r: AnalyzeResult, source: { file: string; keylog?: string }, now?: number): ReportView {
  return buildReportView(
    {
      kind: "analyze",
      source,
      analyses: r.conversations.map((a) => ({
        conversation: a.conversation,
        diagnosis: a.diagnosis,
        ...(a.evidence.policy ? { policy: a.evidence.policy } : {}),
        stores: a.evidence.stores,
      })),
    },
    now !== undefined ? { now } : {},
  );
}
