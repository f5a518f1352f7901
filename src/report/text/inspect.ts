/**
 * Text rendering of `mtls-doctor inspect`: one block per alias, each certificate of the chain with its key facts,
 * then the entry checks with ✓/✗ and their reasons. Pure: takes the view and `now`, colour only when asked.
 */
import type { CertInfo, CheckResult, EntryChecks } from "../../pki/types.js";

/** The JSON view printed by `inspect --json` (and rendered here as text). */
export interface InspectView {
  file: string;
  format: string;
  formatDetail?: string;
  entries: {
    alias: string;
    kind: "private-key" | "trusted-cert";
    certName: string;
    certInfo: CertInfo[];
    checks: EntryChecks;
    /** Set when the entry's private key could not be decrypted (wrong key password): why; the chain is still listed. */
    keyNotRecovered?: string;
  }[];
}

export interface TextOptions {
  /** ANSI colours (only on a TTY without NO_COLOR). */
  color: boolean;
  /** Use ✓/✗ (true) or [ok]/[FAIL] (plain ASCII). */
  unicode: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

export function renderInspectText(v: InspectView, now: number, o: TextOptions): string {
  const green = (s: string) => (o.color ? `\x1b[32m${s}\x1b[0m` : s);
  const red = (s: string) => (o.color ? `\x1b[31m${s}\x1b[0m` : s);
  const yellow = (s: string) => (o.color ? `\x1b[33m${s}\x1b[0m` : s);
  const bold = (s: string) => (o.color ? `\x1b[1m${s}\x1b[0m` : s);
  const OK = o.unicode ? "✓" : "[ok]";
  const BAD = o.unicode ? "✗" : "[FAIL]";
  const WARN = o.unicode ? "⚠" : "[warn]";
  const mark = (r: CheckResult & { severity?: "warning" }) => (r.ok ? green(OK) : r.severity === "warning" ? yellow(WARN) : red(BAD));
  const lines: string[] = [];
  lines.push(`${bold(v.file)}: ${v.formatDetail ?? v.format}, ${v.entries.length} entr${v.entries.length === 1 ? "y" : "ies"} (checked at ${iso(now)})`);
  for (const e of v.entries) {
    lines.push("");
    lines.push(bold(`alias "${e.alias}"`) + ` — ${e.kind}${e.kind === "private-key" ? `${e.keyNotRecovered !== undefined ? " (key not recovered)" : ""}, chain of ${e.certInfo.length}` : ""}`);
    e.certInfo.forEach((c, i) => {
      const role = e.kind === "trusted-cert" ? "trusted" : i === 0 ? "leaf" : c.subject === c.issuer ? "root" : "issuer";
      lines.push(`  [${i}] ${role}: ${c.subject}`);
      lines.push(`      issuer:    ${c.issuer}`);
      const validity = `${iso(c.validFrom)} .. ${iso(c.expiryDate)}`;
      const state = now > c.expiryDate ? red("EXPIRED") : now < c.validFrom ? red("NOT YET VALID") : green("valid");
      lines.push(`      validity:  ${validity} (${state})`);
      lines.push(`      key:       ${c.publicKey}; signature ${c.sigAlgName}; ${c.basicConstraints}`);
      lines.push(`      serial:    ${c.serialNumber}`);
      if (c.keyUsage) lines.push(`      keyUsage:  ${c.keyUsage.join(", ")}`);
      if (c.extendedKeyUsage) lines.push(`      EKU:       ${c.extendedKeyUsage.join(", ")}`);
      if (c.subjectAlternativeNames.length) lines.push(`      SAN:       ${c.subjectAlternativeNames.join(", ")}`);
      lines.push(`      SHA-256:   ${c.sha256Fingerprint}`);
    });
    if (e.kind === "private-key") {
      const k = e.checks;
      const row = (name: string, r: CheckResult & { severity?: "warning" }) => lines.push(`  ${mark(r)} ${name}: ${r.reason}`);
      lines.push("  checks:");
      row("chain order", k.chainOrdered);
      row("signatures", k.signaturesValid);
      if (k.chainComplete) row("chain complete", k.chainComplete);
      row("key matches leaf", k.keyMatchesLeaf);
      const dates = (idx: number[], what: string) =>
        idx.length === 0 ? { ok: true, reason: `no certificate ${what}` } : { ok: false, reason: idx.map((i) => `#${i} "${e.certInfo[i]!.subject}"`).join(", ") + ` ${what}` };
      row("expiry", dates(k.expired, "expired"));
      row("not before", dates(k.notYetValid, "not yet valid"));
      row("clientAuth", k.clientAuthAllowed);
      row("digitalSignature", k.digitalSignatureAllowed);
    }
  }
  return lines.join("\n") + "\n";
}
