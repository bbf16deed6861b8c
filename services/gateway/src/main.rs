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
    let listener = readout_server::bind(&config.listen).await?;
    let served = readout_gateway::serve(&config, listener, readout_server::shutdown_signal()).await;
    tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
    served?;
    Ok(())
}
