//! The catalogue core: organizations, focal points, information systems, databases,
//! data items and sharing policies.
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
                        .table("organizations")
                        .col(big_pk_auto("id"))
                        .col(string_len("code", 35))
                        .col(text("name"))
                        .col(text("name_folded"))
                        .col(text_null("short_name"))
                        .col(string_len_null("level", 16))
                        .col(string_len("consumer_type", 16))
                        .col(big_integer_null("parent_id"))
                        .col(text_null("address"))
                        .col(text_null("email"))
                        .col(text_null("phone"))
                        .col(text_null("website"))
                        .col(text_null("description"))
                        .foreign_key(&mut fk(
                            "organizations",
                            "parent_id",
                            "organizations",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "organizations", &["code"], true).await?;
        index(
            manager,
            "organizations",
            &["parent_id", "name_folded"],
            false,
        )
        .await?;
        index(manager, "organizations", &["name_folded"], false).await?;
        index(manager, "organizations", &["level"], false).await?;
        index(manager, "organizations", &["consumer_type"], false).await?;
        index(manager, "organizations", &["created_at"], false).await?;
        index(manager, "organizations", &["updated_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("focal_points")
                        .col(big_pk_auto("id"))
                        .col(big_integer("organization_id"))
                        .col(string_len("scope", 16))
                        .col(text("full_name"))
                        .col(text("full_name_folded"))
                        .col(text_null("position"))
                        .col(text_null("duties"))
                        .col(text_null("phone"))
                        .col(text_null("email"))
                        .col(date_null("term_start"))
                        .col(date_null("term_end"))
                        .foreign_key(&mut fk(
                            "focal_points",
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
            "focal_points",
            &["organization_id", "full_name_folded"],
            false,
        )
        .await?;
        index(manager, "focal_points", &["full_name_folded"], false).await?;
        index(manager, "focal_points", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("information_systems")
                        .col(big_pk_auto("id"))
                        .col(string_len("code", 64))
                        .col(text("name"))
                        .col(text("name_folded"))
                        .col(big_integer("owner_id"))
                        .col(text_null("description"))
                        .col(text_null("operator"))
                        .col(text_null("hosting"))
                        .col(string_len("readiness", 16))
                        .col(date_null("readiness_reviewed_on"))
                        .col(text_null("readiness_notes"))
                        .foreign_key(&mut fk(
                            "information_systems",
                            "owner_id",
                            "organizations",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "information_systems", &["code"], true).await?;
        index(
            manager,
            "information_systems",
            &["owner_id", "name_folded"],
            false,
        )
        .await?;
        index(manager, "information_systems", &["name_folded"], false).await?;
        index(manager, "information_systems", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("databases")
                        .col(big_pk_auto("id"))
                        .col(string_len("code", 64))
                        .col(text("name"))
                        .col(text("name_folded"))
                        .col(string_len("kind", 16))
                        .col(big_integer("owner_id"))
                        .col(big_integer_null("system_id"))
                        .col(text_null("purpose"))
                        .col(text_null("scope"))
                        .col(text_null("content"))
                        .col(text_null("collection_method"))
                        .col(string_len("update_frequency", 16))
                        .col(text_null("data_sources"))
                        .col(text_null("legal_basis"))
                        .col(text_null("usage_rules"))
                        .col(string_len("status", 16))
                        .foreign_key(&mut fk("databases", "owner_id", "organizations", Restrict))
                        .foreign_key(&mut fk(
                            "databases",
                            "system_id",
                            "information_systems",
                            Restrict,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "databases", &["code"], true).await?;
        index(manager, "databases", &["owner_id", "name_folded"], false).await?;
        index(manager, "databases", &["system_id", "name_folded"], false).await?;
        index(manager, "databases", &["name_folded"], false).await?;
        index(manager, "databases", &["kind"], false).await?;
        index(manager, "databases", &["status"], false).await?;
        index(manager, "databases", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("data_items")
                        .col(big_pk_auto("id"))
                        .col(big_integer("database_id"))
                        .col(string_len("code", 64))
                        .col(text("name"))
                        .col(text("name_folded"))
                        .col(text_null("description"))
                        .col(boolean("is_master_data"))
                        .col(boolean("is_shared_code_list"))
                        .col(boolean("is_personal_data"))
                        .foreign_key(&mut fk("data_items", "database_id", "databases", Restrict)),
                )
                .to_owned(),
            )
            .await?;
        index(manager, "data_items", &["database_id", "code"], true).await?;
        index(
            manager,
            "data_items",
            &["database_id", "name_folded"],
            false,
        )
        .await?;
        index(manager, "data_items", &["name_folded"], false).await?;
        index(manager, "data_items", &["code"], false).await?;
        index(manager, "data_items", &["created_at"], false).await?;

        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("sharing_policies")
                        .col(big_pk_auto("id"))
                        .col(big_integer("data_item_id"))
                        .col(string_len("consumer_type", 16))
                        .col(string_len("mode", 16))
                        .col(text_null("conditions"))
                        .col(text_null("legal_basis"))
                        // A policy is part of its item: it goes when the item goes.
                        .foreign_key(&mut fk(
                            "sharing_policies",
                            "data_item_id",
                            "data_items",
                            Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "sharing_policies",
            &["data_item_id", "consumer_type"],
            true,
        )
        .await?;
        index(manager, "sharing_policies", &["consumer_type"], false).await?;
        index(manager, "sharing_policies", &["mode"], false).await?;
        index(manager, "sharing_policies", &["created_at"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "sharing_policies",
            "data_items",
            "databases",
            "information_systems",
            "focal_points",
            "organizations",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
