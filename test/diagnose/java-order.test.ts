/**
 * Which alias a real JDK 17 client sends when several keystore entries fit: SunX509 walks a HashMap of the aliases
 * (hash order, not keystore order), PKIX walks KeyStore.aliases() (PKCS#12: file order; JKS: Hashtable order) and
 * prefers EXACT over EXPIRED over EXTENSION_MISMATCH. Checked three ways against the real JDK: java.util.HashMap and
 * Hashtable orders printed by Java itself, KeyStore.aliases() of keytool-made stores, and the Certificate message
 * the real JSSE client (test/java/LabClient.java) sent to openssl s_server, read from its debug log.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectClientCertificate } from "../../src/diagnose/clients/index.js";
import { javaHashMapOrder, javaHashtableOrder, javaKeystoreAliasOrder } from "../../src/diagnose/clients/javaorder.js";
import type { StoreEvidence } from "../../src/evidence/model.js";
import { loadKeystore } from "../../src/pki/store.js";
import { probe } from "../../src/probe/probe.js";
import { makeLabPki, run, type LabName, type LabPki } from "../helpers/labPki.js";
import { runJavaClient, startOpensslServer, stopAllPeers, type Peer } from "../helpers/peers.js";

const PW = "changeit-123";
const exec = promisify(execFile);
let lab: LabPki;
let server12: Peer;
let server13: Peer;
let orderJava: string;

const ORDER_JAVA = `
import java.io.File;
import java.security.KeyStore;
import java.util.*;
public class Order {
  public static void main(String[] a) throws Exception {
    if (a[0].equals("keystore")) {
      KeyStore ks = KeyStore.getInstance(new File(a[1]), a[2].toCharArray());
      System.out.println(String.join(",", Collections.list(ks.aliases())));
      return;
    }
    for (int i = 1; i < a.length; i++) {
      List<String> keys = Arrays.asList(a[i].split(","));
      HashMap<String, Integer> hm = new HashMap<>();
      Hashtable<String, Integer> ht = new Hashtable<>();
      for (String k : keys) { hm.put(k, 1); ht.put(k, 1); }
      System.out.println(String.join(",", hm.keySet()) + "|" + String.join(",", Collections.list(ht.keys())));
    }
  }
}
`;

async function java(args: string[]): Promise<string> {
  const { stdout } = await exec("java", [orderJava, ...args], { maxBuffer: 1 << 20 });
  return stdout;
}

/** Subjects in the client's Certificate message, from the JSSE debug log. */
function sentSubjects(debug: string): string[] {
  const start = debug.search(/Produced client Certificate (handshake )?message/);
  if (start < 0) throw new Error("no client Certificate message in the Java debug log");
  const rest = debug.slice(start);
  const end = rest.indexOf("\njavax.net.ssl|", 10);
  return [...(end < 0 ? rest : rest.slice(0, end)).matchAll(/"subject"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!);
}

/** A keystore written by keytool holding `entries` (alias → lab identity with its chain) in this import order. */
async function multiStore(type: "PKCS12" | "JKS", entries: Array<[string, LabName]>, tag: string): Promise<string> {
  const file = join(lab.dir, `order-${tag}.${type === "JKS" ? "jks" : "p12"}`);
  for (const [alias, name] of entries) {
    const src = await lab.toPkcs12(name, { password: PW, chain: true, alias });
    await run("keytool", [
      "-importkeystore", "-noprompt", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", PW,
      "-destkeystore", file, "-deststoretype", type, "-deststorepass", PW, "-destkeypass", PW,
    ]);
  }
  return file;
}

beforeAll(async () => {
  lab = await makeLabPki();
  orderJava = join(lab.dir, "Order.java");
  await writeFile(orderJava, ORDER_JAVA);
  // The server names both roots, so leaves under Root A (via Intermediate A) and under Root B both fit.
  const both = await lab.trustStore(["rootA", "rootB"], "PEM");
  server12 = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: both, mode: "Verify", tls: "1.2" });
  server13 = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: both, mode: "Verify", tls: "1.3" });
});
afterAll(async () => {
  await stopAllPeers();
  await lab?.dispose();
});

describe("java.util.HashMap / Hashtable orders = the JDK's", () => {
  it("a HashMap that would hold a tree bin has no modelled order (the selection then says Java may send either)", () => {
    // Every string of "Aa"/"BB" blocks of one length has the same String.hashCode: one bucket whatever the table size.
    const blocks = (n: number): string[] => (n === 0 ? [""] : blocks(n - 1).flatMap((s) => [s + "Aa", s + "BB"]));
    expect(javaHashMapOrder(blocks(3))).toEqual(blocks(3)); // 8 keys in one bucket: a list bin, insertion order
    expect(javaHashMapOrder(blocks(4))).toBeUndefined(); // 16: resized to 64 by treeifyBin, then a tree bin
  });
  it("for small and resizing key sets", async () => {
    const sets = [
      ["old", "new"],
      ["new", "old"],
      ["expired", "valid"],
      ["a", "b"],
      ["b", "a"],
      ["client1", "client2"],
      // 13+ keys: HashMap resizes 16 → 32; 8+ keys: Hashtable rehashes 11 → 23 (and 17+ → 47).
      Array.from({ length: 20 }, (_, i) => `alias-${i * 7}`),
      // 9 keys in one bucket of a 16/32 table: treeifyBin resizes (to 64) instead of making a tree bin.
      Array.from({ length: 14 }, (_, i) => `k${String.fromCharCode(97 + i)}${i}`).reverse(),
      ["Aa", "BB", "c"], // "Aa" and "BB" share a hash code: insertion order within the bucket
      ["BB", "Aa", "c"],
      ["AaAaAa", "AaAaBB", "AaBBAa", "AaBBBB", "BBAaAa", "BBAaBB", "BBBBAa", "BBBBBB", "z"],
    ];
    const lines = (await java(["orders", ...sets.map((s) => s.join(","))])).trim().split("\n");
    expect(lines).toHaveLength(sets.length);
    sets.forEach((s, i) => {
      const [hm, ht] = lines[i]!.split("|");
      expect(javaHashMapOrder(s)?.join(","), `HashMap ${s.join(",")}`).toBe(hm);
      expect(javaHashtableOrder(s).join(","), `Hashtable ${s.join(",")}`).toBe(ht);
    });
  });
});

/** Keystores with two entries that fit the server; `expect` is only which leaves are involved, the JDK decides. */
const CASES: Array<{ tag: string; type: "PKCS12" | "JKS"; entries: Array<[string, LabName]> }> = [
  { tag: "old-new", type: "PKCS12", entries: [["old", "client-expired"], ["new", "client-good"]] },
  { tag: "expired-good", type: "PKCS12", entries: [["expired", "client-expired"], ["good", "client-good"]] },
  { tag: "valid-expired", type: "PKCS12", entries: [["valid", "client-good"], ["expired", "client-expired"]] },
  { tag: "Mixed-Case", type: "PKCS12", entries: [["Valid", "client-good"], ["EXPIRED", "client-expired"]] },
  { tag: "jks-old-new", type: "JKS", entries: [["old", "client-expired"], ["new", "client-good"]] },
  { tag: "jks-expired-good", type: "JKS", entries: [["expired", "client-expired"], ["good", "client-good"]] },
  // Two EXACT entries: PKIX takes the first in KeyStore.aliases() order (PKCS#12 file order, JKS Hashtable order).
  { tag: "a-b", type: "PKCS12", entries: [["a", "client-good"], ["b", "client-rootB"]] },
  { tag: "b-a", type: "PKCS12", entries: [["b", "client-rootB"], ["a", "client-good"]] },
  { tag: "jks-a-b", type: "JKS", entries: [["a", "client-good"], ["b", "client-rootB"]] },
  { tag: "jks-b-a", type: "JKS", entries: [["b", "client-rootB"], ["a", "client-good"]] },
];

describe("Java model = real JSSE client when several keystore entries fit", () => {
  const seen = { SunX509: new Set<string>(), PKIX: new Set<string>() };
  for (const c of CASES) {
    it(`${c.type} ${c.entries.map((e) => `${e[0]}=${e[1]}`).join(", ")}`, async () => {
      const file = await multiStore(c.type, c.entries, c.tag);
      const store = await loadKeystore(file, { password: PW });
      // KeyStore.aliases() as the JDK enumerates it.
      expect(javaKeystoreAliasOrder(store)!.join(",")).toBe((await java(["keystore", file, PW])).trim());
      const stores: StoreEvidence[] = [{ store, role: "client-keystore" }];
      for (const [km, server, tls] of [["SunX509", server12, "1.2"], ["PKIX", server13, "1.3"]] as const) {
        const ev = await probe({ host: "127.0.0.1", port: server.port, checkRequired: false, timeoutMs: 10_000 });
        const predicted = selectClientCertificate("java", stores, ev.policy, { tlsVersion: tls, now: Date.now(), keyManager: km });
        const real = await runJavaClient({ port: server.port, keystore: file, password: PW, keyManager: km, tls, debug: true });
        const realSent = sentSubjects(real.debug);
        expect(predicted.sentChain.map((x) => x.subject), `${km}: ${predicted.summary}`).toEqual(realSent);
        expect(predicted.mayAlsoSend).toBeUndefined();
        seen[km].add(realSent[0]!);
      }
    });
  }
  it("the cases exercise both outcomes: SunX509 sent the expired leaf in some and the good one in others", () => {
    expect([...seen.SunX509].some((s) => /client-expired/.test(s))).toBe(true);
    expect([...seen.SunX509].some((s) => /client-good/.test(s))).toBe(true);
    expect([...seen.PKIX].some((s) => /client-rootB/.test(s))).toBe(true);
    expect([...seen.PKIX].some((s) => /client-good/.test(s))).toBe(true);
    expect([...seen.PKIX].some((s) => /client-expired/.test(s))).toBe(false); // EXACT beats EXPIRED
  });
});
