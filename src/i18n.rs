//! Messages in the caller's language. Client-facing messages are Fluent messages
//! (`locales/en.ftl`, `locales/vi.ftl`, built into the binary), named by a key with named
//! arguments; an error carries the key and arguments ([`Text`]) and is written in the
//! request's language when it is answered (`Accept-Language`, else `SHAREGRAPH_LANG`).

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

/// A client-facing message: a Fluent key with its arguments. An argument is itself a
/// [`Text`], so a message can quote another (a refused approval quotes the rule that refused
/// it) and both are written in the same language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Keyed {
        key: &'static str,
        args: Vec<(&'static str, Text)>,
    },
    /// A value that is not a message: a name, a number, a code as the client gave it.
    Value(String),
    /// Messages written one after another, separated by ", ".
    List(Vec<Text>),
}

impl Text {
    pub fn key(key: &'static str) -> Self {
        Self::Keyed {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a named argument: a value written as it is.
    pub fn arg(self, name: &'static str, value: impl ToString) -> Self {
        self.with(name, Self::Value(value.to_string()))
    }

    /// Adds a named argument that is a message, written in the same language.
    pub fn with(mut self, name: &'static str, text: Text) -> Self {
        if let Self::Keyed { args, .. } = &mut self {
            args.push((name, text));
        }
        self
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Self::Value(text) => text.clone(),
            Self::List(texts) => texts
                .iter()
                .map(|t| t.render(lang))
                .collect::<Vec<_>>()
                .join(", "),
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
                    fluent_args.set(*name, value.render(lang));
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
                // Fluent writes an argument it was not given as `{$name}`.
                assert!(
                    !out.contains("{$") && !out.is_empty(),
                    "{key} in {lang:?}: {out}"
                );
            }
        }
    }

    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// Each key the code names is in the locale files, and each message there is used.
    #[test]
    fn the_code_and_the_locale_files_name_the_same_messages() {
        let mut code = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut code,
        );
        let named: std::collections::BTreeSet<String> = code
            .split("Text::key(")
            .skip(1)
            .filter_map(|rest| rest.strip_prefix('"')?.split('"').next())
            .map(str::to_owned)
            .collect();
        let messages = messages(EN);
        for key in &named {
            assert!(messages.contains_key(key), "{key} is not in en.ftl");
        }
        for key in messages.keys() {
            assert!(
                code.contains(&format!("\"{key}\"")),
                "{key} in en.ftl is used nowhere"
            );
        }
    }

    #[test]
    fn messages_are_written_in_the_language_asked_for() {
        let text = Text::key("text-empty").arg("field", "input.title");
        assert_eq!(text.render(Lang::En), "input.title must not be empty");
        assert_eq!(text.render(Lang::Vi), "input.title không được để trống");
        assert_eq!(text.to_string(), "input.title must not be empty");
        let nested = Text::key("request-not-approvable").with("reason", text);
        assert_eq!(
            nested.render(Lang::Vi),
            "không thể phê duyệt yêu cầu như hiện tại: input.title không được để trống"
        );
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
