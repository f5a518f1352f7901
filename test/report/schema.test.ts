import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allReportSchemas } from "../../src/report/schema.js";
import { renderJson } from "../../src/report/json.js";
import { buildReportView, REPORT_KINDS, REPORT_SCHEMA_VERSION } from "../../src/report/view.js";
import { expectValidReport, reportSchemaErrors } from "../helpers/reportSchema.js";
import { caMismatchTls12, closedWithoutAlert, NOW, tls13Decrypted } from "./fixtures.js";

describe("published JSON Schemas", () => {
  it("schemas/*.schema.json are exactly what src/report/schema.ts generates (run node scripts/gen-schemas.mjs)", () => {
    const gen = allReportSchemas();
    for (const k of REPORT_KINDS) {
      const file = JSON.parse(readFileSync(new URL(`../../schemas/${k}.schema.json`, import.meta.url), "utf8")) as unknown;
      expect(file, k).toEqual(gen[k]);
      expect((file as { $schema: string }).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect((file as { properties: { schemaVersion: { const: string } } }).properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
    }
  });

  it("every kind's JSON validates, and a changed document does not", async () => {
    const { evidence, diagnosis, store, conversation, policy } = await caMismatchTls12();
    const docs = [
      buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW }),
      buildReportView({ kind: "diagnose", evidence: { ...evidence, stores: [] }, diagnosis: { verdict: "healthy", findings: [] } }),
      buildReportView({ kind: "inspect", store }, { now: NOW }),
      buildReportView({ kind: "analyze", source: { file: "a.pcapng" }, conversations: [await tls13Decrypted(), await closedWithoutAlert()] }, { now: NOW }),
      buildReportView(
        {
          kind: "probe",
          probe: {
            target: { host: "127.0.0.1", port: 8443 },
            servername: "localhost",
            conversation,
            policy,
            serverCertificates: store.entries[0]!.chain.map((c) => c.info(NOW)),
            clientCertificateSent: [],
            handshakeCompleted: false,
            clientError: "alert number 40",
            accepted: false,
            withoutCertificate: { conversation, handshakeCompleted: false, accepted: false, clientError: "alert number 40" },
          },
        },
        { now: NOW },
      ),
    ];
    for (const v of docs) expectValidReport(renderJson(v));
    const bad = JSON.parse(renderJson(docs[0]!)) as Record<string, unknown>;
    bad.schemaVersion = "0.9";
    expect(reportSchemaErrors(bad).join()).toMatch(/schemaVersion/);
    const extra = JSON.parse(renderJson(docs[0]!)) as { findings: Record<string, unknown>[] };
    extra.findings[0]!.details = "free text";
    expect(reportSchemaErrors(extra).join()).toMatch(/must NOT have additional properties.*details/);
    const badId = JSON.parse(renderJson(docs[0]!)) as { findings: Record<string, unknown>[] };
    badId.findings[0]!.id = "ca-mismatch-renamed";
    expect(reportSchemaErrors(badId).length).toBeGreaterThan(0);
  });
});
