/**
 * Report output for every command that reports: `--format text|json|markdown|html`, `--json` (= `--format json`),
 * `--output FILE`. The command gives its own text renderer, its JSON document (the command's documented shape headed
 * by `schemaVersion` and `$schema`, see src/report/documents.ts) and a {@link ReportView} for Markdown and HTML
 * (built only when one of those is asked for); this module picks the renderer, decides colour (text only, only when writing to a TTY stdout and `NO_COLOR` is unset or empty, see
 * https://no-color.org) and writes to stdout or the file.
 *
 * Adoption in a command:
 * ```ts
 * addOutputOptions(cmd);                         // after the command's own options
 * cmd.action(action(async (target, opts) => {
 *   await writeReport(opts, {
 *     text: ({ color }) => renderProbeText(result, { color }),
 *     json: () => probeDocument(result),
 *     view: () => buildReportView({ kind: "probe", probe: result }, { now: Date.now() }),
 *   });
 *   return exitCodeFor(result);
 * }));
 * ```
 */
import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { MtlsDoctorError } from "../errors.js";
import { renderHtml } from "../report/html/page.js";
import { renderJsonDocument } from "../report/documents.js";
import { renderMarkdown } from "../report/markdown.js";
import type { ReportView } from "../report/view.js";

export const REPORT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The options {@link addOutputOptions} adds, as commander hands them to the action. */
export interface OutputOptions {
  format?: ReportFormat;
  json?: boolean;
  output?: string;
}

/** What a command gives {@link writeReport}: one producer per format family (only the one asked for is called). */
export interface ReportRenderers {
  /** The command's own text. `color`: ANSI colours allowed; `tty`: the text goes to a terminal (not a file or pipe). */
  text: (ctx: { color: boolean; tty: boolean }) => string;
  /** The command's JSON document (schemas/<kind>.schema.json). */
  json: () => object;
  /** The view model read by the Markdown and HTML renderers. */
  view: () => ReportView;
}

/** Where output goes and what the environment says; defaults are the real process (tests pass their own). */
export interface OutputEnv {
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  env?: Record<string, string | undefined>;
}

/** Adds `--format`, `--json` and `--output` to a command. Returns the command. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--format <format>", "report format").choices([...REPORT_FORMATS]).default("text"))
    .addOption(new Option("--json", "same as --format json"))
    .addOption(new Option("-o, --output <file>", "write the report to a file instead of stdout"));
}

/**
 * The format the user asked for.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE when `--json` and a different `--format` are both given.
 */
export function resolveFormat(opts: OutputOptions): ReportFormat {
  const f = opts.format ?? "text";
  if (opts.json) {
    if (f !== "text" && f !== "json") throw new MtlsDoctorError("MTLSD_ERR_USAGE", `--json conflicts with --format ${f}`);
    return "json";
  }
  if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
    throw new MtlsDoctorError("MTLSD_ERR_USAGE", `unknown --format ${JSON.stringify(f)} (use ${REPORT_FORMATS.join(", ")})`);
  }
  return f;
}

/** True when text may be coloured: writing to stdout, stdout is a TTY, and NO_COLOR is unset or empty. */
export function useColor(opts: OutputOptions, out: OutputEnv = {}): boolean {
  const stdout = out.stdout ?? process.stdout;
  const env = out.env ?? process.env;
  return !opts.output && stdout.isTTY === true && !env.NO_COLOR;
}

/** Renders the report in the chosen format (pure; colour only for text). */
export function renderReport(format: ReportFormat, r: ReportRenderers, color: boolean, tty = false): string {
  switch (format) {
    case "text":
      return r.text({ color, tty });
    case "json":
      return renderJsonDocument(r.json());
    case "markdown":
      return renderMarkdown(r.view());
    case "html":
      return renderHtml(r.view());
  }
}

/**
 * Renders and writes the report: to `--output` when given (UTF-8, replaced if present), else to stdout.
 * @throws MtlsDoctorError MTLSD_ERR_USAGE for conflicting options; MTLSD_ERR_CANNOT_WRITE (naming the file) when the
 *   output file cannot be written (missing folder, a directory, no permission).
 */
export async function writeReport(opts: OutputOptions, r: ReportRenderers, out: OutputEnv = {}): Promise<void> {
  const format = resolveFormat(opts);
  const tty = !opts.output && (out.stdout ?? process.stdout).isTTY === true;
  const text = renderReport(format, r, format === "text" && useColor(opts, out), tty);
  if (!opts.output) {
    (out.stdout ?? process.stdout).write(text);
    return;
  }
  try {
    await writeFile(opts.output, text, "utf8");
  } catch (e) {
    throw new MtlsDoctorError("MTLSD_ERR_CANNOT_WRITE", `cannot write ${opts.output}: ${ioReason(e)}`, { cause: e });
  }
}

/** A short reason for a failed write, from the errno code. */
export function ioReason(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "the folder does not exist";
    case "EISDIR":
      return "it is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "read-only file system";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return code ?? (e instanceof Error ? e.message.split("\n")[0]! : String(e));
  }
}
