/**
 * The order in which a JDK 17 Java client meets keystore aliases, modelled exactly from the OpenJDK sources, because
 * it decides which certificate a Java client sends when more than one entry fits:
 *
 * - `KeyStore.aliases()` of a PKCS#12 store (sun/security/pkcs12/PKCS12KeyStore.java): `entries` is a
 *   `LinkedHashMap<String, Entry>` keyed by `alias.toLowerCase(Locale.ENGLISH)` and filled while the file is parsed,
 *   so the order is the file's order.
 * - `KeyStore.aliases()` of a JKS store (sun/security/provider/JavaKeyStore.java): `entries` is a
 *   `Hashtable<String, Object>` (default capacity 11, load factor 0.75) keyed by the lower-cased alias and filled in
 *   file order; `Hashtable.keys()` walks the buckets from the highest index down, each bucket's chain from its head
 *   (the newest entry: `addEntry` prepends). See {@link javaHashtableOrder}.
 * - SunX509 (sun/security/ssl/SunX509KeyManagerImpl.java): the constructor puts every private-key alias of
 *   `KeyStore.aliases()` into `credentialsMap`, a `HashMap<String, X509Credentials>`, and `getAliases` iterates
 *   `credentialsMap.entrySet()`: the client sends the first alias that fits in HashMap order. See
 *   {@link javaHashMapOrder}.
 * - PKIX / NewSunX509 (sun/security/ssl/X509KeyManagerImpl.java): iterates `KeyStore.aliases()` directly.
 */
import type { LoadedStore } from "../../pki/types.js";

/** Java `String.hashCode()`: s[0]·31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit two's complement. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The alias as a JDK keystore reports it: JKS and PKCS12 lower-case aliases with `toLowerCase(Locale.ENGLISH)`. */
export function javaAlias(alias: string): string {
  // Locale.ENGLISH lower-casing: the root-locale mapping, which is what String.prototype.toLowerCase does.
  return alias.toLowerCase();
}

/**
 * Iteration order of a `java.util.HashMap` (JDK 8+) created with `new HashMap<>()` and filled with `keys` in this order
 * (distinct keys, no removals), simulated put by put (HashMap.putVal, resize, treeifyBin): buckets in ascending index,
 * index = `(h ^ (h >>> 16)) & (n - 1)` with `h` the key's `String.hashCode()` (HashMap.hash), insertion order within a
 * bucket (a new key is appended; a resize splits each bucket into a "lo" and a "hi" list keeping their relative
 * order). `n` starts at 16 and doubles when ++size > 0.75·n, and also when a key is appended to a bucket that already
 * held 8 keys while n < 64 (treeifyBin resizes instead of making a tree bin).
 * @returns the keys in the order `entrySet()` iterates them, or undefined when a bucket would become a tree bin (9+
 *   keys in one bucket of a 64+ table): a tree bin's list order depends on its red-black balancing, not modelled.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] | undefined {
  const spread = (k: string) => {
    const h = javaStringHash(k);
    return h ^ (h >>> 16);
  };
  let n = 16;
  let bins: string[][] = Array.from({ length: n }, () => []);
  const resize = () => {
    n *= 2;
    const next: string[][] = Array.from({ length: n }, () => []);
    for (const bin of bins) for (const k of bin) next[spread(k) & (n - 1)]!.push(k);
    bins = next;
  };
  let size = 0;
  for (const k of keys) {
    const bin = bins[spread(k) & (n - 1)]!;
    const before = bin.length;
    bin.push(k);
    if (before >= 8) {
      if (n < 64) resize();
      else return undefined;
    }
    if (++size > 0.75 * n) resize();
  }
  return bins.flat();
}

/**
 * Enumeration order of a `java.util.Hashtable` created with `new Hashtable<>()` (capacity 11, load factor 0.75) and
 * filled with `keys` in this order (distinct keys): simulated step by step. `addEntry` rehashes *before* adding when
 * count >= threshold (capacity (2·old)+1, threshold (int)(capacity·0.75)), and prepends the new entry to its bucket,
 * index `(hash & 0x7FFFFFFF) % capacity`; `rehash` walks the old buckets from the highest index down, prepending each
 * entry to its new bucket; `keys()` enumerates buckets from the highest index down, each chain from its head.
 * @returns the keys in the order `Hashtable.keys()` enumerates them
 */
export function javaHashtableOrder(keys: readonly string[]): string[] {
  type E = { key: string; hash: number; next: E | null };
  let table: Array<E | null> = new Array<E | null>(11).fill(null);
  let threshold = Math.floor(11 * 0.75);
  let count = 0;
  for (const key of keys) {
    const hash = javaStringHash(key);
    if (count >= threshold) {
      const old = table;
      const cap = old.length * 2 + 1;
      threshold = Math.floor(cap * 0.75);
      table = new Array<E | null>(cap).fill(null);
      for (let i = old.length; i-- > 0; ) {
        let e = old[i] ?? null;
        while (e !== null) {
          const next: E | null = e.next;
          const idx = (e.hash & 0x7fffffff) % cap;
          e.next = table[idx] ?? null;
          table[idx] = e;
          e = next;
        }
      }
    }
    const idx = (hash & 0x7fffffff) % table.length;
    table[idx] = { key, hash, next: table[idx] ?? null };
    count++;
  }
  const out: string[] = [];
  for (let i = table.length; i-- > 0; ) for (let e = table[i] ?? null; e !== null; e = e.next) out.push(e.key);
  return out;
}

/**
 * `KeyStore.aliases()` of `store` as the JDK would enumerate it (lower-cased aliases), or undefined when the format
 * has no Java alias order (PEM/DER files are not Java keystores: the order a custom loader gives is unknown).
 */
export function javaKeystoreAliasOrder(store: LoadedStore): string[] | undefined {
  // PKCS#12: our loader also lists certificate bags of a chain (under an invented alias); the JDK lists only key
  // entries and certificates marked as trusted (keytool's trusted-cert entries), so only key entries are certain.
  if (store.format === "pkcs12") return store.entries.filter((e) => e.kind === "private-key").map((e) => javaAlias(e.alias));
  if (store.format === "jks") return javaHashtableOrder(store.entries.map((e) => javaAlias(e.alias)));
  return undefined;
}
