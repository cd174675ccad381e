//! Shares sorted by the names of their provider, consumer and item: each share keeps a copy of
//! those three folded names, so that lists of shares page by them with the same keyset
//! mechanism as every other list (a sort key must be a column of the listed table). Triggers
//! keep the copies in step on both databases, whichever path writes: the API, imports, the
//! demo loader or the generator.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["provider_name", "consumer_name", "item_name"];

const BACKFILL: &str = "UPDATE shares SET \
    provider_name = (SELECT o.name_folded FROM organizations o WHERE o.id = shares.provider_id), \
    consumer_name = (SELECT o.name_folded FROM organizations o WHERE o.id = shares.consumer_id), \
    item_name = (SELECT i.name_folded FROM data_items i WHERE i.id = shares.data_item_id)";

fn sqlite_up() -> Vec<String> {
    vec![
        format!(
            "CREATE TRIGGER shares_sort_names_insert AFTER INSERT ON shares BEGIN {} WHERE id = NEW.id; END",
            BACKFILL
        ),
        format!(
            "CREATE TRIGGER shares_sort_names_update AFTER UPDATE OF provider_id, consumer_id, data_item_id ON shares BEGIN {} WHERE id = NEW.id; END",
            BACKFILL
        ),
        "CREATE TRIGGER organizations_sort_names AFTER UPDATE OF name_folded ON organizations BEGIN \
         UPDATE shares SET provider_name = NEW.name_folded WHERE provider_id = NEW.id; \
         UPDATE shares SET consumer_name = NEW.name_folded WHERE consumer_id = NEW.id; END"
            .to_owned(),
        "CREATE TRIGGER data_items_sort_names AFTER UPDATE OF name_folded ON data_items BEGIN \
         UPDATE shares SET item_name = NEW.name_folded WHERE data_item_id = NEW.id; END"
            .to_owned(),
    ]
}

fn sqlite_down() -> Vec<String> {
    [
        "shares_sort_names_insert",
        "shares_sort_names_update",
        "organizations_sort_names",
        "data_items_sort_names",
    ]
    .iter()
    .map(|t| format!("DROP TRIGGER IF EXISTS {t}"))
    .collect()
}

fn postgres_up() -> Vec<String> {
    // `SET search_path FROM CURRENT`: the functions find the tables in the schema they were
    // made in, whichever search path the writing session has.
    let function = |name: &str, body: &str, returns: &str| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql \
             SET search_path FROM CURRENT AS $$ BEGIN {body} RETURN {returns}; END $$"
        )
    };
    vec![
        // Before each row is written: set its copies from the rows it names.
        function(
            "shares_sort_names",
            "NEW.provider_name := (SELECT o.name_folded FROM organizations o WHERE o.id = NEW.provider_id); \
             NEW.consumer_name := (SELECT o.name_folded FROM organizations o WHERE o.id = NEW.consumer_id); \
             NEW.item_name := (SELECT i.name_folded FROM data_items i WHERE i.id = NEW.data_item_id);",
            "NEW",
        ),
        "CREATE TRIGGER shares_sort_names BEFORE INSERT OR UPDATE OF provider_id, consumer_id, data_item_id \
         ON shares FOR EACH ROW EXECUTE FUNCTION shares_sort_names()"
            .to_owned(),
        function(
            "organizations_sort_names",
            "UPDATE shares SET provider_name = NEW.name_folded WHERE provider_id = NEW.id; \
             UPDATE shares SET consumer_name = NEW.name_folded WHERE consumer_id = NEW.id;",
            "NULL",
        ),
        "CREATE TRIGGER organizations_sort_names AFTER UPDATE OF name_folded ON organizations \
         FOR EACH ROW WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded) \
         EXECUTE FUNCTION organizations_sort_names()"
            .to_owned(),
        function(
            "data_items_sort_names",
            "UPDATE shares SET item_name = NEW.name_folded WHERE data_item_id = NEW.id;",
            "NULL",
        ),
        "CREATE TRIGGER data_items_sort_names AFTER UPDATE OF name_folded ON data_items \
         FOR EACH ROW WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded) \
         EXECUTE FUNCTION data_items_sort_names()"
            .to_owned(),
    ]
}

fn postgres_down() -> Vec<String> {
    vec![
        "DROP TRIGGER IF EXISTS shares_sort_names ON shares".to_owned(),
        "DROP TRIGGER IF EXISTS organizations_sort_names ON organizations".to_owned(),
        "DROP TRIGGER IF EXISTS data_items_sort_names ON data_items".to_owned(),
        "DROP FUNCTION IF EXISTS shares_sort_names()".to_owned(),
        "DROP FUNCTION IF EXISTS organizations_sort_names()".to_owned(),
        "DROP FUNCTION IF EXISTS data_items_sort_names()".to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("shares")
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(BACKFILL).await?;
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        for column in COLUMNS {
            index(manager, "shares", &[column, "id"], false).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres_down(),
            _ => sqlite_down(),
        };
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        for column in COLUMNS {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS ix_shares_{column}_id"))
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table("shares")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
