/**
 * Certificate message: TLS 1.2 form (RFC 5246 §7.4.2) and TLS 1.3 form with request context and per-entry
 * extensions (RFC 8446 §4.4.2). The form is chosen by the caller (ctx.version), never guessed.
 */
import type { Reader } from "../reader.js";
import type { CertificateEntry, CertificateMsg } from "../types.js";
import type { Writer } from "../writer.js";
import { readExtensions, writeExtensions } from "./extensions.js";

/**
 * TLS 1.2: `ASN.1Cert certificate_list<0..2^24-1>`, each `opaque ASN.1Cert<1..2^24-1>`.
 * TLS 1.3: `opaque certificate_request_context<0..2^8-1>; CertificateEntry certificate_list<0..2^24-1>`.
 * An empty list (certificatesLength 0) is how a client says "I have no certificate for you".
 */
export function decodeCertificate(r: Reader, tls13: boolean): CertificateMsg {
  const requestContext = tls13 ? r.vec8("Certificate.certificate_request_context") : undefined;
  const list = r.sub24("Certificate.certificate_list");
  const certificatesLength = list.left;
  const entries: CertificateEntry[] = [];
  while (!list.atEnd) {
    const certData = list.vec24("Certificate.cert_data", 1);
    const extensions = tls13 ? readExtensions(list, "CertificateEntry") : [];
    entries.push({ certData, extensions });
  }
  r.expectEmpty("Certificate");
  const m: CertificateMsg = { type: "Certificate", msgType: 11, form: tls13 ? "tls13" : "tls12", certificatesLength, entries };
  if (requestContext !== undefined) m.requestContext = requestContext;
  return m;
}

export function encodeCertificate(w: Writer, m: CertificateMsg): void {
  const tls13 = m.form === "tls13";
  if (tls13) w.vec8(m.requestContext ?? new Uint8Array(0));
  w.len24(() => {
    for (const e of m.entries) {
      w.vec24(e.certData);
      if (tls13) writeExtensions(w, e.extensions);
    }
  });
}
