/**
 * `inspect` as HTML and Markdown on a real store: a PKCS#12 made by `openssl pkcs12 -export` from the lab's expired
 * client certificate (valid 2020–2021). Every check shows a human label, ✓/✗ with a word, and its reason, like the text.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEntry } from "../../src/pki/chain.js";
import { loadKeystore } from "../../src/pki/store.js";
import { renderHtml } from "../../src/report/html/page.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { buildReportView } from "../../src/report/view.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";

const PASSWORD = "inspect-Pa55";
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
let lab: LabPki;
beforeAll(async () => {
  lab = await makeLabPki();
});
afterAll(async () => {
  await lab?.dispose();
});

describe("inspect reports", () => {
  it("show every check with a label, ✓/✗ in words and its reason, expiry and notBefore included", async () => {
    const file = await lab.toPkcs12("client-expired", { password: PASSWORD, alias: "old", file: join(lab.dir, "expired.p12") });
    const store = await loadKeystore(file, { password: PASSWORD });
    const entry = store.entries.find((e) => e.kind === "private-key")!;
    const checks = { [entry.alias]: checkEntry(entry, NOW) };
    expect(checks[entry.alias]!.expired).toEqual([0]);
    const v = buildReportView({ kind: "inspect", store, checks }, { now: NOW });
    const rows = v.stores[0]!.entries.find((e) => e.alias === entry.alias)!.checkRows!;
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(["chainOrdered", "signaturesValid", "keyMatchesLeaf", "expired", "notYetValid", "clientAuthAllowed", "digitalSignatureAllowed"]));
    const expired = rows.find((r) => r.id === "expired")!;
    expect(expired.status).toBe("fail");
    expect(expired.reason).toMatch(/^#0 "CN=client-expired, O=mtls-doctor lab" expired 2021-/);
    const notBefore = rows.find((r) => r.id === "notYetValid")!;
    expect(notBefore.status).toBe("pass");

    const html = renderHtml(v);
    // no camelCase ids shown to people (they may only appear as data attributes)
    const visible = html.replace(/<[^>]*>/g, " ");
    for (const id of ["chainOrdered", "keyMatchesLeaf", "signaturesValid", "notYetValid", "clientAuthAllowed", "digitalSignatureAllowed"]) {
      expect(visible).not.toContain(id);
    }
    expect(html).toMatch(/<tr data-check="expired" data-status="fail"><td class="miss">✗ failed<\/td><th scope="row">Not expired \(notAfter\)<\/th><td>#0 &quot;CN=client-expired, O=mtls-doctor lab&quot; expired 2021-/);
    expect(html).toMatch(/data-check="notYetValid" data-status="pass"><td class="match">✓ passed<\/td><th scope="row">Already valid \(notBefore\)/);
    expect(html).toMatch(/data-check="keyMatchesLeaf" data-status="pass"><td class="match">✓ passed<\/td><th scope="row">Private key matches the leaf certificate<\/th>/);
    // one row per check, each with a mark and a word
    expect(html.match(/<tr data-check=/g)).toHaveLength(rows.length);

    const md = renderMarkdown(v);
    expect(md).toContain("| ✗ failed | Not expired (notAfter) | #0 \"CN=client-expired, O=mtls-doctor lab\" expired 2021-");
    expect(md).toContain("| ✓ passed | Already valid (notBefore) |");
    expect(md).toContain("| ✓ passed | Private key matches the leaf certificate |");
  });

  it("agrees with `mtls-doctor inspect` text on which checks fail", async () => {
    const file = await lab.toPkcs12("client-expired", { password: PASSWORD, alias: "old", file: join(lab.dir, "expired2.p12") });
    const store = await loadKeystore(file, { password: PASSWORD });
    const entry = store.entries.find((e) => e.kind === "private-key")!;
    const now = Date.now();
    const v = buildReportView({ kind: "inspect", store, checks: { [entry.alias]: checkEntry(entry, now) } }, { now });
    const rows = v.stores[0]!.entries.find((e) => e.alias === entry.alias)!.checkRows!;
    const main = new URL("../../dist/cli/main.js", import.meta.url).pathname;
    const text = await promisify(execFile)("node", [main, "inspect", file, "--password", PASSWORD]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    const failedInText = (text.match(/^\s*(?:✗|\[FAIL\]) /gm) ?? []).length;
    expect(failedInText).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status === "fail")).toHaveLength(failedInText);
  });
});
