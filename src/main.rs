use std::process::ExitCode;

use clap::Parser;
use sharegraph::config::{Cli, Command};
use sharegraph::{app, domain, generate, graphql, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.config.log, cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "sharegraph failed");
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
        }
        Command::Generate { items, seed } => {
            let db = app::open_database(&config).await?;
            let started = std::time::Instant::now();
            let counts = generate::generate(&db, items, seed).await?;
            println!("{counts:?} in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::Migrate => {
            app::open_database(&config).await?;
            tracing::info!("migrations applied");
        }
        Command::Serve { demo } => {
            let db = app::open_database(&config).await?;
            if demo {
                let loaded = domain::demo::load(&db).await?;
                tracing::info!(loaded, "demo catalogue of Nam Đông district");
            }
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, "listening");
            println!("sharegraph is serving GraphiQL at http://{addr}/graphql");
            let router = app::router(db, config.limits.clone());
            app::serve(listener, router, app::shutdown_signal()).await?;
        }
    }
    Ok(())
}
