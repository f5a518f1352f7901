/**
 * CertificateRequest: TLS 1.2 form (RFC 5246 §7.4.4; TLS 1.0/1.1 have no signature algorithms field, RFC 4346
 * §7.4.4) and TLS 1.3 form (RFC 8446 §4.3.2) whose content lives in extensions: signature_algorithms (§4.2.3,
 * mandatory), signature_algorithms_cert, certificate_authorities (§4.2.4), oid_filters (§4.2.5).
 */
import type { Reader } from "../reader.js";
import type { CertificateRequest } from "../types.js";
import type { Writer } from "../writer.js";
import { EXT, readDistinguishedNames, readExtensions, readSignatureSchemeList, writeDistinguishedNames, writeExtensions } from "./extensions.js";

/**
 * TLS 1.2:
 * ```
 * ClientCertificateType certificate_types<1..2^8-1>;
 * SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;   // TLS 1.2 only
 * DistinguishedName certificate_authorities<0..2^16-1>;
 * ```
 * `version` < 0x0303 selects the TLS 1.0/1.1 layout (no signature algorithms).
 */
export function decodeCertificateRequest12(r: Reader, version: number): CertificateRequest {
  const certificateTypes = r.u8List("CertificateRequest.certificate_types", 1);
  const signatureAlgorithms =
    version >= 0x0303 ? readSignatureSchemeList(r, "CertificateRequest.supported_signature_algorithms") : [];
  const certificateAuthorities = readDistinguishedNames(r, "CertificateRequest.certificate_authorities");
  r.expectEmpty("CertificateRequest");
  return {
    type: "CertificateRequest",
    msgType: 13,
    form: "tls12",
    certificateTypes,
    signatureAlgorithms,
    certificateAuthorities,
    certificateAuthoritiesState: "present",
  };
}

/**
 * TLS 1.3: `opaque certificate_request_context<0..2^8-1>; Extension extensions<0..2^16-1>` (the RFC's lower
 * bound of 2 is not enforced: an empty block is decoded and shows up as missing signature_algorithms).
 * certificate_authorities present with an empty list → `certificateAuthoritiesState: "present-empty"`.
 */
export function decodeCertificateRequest13(r: Reader): CertificateRequest {
  const requestContext = r.vec8("CertificateRequest.certificate_request_context");
  const m: CertificateRequest = {
    type: "CertificateRequest",
    msgType: 13,
    form: "tls13",
    requestContext,
    signatureAlgorithms: [],
    certificateAuthorities: [],
    certificateAuthoritiesState: "absent",
    extensions: [],
  };
  m.extensions = readExtensions(r, "CertificateRequest", (ext, body) => {
    switch (ext.type) {
      case EXT.signature_algorithms:
        m.signatureAlgorithms = readSignatureSchemeList(body, "CertificateRequest.signature_algorithms");
        return true;
      case EXT.signature_algorithms_cert:
        m.signatureAlgorithmsCert = readSignatureSchemeList(body, "CertificateRequest.signature_algorithms_cert");
        return true;
      case EXT.certificate_authorities:
        m.certificateAuthorities = readDistinguishedNames(body, "CertificateRequest.certificate_authorities");
        m.certificateAuthoritiesState = m.certificateAuthorities.length === 0 ? "present-empty" : "present";
        return true;
      default:
        return false;
    }
  });
  r.expectEmpty("CertificateRequest");
  return m;
}

export function encodeCertificateRequest(w: Writer, m: CertificateRequest, version: number): void {
  if (m.form === "tls13") {
    w.vec8(m.requestContext ?? new Uint8Array(0));
    writeExtensions(w, m.extensions ?? []);
    return;
  }
  w.u8List(m.certificateTypes ?? []);
  if (version >= 0x0303) w.u16List(m.signatureAlgorithms);
  writeDistinguishedNames(w, m.certificateAuthorities);
}
