import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadKeystore, loadKeystoreBytes } from "../../src/pki/store.js";
import { parseCertificatePem } from "../../src/pki/certificate.js";
import { checkEntry, buildPath } from "../../src/pki/chain.js";
import { makeStores, keytool, PASSWORD, type Stores } from "../helpers/stores.js";
import { writeFileSync } from "node:fs";
import { expectValidReport } from "../helpers/reportSchema.js";
import { expectSelfContainedHtml } from "../helpers/selfContained.js";

let s: Stores;
let listing: Record<string, string> = {};
beforeAll(() => {
  s = makeStores();
  // keytool's own view of the stores, for cross-checks (one JVM per store).
  for (const f of ["client-keytool.p12", "client.jks", "client-openssl.p12"]) {
    listing[f] = keytool(["-J-Duser.language=en", "-list", "-v", "-keystore", f, "-storepass", PASSWORD], s.dir);
  }
});
afterAll(() => s?.cleanup());

const pem = (f: string) => parseCertificatePem(readFileSync(s.p(`${f}.pem`), "utf8"));

/** Aliases and kinds from `keytool -list -v`. */
function keytoolEntries(out: string): { alias: string; kind: string; chainLength: number; owners: string[] }[] {
  return out.split(/^Alias name: /m).slice(1).map((sec) => ({
    alias: sec.split("\n")[0]!.trim(),
    kind: /Entry type: PrivateKeyEntry/.test(sec) ? "private-key" : "trusted-cert",
    chainLength: Number(/Certificate chain length: (\d+)/.exec(sec)?.[1] ?? 1),
    owners: [...sec.matchAll(/^Owner: (.*)$/gm)].map((m) => m[1]!),
  }));
}

describe("loadKeystore agrees with keytool -list -v", () => {
  for (const f of ["client-keytool.p12", "client.jks", "client-openssl.p12"]) {
    it(f, async () => {
      const store = await loadKeystore(s.p(f), { password: PASSWORD });
      const kt = keytoolEntries(listing[f]!);
      const ours = store.entries.map((e) => ({ alias: e.alias, kind: e.kind, chainLength: e.chain.length, owners: e.chain.map((c) => c.subject) }));
      expect(ours.sort((a, b) => a.alias.localeCompare(b.alias))).toEqual(kt.sort((a, b) => a.alias.localeCompare(b.alias)));
      for (const e of store.entries) if (e.kind === "private-key") expect(e.privateKey?.type).toBe("private");
    });
  }
});

describe("formats", () => {
  it("format detection and detail", async () => {
    const cases: [string, string, string][] = [
      ["client-openssl.p12", "pkcs12", "PKCS#12 (AES-256-CBC, PBKDF2)"],
      ["client-legacy.p12", "pkcs12", "PKCS#12 (legacy RC2-40, 3DES)"],
      ["client-keytool.p12", "pkcs12", "PKCS#12 (AES-256-CBC, PBKDF2)"],
      ["client.jks", "jks", "JKS"],
      ["bundle.pem", "pem", "PEM bundle"],
    ];
    for (const [f, fmt, detail] of cases) {
      const st = await loadKeystore(s.p(f), { password: PASSWORD });
      expect([st.format, st.formatDetail], f).toEqual([fmt, detail]);
    }
  });
  it("legacy PKCS#12: key entry with leaf + intermediate", async () => {
    const st = await loadKeystore(s.p("client-legacy.p12"), { password: PASSWORD });
    expect(st.entries.map((e) => [e.alias, e.kind, e.chain.map((c) => c.subject)])).toEqual([
      ["client", "private-key", [pem("leaf").subject, pem("inter").subject]],
    ]);
  });
  it("openssl certs-only PKCS#12 and keytool truststore are trusted-cert entries", async () => {
    const a = await loadKeystore(s.p("trust-openssl.p12"), { password: PASSWORD });
    expect(a.entries.map((e) => e.kind)).toEqual(["trusted-cert", "trusted-cert"]);
    const b = await loadKeystore(s.p("trust-keytool.p12"), { password: PASSWORD });
    expect(b.entries.map((e) => [e.alias, e.kind])).toEqual([["root", "trusted-cert"]]);
  });
  it("PEM with each key form pairs the key with its certificate and chains leaf-first", async () => {
    const certs = ["leaf.pem", "inter.pem", "root.pem"].map((f) => readFileSync(s.p(f), "utf8")).join("");
    for (const [key, pw] of [["leaf.key", undefined], ["leaf-pkcs1.key", undefined], ["leaf-enc.key", PASSWORD]] as const) {
      // key placed last, certificates in reverse order: the loader must still order leaf → root
      const text = ["root.pem", "inter.pem", "leaf.pem"].map((f) => readFileSync(s.p(f), "utf8")).join("") + readFileSync(s.p(key), "utf8");
      const st = await loadKeystoreBytes(new Uint8Array(Buffer.from(text)), { file: key, ...(pw ? { password: pw } : {}) });
      expect(st.entries).toHaveLength(1);
      expect(st.entries[0]!.chain.map((c) => c.subject), key).toEqual([pem("leaf").subject, pem("inter").subject, pem("root").subject]);
    }
    const ec = await loadKeystoreBytes(new Uint8Array(Buffer.from(readFileSync(s.p("ec-sec1.key"), "utf8") + readFileSync(s.p("ec.pem"), "utf8") + certs)), { file: "ec" });
    // inter and root belong to the EC key's chain; only the unrelated RSA leaf stays a trusted-cert entry
    expect(ec.entries.map((e) => [e.kind, e.chain[0]!.subject])).toEqual([["private-key", pem("ec").subject], ["trusted-cert", pem("leaf").subject]]);
    expect(ec.entries[0]!.chain.length).toBe(3);
  });
  it("DER certificate", async () => {
    const der = pem("root").der;
    const st = await loadKeystoreBytes(der, { file: "root.der" });
    expect(st.format).toBe("der");
    expect(st.entries[0]!.kind).toBe("trusted-cert");
  });
});

describe("bad input: one clear error each", () => {
  const cases: [string, string | undefined, string, RegExp][] = [
    ["client-openssl.p12", "wrong-password", "MTLSD_ERR_BAD_PASSWORD", /wrong keystore password/],
    ["client.jks", "wrong-password", "MTLSD_ERR_BAD_PASSWORD", /wrong keystore password/],
    ["client-openssl.p12", undefined, "MTLSD_ERR_PASSWORD_REQUIRED", /password-protected/],
    ["leaf-enc.key", "wrong-password", "MTLSD_ERR_BAD_PASSWORD", /wrong passphrase/],
    ["truncated.p12", PASSWORD, "MTLSD_ERR_TRUNCATED", /truncated PKCS#12/],
    ["random.bin", PASSWORD, "MTLSD_ERR_UNKNOWN_FORMAT", /not a keystore: expected PEM, DER, PKCS#12 or JKS/],
    ["empty.bin", undefined, "MTLSD_ERR_EMPTY_FILE", /empty/],
    ["ca", undefined, "MTLSD_ERR_IS_DIRECTORY", /is a directory/],
    ["missing.p12", undefined, "MTLSD_ERR_FILE_NOT_FOUND", /no such file/],
  ];
  for (const [f, pw, code, msg] of cases) {
    it(`${f} → ${code} (library and CLI exit 2, no stack, no password)`, async () => {
      await expect(loadKeystore(s.p(f), pw ? { password: pw } : {})).rejects.toMatchObject({ code });
      const r = spawnSync("node", ["dist/cli/main.js", "inspect", s.p(f), ...(pw ? ["--password", pw] : [])], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).toContain(s.p(f));
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
      if (pw) expect(r.stdout + r.stderr).not.toContain(pw);
    });
  }
});

describe("checkEntry and buildPath", () => {
  const NOW = Date.now();
  it("healthy keytool entry passes every check", async () => {
    const st = await loadKeystore(s.p("client-keytool.p12"), { password: PASSWORD });
    const c = checkEntry(st.entries.find((e) => e.alias === "client")!, NOW);
    expect([c.chainOrdered.ok, c.signaturesValid.ok, c.keyMatchesLeaf.ok, c.clientAuthAllowed.ok, c.digitalSignatureAllowed.ok]).toEqual([true, true, true, true, true]);
    expect(c.expired).toEqual([]);
  });
  it("expired leaf, serverAuth-only leaf, wrong key, out-of-order chain", async () => {
    const leafKey = (await loadKeystoreBytes(new Uint8Array(readFileSync(s.p("bundle.pem"))), { file: "b" })).entries[0]!.privateKey!;
    const expired = checkEntry({ alias: "x", kind: "private-key", chain: [pem("expired"), pem("inter")], privateKey: leafKey }, NOW);
    expect(expired.expired).toEqual([0]);
    expect(expired.keyMatchesLeaf.ok).toBe(false);
    expect(expired.keyMatchesLeaf.reason).toContain("CN=expired-client");
    const server = checkEntry({ alias: "s", kind: "private-key", chain: [pem("server"), pem("inter")] }, NOW);
    expect(server.clientAuthAllowed).toMatchObject({ ok: false });
    expect(server.clientAuthAllowed.reason).toContain("serverAuth");
    expect(server.digitalSignatureAllowed.ok).toBe(false);
    const swapped = checkEntry({ alias: "o", kind: "private-key", chain: [pem("leaf"), pem("root"), pem("inter")], privateKey: leafKey }, NOW);
    expect(swapped.chainOrdered.ok).toBe(false);
    expect(swapped.signaturesValid.ok).toBe(false);
    expect(checkEntry({ alias: "f", kind: "private-key", chain: [pem("leaf")] }, pem("leaf").notBefore - 1000).notYetValid).toEqual([0]);
  });
  it("buildPath: anchored, missing intermediate, truststore lacks the root", () => {
    const full = buildPath(pem("leaf"), [pem("inter")], [pem("root")], NOW);
    expect(full.anchored).toBe(true);
    expect(full.path.map((c) => c.subject)).toEqual([pem("leaf").subject, pem("inter").subject, pem("root").subject]);
    const noInter = buildPath(pem("leaf"), [], [pem("root")]);
    expect(noInter).toMatchObject({ anchored: false, missingIssuer: pem("inter").subject });
    expect(Buffer.from(noInter.missingIssuerDer!).equals(Buffer.from(pem("inter").subjectDer))).toBe(true);
    const noRoot = buildPath(pem("leaf"), [pem("inter")], [pem("ec")]);
    expect(noRoot).toMatchObject({ anchored: false, missingIssuer: pem("root").subject });
    expect(buildPath(pem("leaf"), [], [pem("inter")]).anchored).toBe(true);
  });
});

describe("inspect CLI", () => {
  it("--json shape; exit 0 healthy, 1 when a private-key entry fails; password from env", () => {
    const r = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("client-keytool.p12"), "--json"], { encoding: "utf8", env: { ...process.env, MTLS_DOCTOR_PASSWORD: PASSWORD } });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["schemaVersion", "$schema", "file", "format", "entries"]);
    expect(j.schemaVersion).toBe("1.0");
    expect(j.$schema).toBe("urn:mtls-doctor:report:inspect:1.0");
    expectValidReport(j, "inspect");
    expect(Object.keys(j.entries[0])).toEqual(["alias", "kind", "certName", "certInfo", "checks"]);
    expect(j.entries.find((e: { alias: string }) => e.alias === "client").certInfo[0].serialNumber).toBe("65:00:00:00:d2:3e:12:d8:56:fa:e2:a9:69:00:06:00:00:00:00:d2");
    expect(r.stdout).not.toContain(PASSWORD);
    writeFileSync(s.p("expired-bundle.pem"), readFileSync(s.p("expired.pem"), "utf8") + readFileSync(s.p("expired.key"), "utf8") + readFileSync(s.p("inter.pem"), "utf8"));
    const bad = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("expired-bundle.pem"), "--now", "2024-01-01T00:00:00Z"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("[FAIL] expiry: #0 \"O=MyCompany, CN=expired-client\" expired");
    expect(bad.stdout).not.toMatch(/\x1b\[/);
  });

  it("--format markdown, --format html --output F (nothing on stdout), --json validates; exit codes unchanged", () => {
    const env = { ...process.env, MTLS_DOCTOR_PASSWORD: PASSWORD };
    const md = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("client-keytool.p12"), "--format", "markdown"], { encoding: "utf8", env });
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^### Contents of .*client-keytool\.p12\n/);
    expect(md.stdout).toContain("| `client` | 0 |");
    expect(md.stdout).toContain("| ✓ passed | Private key matches the leaf certificate |");
    expect(md.stdout).not.toContain(PASSWORD);
    const file = s.p("inspect.html");
    const html = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("client-keytool.p12"), "--format", "html", "--output", file], { encoding: "utf8", env });
    expect(html.status).toBe(0);
    expect(html.stdout).toBe("");
    const page = readFileSync(file, "utf8");
    expectSelfContainedHtml(page);
    expect(page).toContain("Alias <code>client</code>");
    expect(page).not.toContain(PASSWORD);
    const json = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("expired-bundle.pem"), "--now", "2024-01-01T00:00:00Z", "--format", "json"], { encoding: "utf8" });
    expect(json.status).toBe(1);
    expectValidReport(json.stdout, "inspect");
    expect(JSON.parse(json.stdout).entries[0].checks.expired).toEqual([0]);
    const badMd = spawnSync("node", ["dist/cli/main.js", "inspect", s.p("expired-bundle.pem"), "--now", "2024-01-01T00:00:00Z", "--format", "markdown"], { encoding: "utf8" });
    expect(badMd.status).toBe(1);
    expect(badMd.stdout).toContain('| ✗ failed | Not expired (notAfter) | #0 "O=MyCompany, CN=expired-client" expired 2021-01-01T00:00:00Z |');
  });
});
