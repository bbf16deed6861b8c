//! `readout keys`: the gateway's API keys. `create` makes a key with the
//! scopes given and prints it once (only its SHA-256 is stored); `list` shows
//! the keys (never the keys themselves); `revoke` stops one (gateways stop
//! accepting it within ten seconds).

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use readout_auth::Scopes;

use readout::local_db;

/// Where the keys are kept.
#[derive(Args)]
pub struct KeysArgs {
    /// PostgreSQL URL of the store; without it, the private cluster in `--data-dir`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// Data directory of the private cluster (as for `readout up`).
    #[arg(long, env = "READOUT_DATA_DIR", default_value = ".data", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    action: KeysAction,
}

#[derive(Subcommand)]
enum KeysAction {
    /// Make a key and print it (shown this once).
    Create {
        /// A name for the key, unique (who or what uses it).
        #[arg(long)]
        name: String,
        /// Scopes it grants: read, ingest, curate (comma-separated).
        #[arg(long, required = true)]
        scopes: Scopes,
    },
    /// List the keys: name, scopes, created, revoked.
    List,
    /// Revoke the key named NAME.
    Revoke {
        /// The key's name.
        name: String,
    },
}

/// Runs a `readout keys` command.
pub fn run(args: KeysArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let database = local_db::prepare(args.database_url.clone(), &args.data_dir).await?;
        let pool = readout_store::connect(&database.url, 2, std::time::Duration::from_secs(30))
            .await?;
        readout_store::migrate(&pool).await?;
        match args.action {
            KeysAction::Create { name, scopes } => {
                let name = name.trim();
                if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                    bail!("--name must be 1 to 100 characters of text");
                }
                if scopes == Scopes::NONE {
                    bail!("--scopes must name at least one of read, ingest, curate");
                }
                let key = readout_auth::api_key::generate()?;
                readout_store::access::create_key(&pool, &key.id, name, &key.sha256, &scopes.names())
                    .await?;
                eprintln!("API key {name:?} with scopes {scopes} (shown once; send it as `authorization: Bearer <key>`):");
                println!("{}", key.token);
            }
            KeysAction::List => {
                println!("{:<24} {:<20} {:<25} revoked", "name", "scopes", "created");
                for key in readout_store::access::list_keys(&pool).await? {
                    println!(
                        "{:<24} {:<20} {:<25} {}",
                        key.name,
                        key.scopes.join(","),
                        key.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        key.revoked_at
                            .map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_else(|| "-".into())
                    );
                }
            }
            KeysAction::Revoke { name } => {
                if !readout_store::access::revoke_key(&pool, &name).await? {
                    bail!("no unrevoked key is named {name:?}");
                }
                eprintln!("revoked {name:?}");
            }
        }
        pool.close().await;
        Ok(())
    })
}
