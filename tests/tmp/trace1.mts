import { startDemoProcess } from "../demo-process";
import { launchChromium, MERCHANT_UA, appFrame } from "../e2e/browser";

const demo = await startDemoProcess({ env: { ...process.env, DEMO_ORDERS: "5000" } });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
  const page = await context.newPage();
  await browser.startTracing(page, { path: "/tmp/trace-first.json", categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "loading", "toplevel", "v8.execute", "navigation", "content", "disabled-by-default-devtools.timeline.frame"] });
  await page.goto(demo.adminUrl, { waitUntil: "domcontentloaded" });
  await appFrame(page).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await browser.stopTracing();
  const paints = await appFrame(page).evaluate(() => [performance.timeOrigin, performance.getEntriesByType("navigation")[0]!.toJSON().responseStart, ...performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)])]);
  console.log(JSON.stringify(paints));
} finally {
  await browser.close();
  await demo.stop();
}
