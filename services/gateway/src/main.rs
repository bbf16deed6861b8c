//! `readout-gateway`: the gateway binary.

use clap::Parser;
use readout_gateway::GatewayConfig;

#[derive(Parser)]
#[command(
    name = "readout-gateway",
    version,
    about = "Readout gateway: the public API"
)]
struct Args {
    #[command(flatten)]
    config: GatewayConfig,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Args::parse().config;
    let telemetry = readout_server::telemetry::init(config.common.telemetry("readout-gateway"))?;
    let keys = match &config.database_url {
        Some(url) => {
            Some(readout_store::connect(url.expose(), 4, std::time::Duration::from_secs(60)).await?)
        }
        None => None,
    };
    let listener = readout_server::bind(&config.listen).await?;
    let served =
        readout_gateway::serve(&config, keys, listener, readout_server::shutdown_signal()).await;
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
    served?;
    Ok(())
}
