/**
 * Decodes a tapped connection: feeds the recorded chunks, in the order they crossed the tap, to the wire codec's
 * ConnectionDecoder with the session's key log, so TLS 1.3 handshake messages and alerts are decrypted.
 */
import { ConnectionDecoder } from "../wire/connection.js";
import type { SeenMessage } from "../evidence/conversation.js";
import type { TapChunk } from "./tap.js";

/** Decodes both directions of a tapped connection into messages in conversation order (with `time` set). */
export function decodeTap(chunks: readonly TapChunk[], keyLog: readonly string[]): SeenMessage[] {
  const decoder = new ConnectionDecoder();
  if (keyLog.length > 0) decoder.addKeyLog(keyLog.map((l) => l.trimEnd()).join("\n") + "\n");
  const out: SeenMessage[] = [];
  for (const c of chunks) out.push(...decoder.push(c.direction, c.bytes, { time: c.time }));
  out.push(...decoder.end());
  return out;
}
