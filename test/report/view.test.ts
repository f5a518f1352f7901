import { describe, expect, it } from "vitest";
import { buildReportView, referenceUrl, REPORT_SCHEMA_VERSION } from "../../src/report/view.js";
import { mdCode, mdText, renderMarkdown } from "../../src/report/markdown.js";
import { caMismatchTls12, closedWithoutAlert, NOW, tls13Decrypted } from "./fixtures.js";

describe("buildReportView", () => {
  it("builds a diagnose view: findings ordered, failing step and alert marked, chain vs CA computed by DER", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const v = buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW });
    expect(v.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(v.generatedAt).toBe(NOW);
    expect(v.verdict).toBe("problem");
    expect(v.headline).toMatch(/^Problem: The client certificate's issuer/);
    expect(v.findings.map((f) => f.key)).toEqual(["ca-mismatch", "server-alert"]);
    expect(v.counts).toEqual({ error: 1, warning: 0, info: 1 });
    const c = v.conversations[0]!;
    expect(c.messages).toHaveLength(11);
    expect(c.messages.filter((m) => m.failing).map((m) => m.index)).toEqual([7]);
    expect(c.messages[6]!.detail).toBe("empty (certificates_length 0)");
    expect(c.messages[10]!.isAlert).toBe(true);
    expect(c.alert?.descriptionName).toBe("handshake_failure");
    expect(v.policy?.signatureAlgorithms.map((s) => s.name)).toEqual([
      "ecdsa_secp256r1_sha256",
      "rsa_pss_rsae_sha256",
      "rsa_pkcs1_sha256",
      "unknown(0xfe00)",
    ]);
    const p = v.chainPanel!;
    expect(p.source).toBe("keystore");
    expect(p.verdict).toBe("no-match");
    expect(p.chain.map((x) => x.role)).toEqual(["leaf", "root"]);
    expect(p.chain[0]!.issuedByNext).toBe("byte-equal");
    expect(p.lookedFor).toEqual([expect.objectContaining({ role: "looked-for", foundAt: null })]);
    // the private key never enters the view
    expect(JSON.stringify(v)).not.toMatch(/privateKey|BEGIN/);
    expect(v.stores[0]!.entries[0]!.hasPrivateKey).toBe(false);
  });

  it("reads no clock: the same input gives the same view", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const a = buildReportView({ kind: "diagnose", evidence, diagnosis });
    const b = buildReportView({ kind: "diagnose", evidence, diagnosis });
    expect(a).toEqual(b);
    expect(a.generatedAt).toBeUndefined();
  });

  it("uses the sent Certificate message for the chain when there is no keystore, and counts decrypted messages", async () => {
    const conv = await tls13Decrypted();
    const v = buildReportView({ kind: "analyze", source: { file: "cap.pcapng" }, conversations: [conv], policy: { requested: true, required: true, acceptableCAs: [], signatureAlgorithms: [] } });
    expect(v.conversations[0]!.decryptedCount).toBe(9);
    // unknown_ca(48) judges the client's Certificate (#10), not its Finished (#12) that happened to come last
    expect(v.conversations[0]!.messages.filter((m) => m.failing).map((m) => m.index)).toEqual([10]);
    expect(v.chainPanel?.source).toBe("sent");
    expect(v.chainPanel?.verdict).toBe("any");
  });

  it("keeps a close without alert", async () => {
    const v = buildReportView({ kind: "analyze", source: { file: "x.pcap" }, conversations: [await closedWithoutAlert()] });
    expect(v.conversations[0]!.closedWithoutAlert).toBe(true);
    expect(v.conversations[0]!.alert).toBeUndefined();
  });

  it("inspect needs an explicit now", async () => {
    const { store } = await caMismatchTls12();
    expect(() => buildReportView({ kind: "inspect", store })).toThrow(/needs opts.now/);
    const v = buildReportView({ kind: "inspect", store }, { now: NOW });
    expect(v.stores[0]!.entries[0]!.chain[0]!.isValid).toBe("Yes");
  });

  it("links RFC references", () => {
    expect(referenceUrl("RFC 8446 §4.4.2")).toBe("https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2");
    expect(referenceUrl("RFC 5246 §7.4.4; playbook")).toBe("https://www.rfc-editor.org/rfc/rfc5246#section-7.4.4");
    expect(referenceUrl("playbook: No Client Certificate")).toBeUndefined();
  });
});

describe("renderMarkdown", () => {
  it("escapes text so names cannot inject HTML or formatting", () => {
    expect(mdText("CN=<script>*x*|_y_")).toBe("CN=\\<script\\>\\*x\\*\\|\\_y\\_");
    expect(mdText("# not a heading")).toBe("\\# not a heading");
    expect(mdText("handshake_failure")).toBe("handshake_failure");
    expect(mdCode("a`b")).toBe("``a`b``");
  });

  it("summarises a failing diagnosis for a ticket", async () => {
    const { evidence, diagnosis } = await caMismatchTls12();
    const md = renderMarkdown(buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW }));
    expect(md).toContain("### mTLS diagnosis of 127.0.0.1:8443");
    expect(md).toContain("Generated 2025-01-15T12:00:00Z by mtls-doctor");
    expect(md).toContain("| Error | `ca-mismatch` The client certificate's issuer is not among the CAs the server accepts |");
    expect(md).toContain("**#7 C→S Certificate (empty)**");
    expect(md).toContain("**#11 S→C Alert fatal handshake_failure(40)**");
    expect(md).toMatch(/Looked for `CN=.*`: \*\*not found\*\*/);
    expect(md).toContain("- `keytool -importcert -alias rootB -file rootB.pem -keystore truststore.jks`");
    expect(md.split("\n").length).toBeLessThan(60);
  });
});
