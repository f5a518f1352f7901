/**
 * The socket tap: a Duplex stream placed between `node:tls` and a TCP socket that records every chunk in both
 * directions (with ms-since-epoch timestamps) before passing it on unchanged.
 *
 * Why a Duplex and not the net.Socket itself: when `tls.connect({ socket })` gets a real `net.Socket` it takes over
 * the socket's native handle and the bytes never pass through JavaScript, so nothing could be recorded. A generic
 * Duplex makes Node wrap it (JSStreamSocket) and every TLS record then flows through `_write` and `push` here.
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";
import type { Direction } from "../wire/types.js";

/** One chunk as it crossed the tap. */
export interface TapChunk {
  direction: Direction;
  bytes: Uint8Array;
  /** ms since epoch when the chunk was read from / written to the TCP socket. */
  time: number;
}

/** How the TCP connection ended, as seen from the tap. */
export interface TapEnd {
  /** "fin": the server closed its side (end of stream); "reset": ECONNRESET/EPIPE; "local": we closed first. */
  how: "fin" | "reset" | "local";
  /** ms since epoch. */
  time: number;
  /** Error code for resets (ECONNRESET, EPIPE). */
  code?: string;
}

/**
 * Records and relays the byte streams of one TCP connection. `chunks` grows as bytes flow; `end` is set once the
 * connection ended. `clock` is injectable for tests (default Date.now).
 */
export class SocketTap extends Duplex {
  readonly chunks: TapChunk[] = [];
  end_: TapEnd | undefined;
  private localClose = false;

  constructor(
    readonly socket: Socket,
    private readonly clock: () => number = Date.now,
  ) {
    super({ allowHalfOpen: false });
    socket.on("data", (b: Buffer) => {
      this.chunks.push({ direction: "server→client", bytes: new Uint8Array(b), time: this.clock() });
      // Once our side is closed (or the tap is gone) the bytes are still evidence (recorded above), but they are
      // not handed to node:tls any more: it would answer them (e.g. a TLS 1.3 client Finished after a late server
      // Finished) with a write into a stream that has already ended.
      if (this.destroyed || this.writableEnded) return;
      if (!this.push(b)) socket.pause();
    });
    socket.on("end", () => {
      this.noteEnd({ how: this.localClose ? "local" : "fin", time: this.clock() });
      if (!this.destroyed) this.push(null);
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNRESET" || e.code === "EPIPE") this.noteEnd({ how: "reset", time: this.clock(), code: e.code });
      // Forwarded to node:tls (which reports it as the client error) unless the tap is already gone.
      if (!this.destroyed) this.destroy(e);
    });
    socket.on("close", () => {
      this.noteEnd({ how: this.localClose ? "local" : "fin", time: this.clock() });
      if (!this.destroyed) this.destroy();
    });
  }

  /** How the connection ended (undefined while open). */
  get ended(): TapEnd | undefined {
    return this.end_;
  }

  private noteEnd(e: TapEnd): void {
    this.end_ ??= e;
  }

  /** From now on, an end of the connection counts as our own doing ("local"). */
  markLocalClose(): void {
    this.localClose = true;
  }

  /** Bytes read so far from the server, concatenated. */
  serverBytes(): Uint8Array {
    return Buffer.concat(this.chunks.filter((c) => c.direction === "server→client").map((c) => c.bytes));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    // Bytes that can no longer reach the wire are not recorded as sent.
    if (this.socket.destroyed || this.socket.writableEnded) return cb();
    this.chunks.push({ direction: "client→server", bytes: new Uint8Array(chunk), time: this.clock() });
    // A failed write (EPIPE, ECONNRESET) also arrives as the socket's 'error' event, which ends the tap: report it
    // once, there, rather than a second time through this callback.
    this.socket.write(chunk, () => cb());
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.localClose = true;
    if (this.socket.destroyed || this.socket.writableEnded) return cb();
    this.socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.socket.destroyed) {
      this.localClose ||= !this.end_;
      this.socket.destroy();
    }
    cb(err);
  }
}
