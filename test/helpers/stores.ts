/**
 * Builds real keystores/truststores with `openssl` and `keytool` in a temp folder, once per test file.
 * RSA chain root → intermediate → leaf (clientAuth), an EC leaf, an expired leaf (openssl ca with fixed dates),
 * a serverAuth-only leaf, Ed25519 and RSA-PSS self-signed certs, and every store format the loaders accept.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PASSWORD = "s3cret-Pa55word";

export interface Stores {
  dir: string;
  /** Path helper inside the temp dir. */
  p(name: string): string;
  cleanup(): void;
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs keytool (slow: one JVM per call, so callers batch). */
export function keytool(args: string[], cwd: string): string {
  return run("keytool", args, cwd);
}

export function openssl(args: string[], cwd: string): string {
  return run("openssl", args, cwd);
}

const CA_EXT = `[root]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,email:ops@example.com
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[server]
basicConstraints=CA:FALSE
keyUsage=critical,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:server.example
`;

const CA_CNF = (dir: string) => `[ca]
default_ca=CA_default
[CA_default]
dir=${dir}
database=${dir}/ca/index.txt
new_certs_dir=${dir}/ca
serial=${dir}/ca/serial
default_md=sha256
policy=policy_any
unique_subject=no
copy_extensions=none
email_in_dn=no
[policy_any]
commonName=supplied
organizationName=optional
countryName=optional
[client]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
`;

/**
 * Generates everything. Files (all in `dir`):
 * root.pem/.key, inter.pem/.key, leaf.pem/.key (RSA), ec.pem/.key (P-256, SEC1 key in ec-sec1.key), expired.pem/.key,
 * server.pem/.key (serverAuth only), ed25519.pem, pss.pem; leaf-pkcs1.key, leaf-enc.key (encrypted PKCS#8, PASSWORD);
 * client-openssl.p12, client-legacy.p12, client-keytool.p12 (alias "client" + trusted "root"), client.jks,
 * trust-keytool.p12 (trusted root only), trust-openssl.p12 (certs only), bundle.pem, truncated.p12, random.bin, empty.bin.
 */
export function makeStores(): Stores {
  const dir = mkdtempSync(join(tmpdir(), "mtlsd-pki-"));
  const p = (n: string) => join(dir, n);
  const o = (args: string[]) => openssl(args, dir);
  writeFileSync(p("ext.cnf"), CA_EXT);
  mkdirSync(p("ca"));
  writeFileSync(p("ca/index.txt"), "");
  writeFileSync(p("ca/serial"), "1001\n");
  writeFileSync(p("ca.cnf"), CA_CNF(dir));

  o(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "root.key"]);
  o(["req", "-new", "-x509", "-key", "root.key", "-days", "3650", "-set_serial", "0x01", "-subj",
    "/C=AU/ST=VIC/O=MyCompany/CN=MyCompany Test Root CA", "-extensions", "root", "-config", "ext.cnf", "-out", "root.pem"]);
  o(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "inter.key"]);
  o(["req", "-new", "-key", "inter.key", "-subj", "/DC=com/DC=mycompany/CN=MyCompany Test SHA2 CA G2", "-out", "inter.csr"]);
  o(["x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "0x1000",
    "-days", "1825", "-sha384", "-extfile", "ext.cnf", "-extensions", "inter", "-out", "inter.pem"]);
  const leaf = (name: string, keyArgs: string[], subj: string, ext: string, serial: string, extra: string[] = []) => {
    o(["genpkey", ...keyArgs, "-out", `${name}.key`]);
    o(["req", "-new", "-key", `${name}.key`, "-subj", subj, "-out", `${name}.csr`]);
    o(["x509", "-req", "-in", `${name}.csr`, "-CA", "inter.pem", "-CAkey", "inter.key", "-set_serial", serial,
      "-days", "365", "-extfile", "ext.cnf", "-extensions", ext, ...extra, "-out", `${name}.pem`]);
  };
  leaf("leaf", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "/C=AU/ST=VIC/L=MELBOURNE/O=MyCompany/OU=ITS/CN=nonprod-api.mycompany.com", "client", "0x65000000d23e12d856fae2a969000600000000d2");
  leaf("ec", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "/O=MyCompany/CN=ec-client", "client", "0x2a");
  leaf("server", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "/O=MyCompany/CN=server.example", "server", "0x2b");
  // expired leaf with fixed dates, via `openssl ca`
  o(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "expired.key"]);
  o(["req", "-new", "-key", "expired.key", "-subj", "/O=MyCompany/CN=expired-client", "-out", "expired.csr"]);
  o(["ca", "-batch", "-config", "ca.cnf", "-cert", "inter.pem", "-keyfile", "inter.key", "-in", "expired.csr",
    "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-extensions", "client", "-notext", "-out", "expired.pem"]);
  // Ed25519 and RSA-PSS self-signed
  o(["genpkey", "-algorithm", "ED25519", "-out", "ed25519.key"]);
  o(["req", "-new", "-x509", "-key", "ed25519.key", "-days", "30", "-subj", "/CN=ed25519-self", "-out", "ed25519.pem"]);
  o(["req", "-new", "-x509", "-key", "root.key", "-days", "30", "-subj", "/CN=pss-self", "-sigopt",
    "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-sha256", "-out", "pss.pem"]);
  // key forms
  o(["rsa", "-in", "leaf.key", "-traditional", "-out", "leaf-pkcs1.key"]);
  o(["ec", "-in", "ec.key", "-out", "ec-sec1.key"]);
  o(["pkcs8", "-topk8", "-in", "leaf.key", "-v2", "aes-256-cbc", "-passout", `pass:${PASSWORD}`, "-out", "leaf-enc.key"]);
  const cat = (out: string, files: string[]) => writeFileSync(p(out), files.map((f) => readFileSync(p(f), "utf8")).join(""));
  cat("chain.pem", ["inter.pem", "root.pem"]);
  cat("bundle.pem", ["leaf.pem", "leaf.key", "inter.pem", "root.pem"]);
  // PKCS#12 from openssl
  o(["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "inter.pem", "-name", "client",
    "-passout", `pass:${PASSWORD}`, "-out", "client-openssl.p12"]);
  o(["pkcs12", "-export", "-legacy", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "inter.pem", "-name", "client",
    "-passout", `pass:${PASSWORD}`, "-out", "client-legacy.p12"]);
  o(["pkcs12", "-export", "-nokeys", "-in", "chain.pem", "-passout", `pass:${PASSWORD}`, "-out", "trust-openssl.p12"]);
  // keytool: PKCS#12 (JDK default algorithms) and JKS, each with the client key entry and a trusted root
  const k = (args: string[]) => keytool(args, dir);
  k(["-importkeystore", "-srckeystore", "client-openssl.p12", "-srcstoretype", "PKCS12", "-srcstorepass", PASSWORD,
    "-destkeystore", "client-keytool.p12", "-deststoretype", "PKCS12", "-deststorepass", PASSWORD, "-noprompt"]);
  k(["-importcert", "-alias", "root", "-file", "root.pem", "-keystore", "client-keytool.p12", "-storetype", "PKCS12",
    "-storepass", PASSWORD, "-noprompt"]);
  k(["-importkeystore", "-srckeystore", "client-keytool.p12", "-srcstoretype", "PKCS12", "-srcstorepass", PASSWORD,
    "-destkeystore", "client.jks", "-deststoretype", "JKS", "-deststorepass", PASSWORD, "-noprompt"]);
  k(["-importcert", "-alias", "root", "-file", "root.pem", "-keystore", "trust-keytool.p12", "-storetype", "PKCS12",
    "-storepass", PASSWORD, "-noprompt"]);
  // bad inputs
  const p12 = readFileSync(p("client-openssl.p12"));
  writeFileSync(p("truncated.p12"), p12.subarray(0, Math.floor(p12.length / 2)));
  writeFileSync(p("random.bin"), Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 197 + 13) & 0xff)));
  writeFileSync(p("empty.bin"), "");
  return { dir, p, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
