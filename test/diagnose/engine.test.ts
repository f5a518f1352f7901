import { createPrivateKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose/engine.js";
import { FINDING_IDS } from "../../src/diagnose/types.js";
import type { Evidence, StoreEvidence } from "../../src/evidence/model.js";
import type { Certificate } from "../../src/pki/types.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { caOf, conversation, keystore, labCert, policy, truststore } from "./fixtures.js";

let lab: LabPki;
let rootA: Certificate, interA: Certificate, backend: Certificate;
const ks: Record<string, StoreEvidence> = {};
const NOW = Date.UTC(2026, 10, 29);

beforeAll(async () => {
  lab = await makeLabPki();
  [rootA, interA, backend] = await Promise.all([labCert(lab, "rootA"), labCert(lab, "interA"), labCert(lab, "nonprod-backend")]);
  const names = ["client-good", "client-expired", "client-eku-server", "nonprod-api"] as const;
  await Promise.all(names.map(async (n) => (ks[n] = await keystore(lab, n))));
  // A certificate from another root: the entry holds its whole chain up to Root B (as keytool builds it).
  ks["client-rootB"] = await keystore(lab, "client-rootB", { chain: "full" });
  // What KeyStore.setKeyEntry allows (alert-matrix.md): client-good's chain paired with an unrelated key.
  const goodEntry = ks["client-good"]!.store.entries.find((e) => e.kind === "private-key")!;
  const wrong = createPrivateKey(await readFile(lab.wrongKey, "utf8"));
  ks["client-keymismatch"] = { role: "client-keystore", store: { file: "mismatch.p12", format: "pkcs12", entries: [{ ...goodEntry, alias: "client", privateKey: wrong }] } };
  ks["leafonly"] = await keystore(lab, "client-good", { chain: false });
});
afterAll(async () => lab?.dispose());

const ev = (stores: StoreEvidence[], extra: Partial<Evidence> = {}): Evidence => ({ now: NOW, stores, conversations: [], clientStack: "java", ...extra });
const ids = (e: Evidence) => diagnose(e).findings.map((f) => f.id).sort();

describe("diagnose engine", () => {
  it("the playbook: Java client, leaf from the SHA2 CA G2, server naming only a self-signed server name", () => {
    const p = policy([caOf(backend)]);
    const d = diagnose(ev([ks["nonprod-api"]!], { policy: p, conversations: [conversation([], 42)], serverStack: "java" }));
    // The CA list does not match (the playbook's cause 2, the headline). The entry holds the leaf only and no store
    // holds its issuer, so the chain may be incomplete as well: a warning, since that issuer may be a root.
    expect(d.findings.map((f) => f.id)).toEqual(["ca-mismatch", "client-sent-empty-certificate", "missing-intermediate", "server-alert"]);
    expect(d.findings[2]!.severity).toBe("warning");
    expect(d.verdict).toBe("problem");
    const ca = d.findings[0]!;
    expect(ca.title).toContain("Lab Test SHA2 CA G2");
    expect(ca.title).toContain("Java sends no certificate");
    expect(ca.evidence.some((r) => r.kind === "dn" && r.role === "acceptable-ca" && r.dn === backend.subject)).toBe(true);
    expect(d.findings[3]!.severity).toBe("info"); // the alert confirms, it does not decide
    expect(d.selection?.empty).toBe(true);
  });
  it("static (no connection): rootB with the server's truststore → ca-mismatch + truststore lacks the issuer", () => {
    expect(ids(ev([ks["client-rootB"]!], { policy: policy([caOf(rootA)]) }))).toEqual(["ca-mismatch"]);
  });
  it("truststore given: rootB → server-truststore-missing-issuer", async () => {
    const ts = await truststore(lab, ["rootA"]);
    expect(ids(ev([ks["client-rootB"]!, ts], { policy: policy([caOf(rootA)]) }))).toEqual(["ca-mismatch", "server-truststore-missing-issuer"]);
    expect(ids(ev([ks["client-good"]!, ts], { policy: policy([caOf(rootA)]) }))).toEqual([]);
  });
  it("TLS 1.3 empty certificate_authorities extension: an error for the clients that abort on it (Java, Go), a warning for the others", () => {
    const p = policy([], { certificateAuthoritiesState: "present-empty" });
    // The handshake did not complete (a client that aborts on the extension never finishes it); a completed one
    // would contradict any error (engine: serverAccepted).
    const conv13 = { ...conversation(null, undefined, "1.3"), outcome: "closed-during-handshake" as const };
    const sev = (clientStack: Evidence["clientStack"]) =>
      diagnose({ ...ev([ks["client-good"]!], { policy: p, conversations: [conv13] }), ...(clientStack ? { clientStack } : {}) }).findings.find((f) => f.id === "empty-certificate-authorities-extension");
    expect(sev("java")).toMatchObject({ severity: "error", title: expect.stringContaining("Java client aborts with decode_error (50)") });
    expect(sev("go")).toMatchObject({ severity: "error", title: expect.stringContaining("Go client aborts with unexpected_message (10)") });
    expect(sev("openssl")?.severity).toBe("warning");
    expect(sev("node")?.severity).toBe("warning");
  });
  it("expired, EKU, key mismatch each give their own id; the alert confirms them", () => {
    const p = policy([caOf(rootA)]);
    expect(ids(ev([ks["client-expired"]!], { policy: p, conversations: [conversation([new Uint8Array(0)].slice(1), 45)] }))).toContain("client-cert-expired");
    const sent = (n: string) => ks[n]!.store.entries.find((e) => e.kind === "private-key")!.chain.map((c) => c.der);
    expect(ids(ev([ks["client-expired"]!], { policy: p, conversations: [conversation(sent("client-expired"), 45)], serverStack: "openssl" }))).toEqual(["client-cert-expired", "server-alert"]);
    expect(ids(ev([ks["client-eku-server"]!], { policy: p, conversations: [conversation(sent("client-eku-server"), 43)], serverStack: "openssl" }))).toEqual(["eku-missing-client-auth", "server-alert"]);
    expect(ids(ev([ks["client-keymismatch"]!], { policy: p }))).toEqual(["key-mismatch"]);
  });
  it("leaf-only to a server naming Intermediate A, rejected 48 → missing-intermediate", () => {
    const p = policy([caOf(interA)]);
    const leaf = ks["leafonly"]!.store.entries.find((e) => e.kind === "private-key")!.chain.map((c) => c.der);
    expect(ids(ev([ks["leafonly"]!], { policy: p, conversations: [conversation(leaf, 48)], serverStack: "openssl" }))).toEqual(["missing-intermediate", "server-alert"]);
  });
  describe("incomplete chain in the key entry", () => {
    const leafOnly = () => ks["leafonly"]!;
    /** The leaf-only keystore plus Intermediate A as a separate trusted-certificate entry (not in the key entry). */
    const withInterEntry = (): StoreEvidence => ({ ...leafOnly(), store: { ...leafOnly().store, entries: [...leafOnly().store.entries, { alias: "interA", kind: "trusted-cert", chain: [interA] }] } });
    it("leaf only, issuer in no store, server names Root A, Java sends nothing → ca-mismatch leads with the intermediate; the truststore (Root A only) cannot issue the leaf → missing-intermediate is an error", async () => {
      const ts = await truststore(lab, ["rootA"]);
      const d = diagnose(ev([leafOnly(), ts], { policy: policy([caOf(rootA)]), conversations: [conversation([], 40)], serverStack: "openssl" }));
      expect(d.findings.map((f) => f.id)).toEqual(["ca-mismatch", "missing-intermediate", "client-sent-empty-certificate", "server-alert"]);
      const mi = d.findings[1]!;
      expect(mi.severity).toBe("error");
      expect(mi.evidence).toContainEqual(expect.objectContaining({ kind: "dn", role: "looked-for", dn: interA.subject }));
      expect(JSON.stringify(mi.evidence)).toContain("none has that subject or that key identifier, so the server cannot build a path");
      const ca = d.findings[0]!;
      // The chain-rebuilding steps are spelled out once, under ca-mismatch; missing-intermediate refers to them.
      expect(ca.remediation.steps.join("\n")).toMatch(/keytool -importcert -alias client-good -file chain\.pem/);
      expect(mi.remediation.steps.join("\n")).not.toMatch(/keytool -importcert -alias client-good -file chain\.pem/);
      expect(mi.remediation.steps).toContain("The other steps are listed under ca-mismatch above.");
      expect(ca.remediation.summary).toMatch(/^Include the intermediate CA certificate "CN=Lab Intermediate A/);
      expect(ca.remediation.summary).not.toContain("would then match"); // its issuer is unknown: no claim
    });
    it("the intermediate is known (another entry): named, and Java would then match Root A; no truststore finding", async () => {
      const ts = await truststore(lab, ["rootA"]);
      const d = diagnose(ev([withInterEntry(), ts], { policy: policy([caOf(rootA)]), conversations: [conversation([], 40)], serverStack: "openssl" }));
      expect(d.findings.map((f) => f.id)).toEqual(["missing-intermediate", "ca-mismatch", "client-sent-empty-certificate", "server-alert"]);
      expect(d.findings[0]!.title).toContain(`lacks the intermediate "${interA.subject}", which the server's CA list ("${rootA.subject}") needs`);
      expect(JSON.stringify(d.findings[0]!.evidence)).toContain(`the chain reaches \\"${rootA.subject}\\" in the server's truststore`);
      expect(d.findings[1]!.remediation.summary).toContain(`Java would then match "${rootA.subject}" as the intermediate's issuer`);
    });
    it("known intermediate whose issuer is not in the server's truststore → server-truststore-missing-issuer names Root A", async () => {
      const ts = await truststore(lab, ["rootB"]);
      const d = diagnose(ev([withInterEntry(), ts], { policy: policy([caOf(await labCert(lab, "rootB"))]) }));
      expect(d.findings.map((f) => f.id)).toEqual(["missing-intermediate", "ca-mismatch", "server-truststore-missing-issuer"]);
      expect(d.findings[2]!.title).toContain(`does not hold "${rootA.subject}"`);
    });
    it("a chain whose root is left out is complete: leaf + Intermediate A against Root A", async () => {
      const ts = await truststore(lab, ["rootA"]);
      expect(ids(ev([ks["client-good"]!, ts], { policy: policy([caOf(rootA)]) }))).toEqual([]);
      expect(ids(ev([ks["client-good"]!]))).toEqual([]); // nothing to judge against: no finding
    });
    it("leaf only under Root B (issuer in no store, named as a root): the CA list does not match; no missing intermediate is guessed", async () => {
      const rootBLeaf = await keystore(lab, "client-rootB", { chain: false });
      expect(ids(ev([rootBLeaf], { policy: policy([caOf(rootA)]) }))).toEqual(["ca-mismatch"]);
    });
  });
  it("healthy: good chain sent, handshake completed", () => {
    const good = ks["client-good"]!.store.entries.find((e) => e.kind === "private-key")!.chain.map((c) => c.der);
    const d = diagnose(ev([ks["client-good"]!], { policy: policy([caOf(rootA)]), conversations: [conversation(good)] }));
    expect(d.verdict).toBe("healthy");
    expect(d.findings.map((f) => f.id)).toEqual(["healthy"]);
  });
  it("an alert with nothing to explain it is an error that lists the stack's causes", () => {
    const d = diagnose(ev([], { conversations: [conversation([], 46)], serverStack: "java" }));
    const a = d.findings.find((f) => f.id === "server-alert")!;
    expect(a.severity).toBe("error");
    expect(JSON.stringify(a.evidence)).toMatch(/PKIX path building failed/);
  });
  it("docs/findings.md documents every finding id, and only those", async () => {
    const doc = await readFile(new URL("../../docs/findings.md", import.meta.url), "utf8");
    const documented = [...doc.matchAll(/^## `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...FINDING_IDS].sort());
  });
});
