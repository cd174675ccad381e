//! `/explore`: the sharing-graph explorer. The page is a frame for `ui/explore/explore.js`,
//! which reads the public GraphQL API (with the token the user enters, if any) and draws with
//! Cytoscape.js; everything it loads comes from this server.
//!
//! `?embed=1` drops the site's chrome for an `<iframe>`: that page alone may be framed, by this
//! server's own pages and by the origins of `SHAREGRAPH_FRAME_ANCESTORS`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::assets::{CYTOSCAPE_JS, EXPLORE_CSS, EXPLORE_JS};
use super::html::{self, Framing, Page};
use crate::http::AppState;

#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    #[serde(default)]
    embed: Option<String>,
}

pub async fn explore(State(state): State<AppState>, Query(params): Query<Params>) -> Response {
    let embed = params.embed.is_some_and(|e| e == "1" || e == "true");
    let framing = if embed {
        Framing::By(&state.limits.frame_ancestors)
    } else {
        Framing::Never
    };
    let missing = if super::assets::is_bundled() {
        ""
    } else {
        r#"<p class="notice">Trình khám phá cần Cytoscape.js, chưa được đóng gói khi biên dịch máy chủ này (không tải được từ npm). Hãy biên dịch lại khi có mạng.</p>"#
    };
    // The roll-up's choices, labelled from the vocabulary (the script relabels them in English).
    let rollup: String = ["NONE", "COLLAPSED", "MEMBERS"]
        .iter()
        .map(|v| {
            format!(
                r#"<option value="{v}">{}</option>"#,
                crate::domain::vocabulary::vi("SharingGraphRollUp", v)
            )
        })
        .collect();
    let body = format!(
        r#"{missing}
<div class="explorer">
<aside class="controls">
<form id="search" role="search"><input name="q" type="search" data-t-placeholder="searchHint" placeholder="Tìm cơ quan, cơ sở dữ liệu, dữ liệu…" aria-label="search"> <button type="submit" data-t="search">Tìm</button></form>
<ol id="results"></ol>
<fieldset><legend data-t="settings">Phạm vi</legend>
<label><span data-t="depth">Độ sâu</span> <input id="depth" type="number" min="1" max="10" value="2"></label>
<label><span data-t="budget">Số nút tối đa</span> <input id="budget" type="number" min="10" max="100000" value="1000"></label>
<label class="org-only"><span data-t="rollup">Đơn vị trực thuộc</span> <select id="rollup">{rollup}</select></label>
<button id="redraw" type="button" data-t="redraw">Vẽ lại</button>
</fieldset>
<fieldset id="modes"><legend data-t="modes">Hình thức chia sẻ</legend></fieldset>
<fieldset id="kinds" class="lineage-only"><legend data-t="kinds">Loại quan hệ</legend></fieldset>
<fieldset id="statuses"><legend data-t="statuses">Trạng thái</legend></fieldset>
<fieldset><legend data-t="export">Xuất</legend>
<button id="png" type="button">PNG</button> <button id="svg" type="button">SVG</button> <button id="csv" type="button" data-t="edgesCsv">Cạnh (CSV)</button>
</fieldset>
<details><summary data-t="token">Mã truy cập (tuỳ chọn)</summary><input id="token" type="password" autocomplete="off" placeholder="sg_…"><p class="hint" data-t="tokenHint">Để xem thêm dữ liệu của cơ quan bạn. Chỉ gửi tới máy chủ này.</p></details>
<p><button id="lang" type="button">English</button></p>
</aside>
<section class="canvas">
<p id="title"></p>
<p id="notice" class="notice" hidden></p>
<div id="graph" aria-label="graph"></div>
<p id="legend"></p>
</section>
<aside id="panel" hidden></aside>
</div>"#
    );
    let labels = crate::domain::vocabulary::json().to_string();
    let page = Page::new(&state.limits.catalog_title, "Khám phá đồ thị chia sẻ", body)
        .styles(&[EXPLORE_CSS])
        .scripts(&[CYTOSCAPE_JS, EXPLORE_JS])
        .body(
            if embed { "explore embed" } else { "explore" },
            Some(("labels", &labels)),
        )
        .bare(embed)
        .render();
    html::respond(StatusCode::OK, page, &html::policy(framing), framing)
}
