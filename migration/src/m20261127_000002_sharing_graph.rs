//! The sharing graph: data services and the items they provide, shares and derivations.
//! Also stores each data item's owner (its database's owner) on the item itself, so that
//! lineage walks and share rules need no join through databases at every hop.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{bookkeeping, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};

        // The owner of an item is its database's owner; kept in step by the write path.
        manager
            .alter_table(
                Table::alter()
                    .table("data_items")
                    .add_column(big_integer("owner_id").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE data_items SET owner_id = (SELECT databases.owner_id FROM databases WHERE databases.id = data_items.database_id)",
            )
            .await?;
        index(manager, "data_items", &["owner_id"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("data_services")
                        .col(big_pk_auto("id"))
                        .col(string_len("code", 64))
                        .col(text("name"))
                        .col(text("name_folded"))
                        .col(big_integer("provider_id"))
                        .col(string_len("method", 16))
                        .col(text_null("protocol"))
                        .col(text_null("endpoint"))
                        .col(string_len("platform", 16))
                        .col(string_len_null("service_version", 32))
                        .col(string_len("status", 16))
                        .col(date_null("published_on"))
                        .col(text_null("description"))
                        .col(text_null("input_description"))
                        .col(text_null("output_description"))
                        .col(text_null("standard"))
                        .col(text_null("conditions_of_use"))
                        .col(text_null("availability"))
                        .col(big_integer_null("contact_id"))
                        .foreign_key(&mut fk(
                            "data_services",
                            "provider_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "data_services",
                            "contact_id",
                            "focal_points",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "data_services", &["code"], true).await?;
        index(
            manager,
            "data_services",
            &["provider_id", "name_folded"],
            false,
        )
        .await?;
        index(manager, "data_services", &["contact_id"], false).await?;
        index(manager, "data_services", &["name_folded"], false).await?;
        index(manager, "data_services", &["status"], false).await?;
        index(manager, "data_services", &["created_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("data_service_items")
                    .col(big_integer("service_id"))
                    .col(big_integer("data_item_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("service_id").col("data_item_id"))
                    // The list of items is part of the service.
                    .foreign_key(&mut fk(
                        "data_service_items",
                        "service_id",
                        "data_services",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "data_service_items",
                        "data_item_id",
                        "data_items",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "data_service_items",
            &["data_item_id", "service_id"],
            true,
        )
        .await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("shares")
                        .col(big_pk_auto("id"))
                        .col(big_integer("data_item_id"))
                        .col(big_integer("provider_id"))
                        .col(big_integer("consumer_id"))
                        .col(string_len("mode", 16))
                        .col(big_integer_null("service_id"))
                        .col(text_null("purpose"))
                        .col(text_null("legal_basis"))
                        .col(date_null("valid_from"))
                        .col(date_null("valid_until"))
                        .col(string_len("status", 16))
                        .col(text_null("status_reason"))
                        .foreign_key(&mut fk("shares", "data_item_id", "data_items", Restrict))
                        .foreign_key(&mut fk("shares", "provider_id", "organizations", Restrict))
                        .foreign_key(&mut fk("shares", "consumer_id", "organizations", Restrict))
                        .foreign_key(&mut fk("shares", "service_id", "data_services", Restrict)),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "shares", &["data_item_id", "consumer_id"], false).await?;
        // Covering indexes for sharing-graph walks and their per-mode counts: the walk and the
        // aggregation read only the index.
        index(
            manager,
            "shares",
            &[
                "provider_id",
                "consumer_id",
                "mode",
                "status",
                "valid_until",
            ],
            false,
        )
        .await?;
        index(
            manager,
            "shares",
            &["consumer_id", "provider_id", "status", "valid_until"],
            false,
        )
        .await?;
        index(manager, "shares", &["service_id"], false).await?;
        index(manager, "shares", &["mode"], false).await?;
        index(manager, "shares", &["status"], false).await?;
        index(manager, "shares", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("derivations")
                        .col(big_pk_auto("id"))
                        .col(big_integer("source_item_id"))
                        .col(big_integer("derived_item_id"))
                        .col(text_null("transformation"))
                        .foreign_key(&mut fk(
                            "derivations",
                            "source_item_id",
                            "data_items",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "derivations",
                            "derived_item_id",
                            "data_items",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "derivations",
            &["source_item_id", "derived_item_id"],
            true,
        )
        .await?;
        index(
            manager,
            "derivations",
            &["derived_item_id", "source_item_id"],
            true,
        )
        .await?;
        index(manager, "derivations", &["created_at"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "derivations",
            "shares",
            "data_service_items",
            "data_services",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_data_items_owner_id")
                    .table("data_items")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("data_items")
                    .drop_column("owner_id")
                    .to_owned(),
            )
            .await
    }
}
