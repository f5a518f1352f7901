/** The analyze progress bar (cli-progress): none unless stderr is a TTY and the file is large; cleared on stop. */
import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { progressFor } from "../../src/cli/commands/analyze.js";

function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(w, { isTTY, columns: 100, text: () => chunks.join("") });
  return w;
}

describe("analyze progress bar", () => {
  it("not a TTY: no bar at all", () => {
    expect(progressFor(stream(false))).toBeUndefined();
  });

  it("a TTY: nothing for a small file; MB units for a large one; stop() clears the line", () => {
    const s = stream(true);
    const p = progressFor(s)!;
    p.onProgress(1 << 20, 8 << 20); // 8 MB file: below the threshold
    expect(s.text()).toBe("");
    p.onProgress(100 << 20, 400 << 20);
    expect(s.text()).toMatch(/reading capture \[.*\] 0% \| 0\/400 MB/); // drawn at start; redraws are throttled
    p.stop(); // draws the last value, then clears the line (clearOnComplete), also when stopped early by an error
    expect(s.text()).toMatch(/reading capture \[.*\] 25% \| 100\/400 MB/);
    expect(s.text().endsWith("\x1b[2K")).toBe(true);
  });
});
