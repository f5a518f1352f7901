/**
 * Third review: the library entry points check their Evidence. `now` must be a finite number of ms since epoch (a
 * string would make every validity comparison false and hide an expired certificate); `stores` / `conversations`
 * default to [] when absent; a wrong type is an MtlsDoctorError MTLSD_ERR_USAGE naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeCapture } from "../../src/diagnose/capture.js";
import { diagnose } from "../../src/diagnose/engine.js";
import { diagnoseLive } from "../../src/diagnose/live.js";
import { analyzeLog } from "../../src/diagnose/logfile.js";
import { MtlsDoctorError } from "../../src/errors.js";
import type { Evidence, LogEvidence, StoreEvidence } from "../../src/evidence/model.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { keystore } from "./fixtures.js";

let lab: LabPki;
let expired: StoreEvidence;
beforeAll(async () => {
  lab = await makeLabPki();
  expired = await keystore(lab, "client-expired");
});
afterAll(async () => {
  await lab?.dispose();
});

/** Runs `f` and returns the MtlsDoctorError it throws (fails when it throws anything else, or nothing). */
async function usageError(f: () => unknown): Promise<MtlsDoctorError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(MtlsDoctorError);
    expect((e as MtlsDoctorError).code).toBe("MTLSD_ERR_USAGE");
    return e as MtlsDoctorError;
  }
  throw new Error("expected an MTLSD_ERR_USAGE error, nothing was thrown");
}

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("diagnose(): Evidence checks", () => {
  it("diagnose({}) names the missing now (no TypeError)", async () => {
    const e = await usageError(() => diagnose({} as Evidence));
    expect(e.message).toMatch(/^evidence\.now must be a finite number of ms since epoch/);
    expect(e.message).toMatch(/got a value of type undefined/);
  });

  it("a date string as now is refused, not silently compared", async () => {
    const e = await usageError(() => diagnose({ now: "2026-01-01", stores: [expired], conversations: [] } as unknown as Evidence));
    expect(e.message).toContain('evidence.now must be a finite number of ms since epoch');
    expect(e.message).toContain('got the string "2026-01-01"');
    await usageError(() => diagnose({ now: Number.NaN, stores: [], conversations: [] }));
    await usageError(() => diagnose({ now: NOW, today: "today", stores: [], conversations: [] } as unknown as Evidence));
    await usageError(() => diagnose(null as unknown as Evidence));
    await usageError(() => diagnose({ now: NOW, stores: {} } as unknown as Evidence));
  });

  it("stores / conversations may be left out; with a number now the expired certificate is found", () => {
    expect(diagnose({ now: NOW } as Evidence).verdict).toBe("inconclusive");
    const d = diagnose({ now: NOW, stores: [expired] } as Evidence);
    expect(d.findings.map((f) => f.id)).toContain("client-cert-expired");
    expect(d.verdict).toBe("problem");
  });

  it("analyzeLog, analyzeCapture and diagnoseLive check their clocks too", async () => {
    const log = { file: "x.log", kind: "jsse-debug", side: "client", conversations: [], handshakes: [], events: [] } as unknown as LogEvidence;
    expect((await usageError(() => analyzeLog(log, { now: "2026-01-01" as unknown as number }))).message).toMatch(/^now must be/);
    expect((await usageError(() => analyzeCapture("/nonexistent.pcap", { now: "yesterday" as unknown as number }))).message).toMatch(/^now must be/);
    expect((await usageError(() => analyzeCapture("/nonexistent.pcap", { today: Number.POSITIVE_INFINITY }))).message).toMatch(/^today must be/);
    // Refused before any connection is attempted (port 9 on loopback is never contacted).
    expect((await usageError(() => diagnoseLive({ host: "127.0.0.1", port: 9, stores: [], now: "2026" as unknown as number }))).message).toMatch(/^now must be/);
  });
});
