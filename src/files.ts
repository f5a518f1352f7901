/**
 * Reading the user's input files with one-line, coded errors (the same words for keystores, captures, logs, key
 * logs and PEM files). `what` names the kind of file in messages: "keystore", "capture file", "key log", ...
 */
import type { Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { MtlsDoctorError } from "./errors.js";

/**
 * Turns a Node fs error on `file` into the matching MtlsDoctorError: ENOENT/ENOTDIR → MTLSD_ERR_FILE_NOT_FOUND,
 * EISDIR → MTLSD_ERR_IS_DIRECTORY, anything else → MTLSD_ERR_FILE_UNREADABLE (with the errno code).
 */
export function fileError(file: string, e: unknown, what: string): MtlsDoctorError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new MtlsDoctorError("MTLSD_ERR_FILE_NOT_FOUND", `${file}: no such file (expected a ${what})`);
  if (code === "EISDIR") return new MtlsDoctorError("MTLSD_ERR_IS_DIRECTORY", `${file}: is a directory, expected a ${what}`);
  return new MtlsDoctorError("MTLSD_ERR_FILE_UNREADABLE", `${file}: cannot read the ${what} (${code ?? String(e)})`);
}

/**
 * Stats an input file and checks it is a non-empty regular file.
 * @throws MtlsDoctorError MTLSD_ERR_FILE_NOT_FOUND, _IS_DIRECTORY, _FILE_UNREADABLE, _EMPTY_FILE (unless allowEmpty)
 */
export async function statInputFile(file: string, what: string, opts: { allowEmpty?: boolean } = {}): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(file);
  } catch (e) {
    throw fileError(file, e, what);
  }
  if (st.isDirectory()) throw new MtlsDoctorError("MTLSD_ERR_IS_DIRECTORY", `${file}: is a directory, expected a ${what}`);
  if (st.size === 0 && !opts.allowEmpty) throw new MtlsDoctorError("MTLSD_ERR_EMPTY_FILE", `${file}: the ${what} is empty`);
  return st;
}

/** Reads a whole (small) input file: keystores, PEM files, key logs. Same errors as {@link statInputFile}. */
export async function readInputFile(file: string, what: string, opts: { allowEmpty?: boolean } = {}): Promise<Buffer> {
  await statInputFile(file, what, opts);
  try {
    return await readFile(file);
  } catch (e) {
    throw fileError(file, e, what);
  }
}
