use anyhow::Result;
#[derive(clap::Args)]
pub struct UpArgs {}
pub fn run(_a: UpArgs) -> Result<()> {
    Ok(())
}
