/**
 * Java JSSE debug output (`-Djavax.net.debug=ssl:handshake`, `ssl`, `all`) → one {@link Conversation} per
 * handshake, the text-level facts of each ({@link LoggedHandshake}) and the notable lines ({@link LogEvent}).
 *
 * Two formats:
 * - JDK 11–21 (also 8u261+ with the new stack): `javax.net.ssl|LEVEL|thread id|thread name|time|Source.java:N|msg`,
 *   where a message ending in "(" opens a block (the message as JSON-like text) closed by a line ")".
 *   `Produced X handshake message` = sent by the log's side, `Consuming X handshake message` = received.
 * - JDK 8 and older: `*** ClientHello, TLSv1.2`, `Cert Authorities:` + `<DN>` lines, `*** Certificate chain` +
 *   `<Empty>`, `main, RECV TLSv1.2 ALERT:  fatal, bad_certificate`, `main, SEND TLSv1.2 ALERT: ...`,
 *   `main, handling exception: ...`. Directions come from the message type (TLS ≤ 1.2 only in this format).
 *
 * Streaming: feed lines in order with {@link JsseLogParser.line}; state is kept per thread for the handshake in
 * progress only (never its lines), plus the parsed block being read. A new ClientHello on a thread closes that
 * thread's previous handshake (a HelloRetryRequest's second ClientHello does not).
 *
 * Parts: `jsse/model.ts` (shared state, Java names), `jsse/jdk11.ts` (JDK 11+ lines and blocks) with
 * `jsse/blocks.ts` (per-message block parsers), `jsse/jdk8.ts` with `jsse/jdk8Certs.ts` (certificate chain
 * block), `jsse/assemble.ts` (handshake → Conversation).
 *
 * What a log cannot give: bytes (messages have empty `raw`, offsets -1), TCP endpoints (JSSE does not print them:
 * client and server are `{ host: "", port: 0 }`), and DER of names (CA names are kept as logged, see AcceptableCA).
 */
import type { Conversation, LoggedHandshake } from "../evidence/model.js";
import { assembleHandshake } from "./jsse/assemble.js";
import { Jdk11Reader, HEADER } from "./jsse/jdk11.js";
import { Jdk8Reader } from "./jsse/jdk8.js";
import { JsseStore, type JsseResult } from "./jsse/model.js";

export type { JsseResult } from "./jsse/model.js";

/** Streaming parser of JSSE debug output; see the module comment. */
export class JsseLogParser {
  private readonly store = new JsseStore();
  private readonly jdk11 = new Jdk11Reader(this.store);
  private readonly jdk8 = new Jdk8Reader(this.store);

  /**
   * Feeds line number `no` (1-based). `text` has no line terminator. Returns true when the line belonged to JSSE
   * debug output (a header, a block line, a JDK 8 debug line), so other readers can skip it.
   */
  line(text: string, no: number): boolean {
    const h = HEADER.exec(text);
    if (h) {
      this.store.seen = true;
      if (this.jdk11.block) this.jdk11.endBlock();
      this.jdk11.header(h, no);
      return true;
    }
    if (this.jdk11.block) {
      this.jdk11.blockLine(text);
      return true;
    }
    return this.jdk8.line(text, no);
  }

  /** Whether the line at hand is inside a JSSE block (the gateway reader skips those lines). */
  get inBlock(): boolean {
    return this.jdk11.block !== undefined || this.jdk8.jdk8Block !== undefined;
  }

  /** Closes every open handshake and returns the result. Conversations are in order of their first line. */
  finish(): JsseResult {
    if (this.jdk11.block) this.jdk11.endBlock();
    const store = this.store;
    for (const s of store.states.values()) store.done.push(s);
    store.states.clear();
    const kept = store.done.filter((s) => s.messages.length > 0).sort((a, b) => a.firstLine - b.firstLine);
    const sides = new Set(kept.map((s) => s.side).filter((x) => x !== undefined));
    const side = sides.size === 1 ? [...sides][0]! : "unknown";
    const conversations: Conversation[] = [];
    const handshakes: LoggedHandshake[] = [];
    kept.forEach((s, i) => {
      const [c, h] = assembleHandshake(s);
      conversations.push(c);
      handshakes.push(h);
      for (const e of s.events) e.conversation = i;
    });
    store.events.sort((a, b) => a.line - b.line);
    return { seen: store.seen, side, conversations, handshakes, events: store.events };
  }
}
