//! A synthetic national-scale catalogue, for benchmarks: organizations in a realistic
//! hierarchy (ministries, provinces and their departments, districts and their offices,
//! communes), databases, items, policies, services, shares and derivations with skewed fan-out
//! (a few master-data items shared with thousands of consumers, derived into many others),
//! and some cycles. Deterministic for a seed.
//!
//! Rows are written with explicit ids as multi-row INSERTs of literal values (no bound
//! parameters, so no per-value overhead and no parameter-count limit), one transaction per
//! table. The generator is trusted code writing generated text; strings are still quoted.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Instant;

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    TransactionTrait,
};

use crate::domain::text::fold;

/// Rows per INSERT statement.
const BATCH: usize = 1000;

/// SplitMix64: small, fast and the same on every platform, so a seed means the same graph.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub organizations: usize,
    pub databases: usize,
    pub items: usize,
    pub policies: usize,
    pub services: usize,
    pub shares: usize,
    pub derivations: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Ministry,
    Province,
    ProvinceDept,
    District,
    DistrictDept,
    Commune,
}

impl Level {
    fn db_level(self) -> &'static str {
        match self {
            Level::Ministry => "CENTRAL",
            Level::Province | Level::ProvinceDept => "PROVINCE",
            Level::District | Level::DistrictDept => "DISTRICT",
            Level::Commune => "COMMUNE",
        }
    }
    /// How many databases an organization of this level tends to keep, relatively.
    fn weight(self) -> u64 {
        match self {
            Level::Ministry => 60,
            Level::Province => 6,
            Level::ProvinceDept => 8,
            Level::District => 3,
            Level::DistrictDept => 2,
            Level::Commune => 1,
        }
    }
}

const TOPICS: [&str; 16] = [
    "dân cư",
    "đất đai",
    "hộ tịch",
    "hộ nghèo",
    "giáo dục",
    "y tế",
    "doanh nghiệp",
    "giao thông",
    "môi trường",
    "tài chính",
    "nông nghiệp",
    "lao động",
    "bảo hiểm xã hội",
    "văn hóa",
    "du lịch",
    "xây dựng",
];
const ITEM_KINDS: [&str; 6] = [
    "Thông tin",
    "Danh mục",
    "Thống kê",
    "Hồ sơ",
    "Báo cáo",
    "Bản đồ",
];

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Accumulates rows of one table and flushes them as multi-row INSERTs.
struct Inserter<'a, C: ConnectionTrait> {
    db: &'a C,
    head: String,
    rows: Vec<String>,
    written: usize,
}

impl<'a, C: ConnectionTrait> Inserter<'a, C> {
    fn new(db: &'a C, table: &str, columns: &[&str]) -> Self {
        Self {
            db,
            head: format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")),
            rows: Vec::with_capacity(BATCH),
            written: 0,
        }
    }
    async fn row(&mut self, values: String) -> Result<(), DbErr> {
        self.rows.push(values);
        if self.rows.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }
    /// Adds a row without flushing: for rows that reference rows of another inserter, which
    /// the caller flushes first.
    fn push(&mut self, values: String) {
        self.rows.push(values);
    }
    async fn flush(&mut self) -> Result<(), DbErr> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut sql = String::with_capacity(
            self.head.len() + self.rows.iter().map(|r| r.len() + 4).sum::<usize>(),
        );
        sql.push_str(&self.head);
        for (i, r) in self.rows.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(sql, "({r})");
        }
        self.db.execute_unprepared(&sql).await.map_err(|e| {
            DbErr::Custom(format!("{}...: {e}", &self.head[..self.head.len().min(40)]))
        })?;
        self.written += self.rows.len();
        self.rows.clear();
        Ok(())
    }
}

/// Writes a synthetic catalogue of about `items` data items into an empty database, step by
/// step: organizations, databases with their services, items with their policies and the
/// published flag the write path keeps in step, shares, derivations; then the planner's
/// statistics.
pub async fn generate(db: &DatabaseConnection, items: usize, seed: u64) -> Result<Counts, DbErr> {
    if entity::organization::Entity::find().count(db).await? > 0 {
        return Err(DbErr::Custom(
            "generate writes into an empty catalogue; this one has organizations".into(),
        ));
    }
    let started = Instant::now();
    let ts = q("2026-01-01T00:00:00+00:00");
    let mut run = Run {
        db,
        items,
        rng: Rng(seed),
        counts: Counts::default(),
        book: format!("1, {ts}, {ts}"),
        ts,
    };
    let orgs = run.organizations().await?;
    let db_owner = run.databases(&orgs).await?;
    let hot = (items / 1000).max(3);
    let state_mode = run.items(&db_owner, hot).await?;
    run.publish().await?;
    run.shares(&orgs, &db_owner, &state_mode, hot).await?;
    run.derivations(hot).await?;
    run.finish().await?;
    let counts = run.counts;
    tracing::info!(
        ?counts,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "synthetic catalogue generated"
    );
    Ok(counts)
}

/// The organizations written, by id - 1: their level, their parent and their province (0 for
/// national bodies).
struct Orgs {
    all: Vec<(Level, i64, i64)>,
    ministries: usize,
}

/// What the steps of [`generate`] share: the database, the random source, the counts so far,
/// and the version and timestamps every row gets (`book`).
struct Run<'a> {
    db: &'a DatabaseConnection,
    items: usize,
    rng: Rng,
    counts: Counts,
    book: String,
    /// The timestamp of every row (quoted SQL).
    ts: String,
}

impl Run<'_> {
    /// Ministries, provinces with ten departments, districts with eight offices and twelve
    /// communes: about `items / 50` in all.
    async fn organizations(&mut self) -> Result<Orgs, DbErr> {
        let (db, items, book) = (self.db, self.items, self.book.as_str());
        // Organizations.
        let org_budget = (items / 50).max(100);
        let ministries = (org_budget / 1000).clamp(5, 30);
        let provinces = (org_budget / 300).clamp(3, 63);
        let per_province =
            ((org_budget.saturating_sub(ministries + 11 * provinces)) / (21 * provinces)).max(1);
        let mut orgs: Vec<(Level, i64, i64)> = Vec::new(); // (level, parent, province; 0 for national bodies)
        let txn = db.begin().await?;
        {
            let mut ins = Inserter::new(
                &txn,
                "organizations",
                &[
                    "id",
                    "code",
                    "name",
                    "name_folded",
                    "level",
                    "consumer_type",
                    "parent_id",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let add = async |ins: &mut Inserter<'_, _>,
                             orgs: &mut Vec<(Level, i64, i64)>,
                             level: Level,
                             parent: i64,
                             province: i64,
                             name: String|
                   -> Result<i64, DbErr> {
                let id = orgs.len() as i64 + 1;
                orgs.push((level, parent, province));
                let parent_sql = if parent == 0 {
                    "NULL".to_owned()
                } else {
                    parent.to_string()
                };
                ins.row(format!(
                    "{id}, {}, {}, {}, {}, 'STATE_AGENCY', {parent_sql}, {book}",
                    q(&format!("SG.{id:06}")),
                    q(&name),
                    q(&fold(&name)),
                    q(level.db_level())
                ))
                .await?;
                Ok(id)
            };
            for m in 0..ministries {
                add(
                    &mut ins,
                    &mut orgs,
                    Level::Ministry,
                    0,
                    0,
                    format!("Bộ số {} ({})", m + 1, TOPICS[m % TOPICS.len()]),
                )
                .await?;
            }
            for p in 0..provinces {
                let next_id = orgs.len() as i64 + 1;
                let prov = add(
                    &mut ins,
                    &mut orgs,
                    Level::Province,
                    0,
                    next_id,
                    format!("Ủy ban nhân dân tỉnh số {}", p + 1),
                )
                .await?;
                for topic in &TOPICS[..10] {
                    add(
                        &mut ins,
                        &mut orgs,
                        Level::ProvinceDept,
                        prov,
                        prov,
                        format!("Sở {topic} tỉnh số {}", p + 1),
                    )
                    .await?;
                }
                for d in 0..per_province {
                    let dist = add(
                        &mut ins,
                        &mut orgs,
                        Level::District,
                        prov,
                        prov,
                        format!("Ủy ban nhân dân huyện {}-{}", p + 1, d + 1),
                    )
                    .await?;
                    for k in 0..8 {
                        add(
                            &mut ins,
                            &mut orgs,
                            Level::DistrictDept,
                            dist,
                            prov,
                            format!("Phòng {} huyện {}-{}", TOPICS[k + 8], p + 1, d + 1),
                        )
                        .await?;
                    }
                    for c in 0..12 {
                        add(
                            &mut ins,
                            &mut orgs,
                            Level::Commune,
                            dist,
                            prov,
                            format!("Ủy ban nhân dân xã {}-{}-{}", p + 1, d + 1, c + 1),
                        )
                        .await?;
                    }
                }
            }
            ins.flush().await?;
            self.counts.organizations = ins.written;
        }
        txn.commit().await?;
        Ok(Orgs {
            all: orgs,
            ministries,
        })
    }

    /// `items / 10` databases, weighted towards national bodies, with one published service
    /// each; the owner of each, by id - 1.
    async fn databases(&mut self, orgs: &Orgs) -> Result<Vec<i64>, DbErr> {
        let (db, items, book) = (self.db, self.items, self.book.as_str());
        let (ministries, orgs) = (orgs.ministries, &orgs.all);
        let n_dbs = (items / 10).max(1);
        let total_weight: u64 = orgs.iter().map(|o| o.0.weight()).sum();
        let mut cumulative = Vec::with_capacity(orgs.len());
        let mut acc = 0;
        for o in orgs {
            acc += o.0.weight();
            cumulative.push(acc);
        }
        let mut db_owner = Vec::with_capacity(n_dbs);
        let txn = db.begin().await?;
        {
            let mut dbs = Inserter::new(
                &txn,
                "databases",
                &[
                    "id",
                    "code",
                    "name",
                    "name_folded",
                    "kind",
                    "owner_id",
                    "update_frequency",
                    "status",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let mut svcs = Inserter::new(
                &txn,
                "data_services",
                &[
                    "id",
                    "code",
                    "name",
                    "name_folded",
                    "provider_id",
                    "method",
                    "platform",
                    "status",
                    "published_on",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            for i in 0..n_dbs {
                // The first databases go to ministries: the national databases everyone draws on.
                let owner = if i < ministries * 4 {
                    (i % ministries) as i64 + 1
                } else {
                    let r = self.rng.below(total_weight) + 1;
                    cumulative.partition_point(|c| *c < r) as i64 + 1
                };
                db_owner.push(owner);
                let level = orgs[owner as usize - 1].0;
                let kind = match (level, self.rng.chance(10)) {
                    (Level::Ministry, _) => "NATIONAL",
                    (_, true) => "INTERNAL",
                    _ => "LOCAL",
                };
                let id = i as i64 + 1;
                let name = format!("Cơ sở dữ liệu {} số {id}", TOPICS[i % TOPICS.len()]);
                dbs.row(format!(
                    "{id}, {}, {}, {}, '{kind}', {owner}, 'MONTHLY', 'OPERATING', {book}",
                    q(&format!("DB-{id}")),
                    q(&name),
                    q(&fold(&name))
                ))
                .await?;
                let sname = format!("Dịch vụ chia sẻ {}", name.to_lowercase());
                let platform = if level == Level::Ministry {
                    "NDXP"
                } else {
                    "LGSP"
                };
                svcs.row(format!("{id}, {}, {}, {}, {owner}, 'ONLINE_SERVICE', '{platform}', 'PUBLISHED', '2025-01-01', {book}", q(&format!("SV-{id}")), q(&sname), q(&fold(&sname)))).await?;
            }
            dbs.flush().await?;
            svcs.flush().await?;
            self.counts.databases = dbs.written;
            self.counts.services = svcs.written;
        }
        txn.commit().await?;
        Ok(db_owner)
    }

    /// Ten items per database, their policies, and the service-item links; the state
    /// agencies' mode of each item (0 `DEFAULT`, 1 `ON_REQUEST`, 2 `NOT_SHARED`), by id - 1.
    async fn items(&mut self, db_owner: &[i64], hot: usize) -> Result<Vec<u8>, DbErr> {
        let (db, items, book, ts) = (self.db, self.items, self.book.as_str(), self.ts.as_str());
        let n_dbs = db_owner.len();
        let mut state_mode: Vec<u8> = Vec::with_capacity(items); // 0 DEFAULT, 1 ON_REQUEST, 2 NOT_SHARED
        let txn = db.begin().await?;
        {
            let mut its = Inserter::new(
                &txn,
                "data_items",
                &[
                    "id",
                    "database_id",
                    "owner_id",
                    "code",
                    "name",
                    "name_folded",
                    "is_master_data",
                    "is_shared_code_list",
                    "is_personal_data",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let mut pols = Inserter::new(
                &txn,
                "sharing_policies",
                &[
                    "id",
                    "data_item_id",
                    "consumer_type",
                    "mode",
                    "legal_basis",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let mut links = Inserter::new(
                &txn,
                "data_service_items",
                &["service_id", "data_item_id", "created_at"],
            );
            let mut policy_id = 0i64;
            for i in 0..items {
                let id = i as i64 + 1;
                let database = (i / 10).min(n_dbs - 1) as i64 + 1;
                let owner = db_owner[database as usize - 1];
                // Hot items are the master data of the first (national) databases.
                let master = i < hot;
                let personal = !master && self.rng.chance(20);
                let mode = if master {
                    0
                } else {
                    match self.rng.below(10) {
                        0..=5 => 0,
                        6..=8 => 1,
                        _ => 2,
                    }
                };
                state_mode.push(mode);
                let name = format!(
                    "{} {} {id}",
                    ITEM_KINDS[i % ITEM_KINDS.len()],
                    TOPICS[(i / 7) % TOPICS.len()]
                );
                its.row(format!(
                    "{id}, {database}, {owner}, {}, {}, {}, {}, FALSE, {}, {book}",
                    q(&format!("IT-{id}")),
                    q(&name),
                    q(&fold(&name)),
                    if master { "TRUE" } else { "FALSE" },
                    if personal { "TRUE" } else { "FALSE" }
                ))
                .await?;
                policy_id += 1;
                let (m, basis) = match mode {
                    0 => ("DEFAULT", "NULL".to_owned()),
                    1 => ("ON_REQUEST", "NULL".to_owned()),
                    _ => ("NOT_SHARED", q("Khoản 2 Điều 10 Nghị định 47/2020/NĐ-CP")),
                };
                pols.push(format!(
                    "{policy_id}, {id}, 'STATE_AGENCY', '{m}', {basis}, {book}"
                ));
                if !personal && self.rng.chance(10) {
                    policy_id += 1;
                    pols.push(format!("{policy_id}, {id}, 'PUBLIC', 'OPEN', NULL, {book}"));
                }
                links.push(format!("{database}, {id}, {ts}"));
                if its.rows.is_empty() {
                    // The items just flushed: their policies and links may follow.
                    pols.flush().await?;
                    links.flush().await?;
                }
            }
            its.flush().await?;
            pols.flush().await?;
            links.flush().await?;
            self.counts.items = its.written;
            self.counts.policies = pols.written;
        }
        txn.commit().await?;
        Ok(state_mode)
    }

    /// About two shares per item. 40% go to the hot items, skewed (the first hot item reaches
    /// thousands of consumers), the rest to random shareable items.
    async fn shares(
        &mut self,
        orgs: &Orgs,
        db_owner: &[i64],
        state_mode: &[u8],
        hot: usize,
    ) -> Result<(), DbErr> {
        let (db, items, book) = (self.db, self.items, self.book.as_str());
        let (orgs, n_dbs) = (&orgs.all, db_owner.len());
        let n_orgs = orgs.len() as u64;
        let mut by_province: std::collections::HashMap<i64, Vec<i64>> =
            std::collections::HashMap::new();
        for (i, o) in orgs.iter().enumerate() {
            if o.2 != 0 {
                by_province.entry(o.2).or_default().push(i as i64 + 1);
            }
        }
        let share_budget = items * 2;
        let mut seen: HashSet<(i64, i64)> = HashSet::with_capacity(share_budget);
        let harmonic: f64 = (1..=hot).map(|h| 1.0 / h as f64).sum();
        let txn = db.begin().await?;
        {
            let mut shares = Inserter::new(
                &txn,
                "shares",
                &[
                    "id",
                    "data_item_id",
                    "provider_id",
                    "consumer_id",
                    "mode",
                    "service_id",
                    "valid_until",
                    "status",
                    "status_reason",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let mut share_id = 0i64;
            let emit = async |shares: &mut Inserter<'_, _>,
                              rng: &mut Rng,
                              share_id: &mut i64,
                              item: i64,
                              consumer: i64|
                   -> Result<(), DbErr> {
                let database = ((item - 1) / 10).min(n_dbs as i64 - 1) + 1;
                let provider = db_owner[database as usize - 1];
                *share_id += 1;
                let mode = if state_mode[item as usize - 1] == 0 {
                    "DEFAULT"
                } else {
                    "ON_REQUEST"
                };
                let (status, reason, until) = match rng.below(100) {
                    0..=2 => ("SUSPENDED", q("Tạm dừng để rà soát"), "NULL".to_owned()),
                    3..=4 => ("REVOKED", q("Hết nhu cầu sử dụng"), "NULL".to_owned()),
                    5..=6 => ("ACTIVE", "NULL".to_owned(), q("2024-12-31")),
                    _ => ("ACTIVE", "NULL".to_owned(), "NULL".to_owned()),
                };
                shares.row(format!("{share_id}, {item}, {provider}, {consumer}, '{mode}', {database}, {until}, '{status}', {reason}, {book}")).await
            };
            for h in 0..hot {
                let item = h as i64 + 1;
                let owner = db_owner[(h / 10).min(n_dbs - 1)];
                let want = ((share_budget as f64 * 0.4) / harmonic / (h as f64 + 1.0)) as u64;
                let want = want.min(n_orgs - 1);
                // A stride walk over all organizations gives distinct consumers.
                let start = self.rng.below(n_orgs);
                let mut k = 0;
                let mut taken = 0;
                while taken < want && k < n_orgs {
                    let consumer = ((start + k * 7919) % n_orgs) as i64 + 1;
                    k += 1;
                    if consumer == owner || !seen.insert((item, consumer)) {
                        continue;
                    }
                    emit(&mut shares, &mut self.rng, &mut share_id, item, consumer).await?;
                    taken += 1;
                }
            }
            while (share_id as usize) < share_budget {
                let item = self.rng.below(items as u64) as i64 + 1;
                if state_mode[item as usize - 1] == 2 {
                    continue;
                }
                let owner = db_owner[((item as usize - 1) / 10).min(n_dbs - 1)];
                // Mostly within the owner's province, as real sharing is.
                let province = orgs[owner as usize - 1].2;
                let consumer = match by_province.get(&province) {
                    Some(local) if self.rng.chance(70) => {
                        local[self.rng.below(local.len() as u64) as usize]
                    }
                    _ => self.rng.below(n_orgs) as i64 + 1,
                };
                if consumer == owner || !seen.insert((item, consumer)) {
                    continue;
                }
                emit(&mut shares, &mut self.rng, &mut share_id, item, consumer).await?;
            }
            shares.flush().await?;
            self.counts.shares = shares.written;
        }
        txn.commit().await?;
        drop(seen);
        Ok(())
    }

    /// About 0.83 derivations per item. A third come from hot items; the rest from an earlier
    /// item (so chains form), and one in a hundred points back (so cycles exist).
    async fn derivations(&mut self, hot: usize) -> Result<(), DbErr> {
        let (db, items, book) = (self.db, self.items, self.book.as_str());
        let derivation_budget = items * 83 / 100;
        let mut pairs: HashSet<(i64, i64)> = HashSet::with_capacity(derivation_budget);
        let txn = db.begin().await?;
        {
            let mut ders = Inserter::new(
                &txn,
                "derivations",
                &[
                    "id",
                    "source_item_id",
                    "derived_item_id",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            );
            let mut id = 0i64;
            while (id as usize) < derivation_budget {
                let derived = self.rng.below(items as u64) as i64 + 1;
                let source = match self.rng.below(100) {
                    0..=32 => self.rng.below(hot as u64) as i64 + 1,
                    33 => self.rng.below(items as u64) as i64 + 1,
                    _ if derived > 1 => {
                        derived - 1 - self.rng.below((derived - 1).min(5000) as u64) as i64
                    }
                    _ => continue,
                };
                if source == derived || !pairs.insert((source, derived)) {
                    continue;
                }
                id += 1;
                ders.row(format!("{id}, {source}, {derived}, {book}"))
                    .await?;
            }
            ders.flush().await?;
            self.counts.derivations = ders.written;
        }
        txn.commit().await?;
        Ok(())
    }

    /// What the write path keeps in step: an item is published when shared with someone. Done
    /// before the shares are written, so that the triggers that count shares per organization
    /// pair (migration 13) count them under the final flag and move none afterwards.
    async fn publish(&mut self) -> Result<(), DbErr> {
        self.db.execute_unprepared(
            "UPDATE data_items SET published = EXISTS (SELECT 1 FROM sharing_policies p WHERE p.data_item_id = data_items.id AND p.mode <> 'NOT_SHARED')",
        )
        .await?;
        Ok(())
    }

    /// The sequences past the ids written (PostgreSQL), and statistics for the planner.
    async fn finish(&mut self) -> Result<(), DbErr> {
        let db = self.db;
        if db.get_database_backend() == DatabaseBackend::Postgres {
            for table in [
                "organizations",
                "databases",
                "data_services",
                "data_items",
                "sharing_policies",
                "shares",
                "derivations",
            ] {
                db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await?;
            }
            // What autovacuum would do soon after a bulk load: statistics for the planner, and
            // the visibility map that lets index-only scans (search's ordered window) skip the
            // table.
            db.execute_unprepared("VACUUM ANALYZE").await?;
        } else {
            db.execute_unprepared("ANALYZE").await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let (mut a, mut b) = (Rng(42), Rng(42));
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, (0..5).map(|_| Rng(43).next()).collect::<Vec<_>>());
    }
}
