/**
 * The standard: "Public functions and types have docstrings that give shapes, units, errors thrown, and the spec
 * section they follow." The public API is exactly what src/index.ts exports. Each exported name is followed
 * through re-exports (`export { X } from`, `export * from`, `export { local as X }`, imports) to its declaration,
 * which must have a `/** ... *\/` block directly before it (blank lines and decorators aside).
 * TypeScript 7 has no JS compiler API, so this reads the source with line-anchored regexes.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;
const ID = "[A-Za-z_$][\\w$]*";
/** `export [declare] [default] [async] [abstract] function|class|... Name` at the start of a line. */
const DECL = new RegExp(
  `^export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?(?:function\\s*\\*?|class|interface|type|const\\s+enum|const|let|var|enum|namespace)\\s+(${ID})`,
  "gm",
);
/** `export [type] { a, type b, c as d } [from "./x.js"];` (possibly over several lines). */
const LIST = /^export\s+(?:type\s+)?\{([^}]*)\}\s*(?:from\s+"([^"]+)")?/gm;
/** `export [type] * from "./x.js";` */
const STAR = /^export\s+(?:type\s+)?\*\s+from\s+"([^"]+)"/gm;

const source = new Map<string, string>();
const read = (file: string): string => {
  if (!source.has(file)) source.set(file, readFileSync(file, "utf8"));
  return source.get(file)!;
};
const target = (from: string, spec: string): string => resolve(dirname(from), spec.replace(/\.js$/, ".ts"));

/** Entries of a `{ ... }` list: `type a as b` → { local: "a", name: "b" }. Comments inside the braces are ignored. */
function entries(body: string): { local: string; name: string }[] {
  return body
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .split(",")
    .map((s) => s.trim().replace(/^type\s+/, ""))
    .filter(Boolean)
    .map((s) => {
      const [local, name] = s.split(/\s+as\s+/);
      return { local: local!, name: name ?? local! };
    });
}

interface Site {
  file: string;
  /** offset of the declaration's first character */
  at: number;
}

/** Where `name` (as exported by `file`) is declared, or undefined if it cannot be found. */
function declarationOf(file: string, name: string, seen = new Set<string>()): Site | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const text = read(file);
  for (const m of text.matchAll(DECL)) if (m[1] === name) return { file, at: m.index };
  for (const m of text.matchAll(LIST)) {
    for (const e of entries(m[1]!)) {
      if (e.name !== name) continue;
      if (m[2] !== undefined) return declarationOf(target(file, m[2]), e.local, seen);
      return localDeclaration(file, e.local, seen);
    }
  }
  for (const m of text.matchAll(STAR)) {
    const found = declarationOf(target(file, m[1]!), name, seen);
    if (found) return found;
  }
  return undefined;
}

/** A name used in `export { local }` without `from`: declared in this file, or imported into it. */
function localDeclaration(file: string, local: string, seen: Set<string>): Site | undefined {
  const text = read(file);
  const decl = new RegExp(
    `^(?:export\\s+)?(?:declare\\s+)?(?:async\\s+)?(?:abstract\\s+)?(?:function\\s*\\*?|class|interface|type|const\\s+enum|const|let|var|enum)\\s+${local.replace(/\$/g, "\\$")}\\b`,
    "m",
  ).exec(text);
  if (decl) return { file, at: decl.index };
  for (const m of text.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s*from\s+"(\.[^"]+)"/gm)) {
    for (const e of entries(m[1]!)) if (e.name === local) return declarationOf(target(file, m[2]!), e.local, seen);
  }
  return undefined;
}

/** Every name `file` exports (declarations, lists, and `export *` of other modules). */
function exportedNames(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = read(file);
  const names = [...text.matchAll(DECL)].map((m) => m[1]!);
  for (const m of text.matchAll(LIST)) names.push(...entries(m[1]!).map((e) => e.name));
  for (const m of text.matchAll(STAR)) names.push(...exportedNames(target(file, m[1]!), seen));
  return names;
}

/** True when a JSDoc block ends right before `at`, skipping blank lines and decorator lines. */
function hasJsDoc(text: string, at: number): boolean {
  const lines = text.slice(0, at).split("\n");
  lines.pop(); // the (empty) start of the declaration's own line
  while (lines.length > 0 && (lines.at(-1)!.trim() === "" || lines.at(-1)!.trim().startsWith("@"))) lines.pop();
  const before = lines.join("\n");
  if (!before.trimEnd().endsWith("*/")) return false;
  const open = before.lastIndexOf("/*");
  return open >= 0 && before.startsWith("/**", open) && !before.startsWith("/**/", open);
}

const INDEX = resolve(SRC, "index.ts");
const publicNames = exportedNames(INDEX);

describe("public API docstrings", () => {
  it("finds the public API (sanity: the parser sees the exports of src/index.ts)", () => {
    expect(publicNames).toEqual(expect.arrayContaining(["MtlsDoctorError", "RecordDeframer", "Certificate", "Finding", "readLog", "JsseResult"]));
    expect(publicNames.length).toBeGreaterThan(150);
  });

  it("every exported name resolves to a declaration", () => {
    const unresolved = publicNames.filter((n) => declarationOf(INDEX, n) === undefined);
    expect(unresolved).toEqual([]);
  });

  it("every exported declaration has a /** ... */ docstring", () => {
    const missing: string[] = [];
    for (const name of [...new Set(publicNames)].sort()) {
      const site = declarationOf(INDEX, name);
      if (site === undefined) continue;
      const text = read(site.file);
      if (!hasJsDoc(text, site.at)) {
        const line = text.slice(0, site.at).split("\n").length;
        missing.push(`${name} (src/${relative(SRC, site.file)}:${line})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
