/**
 * Distinguished names as Java logs print them: `X500Principal.toString()` (RFC 1779 style, most specific RDN
 * first, ", " between RDNs, " + " inside a multi-valued RDN, values with special characters in double quotes).
 *
 * A log gives no DER, so these helpers work on the string: split it into RDNs (respecting quotes and escapes),
 * render the OpenSSL 3 form, and split a list that JDK 11+ printed on one line (TLS 1.2 CertificateRequest).
 */

/** Splits `s` on `sep` at top level (outside double quotes, not after a backslash). Pieces are trimmed. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== "" || out.length > 0) out.push(cur.trim());
  return out;
}

/** One attribute as logged: keyword (Java's, e.g. "CN", "EMAILADDRESS", "OID.1.2.3") and the value without quotes. */
export interface LoggedAva {
  type: string;
  value: string;
}

/** The RDNs of a Java-printed DN, most specific first, as logged. */
export function parseJavaDn(dn: string): LoggedAva[][] {
  return splitTop(dn, ",").map((rdn) =>
    splitTop(rdn, "+").map((ava) => {
      const i = ava.indexOf("=");
      const type = (i < 0 ? ava : ava.slice(0, i)).trim();
      let value = i < 0 ? "" : ava.slice(i + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      value = value.replace(/\\(.)/g, "$1");
      return { type, value };
    }),
  );
}

/** Java keyword → OpenSSL short name where they differ. */
const OPENSSL_NAMES: Record<string, string> = {
  EMAILADDRESS: "emailAddress",
  SERIALNUMBER: "serialNumber",
  STREET: "street",
  UID: "UID",
  DC: "DC",
  T: "title",
  GIVENNAME: "GN",
  SURNAME: "SN",
  INITIALS: "initials",
  GENERATION: "generationQualifier",
  DNQUALIFIER: "dnQualifier",
};

/**
 * The OpenSSL 3 rendering (`openssl x509 -subject`, s_client "Acceptable client certificate CA names") of a
 * Java-printed DN: encoding order (the reverse of Java's), "TYPE = value". Derived from the string, so RFC 2253
 * escaping of unusual characters may differ from what OpenSSL would print from the DER.
 */
export function javaDnToOpenssl(dn: string): string {
  return parseJavaDn(dn)
    .reverse()
    .map((rdn) =>
      rdn
        .map(({ type, value }) => {
          const t = type.startsWith("OID.") ? type.slice(4) : (OPENSSL_NAMES[type.toUpperCase()] ?? type);
          const v = value.replace(/([,+;<>\\"])/g, "\\$1").replace(/^([ #])/, "\\$1").replace(/ $/, "\\ ");
          return `${t} = ${v}`;
        })
        .join(" + "),
    )
    .join(", ");
}

/** The RFC 2253 form (`openssl x509 -nameopt RFC2253`): Java's order and escaping, "," without the space. */
export function javaDnToRfc2253(dn: string): string {
  return parseJavaDn(dn)
    .map((rdn) => rdn.map(({ type, value }) => `${type}=${value.replace(/([,+;<>\\"=])/g, "\\$1")}`).join("+"))
    .join(",");
}

/** Rank of an attribute in the usual most-specific-first order (lower = more specific). */
const RANK: Record<string, number> = {
  CN: 1, UID: 1, EMAILADDRESS: 1, SERIALNUMBER: 1, T: 1, GIVENNAME: 1, SURNAME: 1, INITIALS: 1, GENERATION: 1, DNQUALIFIER: 1,
  OU: 2, O: 3, STREET: 4, L: 5, POSTALCODE: 5, ST: 6, C: 7, DC: 8,
};

/**
 * Splits a list of DNs that JDK 11+ printed as `[dn1, dn2]` (List.toString: ", " between names, the same
 * separator as between RDNs). A new name starts where the attribute order restarts, i.e. an RDN that is more
 * specific than the one before it ("..., C=AU, CN=Lab Root B, ..."). Exact for the usual CN…OU…O…L…ST…C/DC names;
 * a name written least-specific first would be cut at each RDN. Returns the names as logged.
 */
export function splitJavaDnList(list: string): string[] {
  const inner = list.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
  if (inner === "") return [];
  const rdns = splitTop(inner, ",");
  const names: string[][] = [];
  let prev = -1;
  for (const rdn of rdns) {
    const rank = Math.min(
      ...splitTop(rdn, "+").map((ava) => RANK[ava.slice(0, Math.max(0, ava.indexOf("="))).trim().toUpperCase()] ?? Number.NaN).map((r) => (Number.isNaN(r) ? prev : r)),
    );
    if (names.length === 0 || (prev >= 0 && rank >= 0 && rank < prev)) names.push([]);
    names[names.length - 1]!.push(rdn);
    prev = rank;
  }
  return names.map((n) => n.join(", "));
}

/** caseIgnoreMatch-style folding of an attribute value (RFC 5280 §7.1 / RFC 4518: trim, collapse spaces, case). */
function foldValue(v: string): string {
  return v.trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * Whether two Java-printed DNs name the same entity: same RDNs in the same order, each RDN the same set of
 * attributes, values compared case-insensitively with whitespace collapsed (RFC 5280 §7.1). For names from a log,
 * which has no DER; where DER is at hand, compare the DER instead.
 */
export function javaDnEquals(a: string, b: string): boolean {
  const ra = parseJavaDn(a);
  const rb = parseJavaDn(b);
  if (ra.length !== rb.length) return false;
  const key = (rdn: LoggedAva[]) => rdn.map((x) => `${x.type.toUpperCase()}=${foldValue(x.value)}`).sort().join("+");
  return ra.every((rdn, i) => key(rdn) === key(rb[i]!));
}

/** How a one-line CA name list was split (see {@link resolveJavaDnList}). */
export type CaNamesSplit = "exact" | "heuristic" | "matched" | "ambiguous";

/** Whether a Java-printed DN has a most-specific attribute (CN, UID, e-mail...): CA names almost always do. */
function hasSpecificAttribute(dn: string): boolean {
  return splitTop(dn, ",").some((rdn) => splitTop(rdn, "+").some((ava) => RANK[ava.slice(0, Math.max(0, ava.indexOf("="))).trim().toUpperCase()] === 1));
}

/**
 * Splits a one-line DN list (JDK 11+ TLS 1.2 `"certificate authorities": [dn1, dn2]`) using DNs the same log shows
 * (`known`: the server's and the client's certificate subjects and issuers). The separator between names is the one
 * between RDNs, so a name written least-specific first ("O=lab, CN=Lab rootA", from `-subj "/CN=Lab rootA/O=lab"`)
 * looks like two names to the order-restart rule of {@link splitJavaDnList}. Here:
 *
 * 1. the RDN run is cut so that as many RDNs as possible fall in names equal to a known DN ({@link javaDnEquals});
 * 2. each remaining run is split by the order-restart rule, but only when every piece keeps a most-specific attribute
 *    (CN, UID, e-mail...); a piece like "O=lab" alone means the cut is a guess, so the run is kept whole.
 *
 * `split`: "exact" (one name, no cut in question), "matched" (every name is a known DN, and a cut was in question), "heuristic" (some name is not a
 * known DN; every cut is at a known DN or by the order rule with plausible pieces), "ambiguous" (a run kept whole: it
 * may be one name or several).
 */
export function resolveJavaDnList(list: string, known: readonly string[]): { names: string[]; split: CaNamesSplit } {
  const inner = list.trim().replace(/^\[/, "").replace(/\]$/, "").trim();
  if (inner === "") return { names: [], split: "exact" };
  const rdns = splitTop(inner, ",");
  const n = rdns.length;
  const knownSet = known.filter((k) => k.trim() !== "");
  const isKnown = (i: number, j: number) => {
    const dn = rdns.slice(i, j).join(", ");
    return knownSet.some((k) => javaDnEquals(dn, k));
  };
  // best[i]: most RDNs of rdns[i..n) covered by known names; step[i]: the end of a known name starting at i, or 0.
  const best = new Array<number>(n + 1).fill(0);
  const step = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    best[i] = best[i + 1]!;
    for (let j = n; j > i; j--) {
      if (j - i + best[j]! > best[i]! && isKnown(i, j)) {
        best[i] = j - i + best[j]!;
        step[i] = j;
      }
    }
  }
  const names: string[] = [];
  let matched = 0;
  let heuristic = false;
  let ambiguous = false;
  const flush = (run: string[]) => {
    if (run.length === 0) return;
    const parts = splitJavaDnList(run.join(", "));
    if (parts.length > 1 && !parts.every(hasSpecificAttribute)) {
      names.push(run.join(", "));
      ambiguous = true;
    } else {
      if (parts.length > 1) heuristic = true;
      names.push(...parts);
    }
  };
  let run: string[] = [];
  for (let i = 0; i < n; ) {
    if (step[i]! > 0) {
      flush(run);
      run = [];
      names.push(rdns.slice(i, step[i]).join(", "));
      matched++;
      i = step[i]!;
    } else run.push(rdns[i++]!);
  }
  flush(run);
  // One name is "matched" when the order rule alone would have cut it and a known DN kept it whole.
  const single = splitJavaDnList(inner).length > 1 && matched > 0 ? "matched" : "exact";
  const split: CaNamesSplit = ambiguous ? "ambiguous" : names.length <= 1 ? single : matched === names.length && !heuristic ? "matched" : "heuristic";
  return { names, split };
}
