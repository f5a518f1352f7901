/**
 * NSS key log format (the SSLKEYLOGFILE format written by NSS, OpenSSL `-keylogfile`, Node's `keylog` event,
 * BoringSSL, Go `KeyLogWriter`; see draft-ietf-tls-keylogfile): one secret per line,
 * `<label> <client_random hex (64)> <secret hex>`, `#` comments and blank lines ignored.
 */

/** Labels defined by the key log format. */
export const KEYLOG_LABELS = [
  "CLIENT_RANDOM",
  "CLIENT_EARLY_TRAFFIC_SECRET",
  "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
  "SERVER_HANDSHAKE_TRAFFIC_SECRET",
  "CLIENT_TRAFFIC_SECRET_0",
  "SERVER_TRAFFIC_SECRET_0",
  "EARLY_EXPORTER_SECRET",
  "EXPORTER_SECRET",
  "ECH_SECRET",
  "ECH_CONFIG",
] as const;
/** One of the key log labels (CLIENT_RANDOM for TLS 1.2 master secrets; *_TRAFFIC_SECRET_* for TLS 1.3, RFC 8446 §7.1). */
export type KeyLogLabel = (typeof KEYLOG_LABELS)[number];

/** One parsed key log line. */
export interface KeyLogEntry {
  label: KeyLogLabel;
  /** 32-byte ClientHello.random that identifies the connection. */
  clientRandom: Uint8Array;
  /**
   * The secret: by the format 48 bytes for CLIENT_RANDOM (TLS 1.2 master secret) and the suite's hash length (32 or
   * 48 bytes) for TLS 1.3 labels; only "non-empty, even number of hex digits" is checked here.
   */
  secret: Uint8Array;
  /** 1-based line number in the text it came from. */
  line: number;
}

/** A key log line that was skipped, and why; the secret is never repeated. */
export interface KeyLogProblem {
  /** 1-based line number. */
  line: number;
  /** What was wrong, e.g. "unknown label FOO" (never contains the secret). */
  reason: string;
}

const LABELS = new Set<string>(KEYLOG_LABELS);
const HEX = /^[0-9a-fA-F]*$/;

/**
 * Parse key log text. Bad lines do not throw: they are returned in `problems` with their line number and a
 * reason that never repeats the secret.
 * @param firstLine line number of the first line of `text` (for appended text)
 */
export function parseKeyLog(text: string, firstLine = 1): { entries: KeyLogEntry[]; problems: KeyLogProblem[] } {
  const entries: KeyLogEntry[] = [];
  const problems: KeyLogProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = firstLine + i;
    const s = lines[i]!.trim();
    if (s === "" || s.startsWith("#")) continue;
    const parts = s.split(/\s+/);
    if (parts.length !== 3) {
      problems.push({ line, reason: `expected "<label> <client_random> <secret>", got ${parts.length} field(s)` });
      continue;
    }
    const [label, cr, secret] = parts as [string, string, string];
    if (!LABELS.has(label)) {
      problems.push({ line, reason: `unknown label ${JSON.stringify(label.slice(0, 40))}` });
      continue;
    }
    if (cr.length !== 64 || !HEX.test(cr)) {
      problems.push({ line, reason: `client_random must be 64 hex digits (got ${cr.length} characters)` });
      continue;
    }
    if (secret.length === 0 || secret.length % 2 !== 0 || !HEX.test(secret)) {
      problems.push({ line, reason: `${label}: secret is not an even number of hex digits` });
      continue;
    }
    entries.push({ label: label as KeyLogLabel, clientRandom: fromHex(cr), secret: fromHex(secret), line });
  }
  return { entries, problems };
}

/**
 * A set of key log secrets, indexed by client random and label. `add()` may be called repeatedly (pcapng
 * Decryption Secrets Blocks, a probe's keylog events); later lines for the same (random, label) replace earlier ones.
 */
export class KeyLog {
  private readonly map = new Map<string, Uint8Array>();
  private lines = 0;
  /** Problems found in all text added so far. */
  readonly problems: KeyLogProblem[] = [];

  constructor(text?: string) {
    if (text) this.add(text);
  }

  /** Add key log text; returns the problems found in it (line numbers continue across calls). */
  add(text: string): KeyLogProblem[] {
    const { entries, problems } = parseKeyLog(text, this.lines + 1);
    this.lines += text.split(/\r?\n/).length - (text.endsWith("\n") ? 1 : 0);
    for (const e of entries) this.addEntry(e.clientRandom, e.label, e.secret);
    this.problems.push(...problems);
    return problems;
  }

  /** Add one secret (e.g. from a pcapng Decryption Secrets Block); replaces an earlier one for the same pair. */
  addEntry(clientRandom: Uint8Array, label: KeyLogLabel, secret: Uint8Array): void {
    this.map.set(key(clientRandom, label), secret);
  }

  /** The secret for (client random, label), if logged. */
  lookup(clientRandom: Uint8Array, label: KeyLogLabel): Uint8Array | undefined {
    return this.map.get(key(clientRandom, label));
  }

  /** Whether any secret is known for this client random. */
  has(clientRandom: Uint8Array): boolean {
    const h = toHex(clientRandom);
    for (const k of this.map.keys()) if (k.endsWith(h)) return true;
    return false;
  }

  /** Number of distinct (client random, label) secrets held. */
  get size(): number {
    return this.map.size;
  }
}

function key(cr: Uint8Array, label: string): string {
  return `${label} ${toHex(cr)}`;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}
export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}
