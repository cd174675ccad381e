//! Sharing requests and agreements (Decree 47/2020 Art. 35–38) and the holiday calendar that
//! their deadlines skip.
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

        // Holidays beyond the fixed-date ones the code knows (lunar Tết, Hùng Kings' day, and
        // the days the government moves each year).
        manager
            .create_table(
                Table::create()
                    .table("holidays")
                    .col(date("day").primary_key())
                    .col(text("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("sharing_agreements")
                        .col(big_pk_auto("id"))
                        .col(big_integer("provider_id"))
                        .col(big_integer("consumer_id"))
                        .col(text("data_content"))
                        .col(text("place_of_use"))
                        .col(date_null("valid_from"))
                        .col(date_null("valid_until"))
                        .col(text("method"))
                        .col(text_null("processing_after_receipt"))
                        .col(text_null("conditions_and_limits"))
                        .col(text_null("protection_commitments"))
                        .col(text_null("security_and_authentication"))
                        .col(text_null("storage"))
                        .col(text_null("deletion_method"))
                        .col(date("signed_on"))
                        .foreign_key(&mut fk(
                            "sharing_agreements",
                            "provider_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "sharing_agreements",
                            "consumer_id",
                            "organizations",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "sharing_agreements",
            &["provider_id", "consumer_id"],
            false,
        )
        .await?;
        index(manager, "sharing_agreements", &["consumer_id"], false).await?;
        index(manager, "sharing_agreements", &["signed_on"], false).await?;
        index(manager, "sharing_agreements", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("sharing_requests")
                        .col(big_pk_auto("id"))
                        .col(big_integer("consumer_id"))
                        .col(big_integer("provider_id"))
                        .col(string_len("requested_mode", 16))
                        .col(text("purpose"))
                        .col(text_null("legal_basis"))
                        .col(text("contact_name"))
                        .col(text_null("contact_email"))
                        .col(text_null("contact_phone"))
                        .col(string_len("status", 16))
                        .col(timestamp_with_time_zone("submitted_at"))
                        .col(date_null("due_on"))
                        .col(timestamp_with_time_zone_null("decided_at"))
                        .col(text_null("decision_reason"))
                        .col(big_integer_null("agreement_id"))
                        .foreign_key(&mut fk(
                            "sharing_requests",
                            "consumer_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "sharing_requests",
                            "provider_id",
                            "organizations",
                            Restrict,
                        ))
                        .foreign_key(&mut fk(
                            "sharing_requests",
                            "agreement_id",
                            "sharing_agreements",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "sharing_requests",
            &["provider_id", "status", "due_on"],
            false,
        )
        .await?;
        index(
            manager,
            "sharing_requests",
            &["consumer_id", "status"],
            false,
        )
        .await?;
        index(manager, "sharing_requests", &["status", "due_on"], false).await?;
        index(manager, "sharing_requests", &["submitted_at"], false).await?;
        index(manager, "sharing_requests", &["created_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("sharing_request_items")
                    .col(big_integer("request_id"))
                    .col(big_integer("data_item_id"))
                    .primary_key(Index::create().col("request_id").col("data_item_id"))
                    .foreign_key(&mut fk(
                        "sharing_request_items",
                        "request_id",
                        "sharing_requests",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "sharing_request_items",
                        "data_item_id",
                        "data_items",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "sharing_request_items", &["data_item_id"], false).await?;

        // A share may rest on an agreement, and may have been created by approving a request.
        for (column, table) in [
            ("agreement_id", "sharing_agreements"),
            ("request_id", "sharing_requests"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("shares")
                        .add_column(big_integer_null(column))
                        .to_owned(),
                )
                .await?;
            // SQLite cannot add a foreign key to an existing table; the write path checks these.
            if manager.get_database_backend()
                == sea_orm_migration::sea_orm::DatabaseBackend::Postgres
            {
                manager
                    .create_foreign_key(fk("shares", column, table, Restrict))
                    .await?;
            }
            index(manager, "shares", &[column], false).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["agreement_id", "request_id"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_shares_{column}"))
                        .table("shares")
                        .to_owned(),
                )
                .await?;
            if manager.get_database_backend()
                == sea_orm_migration::sea_orm::DatabaseBackend::Postgres
            {
                manager
                    .drop_foreign_key(
                        ForeignKey::drop()
                            .name(format!("fk_shares_{column}"))
                            .table("shares")
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table("shares")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            "sharing_request_items",
            "sharing_requests",
            "sharing_agreements",
            "holidays",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
