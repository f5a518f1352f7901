/**
 * TLS 1.3 key switching for the connection decoder (RFC 8446 §7.1–§7.3, §4.6.3, §5.3): which traffic secret from the
 * key log each direction uses now, and the switches at Finished and KeyUpdate. Every switch starts a fresh
 * RecordProtection, i.e. the sequence number restarts at 0.
 */
import type { KeyLogLabel } from "../tls13/keylog.js";
import { nextTrafficSecret, TLS13_SUITES, type Tls13Suite } from "../tls13/keySchedule.js";
import { RecordProtection } from "../tls13/recordProtection.js";
import { TLS13, type DecoderContext, type Side } from "./side.js";

/** The negotiated TLS 1.3 suite, when ServerHello named one we know. */
export function negotiatedSuite(ctx: DecoderContext): Tls13Suite | undefined {
  return ctx.state.cipherSuite !== undefined ? TLS13_SUITES[ctx.state.cipherSuite] : undefined;
}

/** `s`'s handshake ("hs") or first application ("ap") traffic secret from the key log, if it is there. */
export function trafficSecret(ctx: DecoderContext, s: Side, kind: "hs" | "ap"): Uint8Array | undefined {
  const cr = ctx.state.clientRandom;
  if (!cr) return undefined;
  const label: KeyLogLabel =
    kind === "hs"
      ? s.isClient
        ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
        : "SERVER_HANDSHAKE_TRAFFIC_SECRET"
      : s.isClient
        ? "CLIENT_TRAFFIC_SECRET_0"
        : "SERVER_TRAFFIC_SECRET_0";
  return ctx.keyLog.lookup(cr, label);
}

/** Install the key `s` should be using now, if the key log has it. Returns true when a key is in place. */
export function installKeys(ctx: DecoderContext, s: Side): boolean {
  if (s.prot) return true;
  if (!ctx.serverHelloSeen || ctx.state.version !== TLS13 || ctx.state.cipherSuite === undefined) return false;
  const suite = TLS13_SUITES[ctx.state.cipherSuite];
  if (!suite) return false;
  const kind = s.finished ? "ap" : "hs";
  const secret = trafficSecret(ctx, s, kind);
  if (!secret) return false;
  s.prot = new RecordProtection(suite, secret);
  s.protKind = kind;
  return true;
}

/**
 * `s`'s handshake key failed on a record: perhaps its Finished was missed (lost in a gap). Returns a protection under
 * the application traffic secret, *not installed*, for the caller to try.
 */
export function applicationProtection(ctx: DecoderContext, s: Side): RecordProtection | undefined {
  const ap = trafficSecret(ctx, s, "ap");
  const suite = negotiatedSuite(ctx);
  return ap && suite ? new RecordProtection(suite, ap) : undefined;
}

/** Make `p` (an application-key protection that just opened a record) `s`'s key: its handshake is over. */
export function adoptApplicationProtection(s: Side, p: RecordProtection): void {
  s.prot = p;
  s.protKind = "ap";
  s.finished = true;
}

/** RFC 8446 §7.3: after `s`'s own Finished, switch to its application traffic secret (sequence numbers restart). */
export function switchToApplicationKeys(ctx: DecoderContext, s: Side): void {
  s.finished = true;
  s.flightOver = true;
  s.prot = null;
  s.protKind = null;
  s.joiner.reset();
  installKeys(ctx, s);
}

/** RFC 8446 §4.6.3: after a KeyUpdate the sender's next records use application_traffic_secret_N+1. */
export function updateTrafficKeys(s: Side): void {
  if (s.prot && s.protKind === "ap") s.prot = new RecordProtection(s.prot.suite, nextTrafficSecret(s.prot.secret, s.prot.suite));
}
