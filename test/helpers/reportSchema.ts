/**
 * Validates report JSON documents against the published schemas (schemas/<kind>.schema.json, draft 2020-12) with ajv.
 * Every test that reads a command's `--format json` output should pass it through {@link expectValidReport}.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const KINDS = ["diagnose", "probe", "analyze", "inspect"] as const;
let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  validators = new Map();
  for (const k of KINDS) {
    const schema = JSON.parse(readFileSync(new URL(`../../schemas/${k}.schema.json`, import.meta.url), "utf8")) as object;
    validators.set(k, ajv.compile(schema));
  }
  return validators;
}

/** Returns ajv's error list for `doc` (validated against the schema of `doc.kind`), empty when valid. */
export function reportSchemaErrors(doc: unknown): string[] {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  const v = typeof kind === "string" ? load().get(kind) : undefined;
  if (!v) return [`unknown report kind ${JSON.stringify(kind)}`];
  if (v(doc)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** Throws with ajv's errors unless `doc` (an object or a JSON string) validates against its kind's schema. */
export function expectValidReport(doc: unknown): void {
  const d = typeof doc === "string" ? (JSON.parse(doc) as unknown) : doc;
  const errors = reportSchemaErrors(d);
  if (errors.length) throw new Error(`report JSON does not match its schema:\n${errors.join("\n")}`);
}
