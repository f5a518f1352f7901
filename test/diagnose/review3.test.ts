/**
 * Third review. PEM credentials: a bundle with two key+cert pairs is not silently modelled by its first entry for an
 * OpenSSL/curl/Node client (which is configured with one certificate and key): like `probe`, diagnose asks for
 * --alias (MTLSD_ERR_USAGE, exit 2); and fixes for a PEM credential name its file, never "key entry" or "alias".
 *
 * The library entry points check their Evidence. `now` must be a finite number of ms since epoch (a
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
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadKeystore } from "../../src/pki/store.js";
import { caOf, keystore, labCert, policy } from "./fixtures.js";

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

describe("PEM credentials", () => {
  const pem = (file: string, names: Array<"client-rootB" | "client-good" | "interA">, keys: Array<"client-rootB" | "client-good">) => {
    const parts: string[] = [];
    for (const n of names) {
      parts.push(readFileSync(lab.cert(n), "utf8"));
      const k = keys.find((x) => x === n);
      if (k) parts.push(readFileSync(lab.key(k), "utf8"));
    }
    writeFileSync(join(lab.dir, file), parts.join(""));
    return join(lab.dir, file);
  };

  it("a bundle with two key+cert pairs: OpenSSL/curl/Node ask for --alias (no transcript); Java models it; --alias picks", async () => {
    const file = pem("bundle.pem", ["client-rootB", "client-good", "interA"], ["client-rootB", "client-good"]);
    const store = await loadKeystore(file);
    expect(store.entries.filter((e) => e.kind === "private-key").map((e) => e.alias)).toEqual(["client-rootB", "client-good"]);
    const rootA = await labCert(lab, "rootA");
    const ev = (extra: Partial<Evidence> = {}): Evidence => ({ now: NOW, stores: [{ store, role: "client-keystore" }], conversations: [], policy: policy([caOf(rootA)]), ...extra });
    for (const clientStack of ["openssl", "curl", "node"] as const) {
      const e = await usageError(() => diagnose(ev({ clientStack })));
      expect(e.message).toBe(
        `${file}: holds 2 private-key entries (client-rootB, client-good); ${clientStack === "openssl" ? "an OpenSSL client (-cert/-key)" : clientStack === "curl" ? "curl (--cert/--key)" : "a Node client (tls.connect({ cert, key }))"} is configured with one certificate and key, so which one it uses is unknown: choose one with --alias`,
      );
    }
    // PEM defaults to the OpenSSL model; with --alias the named entry is judged: client-good is accepted by name.
    const good = diagnose(ev(), { alias: "client-good" });
    expect(good.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(good.selection?.chosen?.alias).toBe("client-good");
    const bad = diagnose(ev(), { alias: "client-rootB" });
    expect(bad.findings.map((f) => f.id)).toContain("ca-mismatch");
    // A Java client chooses among entries itself: no question asked.
    expect(() => diagnose(ev({ clientStack: "java" }))).not.toThrow();
    // The CLI: one line, exit 2 (same question as probe).
    const cli = spawnSync(process.execPath, [join(import.meta.dirname, "../../dist/cli/main.js"), "diagnose", "--keystore", file], { encoding: "utf8" });
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split("\n")).toHaveLength(1);
    expect(cli.stderr).toContain("choose one with --alias");
  });

  it("a PEM credential without its intermediate: the fix names the file, not a key entry or an alias", async () => {
    const file = pem("clientB.crt", ["client-good"], ["client-good"]);
    const store = await loadKeystore(file);
    const rootA = await labCert(lab, "rootA");
    const interA = await labCert(lab, "interA");
    const d = diagnose({ now: NOW, stores: [{ store, role: "client-keystore" }], conversations: [], policy: policy([caOf(rootA)]), clientStack: "openssl" });
    // What the client side is told (server-side steps may name a server truststore alias: keytool -alias client-ca).
    const clientSide = (f: (typeof d.findings)[number]) => [f.title, f.remediation.summary, ...f.remediation.steps.filter((x) => !x.startsWith("On the server"))];
    const text = JSON.stringify(d.findings.map(clientSide));
    expect(text).not.toMatch(/key entry|alias/i);
    expect(text).toContain("clientB.crt");
    // Knowing the intermediate (in another store), the missing-intermediate fix says where to put it.
    const withInter = diagnose({
      now: NOW,
      stores: [{ store, role: "client-keystore" }, { store: { ...store, file: "inter.pem", entries: [{ alias: "inter", kind: "trusted-cert", chain: [interA] }] }, role: "client-truststore" }],
      conversations: [],
      policy: policy([caOf(rootA)]),
      clientStack: "openssl",
    });
    const mi = withInter.findings.find((f) => f.id === "missing-intermediate")!;
    expect(mi.remediation.summary).toBe(`Put the intermediate "${interA.subject}" after the leaf in clientB.crt: the client certificate first, then its issuer.`);
    expect(JSON.stringify(withInter.findings.map(clientSide))).not.toMatch(/key entry|alias/i);
  });
});
