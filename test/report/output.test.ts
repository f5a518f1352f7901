import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { addOutputOptions, resolveFormat, useColor, writeReport, type OutputOptions } from "../../src/cli/output.js";
import { MtlsDoctorError } from "../../src/errors.js";
import { diagnose } from "../../src/diagnose/engine.js";
import { diagnoseDocument } from "../../src/report/documents.js";
import { buildReportView } from "../../src/report/view.js";
import { expectValidReport } from "../helpers/reportSchema.js";
import { caMismatchTls12, NOW } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mtlsd-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(args: string[]): OutputOptions {
  const cmd = addOutputOptions(new Command("x").exitOverride().configureOutput({ writeErr: () => {} }));
  cmd.parse(args, { from: "user" });
  return cmd.opts<OutputOptions>();
}

async function renderers() {
  const { evidence, diagnosis } = await caMismatchTls12();
  const view = buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: NOW });
  return {
    view: () => view,
    json: () => diagnoseDocument(diagnose(evidence), evidence),
    text: ({ color }: { color: boolean }) => (color ? "\x1b[31mred\x1b[0m\n" : "plain\n"),
  };
}

describe("addOutputOptions / writeReport", () => {
  it("parses --format, --json and --output", () => {
    expect(resolveFormat(parse([]))).toBe("text");
    expect(resolveFormat(parse(["--json"]))).toBe("json");
    expect(resolveFormat(parse(["--format", "html", "-o", "r.html"]))).toBe("html");
    expect(parse(["--output", "f"]).output).toBe("f");
    expect(() => parse(["--format", "pdf"])).toThrow(/Allowed choices are text, json, markdown, html/);
    expect(() => resolveFormat(parse(["--json", "--format", "html"]))).toThrow(/--json conflicts with --format html/);
  });

  it("colours text only on a TTY stdout without NO_COLOR, never into a file", async () => {
    expect(useColor({}, { stdout: { write: () => true, isTTY: true }, env: {} })).toBe(true);
    expect(useColor({}, { stdout: { write: () => true, isTTY: true }, env: { NO_COLOR: "1" } })).toBe(false);
    expect(useColor({}, { stdout: { write: () => true, isTTY: true }, env: { NO_COLOR: "" } })).toBe(true);
    expect(useColor({}, { stdout: { write: () => true, isTTY: false }, env: {} })).toBe(false);
    expect(useColor({ output: "x" }, { stdout: { write: () => true, isTTY: true }, env: {} })).toBe(false);
    let got = "";
    const stdout = { write: (s: string) => (got += s), isTTY: true };
    await writeReport({ format: "text" }, await renderers(), { stdout, env: {} });
    expect(got).toBe("\x1b[31mred\x1b[0m\n");
    got = "";
    await writeReport({ format: "json" }, await renderers(), { stdout, env: {} });
    expect(got).not.toContain("\x1b[");
    expectValidReport(got);
  });

  it("writes every format to --output", async () => {
    for (const format of ["text", "json", "markdown", "html"] as const) {
      const file = join(dir, `r.${format}`);
      await writeReport({ format, output: file }, await renderers(), { stdout: { write: () => { throw new Error("stdout used"); }, isTTY: true }, env: {} });
      const body = readFileSync(file, "utf8");
      if (format === "text") expect(body).toBe("plain\n");
      if (format === "json") expectValidReport(body);
      if (format === "markdown") expect(body).toMatch(/^### mTLS diagnosis/);
      if (format === "html") expect(body).toMatch(/^<!DOCTYPE html>/);
    }
  });

  it("turns a failed write into one MtlsDoctorError naming the file", async () => {
    const missing = join(dir, "no-such-dir", "r.html");
    const err = await writeReport({ format: "html", output: missing }, await renderers()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MtlsDoctorError);
    expect((err as MtlsDoctorError).code).toBe("MTLSD_ERR_CANNOT_WRITE");
    expect((err as MtlsDoctorError).message).toBe(`cannot write ${missing}: the folder does not exist`);
    const isDir = await writeReport({ format: "html", output: dir }, await renderers()).catch((e: unknown) => e);
    expect((isDir as MtlsDoctorError).message).toBe(`cannot write ${dir}: it is a directory`);
  });
});
