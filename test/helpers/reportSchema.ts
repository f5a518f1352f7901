/**
 * Validates the commands' JSON documents against the published schemas (schemas/<kind>.schema.json, draft 2020-12)
 * with ajv. A document names its schema in `$schema` (`urn:mtls-doctor:report:<kind>:<version>`). Every test that
 * reads a command's `--json` / `--format json` output passes it through {@link expectValidReport}.
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

/** The kind named by a document's `$schema` (`urn:mtls-doctor:report:<kind>:<version>`). */
function kindOf(doc: unknown): string | undefined {
  const id = (doc as { $schema?: unknown } | null)?.$schema;
  const m = typeof id === "string" ? /^urn:mtls-doctor:report:([a-z]+):/.exec(id) : null;
  return m?.[1];
}

/**
 * Returns ajv's error list for `doc`, empty when valid. The schema is that of `kind` when given (the document must
 * then also name it), else the one the document's `$schema` names.
 */
export function reportSchemaErrors(doc: unknown, kind?: (typeof KINDS)[number]): string[] {
  const named = kindOf(doc);
  const k = kind ?? named;
  const v = k ? load().get(k) : undefined;
  if (!v) return [`no schema for $schema ${JSON.stringify((doc as { $schema?: unknown } | null)?.$schema)}`];
  if (v(doc)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/**
 * Throws with ajv's errors unless `doc` (an object or a JSON string) validates against its schema: that of `kind`
 * when given, else the one its `$schema` names.
 */
export function expectValidReport(doc: unknown, kind?: (typeof KINDS)[number]): void {
  const d = typeof doc === "string" ? (JSON.parse(doc) as unknown) : doc;
  const errors = reportSchemaErrors(d, kind);
  if (errors.length) throw new Error(`report JSON does not match its schema:\n${errors.join("\n")}`);
}
