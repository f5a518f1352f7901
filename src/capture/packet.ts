/**
 * The packet record every capture reader hands out, and the callbacks a reader drives.
 *
 * Readers are push-style and allocation-free on the hot path: one {@link RawPacket} object is reused for every
 * packet, and `buf`/`off`/`capLen` point into the reader's current chunk. The bytes are valid only until the
 * callback returns; copy what you keep.
 */

/** One captured packet, as a view into the reader's buffer. Reused between callbacks. */
export interface RawPacket {
  /** Wireshark's frame number: 1-based index of the packet in the file (across pcapng sections). */
  frame: number;
  /** Capture timestamp in ms since epoch (fractional; µs/ns resolution kept as far as a double allows). */
  time: number;
  /** LINKTYPE_* value of the interface the packet was captured on (https://www.tcpdump.org/linktypes.html). */
  linkType: number;
  /** Buffer holding the packet bytes (a view of the reader's chunk). */
  buf: Uint8Array;
  /** Offset of the first packet byte in `buf`. */
  off: number;
  /** Bytes captured (may be less than `origLen` when the snaplen cut the packet). */
  capLen: number;
  /** Length of the packet on the wire. */
  origLen: number;
}

/** Callbacks a capture reader drives. Only `onPacket` is required. */
export interface CaptureSink {
  onPacket(p: RawPacket): void;
  /** TLS key log text from a pcapng Decryption Secrets Block (secrets type 0x544c534b "TLSK"). */
  onKeyLog?(text: string): void;
  /** Something a user should know (truncated last packet, unknown block...). One line, no trailing newline. */
  onWarning?(message: string): void;
}

/** What a whole read found. */
export interface CaptureSummary {
  format: "pcap" | "pcapng";
  /** Packets handed to `onPacket`. */
  packets: number;
  /** File bytes consumed. */
  bytes: number;
  /** True when the file ended inside a packet (the last, incomplete packet was not analysed). */
  truncated: boolean;
  /** Link types seen (LINKTYPE_* values). */
  linkTypes: number[];
}

/** Creates the reusable packet object readers fill. */
export function newRawPacket(): RawPacket {
  return { frame: 0, time: 0, linkType: 0, buf: new Uint8Array(0), off: 0, capLen: 0, origLen: 0 };
}

/**
 * A real copy of `b[from, to)`. (Node's `Buffer#slice` returns a view, so `b.slice` would keep pointing into the
 * reader's reused chunk when `b` is a Buffer.)
 */
export function copyBytes(b: Uint8Array, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(b, from, to);
}
