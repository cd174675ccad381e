//! Spreadsheet inventory benchmark: a generated inventory of `--rows` data items (default
//! 100,000: 1,000 databases of 100 items, every mode column filled, spread over the demo's
//! organizations) imported into a fresh database, then imported again unchanged, then with
//! one row in ten edited, then exported; CSV and XLSX. Prints the time of each step.
//!
//! ```sh
//! cargo bench --bench import [-- --rows 100000 --db postgres]
//! ```

mod common;

use std::time::Instant;

use common::{arg, fresh_database, num_arg};
use sharegraph::access::Caller;
use sharegraph::config::Config;
use sharegraph::domain::inventory::{self, Format, sheet};

const ORGANIZATIONS: [&str; 4] = [
    "000.02.39.H57",
    "000.03.39.H57",
    "000.04.39.H57",
    "000.05.39.H57",
];

fn inventory_rows(rows: usize, edited: bool) -> Vec<Vec<String>> {
    let columns = inventory::columns();
    let col = |name: &str| columns.iter().position(|c| c == name).unwrap();
    (0..rows)
        .map(|n| {
            let (database, item) = (n / 100, n % 100);
            let mut row = vec![String::new(); columns.len()];
            row[col("organization_code")] = ORGANIZATIONS[database % ORGANIZATIONS.len()].into();
            row[col("database_code")] = format!("KK-{database:05}");
            row[col("database_name")] =
                format!("Cơ sở dữ liệu kiểm kê số {database} huyện Nam Đông");
            row[col("database_kind")] = "LOCAL".into();
            row[col("update_frequency")] = "MONTHLY".into();
            row[col("purpose")] =
                "Phục vụ quản lý nhà nước về đất đai, dân cư và an sinh xã hội".into();
            row[col("item_code")] = format!("HM-{item:03}");
            row[col("item_name")] = if edited && n % 10 == 0 {
                format!("Hạng mục dữ liệu {item} (đã rà soát)")
            } else {
                format!("Hạng mục dữ liệu {item}")
            };
            row[col("item_description")] = "Thông tin về thửa đất, chủ sử dụng và biến động".into();
            row[col("mode_state_agency")] = "DEFAULT".into();
            row[col("mode_enterprise")] = "ON_REQUEST".into();
            row[col("mode_organization")] = "ON_REQUEST".into();
            row[col("mode_individual")] = "ON_REQUEST".into();
            row[col("mode_public")] = if item % 3 == 0 { "OPEN" } else { "NOT_SHARED" }.into();
            if item % 3 != 0 {
                row[col("legal_basis_public")] = "Điều 9 Nghị định 47/2020/NĐ-CP".into();
            }
            row
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let rows: usize = num_arg("--rows", 100_000);
    let postgres = arg("--db").as_deref() == Some("postgres");
    let columns = inventory::columns();
    let header: Vec<&str> = columns.iter().map(String::as_str).collect();
    let system = Caller::system();
    println!(
        "inventory of {rows} rows on {}",
        if postgres { "PostgreSQL" } else { "SQLite" }
    );
    for format in [Format::Csv, Format::Xlsx] {
        let url = fresh_database(&format!("import_{format:?}").to_lowercase(), postgres).await;
        let db = sharegraph::app::open_database(&Config::with_database(url))
            .await
            .expect("database");
        sharegraph::seed::demo::load(&db).await.expect("demo");
        let write = |rows: &[Vec<String>]| match format {
            Format::Csv => sheet::write_csv(&header, rows),
            Format::Xlsx => inventory::workbook(&columns, rows, inventory::Lang::En).expect("xlsx"),
        };
        let original = write(&inventory_rows(rows, false));
        let edited = write(&inventory_rows(rows, true));
        println!(
            "  {format:?}: file of {:.1} MB",
            original.len() as f64 / 1e6
        );
        for (step, bytes) in [
            ("new catalogue", &original),
            ("unchanged", &original),
            ("1 row in 10 edited", &edited),
        ] {
            let started = Instant::now();
            let table =
                sheet::read(bytes, format, sheet::Limits::rows(usize::MAX)).expect("readable");
            let read = started.elapsed();
            let done = inventory::import(&db, &system, &table, false)
                .await
                .expect("import");
            println!(
                "    import, {step}: {:.2} s (reading {:.2} s): {} items created, {} updated, {} unchanged",
                started.elapsed().as_secs_f64(),
                read.as_secs_f64(),
                done.items_created,
                done.items_updated,
                done.items_unchanged
            );
        }
        let started = Instant::now();
        let exported = inventory::export(&db, &system, None, None)
            .await
            .expect("export");
        let bytes = write(&exported);
        println!(
            "    export: {} rows, {:.1} MB in {:.2} s",
            exported.len(),
            bytes.len() as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        db.close().await.ok();
    }
}
