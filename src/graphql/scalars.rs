//! Where the custom scalars are specified (`@specifiedBy`), so that client generators and
//! docs explorers can map them without guessing.
//!
//! async-graphql declares the URL of `DateTime` (RFC 3339) itself but not those of
//! `NaiveDate` and `JSON`, and offers no builder method to set one. [`SpecifiedBy`] is
//! registered as an output type only for its registration hook: it fills in the missing URLs
//! of scalars already in the registry and adds no type of its own.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

/// The scalars sharegraph uses, with the specification of their text form.
pub const URLS: [(&str, &str); 3] = [
    ("DateTime", "https://datatracker.ietf.org/doc/html/rfc3339"),
    // RFC 3339's `full-date`: `2026-12-07`.
    (
        "NaiveDate",
        "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    ),
    ("JSON", "https://datatracker.ietf.org/doc/html/rfc8259"),
];

/// Registration hook that sets [`URLS`] on the registered scalars.
pub struct SpecifiedBy;

impl OutputType for SpecifiedBy {
    fn type_name() -> Cow<'static, str> {
        // The name of a type that is registered anyway, so that nothing new appears.
        Cow::Borrowed("DateTime")
    }

    fn create_type_info(registry: &mut Registry) -> String {
        for (name, url) in URLS {
            if let Some(MetaType::Scalar {
                specified_by_url, ..
            }) = registry.types.get_mut(name)
            {
                specified_by_url.get_or_insert_with(|| url.to_owned());
            }
        }
        "DateTime".to_owned()
    }

    async fn resolve(
        &self,
        _: &ContextSelectionSet<'_>,
        _: &Positioned<Field>,
    ) -> ServerResult<Value> {
        // Never a field's type: it is only registered.
        Ok(Value::Null)
    }
}
