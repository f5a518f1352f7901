/**
 * The "client chain beside the server's acceptable CA list" part of the view model.
 *
 * DNs are compared as DER (byte-exact first, then RFC 5280 §7.1 normalised, via src/pki/dn.ts), never as strings.
 * The client chain comes from the client keystore entry when one was given (what the client *could* send), else
 * from the client's Certificate message in the transcript (what it *did* send).
 */
import * as pkijs from "pkijs";
import type { Finding } from "../diagnose/types.js";
import type { Conversation, ServerPolicy, StoreEvidence } from "../evidence/model.js";
import { compareNames, dnToString } from "../pki/dn.js";

/**
 * What certificate_authorities asks for (RFC 5246 §7.4.4, RFC 8446 §4.2.4): a chain that leads to a listed CA, not a
 * leaf issued by it directly (the leaf may be issued by an intermediate under a listed root).
 */
export const CHAIN_WORDING = "whose chain includes a certificate issued by one of these CAs";

/** How two DNs compared: identical DER, or equal only after normalisation (Java accepts, OpenSSL may not). */
export type DnMatch = "byte-equal" | "normalised-equal";

/** One certificate of the client chain in the chain-vs-CA panel, with how its subject and issuer match the CA names. */
export interface ChainCertView {
  /** 0 = leaf. */
  index: number;
  role: "leaf" | "intermediate" | "root";
  /** Subject DN, printed. */
  subject: string;
  /** Issuer DN, printed. */
  issuer: string;
  /** The issuer DN is the subject of the next certificate in the chain (a subject → issuer link). */
  issuedByNext: DnMatch | null;
  /** Acceptable CA names this certificate's issuer matches. */
  issuerMatches: { caIndex: number; how: DnMatch }[];
  /** This certificate's own subject is one of the acceptable CA names. */
  subjectMatches: { caIndex: number; how: DnMatch }[];
}

/** One acceptable CA name (certificate_authorities, RFC 8446 §4.2.4) in the panel, with the chain certificates it matches. */
export interface PanelCAView {
  /** 0-based position in the list as sent. */
  index: number;
  /** Java/keytool style. */
  dn: string;
  /** As `openssl s_client` prints it. */
  opensslDn: string;
  /** Chain certificate indexes whose issuer is this name. */
  matchedByIssuerOf: number[];
  /** The name was read from a log (no DER): renderers print "(from a log)" after it. */
  fromLog?: true;
}

/**
 * A DN findings say was looked for (role "looked-for" / "leaf-issuer"): one per distinct name (equal DER, or the
 * same printed DN when no DER is known), however many findings name it.
 */
export interface LookedForView {
  dn: string;
  /** "leaf-issuer" when any finding names it as the leaf's issuer, else "looked-for". */
  role: "looked-for" | "leaf-issuer";
  /** Key-less id of the first finding that named it. */
  finding: string;
  /** Key-less ids of every finding that named it, in finding order, without repeats. */
  findings: string[];
  /** Index of the acceptable CA it equals (by DER), or null when the server did not name it. */
  foundAt: number | null;
}

/**
 * The client chain beside the server's acceptable CA list: the picture of "would the client's certificate be
 * chosen". DNs are compared as DER (byte-equal, then RFC 5280 §7.1 / RFC 4518 normalised), never as strings.
 */
export interface ChainPanelView {
  /** Where the chain came from. */
  source: "keystore" | "sent" | "none";
  alias?: string;
  storeFile?: string;
  chain: ChainCertView[];
  /** Whether the server sent a CertificateRequest at all. */
  requested: boolean;
  /** True when the server named no CA (an empty list): any issuer is acceptable to the client's key manager. */
  anyCA: boolean;
  acceptableCAs: PanelCAView[];
  lookedFor: LookedForView[];
  /**
   * "match": some chain certificate's issuer is an acceptable CA; "no-match": none is; "any": the server named no CA;
   * "not-requested": no CertificateRequest; "no-request-seen": a client chain but no CertificateRequest was seen to
   * compare it with (no policy known); "no-chain": no client chain to compare.
   */
  verdict: "match" | "no-match" | "any" | "not-requested" | "no-request-seen" | "no-chain";
}

interface PanelInput {
  stores: StoreEvidence[];
  conversations: Conversation[];
  policy: ServerPolicy | undefined;
  findings: Finding[];
}

export interface NamedCert {
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  subject: string;
  issuer: string;
}

/** Builds the panel, or undefined when there is neither a policy nor a client chain to show. */
export function buildChainPanel(input: PanelInput): ChainPanelView | undefined {
  const { chain, source, alias, storeFile } = clientChain(input);
  const policy = input.policy;
  if (!policy && chain.length === 0) return undefined;
  const cas = policy?.acceptableCAs ?? [];

  const chainViews: ChainCertView[] = chain.map((c, i) => {
    const next = chain[i + 1];
    const link = next ? compareNames(c.issuerDer, next.subjectDer) : "different";
    const selfIssued = compareNames(c.issuerDer, c.subjectDer) !== "different";
    return {
      index: i,
      role: i === 0 ? "leaf" : selfIssued ? "root" : "intermediate",
      subject: c.subject,
      issuer: c.issuer,
      issuedByNext: link === "different" ? null : link,
      issuerMatches: matches(c.issuerDer, cas),
      subjectMatches: matches(c.subjectDer, cas),
    };
  });
  const caViews: PanelCAView[] = cas.map((ca, k) => ({
    index: k,
    dn: ca.dn,
    opensslDn: ca.opensslDn,
    matchedByIssuerOf: chainViews.filter((c) => c.issuerMatches.some((m) => m.caIndex === k)).map((c) => c.index),
    ...(ca.source === "log" || ca.der.length === 0 ? { fromLog: true as const } : {}),
  }));

  // One box per distinct name: several findings (and both roles) often name the same missing CA.
  const lookedFor: LookedForView[] = [];
  const lookedForDer: (Uint8Array | undefined)[] = [];
  for (const f of input.findings) {
    for (const e of f.evidence) {
      if (e.kind !== "dn" || (e.role !== "looked-for" && e.role !== "leaf-issuer")) continue;
      const der = e.derHex ? new Uint8Array(Buffer.from(e.derHex, "hex")) : undefined;
      const i = lookedFor.findIndex((l, k) => {
        const other = lookedForDer[k];
        return der && other ? compareNames(der, other) !== "different" : l.dn === e.dn;
      });
      const seen = lookedFor[i];
      if (seen) {
        if (!seen.findings.includes(f.id)) seen.findings.push(f.id);
        if (e.role === "leaf-issuer") seen.role = "leaf-issuer";
        continue;
      }
      let foundAt: number | null = null;
      if (der) {
        const k = cas.findIndex((ca) => compareNames(der, ca.der) !== "different");
        foundAt = k >= 0 ? k : null;
      }
      lookedFor.push({ dn: e.dn, role: e.role, finding: f.id, findings: [f.id], foundAt });
      lookedForDer.push(der);
    }
  }

  let verdict: ChainPanelView["verdict"];
  if (policy && !policy.requested) verdict = "not-requested";
  else if (policy && cas.length === 0) verdict = "any";
  else if (chain.length === 0) verdict = "no-chain";
  else if (!policy) verdict = "no-request-seen";
  else verdict = chainViews.some((c) => c.issuerMatches.length > 0) ? "match" : "no-match";

  return {
    source,
    ...(alias ? { alias } : {}),
    ...(storeFile ? { storeFile } : {}),
    chain: chainViews,
    requested: policy?.requested ?? false,
    anyCA: policy !== undefined && policy.requested && cas.length === 0,
    acceptableCAs: caViews,
    lookedFor,
    verdict,
  };
}

function matches(der: Uint8Array, cas: ServerPolicy["acceptableCAs"]): { caIndex: number; how: DnMatch }[] {
  const out: { caIndex: number; how: DnMatch }[] = [];
  cas.forEach((ca, k) => {
    const r = compareNames(der, ca.der);
    if (r !== "different") out.push({ caIndex: k, how: r });
  });
  return out;
}

function clientChain(input: PanelInput): {
  chain: NamedCert[];
  source: ChainPanelView["source"];
  alias?: string;
  storeFile?: string;
} {
  const ks = input.stores.find((s) => s.role === "client-keystore");
  if (ks) {
    const entry =
      (ks.alias ? ks.store.entries.find((e) => e.alias === ks.alias) : undefined) ??
      ks.store.entries.find((e) => e.kind === "private-key");
    if (entry && entry.chain.length > 0) {
      return {
        chain: entry.chain.map((c) => ({ subjectDer: c.subjectDer, issuerDer: c.issuerDer, subject: c.subject, issuer: c.issuer })),
        source: "keystore",
        alias: entry.alias,
        storeFile: ks.store.file,
      };
    }
  }
  for (const conv of input.conversations) {
    const msg = conv.messages.find((m) => m.direction === "client→server" && m.body?.type === "Certificate");
    if (msg && msg.body?.type === "Certificate") {
      const certs = msg.body.entries.map((e) => namesOf(e.certData)).filter((x): x is NamedCert => x !== null);
      return { chain: certs, source: certs.length ? "sent" : "none" };
    }
  }
  return { chain: [], source: "none" };
}

/** Subject and issuer Names of one DER certificate, exactly as encoded (null when it does not parse). */
export function namesOf(der: Uint8Array): NamedCert | null {
  try {
    const cert = pkijs.Certificate.fromBER(der);
    const subjectDer = new Uint8Array(cert.subject.valueBeforeDecode);
    const issuerDer = new Uint8Array(cert.issuer.valueBeforeDecode);
    return {
      subjectDer,
      issuerDer,
      subject: dnToString(subjectDer, "java"),
      issuer: dnToString(issuerDer, "java"),
    };
  } catch {
    return null;
  }
}
