//! Usage records after sharing (kiểm soát sau chia sẻ, Decree 47/2020 Art. 10): append-only
//! events reported by providers and gateways.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: the log must keep what happened even when the share or service is
        // later deleted, and checking keys per row would halve the ingest rate; the write path
        // checks every reference once per batch.
        manager
            .create_table(
                Table::create()
                    .table("access_events")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("share_id"))
                    .col(big_integer_null("service_id"))
                    .col(big_integer("provider_id"))
                    .col(big_integer("consumer_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("operation", 32))
                    .col(big_integer("record_count"))
                    .col(text_null("purpose"))
                    .col(string_len_null("violation", 32))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .col(big_integer_null("recorded_by"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "access_events",
            &["share_id", "occurred_at"],
            false,
        )
        .await?;
        index(
            manager,
            "access_events",
            &["service_id", "occurred_at"],
            false,
        )
        .await?;
        index(
            manager,
            "access_events",
            &["provider_id", "occurred_at"],
            false,
        )
        .await?;
        index(
            manager,
            "access_events",
            &["consumer_id", "occurred_at"],
            false,
        )
        .await?;
        // Violations are few: a partial index finds them without weighing on every insert.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_access_events_violations ON access_events (occurred_at) WHERE violation IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("access_events").to_owned())
            .await
    }
}
