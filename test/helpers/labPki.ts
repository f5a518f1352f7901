/**
 * The shared test lab PKI, generated with the real `openssl` CLI (EC P-256), like the alert-matrix setup
 * (/work/shared/reference/alert-matrix.md):
 *
 *   Lab Root A → Lab Intermediate A → client-good (EKU clientAuth, KU digitalSignature)
 *                                   → client-expired (2020–2021), client-notyet (2035–2036),
 *                                     client-eku-server (EKU serverAuth only), client-noku-ds (KU keyEncipherment only)
 *   Lab Root B → client-rootB
 *   Lab Server CA → server (localhost, 127.0.0.1)
 *   CN=Lab Test SHA2 CA G2, DC=testcore, DC=test, DC=dir, DC=example, DC=com → nonprod-api (the playbook's names)
 *   nonprod-backend: self-signed, server-style name to advertise as a "CA"
 *   client-keymismatch: client-good's certificate with an unrelated key
 *
 * Keys are generated in-process (node:crypto, P-256, PKCS#8 PEM); certificates are made by `openssl req` /
 * `openssl ca` (fixed validity with -startdate/-enddate). Everything independent runs in parallel; a whole lab
 * takes well under two seconds on two cores. Stores are made on demand by `openssl pkcs12` and `keytool`.
 */
import { execFile } from "node:child_process";
import { generateKeyPair } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Run a tool; on failure throw with its stderr (tests should fail loudly and readably). */
export async function run(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    const detail = [err.stderr, err.stdout].filter((x) => x && x.trim()).join("\n") || err.message;
    throw new Error(`${cmd} ${args.join(" ")} failed: ${detail.trim()}`);
  }
}

export type LabName =
  | "rootA"
  | "interA"
  | "client-good"
  | "rootB"
  | "client-rootB"
  | "client-expired"
  | "client-notyet"
  | "client-eku-server"
  | "client-noku-ds"
  | "client-keymismatch"
  | "serverCA"
  | "server"
  | "playbookCA"
  | "nonprod-api"
  | "nonprod-backend";

export interface LabCert {
  name: LabName;
  /** PEM certificate file. */
  cert: string;
  /** PEM PKCS#8 private key file (unencrypted). */
  key: string;
  /** PEM file: the certificate followed by its intermediate(s), without the root (what a client sends). */
  chain: string;
  /** PEM file: leaf + intermediates + root. */
  fullChain: string;
  /** The subject as given to openssl (`/C=../CN=..` form). */
  subj: string;
  /** Name of the issuer in this lab (self for roots). */
  issuer: LabName;
}

export interface LabPki {
  dir: string;
  certs: Record<LabName, LabCert>;
  /** Shortcuts: path of the certificate / key / chain PEM of a lab identity. */
  cert(name: LabName): string;
  key(name: LabName): string;
  chain(name: LabName): string;
  /** A P-256 key that does not match client-good (same as certs["client-keymismatch"].key). */
  wrongKey: string;
  /**
   * PKCS#12 via `openssl pkcs12 -export` with one private-key entry (friendly name = `alias`, default the lab name).
   * chain: true (default) includes the intermediates, false the leaf only. legacy: PBE-SHA1-3DES + SHA-1 MAC
   * (what Java 8 / old OpenSSL write) instead of OpenSSL 3's AES-256-CBC/PBKDF2. Returns the file path.
   */
  toPkcs12(name: LabName, opts: { chain?: boolean; password: string; legacy?: boolean; alias?: string; file?: string }): Promise<string>;
  /**
   * A keystore written by `keytool -importkeystore` (JDK 17) from a PKCS#12: type "JKS" or "PKCS12" (keytool's own
   * PKCS#12 encoding). keytool requires passwords of at least 6 characters. Returns the file path.
   */
  toJksOrP12ViaKeytool(
    name: LabName,
    opts: { type: "JKS" | "PKCS12"; password: string; chain?: boolean; alias?: string; file?: string },
  ): Promise<string>;
  /**
   * A truststore holding `certs` as trusted-cert entries: "PEM" (concatenated file), or "PKCS12"/"JKS" made by
   * `keytool -importcert` (alias = lab name or file base name). Entries are lab names or PEM certificate paths.
   */
  trustStore(certs: (LabName | string)[], type: "PEM" | "PKCS12" | "JKS", opts?: { password?: string; file?: string }): Promise<string>;
  /** Removes the lab directory. */
  dispose(): Promise<void>;
}

const OPENSSL_CNF = `
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ ca ]
default_ca = lab_ca
[ lab_ca ]
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[ policy_any ]
commonName = optional
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client_ekuserver ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client_noku_ds ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_playbook_leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_selfsigned_server ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:nonprod-backend.example.com
subjectKeyIdentifier = hash
`;

interface Spec {
  name: LabName;
  subj: string;
  issuer: LabName | "self";
  ext: string;
  start?: string; // openssl ca -startdate (YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ)
  end?: string;
}

const NOW_START = "20240101000000Z";
const FAR_END = "20491231235959Z";

const SPECS: Spec[] = [
  { name: "rootA", subj: "/O=mtls-doctor lab/CN=Lab Root A", issuer: "self", ext: "v3_root" },
  { name: "rootB", subj: "/O=mtls-doctor lab/CN=Lab Root B", issuer: "self", ext: "v3_root" },
  { name: "serverCA", subj: "/O=mtls-doctor lab/CN=Lab Server CA", issuer: "self", ext: "v3_root" },
  {
    name: "playbookCA",
    subj: "/DC=com/DC=example/DC=dir/DC=test/DC=testcore/CN=Lab Test SHA2 CA G2",
    issuer: "self",
    ext: "v3_root",
  },
  {
    name: "nonprod-backend",
    subj: "/C=AU/ST=VIC/L=MELBOURNE/O=Example/OU=ITS/CN=nonprod-backend.example.com",
    issuer: "self",
    ext: "v3_selfsigned_server",
  },
  { name: "interA", subj: "/O=mtls-doctor lab/CN=Lab Intermediate A", issuer: "rootA", ext: "v3_inter" },
  { name: "client-rootB", subj: "/O=mtls-doctor lab/CN=client-rootB", issuer: "rootB", ext: "v3_client" },
  { name: "server", subj: "/O=mtls-doctor lab/CN=localhost", issuer: "serverCA", ext: "v3_server" },
  {
    name: "nonprod-api",
    subj: "/C=AU/ST=VIC/L=MELBOURNE/O=Example/OU=ITS/CN=nonprod-api.example.com",
    issuer: "playbookCA",
    ext: "v3_playbook_leaf",
  },
  { name: "client-good", subj: "/O=mtls-doctor lab/CN=client-good", issuer: "interA", ext: "v3_client" },
  {
    name: "client-expired",
    subj: "/O=mtls-doctor lab/CN=client-expired",
    issuer: "interA",
    ext: "v3_client",
    start: "20200101000000Z",
    end: "20210101000000Z",
  },
  {
    name: "client-notyet",
    subj: "/O=mtls-doctor lab/CN=client-notyet",
    issuer: "interA",
    ext: "v3_client",
    start: "20350101000000Z",
    end: "20360101000000Z",
  },
  { name: "client-eku-server", subj: "/O=mtls-doctor lab/CN=client-eku-server", issuer: "interA", ext: "v3_client_ekuserver" },
  { name: "client-noku-ds", subj: "/O=mtls-doctor lab/CN=client-noku-ds", issuer: "interA", ext: "v3_client_noku_ds" },
];

function newKeyPem(): Promise<string> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      "ec",
      { namedCurve: "prime256v1", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } },
      (err, _pub, priv) => (err ? reject(err) : resolve(priv)),
    ),
  );
}

/**
 * Generates the lab into `dir` (default: a fresh temp dir under os.tmpdir()). Call once per test file
 * (beforeAll) and `dispose()` in afterAll.
 */
export async function makeLabPki(dir?: string): Promise<LabPki> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), "mtlsd-lab-")));
  await mkdir(root, { recursive: true });
  const cnf = join(root, "openssl.cnf");
  await writeFile(cnf, OPENSSL_CNF);

  const names = [...SPECS.map((s) => s.name), "client-keymismatch" as const];
  const keys = await Promise.all(names.map(() => newKeyPem()));
  await Promise.all(names.map((n, i) => writeFile(join(root, `${n}.key.pem`), keys[i]!, { mode: 0o600 })));

  const specByName = new Map(SPECS.map((s) => [s.name, s]));
  const done = new Map<LabName, Promise<void>>();

  const issue = (spec: Spec): Promise<void> => {
    const existing = done.get(spec.name);
    if (existing) return existing;
    const p = (async () => {
      const key = join(root, `${spec.name}.key.pem`);
      const out = join(root, `${spec.name}.pem`);
      if (spec.issuer === "self") {
        await run("openssl", [
          "req", "-x509", "-new", "-config", cnf, "-key", key, "-subj", spec.subj, "-sha256",
          "-days", "9000", "-set_serial", "0x" + Buffer.from(spec.name).toString("hex").slice(0, 16),
          "-extensions", spec.ext, "-out", out,
        ]);
        return;
      }
      await issue(specByName.get(spec.issuer)!);
      // Each issuance gets its own ca database, so issuances under one CA can run in parallel.
      const work = join(root, `ca-${spec.name}`);
      await mkdir(work, { recursive: true });
      await writeFile(join(work, "index.txt"), "");
      const csr = join(work, "req.csr");
      await run("openssl", ["req", "-new", "-config", cnf, "-key", key, "-subj", spec.subj, "-out", csr]);
      await run(
        "openssl",
        [
          "ca", "-batch", "-config", cnf, "-name", "lab_ca", "-notext", "-preserveDN", "-rand_serial",
          "-cert", join(root, `${spec.issuer}.pem`), "-keyfile", join(root, `${spec.issuer}.key.pem`),
          "-startdate", spec.start ?? NOW_START, "-enddate", spec.end ?? FAR_END,
          "-extensions", spec.ext, "-in", csr, "-out", out,
        ],
        { cwd: work },
      );
    })();
    done.set(spec.name, p);
    return p;
  };
  await Promise.all(SPECS.map(issue));

  const issuerOf = (n: LabName): LabName => {
    const s = specByName.get(n)!;
    return s.issuer === "self" ? n : s.issuer;
  };
  const pemOf = new Map<LabName, string>();
  await Promise.all(SPECS.map(async (s) => pemOf.set(s.name, await readFile(join(root, `${s.name}.pem`), "utf8"))));

  const certs = {} as Record<LabName, LabCert>;
  const writes: Promise<void>[] = [];
  for (const s of SPECS) {
    // chain: leaf + every non-root issuer; fullChain adds the root.
    const path: LabName[] = [s.name];
    for (let cur = s.name; issuerOf(cur) !== cur; ) {
      cur = issuerOf(cur);
      path.push(cur);
    }
    const isSelf = s.issuer === "self";
    const chainNames = isSelf ? [s.name] : path.filter((n) => issuerOf(n) !== n);
    const chain = join(root, `${s.name}.chain.pem`);
    const fullChain = join(root, `${s.name}.fullchain.pem`);
    writes.push(writeFile(chain, chainNames.map((n) => pemOf.get(n)!).join("")));
    writes.push(writeFile(fullChain, path.map((n) => pemOf.get(n)!).join("")));
    certs[s.name] = {
      name: s.name,
      cert: join(root, `${s.name}.pem`),
      key: join(root, `${s.name}.key.pem`),
      chain,
      fullChain,
      subj: s.subj,
      issuer: isSelf ? s.name : (s.issuer as LabName),
    };
  }
  await Promise.all(writes);
  const good = certs["client-good"];
  certs["client-keymismatch"] = { ...good, name: "client-keymismatch", key: join(root, "client-keymismatch.key.pem") };

  let seq = 0;
  const fresh = (base: string) => join(root, `s${++seq}-${base}`);
  const certPath = (n: LabName | string) => (n in certs ? certs[n as LabName].cert : n);

  const toPkcs12: LabPki["toPkcs12"] = async (name, opts) => {
    const c = certs[name];
    const file = opts.file ?? fresh(`${name}.p12`);
    const args = [
      "pkcs12", "-export", "-in", opts.chain === false ? c.cert : c.chain, "-inkey", c.key,
      "-name", opts.alias ?? name, "-out", file, "-passout", `pass:${opts.password}`,
    ];
    if (opts.legacy) args.push("-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1");
    await run("openssl", args);
    return file;
  };

  const toJksOrP12ViaKeytool: LabPki["toJksOrP12ViaKeytool"] = async (name, opts) => {
    const p12 = await toPkcs12(name, { chain: opts.chain, password: opts.password, alias: opts.alias });
    const file = opts.file ?? fresh(`${name}.${opts.type === "JKS" ? "jks" : "keytool.p12"}`);
    await run("keytool", [
      "-importkeystore", "-noprompt", "-srckeystore", p12, "-srcstoretype", "PKCS12", "-srcstorepass", opts.password,
      "-destkeystore", file, "-deststoretype", opts.type, "-deststorepass", opts.password, "-destkeypass", opts.password,
    ]);
    return file;
  };

  const trustStore: LabPki["trustStore"] = async (list, type, opts = {}) => {
    if (type === "PEM") {
      const file = opts.file ?? fresh("trust.pem");
      const pems = await Promise.all(list.map((n) => readFile(certPath(n), "utf8")));
      await writeFile(file, pems.join(""));
      return file;
    }
    const file = opts.file ?? fresh(`trust.${type === "JKS" ? "jks" : "p12"}`);
    const password = opts.password ?? "changeit";
    // keytool appends one entry per run; runs on one file must be sequential.
    for (const [i, n] of list.entries()) {
      const alias = n in certs ? n : `ca${i}`;
      await run("keytool", [
        "-importcert", "-noprompt", "-alias", alias, "-file", certPath(n), "-keystore", file,
        "-storetype", type, "-storepass", password,
      ]);
    }
    return file;
  };

  return {
    dir: root,
    certs,
    cert: (n) => certs[n].cert,
    key: (n) => certs[n].key,
    chain: (n) => certs[n].chain,
    wrongKey: certs["client-keymismatch"].key,
    toPkcs12,
    toJksOrP12ViaKeytool,
    trustStore,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * Makes `count` self-signed CA certificates (P-256) named "CN=Lab Bulk CA NNN, O=mtls-doctor lab" into one PEM
 * file (for "never truncate a long CA list" tests). Returns the file path.
 */
export async function makeManyCas(dir: string, count: number): Promise<string> {
  const cnf = join(dir, "bulk.cnf");
  await writeFile(cnf, OPENSSL_CNF);
  const key = join(dir, "bulk.key.pem");
  await writeFile(key, await newKeyPem(), { mode: 0o600 });
  const pems: string[] = new Array(count);
  const idx = [...Array(count).keys()];
  // Limit parallelism: two cores.
  const lanes = 4;
  await Promise.all(
    [...Array(lanes).keys()].map(async (lane) => {
      for (const i of idx.filter((j) => j % lanes === lane)) {
        const n = String(i + 1).padStart(3, "0");
        pems[i] = await run("openssl", [
          "req", "-x509", "-new", "-config", cnf, "-key", key, "-subj", `/O=mtls-doctor lab/CN=Lab Bulk CA ${n}`,
          "-days", "3650", "-extensions", "v3_root",
        ]);
      }
    }),
  );
  const file = join(dir, `bulk-${count}-cas.pem`);
  await writeFile(file, pems.join(""));
  return file;
}
