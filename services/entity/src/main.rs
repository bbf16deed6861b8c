//! `readout-entity`: the entity service binary.

use anyhow::Context;
use clap::Parser;
use readout_entity::EntityConfig;

#[derive(Parser)]
#[command(name = "readout-entity", version, about = "Readout entity service")]
struct Args {
    #[command(flatten)]
    config: EntityConfig,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Args::parse().config;
    let telemetry = readout_server::telemetry::init(config.common.telemetry("readout-entity"))?;
    let url = config
        .database_url
        .clone()
        .context("DATABASE_URL (or --database-url) is required")?;
    let pool = readout_store::connect(url.expose(), 10, std::time::Duration::from_secs(60))
        .await
        .context("connecting to the database")?;
    let listener = readout_server::bind(&config.listen).await?;
    let served =
        readout_entity::serve(&config, pool, listener, readout_server::shutdown_signal()).await;
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
    served?;
    Ok(())
}
