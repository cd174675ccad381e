//! Opaque global ids (Relay): `base64url("Organization:42")`. Clients must not parse them;
//! the type prefix lets `node(id:)` route and lets inputs refuse an id of the wrong type.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{Error, Result};
use crate::i18n::Text;

/// The types that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "EntityType")]
pub enum Kind {
    /// An organization (`Organization`).
    Organization,
    /// A focal point (`FocalPoint`).
    FocalPoint,
    /// An information system (`InformationSystem`).
    InformationSystem,
    /// A database (`Database`).
    Database,
    /// A data item (`DataItem`).
    DataItem,
    /// A sharing policy (`SharingPolicy`).
    SharingPolicy,
    /// A data-sharing service (`DataService`).
    DataService,
    /// A share (`Share`).
    Share,
    /// A derivation between two items (`Derivation`).
    Derivation,
    /// A sharing agreement (`SharingAgreement`).
    SharingAgreement,
    /// A sharing request (`SharingRequest`).
    SharingRequest,
    /// A quality assessment (`QualityAssessment`).
    QualityAssessment,
    /// A published catalogue release (`CatalogueRelease`).
    CatalogueRelease,
    /// A recorded catalogue review (`CatalogueReview`).
    CatalogueReview,
    /// An open dataset (`OpenDataset`).
    OpenDataset,
    /// Public feedback on open data (`Feedback`).
    Feedback,
}

impl Kind {
    const ALL: [Kind; 16] = [
        Kind::Organization,
        Kind::FocalPoint,
        Kind::InformationSystem,
        Kind::Database,
        Kind::DataItem,
        Kind::SharingPolicy,
        Kind::DataService,
        Kind::Share,
        Kind::Derivation,
        Kind::SharingAgreement,
        Kind::SharingRequest,
        Kind::QualityAssessment,
        Kind::CatalogueRelease,
        Kind::CatalogueReview,
        Kind::OpenDataset,
        Kind::Feedback,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Organization => "Organization",
            Kind::FocalPoint => "FocalPoint",
            Kind::InformationSystem => "InformationSystem",
            Kind::Database => "Database",
            Kind::DataItem => "DataItem",
            Kind::SharingPolicy => "SharingPolicy",
            Kind::DataService => "DataService",
            Kind::Share => "Share",
            Kind::Derivation => "Derivation",
            Kind::SharingAgreement => "SharingAgreement",
            Kind::SharingRequest => "SharingRequest",
            Kind::QualityAssessment => "QualityAssessment",
            Kind::CatalogueRelease => "CatalogueRelease",
            Kind::CatalogueReview => "CatalogueReview",
            Kind::OpenDataset => "OpenDataset",
            Kind::Feedback => "Feedback",
        }
    }
}

impl Kind {
    /// The kind a type name stands for.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

pub fn encode(kind: Kind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global id; `field` names the input for the error.
pub fn decode(field: &str, id: &ID) -> Result<(Kind, i64)> {
    let invalid = || Error::bad_input(field, Text::key("id-invalid").arg("field", field));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| invalid())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    let (name, raw) = text.split_once(':').ok_or_else(invalid)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(invalid)?;
    let n = raw.parse::<i64>().map_err(|_| invalid())?;
    Ok((kind, n))
}

/// Decodes an id that must be of one type.
pub fn decode_as(field: &str, id: &ID, expected: Kind) -> Result<i64> {
    let (kind, n) = decode(field, id)?;
    if kind == expected {
        Ok(n)
    } else {
        Err(Error::bad_input(
            field,
            Text::key("id-kind")
                .arg("field", field)
                .arg("expected", expected.name())
                .arg("actual", kind.name()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_type_check() {
        let id = encode(Kind::Database, 7);
        assert_eq!(decode("id", &id).unwrap(), (Kind::Database, 7));
        assert_eq!(decode_as("id", &id, Kind::Database).unwrap(), 7);
        assert!(decode_as("id", &id, Kind::Organization).is_err());
        assert!(decode("id", &ID("nonsense!".into())).is_err());
        assert!(decode("id", &ID(URL_SAFE_NO_PAD.encode("Bogus:1"))).is_err());
    }
}
