/**
 * The diagnosis engine: evidence in, findings out. Runs every rule family over one {@link RuleContext}, in an order
 * where transcript rules (which confirm) come after store/policy/path rules (which explain), sorts findings
 * error → warning → info and decides the verdict. Pure: `evidence.now` is the only clock.
 */
import type { Conversation, Evidence } from "../evidence/model.js";
import type { JavaKeyManager } from "./clients/types.js";
import { buildContext, type Rule, type RuleContext } from "./rules/context.js";
import { incompleteChainRule } from "./rules/chain.js";
import { pathRule } from "./rules/path.js";
import { serverLogRule } from "./rules/serverlog.js";
import { POLICY_RULES } from "./rules/policy.js";
import { STORE_RULES } from "./rules/store.js";
import { serverAccepted, TRANSCRIPT_RULES } from "./rules/transcript.js";
import type { Diagnosis, Finding, FindingId, Severity } from "./types.js";
import type { ClientSelection } from "./clients/types.js";
import { checkEvidence, checkSingleCredential } from "./validate.js";

/** Every rule, in run order. */
export const RULES: readonly Rule[] = [...STORE_RULES, incompleteChainRule, ...POLICY_RULES, pathRule, serverLogRule, ...TRANSCRIPT_RULES];

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Java key manager to model when the client stack is Java (default SunX509, the JDK default). */
  keyManager?: JavaKeyManager;
  /** The keystore alias the client is pinned to. */
  alias?: string;
}

/** A diagnosis plus what the client model predicted (for reports). */
export interface DiagnosisDetail extends Diagnosis {
  /** The client model's prediction, when a keystore and a CertificateRequest were both available. */
  selection?: ClientSelection;
  /** The client stack modelled. */
  clientStack: RuleContext["clientStack"];
  /** The handshake the diagnosis read (probe, capture, or a logged one), when there was one. */
  conversation?: Conversation;
}

/**
 * Diagnoses a (failed or working) mutual-TLS handshake from whatever evidence there is.
 * @param evidence stores, probe/capture conversations, server policy, `now` (ms since epoch)
 * @returns findings sorted error → warning → info (stable within a severity) and a verdict:
 *   "problem" when any error, "healthy" when the handshake was seen to succeed, else "inconclusive".
 *   `stores` and `conversations` may be left out (read as []).
 * @throws MtlsDoctorError MTLSD_ERR_USAGE when `evidence` is not an object, `now` (or `today`) is not a finite number
 *   of ms since epoch, or `stores` / `conversations` / `logs` is not an array; also when, with no handshake to read,
 *   an OpenSSL/curl/Node client (configured with one certificate and key) is given several private-key entries and no
 *   alias (`opts.alias` / `StoreEvidence.alias`): like `probe`, it asks for --alias rather than guess
 */
export function diagnose(evidence: Evidence, opts: DiagnoseOptions = {}): DiagnosisDetail {
  const ctx = buildContext(checkEvidence(evidence), opts);
  // Without a transcript nothing shows which of several PEM credentials an OpenSSL/curl/Node client uses: ask, as probe does.
  if (!ctx.conversation && !ctx.alias) checkSingleCredential(ctx.evidence.stores, ctx.clientStack);
  const findings: Finding[] = [];
  const accepted = serverAccepted(ctx);
  for (const rule of RULES) {
    const found = rule.run(ctx, findings);
    findings.push(...(accepted ? found.map(contradicted) : found));
  }
  uncertainChoice(ctx, findings);
  noteInferredStack(ctx, findings);
  const sorted = dedupeSteps(findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map((x) => x.f));
  const verdict = sorted.some((f) => f.severity === "error") ? "problem" : sorted.some((f) => f.id === "healthy") ? "healthy" : "inconclusive";
  return { verdict, findings: sorted, clientStack: ctx.clientStack, ...(ctx.selection ? { selection: ctx.selection } : {}), ...(ctx.conversation ? { conversation: ctx.conversation } : {}) };
}

/**
 * A fix worded for a client stack read from the ClientHello (no --client, no keystore, no client log) says so in its
 * evidence, so the reader can tell a guess from what they said: "Client stack inferred from the ClientHello: ...".
 */
function noteInferredStack(ctx: RuleContext, findings: Finding[]): void {
  if (ctx.clientStackFrom !== "client-hello") return;
  const note = { kind: "text" as const, text: `Client stack inferred from the ClientHello: ${ctx.clientStackWhy}. Pass --client to override.` };
  for (const [i, f] of findings.entries()) {
    if (f.remediation.stack === ctx.clientStack) findings[i] = { ...f, evidence: [...f.evidence, note] };
  }
}

/**
 * When the client model cannot know which of several fitting entries a Java client meets first (a PEM file has no
 * keystore alias order; a SunX509 HashMap tree bin) and no transcript shows what was sent, a failure that rests on
 * the predicted entry is not certain: its errors become warnings saying Java may send either.
 */
function uncertainChoice(ctx: RuleContext, findings: Finding[]): void {
  const alt = ctx.selection?.mayAlsoSend;
  if (!alt?.length || ctx.sent || ctx.observed) return;
  const names = [ctx.selection!.chosen!.alias, ...alt].map((a) => `"${a}"`).join(" or ");
  const java = ctx.selection!.stack === "java";
  for (const [i, f] of findings.entries()) {
    if (f.severity !== "error") continue;
    findings[i] = {
      ...f,
      severity: "warning",
      title: java
        ? `Java may send either ${names} (their order is unknown); if it sends "${ctx.selection!.chosen!.alias}": ${f.title}`
        : `The client may be configured with either ${names} (several private-key entries, no --alias); if it sends "${ctx.selection!.chosen!.alias}": ${f.title}`,
    };
  }
}

/**
 * A completed handshake the server accepted (rules/transcript.ts `serverAccepted`) is never a problem: an error a
 * rule derived from stores, names or a model (perhaps misled by bad input, e.g. a CA list misread from a log) is
 * contradicted by what the server did, so it is kept as a warning that says so. The verdict is then healthy.
 */
function contradicted(f: Finding): Finding {
  if (f.severity !== "error") return f;
  return { ...f, severity: "warning", title: `Contradicted by the transcript: the server accepted the client, yet ${lowerFirst(f.title)}` };
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** A step without its side prefix ("On the client: ", "If "X" is an intermediate: "), for comparing steps. */
function stepCore(step: string): string {
  return step.replace(/^(On the (client|server): |If "[^"]*" is (an intermediate|a root): )/, "").trim();
}

/**
 * Findings about one cause often share fix steps (ca-mismatch and missing-intermediate both rebuild the chain). Each
 * step is spelled out once, in the first finding (in report order) that has it; a later finding lists only its own
 * steps and refers to the earlier one for the rest.
 */
function dedupeSteps(findings: Finding[]): Finding[] {
  const seen = new Map<string, FindingId>();
  return findings.map((f) => {
    const own: string[] = [];
    const shared = new Set<FindingId>();
    for (const step of f.remediation.steps) {
      const core = stepCore(step);
      const first = seen.get(core);
      if (first && first !== f.id) shared.add(first);
      else own.push(step);
    }
    for (const step of f.remediation.steps) if (!seen.has(stepCore(step))) seen.set(stepCore(step), f.id);
    if (shared.size === 0) return f;
    const refer = `The other steps are listed under ${[...shared].join(", ")} above.`;
    return { ...f, remediation: { ...f.remediation, steps: [...own, refer] } };
  });
}
