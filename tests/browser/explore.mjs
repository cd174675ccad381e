// The explorer and the public pages in Debian's Chromium (headless), against `sharegraph serve
// --demo` with SHAREGRAPH_FRAME_ANCESTORS=http://localhost:* (the allowed site is served as
// `localhost`, the refused one as `127.0.0.1`, where the server is too). Every request that leaves the
// server's origin (or the two test sites') is blocked and fails the test.
//
// 1. /explore?org=000.04.39.H57 draws the labour office's sharing graph: the nodes and edges in
//    Cytoscape's model are those the API answers (one edge per mode with shares); clicking a
//    node opens its panel (whose GraphiQL link opens the node's query) and expanding it adds
//    nodes; unticking a mode hides its edges; the PNG export is a real image; a small node
//    budget gives a notice that the drawing is partial.
// 2. An item's lineage draws every node and edge `lineage` answers.
// 3. /explore?…&embed=1 loads inside an <iframe> on the allowed site and is refused on another.
// 4. Every public page kind renders with its record; a missing dataset is a 404 page.
// 5. The dataset page's feedback form sends `submitFeedback`.
//
// usage: node explore.mjs http://127.0.0.1:PORT
// With SCREENSHOTS=DIR, writes explorer.png and dataset.png there (docs/img from the demo).
import { createServer } from "node:http";
import { writeFileSync } from "node:fs";
import { check, fail, launch } from "./lib.mjs";

const [base] = process.argv.slice(2);
const origin = new URL(base).origin;

async function gql(query, variables = {}) {
  const r = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await r.json();
  if (body.errors) fail(JSON.stringify(body.errors));
  return body.data;
}

// Two other sites, each a page that frames the embeddable explorer.
const framer = (port) =>
  new Promise((resolve) => {
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng dữ liệu</title></head>
<body><iframe id="g" src="${base}/explore?org=000.04.39.H57&embed=1" width="800" height="500"></iframe></body></html>`);
    });
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
const allowed = await framer(0);
const other = await framer(0);
const sites = [`http://localhost:${allowed.address().port}`, `http://127.0.0.1:${other.address().port}`];

const browser = await launch();
const outside = [];
const problems = [];
async function newPage() {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const target = route.request().url();
    if ([origin, ...sites].some((o) => target.startsWith(o)) || target.startsWith("data:") || target.startsWith("blob:")) {
      return route.continue();
    }
    outside.push(target);
    return route.abort();
  });
  page.on("pageerror", (err) => problems.push(err.message));
  return page;
}
const drawn = (page, n) => page.waitForFunction((n) => window.sharegraphExplorer && window.sharegraphExplorer.drawn >= n, n, { timeout: 20000 });
const model = (page) =>
  page.evaluate(() => {
    const cy = window.sharegraphExplorer.cy;
    return {
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      visibleEdges: cy.edges().not(".hidden").length,
      modes: [...new Set(cy.edges().map((e) => e.data("mode")))].sort(),
    };
  });

try {
  // 1. The labour office's sharing graph.
  const expected = (
    await gql(`{ organization(code: "000.04.39.H57") { sharingGraph(depth: 2, maxNodes: 1000) {
      nodes { organization { id } } edges { open default onRequest } } } }`)
  ).organization.sharingGraph;
  const expectedEdges = expected.edges.reduce((n, e) => n + [e.open, e.default, e.onRequest].filter((c) => c > 0).length, 0);
  const page = await newPage();
  await page.goto(`${base}/explore?org=000.04.39.H57`);
  await drawn(page, 1);
  let m = await model(page);
  check(m.nodes === expected.nodes.length, `nodes: drew ${m.nodes}, the API has ${expected.nodes.length}`);
  check(m.edges === expectedEdges && m.edges > 0, `edges: drew ${m.edges}, the API has ${expectedEdges}`);
  console.log(`sharing graph drawn: ${m.nodes} nodes, ${m.edges} edges`);
  if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/explorer.png` });

  // Click a node at the edge of the drawing (degree 2), then expand it: more nodes or as many.
  // Its position is read once the drawing has been painted; a click that lands while the
  // canvas still moves is tried again.
  const far = await page.evaluate(() => {
    const n = window.sharegraphExplorer.cy.nodes().filter((n) => n.data("degree") === 2)[0];
    return { id: n.id() };
  });
  for (let attempt = 1; ; attempt++) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const at = await page.evaluate((id) => {
      const cy = window.sharegraphExplorer.cy;
      const p = cy.getElementById(id).renderedPosition();
      const box = cy.container().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, far.id);
    await page.mouse.click(at.x, at.y);
    try {
      await page.waitForSelector("#panel:not([hidden]) #expand", { timeout: 3000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  const panelTitle = await page.textContent("#panel h2");
  check(panelTitle.length > 0, "the panel names the node");
  const farNeighbours = (
    await gql(`query($id: ID!) { node(id: $id) { ... on Organization { sharingGraph(depth: 1) { nodes { organization { id } } } } } }`, { id: far.id })
  ).node.sharingGraph.nodes.map((n) => n.organization.id);
  const before = await page.evaluate(() => window.sharegraphExplorer.cy.nodes().length);
  const want = new Set([...(await page.evaluate(() => window.sharegraphExplorer.cy.nodes().map((n) => n.id()))), ...farNeighbours]).size;
  await page.click("#expand");
  await page.waitForFunction((want) => window.sharegraphExplorer.cy.nodes().length === want, want, { timeout: 10000 });
  console.log(`expanded ${panelTitle}: ${before} -> ${want} nodes`);

  // The panel's GraphiQL link opens the node's query, values filled in.
  const graphiqlHref = await page.getAttribute("#panel a[target=_blank][href^='/graphql']", "href");
  const gq = await newPage();
  await gq.goto(base + graphiqlHref);
  await gq.waitForSelector(".graphiql-container", { timeout: 20000 });
  const editor = await gq.evaluate(() => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue());
  const farCode = await page.evaluate((id) => window.sharegraphExplorer.cy.getElementById(id).data("code"), far.id);
  check(editor.includes(`organization(code: "${farCode}")`) && editor.includes("sharingGraph(depth: 2"), `GraphiQL opened with: ${editor}`);
  await gq.context().close();
  console.log("the panel's GraphiQL link carries the node's query");

  // Untick DEFAULT: its edges are hidden, the others stay.
  m = await model(page);
  const defaults = await page.evaluate(() => window.sharegraphExplorer.cy.edges("[mode = 'DEFAULT']").length);
  check(defaults > 0, "the drawing has DEFAULT edges");
  await page.uncheck('#modes input[value="DEFAULT"]');
  const after = await model(page);
  check(after.visibleEdges === m.edges - defaults, `filter: ${after.visibleEdges} visible, expected ${m.edges - defaults}`);
  console.log(`filter by mode: ${defaults} DEFAULT edges hidden`);

  // PNG export, through the button: a real PNG of some size.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#png")]);
  const path = await download.path();
  const bytes = (await import("node:fs")).readFileSync(path);
  check(bytes.subarray(1, 4).toString() === "PNG" && bytes.length > 10000, `PNG export: ${bytes.length} bytes`);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const csvText = (await import("node:fs")).readFileSync(await csv.path(), "utf8");
  check(csvText.split("\r\n").length - 2 === after.visibleEdges, "the CSV holds the visible edges");
  const [svg] = await Promise.all([page.waitForEvent("download"), page.click("#svg")]);
  const svgText = (await import("node:fs")).readFileSync(await svg.path(), "utf8");
  check((svgText.match(/<line /g) || []).length === after.visibleEdges, "the SVG holds the visible edges");
  console.log(`exports: PNG ${bytes.length} bytes, CSV and SVG with ${after.visibleEdges} edges`);

  // English labels on a switch.
  await page.click("#lang");
  check((await page.textContent('legend[data-t="modes"]')) === "Sharing modes", "English labels");

  // A node budget too small for the answer: the drawing says it is partial.
  await page.fill("#budget", "10");
  await page.fill("#depth", "3");
  const drawnBefore = await page.evaluate(() => window.sharegraphExplorer.drawn);
  await page.click("#redraw");
  await drawn(page, drawnBefore + 1);
  check(!(await page.isHidden("#notice")), "a truncated answer shows a notice");
  console.log(`truncated notice: ${await page.textContent("#notice")}`);
  await page.fill("#budget", "1000");
  await page.fill("#depth", "2");

  // 2. An item's lineage.
  const item = (await gql(`{ dataItems(first: 1, where: { name: { eq: "Thông tin hộ nghèo" } }) { nodes { id } } }`)).dataItems.nodes[0];
  check(item, "the demo has the poor-household item");
  const lineage = (await gql(`query($id: ID!) { lineage(root: $id, depth: 2, maxNodes: 1000) { nodes { id } edges { kind } } }`, { id: item.id })).lineage;
  await page.goto(`${base}/explore?item=${item.id}`);
  await drawn(page, 1);
  m = await model(page);
  check(m.nodes === lineage.nodes.length && m.edges === lineage.edges.length, `lineage: drew ${m.nodes}/${m.edges}, the API has ${lineage.nodes.length}/${lineage.edges.length}`);
  console.log(`lineage drawn: ${m.nodes} nodes, ${m.edges} edges`);

  // 3. Embedded on the allowed site, refused on the other.
  for (const [site, shouldLoad] of [[sites[0], true], [sites[1], false]]) {
    const p = await newPage();
    await p.goto(site);
    await p.waitForTimeout(300);
    const frame = p.frames().find((f) => f !== p.mainFrame());
    let loaded = false;
    try {
      await frame.waitForFunction(() => window.sharegraphExplorer && window.sharegraphExplorer.drawn >= 1, null, { timeout: shouldLoad ? 20000 : 3000 });
      loaded = true;
    } catch (_) {
      loaded = false;
    }
    check(loaded === shouldLoad, `embedding from ${site}: loaded ${loaded}, expected ${shouldLoad}`);
    await p.context().close();
  }
  console.log("embed allowed on one site, refused on another");

  // 4. Public pages: each kind shows its record; a draft is a 404.
  const dataset = (await gql(`{ openDatasets(first: 1, where: { code: { eq: "QUAN-TRAC-NUOC-TA-TRACH" } }) { nodes { id title } } }`)).openDatasets.nodes[0];
  const others = await gql(`{ dataServices(first: 1, where: { code: { eq: "ND-HONGHEO-API" } }) { nodes { id name } }
    databases(first: 1, where: { code: { eq: "CSDLQG-DANCU" } }) { nodes { id name } } }`);
  const service = others.dataServices.nodes[0];
  const database = others.databases.nodes[0];
  const decode = (id) => Buffer.from(id, "base64url").toString().split(":")[1];
  const datasetPath = `/open-datasets/${decode(dataset.id)}`;
  for (const [path, text] of [
    ["/", "Khám phá đồ thị chia sẻ"],
    ["/organizations/" + decode(far.id), "Đồ thị chia sẻ dữ liệu"],
    [datasetPath, dataset.title],
    ["/dcat/catalog", dataset.title],
    [`/data-services/${decode(service.id)}`, service.name],
    [`/databases/${decode(database.id)}`, database.name],
  ]) {
    const p = await newPage();
    const resp = await p.goto(base + path);
    check(resp.status() === 200, `${path}: ${resp.status()}`);
    check((await p.textContent("main")).includes(text), `${path} shows ${text}`);
    if (path === datasetPath) {
      // The embedded explorer draws, and the feedback form is sent.
      const frame = p.frames().find((f) => f !== p.mainFrame());
      await frame.waitForFunction(() => window.sharegraphExplorer && window.sharegraphExplorer.drawn >= 1, null, { timeout: 20000 });
      if (process.env.SCREENSHOTS) await p.screenshot({ path: `${process.env.SCREENSHOTS}/dataset.png`, fullPage: true });
      await p.fill('#feedback input[name="title"]', "Đề nghị cập nhật số liệu quan trắc tháng 11");
      await p.fill('#feedback textarea[name="body"]', "Số liệu tháng 11 chưa có trên cổng dữ liệu mở.");
      await p.click("#feedback button");
      await p.waitForSelector("#feedback-result.ok", { timeout: 10000 });
    }
    await p.context().close();
  }
  console.log("public pages rendered; feedback sent");
  const missing = await fetch(`${base}/open-datasets/999999`, { headers: { accept: "text/html" } });
  check(missing.status === 404, `a missing dataset: ${missing.status}`);

  check(outside.length === 0, `requests left the origin: ${outside.join(", ")}`);
  check(problems.length === 0, `page errors: ${problems.join("; ")}`);
  console.log("ok");
} finally {
  await browser.close();
  allowed.close();
  other.close();
}
