/**
 * Opens the 3D view in a real headless Chromium with software WebGL (SwiftShader) and judges it: the page
 * loads with no console error and no uncaught exception, asks the network for nothing, and the viewer's canvas
 * is drawn (a screenshot of it is not uniform). Each page is opened from disk and, as KFP 2.17.0's UI shows an
 * HTML artifact, as the srcdoc of an iframe with sandbox="allow-scripts" (frontend/src/components/viewers/HTMLViewer.tsx).
 * Usage: ts-node test/viewer/check.ts CHROMIUM PAGE.html [PAGE.html …]
 */
import { readFileSync, writeFileSync } from "fs";
import { basename, join } from "path";
import { pathToFileURL } from "url";
import { Browser, ElementHandle, Frame, launch, Page } from "puppeteer-core";
import { decodePng, pixelSpread } from "./png";

/** The iframe KFP 2.17.0's HTMLViewer renders (sandbox and src), sized as its minimum height. */
export const KFP_IFRAME = `<iframe id="kfp" src="about:blank" sandbox="allow-scripts" style="width:100%;height:600px"></iframe>`;
const LOCAL_URL = /^(file|data|about|blob):/;
const MIN_STD_DEV = 8; // grey-level spread of the canvas; a blank canvas has 0
const MIN_COLOURS = 16;

interface Problems {
  errors: string[];
  requests: string[];
}

function watch(page: Page): Problems {
  const problems: Problems = { errors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") problems.errors.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.errors.push(`uncaught: ${String(error)}`));
  page.on("request", (request) => {
    if (!LOCAL_URL.test(request.url())) problems.requests.push(request.url());
  });
  return problems;
}

async function viewerFrame(page: Page, mode: "disk" | "kfp-iframe", path: string): Promise<Frame> {
  if (mode === "disk") {
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    return page.mainFrame();
  }
  await page.setContent(`<!DOCTYPE html><html><body>${KFP_IFRAME}</body></html>`);
  await page.evaluate(`document.getElementById("kfp").srcdoc = ${JSON.stringify(readFileSync(path, "utf8"))}`);
  for (let waited = 0; waited < 30000; waited += 100) {
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    if (frame && (await frame.$("#molecule-view").catch(() => null))) return frame;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the KFP-style iframe never showed the page's #molecule-view");
}

type Box = { x: number; y: number; width: number; height: number };

/** The canvas's box in the top page, scrolled into the iframe's view (the top page itself is not scrolled). */
async function iframeCanvasClip(page: Page, frame: Frame, canvas: ElementHandle): Promise<Box> {
  await frame.evaluate(`document.getElementById("molecule-view").scrollIntoView({ block: "center" })`);
  const box = (await canvas.boundingBox()) as Box;
  const iframe = (await (await page.$("#kfp"))!.boundingBox()) as Box;
  if (box.y < iframe.y || box.y + box.height > iframe.y + iframe.height + 1)
    throw new Error(`the canvas (${JSON.stringify(box)}) is not inside the iframe's view (${JSON.stringify(iframe)})`);
  return box;
}

async function check(browser: Browser, path: string, mode: "disk" | "kfp-iframe"): Promise<string[]> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  const problems = watch(page);
  const failures: string[] = [];
  try {
    const frame = await viewerFrame(page, mode, path);
    const canvas = await frame.waitForSelector("#molecule-view canvas", { timeout: 30000 });
    await frame.waitForFunction(`document.getElementById("molecule-label").textContent.includes("final")`, {
      timeout: 30000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the software renderer draw
    const frames = Number(await frame.evaluate(`document.getElementById("molecule-frame").max`)) + 1;
    // What a reader sees: the pixels where the canvas is, inside the iframe's view after scrolling it there.
    const screenshot = Buffer.from(
      mode === "disk"
        ? await canvas!.screenshot({ type: "png" })
        : await page.screenshot({ type: "png", clip: await iframeCanvasClip(page, frame, canvas!) }),
    );
    if (process.env.SCREENSHOT_DIR)
      writeFileSync(join(process.env.SCREENSHOT_DIR, `${basename(path)}-${mode}.png`), screenshot);
    const spread = pixelSpread(decodePng(screenshot));
    // The slider steps through the frames: the first one's label replaces the final one's.
    await frame.evaluate(
      `(() => { const s = document.getElementById("molecule-frame"); s.value = "0"; s.dispatchEvent(new Event("input")); })()`,
    );
    const label = String(await frame.evaluate(`document.getElementById("molecule-label").textContent`));
    if (!label.startsWith("free MD frame 1 of"))
      failures.push(`${mode}: the slider at 0 shows "${label}", not frame 1`);
    console.log(
      `  ${mode}: ${frames} frames, canvas grey-level std dev ${spread.stdDev.toFixed(1)}, ${spread.colours} colours`,
    );
    if (spread.stdDev < MIN_STD_DEV || spread.colours < MIN_COLOURS)
      failures.push(`${mode}: the canvas looks blank (std dev ${spread.stdDev.toFixed(1)}, ${spread.colours} colours)`);
  } catch (error) {
    failures.push(`${mode}: ${String(error)}`);
  }
  failures.push(...problems.errors.map((text) => `${mode}: ${text}`));
  failures.push(...problems.requests.map((url) => `${mode}: the page requested ${url}`));
  await page.close();
  return failures;
}

async function main(): Promise<void> {
  const [chromium, ...pages] = process.argv.slice(2);
  if (!chromium || pages.length === 0) throw new Error("usage: check.ts CHROMIUM PAGE.html [PAGE.html …]");
  const browser = await launch({
    executablePath: chromium,
    headless: true,
    args: [
      "--no-sandbox",
      "--use-gl=angle",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--no-first-run",
    ],
  });
  const failures: string[] = [];
  try {
    for (const path of pages) {
      console.log(path);
      for (const mode of ["disk", "kfp-iframe"] as const)
        failures.push(...(await check(browser, path, mode)).map((text) => `${path}: ${text}`));
    }
  } finally {
    await browser.close();
  }
  if (failures.length > 0) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
  console.log(`3D view: ${pages.length} page(s) drawn in Chromium from disk and in KFP's sandboxed iframe, no errors`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
