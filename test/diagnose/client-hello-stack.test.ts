/**
 * Without --client and without a keystore, the client stack is read from the ClientHello when it is distinctive
 * (JSSE offers status_request_v2, extension 17); otherwise fixes are stack-neutral. Committed real captures only.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";

const CLI = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const cap = (f: string) => new URL(`../fixtures/captures/${f}`, import.meta.url).pathname;
type F = { id: string; evidence: Array<{ text?: string }>; remediation: { summary: string; steps: string[]; stack?: string } };
function findings(...args: string[]): F[] {
  let out: string;
  try {
    out = execFileSync("node", [CLI, "analyze", ...args, "--json"], { encoding: "utf8" });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { conversations: Array<{ findings: F[] }> }).conversations[0]!.findings;
}
const empty = (fs: F[]) => fs.find((f) => f.id === "client-sent-empty-certificate")!;
const texts = (f: F) => f.evidence.map((e) => e.text ?? "").join("\n");

describe("client stack from the ClientHello", () => {
  // java-tls13-ca-mismatch.pcapng has no key log: its empty Certificate is encrypted, so only TLS 1.2 shows the fix.
  for (const file of ["java-tls12-ca-mismatch.pcap"]) {
    it(`${file} (JDK 17 client): inferred Java, a JSSE fix, and the evidence says it was inferred`, () => {
      const f = empty(findings(cap(file)));
      expect(f.remediation.stack).toBe("java");
      expect(f.remediation.steps.join("\n")).toContain("javax.net.ssl.keyStore");
      expect(f.remediation.steps.join("\n")).not.toMatch(/-cert\/-key|SSL_CTX_use_certificate_chain_file/);
      expect(texts(f)).toContain("Client stack inferred from the ClientHello: Java (JSSE): it offers status_request_v2 (extension 17, RFC 6961)");
    });
  }
  it("openssl-tls12-nocert.pcap (OpenSSL s_client, no extension 17): stack-neutral fix, nothing inferred", () => {
    const f = empty(findings(cap("openssl-tls12-nocert.pcap")));
    expect(f.remediation.stack).toBeUndefined();
    const steps = f.remediation.steps.join("\n");
    expect(steps).not.toMatch(/-cert\/-key|SSL_CTX_use_certificate_chain_file|javax\.net\.ssl/);
    expect(steps).toContain("configure the client with the fixed chain");
    expect(texts(f)).not.toContain("inferred from the ClientHello");
  });
  it("an explicit client stack (--client) wins over the ClientHello", async () => {
    const r = await analyzeCapture(cap("java-tls12-ca-mismatch.pcap"), { clientStack: "openssl" });
    const f = r.conversations[0]!.diagnosis.findings.find((x) => x.id === "client-sent-empty-certificate")!;
    expect(f.remediation.stack).toBe("openssl");
    expect(f.remediation.steps.join("\n")).toContain("-cert/-key");
    expect(f.evidence.map((e) => (e.kind === "text" ? e.text : "")).join("\n")).not.toContain("inferred from the ClientHello");
  });
  it("the TLS 1.3 Java capture's ClientHello is read as Java too (the diagnosis models the Java client)", async () => {
    const r = await analyzeCapture(cap("java-tls13-ca-mismatch.pcapng"));
    expect(r.conversations[0]!.diagnosis.clientStack).toBe("java");
    const o = await analyzeCapture(cap("openssl-tls13-nocert.pcap"));
    expect(o.conversations[0]!.diagnosis.clientStack).toBe("openssl"); // the default model, with stack-neutral fixes
  });
});
