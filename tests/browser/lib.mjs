// What every browser script of the suite needs: Debian's Chromium, headless and offline, a
// page whose requests are kept to the origins a test names, and a failure that ends the run.
import { chromium } from "playwright-core";

export const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};

export const check = (ok, why) => {
  if (!ok) fail(why);
};

/** Chromium (`CHROMIUM`, or Debian's), headless, asking nothing of the network by itself. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A new page of `browser` that may only reach `origins` (and `data:`/`blob:` URLs): any other
 * request is aborted and recorded in the returned list, which a test must find empty.
 */
export async function keptTo(browser, origins) {
  const page = await browser.newPage();
  page.on("console", (m) => console.error("console:", m.text()));
  const outside = [];
  await page.route("**/*", (route) => {
    const target = route.request().url();
    const allowed =
      origins.some((o) => target.startsWith(o)) ||
      target.startsWith("data:") ||
      target.startsWith("blob:");
    if (allowed) return route.continue();
    outside.push(target);
    return route.abort();
  });
  return { page, outside };
}
