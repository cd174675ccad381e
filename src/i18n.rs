//! Messages in the caller's language. Client-facing messages are Fluent messages
//! (`locales/en.ftl`, `locales/vi.ftl`, built into the binary), named by a key with named
//! arguments; an error carries the key and arguments ([`Text`]) and is written in the
//! request's language when it is answered (`Accept-Language`, else `SHAREGRAPH_LANG`).
//! Messages not yet given a key are written as they were made, in English.

use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language sharegraph speaks: of messages, of spreadsheets (`export --lang`,
/// `inventory(lang:)`) and of `SHAREGRAPH_LANG`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, async_graphql::Enum, clap::ValueEnum,
)]
#[graphql(name = "Language")]
pub enum Lang {
    /// Vietnamese (tiếng Việt): `Mã cơ quan`, `Chia sẻ mặc định`, `có`.
    Vi,
    /// English: `organization_code`, `DEFAULT`, `yes`.
    #[default]
    En,
}

impl Lang {
    /// The language of a code such as `vi`, `vi-VN` or `en-US`.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language an `Accept-Language` header prefers among those spoken here, by its
    /// quality values; `fallback` when it names none of them (or is absent).
    pub fn negotiate(accept_language: Option<&str>, fallback: Lang) -> Lang {
        let Some(header) = accept_language else {
            return fallback;
        };
        let mut best: Option<(f32, Lang)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(fallback, |(_, lang)| lang)
    }
}

/// The compiled-in translations: constant data, parsed once.
struct Bundles {
    en: FluentBundle<FluentResource>,
    vi: FluentBundle<FluentResource>,
}

const EN: &str = include_str!("../locales/en.ftl");
const VI: &str = include_str!("../locales/vi.ftl");

fn bundle(lang: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().expect("a language identifier");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Messages go into JSON and terminals, where Unicode isolation marks only get in the way.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source.to_owned()).expect("the locale file parses");
    bundle
        .add_resource(resource)
        .expect("no message is defined twice");
    bundle
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| Bundles {
    en: bundle("en", EN),
    vi: bundle("vi", VI),
});

/// A client-facing message: a Fluent key with its arguments, or (not yet keyed) plain
/// English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Keyed {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    Plain(String),
}

impl Text {
    pub fn key(key: &'static str) -> Self {
        Self::Keyed {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a named argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        if let Self::Keyed { args, .. } = &mut self {
            args.push((name, value.to_string()));
        }
        self
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Self::Plain(text) => text.clone(),
            Self::Keyed { key, args } => {
                let bundle = match lang {
                    Lang::En => &BUNDLES.en,
                    Lang::Vi => &BUNDLES.vi,
                };
                let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                    // A key missing from a file is a bug the locale tests catch; say what
                    // there is rather than nothing.
                    return format!("{key} {args:?}");
                };
                let mut fluent_args = FluentArgs::new();
                for (name, value) in args {
                    fluent_args.set(*name, value.clone());
                }
                let mut errors = Vec::new();
                bundle
                    .format_pattern(pattern, Some(&fluent_args), &mut errors)
                    .into_owned()
            }
        }
    }
}

impl fmt::Display for Text {
    /// English, as logs and the command line show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::Plain(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::Plain(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of a locale file with the arguments each uses.
    fn messages(source: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut out = std::collections::BTreeMap::new();
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (key, text) = line.split_once(" = ").expect("key = text");
            let mut args: Vec<String> = text
                .split("{ $")
                .skip(1)
                .map(|a| a.split([' ', '}']).next().unwrap().to_owned())
                .collect();
            args.sort();
            args.dedup();
            out.insert(key.trim().to_owned(), args);
        }
        out
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_arguments() {
        let en = messages(EN);
        let vi = messages(VI);
        assert_eq!(en.keys().collect::<Vec<_>>(), vi.keys().collect::<Vec<_>>());
        assert_eq!(en, vi);
        assert!(en.len() >= 10);
        // Each renders in both, with its arguments filled in.
        for (key, args) in &en {
            let mut text = Text::key(Box::leak(key.clone().into_boxed_str()));
            for a in args {
                text = text.arg(Box::leak(a.clone().into_boxed_str()), "X");
            }
            for lang in [Lang::En, Lang::Vi] {
                let out = text.render(lang);
                assert!(
                    !out.contains('{') && !out.is_empty(),
                    "{key} in {lang:?}: {out}"
                );
            }
        }
    }

    #[test]
    fn messages_are_written_in_the_language_asked_for() {
        let text = Text::key("text-empty").arg("field", "input.title");
        assert_eq!(text.render(Lang::En), "input.title must not be empty");
        assert_eq!(text.render(Lang::Vi), "input.title không được để trống");
        assert_eq!(text.to_string(), "input.title must not be empty");
        assert_eq!(Text::from("as made").render(Lang::Vi), "as made");
    }

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        let vi = Some("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7");
        assert_eq!(Lang::negotiate(vi, Lang::En), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("en-GB,vi;q=0.5"), Lang::Vi), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr, de;q=0.8"), Lang::Vi), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("en;q=0.2, vi"), Lang::En), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("vi;q=0"), Lang::En), Lang::En);
        assert_eq!(Lang::negotiate(None, Lang::Vi), Lang::Vi);
    }
}
