/**
 * Shapes shared by the client-certificate selection models (which certificate would a given TLS client stack send
 * in answer to a CertificateRequest?). Every decision carries its reason (STYLE §1.6): never a bare boolean.
 */
import type { ClientStack, ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import type { Certificate } from "../../pki/types.js";

/** The Java key manager implementation: `KeyManagerFactory.getInstance("SunX509" | "PKIX")` ("NewSunX509" = PKIX). */
export type JavaKeyManager = "SunX509" | "PKIX";

/** Context of one selection. */
export interface SelectionContext {
  /** Negotiated TLS version: "1.2" or "1.3" (other values are treated as 1.2). */
  tlsVersion: string;
  /** ms since epoch, for validity checks (PKIX ranks expired certificates below valid ones). */
  now: number;
  /** Java only: which key manager (default SunX509, the JDK default `ssl.KeyManagerFactory.algorithm`). */
  keyManager?: JavaKeyManager;
  /** Restrict the choice to this alias (Apigee `<KeyAlias>`, a custom key manager pinned to one alias). */
  alias?: string;
}

/** How one DN of the client chain compared with one acceptable CA name. */
export interface DnComparison {
  /** Index in the entry's chain (0 = leaf) of the certificate whose issuer was compared. */
  chainIndex: number;
  /** The issuer DN (keytool style). */
  issuer: string;
  /** The acceptable CA (keytool style). */
  acceptableCA: string;
  /** "byte-equal" (identical DER), "normalised-equal" (RFC 5280 §7.1 only), "different". */
  result: "byte-equal" | "normalised-equal" | "different";
  /** The CA name came from a log (no DER): compared by its string form, "by name (from a log)". */
  byName?: boolean;
}

/** The verdict on one keystore entry. */
export interface AliasReason {
  alias: string;
  accepted: boolean;
  /** One sentence a person can read: why this entry was taken or passed over. */
  why: string;
  /** Issuer comparisons made for this entry (only the matches, or all when none matched, capped). */
  compared?: DnComparison[];
  /** PKIX ranking of an accepted entry: EXACT beats EXPIRED beats EXTENSION_MISMATCH. */
  rank?: "EXACT" | "EXPIRED" | "EXTENSION_MISMATCH";
  /** Key type the entry was considered for (Java: "EC", "RSA", "RSASSA-PSS", "EdDSA", "DSA"). */
  keyType?: string;
}

/** What a client stack would send. */
export interface ClientSelection {
  stack: ClientStack;
  /** Model name, e.g. "Java SunX509 key manager (JDK 17)". */
  model: string;
  /** The chosen entry, when one was chosen. */
  chosen?: { alias: string; chain: Certificate[] };
  /**
   * Other aliases the client may send instead of `chosen` when the model cannot know the order it meets them in
   * (a Java client reading a PEM file: no keystore alias order). Rules never call a failure certain then.
   */
  mayAlsoSend?: string[];
  /** The certificates the client puts in its Certificate message (empty when `empty`). */
  sentChain: Certificate[];
  /** True when the client answers the CertificateRequest with an empty Certificate message. */
  empty: boolean;
  /** One reason per entry considered (and one per key type tried, for Java). */
  reasons: AliasReason[];
  /** Short explanation of the outcome as a whole. */
  summary: string;
}

/** One selection model: a pure function of the stores, the server's CertificateRequest and the context. */
export type SelectFn = (stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext) => ClientSelection;
