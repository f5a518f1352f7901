/**
 * Which client stack sent a ClientHello, when its extensions say so unmistakably. Only what recorded handshakes
 * prove is inferred:
 * - Java (JSSE, JDK 8u261+/11+/17): it offers status_request_v2 (extension 17, RFC 6961), which OpenSSL 3 (so Node
 *   and curl built on it) and Go's crypto/tls do not send. Seen in test/fixtures/captures/java-tls12-ca-mismatch.pcap
 *   and java-tls13-ca-mismatch.pcapng (JDK 17); absent from every openssl-*.pcap(ng) fixture (OpenSSL 3.0 s_client)
 *   and from a Go 1.19 crypto/tls ClientHello (5, 10, 11, 13, 65281, 18, 43 for TLS 1.2).
 * Anything else returns undefined: rules then word their fixes for no particular stack.
 */
import type { ClientStack } from "../../evidence/model.js";
import type { ClientHello } from "../../wire/types.js";

/** IANA TLS ExtensionType status_request_v2 (RFC 6961 §2.2). */
export const EXT_STATUS_REQUEST_V2 = 17;

/**
 * The client stack a ClientHello identifies, with the reason as a sentence fragment.
 * @param hello a decoded ClientHello (RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2)
 * @returns `{ stack, why }` (e.g. stack "java", why "it offers status_request_v2 (extension 17, RFC 6961), which
 *   Java's JSSE sends and OpenSSL, Node, curl and Go do not"), or undefined when nothing is distinctive
 */
export function inferClientStackFromHello(hello: ClientHello): { stack: ClientStack; why: string } | undefined {
  if (hello.extensions.some((e) => e.type === EXT_STATUS_REQUEST_V2)) {
    return { stack: "java", why: "Java (JSSE): it offers status_request_v2 (extension 17, RFC 6961), which JSSE sends and OpenSSL, Node, curl and Go do not" };
  }
  return undefined;
}
