/** Self-test of the shared lab: the PKI generates, every peer starts, completes one real handshake, stops. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { makeLabPki, type LabPki } from "./labPki.js";
import { runJavaClient, runSClient, startJavaServer, startNodeServer, startOpensslServer } from "./peers.js";

let lab: LabPki;
beforeAll(async () => {
  lab = await makeLabPki();
});
afterAll(async () => {
  await lab?.dispose();
});

const good = () => ["-cert", lab.cert("client-good"), "-key", lab.key("client-good"), "-cert_chain", lab.cert("interA")];

describe("lab PKI", () => {
  it("builds the documented chains and validity windows", () => {
    const verify = (name: Parameters<LabPki["cert"]>[0], root: Parameters<LabPki["cert"]>[0], extra: string[] = []) =>
      execFileSync("openssl", ["verify", "-purpose", "sslclient", ...extra, "-CAfile", lab.cert(root), "-untrusted", lab.cert("interA"), lab.cert(name)], {
        stdio: "pipe",
      }).toString();
    expect(verify("client-good", "rootA")).toContain(": OK");
    expect(() => verify("client-expired", "rootA")).toThrow(/certificate has expired/);
    expect(() => verify("client-notyet", "rootA")).toThrow(/not yet valid/);
    expect(() => verify("client-eku-server", "rootA")).toThrow(/unsuitable certificate purpose/);
    expect(() => verify("client-rootB", "rootA")).toThrow(/unable to get local issuer/);
    const subj = execFileSync("openssl", ["x509", "-in", lab.cert("nonprod-api"), "-noout", "-subject", "-issuer", "-nameopt", "RFC2253"]).toString();
    expect(subj).toContain("subject=CN=nonprod-api.example.com,OU=ITS,O=Example,L=MELBOURNE,ST=VIC,C=AU");
    expect(subj).toContain("issuer=CN=Lab Test SHA2 CA G2,DC=testcore,DC=test,DC=dir,DC=example,DC=com");
  });
});

describe("lab peers", () => {
  for (const tls of ["1.2", "1.3"] as const) {
    it(`openssl s_server (TLS ${tls}) accepts client-good and names Lab Root A`, async () => {
      const srv = await startOpensslServer({
        cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls,
      });
      try {
        const out = await runSClient(srv.port, good());
        expect(out).toContain("Acceptable client certificate CA names");
        expect(out).toContain("O = mtls-doctor lab, CN = Lab Root A");
        expect(out).toMatch(tls === "1.3" ? /TLSv1\.3/ : /TLSv1\.2/);
      } finally {
        await srv.stop();
      }
    });
  }

  it("Java server (need, TLS 1.3) logs the received chain; Java client (PKIX) gets the response", async () => {
    const [ks, ts, cks] = await Promise.all([
      lab.toPkcs12("server", { password: "changeit" }),
      lab.trustStore(["rootA"], "PKCS12"),
      lab.toPkcs12("client-good", { password: "changeit" }),
    ]);
    const srv = await startJavaServer({ keystore: ks, password: "changeit", truststore: ts, clientAuth: "need", tls: "1.3" });
    try {
      const out = await runSClient(srv.port, good(), "GET / HTTP/1.0\r\n\r\n");
      expect(out).toContain("CN = Lab Root A");
      const res = await runJavaClient({ port: srv.port, keystore: cks, password: "changeit", keyManager: "PKIX", tls: "1.3" });
      expect(res.result).toMatch(/^ok protocol=TLSv1\.3 /);
      expect(srv.output()).toMatch(/CONN \d+ OK protocol=TLSv1\.3 chain=2 subjects=\[CN=client-good,O=mtls-doctor lab\|CN=Lab Intermediate A/);
    } finally {
      await srv.stop();
    }
  });

  it("node server (TLS 1.2, requestCert) accepts client-good", async () => {
    const srv = await startNodeServer({
      cert: lab.cert("server"), key: lab.key("server"), ca: lab.cert("rootA"), requestCert: true, rejectUnauthorized: true, tls: "1.2",
    });
    try {
      const out = await runSClient(srv.port, good(), "GET / HTTP/1.0\r\n\r\n");
      expect(out).toContain("CN = Lab Root A");
      expect(srv.output()).toContain("CONN OK authorized=true builtChain=3 subject=client-good");
    } finally {
      await srv.stop();
    }
  });
});
