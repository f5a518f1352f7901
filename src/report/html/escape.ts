/** HTML/SVG escaping. Every string that came from evidence goes through one of these. */

/** Escapes text for element content and double-quoted attribute values. */
export function esc(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A safe id fragment (letters, digits, `-`). */
export function idFrag(s: string): string {
  return s.replace(/[^A-Za-z0-9-]/g, "-");
}
