/**
 * The non-Java client models against the real clients on this machine: Go crypto/tls (test/go/client, built with
 * the Debian Go toolchain), OpenSSL `s_client`, Node `tls.connect` and curl (OpenSSL backend).
 *
 * For each scenario: our probe reads the `openssl s_server`'s CertificateRequest, the model predicts
 * (`selectClientCertificate(stack, ...)`), the real client connects to the same server through a recording TCP relay
 * while writing an NSS key log, and the client's Certificate message is decoded from the relayed bytes
 * (TLS 1.3 decrypted with the key log). The certificates the client actually sent (DER) must equal the predicted
 * chain; an empty Certificate message must be predicted as `empty`.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tls from "node:tls";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectClientCertificate } from "../../src/diagnose/clients/index.js";
import type { ServerPolicy, StoreEvidence } from "../../src/evidence/model.js";
import type { ClientSelection } from "../../src/diagnose/clients/index.js";
import { loadKeystore } from "../../src/pki/store.js";
import { probe } from "../../src/probe/probe.js";
import { decodeConnection } from "../../src/wire/connection.js";
import type { CertificateMsg, Direction } from "../../src/wire/types.js";
import { makeLabPki, run, type LabName, type LabPki } from "../helpers/labPki.js";
import { runJavaClient, startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";

type Tls = "1.2" | "1.3";
const VERSIONS: Tls[] = ["1.2", "1.3"];
const GO_SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "go", "client", "main.go");

// ---------------------------------------------------------------------------------------------------------------
// Go toolchain: present or not, said once (a missing Go skips the Go half with a reason, it is never faked).

function which(cmd: string): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, cmd)));
}
const HAVE_GO = which("go");
const HAVE_CURL = which("curl");

let goBinary: Promise<string> | undefined;
/**
 * Builds test/go/client once per source hash into os.tmpdir() (GOCACHE/HOME/GOPATH in a temp dir, GOPROXY=off:
 * stdlib only, no downloads; works as root on a fresh machine). A lost race uses the winner's binary.
 */
function buildGoClient(): Promise<string> {
  goBinary ??= (async () => {
    const src = await readFile(GO_SRC);
    const dir = join(tmpdir(), `mtlsd-go-${createHash("sha256").update(src).digest("hex").slice(0, 16)}`);
    const bin = join(dir, "client");
    if (existsSync(bin)) return bin;
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    await mkdir(tmp, { recursive: true });
    const env = { ...process.env, HOME: tmp, GOCACHE: join(tmp, "cache"), GOPATH: join(tmp, "gopath"), GOPROXY: "off", GOFLAGS: "", GO111MODULE: "" };
    await new Promise<void>((resolve, reject) => {
      const c = spawn("go", ["build", "-o", join(tmp, "client"), GO_SRC], { env, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      c.stdout.on("data", (d: Buffer) => (err += d.toString()));
      c.stderr.on("data", (d: Buffer) => (err += d.toString()));
      c.once("error", reject);
      c.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`go build failed (${code}): ${err}`))));
    });
    await rm(join(tmp, "cache"), { recursive: true, force: true });
    try {
      await rename(tmp, dir);
    } catch {
      await rm(tmp, { recursive: true, force: true });
      if (!existsSync(bin)) throw new Error(`could not install the Go client into ${dir}`);
    }
    return bin;
  })();
  return goBinary;
}

// ---------------------------------------------------------------------------------------------------------------
// Observation: a recording relay between the real client and the real server.

interface Relay {
  port: number;
  /** The client connected (a client that gave up before connecting leaves this false). */
  connected(): boolean;
  /** Resolves with the relayed chunks of the (single) connection once both sides closed. */
  done: Promise<{ direction: Direction; bytes: Uint8Array }[]>;
  close(): Promise<void>;
}

/** A one-connection TCP relay on 127.0.0.1:<ephemeral> to `upstreamPort`, recording both directions in order. */
async function startRelay(upstreamPort: number): Promise<Relay> {
  const chunks: { direction: Direction; bytes: Uint8Array }[] = [];
  const sockets = new Set<net.Socket>();
  let connected = false;
  let finish!: () => void;
  const done = new Promise<typeof chunks>((resolve) => (finish = () => resolve(chunks)));
  const server = net.createServer((down) => {
    server.close(); // one connection per relay
    connected = true;
    const up = net.connect(upstreamPort, "127.0.0.1");
    for (const s of [down, up]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
    }
    down.on("data", (b: Buffer) => {
      chunks.push({ direction: "client→server", bytes: new Uint8Array(b) });
      up.write(b);
    });
    up.on("data", (b: Buffer) => {
      chunks.push({ direction: "server→client", bytes: new Uint8Array(b) });
      down.write(b);
    });
    down.on("end", () => up.end());
    up.on("end", () => down.end());
    let closed = 0;
    const onClose = () => {
      if (++closed === 2) finish();
      down.destroy();
      up.destroy();
    };
    down.once("close", onClose);
    up.once("close", onClose);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connected: () => connected,
    done,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * What the client put in its Certificate message: the DER certificates (hex), `[]` for an empty Certificate, or
 * `undefined` when it sent no Certificate message at all.
 */
function sentCertificates(chunks: { direction: Direction; bytes: Uint8Array }[], keyLogText: string): string[] | undefined {
  const msgs = decodeConnection(chunks, { keyLogText });
  const cert = msgs.find((m) => m.direction === "client→server" && m.type === "Certificate");
  if (!cert) {
    const seen = msgs.filter((m) => m.direction === "client→server").map((m) => m.type).join(", ");
    if (msgs.some((m) => m.direction === "client→server" && m.encrypted)) throw new Error(`client records left encrypted (key log?): ${seen}`);
    return undefined;
  }
  return (cert.body as CertificateMsg).entries.map((e) => Buffer.from(e.certData).toString("hex"));
}

// ---------------------------------------------------------------------------------------------------------------
// The real clients. Each gets: the relay port, PEM chain (leaf first), PEM key, TLS version, a key log path.

interface ClientRun {
  port: number;
  /** PEM: the leaf followed by the intermediates configured with it. */
  chain: string;
  /** PEM: only the certificates after the leaf (s_client's -cert_chain, which refuses an empty file). */
  extra: string;
  hasExtra: boolean;
  key: string;
  tls: Tls;
  keyLog: string;
}

/** Runs a process to completion (10 s cap), returning its combined output. */
async function runTool(cmd: string, args: string[], env?: NodeJS.ProcessEnv, input = ""): Promise<string> {
  const c = spawn(cmd, args, { env: env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  c.stdout.on("data", (d: Buffer) => (out += d.toString()));
  c.stderr.on("data", (d: Buffer) => (out += d.toString()));
  c.stdin.end(input);
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
  await new Promise<void>((resolve) => c.once("close", () => resolve()));
  clearTimeout(timer);
  return out;
}

const CLIENTS: Record<"go" | "openssl" | "openssl-cert-only" | "node" | "curl", (r: ClientRun) => Promise<string>> = {
  go: async (r) =>
    runTool(await buildGoClient(), ["-connect", `127.0.0.1:${r.port}`, "-cert", r.chain, "-key", r.key, "-tls", r.tls, "-keylog", r.keyLog]),
  openssl: (r) =>
    runTool(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${r.port}`, "-cert", r.chain, ...(r.hasExtra ? ["-cert_chain", r.extra] : []), "-key", r.key, r.tls === "1.2" ? "-tls1_2" : "-tls1_3", "-keylogfile", r.keyLog, "-ign_eof"],
      undefined,
      "GET / HTTP/1.0\r\n\r\n",
    ),
  // What people often type: the whole chain file given to -cert and no -cert_chain.
  "openssl-cert-only": (r) =>
    runTool(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${r.port}`, "-cert", r.chain, "-key", r.key, r.tls === "1.2" ? "-tls1_2" : "-tls1_3", "-keylogfile", r.keyLog, "-ign_eof"],
      undefined,
      "GET / HTTP/1.0\r\n\r\n",
    ),
  curl: (r) =>
    runTool(
      "curl",
      ["-sS", "-k", "--max-time", "10", "--cert", r.chain, "--key", r.key, ...(r.tls === "1.2" ? ["--tlsv1.2", "--tls-max", "1.2"] : ["--tlsv1.3"]), `https://127.0.0.1:${r.port}/`],
      { ...process.env, SSLKEYLOGFILE: r.keyLog },
    ),
  node: async (r) => {
    const [cert, key] = await Promise.all([readFile(r.chain), readFile(r.key)]);
    const version = r.tls === "1.2" ? "TLSv1.2" : "TLSv1.3";
    let keylog = "";
    let out = "";
    await new Promise<void>((resolve) => {
      const s = tls.connect({ host: "127.0.0.1", port: r.port, cert, key, rejectUnauthorized: false, minVersion: version, maxVersion: version });
      s.on("keylog", (line: Buffer) => (keylog += line.toString("latin1")));
      s.on("secureConnect", () => s.write("GET / HTTP/1.0\r\n\r\n"));
      s.on("data", (d: Buffer) => (out += d.toString()));
      s.on("error", (e) => (out += `error ${e.message}`));
      s.setTimeout(10_000, () => s.destroy());
      s.on("close", () => resolve());
    });
    await writeFile(r.keyLog, keylog);
    return out;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The lab: servers that differ only in their CertificateRequest.

type ServerKind = "rootA" | "interA" | "norm" | "noCAs" | "emptyCAs" | "pssOnly";
/** What the client does: sends a chain, answers with an empty Certificate, or aborts before any Certificate. */
type Outcome = "sent" | "empty" | "aborts";
let lab: LabPki;
let work: string;
const servers: Record<string, Peer> = {};
const policies: Record<string, { policy: ServerPolicy; tlsVersion: string }> = {};
const relays = new Set<Relay>();
let seq = 0;

/**
 * "Lab Root A" again, but spelt so that only RFC 5280 §7.1 normalisation makes it equal to the real Root A's name:
 * PrintableString instead of UTF8String (string_mask = default) and upper case. A self-signed certificate with that
 * subject is what the "norm" server advertises.
 */
async function makeNormalisedRootA(): Promise<string> {
  const cnf = join(work, "norm.cnf");
  await writeFile(cnf, "[req]\ndistinguished_name = dn\nprompt = no\nstring_mask = default\n[dn]\nCN = unused\n");
  const out = join(work, "norm-rootA.pem");
  await run("openssl", ["req", "-x509", "-new", "-config", cnf, "-key", lab.key("rootA"), "-subj", "/O=MTLS-DOCTOR LAB/CN=LAB ROOT A", "-days", "3650", "-out", out]);
  return out;
}

/** A PEM bundle (chain + key) for the model's keystore, an extra-certs file, for one lab identity. */
async function credentialFiles(name: LabName, leafOnly: boolean): Promise<{ chain: string; extra: string; hasExtra: boolean; key: string; bundle: string }> {
  const pems = (await readFile(lab.chain(name), "utf8")).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  const used = leafOnly ? pems.slice(0, 1) : pems;
  const base = join(work, `${name}-${leafOnly ? "leaf" : "chain"}`);
  const files = { chain: `${base}.chain.pem`, extra: `${base}.extra.pem`, hasExtra: used.length > 1, key: lab.key(name), bundle: `${base}.bundle.pem` };
  if (!existsSync(files.bundle)) {
    await writeFile(files.chain, used.join(""));
    await writeFile(files.extra, used.slice(1).join(""));
    await writeFile(files.bundle, used.join("") + (await readFile(lab.key(name), "utf8")));
  }
  return files;
}

interface Scenario {
  name: string;
  cert: LabName;
  leafOnly?: boolean;
  server: ServerKind;
  /** What the scenario is about (checked against the prediction so the scenario cannot silently drift). */
  expect: Outcome | Record<Tls, Outcome>;
}

/** The model's outcome: it has no separate "aborts" state (an abort is `empty`, no chain, and the summary says why). */
function predictedOutcome(sel: ClientSelection): Outcome {
  if (!sel.empty) return "sent";
  return /unexpected message/.test(sel.summary) ? "aborts" : "empty";
}

/** Runs the real client of `stack` through a fresh recording relay to the scenario's server; what it sent. */
async function runReal(stack: keyof typeof CLIENTS, server: string, files: Awaited<ReturnType<typeof credentialFiles>>, tlsVersion: Tls) {
  const relay = await startRelay(servers[server]!.port);
  relays.add(relay);
  const keyLog = join(work, `keylog-${++seq}.txt`);
  try {
    const output = await CLIENTS[stack]({ port: relay.port, ...files, tls: tlsVersion, keyLog });
    if (!relay.connected()) throw new Error(`the real ${stack} client never connected; its output:\n${output}`);
    const chunks = await relay.done;
    const keyLogText = existsSync(keyLog) ? await readFile(keyLog, "utf8") : "";
    const sent = sentCertificates(chunks, keyLogText);
    const outcome: Outcome = sent === undefined ? "aborts" : sent.length === 0 ? "empty" : "sent";
    return { sent, outcome, output };
  } finally {
    relays.delete(relay);
    await relay.close();
  }
}

/**
 * One scenario: the real client's Certificate message must be what the scenario says (so the scenario cannot
 * drift), and the model must predict exactly it: same outcome, same certificates (DER) in the same order.
 */
async function observe(stack: Exclude<keyof typeof CLIENTS, "openssl-cert-only">, s: Scenario, tlsVersion: Tls): Promise<void> {
  const key = `${s.server}-${tlsVersion}`;
  const { policy, tlsVersion: negotiated } = policies[key]!;
  const files = await credentialFiles(s.cert, s.leafOnly ?? false);
  const stores: StoreEvidence[] = [{ store: await loadKeystore(files.bundle), role: "client-keystore" }];
  const predicted = selectClientCertificate(stack, stores, policy, { tlsVersion: negotiated, now: Date.now() });
  const real = await runReal(stack, key, files, tlsVersion);

  const want = typeof s.expect === "string" ? s.expect : s.expect[tlsVersion];
  expect(real.outcome, `what the real ${stack} client did; its output:\n${real.output}`).toBe(want);
  if (real.outcome === "aborts") expect(real.output).toMatch(/unexpected message/);
  expect(predictedOutcome(predicted), `the model: ${predicted.summary}`).toBe(real.outcome);
  expect(real.sent ?? []).toEqual(predicted.sentChain.map((c) => Buffer.from(c.der).toString("hex")));
}

beforeAll(async () => {
  lab = await makeLabPki();
  work = join(lab.dir, "real-clients");
  await mkdir(work, { recursive: true });
  const norm = await makeNormalisedRootA();
  const specs: Record<ServerKind, Omit<Parameters<typeof startOpensslServer>[0], "tls" | "mode" | "cert" | "key">> = {
    rootA: { caFile: lab.cert("rootA") },
    interA: { caFile: lab.cert("interA"), verifyCAfile: lab.cert("rootA") },
    norm: { caFile: norm, verifyCAfile: lab.cert("rootA") },
    // No -CAfile: an empty list in TLS 1.2, no certificate_authorities extension in TLS 1.3.
    noCAs: {},
    // -no_ca_names: OpenSSL 3.0 sends an empty list in TLS 1.2 (valid) and an EMPTY extension in TLS 1.3 (invalid).
    emptyCAs: { caFile: lab.cert("rootA"), noCaNames: true },
    pssOnly: { caFile: lab.cert("rootA"), clientSigalgs: "RSA-PSS+SHA256" },
  };
  await Promise.all(
    Object.entries(specs).flatMap(([kind, spec]) =>
      VERSIONS.map(async (v) => {
        const k = `${kind}-${v}`;
        // -Verify 1 without -verify_return_error: the server asks for a certificate and reports, it does not judge.
        servers[k] = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), mode: "Verify", tls: v, ...spec });
        const ev = await probe({ host: "127.0.0.1", port: servers[k]!.port, checkRequired: false, timeoutMs: 10_000, graceMs: 300 });
        policies[k] = { policy: ev.policy, tlsVersion: ev.conversation.tlsVersion ?? v };
      }),
    ),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all([...relays].map((r) => r.close()));
  await stopAllPeers();
  await lab?.dispose();
});

// ---------------------------------------------------------------------------------------------------------------

const GO_SCENARIOS: Scenario[] = [
  { name: "leaf+intermediate under the listed Root A", cert: "client-good", server: "rootA", expect: "sent" },
  { name: "chain from Root B, server lists Root A", cert: "client-rootB", server: "rootA", expect: "empty" },
  { name: "leaf only (issuer Intermediate A), server lists Root A", cert: "client-good", leafOnly: true, server: "rootA", expect: "empty" },
  { name: "leaf only, server lists Intermediate A", cert: "client-good", leafOnly: true, server: "interA", expect: "sent" },
  { name: "issuer equals the listed CA only after normalisation (PrintableString, upper case)", cert: "client-good", server: "norm", expect: "empty" },
  { name: "server lists no CA (chain from Root B)", cert: "client-rootB", server: "noCAs", expect: "sent" },
  {
    name: "server sends -no_ca_names (TLS 1.3: empty certificate_authorities extension, Go cannot parse it)",
    cert: "client-good",
    server: "emptyCAs",
    expect: { "1.2": "sent", "1.3": "aborts" },
  },
  { name: "server's signature_algorithms are RSA-PSS only (EC key)", cert: "client-good", server: "pssOnly", expect: "empty" },
];

describe.skipIf(!HAVE_GO)("Go crypto/tls model = real Go client", () => {
  for (const s of GO_SCENARIOS) {
    for (const v of VERSIONS) {
      it(`${s.name} (TLS ${v})`, () => observe("go", s, v), 15_000);
    }
  }
});
if (!HAVE_GO) {
  describe("Go crypto/tls model = real Go client", () => {
    it.skip("skipped: no `go` on PATH (install golang-go; .ci/run does)", () => undefined);
  });
}

describe.skipIf(!HAVE_GO)("Go and Java differ on a name equal only after normalisation", () => {
  // The contrast the Go model exists for: JSSE compares X500Principal (RFC 2253 canonical form) and sends, Go
  // compares RawIssuer bytes and does not. TLS 1.2, so the Certificate message is read without a key log.
  it("the real JSSE client (SunX509) sends client-good to the server listing LAB ROOT A (PrintableString); Go does not", async () => {
    const files = await credentialFiles("client-good", false);
    const stores: StoreEvidence[] = [{ store: await loadKeystore(files.bundle), role: "client-keystore" }];
    const { policy } = policies["norm-1.2"]!;
    const javaModel = selectClientCertificate("java", stores, policy, { tlsVersion: "1.2", now: Date.now(), keyManager: "SunX509" });
    const goModel = selectClientCertificate("go", stores, policy, { tlsVersion: "1.2", now: Date.now() });
    expect(goModel.reasons[0]!.why).toMatch(/only after normalisation/);

    const p12 = await lab.toPkcs12("client-good", { password: "changeit-123", file: join(work, "norm-client-good.p12") });
    const relay = await startRelay(servers["norm-1.2"]!.port);
    relays.add(relay);
    try {
      const java = await runJavaClient({ port: relay.port, keystore: p12, password: "changeit-123", keyManager: "SunX509", tls: "1.2" });
      const sent = sentCertificates(await relay.done, "");
      expect(sent, java.result).toEqual(javaModel.sentChain.map((c) => Buffer.from(c.der).toString("hex")));
      expect(sent).toHaveLength(2);
    } finally {
      relays.delete(relay);
      await relay.close();
    }
    const go = await runReal("go", "norm-1.2", files, "1.2");
    expect(go.outcome).toBe("empty");
    expect(goModel.empty).toBe(true);
  }, 20_000);
});

const PASSTHROUGH_SCENARIOS: Scenario[] = [
  { name: "chain under the listed Root A", cert: "client-good", server: "rootA", expect: "sent" },
  { name: "chain from an unlisted CA (Root B)", cert: "client-rootB", server: "rootA", expect: "sent" },
];

for (const stack of ["openssl", "node", "curl"] as const) {
  const available = stack !== "curl" || HAVE_CURL;
  describe.skipIf(!available)(`${stack} passthrough model = real ${stack} client`, () => {
    for (const s of PASSTHROUGH_SCENARIOS) {
      for (const v of VERSIONS) {
        it(`${s.name} (TLS ${v})`, () => observe(stack, s, v), 15_000);
      }
    }
  });
}

describe("openssl s_client -cert chain.pem without -cert_chain", () => {
  for (const v of VERSIONS) {
    it(`sends only the first certificate of the file, and the model says how to send the rest (TLS ${v})`, async () => {
      const files = await credentialFiles("client-good", false);
      const stores: StoreEvidence[] = [{ store: await loadKeystore(files.bundle), role: "client-keystore" }];
      const predicted = selectClientCertificate("openssl", stores, policies[`rootA-${v}`]!.policy, { tlsVersion: v, now: Date.now() });
      const real = await runReal("openssl-cert-only", `rootA-${v}`, files, v);
      expect(real.sent).toEqual([Buffer.from(stores[0]!.store.entries.find((e) => e.kind === "private-key")!.chain[0]!.der).toString("hex")]);
      expect(predicted.sentChain).toHaveLength(2); // the configured chain, as libssl / Node / curl send it
      expect(predicted.reasons[0]!.why).toMatch(/-cert_chain; -cert reads only the first certificate/);
    });
  }
});
