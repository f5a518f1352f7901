/**
 * OpenSSL (s_client, libssl with SSL_CTX_use_certificate_chain_file), Node `tls.connect({ cert, key })` and curl
 * (`--cert/--key`, OpenSSL backend): the configured certificate and exactly the chain configured with it are sent
 * whatever the server's CA list says (no client_cert_cb is installed). Measured in alert-matrix.md ("OpenSSL
 * s_client and Node never filter by the CA list") and against the real clients in
 * test/diagnose/real-clients.test.ts. "Configured" differs per tool: Node's `cert` and curl's `--cert` send every
 * certificate of the PEM file; `openssl s_client -cert F` reads only the FIRST certificate of F (the rest must be
 * given with `-cert_chain`), so with `-cert chain.pem` alone it sends the leaf only (OpenSSL 3.0, measured).
 * OpenSSL and Node refuse a key that does not match the certificate before connecting (`key values mismatch`), so
 * nothing is sent then.
 */
import { createPublicKey } from "node:crypto";
import type { ClientStack, ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import type { StoreEntry } from "../../pki/types.js";
import { keyEntries, q } from "./common.js";
import type { AliasReason, ClientSelection, SelectionContext } from "./types.js";

const MODEL: Record<string, string> = {
  openssl: "OpenSSL client (sends the configured chain)",
  node: "Node tls client (sends the configured chain)",
  curl: "curl with OpenSSL (sends the configured chain)",
};

/** True when the entry's private key matches its leaf (SubjectPublicKeyInfo DER equality); undefined when unknown. */
export function keyMatchesLeaf(entry: StoreEntry): boolean | undefined {
  if (!entry.privateKey || entry.chain.length === 0) return undefined;
  try {
    const spki = createPublicKey(entry.privateKey).export({ type: "spki", format: "der" });
    return Buffer.compare(spki, Buffer.from(entry.chain[0]!.spki)) === 0;
  } catch {
    return undefined;
  }
}

/** Models a client that sends what it was configured with. */
export function selectPassthrough(stack: Extract<ClientStack, "openssl" | "node" | "curl">) {
  return (stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext): ClientSelection => {
    const base = { stack, model: MODEL[stack]! };
    const reasons: AliasReason[] = [];
    if (!policy.requested) return { ...base, sentChain: [], empty: false, reasons, summary: "The server did not request a certificate; nothing is sent." };
    const entries = keyEntries(stores, ctx.alias);
    const entry = entries[0];
    if (!entry) return { ...base, sentChain: [], empty: true, reasons, summary: "No certificate and key are configured, so the client sends an empty Certificate message." };
    // Several private-key entries and no --alias: the client is configured with one of them, and nothing here says
    // which. `diagnose` refuses this without a transcript (validate.ts checkSingleCredential, like `probe`); with one
    // (a capture that does not show the client's Certificate) the first is modelled and the others may be sent instead.
    const several = !ctx.alias && entries.length > 1;
    for (const other of entries.slice(1))
      reasons.push({ alias: other.alias, accepted: false, why: several ? `assumed not configured (several private-key entries and no --alias; ${q(entry.alias)} is modelled)` : `only one certificate is configured; ${q(entry.alias)} comes first` });
    if (keyMatchesLeaf(entry) === false) {
      reasons.unshift({ alias: entry.alias, accepted: false, why: "its private key does not match the certificate: the client refuses it before connecting (\"key values mismatch\")" });
      return { ...base, sentChain: [], empty: true, reasons, summary: `The key configured with ${q(entry.alias)} does not match its certificate, so ${stack} fails before the handshake.` };
    }
    const sClientNote = stack === "openssl" && entry.chain.length > 1 ? " (openssl s_client: pass the intermediates with -cert_chain; -cert reads only the first certificate of its file)" : "";
    reasons.unshift({ alias: entry.alias, accepted: true, why: `${stack} sends the configured certificate and chain regardless of the server's CA list${sClientNote}` });
    return {
      ...base,
      chosen: { alias: entry.alias, chain: entry.chain },
      ...(several ? { mayAlsoSend: entries.slice(1).map((e) => e.alias) } : {}),
      sentChain: entry.chain,
      empty: false,
      reasons,
      summary: `${stack} sends ${q(entry.alias)} (${entry.chain.length} certificate(s)), as configured${several ? `; assumed: ${entries.length} private-key entries were given without --alias` : ""}.`,
    };
  };
}
