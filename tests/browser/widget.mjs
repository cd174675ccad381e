// A portal widget on another site, in Debian's Chromium (headless): a page served from a
// different origin (a small server of this script's own on another loopback port, named
// `localhost` where the API is `127.0.0.1`) calls sharegraph's API with fetch, once anonymously
// (the public sharing graph) and once with a token (a preflighted request). Every request other
// than those two origins is blocked and fails the test.
//
// usage: node widget.mjs http://127.0.0.1:PORT/graphql VIEWER_TOKEN
import { createServer } from "node:http";
import { fail, keptTo, launch } from "./lib.mjs";

const [url, viewerToken] = process.argv.slice(2);
const api = new URL(url).origin;

const page_html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng dữ liệu</title></head>
<body><pre id="out">…</pre><script>
const query = '{ organization(code: "000.04.39.H57") { sharingGraph(depth: 2) { edges { total } } } }';
async function call(headers) {
  const r = await fetch(${JSON.stringify(url)}, {
    method: "POST",
    headers: Object.assign({ "content-type": "application/json" }, headers),
    body: JSON.stringify({ query }),
  });
  const body = await r.json();
  return body.data.organization.sharingGraph.edges.length;
}
(async () => {
  try {
    const anonymous = await call({});
    const viewer = await call({ authorization: "Bearer ${viewerToken}" });
    document.getElementById("out").textContent = "edges " + anonymous + " " + viewer;
  } catch (e) {
    document.getElementById("out").textContent = "error " + e;
  }
})();
</script></body></html>`;

// The page is served from loopback like the API, as a real site on the same network would be
// (Chromium refuses a page it takes for public to reach a loopback address).
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(page_html);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const site = `http://localhost:${server.address().port}`;

const browser = await launch();
try {
  const { page, outside } = await keptTo(browser, [site, api]);
  await page.goto(`${site}/widget.html`);
  await page.waitForFunction(() => document.getElementById("out").textContent !== "…", null, {
    timeout: 20000,
  });
  const text = await page.textContent("#out");
  const m = /^edges (\d+) (\d+)$/.exec(text);
  if (!m) fail(`the widget shows ${text}`);
  if (Number(m[1]) === 0) fail("the public sharing graph has no edges");
  if (Number(m[2]) === 0) fail("the viewer's sharing graph has no edges");
  if (outside.length) fail(`the page asked for outside resources: ${outside.join(", ")}`);
  console.log(`cross-origin widget drew ${m[1]} public edges`);
  console.log("ok");
} finally {
  await browser.close();
  server.close();
}
