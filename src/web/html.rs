//! What every page shares: escaping, the frame around a page's content, and the headers that
//! keep pages from running anything but sharegraph's own scripts.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::assets::UI;

/// Text made safe for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe for a URL's query value.
pub fn query_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A count as Vietnamese writes it: `12.345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Where a page may be framed.
#[derive(Debug, Clone, Copy)]
pub enum Framing<'a> {
    /// Never (every page but the embeddable explorer).
    Never,
    /// By this server's pages and the origins given (`SHAREGRAPH_FRAME_ANCESTORS`).
    By(&'a str),
}

/// One page of the site: its title and content, with the site's header and footer unless
/// `bare` (the embedded explorer), and the scripts and extra style sheets it loads (paths on
/// this server).
pub struct Page<'a> {
    site: &'a str,
    title: &'a str,
    body: String,
    scripts: &'a [&'a str],
    styles: &'a [&'a str],
    class: &'a str,
    data: String,
    bare: bool,
}

impl<'a> Page<'a> {
    pub fn new(site: &'a str, title: &'a str, body: String) -> Self {
        Self {
            site,
            title,
            body,
            scripts: &[],
            styles: &[],
            class: "",
            data: String::new(),
            bare: false,
        }
    }

    pub fn scripts(mut self, scripts: &'a [&'a str]) -> Self {
        self.scripts = scripts;
        self
    }

    pub fn styles(mut self, styles: &'a [&'a str]) -> Self {
        self.styles = styles;
        self
    }

    /// The body's class, and a `data-` attribute (name, unescaped value) for its scripts.
    pub fn body(mut self, class: &'a str, data: Option<(&str, &str)>) -> Self {
        self.class = class;
        if let Some((name, value)) = data {
            self.data = format!(r#" data-{name}="{}""#, esc(value));
        }
        self
    }

    /// Without the site's header and footer.
    pub fn bare(mut self, bare: bool) -> Self {
        self.bare = bare;
        self
    }

    /// The whole document.
    pub fn render(&self) -> String {
        let mut head = String::new();
        for s in self.styles {
            let _ = write!(head, "\n<link rel=\"stylesheet\" href=\"{s}\">");
        }
        for s in self.scripts {
            let _ = write!(head, "\n<script src=\"{s}\" defer></script>");
        }
        let site = esc(self.site);
        let (header, footer) = if self.bare {
            (String::new(), "")
        } else {
            (
                format!(
                    r#"<header class="site"><a class="home" href="/">{site}</a>
<nav><a href="/explore">Khám phá đồ thị</a> <a href="/dcat/catalog">Danh mục dữ liệu mở</a> <a href="/graphql">GraphiQL</a> <a href="/docs">Tài liệu</a></nav></header>"#
                ),
                r#"<footer class="site">Danh mục chia sẻ dữ liệu theo Nghị định 47/2020/NĐ-CP · <a href="/dcat/catalog.jsonld">DCAT-AP (JSON-LD)</a> · <a href="/dcat/catalog.ttl">Turtle</a></footer>"#,
            )
        };
        let class = if self.class.is_empty() {
            String::new()
        } else {
            format!(r#" class="{}""#, esc(self.class))
        };
        format!(
            r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title} · {site}</title>
<link rel="stylesheet" href="{UI}/site.css">{head}
</head>
<body{class}{data}>
{header}
{body}
{footer}
</body>
</html>
"#,
            title = esc(self.title),
            data = self.data,
            body = self.body,
        )
    }
}

/// The content security policy of sharegraph's own pages: its own scripts only, requests to
/// itself only.
pub fn policy(framing: Framing<'_>) -> String {
    let ancestors = match framing {
        Framing::Never => "'none'".to_owned(),
        Framing::By(origins) => format!("'self' {origins}").trim().to_owned(),
    };
    // Cytoscape.js adds a style element for its container; nothing else is inline.
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; \
         frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
    )
}

/// An HTML answer with the security headers every page carries.
pub fn respond(status: StatusCode, html: String, policy: &str, framing: Framing<'_>) -> Response {
    let mut resp = (status, Html(html)).into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    // `X-Frame-Options` cannot name origins; where framing is allowed, the policy's
    // `frame-ancestors` alone decides.
    if matches!(framing, Framing::Never) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped_and_vietnamese_is_kept() {
        assert_eq!(
            esc(r#"<b a="1">Phòng TN&MT 'x'</b>"#),
            "&lt;b a=&quot;1&quot;&gt;Phòng TN&amp;MT &#39;x&#39;&lt;/b&gt;"
        );
        assert_eq!(query_value("Nam Đông & co"), "Nam+%C4%90%C3%B4ng+%26+co");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1.234.567");
    }

    #[test]
    fn only_the_embeddable_page_names_its_framers() {
        assert!(policy(Framing::Never).contains("frame-ancestors 'none'"));
        assert!(
            policy(Framing::By("https://cong.thuathienhue.gov.vn"))
                .contains("frame-ancestors 'self' https://cong.thuathienhue.gov.vn;")
        );
        assert!(policy(Framing::By("")).contains("frame-ancestors 'self';"));
    }
}
