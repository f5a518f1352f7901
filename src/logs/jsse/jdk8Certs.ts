/**
 * The JDK 8 `*** Certificate chain` block: `chain [N] = [` per certificate, then `Version:`, `Subject:`,
 * `Signature Algorithm:`, `Key:  Sun EC public key`, `Validity: [From: ..., To: ...]` (one or two lines), `Issuer:`,
 * `SerialNumber: [ ... ]`, and the extensions (`[1]: ObjectId: 2.5.29.37 Criticality=false` + their toString()), up
 * to a line `***`. No `chain [N]` line before `***` is an empty chain.
 */
import type { LoggedCertificate } from "../../evidence/model.js";
import { ExtensionReader, finishCertificate, OBJECT_ID } from "../certs.js";
import type { JsseStore } from "./model.js";

/** JDK 8 lines carry no reliable thread: all of them belong to this one key. */
export const JDK8_THREAD = "jdk8";

/** The JDK 8 block being read (certificate chain, CertificateRequest, or its Cert Authorities list). */
export interface Jdk8Block {
  kind: "certs" | "cas" | "cr";
  whose?: "client" | "server";
  cert?: Partial<LoggedCertificate>;
  ext?: ExtensionReader;
  validity?: string;
}

/**
 * One line of a certificate chain block (`jb.kind === "certs"`): fills the certificates of `jb.whose` in the
 * handshake in progress. `text` is the line, `t` the line trimmed. Returns true when the block ended (`***`).
 */
export function certificateChainLine(store: JsseStore, jb: Jdk8Block, text: string, t: string, no: number): boolean {
  let ended = false;
    const s = store.state(JDK8_THREAD, no);
    const list = jb.whose === "client" ? (s.clientCertificates ??= []) : (s.serverCertificates ??= []);
    const subj = /^Subject:\s*(.*)$/.exec(t);
    const iss = /^Issuer:\s*(.*)$/.exec(t);
    const ser = /^SerialNumber:\s*\[\s*([0-9a-fA-F ]+?)\s*\]/.exec(t);
    // "Validity: [From: Sat Nov 29 12:30:05 UTC 2025," + "To: Sun Nov 29 12:30:05 UTC 2026]" (one or two lines).
    if (jb.cert && /^Validity:/.test(t)) jb.validity = t;
    else if (jb.validity !== undefined && /^To:/.test(t)) jb.validity += " " + t;
    const val = jb.validity !== undefined ? /^Validity:\s*\[From:\s*(.*?),\s*To:\s*(.*?)\]/.exec(jb.validity) : null;
    if (val) jb.validity = undefined;
    // Extensions: "[1]: ObjectId: 2.5.29.37 Criticality=false" + the extension's toString() up to a blank line.
    const oid = OBJECT_ID.exec(t);
    if (jb.ext && (oid || t === "" || t === "***" || /^(Algorithm: \[|chain \[\d+\] = \[)/.test(t))) {
      jb.ext.end();
      jb.ext = undefined;
    }
    if (jb.cert && oid) {
      jb.ext = new ExtensionReader(jb.cert, { oid: oid[1]!, critical: oid[2] === "true" });
      return false;
    }
    if (jb.ext) {
      jb.ext.line(text);
      return false;
    }
    const sig = /^Signature Algorithm:\s*([^,]+)/.exec(t);
    const key = /^Key:\s*Sun (\w+) public key/.exec(t);
    if (/^chain \[\d+\] = \[/.test(t)) {
      jb.cert = {};
      list.push(jb.cert as LoggedCertificate);
    } else if (jb.cert && subj) jb.cert.subject = subj[1]!;
    else if (jb.cert && iss) jb.cert.issuer = iss[1]!;
    else if (jb.cert && ser) jb.cert.serialNumber = ser[1]!.replace(/\s+/g, "");
    else if (jb.cert && /^Version: V\d$/.test(t)) jb.cert.version = Number(t.slice(-1));
    else if (jb.cert && sig && !jb.cert.signatureAlgorithm) jb.cert.signatureAlgorithm = sig[1]!.trim();
    else if (jb.cert && key) jb.cert.publicKey = key[1]!;
    else if (jb.cert && val) {
      const nb = Date.parse(val[1]!), na = Date.parse(val[2]!);
      if (Number.isFinite(nb)) jb.cert.notBefore = nb;
      if (Number.isFinite(na)) jb.cert.notAfter = na;
    }
    if (t === "***") {
      ended = true;
      list.forEach(finishCertificate);
      const last = [...s.messages].reverse().find((m) => m.type === "Certificate");
      if (last && list.length === 0) last.body = { type: "Certificate", msgType: 11, form: "tls12", certificatesLength: 0, entries: [] };
    }
  return ended;
}
