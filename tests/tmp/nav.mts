import { startDemoProcess } from "../demo-process";
import { launchChromium, MERCHANT_UA, appFrame } from "../e2e/browser";

const demo = await startDemoProcess({ env: { ...process.env, DEMO_ORDERS: process.env.DEMO_ORDERS ?? "5000" } });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
  const page = await context.newPage();
  await page.goto(demo.adminUrl, { waitUntil: "domcontentloaded" });
  await appFrame(page).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  const f = await appFrame(page).evaluate(() => { const n = performance.getEntriesByType("navigation")[0]!.toJSON(); return Object.fromEntries(Object.entries(n).filter(([, v]) => typeof v === "number").map(([k, v]) => [k, Math.round(v as number)])); });
  const paints = await appFrame(page).evaluate(() => performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)]));
  console.log(JSON.stringify(f), JSON.stringify(paints));
} finally {
  await browser.close();
  await demo.stop();
}
