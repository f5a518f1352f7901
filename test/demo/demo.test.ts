import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../src/demo/run.js";
import { DEMO_SCENARIO_IDS } from "../../src/demo/scenarios.js";
import { transcriptLines } from "../../src/report/text/probe.js";

const ROOT = new URL("../../", import.meta.url).pathname;

describe("demo scenarios (real backend on 127.0.0.1: Node tls or openssl s_server; Java client model)", () => {
  for (const [backend, tlsVersion] of [["node", "1.2"], ["node", "1.3"], ["openssl", "1.2"], ["openssl", "1.3"]] as const) {
    it(`${backend} backend, TLS ${tlsVersion}: every scenario yields its expected findings and none of the forbidden ones`, async () => {
      const results = await runDemo({ now: Date.now(), tlsVersion, backend });
      expect(results.map((r) => r.scenario.id)).toEqual([...DEMO_SCENARIO_IDS]);
      for (const r of results) {
        expect({ id: r.scenario.id, missing: r.missing, unexpected: r.unexpected }).toEqual({ id: r.scenario.id, missing: [], unexpected: [] });
      }
      const byId = new Map(results.map((r) => [r.scenario.id, r]));
      // What the gateway sees follows the alert matrix for a Node/OpenSSL backend.
      const noCertAlert = tlsVersion === "1.2" ? "handshake_failure" : "certificate_required";
      expect(byId.get("no-client-certificate")!.gatewaySaw).toContain(`Received fatal alert: ${noCertAlert}`);
      expect(byId.get("ca-mismatch")!.gatewaySaw).toContain(`Received fatal alert: ${noCertAlert}`);
      // A Node server closes without an alert when it rejects a chain; s_server sends OpenSSL's alert (alert matrix).
      const alertOf = (id: string) => byId.get(id)!.live.evidence.probe!.conversation.alert?.alert.descriptionName;
      if (backend === "node") expect(alertOf("expired")).toBeUndefined();
      else {
        expect(alertOf("expired")).toBe("certificate_expired");
        expect(alertOf("wrong-eku")).toBe("unsupported_certificate");
        expect(byId.get("expired")!.backendLog[0]).toMatch(/verify error 10 \(certificate has expired\)/);
        expect(byId.get("healthy")!.backendLog).toEqual([]);
      }
      expect(byId.get("healthy")!.httpStatus).toBe(200);
      expect(byId.get("healthy")!.live.diagnosis.verdict).toBe("healthy");
      // The Node backend's encrypted reply is listed with its real size (only the length is kept, never the payload).
      // (s_server -www answers only a request, and the probe sends none.)
      if (tlsVersion === "1.2" && backend === "node") {
        const lines = transcriptLines(byId.get("healthy")!.live.evidence.probe!.conversation);
        expect(lines.some((l) => /← ApplicationData \(encrypted, [1-9]\d* bytes\)/.test(l)), lines.join("\n")).toBe(true);
      }
      // The Java model sent an empty Certificate for the playbook's two causes.
      expect(byId.get("ca-mismatch")!.live.evidence.probe!.clientCertificateSent).toEqual([]);
    });
  }
});

describe("mtls-doctor demo (CLI)", () => {
  it("runs with no arguments, prints each scenario and the summary, exits 0", () => {
    const out = execFileSync("node", ["dist/cli/main.js", "demo"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("Playbook cause 1: no client certificate in the keystore");
    expect(out).toContain("Playbook cause 2: certificate authority mismatch");
    expect(out).toContain("HTTP/1.1 503 Service Unavailable");
    expect(out).toMatch(/Summary\n/);
    expect(out).toContain("the backend is stopped");
    expect(out).not.toContain("mtls-doctor bug");
  });
  it("rejects a bad --tls-version, an unknown --scenario and an unknown option with exit 2 and one line, before starting", () => {
    for (const args of [["--tls-version", "1.1"], ["--scenario", "nope"], ["--backend", "java"], ["--no-such-option"]]) {
      const r = spawnSync("node", ["dist/cli/main.js", "demo", ...args], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(/^mtls-doctor: /);
    }
  });
  it("stops quietly when its reader goes away (demo | head -1): no EPIPE 'internal error'", () => {
    const r = spawnSync("sh", ["-c", "node dist/cli/main.js demo --brief | head -1; exit ${PIPESTATUS:-0}"], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout.split("\n")[0]).toMatch(/^mtls-doctor demo/);
    expect(r.stderr).not.toContain("internal error");
  });
});
