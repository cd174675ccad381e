// How long the explorer takes to draw a large sharing graph, in Debian's Chromium (headless):
// not a test (timings stay out of tests), a measurement for docs/explorer.md.
//
// usage: node measure.mjs http://HOST:PORT ORG_CODE [ROLLUP] [DEPTH] [MAX_NODES]
// Prints the API's answer time (the same query by fetch), the drawing time the page reports
// (elements and layout) and the time from navigation to the first frame after drawing, for
// three runs each.
import { chromium } from "playwright-core";

const [base, code, rollup = "MEMBERS", depth = "1", maxNodes = "5000"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  for (let run = 1; run <= 3; run++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const started = Date.now();
    await page.goto(`${base}/explore?org=${encodeURIComponent(code)}&rollup=${rollup}&depth=${depth}`);
    await page.fill("#budget", maxNodes);
    // The first drawing used the default budget; draw again with this one.
    await page.waitForFunction(() => window.sharegraphExplorer && window.sharegraphExplorer.drawn >= 1, null, { timeout: 120000 });
    const redrawn = Date.now();
    await page.click("#redraw");
    await page.waitForFunction(() => window.sharegraphExplorer.drawn >= 2, null, { timeout: 120000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const shown = Date.now();
    const figures = await page.evaluate(async (args) => {
      const cy = window.sharegraphExplorer.cy;
      const query = `query($code: String!, $depth: Int, $maxNodes: Int, $subtree: Boolean!, $collapse: Boolean!) {
        organization(code: $code) { sharingGraph(depth: $depth, maxNodes: $maxNodes, includeDescendants: $subtree, collapseDescendants: $collapse) {
          truncated nodes { degree organization { id } } edges { total } } } }`;
      const t0 = performance.now();
      await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { code: args.code, depth: Number(args.depth), maxNodes: Number(args.maxNodes), subtree: args.rollup !== "NONE", collapse: args.rollup === "COLLAPSED" } }) }).then((r) => r.json());
      return { nodes: cy.nodes().length, edges: cy.edges().length, drawMs: window.sharegraphExplorer.lastDrawMs, apiMs: performance.now() - t0 };
    }, { code, rollup, depth, maxNodes });
    console.log(`run ${run}: ${figures.nodes} nodes, ${figures.edges} edges; API ${figures.apiMs.toFixed(0)} ms; drawing ${figures.drawMs.toFixed(0)} ms; redraw click to frame ${shown - redrawn} ms (first load ${redrawn - started} ms)`);
    await page.close();
  }
} finally {
  await browser.close();
}
