/**
 * The layers of DESIGN.md, enforced: imports only point down the list, and no module imports itself in a cycle.
 * wire → pki → evidence → capture/probe/logs → diagnose → demo → report → cli (src/*.ts at the top are shared).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;
const RANK: Record<string, number> = { wire: 0, pki: 1, evidence: 2, capture: 3, probe: 3, logs: 3, diagnose: 4, demo: 5, report: 6, cli: 7 };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const layerOf = (file: string): string | undefined => {
  const rel = relative(SRC, file).split("/");
  return rel.length > 1 ? rel[0] : undefined;
};

/** Relative imports of a file, resolved to .ts paths (type-only imports count: they couple the layers too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  return out;
}

const all = files(SRC);
const graph = new Map(all.map((f) => [f, importsOf(f)]));

describe("architecture", () => {
  it("imports only point down the layer list", () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const from = layerOf(f);
      if (from === undefined) continue;
      for (const d of deps) {
        const to = layerOf(d);
        if (to === undefined || to === from) continue;
        if (RANK[to]! > RANK[from]!) bad.push(`${relative(SRC, f)} → ${relative(SRC, d)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has no circular imports", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, "open");
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (!graph.has(d)) continue;
        if (state.get(d) === "open") cycles.push(stack.slice(stack.indexOf(d)).concat(d).map((x) => relative(SRC, x)).join(" → "));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it("no test file runs tsc: test/globalSetup.ts builds dist/ once (a rebuild under a running CLI test breaks it)", () => {
    const TEST = new URL("./", import.meta.url).pathname;
    const offenders = files(TEST)
      .filter((f) => !f.endsWith("globalSetup.ts") && !f.endsWith("architecture.test.ts"))
      .filter((f) => /["'`]tsc["'`]|npx tsc|tsc -p/.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(TEST, f))).toEqual([]);
  });

  it("src/index.ts has no side effects: only exports", () => {
    const text = readFileSync(join(SRC, "index.ts"), "utf8");
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    for (const stmt of code.split(";").map((s) => s.trim()).filter(Boolean)) expect(stmt).toMatch(/^export\b/);
  });
});
