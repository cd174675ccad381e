// The sharing-graph explorer: reads sharegraph's GraphQL API and draws with Cytoscape.js.
// Two views: an organization's sharing graph (`?org=CODE`: organizations joined by active
// shares, one edge per mode, weighted by its share count) and the lineage around any
// catalogue object (`?item=ID` or `?root=ID`: items, databases, services, organizations).
// Layouts are Cytoscape's own (concentric by degree, breadth-first from the root).
"use strict";

(function () {
  const body = document.body;
  const LABELS = JSON.parse(body.dataset.labels || "{}");
  const params = new URLSearchParams(location.search);
  const embed = body.classList.contains("embed");
  let lang = params.get("lang") === "en" ? "en" : "vi";

  const TEXT = {
    vi: {
      explorer: "Khám phá đồ thị", catalogue: "Danh mục dữ liệu mở", search: "Tìm",
      searchHint: "Tìm cơ quan, cơ sở dữ liệu, dữ liệu…", settings: "Phạm vi", depth: "Độ sâu",
      budget: "Số nút tối đa", rollup: "Đơn vị trực thuộc", redraw: "Vẽ lại",
      modes: "Hình thức chia sẻ", kinds: "Loại quan hệ", statuses: "Trạng thái", export: "Xuất",
      edgesCsv: "Cạnh (CSV)", token: "Mã truy cập (tuỳ chọn)",
      tokenHint: "Để xem thêm dữ liệu của cơ quan bạn. Chỉ gửi tới máy chủ này.",
      start: "Tìm một cơ quan hoặc một dữ liệu để bắt đầu.", noResults: "Không tìm thấy.",
      truncated: "Đồ thị chưa đầy đủ: đã chạm giới hạn ({shown} cạnh được vẽ trên tổng số {total}). Tăng số nút tối đa hoặc giảm độ sâu.",
      truncatedLineage: "Đồ thị chưa đầy đủ: đã chạm giới hạn số nút. Tăng số nút tối đa hoặc giảm độ sâu.",
      sharingOf: "Đồ thị chia sẻ của", lineageOf: "Dòng dữ liệu quanh", expand: "Mở rộng một bước",
      reroot: "Vẽ từ nút này", page: "Trang công khai", graphiql: "Mở truy vấn trong GraphiQL",
      full: "Mở đầy đủ", nodes: "nút", edges: "cạnh", code: "Mã", kind: "Loại", degree: "Bậc",
      members: "Số đơn vị", status: "Trạng thái", level: "Cấp", failed: "Không tải được: ",
      notFound: "Không tìm thấy cơ quan có mã này.", other: "English",
    },
    en: {
      explorer: "Explore the graph", catalogue: "Open data catalogue", search: "Search",
      searchHint: "Find an organization, database, data item…", settings: "Scope", depth: "Depth",
      budget: "Most nodes", rollup: "Units below", redraw: "Redraw",
      modes: "Sharing modes", kinds: "Edge kinds", statuses: "Status", export: "Export",
      edgesCsv: "Edges (CSV)", token: "Access token (optional)",
      tokenHint: "To see more of your organization's data. Sent to this server only.",
      start: "Search for an organization or a data item to begin.", noResults: "Nothing found.",
      truncated: "Partial graph: a limit was reached ({shown} edges drawn of {total}). Raise the node limit or lower the depth.",
      truncatedLineage: "Partial graph: the node limit was reached. Raise it or lower the depth.",
      sharingOf: "Sharing graph of", lineageOf: "Lineage around", expand: "Expand one hop",
      reroot: "Draw from here", page: "Public page", graphiql: "Open the query in GraphiQL",
      full: "Open in full", nodes: "nodes", edges: "edges", code: "Code", kind: "Kind", degree: "Degree",
      members: "Units", status: "Status", level: "Level", failed: "Could not load: ",
      notFound: "No organization has this code.", other: "Tiếng Việt",
    },
  };
  const t = (key) => TEXT[lang][key] || key;
  const label = (kind, value) => (LABELS[kind] && LABELS[kind][value] ? LABELS[kind][value][lang === "vi" ? 0 : 1] : value);
  const $ = (id) => document.getElementById(id);

  const MODE_COLOURS = { OPEN: "#2e7d32", DEFAULT: "#1565c0", ON_REQUEST: "#ef6c00" };
  const KIND_COLOURS = { OWNS: "#90a4ae", CONTAINS: "#bcaaa4", PROVIDES: "#8e24aa", DERIVED_FROM: "#c62828", SHARED_WITH: "#1565c0" };
  const NODE_COLOURS = { ORGANIZATION: "#37474f", DATABASE: "#6d4c41", DATA_ITEM: "#00838f", DATA_SERVICE: "#7b1fa2" };

  // What is drawn: the view, its root, and the last answer's limits.
  const state = { view: null, root: null, rootLabel: "", query: "", variables: {}, truncated: false };

  async function gql(query, variables) {
    const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
    const token = $("token") ? $("token").value.trim() : "";
    if (token) headers.authorization = "Bearer " + token;
    const resp = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const answer = await resp.json();
    if (answer.errors && answer.errors.length) throw new Error(answer.errors.map((e) => e.message).join("; "));
    return answer.data;
  }

  // A global id's object kind and number (ids are base64url of "Kind:n").
  function decodeId(id) {
    try {
      const text = atob(id.replace(/-/g, "+").replace(/_/g, "/"));
      const [kind, n] = text.split(":");
      return { kind, n };
    } catch (_) {
      return null;
    }
  }
  const PAGES = { Organization: "organizations", OpenDataset: "open-datasets", DataService: "data-services", Database: "databases" };
  function pageOf(data) {
    const id = decodeId(data.id);
    if (!id) return null;
    if (PAGES[id.kind]) return "/" + PAGES[id.kind] + "/" + id.n;
    if (id.kind === "DataItem" && data.database) {
      const db = decodeId(data.database);
      return db ? "/databases/" + db.n + "#item-" + id.n : null;
    }
    return null;
  }

  const size = (n) => 12 + 5 * Math.log2(1 + Math.max(n.data("members") || 1, (n.data("links") || 0) / 4));

  const cy = cytoscape({
    container: $("graph"),
    textureOnViewport: true,
    hideEdgesOnViewport: true,
    style: [
      { selector: "node", style: {
        "background-color": (n) => NODE_COLOURS[n.data("kind")] || "#37474f",
        label: "data(label)", "font-size": 11, "text-wrap": "ellipsis", "text-max-width": 130,
        "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 7, color: "#263238",
        // Larger for a node standing for many units, or joined to many others.
        width: (n) => size(n),
        height: (n) => size(n),
      } },
      { selector: "node[kind = 'DATABASE']", style: { shape: "barrel" } },
      { selector: "node[kind = 'DATA_SERVICE']", style: { shape: "diamond" } },
      { selector: "node[kind = 'DATA_ITEM']", style: { shape: "round-rectangle" } },
      { selector: "node.root", style: { "border-width": 4, "border-color": "#ffb300", "font-weight": "bold" } },
      { selector: "node.subtree", style: { "border-width": 2, "border-color": "#ffb300" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d81b60" } },
      { selector: "edge", style: {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8,
        opacity: 0.8,
        "line-color": (e) => MODE_COLOURS[e.data("mode")] || KIND_COLOURS[e.data("kind")] || "#90a4ae",
        "target-arrow-color": (e) => MODE_COLOURS[e.data("mode")] || KIND_COLOURS[e.data("kind")] || "#90a4ae",
        width: (e) => 1 + Math.min(8, Math.log2(e.data("weight") || 1) * 1.5),
      } },
      { selector: "edge[kind = 'CONTAINS'], edge[kind = 'OWNS']", style: { "line-style": "dashed" } },
      { selector: "edge.dense", style: { opacity: 0.35 } },
      { selector: ".hidden", style: { display: "none" } },
    ],
  });

  // What the filters leave drawn.
  const shown = (collection) => collection.not(".hidden");

  // --- Loading ------------------------------------------------------------------------

  const SHARING = `query ExplorerSharing($code: String!, $depth: Int, $maxNodes: Int, $subtree: Boolean!, $collapse: Boolean!) {
  organization(code: $code) {
    id code name
    sharingGraph(depth: $depth, maxNodes: $maxNodes, includeDescendants: $subtree, collapseDescendants: $collapse) {
      truncated totalEdges rollUp subtreeSize
      nodes { degree inSubtree members organization { id code name shortName level } }
      edges { provider { id } consumer { id } open default onRequest total }
    }
  }
}`;

  const LINEAGE = `query ExplorerLineage($root: ID!, $depth: Int, $maxNodes: Int) {
  lineage(root: $root, depth: $depth, maxNodes: $maxNodes) {
    truncated
    nodes {
      id kind degree
      node {
        ... on Organization { code name level }
        ... on Database { code name status }
        ... on DataItem { code name database { id } }
        ... on DataService { code name status }
      }
    }
    edges { kind source target mode status }
  }
}`;

  function sharingElements(graph, rootId) {
    const nodes = graph.nodes.map((n) => ({ group: "nodes", data: {
      id: n.organization.id, label: n.organization.shortName || n.organization.name, name: n.organization.name,
      code: n.organization.code, kind: "ORGANIZATION", degree: n.degree, members: n.members,
      level: n.organization.level, inSubtree: n.inSubtree,
    }, classes: (n.organization.id === rootId ? "root" : "") + (n.inSubtree ? " subtree" : "") }));
    const edges = [];
    for (const e of graph.edges) {
      for (const [mode, count] of [["OPEN", e.open], ["DEFAULT", e.default], ["ON_REQUEST", e.onRequest]]) {
        if (count > 0) {
          edges.push({ group: "edges", data: {
            id: e.provider.id + ">" + e.consumer.id + ":" + mode, source: e.provider.id, target: e.consumer.id,
            mode, weight: count, kind: "SHARED_WITH", status: "ACTIVE",
          } });
        }
      }
    }
    return byNeighbour(nodes, edges).concat(edges);
  }

  // Orders the nodes of each ring next to their neighbour in the ring inside it (by the
  // heaviest edge), so that the layout's rings keep a partner near who it shares with and the
  // edges run outwards instead of across the drawing.
  function byNeighbour(nodes, edges) {
    const degree = new Map(nodes.map((n) => [n.data.id, n.data.degree]));
    const heaviest = new Map();
    for (const e of edges) {
      for (const [near, far] of [[e.data.source, e.data.target], [e.data.target, e.data.source]]) {
        if (degree.get(near) < degree.get(far)) {
          const best = heaviest.get(far);
          if (!best || e.data.weight > best.weight) heaviest.set(far, { weight: e.data.weight, near });
        }
      }
    }
    const place = new Map();
    const ordered = [];
    const levels = [...new Set(nodes.map((n) => n.data.degree))].sort((a, b) => a - b);
    for (const level of levels) {
      const ring = nodes.filter((n) => n.data.degree === level);
      const key = (n) => (heaviest.has(n.data.id) ? place.get(heaviest.get(n.data.id).near) ?? 0 : 0);
      ring.sort((a, b) => key(a) - key(b));
      ring.forEach((n, i) => place.set(n.data.id, i / ring.length));
      ordered.push(...ring);
    }
    return ordered;
  }

  function lineageElements(graph, rootId) {
    const nodes = graph.nodes.map((n) => {
      const o = n.node || {};
      return { group: "nodes", data: {
        id: n.id, label: o.name || n.id, name: o.name || n.id, code: o.code, kind: n.kind,
        degree: n.degree, status: o.status, level: o.level, database: o.database ? o.database.id : null,
      }, classes: n.id === rootId ? "root" : "" };
    });
    const edges = graph.edges.map((e) => ({ group: "edges", data: {
      id: e.source + ">" + e.target + ":" + e.kind, source: e.source, target: e.target,
      kind: e.kind, mode: e.mode, status: e.status, weight: 1,
    } }));
    return nodes.concat(edges);
  }

  function limits() {
    return { depth: Number($("depth").value) || 2, maxNodes: Number($("budget").value) || 1000 };
  }

  async function loadSharing(code) {
    const { depth, maxNodes } = limits();
    const rollup = $("rollup").value;
    const variables = { code, depth, maxNodes, subtree: rollup !== "NONE", collapse: rollup === "COLLAPSED" };
    const data = await gql(SHARING, variables);
    if (!data.organization) throw new Error(t("notFound"));
    const org = data.organization;
    Object.assign(state, { view: "sharing", root: org.id, rootLabel: org.name, query: SHARING, variables });
    const g = org.sharingGraph;
    draw(sharingElements(g, org.id));
    notice(g.truncated ? t("truncated").replace("{shown}", g.edges.length).replace("{total}", g.totalEdges) : "");
  }

  async function loadLineage(root) {
    const { depth, maxNodes } = limits();
    const variables = { root, depth, maxNodes };
    const data = await gql(LINEAGE, variables);
    const g = data.lineage;
    const rootNode = g.nodes.find((n) => n.id === root);
    Object.assign(state, { view: "lineage", root, rootLabel: rootNode && rootNode.node ? rootNode.node.name : root, query: LINEAGE, variables });
    draw(lineageElements(g, root));
    notice(g.truncated ? t("truncatedLineage") : "");
  }

  // Adds one hop around `node` to the drawing.
  async function expand(node) {
    let elements;
    if (state.view === "sharing") {
      const data = await gql(SHARING, { code: node.data("code"), depth: 1, maxNodes: limits().maxNodes, subtree: false, collapse: true });
      if (!data.organization) return;
      elements = sharingElements(data.organization.sharingGraph, null);
      if (data.organization.sharingGraph.truncated) notice(t("truncatedLineage"));
    } else {
      const data = await gql(LINEAGE, { root: node.id(), depth: 1, maxNodes: limits().maxNodes });
      elements = lineageElements(data.lineage, null);
      if (data.lineage.truncated) notice(t("truncatedLineage"));
    }
    const fresh = elements.filter((el) => cy.getElementById(el.data.id).empty());
    cy.add(fresh);
    annotate();
    refreshFilters();
    layout();
  }

  // --- Drawing ------------------------------------------------------------------------

  // What the style reads but the API does not say: each node's number of edges, and whether
  // the drawing is dense (fainter edges). Computed once per change, not per style lookup.
  function annotate() {
    const dense = cy.edges().length > 300;
    cy.batch(() => {
      cy.nodes().forEach((n) => n.data("links", n.degree()));
      cy.edges().toggleClass("dense", dense);
    });
  }

  function layout() {
    const root = cy.getElementById(state.root);
    // Room for the labels on small drawings; tighter rings on large ones.
    const spacing = cy.nodes().length < 60 ? 110 : 24;
    // Rings by distance from the root; on a large drawing, by connectivity instead, so that
    // the hubs (a ministry sharing with every commune) sit in the middle, not on a rim.
    const large = cy.edges().length > 300;
    const options = state.view === "sharing"
      ? large
        ? { name: "concentric", concentric: (n) => n.degree(), levelWidth: (nodes) => Math.max(1, nodes.maxDegree() / 6), minNodeSpacing: spacing, animate: false }
        : { name: "concentric", concentric: (n) => 100 - (n.data("degree") || 0), levelWidth: () => 1, minNodeSpacing: spacing, animate: false }
      : { name: "breadthfirst", directed: true, roots: root.nonempty() ? root : undefined, spacingFactor: 1.4, animate: false };
    const run = cy.layout(Object.assign({ fit: true, padding: 30 }, options));
    // A small drawing is not blown up past its natural size.
    run.one("layoutstop", () => {
      if (cy.zoom() > 1.4) {
        cy.zoom(1.4);
        cy.center();
      }
    });
    run.run();
  }

  function draw(elements) {
    const started = performance.now();
    cy.elements().remove();
    cy.add(elements);
    annotate();
    body.classList.toggle("view-sharing", state.view === "sharing");
    body.classList.toggle("view-lineage", state.view === "lineage");
    $("title").textContent = (state.view === "sharing" ? t("sharingOf") : t("lineageOf")) + " " + state.rootLabel;
    buildFilters();
    layout();
    legend();
    $("panel").hidden = true;
    if (embed) addFullLink();
    window.sharegraphExplorer.lastDrawMs = performance.now() - started;
    window.sharegraphExplorer.drawn += 1;
  }

  function legend() {
    $("legend").textContent = shown(cy.nodes()).length + " " + t("nodes") + " · " + shown(cy.edges()).length + " " + t("edges");
  }

  function notice(text) {
    $("notice").textContent = text;
    $("notice").hidden = !text;
  }

  // --- Filters ------------------------------------------------------------------------

  // One checkbox per value present in the drawing, for modes, edge kinds and statuses.
  const FACETS = [
    { box: "modes", kind: "SharingMode", of: (el) => (el.isEdge() ? el.data("mode") : null) },
    { box: "kinds", kind: "EdgeKind", of: (el) => (el.isEdge() ? el.data("kind") : null) },
    { box: "statuses", kind: "status", of: (el) => el.data("status") || null },
  ];

  function buildFilters() {
    for (const facet of FACETS) {
      const box = $(facet.box);
      box.querySelectorAll("label").forEach((l) => l.remove());
      const values = new Set();
      cy.elements().forEach((el) => { const v = facet.of(el); if (v) values.add(v); });
      for (const value of [...values].sort()) {
        const l = document.createElement("label");
        const input = document.createElement("input");
        input.type = "checkbox";
        input.checked = true;
        input.value = value;
        input.addEventListener("change", applyFilters);
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = MODE_COLOURS[value] || KIND_COLOURS[value] || "transparent";
        l.append(input, swatch, " " + facetLabel(facet, value));
        box.append(l);
      }
      box.hidden = values.size === 0;
    }
  }

  function facetLabel(facet, value) {
    if (facet.kind !== "status") return label(facet.kind, value);
    for (const kind of ["ShareStatus", "ServiceStatus", "DatabaseStatus"]) {
      if (LABELS[kind] && LABELS[kind][value]) return label(kind, value);
    }
    return value;
  }

  // New values after an expansion get a checkbox too; existing choices are kept.
  function refreshFilters() {
    const before = {};
    for (const facet of FACETS) {
      before[facet.box] = {};
      $(facet.box).querySelectorAll("input").forEach((i) => { before[facet.box][i.value] = i.checked; });
    }
    buildFilters();
    for (const facet of FACETS) {
      $(facet.box).querySelectorAll("input").forEach((i) => { if (i.value in before[facet.box]) i.checked = before[facet.box][i.value]; });
    }
    applyFilters();
  }

  function applyFilters() {
    const allowed = {};
    for (const facet of FACETS) {
      allowed[facet.box] = new Set([...$(facet.box).querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value));
    }
    cy.batch(() => {
      cy.elements().forEach((el) => {
        const shown = FACETS.every((f) => { const v = f.of(el); return !v || allowed[f.box].has(v); });
        el.toggleClass("hidden", !shown);
      });
      // An edge whose end is hidden is hidden too.
      cy.edges().forEach((e) => { if (e.source().hasClass("hidden") || e.target().hasClass("hidden")) e.addClass("hidden"); });
    });
    legend();
  }

  // --- The side panel -----------------------------------------------------------------

  function panel(node) {
    const p = $("panel");
    p.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = node.data("name");
    const dl = document.createElement("dl");
    const row = (k, v) => {
      if (v === undefined || v === null || v === "") return;
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    };
    row(t("kind"), label("LineageNodeKind", node.data("kind")));
    row(t("code"), node.data("code"));
    row(t("level"), node.data("level") ? label("AdministrativeLevel", node.data("level")) : "");
    row(t("status"), node.data("status") ? facetLabel(FACETS[2], node.data("status")) : "");
    row(t("degree"), node.data("degree"));
    if (node.data("members") > 1) row(t("members"), node.data("members"));
    p.append(h, dl);
    const links = document.createElement("p");
    const href = pageOf({ id: node.id(), database: node.data("database") });
    if (href) links.append(anchor(href, t("page"), embed), document.createElement("br"));
    links.append(anchor("/graphql?edit=" + encodeURIComponent(queryFor(node)), t("graphiql"), true));
    p.append(links);
    const actions = document.createElement("p");
    const more = button(t("expand"), () => expand(node).catch(failed));
    more.id = "expand";
    actions.append(more, " ", button(t("reroot"), () => start(node)));
    p.append(actions);
    p.hidden = false;
  }

  // The query behind a node, with its values written in, for GraphiQL.
  function queryFor(node) {
    if (state.view === "sharing") {
      const { depth, maxNodes } = limits();
      return SHARING.replace("($code: String!, $depth: Int, $maxNodes: Int, $subtree: Boolean!, $collapse: Boolean!)", "")
        .replace("$code", JSON.stringify(node.data("code"))).replace("$depth", depth)
        .replace("$maxNodes", maxNodes).replace("$subtree", "false").replace("$collapse", "true");
    }
    return LINEAGE.replace("($root: ID!, $depth: Int, $maxNodes: Int)", "")
      .replace("$root", JSON.stringify(node.id())).replace("$depth", limits().depth)
      .replace("$maxNodes", limits().maxNodes);
  }

  function anchor(href, text, newTab) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (newTab) a.target = "_blank";
    return a;
  }

  function button(text, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function addFullLink() {
    if ($("full")) return;
    const a = anchor(location.pathname + location.search.replace(/([?&])embed=1&?/, "$1").replace(/[?&]$/, ""), t("full"), true);
    a.id = "full";
    $("title").after(a);
  }

  // --- Export -------------------------------------------------------------------------

  function download(name, blob) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function fileName(ext) {
    return "sharegraph-" + (state.view || "graph") + "." + ext;
  }

  function png() {
    return cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
  }

  const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  // The drawing as SVG, from the positions Cytoscape computed (what is visible now).
  function svg() {
    const box = shown(cy.elements()).boundingBox();
    const pad = 20;
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}" font-family="sans-serif" font-size="11">`];
    out.push(`<rect x="${box.x1 - pad}" y="${box.y1 - pad}" width="${box.w + 2 * pad}" height="${box.h + 2 * pad}" fill="#fff"/>`);
    shown(cy.edges()).forEach((e) => {
      const s = e.sourceEndpoint(), tg = e.targetEndpoint();
      out.push(`<line x1="${s.x}" y1="${s.y}" x2="${tg.x}" y2="${tg.y}" stroke="${e.style("line-color")}" stroke-width="${parseFloat(e.style("width"))}" opacity="0.8"><title>${xml(e.source().data("name") + " → " + e.target().data("name"))}</title></line>`);
    });
    shown(cy.nodes()).forEach((n) => {
      const p = n.position();
      out.push(`<circle cx="${p.x}" cy="${p.y}" r="${n.width() / 2}" fill="${n.style("background-color")}"><title>${xml(n.data("name"))}</title></circle>`);
      out.push(`<text x="${p.x}" y="${p.y + n.height() / 2 + 12}" text-anchor="middle">${xml(n.data("label"))}</text>`);
    });
    out.push("</svg>");
    return new Blob([out.join("\n")], { type: "image/svg+xml" });
  }

  const csvCell = (s) => (/[",\n]/.test(String(s)) ? '"' + String(s).replace(/"/g, '""') + '"' : String(s));

  function csv() {
    const rows = [["source_code", "source", "target_code", "target", "kind", "mode", "status", "shares"]];
    shown(cy.edges()).forEach((e) => {
      rows.push([e.source().data("code") || "", e.source().data("name"), e.target().data("code") || "", e.target().data("name"),
        e.data("kind") || "", e.data("mode") || "", e.data("status") || "", e.data("weight") || 1]);
    });
    // A BOM, so that Excel reads the Vietnamese names as UTF-8.
    return new Blob(["\ufeff" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n"], { type: "text/csv" });
  }

  // --- Search and start ---------------------------------------------------------------

  const SEARCH = `query ExplorerSearch($q: String!) {
  search(query: $q, first: 10, types: [ORGANIZATION, DATA_ITEM, DATABASE, DATA_SERVICE]) {
    nodes { node { __typename id ... on Organization { code name } ... on DataItem { name } ... on Database { name } ... on DataService { name } } }
  }
}`;

  async function search(q) {
    const list = $("results");
    list.replaceChildren();
    const data = await gql(SEARCH, { q });
    const hits = data.search.nodes;
    if (!hits.length) {
      const li = document.createElement("li");
      li.textContent = t("noResults");
      list.append(li);
    }
    for (const hit of hits) {
      const n = hit.node;
      const li = document.createElement("li");
      const kind = { Organization: "ORGANIZATION", DataItem: "DATA_ITEM", Database: "DATABASE", DataService: "DATA_SERVICE" }[n.__typename];
      li.append(button(n.name, () => {
        list.replaceChildren();
        (n.__typename === "Organization" ? go({ org: n.code }) : go({ root: n.id })).catch(failed);
      }), " " + label("LineageNodeKind", kind));
      list.append(li);
    }
    return hits.length;
  }

  // Draws from a node of the drawing: an organization's sharing graph, else its lineage.
  function start(node) {
    const drawing = node.data("kind") === "ORGANIZATION" && state.view === "sharing" ? go({ org: node.data("code") }) : go({ root: node.id() });
    drawing.catch(failed);
  }

  // Draws what `where` names and puts it in the address, so that the page can be shared.
  async function go(where) {
    const url = new URL(location.href);
    for (const k of ["org", "item", "root", "q"]) url.searchParams.delete(k);
    for (const [k, v] of Object.entries(where)) url.searchParams.set(k, v);
    history.replaceState(null, "", url);
    if (where.org) return loadSharing(where.org);
    return loadLineage(where.root || where.item);
  }

  function failed(err) {
    notice(t("failed") + err.message);
  }

  function translate() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); });
    $("lang").textContent = t("other");
    $("rollup").querySelectorAll("option").forEach((o) => { o.textContent = label("SharingGraphRollUp", o.value); });
    if (state.view) {
      $("title").textContent = (state.view === "sharing" ? t("sharingOf") : t("lineageOf")) + " " + state.rootLabel;
      refreshFilters();
    }
  }

  // For scripts and tests: the Cytoscape instance, how many drawings have been made and how
  // long the last one took (elements and layout, after the answer arrived).
  window.sharegraphExplorer = { cy, drawn: 0, lastDrawMs: 0, png, svg, csv };

  cy.on("tap", "node", (ev) => panel(ev.target));
  $("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = new FormData(ev.target).get("q").trim();
    if (q) search(q).catch(failed);
  });
  $("redraw").addEventListener("click", () => {
    if (state.view === "sharing") loadSharing(state.variables.code).catch(failed);
    else if (state.view === "lineage") loadLineage(state.root).catch(failed);
  });
  $("rollup").addEventListener("change", () => $("redraw").click());
  $("png").addEventListener("click", () => download(fileName("png"), png()));
  $("svg").addEventListener("click", () => download(fileName("svg"), svg()));
  $("csv").addEventListener("click", () => download(fileName("csv"), csv()));
  $("lang").addEventListener("click", () => { lang = lang === "vi" ? "en" : "vi"; translate(); });
  if (params.get("depth")) $("depth").value = params.get("depth");
  if (["NONE", "COLLAPSED", "MEMBERS"].includes(params.get("rollup"))) $("rollup").value = params.get("rollup");
  translate();

  if (params.get("org")) go({ org: params.get("org") }).catch(failed);
  else if (params.get("item") || params.get("root")) go({ root: params.get("item") || params.get("root") }).catch(failed);
  else if (params.get("q")) {
    $("search").elements.q.value = params.get("q");
    search(params.get("q")).catch(failed);
    notice("");
  } else {
    notice(t("start"));
  }
})();
