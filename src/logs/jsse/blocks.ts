/**
 * JDK 11+ JSSE debug blocks (the JSON-like text between a header line ending in "(" and a line ")"): what each
 * handshake message block tells (SNI, cipher suite, CertificateRequest contents, certificates), and the
 * "throwable" block of an exception.
 */
import type { CertificateMsg } from "../../wire/types.js";
import { parseCertificates } from "../certs.js";
import { resolveJavaDnList } from "../dn.js";
import { findException } from "../phrases.js";
import { CERT_TYPE_CODES, listItems, logCa, newPolicy, schemeCode, type HandshakeState, type PendingMessage } from "./model.js";

/** Read a handshake message block into `s` (and `m.body` where the block gives the whole message). */
export function messageBlock(s: HandshakeState, m: PendingMessage, whose: "client" | "server" | undefined, lines: string[]): void {
  switch (m.type) {
    case "ClientHello":
      for (const l of lines) {
        const sni = /type=host_name \(0\), value=([^\s,}]+)/.exec(l);
        if (sni) s.sni = sni[1]!;
      }
      return;
    case "ServerHello":
      for (const l of lines) {
        const c = /"cipher suite"\s*:\s*"([A-Za-z0-9_]+)/.exec(l);
        if (c) s.cipher = c[1]!;
      }
      return;
    case "CertificateRequest":
      certificateRequest(s, lines);
      return;
    case "Certificate": {
      const certs = parseCertificates(lines);
      const owner = whose ?? (m.own ? s.side : s.side === "client" ? "server" : "client") ?? "client";
      if (owner === "client") s.clientCertificates = certs;
      else s.serverCertificates = certs;
      if (certs.length === 0) {
        const tls13 = lines.some((l) => /"certificate_list"/.test(l));
        const body: CertificateMsg = {
          type: "Certificate",
          msgType: 11,
          form: tls13 ? "tls13" : "tls12",
          certificatesLength: 0,
          entries: [],
          ...(tls13 ? { requestContext: new Uint8Array(0) } : {}),
        };
        m.body = body;
      }
      return;
    }
  }
}

/** CertificateRequest block → `s.policy` (TLS 1.2 fields or TLS 1.3 extensions) and how CA names were split. */
function certificateRequest(s: HandshakeState, lines: string[]): void {
  const p = newPolicy();
  let tls13 = false;
  let sigCertNext = false;
  let caLines: string[] | undefined;
  let sawCaExt = false;
  let emptyCaExt = false;
  /** TLS 1.3 names, one per line; filled while reading the lines that follow. */
  let lineNames: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (caLines) {
      const t = l.trim();
      if (t === "]" || t === "") {
        if (t === "]") caLines = undefined;
        continue;
      }
      const end = t.endsWith("]");
      caLines.push(end ? t.slice(0, -1).trim() : t);
      if (end) caLines = undefined;
      continue;
    }
    if (/"certificate_request_context"/.test(l)) tls13 = true;
    if (/"certificate_authorities \(47\)"/.test(l)) sawCaExt = true;
    if (/Invalid certificate_authorities extension/.test(l)) emptyCaExt = true;
    if (/"signature_algorithms_cert \(50\)"/.test(l)) sigCertNext = true;
    else if (/"signature_algorithms \(13\)"/.test(l)) sigCertNext = false;
    const types = /"certificate types"\s*:\s*(\[.*\])/.exec(l);
    if (types) p.certificateTypes = listItems(types[1]!).map((t) => CERT_TYPE_CODES.get(t.toLowerCase())).filter((x) => x !== undefined);
    const sigs = /"(?:supported signature algorithms|signature schemes)"\s*:\s*(\[.*\])/.exec(l);
    if (sigs) {
      const codes = listItems(sigs[1]!).map(schemeCode).filter((x) => x !== undefined);
      if (sigCertNext) p.signatureAlgorithmsCert = codes;
      else p.signatureAlgorithms = codes;
    }
    const cas = /"certificate authorities"\s*:\s*\[(.*)$/.exec(l);
    if (cas) {
      sawCaExt = true;
      const rest = cas[1]!.trim();
      if (tls13 || rest === "") {
        // TLS 1.3 extension: one name per line, the last one followed by "]".
        s.caNamesSplit = "exact";
        const acc: string[] = [];
        if (rest !== "" && rest !== "]") acc.push(rest.endsWith("]") ? rest.slice(0, -1).trim() : rest);
        if (!rest.endsWith("]")) caLines = acc;
        lineNames = acc;
      } else {
        // One line, ", " between names and between RDNs alike: split now by the attribute order; the handshake
        // assembly splits again once the log's certificate DNs are known (assemble.ts, resolveJavaDnList).
        s.caNamesList = "[" + rest;
        const { names, split } = resolveJavaDnList(s.caNamesList, []);
        s.caNamesSplit = split;
        p.acceptableCAs = names.map(logCa);
      }
    }
  }
  if (lineNames) p.acceptableCAs = lineNames.map(logCa);
  if (tls13) p.certificateAuthoritiesState = sawCaExt ? (p.acceptableCAs.length > 0 && !emptyCaExt ? "present" : "present-empty") : "absent";
  s.policy = p;
}

/** Parses a JDK 11+ `"throwable" : { Class: message \n at ... \n Caused by: ... }` block. */
export function parseThrowable(lines: string[]): { className: string; message: string; causes: { className: string; message: string }[] } | undefined {
  let main: { className: string; message: string } | undefined;
  const causes: { className: string; message: string }[] = [];
  for (const l of lines) {
    const t = l.trim().replace(/\}$/, "");
    if (t === "" || t.startsWith("at ") || t.startsWith('"throwable"') || t.startsWith("...")) continue;
    const cause = /^Caused by:\s*(.*)$/.exec(t);
    const ex = findException(cause ? cause[1]! : t);
    if (!ex) continue;
    if (cause) causes.push(ex);
    else if (!main) main = ex;
  }
  return main ? { ...main, causes } : undefined;
}
