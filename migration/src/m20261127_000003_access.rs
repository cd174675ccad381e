//! Access control: API tokens (only their hashes), the hash-chained audit log, and each data
//! item's `published` flag (shared with someone: the public may see it).
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The hash the first audit entry chains to.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Restrict;

        // An item is part of the published catalogue when some policy shares it (docs/design.md);
        // kept in step by the policy write path, so that public reads test a column instead of
        // probing the policies of every row.
        manager
            .alter_table(
                Table::alter()
                    .table("data_items")
                    .add_column(boolean("published").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE data_items SET published = EXISTS (SELECT 1 FROM sharing_policies p WHERE p.data_item_id = data_items.id AND p.mode <> 'NOT_SHARED')",
            )
            .await?;
        index(manager, "data_items", &["published", "name"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(big_pk_auto("id"))
                    .col(text("name"))
                    .col(string_len("role", 16))
                    .col(big_integer_null("organization_id"))
                    .col(string_len("token_hash", 64).unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk(
                        "api_tokens",
                        "organization_id",
                        "organizations",
                        Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "api_tokens", &["organization_id"], false).await?;

        // `seq` is assigned by the writer holding the chain head, so it has no gaps: a missing
        // number is a deleted entry.
        manager
            .create_table(
                Table::create()
                    .table("audit_entries")
                    .col(big_integer("seq").primary_key())
                    .col(timestamp_with_time_zone("at"))
                    .col(big_integer_null("actor_token_id"))
                    .col(text("actor"))
                    .col(string_len("actor_role", 16))
                    .col(big_integer_null("organization_id"))
                    .col(string_len("action", 32))
                    .col(string_len("entity_type", 32))
                    .col(big_integer("entity_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(string_len("prev_hash", 64))
                    .col(string_len("hash", 64))
                    .to_owned(),
            )
            .await?;
        index(manager, "audit_entries", &["organization_id", "seq"], false).await?;
        index(
            manager,
            "audit_entries",
            &["entity_type", "entity_id"],
            false,
        )
        .await?;

        // One row: the last entry's number and hash. Every write transaction locks it first,
        // which orders writers (across replicas too) so that the chain never forks.
        manager
            .create_table(
                Table::create()
                    .table("audit_head")
                    .col(integer("id").primary_key())
                    .col(big_integer("seq"))
                    .col(string_len("hash", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("audit_head")
                    .columns(["id", "seq", "hash"])
                    .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_head", "audit_entries", "api_tokens"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_data_items_published_name")
                    .table("data_items")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("data_items")
                    .drop_column("published")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
