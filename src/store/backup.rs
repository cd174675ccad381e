//! Online backups of a SQLite database (`VACUUM INTO`: a consistent copy taken while the server
//! runs), and the copy taken before migrations change a SQLite file. PostgreSQL is backed up
//! with its own tools (`pg_dump`).

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr};

/// The file a `sqlite://FILE?...` URL names (`None` for PostgreSQL and in-memory SQLite).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Why `sharegraph backup` refuses a database that is not a SQLite file.
pub const NOT_SQLITE: &str =
    "`sharegraph backup` copies SQLite databases; back up PostgreSQL with pg_dump";

/// Writes a consistent copy of the open SQLite database to `dest`, which must not exist.
pub async fn sqlite(db: &DatabaseConnection, dest: &Path) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Err(DbErr::Custom(NOT_SQLITE.into()));
    }
    if dest.exists() {
        return Err(DbErr::Custom(format!(
            "{} exists already; name a new file",
            dest.display()
        )));
    }
    let dest = dest
        .to_str()
        .ok_or_else(|| DbErr::Custom("the backup file's path must be valid UTF-8".into()))?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", dest.replace('\'', "''")))
        .await?;
    Ok(())
}
