//! Catalogue releases and reviews, open datasets, public feedback and its votes.
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
        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("catalogue_releases")
                        .col(big_pk_auto("id"))
                        .col(big_integer("organization_id"))
                        .col(integer("number"))
                        .col(text("decision_number"))
                        .col(date("decided_on"))
                        .col(text("signer"))
                        .col(text_null("note"))
                        .col(text("snapshot"))
                        .col(integer("database_count"))
                        .col(integer("item_count"))
                        .col(integer("service_count"))
                        .col(date("next_review_due"))
                        .foreign_key(&mut fk(
                            "catalogue_releases",
                            "organization_id",
                            "organizations",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "catalogue_releases",
            &["organization_id", "number"],
            true,
        )
        .await?;
        index(manager, "catalogue_releases", &["decided_on"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("catalogue_reviews")
                        .col(big_pk_auto("id"))
                        .col(big_integer("organization_id"))
                        .col(string_len("scope", 16))
                        .col(date("reviewed_on"))
                        .col(text("reviewer"))
                        .col(text_null("decision_number"))
                        .col(text_null("outcome"))
                        .foreign_key(&mut fk(
                            "catalogue_reviews",
                            "organization_id",
                            "organizations",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "catalogue_reviews",
            &["organization_id", "scope", "reviewed_on"],
            false,
        )
        .await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("open_datasets")
                        .col(big_pk_auto("id"))
                        .col(big_integer("organization_id"))
                        .col(text("code"))
                        .col(text("title"))
                        .col(text("title_folded"))
                        .col(text_null("description"))
                        .col(text("licence"))
                        .col(text("formats"))
                        .col(text_null("download_url"))
                        .col(big_integer_null("data_service_id"))
                        .col(string_len("update_frequency", 16))
                        .col(date_null("published_on"))
                        .col(date_null("refreshed_on"))
                        .foreign_key(&mut fk(
                            "open_datasets",
                            "organization_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "open_datasets",
                            "data_service_id",
                            "data_services",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "open_datasets", &["organization_id", "code"], true).await?;
        index(manager, "open_datasets", &["published_on"], false).await?;
        index(manager, "open_datasets", &["data_service_id"], false).await?;
        index(manager, "open_datasets", &["created_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("open_dataset_items")
                    .col(big_integer("dataset_id"))
                    .col(big_integer("data_item_id"))
                    .primary_key(Index::create().col("dataset_id").col("data_item_id"))
                    .foreign_key(&mut fk(
                        "open_dataset_items",
                        "dataset_id",
                        "open_datasets",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "open_dataset_items",
                        "data_item_id",
                        "data_items",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "open_dataset_items", &["data_item_id"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("feedback")
                        .col(big_pk_auto("id"))
                        .col(string_len("kind", 16))
                        .col(big_integer("organization_id"))
                        .col(big_integer_null("open_dataset_id"))
                        .col(text("title"))
                        .col(text("body"))
                        .col(text_null("contact_email"))
                        .col(string_len("status", 16))
                        .col(text_null("answer"))
                        .col(timestamp_with_time_zone_null("answered_at"))
                        .col(integer("votes").default(0))
                        .foreign_key(&mut fk(
                            "feedback",
                            "organization_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "feedback",
                            "open_dataset_id",
                            "open_datasets",
                            Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "feedback", &["organization_id", "status"], false).await?;
        index(manager, "feedback", &["open_dataset_id"], false).await?;
        index(manager, "feedback", &["votes", "created_at"], false).await?;
        index(manager, "feedback", &["created_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("feedback_votes")
                    .col(big_integer("feedback_id"))
                    // Who voted, as a hash of their token or address: one vote each.
                    .col(string_len("voter", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("feedback_id").col("voter"))
                    .foreign_key(&mut fk(
                        "feedback_votes",
                        "feedback_id",
                        "feedback",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "feedback_votes",
            "feedback",
            "open_dataset_items",
            "open_datasets",
            "catalogue_reviews",
            "catalogue_releases",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
