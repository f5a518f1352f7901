/**
 * What the server asked of the client (its CertificateRequest) as reports show it: the acceptable CA names both
 * ways with their DER, the signature algorithms named.
 */
import type { AcceptableCA, ServerPolicy } from "../../evidence/model.js";
import { SIGNATURE_SCHEMES, type IanaTable } from "../../wire/tables.generated.js";

/** A named code point (certigo's `description`): machine id and a human label. */
export interface CodeView {
  code: number;
  /** IANA name, or `unknown(0x....)`. */
  name: string;
}

/**
 * One name of the CertificateRequest's certificate_authorities (RFC 5246 §7.4.4, RFC 8446 §4.2.4), printed both
 * ways (Java and OpenSSL order) with its DER in hex.
 */
export interface AcceptableCAView {
  /** 0-based position in the list as sent. */
  index: number;
  /** Java/keytool style. */
  dn: string;
  /** As `openssl s_client` prints it. */
  opensslDn: string;
  /** DER of the Name, lower-case hex. */
  derHex: string;
  /** The name was read from a log (no DER: `derHex` is ""): renderers print "(from a log)" after the DN, outside its quotes. */
  fromLog?: true;
}

/** What the server asked of the client, from its CertificateRequest (a ServerPolicy as reports show it). */
export interface PolicyView {
  /** A CertificateRequest was sent. */
  requested: boolean;
  /** A handshake without a certificate fails; "unknown" when not tested. */
  required: boolean | "unknown";
  /** In the order sent; empty = the server named no CA. */
  acceptableCAs: AcceptableCAView[];
  /** TLS 1.3: certificate_authorities extension absent / present / present but empty (invalid, RFC 8446 §4.2.4). */
  certificateAuthoritiesState?: "absent" | "present" | "present-empty";
  /** signature_algorithms, named (RFC 8446 §4.2.3). */
  signatureAlgorithms: CodeView[];
  /** signature_algorithms_cert, when sent. */
  signatureAlgorithmsCert?: CodeView[];
  /** TLS 1.2 certificate_types (ClientCertificateType code points, RFC 5246 §7.4.4). */
  certificateTypes?: number[];
}

/** The IANA name of a code point in `table`, or `unknown(0x....)` (hex padded to the table's width in bytes). */
export function codeName(table: IanaTable, code: number): string {
  return table.names[code] ?? `unknown(0x${code.toString(16).padStart(table.width * 2, "0")})`;
}

/** A ServerPolicy as a {@link PolicyView} (DER as lower-case hex; a name from a log marked `fromLog`). */
export function policyView(p: ServerPolicy): PolicyView {
  return {
    requested: p.requested,
    required: p.required,
    acceptableCAs: p.acceptableCAs.map((ca: AcceptableCA, i) => ({
      index: i,
      dn: ca.dn,
      opensslDn: ca.opensslDn,
      derHex: Buffer.from(ca.der).toString("hex"),
      ...(ca.source === "log" || ca.der.length === 0 ? { fromLog: true as const } : {}),
    })),
    ...(p.certificateAuthoritiesState ? { certificateAuthoritiesState: p.certificateAuthoritiesState } : {}),
    signatureAlgorithms: p.signatureAlgorithms.map((c) => ({ code: c, name: codeName(SIGNATURE_SCHEMES, c) })),
    ...(p.signatureAlgorithmsCert
      ? { signatureAlgorithmsCert: p.signatureAlgorithmsCert.map((c) => ({ code: c, name: codeName(SIGNATURE_SCHEMES, c) })) }
      : {}),
    ...(p.certificateTypes ? { certificateTypes: [...p.certificateTypes] } : {}),
  };
}
