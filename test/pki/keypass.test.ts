/**
 * Key passwords that differ from the store password (keytool -destkeypass; Java's KeyStore API for PKCS#12), inspect's
 * exit code for failing private-key entries (openssl pkcs12 -export -certfile stores), and the chain-complete check.
 * Every store is made by openssl / keytool / the JDK in a temp folder; nothing is hand-built.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicKey } from "node:crypto";
import { loadKeystore } from "../../src/pki/store.js";
import { checkEntry } from "../../src/pki/chain.js";
import { credentialFromKeystore } from "../../src/probe/credential.js";
import { expectValidReport } from "../helpers/reportSchema.js";

const STORE_PW = "Store-Pw-1";
const KEY_PW = "Key-Pw-2";
const OTHER_PW = "Other-Pw-3";
const NOW = "2026-12-01T00:00:00Z";

let dir = "";
const p = (n: string) => join(dir, n);
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const cli = (args: string[], env: Record<string, string> = {}) => {
  const e = { ...process.env, ...env };
  delete e.MTLS_DOCTOR_PASSWORD;
  if (!("MTLS_DOCTOR_KEY_PASSWORD" in env)) delete e.MTLS_DOCTOR_KEY_PASSWORD;
  return spawnSync("node", ["dist/cli/main.js", "inspect", ...args], { encoding: "utf8", env: e });
};
const noSecrets = (s: string) => {
  for (const pw of [STORE_PW, KEY_PW, OTHER_PW]) expect(s).not.toContain(pw);
};

const EXT = `[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
[server]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
`;

/** A PKCS#12 whose key is protected by its own password, written by the JDK's PKCS12 KeyStore (keytool refuses to). */
const MK_P12 = `import java.io.*;
import java.security.*;
import java.security.cert.Certificate;
public class MkP12 {
  public static void main(String[] a) throws Exception {
    KeyStore src = KeyStore.getInstance("JKS");
    try (FileInputStream in = new FileInputStream(a[0])) { src.load(in, a[1].toCharArray()); }
    Key k = src.getKey(a[3], a[2].toCharArray());
    Certificate[] chain = src.getCertificateChain(a[3]);
    KeyStore out = KeyStore.getInstance("PKCS12");
    out.load(null, null);
    out.setKeyEntry(a[3], k, a[2].toCharArray(), chain);
    try (FileOutputStream o = new FileOutputStream(a[4])) { out.store(o, a[1].toCharArray()); }
    KeyStore r = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(a[4])) { r.load(in, a[1].toCharArray()); }
    r.getKey(a[3], a[2].toCharArray());
    try { r.getKey(a[3], a[1].toCharArray()); System.out.println("SAME"); } catch (UnrecoverableKeyException e) { System.out.println("DISTINCT"); }
  }
}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mtlsd-keypass-"));
  writeFileSync(p("ext.cnf"), EXT);
  const o = (args: string[]) => sh("openssl", args);
  const ec = (name: string) => o(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`]);
  ec("root");
  o(["req", "-new", "-x509", "-key", "root.key", "-days", "3650", "-subj", "/O=FU/CN=FU Root CA", "-extensions", "root", "-config", "ext.cnf", "-out", "root.pem"]);
  ec("inter");
  o(["req", "-new", "-key", "inter.key", "-subj", "/O=FU/CN=FU Issuing CA", "-out", "inter.csr"]);
  o(["x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-days", "1825", "-extfile", "ext.cnf", "-extensions", "inter", "-out", "inter.pem"]);
  const leaf = (name: string, ext: string, serial: string) => {
    ec(name);
    o(["req", "-new", "-key", `${name}.key`, "-subj", `/O=FU/CN=${name}`, "-out", `${name}.csr`]);
    o(["x509", "-req", "-in", `${name}.csr`, "-CA", "inter.pem", "-CAkey", "inter.key", "-set_serial", serial, "-days", "365", "-extfile", "ext.cnf", "-extensions", ext, "-out", `${name}.pem`]);
  };
  leaf("client", "client", "3");
  leaf("server-only", "server", "4");
  // expired leaf with fixed dates (openssl x509 -req cannot set them): `openssl ca`
  mkdirSync(p("ca"));
  writeFileSync(p("ca/index.txt"), "");
  writeFileSync(p("ca/serial"), "1001\n");
  writeFileSync(p("ca.cnf"), `[ca]\ndefault_ca=d\n[d]\ndir=${dir}\ndatabase=${dir}/ca/index.txt\nnew_certs_dir=${dir}/ca\nserial=${dir}/ca/serial\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n[client]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n`);
  ec("expired");
  o(["req", "-new", "-key", "expired.key", "-subj", "/O=FU/CN=expired", "-out", "expired.csr"]);
  o(["ca", "-batch", "-config", "ca.cnf", "-cert", "inter.pem", "-keyfile", "inter.key", "-in", "expired.csr", "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-extensions", "client", "-notext", "-out", "expired.pem"]);
  const p12 = (name: string, out: string, certfile: boolean) =>
    o(["pkcs12", "-export", "-inkey", `${name}.key`, "-in", `${name}.pem`, ...(certfile ? ["-certfile", "inter.pem"] : []), "-name", name, "-passout", `pass:${STORE_PW}`, "-out", out]);
  p12("client", "client.p12", true);
  p12("expired", "expired.p12", true);
  p12("server-only", "server-only.p12", true);
  p12("client", "leaf-only.p12", false);
  // keytool: JKS whose key password differs from the store password
  sh("keytool", ["-importkeystore", "-srckeystore", "client.p12", "-srcstoretype", "PKCS12", "-srcstorepass", STORE_PW,
    "-destkeystore", "keypass.jks", "-deststoretype", "JKS", "-deststorepass", STORE_PW, "-destkeypass", KEY_PW, "-noprompt"]);
  // JDK PKCS12 KeyStore: the same, as PKCS#12 (and the JDK confirms the store password does not open the key)
  writeFileSync(p("MkP12.java"), MK_P12);
  expect(sh("java", ["MkP12.java", "keypass.jks", STORE_PW, KEY_PW, "client", "keypass.p12"]).trim()).toBe("DISTINCT");
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("key password different from the store password", () => {
  for (const f of ["keypass.jks", "keypass.p12"]) {
    it(`${f}: loadKeystore with keyPassword recovers the key; without it a clear error, or the chain with keyNotRecovered`, async () => {
      const ok = await loadKeystore(p(f), { password: STORE_PW, keyPassword: KEY_PW });
      const e = ok.entries.find((x) => x.kind === "private-key")!;
      expect(e.alias).toBe("client");
      expect(e.chain.map((c) => c.subject)).toEqual(["CN=client, O=FU", "CN=FU Issuing CA, O=FU"]);
      expect(createPublicKey(e.privateKey!).export({ type: "spki", format: "der" }).equals(Buffer.from(e.chain[0]!.spki))).toBe(true);

      const err = await loadKeystore(p(f), { password: STORE_PW }).then(() => undefined, (x: unknown) => x as { code: string; message: string });
      expect(err?.code).toBe("MTLSD_ERR_BAD_PASSWORD");
      expect(err?.message).toBe(`${p(f)}: alias "client": private key not recovered: wrong key password (use --key-password)`);
      await expect(loadKeystore(p(f), { password: STORE_PW, keyPassword: OTHER_PW })).rejects.toMatchObject({ code: "MTLSD_ERR_BAD_PASSWORD" });

      const kept = await loadKeystore(p(f), { password: STORE_PW, unrecoveredKeys: "keep" });
      const k = kept.entries.find((x) => x.alias === "client")!;
      expect(k.kind).toBe("private-key");
      expect(k.privateKey).toBeUndefined();
      expect(k.chain).toHaveLength(2);
      expect(k.keyNotRecovered).toBe("private key not recovered: wrong key password (use --key-password)");
      const checks = checkEntry(k, Date.parse(NOW));
      expect(checks.keyMatchesLeaf).toEqual({ ok: false, reason: k.keyNotRecovered });
      expect([checks.chainOrdered.ok, checks.signaturesValid.ok, checks.clientAuthAllowed.ok]).toEqual([true, true, true]);
      // a wrong store password is still a failed load, whatever the key password
      await expect(loadKeystore(p(f), { password: OTHER_PW, keyPassword: KEY_PW, unrecoveredKeys: "keep" })).rejects.toMatchObject({ code: "MTLSD_ERR_BAD_PASSWORD" });
    });

    it(`${f}: credentialFromKeystore passes keyPassword through`, async () => {
      const c = await credentialFromKeystore(p(f), { password: STORE_PW, keyPassword: KEY_PW, alias: "client" });
      expect(c.chain).toHaveLength(2);
      expect(c.privateKey.type).toBe("private");
      await expect(credentialFromKeystore(p(f), { password: STORE_PW })).rejects.toMatchObject({ code: "MTLSD_ERR_BAD_PASSWORD", message: expect.stringContaining("--key-password") });
    });

    it(`${f}: inspect lists the chain without the key (exit 1), --key-password / MTLS_DOCTOR_KEY_PASSWORD recover it (exit 0)`, () => {
      const r = cli([p(f), "--password", STORE_PW, "--now", NOW]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain('alias "client" — private-key (key not recovered), chain of 2');
      expect(r.stdout).toContain("  [0] leaf: CN=client, O=FU");
      expect(r.stdout).toContain("  [1] issuer: CN=FU Issuing CA, O=FU");
      expect(r.stdout).toContain("  [FAIL] key matches leaf: private key not recovered: wrong key password (use --key-password)");
      expect(r.stderr).toBe(`mtls-doctor: ${p(f)}: alias "client": private key not recovered: wrong key password (use --key-password); its chain is listed, the key is not checked\n`);
      noSecrets(r.stdout + r.stderr);
      const j = cli([p(f), "--password", STORE_PW, "--now", NOW, "--json"]);
      expect(j.status, j.stderr).toBe(1);
      expectValidReport(j.stdout, "inspect");
      const entry = JSON.parse(j.stdout).entries.find((x: { alias: string }) => x.alias === "client");
      expect(entry.keyNotRecovered).toBe("private key not recovered: wrong key password (use --key-password)");
      expect(entry.certInfo).toHaveLength(2);

      const good = cli([p(f), "--password", STORE_PW, "--key-password", KEY_PW, "--now", NOW]);
      expect([good.status, good.stderr]).toEqual([0, ""]);
      expect(good.stdout).toContain('  [ok] key matches leaf: the private key matches the public key of #0 "CN=client, O=FU"');
      noSecrets(good.stdout);
      const env = cli([p(f), "--password", STORE_PW, "--now", NOW], { MTLS_DOCTOR_KEY_PASSWORD: KEY_PW });
      expect(env.status).toBe(0);
      const wrong = cli([p(f), "--password", STORE_PW, "--key-password", OTHER_PW, "--now", NOW]);
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toContain("private key not recovered: wrong key password (the --key-password given does not decrypt it either)");
      noSecrets(wrong.stdout + wrong.stderr);
      const badStore = cli([p(f), "--password", OTHER_PW, "--key-password", KEY_PW]);
      expect(badStore.status).toBe(2);
      expect(badStore.stderr).toMatch(/wrong keystore password/);
    });
  }
});

describe("inspect exit code: a failing private-key entry exits 1 in every format", () => {
  const cases: [string, string][] = [
    ["expired.p12", '[FAIL] expiry: #0 "CN=expired" expired'],
    ["server-only.p12", '[FAIL] clientAuth: #0 "CN=server-only, O=FU" extendedKeyUsage is serverAuth, without clientAuth (RFC 5280 §4.2.1.12)'],
  ];
  for (const [f, line] of cases) {
    it(f, () => {
      const t = cli([p(f), "--password", STORE_PW, "--now", NOW]);
      expect(t.status, t.stderr).toBe(1);
      expect(t.stdout).toContain(`  ${line}`);
      expect(t.stdout).toMatch(/chain of 2/);
      for (const fmt of [["--json"], ["--format", "markdown"]]) expect(cli([p(f), "--password", STORE_PW, "--now", NOW, ...fmt]).status, fmt.join(" ")).toBe(1);
    });
  }
  it("the healthy store from the same CA exits 0", () => {
    const t = cli([p("client.p12"), "--password", STORE_PW, "--now", NOW]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).not.toMatch(/\[FAIL\]|\[warn\]/);
    expect(t.stdout).toContain('  [ok] chain complete: ends at #1 "CN=FU Issuing CA, O=FU", issued by "CN=FU Root CA, O=FU"');
  });
});

describe("chain complete", () => {
  it("a leaf-only PKCS#12 is a warning (exit 0), listed in text and JSON; signatures no longer claim ok for a missing issuer", () => {
    const t = cli([p("leaf-only.p12"), "--password", STORE_PW, "--now", NOW]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toContain(
      '  [warn] chain complete: ends at #0 "CN=client, O=FU", whose issuer "CN=FU Issuing CA, O=FU" is not in the entry; a client that sends this entry sends no intermediate (fine only if the server trusts "CN=FU Issuing CA, O=FU" itself)',
    );
    expect(t.stdout).toContain('  [ok] signatures: no signature to check inside the entry: the issuer of #0 "CN=client, O=FU" is not in it (see chain complete)');
    const j = cli([p("leaf-only.p12"), "--password", STORE_PW, "--now", NOW, "--json"]);
    expect(j.status, j.stderr).toBe(0);
    expectValidReport(j.stdout, "inspect");
    expect(JSON.parse(j.stdout).entries[0].checks.chainComplete).toMatchObject({ ok: false, severity: "warning" });
  });
  it("checkEntry: self-signed root ends the chain; leaf + intermediate ends at a CA (ok)", async () => {
    const full = await loadKeystore(p("client.p12"), { password: STORE_PW });
    const root = (await loadKeystore(p("root.pem"))).entries[0]!;
    const withRoot = checkEntry({ ...full.entries[0]!, chain: [...full.entries[0]!.chain, root.chain[0]!] }, Date.parse(NOW));
    expect(withRoot.chainComplete).toEqual({ ok: true, reason: 'ends at the self-signed #2 "CN=FU Root CA, O=FU"' });
    expect(checkEntry(full.entries[0]!, Date.parse(NOW)).chainComplete?.ok).toBe(true);
    expect(checkEntry(root, Date.parse(NOW)).chainComplete).toEqual({ ok: true, reason: '#0 "CN=FU Root CA, O=FU" is self-signed' });
  });
});
