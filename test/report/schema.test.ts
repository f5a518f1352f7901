import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { diagnose } from "../../src/diagnose/engine.js";
import { checkEntry } from "../../src/pki/chain.js";
import { analyzeDocument, diagnoseDocument, inspectDocument, probeDocument, renderJsonDocument } from "../../src/report/documents.js";
import { allReportSchemas, JSON_DOCUMENT_KINDS, JSON_SCHEMA_VERSION, schemaId } from "../../src/report/schema.js";
import { expectValidReport, reportSchemaErrors } from "../helpers/reportSchema.js";
import { caMismatchTls12, NOW } from "./fixtures.js";

const capture = (f: string) => fileURLToPath(new URL(`../fixtures/captures/${f}`, import.meta.url));

describe("published JSON Schemas", () => {
  it("schemas/*.schema.json are exactly what src/report/schema.ts generates (run node scripts/gen-schemas.mjs)", () => {
    const gen = allReportSchemas();
    for (const k of JSON_DOCUMENT_KINDS) {
      const file = JSON.parse(readFileSync(new URL(`../../schemas/${k}.schema.json`, import.meta.url), "utf8")) as unknown;
      expect(file, k).toEqual(gen[k]);
      expect((file as { $schema: string }).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect((file as { $id: string }).$id).toBe(`urn:mtls-doctor:report:${k}:${JSON_SCHEMA_VERSION}`);
      expect((file as { properties: { schemaVersion: { const: string } } }).properties.schemaVersion.const).toBe(JSON_SCHEMA_VERSION);
      expect((file as { required: string[] }).required.slice(0, 2)).toEqual(["schemaVersion", "$schema"]);
    }
  });

  it("every command's JSON validates against its schema, and a changed document does not", async () => {
    const { evidence, store, conversation, policy } = await caMismatchTls12();
    const detail = diagnose(evidence);
    const entry = store.entries[0]!;
    const inspect = inspectDocument({
      file: store.file,
      format: store.format,
      entries: store.entries.map((e) => ({ alias: e.alias, kind: e.kind, certName: e.alias, certInfo: e.chain.map((c) => c.info(NOW)), checks: checkEntry(e, NOW) })),
    });
    const probe = probeDocument({
      target: { host: "127.0.0.1", port: 8443 },
      servername: "localhost",
      conversation,
      policy,
      serverCertificates: entry.chain.map((c) => c.info(NOW)),
      clientCertificateSent: [],
      handshakeCompleted: false,
      clientError: "alert number 40",
      accepted: false,
      withoutCertificate: { conversation, handshakeCompleted: false, accepted: false, clientError: "alert number 40" },
    });
    const analyze12 = analyzeDocument(await analyzeCapture(capture("java-tls12-ca-mismatch.pcap")));
    const analyze13 = analyzeDocument(await analyzeCapture(capture("openssl-tls13-good.pcapng"), { keyLogFile: capture("openssl-tls13-good.keys") }));
    const analyze13Encrypted = analyzeDocument(await analyzeCapture(capture("openssl-tls13-nocert.pcap")));
    const diag = diagnoseDocument(detail, evidence);
    const healthy = diagnoseDocument({ verdict: "healthy", findings: [], clientStack: "java" }, { ...evidence, stores: [], conversations: [] });
    const docs = { inspect, probe, analyze12, analyze13, analyze13Encrypted, diag, healthy };
    for (const [name, d] of Object.entries(docs)) {
      expect(Object.keys(d).slice(0, 2), name).toEqual(["schemaVersion", "$schema"]);
      expect(reportSchemaErrors(JSON.parse(renderJsonDocument(d))), name).toEqual([]);
    }
    expect(probe.$schema).toBe(schemaId("probe"));
    expectValidReport(diag, "diagnose");
    // a document is checked against the schema it names, and only that one
    expect(reportSchemaErrors(probe, "diagnose").length).toBeGreaterThan(0);

    const bad = JSON.parse(renderJsonDocument(diag)) as Record<string, unknown>;
    bad.schemaVersion = "0.9";
    expect(reportSchemaErrors(bad).join()).toMatch(/schemaVersion/);
    const extra = JSON.parse(renderJsonDocument(diag)) as { findings: Record<string, unknown>[] };
    extra.findings[0]!.details = "free text";
    expect(reportSchemaErrors(extra).join()).toMatch(/must NOT have additional properties.*details/);
    const badId = JSON.parse(renderJsonDocument(diag)) as { findings: Record<string, unknown>[] };
    badId.findings[0]!.id = "ca-mismatch-renamed";
    expect(reportSchemaErrors(badId).length).toBeGreaterThan(0);
    const badAlert = JSON.parse(renderJsonDocument(analyze12)) as { conversations: { alert: Record<string, unknown> }[] };
    badAlert.conversations[0]!.alert.description = "handshake_failure";
    expect(reportSchemaErrors(badAlert).join()).toMatch(/alert\/description/);
    const missing = JSON.parse(renderJsonDocument(probe)) as Record<string, unknown>;
    delete missing.transcript;
    expect(reportSchemaErrors(missing).join()).toMatch(/transcript/);
  });
});
