/**
 * Record content for the connection decoder, once it is plaintext (read in the clear or decrypted): handshake
 * fragments joined into messages and decoded, the handshake state machine (RFC 8446 §4, RFC 5246 §7.3) that each
 * message advances, and alerts (RFC 8446 §6).
 */
import { DecodeError } from "../errors.js";
import type { JoinedHandshake } from "../handshake.js";
import { decodeAlert } from "../messages/alert.js";
import { decodeHandshakeMessage } from "../messages/index.js";
import { Reader } from "../reader.js";
import { HANDSHAKE_MESSAGE_NAMES } from "../tables.js";
import type { HandshakeMessage } from "../types.js";
import { emit, emitUndecodable } from "./emit.js";
import { installKeys, switchToApplicationKeys, updateTrafficKeys } from "./keys.js";
import { TLS13, type DecoderContext, type Side } from "./side.js";

/** Handshake record content: join across records, then decode and act on each complete message. */
export function handshakeContent(ctx: DecoderContext, s: Side, fragment: Uint8Array, streamOffset: number, decrypted: boolean): void {
  const joined = s.joined;
  joined.length = 0;
  try {
    s.joiner.push(fragment, streamOffset, joined);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    emitUndecodable(s, streamOffset, `handshake: ${e.message}`, decrypted);
  }
  for (let i = 0; i < joined.length; i++) handshakeMessage(ctx, s, joined[i]!, decrypted);
  joined.length = 0;
}

function handshakeMessage(ctx: DecoderContext, s: Side, j: JoinedHandshake, decrypted: boolean): void {
  const version = ctx.state.version ?? 0x0303;
  let body: HandshakeMessage;
  try {
    body = decodeHandshakeMessage(j.raw, { version });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const name = HANDSHAKE_MESSAGE_NAMES[j.msgType] ?? `handshake type ${j.msgType}`;
    emit(s, {
      contentType: "handshake",
      type: "Undecodable",
      decrypted,
      streamOffset: j.streamOffset,
      endStreamOffset: j.endStreamOffset,
      raw: j.raw,
      body: { type: "Undecodable", error: e.message.startsWith(name) ? e.message : `${name}: ${e.message}` },
    });
    return;
  }
  emit(s, {
    contentType: "handshake",
    type: body.type === "Unknown" ? (HANDSHAKE_MESSAGE_NAMES[j.msgType] ?? `Unknown(${j.msgType})`) : body.type,
    decrypted,
    streamOffset: j.streamOffset,
    endStreamOffset: j.endStreamOffset,
    raw: j.raw,
    body,
  });
  advance(ctx, s, body);
}

/** Handshake state machine: what each message changes. */
function advance(ctx: DecoderContext, s: Side, m: HandshakeMessage): void {
  const state = ctx.state;
  switch (m.type) {
    case "ClientHello":
      if (s.isClient) {
        state.clientRandom = m.random;
        if (m.serverName !== undefined) state.serverName = m.serverName;
      }
      return;
    case "HelloRetryRequest":
      state.helloRetryRequest = true;
      state.version = m.selectedVersion ?? m.legacyVersion;
      state.cipherSuite = m.cipherSuite;
      return;
    case "ServerHello":
      if (s.isClient) return;
      state.version = m.selectedVersion ?? m.legacyVersion;
      state.cipherSuite = m.cipherSuite;
      ctx.serverHelloSeen = true;
      if (state.version === TLS13) {
        installKeys(ctx, ctx.server);
        installKeys(ctx, ctx.client);
      }
      return;
    case "Finished":
      if (s.isClient) state.handshakeDone.client = true;
      else state.handshakeDone.server = true;
      if (state.version === TLS13 && !s.finished) switchToApplicationKeys(ctx, s);
      return;
    case "KeyUpdate":
      updateTrafficKeys(s);
      return;
    default:
      return;
  }
}

/** Alert record content: one or more 2-byte alerts (RFC 8446 §6). */
export function alertContent(s: Side, fragment: Uint8Array, streamOffset: number, decrypted: boolean): void {
  if (fragment.length === 0 || fragment.length % 2 !== 0) {
    emitUndecodable(s, streamOffset, `alert record of ${fragment.length} bytes (must be a multiple of 2)`, decrypted);
    return;
  }
  const r = new Reader(fragment);
  while (!r.atEnd) {
    const raw = fragment.subarray(r.offset, r.offset + 2);
    const body = decodeAlert(r);
    emit(s, { contentType: "alert", type: "Alert", decrypted, streamOffset, raw, body });
  }
}
