/**
 * Redaction for support bundles: host names (and addresses) become `host-1`, `host-2` …; every attribute value of
 * every distinguished name becomes `<dn-1>`, `<dn-2>` … (so `CN=gw.example.com, O=Acme` reads `CN=<dn-1>, O=<dn-2>`).
 * Placeholders are stable: one {@link Redactor} is used for every file of a bundle, numbers are given in the order
 * values are registered, and the same value always maps to the same placeholder.
 *
 * Values are collected from DER Names (src/pki/dn.ts), not by parsing DN strings; they are then replaced wherever they
 * occur in text, as whole tokens (not inside a longer word), longest first, in one pass (a placeholder is never
 * rewritten), together with the escaped forms DN printers use (RFC 4514/2253 backslash escapes, OpenSSL's `\XX`
 * for bytes ≥ 0x80).
 */
import { parseName } from "../pki/dn.js";

/**
 * Maps host names/addresses and DN attribute values to stable placeholders (`host-1`, `<dn-1>`), then replaces them
 * in text (`apply`) or in plain data (`deep`). Register every value first, then apply: one instance per bundle.
 */
export class Redactor {
  private readonly map = new Map<string, string>();
  private hostCount = 0;
  private dnCount = 0;
  private re: RegExp | undefined;

  /** Registers a host name or address (ignored when empty or already known). Returns its placeholder. */
  addHost(host: string | undefined): string | undefined {
    if (!host) return undefined;
    const h = host.replace(/^\[|\]$/g, "");
    const known = this.map.get(h);
    if (known) return known;
    const p = `host-${++this.hostCount}`;
    this.map.set(h, p);
    this.re = undefined;
    return p;
  }

  /** Registers one DN attribute value. */
  addDnValue(value: string | undefined): void {
    if (!value || !value.trim() || this.map.has(value)) return;
    const p = `<dn-${++this.dnCount}>`;
    this.map.set(value, p);
    for (const v of escapedForms(value)) if (!this.map.has(v)) this.map.set(v, p);
    this.re = undefined;
  }

  /** Registers every string value of a DER Name (ignores DER that does not parse). */
  addName(der: Uint8Array | undefined): void {
    if (!der) return;
    try {
      for (const rdn of parseName(der).rdns) for (const a of rdn) if (a.value !== undefined) this.addDnValue(a.value);
    } catch {
      /* not a Name: nothing to register */
    }
  }

  /** Registers a subjectAltName entry as printed by src/pki (`DNS:host`, `IP:addr`, `email:…`, `URI:…`). */
  addSan(san: string): void {
    const m = /^(DNS|IP|email|URI):(.+)$/.exec(san);
    if (!m) return;
    if (m[1] === "DNS" || m[1] === "IP") this.addHost(m[2]!);
    else this.addDnValue(m[2]!);
  }

  /**
   * Registers a literal to be shown as `replacement` wherever it occurs as a whole token (a log's full path → the
   * name the bundle shows for it, which remediation steps quoting the path would otherwise leak). Ignored when empty
   * or already registered.
   */
  addReplacement(value: string | undefined, replacement: string): void {
    if (!value || this.map.has(value)) return;
    this.map.set(value, replacement);
    this.re = undefined;
  }

  /** The placeholder for a registered value, if any. */
  placeholder(value: string): string | undefined {
    return this.map.get(value);
  }

  /** Replaces every registered value in `s`. */
  apply(s: string): string {
    if (this.map.size === 0) return s;
    if (!this.re) {
      const needles = [...this.map.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      this.re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${needles.map(escapeRe).join("|")})(?![\\p{L}\\p{N}_])`, "gu");
    }
    return s.replace(this.re, (m) => this.map.get(m) ?? m);
  }

  /** A deep copy of plain data with every string passed through {@link apply} (object keys are kept). */
  deep<T>(x: T): T {
    if (typeof x === "string") return this.apply(x) as T;
    if (Array.isArray(x)) return x.map((v) => this.deep(v)) as T;
    if (x && typeof x === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) out[k] = this.deep(v);
      return out as T;
    }
    return x;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** How DN printers may write a value: RFC 4514 escapes, RFC 2253/OpenSSL escapes, OpenSSL's `\XX` for non-ASCII. */
function escapedForms(v: string): string[] {
  const forms = new Set<string>();
  forms.add(v.replace(/([,+"\\<>;=])/g, "\\$1"));
  const msb = Buffer.from(v, "utf8");
  if (msb.some((b) => b >= 0x80)) {
    forms.add([...msb].map((b) => (b >= 0x80 ? `\\${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b))).join(""));
  }
  forms.delete(v);
  return [...forms];
}
