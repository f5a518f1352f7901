import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectClientCertificate } from "../../src/diagnose/clients/index.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { caOf, keystore, labCert, policy } from "./fixtures.js";
import type { StoreEvidence } from "../../src/evidence/model.js";
import type { Certificate } from "../../src/pki/types.js";

let lab: LabPki;
let rootA: Certificate, interA: Certificate, rootB: Certificate;
let good: StoreEvidence, leafOnly: StoreEvidence, rootBks: StoreEvidence, expired: StoreEvidence, ekuSrv: StoreEvidence, notyet: StoreEvidence;
const NOW = Date.UTC(2026, 10, 29);

beforeAll(async () => {
  lab = await makeLabPki();
  [rootA, interA, rootB] = await Promise.all([labCert(lab, "rootA"), labCert(lab, "interA"), labCert(lab, "rootB")]);
  [good, leafOnly, rootBks, expired, ekuSrv, notyet] = await Promise.all([
    keystore(lab, "client-good"),
    keystore(lab, "client-good", { chain: false }),
    keystore(lab, "client-rootB"),
    keystore(lab, "client-expired"),
    keystore(lab, "client-eku-server"),
    keystore(lab, "client-notyet"),
  ]);
});
afterAll(async () => lab?.dispose());

const ctx = (tlsVersion = "1.2", keyManager: "SunX509" | "PKIX" = "SunX509") => ({ tlsVersion, now: NOW, keyManager });

describe("Java key managers (alert-matrix.md: Java key manager vs advertised CA list)", () => {
  for (const km of ["SunX509", "PKIX"] as const) {
    for (const v of ["1.2", "1.3"]) {
      it(`${km} TLS ${v}: leaf+intermediate is sent to a server naming only Root A`, () => {
        const s = selectClientCertificate("java", [good], policy([caOf(rootA)]), ctx(v, km));
        expect(s.empty).toBe(false);
        expect(s.sentChain.map((c) => c.subject)).toEqual(good.store.entries.find((e) => e.kind === "private-key")!.chain.map((c) => c.subject));
        expect(s.sentChain).toHaveLength(2);
        expect(s.reasons[0]!.why).toContain("Lab Root A");
      });
      it(`${km} TLS ${v}: a leaf-only entry is not sent to a server naming only Root A`, () => {
        const s = selectClientCertificate("java", [leafOnly], policy([caOf(rootA)]), ctx(v, km));
        expect(s.empty).toBe(true);
        expect(s.reasons[0]!.accepted).toBe(false);
        expect(s.reasons[0]!.why).toMatch(/no certificate of its chain is issued by a CA the server named/);
      });
      it(`${km} TLS ${v}: rootB leaf → empty; leaf-only to a server naming Intermediate A → 1 cert`, () => {
        expect(selectClientCertificate("java", [rootBks], policy([caOf(rootA)]), ctx(v, km)).empty).toBe(true);
        const s = selectClientCertificate("java", [leafOnly], policy([caOf(interA)]), ctx(v, km));
        expect(s.sentChain).toHaveLength(1);
      });
    }
    it(`${km}: an empty CA list means send anything`, () => {
      expect(selectClientCertificate("java", [leafOnly], policy([]), ctx("1.2", km)).sentChain).toHaveLength(1);
    });
    it(`${km}: an expired / wrong-EKU / not-yet-valid sole candidate is still sent`, () => {
      for (const ks of [expired, ekuSrv, notyet]) expect(selectClientCertificate("java", [ks], policy([caOf(rootA)]), ctx("1.2", km)).empty).toBe(false);
    });
  }
  it("PKIX ranks EXACT over EXPIRED over EXTENSION_MISMATCH; SunX509 takes the first", () => {
    const stores = [ekuSrv, expired, good];
    const pkix = selectClientCertificate("java", stores, policy([caOf(rootA)]), ctx("1.2", "PKIX"));
    expect(pkix.chosen?.chain[0]!.subject).toMatch(/client-good/);
    const two = selectClientCertificate("java", [ekuSrv, expired], policy([caOf(rootA)]), ctx("1.2", "PKIX"));
    expect(two.chosen?.chain[0]!.subject).toMatch(/client-expired/);
    expect(two.reasons.find((r) => r.accepted)?.rank).toBe("EXPIRED");
    const sun = selectClientCertificate("java", stores, policy([caOf(rootA)]), ctx("1.2", "SunX509"));
    expect(sun.chosen?.chain[0]!.subject).toMatch(/client-eku-server/);
  });
  it("key type: an EC key is not offered when the server only allows RSA schemes", () => {
    const s = selectClientCertificate("java", [good], policy([caOf(rootA)], { signatureAlgorithms: [0x0804, 0x0401] }), ctx());
    expect(s.empty).toBe(true);
    expect(s.reasons[0]!.why).toMatch(/EC key is not of a key type/);
  });
  it("TLS 1.3 empty certificate_authorities extension: Java aborts", () => {
    const s = selectClientCertificate("java", [good], policy([], { certificateAuthoritiesState: "present-empty" }), ctx("1.3"));
    expect(s.summary).toMatch(/decode_error/);
  });
});

/** rootA's subject with the CN value re-tagged PrintableString ↔ UTF8String: equal only after normalisation. */
function retagCn(der: Uint8Array): Uint8Array {
  const out = new Uint8Array(der);
  for (let i = 0; i + 5 < out.length; i++) {
    if (out[i] === 0x06 && out[i + 1] === 0x03 && out[i + 2] === 0x55 && out[i + 3] === 0x04 && out[i + 4] === 0x03) {
      out[i + 5] = out[i + 5] === 0x0c ? 0x13 : 0x0c;
      return out;
    }
  }
  throw new Error("no CN");
}

describe("Go, .NET and pass-through models", () => {
  it("Go: byte-equal issuer → sent; normalised-only → empty, with the near miss as the reason", () => {
    expect(selectClientCertificate("go", [good], policy([caOf(rootA)]), ctx()).sentChain).toHaveLength(2);
    const re = { ...caOf(rootA), der: retagCn(rootA.subjectDer) };
    const s = selectClientCertificate("go", [good], policy([re]), ctx());
    expect(s.empty).toBe(true);
    expect(s.reasons[0]!.why).toMatch(/only after normalisation/);
    // Java's X500Principal.equals is canonical: it still sends.
    expect(selectClientCertificate("java", [good], policy([re]), ctx()).empty).toBe(false);
  });
  it("Go: TLS 1.2 certificate_types without ecdsa_sign drops an EC key", () => {
    expect(selectClientCertificate("go", [good], policy([caOf(rootA)], { certificateTypes: [1] }), ctx()).empty).toBe(true);
  });
  it(".NET drops a serverAuth-only certificate and ignores the CA list", () => {
    expect(selectClientCertificate("dotnet", [ekuSrv], policy([caOf(rootA)]), ctx()).empty).toBe(true);
    expect(selectClientCertificate("dotnet", [rootBks], policy([caOf(rootA)]), ctx()).empty).toBe(false);
  });
  it("OpenSSL/Node/curl send the configured chain whatever the list", () => {
    for (const st of ["openssl", "node", "curl"] as const) {
      const s = selectClientCertificate(st, [rootBks], policy([caOf(rootB), caOf(interA)].slice(1)), ctx());
      expect(s.sentChain).toHaveLength(1);
    }
  });
});
