/**
 * readLog on gateway logs built from the playbook's own Message Processor lines (anonymised as there), and on bad
 * input (empty file, binary garbage, a directory, a missing file, a text file with nothing TLS in it).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { readLog } from "../../src/logs/index.js";
import { isMtlsDoctorError } from "../../src/errors.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "mtlsd-logs-bad-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("Apigee Message Processor system.log (the playbook's lines)", () => {
  it("gives the alert, the SSLInfo names, the message id and the exception with its causes", async () => {
    const ev = await readLog(join(fixtures, "apigee-mp-system.log"));
    expect(ev.kind).toBe("gateway");
    expect(ev.side).toBe("unknown");
    expect(ev.conversations).toEqual([]);
    const failed = ev.events.find((e) => e.line === 2)!;
    expect(failed).toMatchObject({
      kind: "alert-received",
      alert: "bad_certificate",
      alertCode: 42,
      alertDirection: "received",
      messageId: "message_id",
      thread: "NIOThread@0",
      text: "Received fatal alert: bad_certificate",
      time: Date.UTC(2017, 9, 23, 5, 28, 57, 813),
    });
    expect(failed.remote).toBeUndefined(); // anonymised as "IP address:port #"
    const info = ev.events.find((e) => e.kind === "ssl-info")!;
    expect(info.sslInfo).toEqual({ keyStore: "java.security.KeyStore@52de60d9", keyAlias: "KeyAlias", trustStore: "java.security.KeyStore@6ec45759" });
    expect(info.messageId).toBe("message_id");
    const ex = ev.events.find((e) => e.line === 5)!;
    expect(ex).toMatchObject({ kind: "alert-received", alert: "bad_certificate", exception: { className: "javax.net.ssl.SSLException", message: "Received fatal alert: bad_certificate" } });
    // Stack frames give no events.
    expect(ev.events.filter((e) => e.line > 5 && e.line < 18)).toEqual([]);
  });

  it("reads the remote host:port, Broken pipe, and a peer close with its cause", async () => {
    const ev = await readLog(join(fixtures, "apigee-mp-system.log"));
    const bp = ev.events.find((e) => e.kind === "broken-pipe")!;
    expect(bp).toMatchObject({ messageId: "rrt-0b5c1f-2", remote: { host: "198.51.100.7", port: 443 }, local: { host: "192.0.2.10", port: 48312 } });
    const pc = ev.events.find((e) => e.kind === "peer-closed")!;
    expect(pc.exception).toEqual({
      className: "javax.net.ssl.SSLHandshakeException",
      message: "Remote host terminated the handshake",
      causes: [{ className: "java.io.EOFException", message: "SSL peer shut down incorrectly" }],
    });
  });

  it("splits the playbook's excerpt flattened onto one line into its three records", async () => {
    const ev = await readLog(join(fixtures, "apigee-mp-flattened.log"));
    expect(ev.events.map((e) => e.kind)).toEqual(["alert-received", "ssl-info", "alert-received"]);
    expect(ev.events[1]!.sslInfo!.keyAlias).toBe("KeyAlias");
    expect(ev.events[2]!.exception!.className).toBe("javax.net.ssl.SSLException");
    expect(ev.events[2]!.exception!.message).toBe("Received fatal alert: bad_certificate");
  });

  it("reads a gzip-compressed rotated log", async () => {
    const f = join(tmp, "system.log.1.gz");
    writeFileSync(f, gzipSync(readFileSync(join(fixtures, "apigee-mp-system.log"))));
    const ev = await readLog(f);
    expect(ev.events.find((e) => e.kind === "ssl-info")!.sslInfo!.keyAlias).toBe("KeyAlias");
  });
});

describe("bad input → one-line MtlsDoctorError", () => {
  async function err(file: string): Promise<{ code: string; message: string }> {
    try {
      await readLog(file);
    } catch (e) {
      if (!isMtlsDoctorError(e)) throw e;
      expect(e.message).not.toMatch(/\n/);
      expect(e.message.startsWith(file)).toBe(true);
      expect(e.exitCode).toBe(2);
      return { code: e.code, message: e.message };
    }
    throw new Error("no error");
  }
  it("empty file", async () => {
    const f = join(tmp, "empty.log");
    writeFileSync(f, "");
    expect((await err(f)).code).toBe("MTLSD_ERR_EMPTY_FILE");
  });
  it("binary garbage", async () => {
    const f = join(tmp, "garbage.bin");
    writeFileSync(f, Buffer.concat([randomBytes(4096), Buffer.from([0, 0, 0])]));
    expect((await err(f)).code).toBe("MTLSD_ERR_BAD_LOG");
  });
  it("a directory", async () => {
    expect((await err(tmp)).code).toBe("MTLSD_ERR_IS_DIRECTORY");
  });
  it("a missing file", async () => {
    expect((await err(join(tmp, "nope.log"))).code).toBe("MTLSD_ERR_FILE_NOT_FOUND");
  });
  it("a text file with no TLS lines", async () => {
    const f = join(tmp, "app.log");
    writeFileSync(f, "2026-11-29 12:00:00,000 INFO started\n2026-11-29 12:00:01,000 INFO GET / 200\n");
    const e = await err(f);
    expect(e.code).toBe("MTLSD_ERR_BAD_LOG");
    expect(e.message).toMatch(/no JSSE debug output .* 2 lines/);
  });
});
