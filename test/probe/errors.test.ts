/**
 * The one-line errors of the probe: the timeout wording depends on the budget (a tiny budget is named as the cause
 * first; the firewall/stall hints only for budgets ≥ 1 s), and a port that is not a number is called exactly that.
 */
import { describe, expect, it } from "vitest";
import { connectTimeout, handshakeTimeout } from "../../src/probe/errors.js";
import { probe, type ProbeOptions } from "../../src/probe/probe.js";
import { ExitCode, MtlsDoctorError } from "../../src/errors.js";

describe("timeout wording", () => {
  it("a tiny budget is named first, with no firewall or stall guess", () => {
    const c = connectTimeout("127.0.0.1", 18443, 3);
    expect(c.code).toBe("MTLSD_ERR_TIMEOUT");
    expect(c.message).toBe(
      "127.0.0.1:18443: no answer within 3 ms (the --timeout budget); raise --timeout (the TCP connection was not established yet)",
    );
    const h = handshakeTimeout("127.0.0.1", 18443, 1, 1592);
    expect(h.message).toBe(
      "127.0.0.1:18443: no answer within 1 ms (the --timeout budget); raise --timeout (the TLS handshake was still in progress, 1592 bytes from the server so far)",
    );
    expect(h.message).not.toMatch(/stalled|firewall/);
    expect(handshakeTimeout("::1", 443, 999, 0).message).toBe(
      "[::1]:443: no answer within 999 ms (the --timeout budget); raise --timeout (TCP connected, but the server sent nothing back to the ClientHello yet)",
    );
  });

  it("budgets of 1 s and more keep the hints about the server", () => {
    expect(connectTimeout("10.0.0.1", 443, 1000).message).toBe(
      "10.0.0.1:443: no TCP connection within 1000 ms (packets dropped by a firewall, or the host is down)",
    );
    expect(handshakeTimeout("10.0.0.1", 443, 5000, 1592).message).toBe(
      "10.0.0.1:443: no TLS answer within 5000 ms (the handshake stalled after 1592 bytes from the server)",
    );
    expect(handshakeTimeout("10.0.0.1", 443, 5000, 0).message).toBe(
      "10.0.0.1:443: no TLS answer within 5000 ms (the server accepted the TCP connection but sent nothing back to the ClientHello)",
    );
  });
});

describe("probe() option checks (no connection made)", () => {
  const rejects = async (o: unknown) => {
    const e = await probe(o as ProbeOptions).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(MtlsDoctorError);
    return e as MtlsDoctorError;
  };

  it("a port given as a string: it must be a number", async () => {
    const e = await rejects({ host: "127.0.0.1", port: "18443" });
    expect(e.code).toBe("MTLSD_ERR_BAD_TARGET");
    expect(e.exitCode).toBe(ExitCode.BAD_INPUT);
    expect(e.message).toBe('127.0.0.1: bad port "18443": the port must be a number (1..65535), not a string');
  });

  it("a number out of range, and a bad budget", async () => {
    expect((await rejects({ host: "127.0.0.1", port: 70000 })).message).toBe("127.0.0.1: bad port 70000 (expected an integer 1..65535)");
    const t = await rejects({ host: "127.0.0.1", port: 443, timeoutMs: -5 });
    expect(t.code).toBe("MTLSD_ERR_USAGE");
    expect(t.message).toBe("timeoutMs: expected a number of milliseconds ≥ 0, got -5");
  });
});
