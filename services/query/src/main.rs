//! `readout-query`: the query service binary.

use anyhow::Context;
use clap::Parser;
use readout_query::QueryConfig;

#[derive(Parser)]
#[command(name = "readout-query", version, about = "Readout query service")]
struct Args {
    #[command(flatten)]
    config: QueryConfig,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Args::parse().config;
    let telemetry = readout_server::telemetry::init(config.common.telemetry("readout-query"))?;
    let url = config
        .database_url
        .clone()
        .context("DATABASE_URL (or --database-url) is required")?;
    let pool = readout_store::connect(url.expose(), 20, std::time::Duration::from_secs(60))
        .await
        .context("connecting to the database")?;
    let listener = readout_server::bind(&config.listen).await?;
    let served =
        readout_query::serve(&config, pool, listener, readout_server::shutdown_signal()).await;
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
    served?;
    Ok(())
}
