//! `vocabulary`: every enum of the API with the Vietnamese and English label of each value,
//! so that front-ends label modes, statuses and kinds from data rather than from tables of
//! their own.

use async_graphql::{Object, SimpleObject};

use crate::domain::vocabulary;

/// An enum of the API and the labels of its values.
#[derive(SimpleObject)]
pub struct VocabularyEnum {
    /// The enum's name in the schema, e.g. `SharingMode`.
    name: &'static str,
    /// The enum's values, each with its labels.
    values: Vec<VocabularyValue>,
}

/// One value of an enum, labelled.
#[derive(SimpleObject)]
pub struct VocabularyValue {
    /// The value as the API writes it, e.g. `ON_REQUEST`.
    value: &'static str,
    /// Its Vietnamese label, the decree's term where it has one (e.g. "Chia sẻ theo yêu cầu
    /// đặc thù").
    vi: &'static str,
    /// Its English label.
    en: &'static str,
}

#[derive(Default)]
pub struct VocabularyQuery;

#[Object]
impl VocabularyQuery {
    /// The labels of every enum's values (all enums but orderings and file formats), or of
    /// the enums named in `names`. Public and fixed: clients may cache it.
    async fn vocabulary(
        &self,
        #[graphql(desc = "Only these enums, by their schema names (default: all).")] names: Option<
            Vec<String>,
        >,
    ) -> Vec<VocabularyEnum> {
        vocabulary::enums()
            .into_iter()
            .filter(|(name, _)| {
                names
                    .as_ref()
                    .is_none_or(|wanted| wanted.iter().any(|w| w == name))
            })
            .map(|(name, values)| VocabularyEnum {
                name,
                values: values
                    .into_iter()
                    .map(|(value, vi, en)| VocabularyValue { value, vi, en })
                    .collect(),
            })
            .collect()
    }
}
