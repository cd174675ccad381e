//! Which to-one relations each listed type's GraphQL fields follow, so that a page whose
//! selection follows one reads the rows it points at in its own statement ([`Follows`]).
//!
//! Each entry names the field and the foreign key its resolver reads through
//! `connection::by_id` / `related`; a field not listed here still works, by a statement of its
//! own after the page. Only relations whose resolver reads the row the key names, as the caller
//! may see it, belong here: the joined row is what that resolver would have read.

use entity::{
    access_event, audit_entry, catalogue_release, catalogue_review, data_item, data_service,
    database, derivation, feedback, focal_point, information_system, open_dataset, organization,
    quality_assessment, share, sharing_agreement, sharing_policy, sharing_request,
};

use super::loader::{Follows, ToOne, join};

/// `field` follows `fk` to a row of `target`.
macro_rules! to_one {
    ($field:literal, $fk:expr, $target:ty) => {
        ToOne {
            field: $field,
            fk: $fk,
            join: join::<$target>,
        }
    };
}

impl Follows for data_item::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "database",
        data_item::Column::DatabaseId,
        database::Entity
    )];
}

impl Follows for database::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "organization",
        database::Column::OwnerId,
        organization::Entity
    )];
}

impl Follows for sharing_policy::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "dataItem",
        sharing_policy::Column::DataItemId,
        data_item::Entity
    )];
}

impl Follows for share::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!("dataItem", share::Column::DataItemId, data_item::Entity),
        to_one!("provider", share::Column::ProviderId, organization::Entity),
        to_one!("consumer", share::Column::ConsumerId, organization::Entity),
        to_one!("service", share::Column::ServiceId, data_service::Entity),
    ];
}

impl Follows for data_service::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "provider",
            data_service::Column::ProviderId,
            organization::Entity
        ),
        to_one!(
            "contact",
            data_service::Column::ContactId,
            focal_point::Entity
        ),
    ];
}

impl Follows for derivation::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "source",
            derivation::Column::SourceItemId,
            data_item::Entity
        ),
        to_one!(
            "derived",
            derivation::Column::DerivedItemId,
            data_item::Entity
        ),
    ];
}

impl Follows for information_system::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "organization",
        information_system::Column::OwnerId,
        organization::Entity
    )];
}

impl Follows for focal_point::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "organization",
        focal_point::Column::OrganizationId,
        organization::Entity
    )];
}

impl Follows for open_dataset::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "organization",
            open_dataset::Column::OrganizationId,
            organization::Entity
        ),
        to_one!(
            "dataService",
            open_dataset::Column::DataServiceId,
            data_service::Entity
        ),
    ];
}

impl Follows for feedback::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "organization",
            feedback::Column::OrganizationId,
            organization::Entity
        ),
        to_one!(
            "openDataset",
            feedback::Column::OpenDatasetId,
            open_dataset::Entity
        ),
    ];
}

impl Follows for catalogue_release::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "organization",
        catalogue_release::Column::OrganizationId,
        organization::Entity
    )];
}

impl Follows for catalogue_review::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[to_one!(
        "organization",
        catalogue_review::Column::OrganizationId,
        organization::Entity
    )];
}

impl Follows for quality_assessment::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "dataItem",
            quality_assessment::Column::DataItemId,
            data_item::Entity
        ),
        to_one!(
            "database",
            quality_assessment::Column::DatabaseId,
            database::Entity
        ),
    ];
}

impl Follows for sharing_agreement::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "provider",
            sharing_agreement::Column::ProviderId,
            organization::Entity
        ),
        to_one!(
            "consumer",
            sharing_agreement::Column::ConsumerId,
            organization::Entity
        ),
    ];
}

impl Follows for sharing_request::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!(
            "consumer",
            sharing_request::Column::ConsumerId,
            organization::Entity
        ),
        to_one!(
            "provider",
            sharing_request::Column::ProviderId,
            organization::Entity
        ),
    ];
}

impl Follows for access_event::Entity {
    const TO_ONE: &'static [ToOne<Self>] = &[
        to_one!("share", access_event::Column::ShareId, share::Entity),
        to_one!(
            "service",
            access_event::Column::ServiceId,
            data_service::Entity
        ),
        to_one!(
            "provider",
            access_event::Column::ProviderId,
            organization::Entity
        ),
        to_one!(
            "consumer",
            access_event::Column::ConsumerId,
            organization::Entity
        ),
    ];
}

impl Follows for organization::Entity {}
impl Follows for audit_entry::Entity {}
