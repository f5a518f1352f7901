/**
 * The demo's scenarios: the playbook's two causes (no client certificate; CA mismatch) and three more everyday
 * failures (expired leaf, missing intermediate, wrong EKU), plus the working configuration for contrast.
 * Each is a gateway keystore (as a Java client, e.g. an API gateway's message processor, would load it) facing the
 * same backend, which trusts and advertises "CN=Demo Root CA".
 */
import type { StoreEvidence } from "../evidence/model.js";
import { parseCertificate } from "../pki/certificate.js";
import type { StoreEntry } from "../pki/types.js";
import type { DemoPki, IssuedCert } from "./pki.js";

/** The scenario ids, in the order the demo runs them. */
export const DEMO_SCENARIO_IDS = ["no-client-certificate", "ca-mismatch", "expired", "missing-intermediate", "wrong-eku", "healthy"] as const;

export interface DemoScenario {
  id: string;
  title: string;
  /** What the person debugging it is told (one line). */
  story: string;
  /** The finding ids a correct diagnosis must include. */
  expect: string[];
  /** Finding ids a correct diagnosis must not include. */
  forbid: string[];
  /** The gateway's keystore. */
  keystore: StoreEvidence;
}

function keyEntry(alias: string, chain: IssuedCert[]): StoreEntry {
  return { alias, kind: "private-key", chain: chain.map((c) => parseCertificate(c.der)), privateKey: chain[0]!.key };
}

function trustedEntry(alias: string, cert: IssuedCert): StoreEntry {
  return { alias, kind: "trusted-cert", chain: [parseCertificate(cert.der)] };
}

function store(file: string, entries: StoreEntry[], alias?: string): StoreEvidence {
  const jks = file.endsWith(".jks");
  return {
    role: "client-keystore",
    store: { file, format: jks ? "jks" : "pkcs12", formatDetail: `${jks ? "JKS" : "PKCS#12"} (demo, in memory)`, entries },
    ...(alias ? { alias } : {}),
  };
}

/** The scenarios, in the order the demo runs them. */
export function demoScenarios(pki: DemoPki): DemoScenario[] {
  return [
    {
      id: "no-client-certificate",
      title: "Playbook cause 1: no client certificate in the keystore",
      story: "The gateway's keystore was created, but only the backend's CA was imported into it; the key pair never was.",
      expect: ["no-client-certificate", "client-sent-empty-certificate"],
      forbid: ["ca-mismatch", "healthy"],
      keystore: store("gateway-keystore-1.p12", [trustedEntry("demo-root", pki.root)]),
    },
    {
      id: "ca-mismatch",
      title: "Playbook cause 2: certificate authority mismatch",
      story: "The gateway's certificate was issued by another company's CA, which the backend neither trusts nor advertises.",
      expect: ["ca-mismatch", "client-sent-empty-certificate", "server-truststore-missing-issuer"],
      forbid: ["no-client-certificate", "missing-intermediate", "healthy"],
      keystore: store("gateway-keystore-2.p12", [keyEntry("gateway", [pki.clientOtherRoot, pki.otherRoot])], "gateway"),
    },
    {
      id: "expired",
      title: "Expired client certificate",
      story: "The gateway's certificate expired last month; nobody renewed it.",
      expect: ["client-cert-expired"],
      forbid: ["ca-mismatch", "client-sent-empty-certificate", "healthy"],
      keystore: store("gateway-keystore-3.p12", [keyEntry("gateway", [pki.clientExpired, pki.intermediate])], "gateway"),
    },
    {
      id: "missing-intermediate",
      title: "Missing intermediate CA in the keystore",
      story:
        "The intermediate CA \"Demo Test SHA2 CA G2\" was imported as a separate trusted-certificate entry instead of " +
        "into the key entry's chain; a JKS keystore keeps each entry's chain as it was imported, so the key entry holds the leaf only.",
      // JSSE matches the issuer of any chain certificate: with the intermediate the root would match.
      expect: ["missing-intermediate", "client-sent-empty-certificate"],
      forbid: ["server-truststore-missing-issuer", "no-client-certificate", "healthy"],
      keystore: store("gateway-keystore-4.jks", [keyEntry("gateway", [pki.clientGood]), trustedEntry("demo-intermediate", pki.intermediate)], "gateway"),
    },
    {
      id: "wrong-eku",
      title: "Certificate not meant for client authentication",
      story: "The certificate was issued from a server-certificate template: its extended key usage is serverAuth only.",
      expect: ["eku-missing-client-auth"],
      forbid: ["ca-mismatch", "client-cert-expired", "healthy"],
      keystore: store("gateway-keystore-5.p12", [keyEntry("gateway", [pki.clientServerAuthOnly, pki.intermediate])], "gateway"),
    },
    {
      id: "healthy",
      title: "The fix: a complete chain from a CA the backend trusts",
      story: "Leaf + intermediate, issued under the CA the backend trusts and names in its CertificateRequest.",
      expect: ["healthy"],
      forbid: ["ca-mismatch", "client-sent-empty-certificate", "server-alert"],
      keystore: store("gateway-keystore-6.p12", [keyEntry("gateway", [pki.clientGood, pki.intermediate])], "gateway"),
    },
  ];
}
