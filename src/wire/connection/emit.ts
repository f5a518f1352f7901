/**
 * Message emission for the connection decoder: every decoded (or undecodable) thing becomes one
 * {@link DecodedMessage} on its direction's output queue, tagged with the chunk metadata and any pending warnings.
 */
import type { SkippedBytes } from "../record.js";
import type { ContentTypeName, TlsRecord, WireMessage } from "../types.js";
import type { DecodedMessage, Side } from "./side.js";

export const EMPTY = new Uint8Array(0);

/** The fields of a message that vary; direction, metadata and warnings come from the side. */
export interface Emitted {
  contentType: ContentTypeName;
  type: string;
  streamOffset: number;
  endStreamOffset?: number;
  raw: Uint8Array;
  body: WireMessage["body"];
  decrypted?: boolean;
  encrypted?: boolean;
}

/** Queue one message on `s`'s output. */
export function emit(s: Side, m: Emitted): void {
  const msg: DecodedMessage = {
    direction: s.dir,
    contentType: m.contentType,
    type: m.type,
    decrypted: m.decrypted ?? false,
    encrypted: m.encrypted ?? false,
    streamOffset: m.streamOffset,
    endStreamOffset: m.endStreamOffset ?? m.streamOffset,
    raw: m.raw,
    body: m.body,
  };
  if (s.warnings.length > 0) msg.warnings = s.warnings.slice();
  const meta = s.meta;
  if (meta) {
    if (meta.frame !== undefined) msg.frame = meta.frame;
    if (meta.time !== undefined) msg.time = meta.time;
  }
  s.out.push(msg);
}

/** Queue an Undecodable entry carrying `error` (one line for a person). */
export function emitUndecodable(s: Side, streamOffset: number, error: string, decrypted = false): void {
  emit(s, { contentType: "unknown", type: "Undecodable", decrypted, streamOffset, raw: EMPTY, body: { type: "Undecodable", error } });
}

/** Queue an ApplicationData entry: only the fragment length is kept, never the payload. */
export function emitAppData(s: Side, rec: TlsRecord, encrypted: boolean, decrypted: boolean, likelyAlert = false): void {
  emit(s, {
    contentType: "application_data",
    type: "ApplicationData",
    encrypted,
    decrypted,
    streamOffset: rec.streamOffset,
    raw: EMPTY,
    body: likelyAlert ? { type: "ApplicationData", length: rec.fragment.length, likelyAlert } : { type: "ApplicationData", length: rec.fragment.length },
  });
}

/** Report bytes the deframer skipped: the first "not TLS" stretch once (quoting it), gaps and resyncs as Undecodable. */
export function emitSkipped(s: Side, k: SkippedBytes): void {
  if (k.reason === "not-tls") {
    if (s.notTlsReported) return;
    s.notTlsReported = true;
    const b = k.bytes ?? EMPTY;
    emit(s, {
      contentType: "unknown",
      type: "NotTls",
      streamOffset: k.streamOffset,
      raw: b,
      body: { type: "Undecodable", error: `not TLS: the first bytes are not a TLS record header (${describeBytes(b)})` },
    });
    return;
  }
  const why = k.reason === "gap" ? "lost in a capture gap" : "skipped while resynchronising on a record header";
  emitUndecodable(s, k.streamOffset, `${k.length} bytes ${why}`);
}

/** Printable preview of non-TLS bytes, e.g. `"HTTP/1.1 400 Bad Request"`. */
function describeBytes(b: Uint8Array): string {
  const head = b.subarray(0, 48);
  let printable = 0;
  for (const c of head) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d) printable++;
  if (head.length > 0 && printable === head.length) {
    const text = String.fromCharCode(...head).split(/\r?\n/)[0]!;
    return JSON.stringify(text);
  }
  return "hex " + Buffer.from(head.subarray(0, 16)).toString("hex");
}
