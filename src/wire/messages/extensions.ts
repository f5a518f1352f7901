/**
 * Extension blocks (RFC 8446 §4.2, RFC 5246 §7.4.1.4) and the bodies of the extensions we interpret.
 *
 * Pattern (Go `crypto/tls` handshake_messages.go): reject duplicate extensions, require that a *known* extension's
 * body is consumed exactly; unlike Go we keep unknown extensions as `{ type, name: "unknown(0x....)", raw }`.
 */
import { DecodeError } from "../errors.js";
import { Reader } from "../reader.js";
import { EXTENSION_TYPES, nameOf } from "../tables.js";
import type { Extension } from "../types.js";
import type { Writer } from "../writer.js";

/** ExtensionType code points this codec interprets. */
export const EXT = {
  server_name: 0,
  status_request: 5,
  supported_groups: 10,
  signature_algorithms: 13,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;

/**
 * Called for each extension with a bounded reader over its body (offsets absolute). If the callback reads the
 * body it must read all of it; `readExtensions` checks with expectEmpty when the callback returns true.
 */
export type ExtensionVisitor = (ext: Extension, body: Reader) => boolean | void;

/**
 * Read `Extension extensions<0..2^16-1>` (u16 length, then type/len/data entries).
 * Throws DecodeError 'duplicate' on a repeated type, 'short'/'range' on bad lengths, 'trailing' when a visited
 * known extension has bytes left over.
 */
export function readExtensions(r: Reader, what: string, visit?: ExtensionVisitor, minLength = 0): Extension[] {
  const block = r.sub16(`${what}.extensions`, minLength);
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.atEnd) {
    const at = block.offset;
    const type = block.u16(`${what}.extension.type`);
    const bodyOffset = block.offset + 2;
    const raw = block.vec16(`${what}.extension(${nameOf(EXTENSION_TYPES, type)}).data`);
    if (seen.has(type)) throw new DecodeError("duplicate", `${what}.extension(${nameOf(EXTENSION_TYPES, type)})`, at);
    seen.add(type);
    const ext: Extension = { type, name: nameOf(EXTENSION_TYPES, type), raw };
    out.push(ext);
    if (visit) {
      const body = new Reader(raw, bodyOffset);
      if (visit(ext, body)) body.expectEmpty(`${what}.extension(${ext.name})`);
    }
  }
  return out;
}

export function writeExtensions(w: Writer, exts: readonly Extension[]): void {
  w.len16(() => {
    for (const e of exts) w.u16(e.type).vec16(e.raw);
  });
}

/** RFC 6066 §3 server_name: the first host_name entry (name_type 0), as ASCII. */
export function readServerName(r: Reader): string | undefined {
  const list = r.sub16("server_name.server_name_list", 1);
  let host: string | undefined;
  while (!list.atEnd) {
    const nameType = list.u8("server_name.name_type");
    const name = list.vec16("server_name.host_name", 1);
    if (nameType === 0 && host === undefined) host = latin1(name);
  }
  return host;
}

/** RFC 7301 §3.1 ProtocolNameList. */
export function readAlpn(r: Reader): string[] {
  const list = r.sub16("alpn.protocol_name_list", 2);
  const out: string[] = [];
  while (!list.atEnd) out.push(latin1(list.vec8("alpn.protocol_name", 1)));
  return out;
}

/** RFC 8446 §4.2.3 SignatureSchemeList: `SignatureScheme supported_signature_algorithms<2..2^16-2>`. */
export function readSignatureSchemeList(r: Reader, what: string): number[] {
  return r.u16List(what, 2, 0xfffe);
}

/**
 * RFC 8446 §4.2.4 CertificateAuthoritiesExtension: `DistinguishedName authorities<3..2^16-1>`, each
 * `opaque DistinguishedName<1..2^16-1>` (DER of an X.501 Name). A zero-length list violates the RFC's lower bound
 * but some servers send it (reported for OpenSSL 3.0 with `-no_ca_names`), so it is decoded, not thrown on: the caller marks it
 * "present-empty".
 */
export function readDistinguishedNames(r: Reader, what: string): Uint8Array[] {
  const list = r.sub16(what);
  const out: Uint8Array[] = [];
  while (!list.atEnd) out.push(list.vec16(`${what}.DistinguishedName`, 1));
  return out;
}

export function writeDistinguishedNames(w: Writer, dns: readonly Uint8Array[]): void {
  w.len16(() => dns.forEach((d) => w.vec16(d)));
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}
