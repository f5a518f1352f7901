/**
 * .NET client certificate selection (HttpClientHandler / SocketsHttpHandler with ClientCertificates), from
 * dotnet/runtime `System.Net.Http` CertificateHelper.GetEligibleClientCertificate: the first certificate of the
 * collection that has a private key and whose extensions allow client authentication — an EKU extension must list
 * clientAuth (1.3.6.1.5.5.7.3.2), a KeyUsage extension must include digitalSignature. Nothing eligible ⇒ no
 * certificate: the handshake goes on with an empty Certificate message and no client-side error. It does not filter
 * by the server's CA list.
 */
import type { ServerPolicy, StoreEvidence } from "../../evidence/model.js";
import { keyEntries, q } from "./common.js";
import type { AliasReason, ClientSelection, SelectionContext } from "./types.js";

/** Models .NET's eligible-client-certificate filter. */
export function selectDotnet(stores: StoreEvidence[], policy: ServerPolicy, ctx: SelectionContext): ClientSelection {
  const base = { stack: "dotnet" as const, model: ".NET HttpClientHandler (CertificateHelper.GetEligibleClientCertificate)" };
  const reasons: AliasReason[] = [];
  if (!policy.requested) return { ...base, sentChain: [], empty: false, reasons, summary: "The server did not request a certificate; .NET sends none." };
  // Certificates without a private key are in the store as trusted-cert entries: .NET skips them (HasPrivateKey).
  for (const s of stores) {
    if (s.role !== "client-keystore") continue;
    for (const e of s.store.entries) {
      if (e.kind === "trusted-cert" && (ctx.alias === undefined || e.alias === ctx.alias)) {
        reasons.push({ alias: e.alias, accepted: false, why: "it has no private key (HasPrivateKey is false)" });
      }
    }
  }
  for (const entry of keyEntries(stores, ctx.alias)) {
    const info = entry.chain[0]!.info(ctx.now);
    if (info.extendedKeyUsage && !info.extendedKeyUsage.some((e) => e === "clientAuth" || e === "1.3.6.1.5.5.7.3.2")) {
      reasons.push({ alias: entry.alias, accepted: false, why: `its extendedKeyUsage (${info.extendedKeyUsage.join(", ")}) lacks clientAuth` });
      continue;
    }
    if (info.keyUsage && !info.keyUsage.includes("digitalSignature")) {
      reasons.push({ alias: entry.alias, accepted: false, why: `its keyUsage (${info.keyUsage.join(", ")}) lacks digitalSignature` });
      continue;
    }
    reasons.push({ alias: entry.alias, accepted: true, why: "it has a private key and its key usages allow client authentication (.NET does not look at the server's CA list)" });
    return { ...base, chosen: { alias: entry.alias, chain: entry.chain }, sentChain: entry.chain, empty: false, reasons, summary: `.NET sends ${q(entry.alias)}.` };
  }
  return { ...base, sentChain: [], empty: true, reasons, summary: "No certificate is eligible for client authentication, so .NET sends an empty Certificate message without an error." };
}
