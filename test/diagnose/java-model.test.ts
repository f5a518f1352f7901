/**
 * The Java model against the real JSSE client (JDK 17): for each scenario, the chain the model predicts equals the
 * chain the compiled Java client (test/java/LabClient.java) actually put in its Certificate message, read from its
 * -Djavax.net.debug=ssl:handshake log. The server's CertificateRequest comes from our own probe of the same server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectClientCertificate } from "../../src/diagnose/clients/index.js";
import type { StoreEvidence } from "../../src/evidence/model.js";
import { loadKeystore } from "../../src/pki/store.js";
import { probe } from "../../src/probe/probe.js";
import { makeLabPki, type LabName, type LabPki } from "../helpers/labPki.js";
import { runJavaClient, startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";

const PW = "changeit-123";
let lab: LabPki;
const servers: Record<string, Peer> = {};

/** Subjects of the certificates in the client's Certificate message, from the JSSE debug log ("Produced client Certificate ..."). */
function sentSubjects(debug: string): string[] {
  const start = debug.search(/Produced client Certificate (handshake )?message/);
  if (start < 0) throw new Error("no client Certificate message in the Java debug log");
  const rest = debug.slice(start);
  const end = rest.indexOf("\njavax.net.ssl|", 10);
  const block = end < 0 ? rest : rest.slice(0, end);
  return [...block.matchAll(/"subject"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  lab = await makeLabPki();
  for (const tls of ["1.2", "1.3"] as const) {
    servers[`rootA-${tls}`] = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls });
    servers[`interA-${tls}`] = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("interA"), verifyCAfile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls });
  }
});
afterAll(async () => {
  await stopAllPeers();
  await lab?.dispose();
});

const SCENARIOS: Array<{ name: string; cert: LabName; chain: boolean; server: "rootA" | "interA" }> = [
  { name: "leaf+intermediate, server names Root A", cert: "client-good", chain: true, server: "rootA" },
  { name: "leaf only, server names Root A", cert: "client-good", chain: false, server: "rootA" },
  { name: "leaf from Root B, server names Root A", cert: "client-rootB", chain: true, server: "rootA" },
  { name: "leaf only, server names Intermediate A", cert: "client-good", chain: false, server: "interA" },
  { name: "expired sole candidate, server names Root A", cert: "client-expired", chain: true, server: "rootA" },
];

describe("Java model = real JSSE client", () => {
  for (const s of SCENARIOS) {
    for (const [km, tls] of [["SunX509", "1.2"], ["PKIX", "1.3"]] as const) {
      it(`${s.name} (${km}, TLS ${tls})`, async () => {
        const file = await lab.toPkcs12(s.cert, { password: PW, chain: s.chain, file: `${lab.dir}/jm-${s.cert}-${s.chain}.p12` });
        const port = servers[`${s.server}-${tls}`]!.port;
        const ev = await probe({ host: "127.0.0.1", port, checkRequired: false, timeoutMs: 10_000 });
        const stores: StoreEvidence[] = [{ store: await loadKeystore(file, { password: PW }), role: "client-keystore" }];
        const predicted = selectClientCertificate("java", stores, ev.policy, { tlsVersion: ev.conversation.tlsVersion ?? tls, now: Date.now(), keyManager: km });
        const real = await runJavaClient({ port, keystore: file, password: PW, keyManager: km, tls, debug: true });
        expect(predicted.sentChain.map((c) => c.subject)).toEqual(sentSubjects(real.debug));
      });
    }
  }
});
