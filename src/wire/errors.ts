/**
 * Malformed-bytes errors of the wire codec (pattern: rustls `InvalidMessage`). A DecodeError is about bytes, not
 * about peer behaviour, and it is deliberately *not* an MtlsDoctorError: callers turn it into an
 * "Undecodable" message or a finding.
 *
 * `kind` maps onto Wireshark's expert-info names:
 * - short     → tls.malformed.buffer_too_small (input ended before a field or vector was complete)
 * - trailing  → tls.malformed.trailing_data (bytes left over after a structure that must consume everything)
 * - range     → tls.malformed.vector_length / tls.record.length.invalid (a length or value outside its legal range)
 * - duplicate → a repeated extension (RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type")
 * - illegal   → a value the RFC forbids in this position (e.g. an unexpected content type)
 */
export type DecodeErrorKind = "short" | "trailing" | "range" | "duplicate" | "illegal";

/**
 * Thrown by the wire codec (decodeHandshakeMessage, extension and record readers) on malformed bytes, and only
 * there. `message` reads "<what>: truncated at byte <offset> (need N bytes, have M)" and similar; `offset` is a
 * byte offset within the buffer handed to the decoder; `wiresharkField` names the matching expert-info field.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  /** What was being read, e.g. "ClientHello.cipher_suites". */
  readonly what: string;
  /** Which rule the bytes broke (see {@link DecodeErrorKind}). */
  readonly kind: DecodeErrorKind;
  /** Byte offset (within the buffer handed to the decoder) where the problem was found. */
  readonly offset: number;
  /** For 'short': bytes needed; for 'range': the offending value. */
  readonly need?: number;
  /** For 'short'/'trailing': bytes available / left over. */
  readonly have?: number;

  constructor(kind: DecodeErrorKind, what: string, offset: number, need?: number, have?: number) {
    super(DecodeError.describe(kind, what, offset, need, have));
    this.kind = kind;
    this.what = what;
    this.offset = offset;
    if (need !== undefined) this.need = need;
    if (have !== undefined) this.have = have;
  }

  /** Wireshark-style expert-info field name for this error kind. */
  get wiresharkField(): string {
    switch (this.kind) {
      case "short":
        return "tls.malformed.buffer_too_small";
      case "trailing":
        return "tls.malformed.trailing_data";
      case "range":
        return "tls.malformed.vector_length";
      case "duplicate":
        return "tls.malformed.duplicate_extension";
      case "illegal":
        return "tls.malformed.illegal_value";
    }
  }

  private static describe(kind: DecodeErrorKind, what: string, offset: number, need?: number, have?: number): string {
    switch (kind) {
      case "short":
        return `${what}: truncated at byte ${offset} (need ${need ?? "?"} bytes, have ${have ?? "?"})`;
      case "trailing":
        return `${what}: ${have ?? "?"} unexpected trailing byte(s) at byte ${offset}`;
      case "range":
        return `${what}: value out of range at byte ${offset}${need !== undefined ? ` (${need})` : ""}`;
      case "duplicate":
        return `${what}: duplicate at byte ${offset}`;
      case "illegal":
        return `${what}: illegal value at byte ${offset}`;
    }
  }
}

/** Type guard: true when `e` is a {@link DecodeError} (malformed bytes), as opposed to an MtlsDoctorError or a bug. */
export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}
