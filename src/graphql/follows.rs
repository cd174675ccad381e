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

/// `follows!(entity: "field" by Fk => target, ...)`: the listed `entity`'s GraphQL field
/// `field` follows its column `Fk` to a row of `target`.
macro_rules! follows {
    ($entity:ident $(: $($field:literal by $fk:ident => $target:ident),+)?) => {
        impl Follows for $entity::Entity {
            const TO_ONE: &'static [ToOne<Self>] = &[$($(ToOne {
                field: $field,
                fk: $entity::Column::$fk,
                join: join::<$target::Entity>,
            }),+)?];
        }
    };
}

follows!(data_item: "database" by DatabaseId => database);
follows!(database: "organization" by OwnerId => organization);
follows!(sharing_policy: "dataItem" by DataItemId => data_item);
follows!(share:
    "dataItem" by DataItemId => data_item,
    "provider" by ProviderId => organization,
    "consumer" by ConsumerId => organization,
    "service" by ServiceId => data_service);
follows!(data_service:
    "provider" by ProviderId => organization,
    "contact" by ContactId => focal_point);
follows!(derivation:
    "source" by SourceItemId => data_item,
    "derived" by DerivedItemId => data_item);
follows!(information_system: "organization" by OwnerId => organization);
follows!(focal_point: "organization" by OrganizationId => organization);
follows!(open_dataset:
    "organization" by OrganizationId => organization,
    "dataService" by DataServiceId => data_service);
follows!(feedback:
    "organization" by OrganizationId => organization,
    "openDataset" by OpenDatasetId => open_dataset);
follows!(catalogue_release: "organization" by OrganizationId => organization);
follows!(catalogue_review: "organization" by OrganizationId => organization);
follows!(quality_assessment:
    "dataItem" by DataItemId => data_item,
    "database" by DatabaseId => database);
follows!(sharing_agreement:
    "provider" by ProviderId => organization,
    "consumer" by ConsumerId => organization);
follows!(sharing_request:
    "consumer" by ConsumerId => organization,
    "provider" by ProviderId => organization);
follows!(access_event:
    "share" by ShareId => share,
    "service" by ServiceId => data_service,
    "provider" by ProviderId => organization,
    "consumer" by ConsumerId => organization);
follows!(organization);
follows!(audit_entry);

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<E: Follows>() -> Vec<&'static str> {
        E::TO_ONE.iter().map(|r| r.field).collect()
    }

    /// A misspelt field would never be followed: its pages would quietly stop joining.
    #[test]
    fn every_relation_is_a_field_of_its_type() {
        let sdl = crate::graphql::sdl();
        let types = [
            ("DataItem", fields::<data_item::Entity>()),
            ("Database", fields::<database::Entity>()),
            ("SharingPolicy", fields::<sharing_policy::Entity>()),
            ("Share", fields::<share::Entity>()),
            ("DataService", fields::<data_service::Entity>()),
            ("Derivation", fields::<derivation::Entity>()),
            ("InformationSystem", fields::<information_system::Entity>()),
            ("FocalPoint", fields::<focal_point::Entity>()),
            ("OpenDataset", fields::<open_dataset::Entity>()),
            ("Feedback", fields::<feedback::Entity>()),
            ("CatalogueRelease", fields::<catalogue_release::Entity>()),
            ("CatalogueReview", fields::<catalogue_review::Entity>()),
            ("QualityAssessment", fields::<quality_assessment::Entity>()),
            ("SharingAgreement", fields::<sharing_agreement::Entity>()),
            ("SharingRequest", fields::<sharing_request::Entity>()),
            ("AccessEvent", fields::<access_event::Entity>()),
        ];
        for (ty, fields) in types {
            let start = sdl
                .find(&format!("\ntype {ty} "))
                .unwrap_or_else(|| panic!("no type {ty}"));
            let block = &sdl[start..start + sdl[start..].find("\n}").unwrap()];
            for field in fields {
                assert!(
                    block.contains(&format!("\n\t{field}: "))
                        || block.contains(&format!("\n\t{field}(")),
                    "{ty} has no field {field}"
                );
            }
        }
    }
}
