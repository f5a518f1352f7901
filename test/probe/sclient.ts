/**
 * Test-only: reading `openssl s_client` output (never in production code). Gives the acceptable CA names and the
 * requested signature algorithms exactly as s_client prints them, for cross-checking the probe.
 */
export interface SClientView {
  /** null when s_client printed "No client certificate CA names sent"; undefined when it printed neither. */
  caNames: string[] | null | undefined;
  requestedSigalgs?: string[];
}

export function parseSClient(out: string): SClientView {
  const lines = out.split(/\r?\n/);
  let caNames: string[] | null | undefined;
  const i = lines.findIndex((l) => l.trim() === "Acceptable client certificate CA names");
  if (i >= 0) {
    caNames = [];
    for (const l of lines.slice(i + 1)) {
      if (/^(Client Certificate Types|Requested Signature Algorithms|Shared Requested|Peer sign|Server Temp Key|---)/.test(l)) break;
      caNames.push(l);
    }
  } else if (lines.some((l) => l.includes("No client certificate CA names sent"))) caNames = null;
  const sig = lines.find((l) => l.startsWith("Requested Signature Algorithms: "));
  return { caNames, ...(sig ? { requestedSigalgs: sig.slice("Requested Signature Algorithms: ".length).split(":") } : {}) };
}
