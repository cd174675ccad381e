use std::process::ExitCode;

use clap::Parser;
use sharegraph::access::{Role, token};
use sharegraph::config::{AuditCommand, Cli, Command, Config, RoleArg, Serve, TokenCommand};
use sharegraph::seed::generate;
use sharegraph::{app, domain, graphql, seed, telemetry};

// jemalloc rather than glibc's allocator: it gives back the memory of bursts (large bodies,
// floods) instead of keeping it in per-thread arenas (see docs/performance.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let (config, command) = Cli::parse().into_parts();
    // The server logs at SHAREGRAPH_LOG; a one-off command (import, token, ...) says only what
    // went wrong, unless asked for more with --verbose.
    let serving = matches!(command, Command::Serve(_));
    let filter = if serving || config.verbose {
        config.log.as_str()
    } else {
        "warn"
    };
    telemetry::init(filter, config.log_format);
    let lang = config.limits.lang;
    match run(config, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: the server's in its log format, a command's as plain text.
            if serving {
                tracing::error!(error = %err, "sharegraph failed");
            } else if let Some(err) = err.downcast_ref::<sharegraph::error::Error>() {
                // A rule of the catalogue, in the operator's language (SHAREGRAPH_LANG).
                eprintln!("error: {}", err.text().render(lang));
            } else {
                eprintln!("error: {err}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
        }
        Command::Generate { items, seed } => {
            let db = app::open_database(&config).await?;
            let started = std::time::Instant::now();
            let counts = generate::generate(&db, items, seed).await?;
            println!("{counts:?} in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::Token(cmd) => {
            let db = app::open_database(&config).await?;
            match cmd {
                TokenCommand::Create {
                    org,
                    role,
                    name,
                    subtree,
                } => {
                    let role = match role {
                        RoleArg::Admin => Role::Admin,
                        RoleArg::Steward => Role::Steward,
                        RoleArg::Viewer => Role::Viewer,
                    };
                    let issued = token::create(&db, &name, role, org.as_deref(), subtree).await?;
                    eprintln!(
                        "token {} created for {:?}; it is shown only now, keep it safe:",
                        issued.row.id, issued.row.name
                    );
                    println!("{}", issued.token);
                }
                TokenCommand::List => {
                    let tokens = token::list(&db).await?;
                    let codes = token::organization_codes(&db, &tokens).await?;
                    println!("id\trole\torganization\tscope\tcreated\trevoked\tname");
                    for t in tokens {
                        let (org, scope) = match t.organization_id {
                            Some(o) => (
                                codes.get(&o).cloned().unwrap_or_else(|| o.to_string()),
                                if t.subtree { "subtree" } else { "organization" },
                            ),
                            None => ("-".to_owned(), "-"),
                        };
                        println!(
                            "{}\t{:?}\t{org}\t{scope}\t{}\t{}\t{}",
                            t.id,
                            t.role,
                            t.created_at.format("%Y-%m-%d %H:%M"),
                            t.revoked_at
                                .map(|r| r.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or("-".into()),
                            t.name
                        );
                    }
                }
                TokenCommand::Revoke { id } => {
                    let t = token::revoke(&db, id).await?;
                    println!("token {} ({}) revoked", t.id, t.name);
                }
            }
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = app::open_database(&config).await?;
            let verdict = domain::audit::verify(&db).await?;
            match verdict.broken {
                None => println!("audit log intact: {} entries", verdict.entries),
                Some((seq, why)) => {
                    println!(
                        "audit log BROKEN at entry {seq}: {why} ({} entries before it are intact)",
                        verdict.entries
                    );
                    return Err("the audit log has been tampered with".into());
                }
            }
        }
        Command::Backup { file } => {
            // Said before connecting: a PostgreSQL URL gets the way to back it up, whether or
            // not its server is up.
            if sharegraph::store::backup::sqlite_file(&config.database_url).is_none() {
                return Err(sharegraph::store::backup::NOT_SQLITE.into());
            }
            let db = sharegraph::store::connect::connect(&sharegraph::store::connect::DbSettings {
                url: config.database_url.clone(),
                max_connections: 1,
                schema: None,
                statement_timeout: None,
            })
            .await?;
            sharegraph::store::backup::sqlite(&db, &file).await?;
            println!("backed up to {}", file.display());
        }
        Command::Import { file, dry_run } => {
            use domain::inventory;
            use domain::sheet;
            let format = sheet::format_of(&file).ok_or("the file must end in .csv or .xlsx")?;
            let bytes = std::fs::read(&file)?;
            let db = app::open_database(&config).await?;
            let started = std::time::Instant::now();
            let limits = sheet::Limits::rows(config.limits.import_max_rows)
                .header(inventory::names_a_column);
            let result = async {
                let table = sheet::read(&bytes, format, limits)?;
                inventory::import(&db, &sharegraph::access::Caller::system(), &table, dry_run).await
            }
            .await;
            match result {
                Ok(done) if done.dry_run => {
                    use inventory::{Action, Entity};
                    for c in done
                        .changes
                        .iter()
                        .filter(|c| c.action != Action::Unchanged)
                    {
                        let what = match c.entity {
                            Entity::Database => "database",
                            Entity::Item => "item",
                        };
                        match c.action {
                            Action::Created => {
                                println!("line {}: {what} {} would be created", c.line, c.code)
                            }
                            _ => println!(
                                "line {}: {what} {} would be updated ({})",
                                c.line,
                                c.code,
                                c.columns.join(", ")
                            ),
                        }
                    }
                    println!(
                        "dry run of {} rows, nothing written: {} databases would be created, {} updated; {} items created, {} updated, {} unchanged",
                        done.rows,
                        done.databases_created,
                        done.databases_updated,
                        done.items_created,
                        done.items_updated,
                        done.items_unchanged
                    )
                }
                Ok(done) => println!(
                    "imported {} rows in {:.1} s: {} databases created, {} updated; {} items created, {} updated, {} unchanged",
                    done.rows,
                    started.elapsed().as_secs_f64(),
                    done.databases_created,
                    done.databases_updated,
                    done.items_created,
                    done.items_updated,
                    done.items_unchanged
                ),
                Err(sharegraph::error::Error::InvalidRows(rows)) => {
                    for row in rows.listed() {
                        println!("{}: {}", file.display(), row.render(config.limits.lang));
                    }
                    let unlisted = rows.total() - rows.listed().len();
                    if unlisted > 0 {
                        println!("{}: … +{unlisted}", file.display());
                    }
                    return Err(sharegraph::error::Error::InvalidRows(rows).into());
                }
                Err(other) => return Err(other.into()),
            }
        }
        Command::Export { file, org, lang } => {
            use domain::inventory;
            use domain::sheet;
            let format = sheet::format_of(&file).ok_or("the file must end in .csv or .xlsx")?;
            let db = app::open_database(&config).await?;
            let organization = match org {
                Some(code) => Some(
                    domain::organization::by_code(&db, &code)
                        .await?
                        .ok_or_else(|| format!("no organization has the code {code}"))?
                        .id,
                ),
                None => None,
            };
            let (rows, bytes) = inventory::export_file(
                &db,
                &sharegraph::access::Caller::system(),
                organization,
                None,
                format,
                lang,
            )
            .await?;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&file)
                .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            println!("exported {rows} rows to {}", file.display());
        }
        Command::Migrate => {
            app::open_database(&config).await?;
            println!("migrations applied");
        }
        Command::Serve(Serve { demo, .. }) => {
            let db = app::open_database_for_serving(&config).await?;
            if demo {
                let loaded = seed::demo::load(&db).await?;
                tracing::info!(loaded, "demo catalogue of Nam Đông district");
            }
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, "listening");
            println!(
                "sharegraph is serving http://{addr}/ (explorer: /explore), GraphiQL at http://{addr}/graphql"
            );
            let grace = std::time::Duration::from_secs(config.limits.shutdown_grace_secs);
            let server = app::build(db.clone(), config.limits.clone());
            let connections = sharegraph::http::server::ConnectionLimits {
                header_read_timeout: std::time::Duration::from_secs(
                    config.limits.header_read_timeout_secs,
                ),
                max_connections: config.limits.max_connections,
            };
            app::serve(listener, server, connections, app::shutdown_signal(), grace).await?;
            db.close().await?;
            tracing::info!("stopped");
        }
    }
    Ok(())
}
