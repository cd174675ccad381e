// Drives Debian's Chromium (headless) through the GraphiQL playground of a running sharegraph:
// the page must render with no request leaving the server's origin (as on a network without
// internet), run a query, send the Authorization header typed in the Headers tab, and show a
// subscription's events over /graphql/ws.
//
// usage: node graphiql.mjs http://127.0.0.1:PORT/graphql VIEWER_TOKEN ADMIN_TOKEN
import { fail, keptTo, launch } from "./lib.mjs";

const [url, viewerToken, adminToken] = process.argv.slice(2);
const origin = new URL(url).origin;

const browser = await launch();
try {
  const { page, outside } = await keptTo(browser, [origin]);
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));

  await page.goto(url);
  await page.waitForSelector(".graphiql-container", { timeout: 20000 });
  if (outside.length) fail(`the page asked for outside resources: ${outside.join(", ")}`);

  // CodeMirror 5 keeps its editor object on its wrapper element.
  // GraphiQL parses the editors' text a moment after it changes.
  const setEditor = async (selector, text) => {
    await page.evaluate(
      ([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text),
      [selector, text],
    );
    await page.waitForTimeout(500);
  };
  const response = () =>
    page.evaluate(() => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue());
  const run = () => page.click(".graphiql-execute-button");
  const waitForResponse = async (what, check) => {
    for (let i = 0; i < 100; i++) {
      const text = await response();
      if (check(text)) return text;
      await page.waitForTimeout(100);
    }
    fail(`${what}: the response pane shows ${await response()}`);
  };

  // A query: the demo district's name, with its Vietnamese letters.
  await setEditor(".graphiql-query-editor .CodeMirror", '{ organization(code: "000.00.39.H57") { name } }');
  await run();
  await waitForResponse("query", (t) => t.includes("Ủy ban nhân dân huyện Nam Đông"));
  console.log("query ran");

  // The Headers tab: the viewer's token is sent.
  await page.click('button:has-text("Headers")');
  await setEditor(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror", JSON.stringify({ Authorization: `Bearer ${viewerToken}` }));
  await setEditor(".graphiql-query-editor .CodeMirror", "{ viewer { role } }");
  await run();
  await waitForResponse("headers", (t) => t.includes('"VIEWER"'));
  console.log("Authorization header sent");

  // A subscription over /graphql/ws; a write from outside the page shows up in it.
  await setEditor(
    ".graphiql-query-editor .CodeMirror",
    "subscription { catalogueEvents(where: { types: [ORGANIZATION] }) { action entity { ... on Organization { name } } } }",
  );
  await run();
  await page.waitForTimeout(1000);
  const created = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      query: "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }",
      variables: { i: { code: "000.99.39.H57", name: "Trung tâm Văn hóa huyện Nam Đông", level: "DISTRICT" } },
    }),
  }).then((r) => r.json());
  if (created.errors) fail(`the write failed: ${JSON.stringify(created.errors)}`);
  await waitForResponse("subscription", (t) => t.includes("Trung tâm Văn hóa huyện Nam Đông"));
  console.log("subscription event shown");

  await page.screenshot({ path: process.env.SCREENSHOT ?? "/tmp/sharegraph-graphiql.png" });
  if (outside.length) fail(`the page asked for outside resources: ${outside.join(", ")}`);
  if (problems.length) fail(`script errors: ${problems.join("; ")}`);
  console.log("ok");
} finally {
  await browser.close();
}
