/**
 * The HTML report of a real failing scenario, opened in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): no console errors, no network requests, one ladder arrow per transcript message, the alert
 * marked, text contrast ≥ 4.5:1. Saves a screenshot (os.tmpdir(); with MTLSD_UPDATE_SCREENSHOTS=1 also
 * docs/img/report.png, the one README shows).
 *
 * Scenarios: openssl s_server -Verify 1 -verify_return_error -CAfile rootA, client keystore (PKCS#12) from Root B:
 * in TLS 1.2 (the playbook's CA mismatch: Java sends an empty Certificate, the server answers handshake_failure) and
 * in TLS 1.3 (messages decrypted through the probe's key log, certificate_required).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose/engine.js";
import type { Evidence } from "../../src/evidence/model.js";
import { loadKeystore } from "../../src/pki/store.js";
import { probe } from "../../src/probe/probe.js";
import { renderHtml } from "../../src/report/html/page.js";
import { diagnoseDocument, renderJsonDocument } from "../../src/report/documents.js";
import { buildReportView, type ReportView } from "../../src/report/view.js";
import { makeLabPki, type LabPki } from "../helpers/labPki.js";
import { startOpensslServer } from "../helpers/peers.js";
import { expectValidReport } from "../helpers/reportSchema.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const PASSWORD = "browser-Pa55word";
const SCREENSHOT = fileURLToPath(new URL("../../docs/img/report.png", import.meta.url));

let lab: LabPki;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  [lab, browser] = await Promise.all([makeLabPki(), chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })]);
  dir = mkdtempSync(join(tmpdir(), "mtlsd-browser-"));
});
afterAll(async () => {
  await browser?.close();
  await lab?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Probes a real failing server the way `diagnose --connect --keystore` does for a Java client, and builds the view. */
async function failingScenario(tls: "1.2" | "1.3"): Promise<ReportView> {
  const server = await startOpensslServer({ cert: lab.cert("server"), key: lab.key("server"), caFile: lab.cert("rootA"), mode: "Verify", verifyReturnError: true, tls });
  try {
    const p12 = await lab.toPkcs12("client-rootB", { password: PASSWORD, alias: "client", file: join(dir, `client-${tls}.p12`) });
    const store = await loadKeystore(p12, { password: PASSWORD });
    // Java's key manager finds no certificate issued by Root A, so it sends an empty Certificate: probe without one.
    const result = await probe({ host: "127.0.0.1", port: server.port, servername: "localhost", checkRequired: false });
    const evidence: Evidence = { now: Date.now(), stores: [{ store, role: "client-keystore", alias: "client" }], conversations: [], probe: result, policy: result.policy, clientStack: "java", serverStack: "openssl" };
    const diagnosis = diagnose(evidence, { alias: "client" });
    const view = buildReportView({ kind: "diagnose", evidence, diagnosis }, { now: evidence.now });
    expectValidReport(renderJsonDocument(diagnoseDocument(diagnosis, evidence)));
    return view;
  } finally {
    await server.stop();
  }
}

interface Opened {
  consoleErrors: string[];
  requests: string[];
  page: import("playwright-core").Page;
}

async function open(view: ReportView, name: string): Promise<Opened> {
  const file = join(dir, name);
  writeFileSync(file, renderHtml(view));
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { consoleErrors, requests, page };
}

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

describe("HTML report in Chromium", () => {
  it("TLS 1.2 CA mismatch: no errors, no requests, one arrow per message, alert and failing step in red", async () => {
    const view = await failingScenario("1.2");
    const conv = view.conversations[0]!;
    expect(view.verdict).toBe("problem");
    expect(view.findings[0]!.id).toBe("ca-mismatch");
    expect(conv.alert?.descriptionName).toBe("handshake_failure");
    const { page, consoleErrors, requests } = await open(view, "tls12.html");
    try {
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      const ladder = page.locator("svg.ladder").first();
      expect(await ladder.getAttribute("role")).toBe("img");
      expect(await ladder.locator("g.msg").count()).toBe(conv.messages.length);
      expect(await ladder.locator("g.msg").evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-index"))))).toEqual(conv.messages.map((m) => m.index));
      const alert = ladder.locator("g.msg.alert");
      expect(await alert.count()).toBe(1);
      expect(await alert.getAttribute("data-index")).toBe(String(conv.alert!.messageIndex));
      expect(await alert.locator("line").evaluate((l) => getComputedStyle(l).stroke)).toBe("rgb(164, 0, 29)");
      expect(await alert.locator("text").last().textContent()).toContain("handshake_failure(40)");
      // the empty client Certificate is the failing step
      const failing = ladder.locator("g.msg.failing");
      expect(await failing.first().getAttribute("data-type")).toBe("Certificate");
      // text alternative: the desc names every message
      const desc = await ladder.locator("desc").textContent();
      for (const m of conv.messages) expect(desc).toContain(`${m.index}. `);
      // the chain-vs-CA panel shows what was looked for and not found
      expect(await page.locator('[data-looked-for="not-found"]').count()).toBeGreaterThan(0);
      expect(await page.locator(".lookedfor .dn").first().textContent()).toBe("CN=Lab Root B, O=mtls-doctor lab");
      expect(await page.locator("#ca-0 .dn").textContent()).toBe("CN=Lab Root A, O=mtls-doctor lab");
      // contrast of the text people read (on white)
      const colors = await page.evaluate(() =>
        [...document.querySelectorAll("h1, h2, p, li, td, th, dt, dd, a, .muted, .miss, .match, code")].map((e) => getComputedStyle(e).color),
      );
      for (const c of new Set(colors)) expect(contrast(c, "rgb(255, 255, 255)"), c).toBeGreaterThanOrEqual(4.5);
      // printable: the print stylesheet applies and the page lays out without errors
      await page.emulateMedia({ media: "print" });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector(".headline")!).backgroundColor)).toBe("rgba(0, 0, 0, 0)");
      await page.emulateMedia({ media: "screen" });
      const shot = join(dir, "report.png");
      // README picture: the handshake ladder and the chain-vs-CA panel
      const top = (await page.locator("#h-conv-1").boundingBox())!.y - 12;
      const panel = (await page.locator("#h-panel").locator("xpath=..").boundingBox())!;
      await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: top, width: 1100, height: Math.ceil(panel.y + panel.height + 16 - top) } });
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      if (process.env.MTLSD_UPDATE_SCREENSHOTS === "1") {
        mkdirSync(join(SCREENSHOT, ".."), { recursive: true });
        copyFileSync(shot, SCREENSHOT);
      }
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("TLS 1.3: decrypted messages carry the open lock, the alert is drawn", async () => {
    const view = await failingScenario("1.3");
    const conv = view.conversations[0]!;
    expect(conv.decryptedCount).toBeGreaterThan(0);
    const { page, consoleErrors, requests } = await open(view, "tls13.html");
    try {
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      const ladder = page.locator("svg.ladder").first();
      expect(await ladder.locator("g.msg").count()).toBe(conv.messages.length);
      expect(await ladder.locator("g.msg.decrypted").count()).toBe(conv.decryptedCount);
      expect(await ladder.locator("g.msg.decrypted use").count()).toBe(conv.decryptedCount);
      if (conv.alert) {
        expect(await ladder.locator("g.msg.alert").count()).toBe(1);
        expect(await ladder.locator("g.msg.alert text").last().textContent()).toContain(conv.alert.descriptionName);
      } else {
        expect(conv.closedWithoutAlert).toBe(true);
        expect(await ladder.locator("g.close").count()).toBe(1);
      }
    } finally {
      await page.close();
    }
  });
});
