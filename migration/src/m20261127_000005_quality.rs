//! Data quality assessments (Decree 47/2020 Art. 9 and the quality rules of its annex).
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
        use ForeignKeyAction::Cascade;
        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table("quality_assessments")
                        .col(big_pk_auto("id"))
                        .col(big_integer_null("data_item_id"))
                        .col(big_integer_null("database_id"))
                        .col(big_integer("organization_id"))
                        .col(date("assessed_on"))
                        .col(text("assessor"))
                        .col(small_integer("completeness"))
                        .col(small_integer("accuracy"))
                        .col(small_integer("consistency"))
                        .col(small_integer("timeliness"))
                        .col(small_integer("validity"))
                        .col(small_integer("uniqueness"))
                        .col(small_integer("overall"))
                        .col(boolean("organised_for_sharing"))
                        .col(boolean("uses_shared_code_lists"))
                        .col(boolean("consistent_with_master_data"))
                        .col(text_null("findings"))
                        .col(text_null("remediation_plan"))
                        .col(date_null("next_due"))
                        .foreign_key(&mut fk(
                            "quality_assessments",
                            "data_item_id",
                            "data_items",
                            Cascade,
                        ))
                        .foreign_key(&mut fk(
                            "quality_assessments",
                            "database_id",
                            "databases",
                            Cascade,
                        )),
                )
                .to_owned(),
            )
            .await?;
        index(
            manager,
            "quality_assessments",
            &["data_item_id", "assessed_on"],
            false,
        )
        .await?;
        index(
            manager,
            "quality_assessments",
            &["database_id", "assessed_on"],
            false,
        )
        .await?;
        index(
            manager,
            "quality_assessments",
            &["organization_id", "assessed_on"],
            false,
        )
        .await?;
        index(manager, "quality_assessments", &["created_at"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("quality_assessments").to_owned())
            .await
    }
}
