/**
 * Client models: which certificate a given TLS client stack sends in answer to a server's CertificateRequest.
 */
import type { ClientStack, ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import { selectDotnet } from "./dotnet.js";
import { selectGo } from "./go.js";
import { selectJava } from "./java.js";
import { selectPassthrough } from "./passthrough.js";
import type { ClientSelection, SelectFn, SelectionContext } from "./types.js";

export type { AliasReason, ClientSelection, DnComparison, JavaKeyManager, SelectionContext } from "./types.js";

const MODELS: Record<ClientStack, SelectFn> = {
  java: selectJava,
  go: selectGo,
  dotnet: selectDotnet,
  openssl: selectPassthrough("openssl"),
  node: selectPassthrough("node"),
  curl: selectPassthrough("curl"),
};

/**
 * Predicts the Certificate message a client stack sends.
 * @param stack the client stack to model ("java" models JSSE's SunX509 or PKIX key manager, see `ctx.keyManager`)
 * @param stores the evidence stores; only `client-keystore` ones are read
 * @param policy the server's CertificateRequest as a ServerPolicy
 * @param ctx TLS version ("1.2" | "1.3"), `now` in ms since epoch, optional Java key manager and alias
 * @returns the chosen entry (if any), the chain sent, whether the Certificate message is empty, and per-entry reasons
 */
export function selectClientCertificate(stack: ClientStack, stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext): ClientSelection {
  return MODELS[stack](stores, policy, ctx);
}

/** The client stack to model when the user did not say: Java for JKS/PKCS#12 keystores, OpenSSL otherwise (PEM). */
export function defaultClientStack(stores: StoreEvidence[]): ClientStack {
  return stores.some((s) => s.role === "client-keystore" && (s.store.format === "pkcs12" || s.store.format === "jks")) ? "java" : "openssl";
}
