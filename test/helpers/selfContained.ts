/** Checks for the HTML reports: one self-contained page (nothing fetched; RFC links are <a> navigation only). */
import { expect } from "vitest";

/** Asserts `page` is a complete HTML document that loads nothing: no src URL, no external resource element, and
 * `http(s)` URLs only as the href of an `<a>` (a link a person may follow, never fetched by the browser). */
export function expectSelfContainedHtml(page: string): void {
  expect(page).toMatch(/^<!DOCTYPE html>/);
  expect(page).toMatch(/<\/html>\s*$/);
  expect(page).not.toMatch(/\ssrc="(?!#|data:)/i);
  expect(page).not.toMatch(/<(link|script|img|iframe|object|embed|base)\b/i);
  expect(page).not.toMatch(/url\(\s*['"]?https?:/i);
  for (const m of page.matchAll(/<(\w+)[^>]*\shref="https?:/g)) expect(m[1], `href on <${m[1]}>`).toBe("a");
}
