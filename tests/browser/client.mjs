// The typed TypeScript client of examples/client (generated from schema.graphql by
// graphql-codegen, type-checked by tsc --strict, bundled by esbuild) in Debian's Chromium
// (headless), from a page on another origin, against `sharegraph serve --demo`: anonymously and
// with a viewer's token. Every request other than to the page's site and the API fails the test.
//
// usage: node client.mjs http://127.0.0.1:PORT/graphql VIEWER_TOKEN BUNDLE.js
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { check, fail, keptTo, launch } from "./lib.mjs";

const [url, viewerToken, bundle] = process.argv.slice(2);
const api = new URL(url).origin;

const script = readFileSync(bundle, "utf8");
const server = createServer((req, res) => {
  if (req.url === "/client.js") {
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
    res.end(script);
    return;
  }
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng dữ liệu</title>
<script src="/client.js"></script></head><body></body></html>`);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const site = `http://localhost:${server.address().port}`;

const browser = await launch();
try {
  const { page, outside } = await keptTo(browser, [site, api]);
  await page.goto(`${site}/`);
  const run = (token) =>
    page.evaluate(
      ([endpoint, token]) => window.sharegraphExample(endpoint, "000.04.39.H57", token),
      [url, token],
    );
  const publicView = await run(undefined);
  const viewerView = await run(viewerToken);
  for (const [who, s] of [["public", publicView], ["viewer", viewerView]]) {
    check(s.organization === "Phòng Lao động – Thương binh và Xã hội huyện Nam Đông",
      `${who}: organization ${s.organization}`);
    check(s.databases > 0, `${who}: no databases`);
    check(Object.values(s.modes).reduce((a, b) => a + b, 0) > 0, `${who}: no policies`);
    check(s.consumers.length > 0, `${who}: no consumers`);
    check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s.updatedAt ?? ""),
      `${who}: updatedAt ${s.updatedAt} is not RFC 3339`);
  }
  // The viewer reads the office's internal items too, so it sees at least what the public sees.
  const count = (s) => Object.values(s.modes).reduce((a, b) => a + b, 0);
  check(count(viewerView) >= count(publicView), "the viewer sees fewer policies than the public");
  // A refusal arrives as a typed error with its code, in the language the client asked for.
  const refused = await page.evaluate(
    ([endpoint]) =>
      window.sharegraphExample(endpoint, "000.04.39.H57", "not-a-token").then(
        () => "accepted",
        (e) => String(e.message),
      ),
    [url],
  );
  check(refused !== "accepted", "an unknown token was accepted");
  if (outside.length) fail(`the page asked for outside resources: ${outside.join(", ")}`);
  console.log(
    `generated client read ${publicView.databases} databases, modes ${JSON.stringify(publicView.modes)}, ` +
      `${publicView.consumers.length} consumers; refused: ${refused}`,
  );
  console.log("ok");
} finally {
  await browser.close();
  server.close();
}
