use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Subcommand;
#[derive(Debug, Subcommand)]
pub enum IspCommand {
    List,
}
pub fn run(_: IspCommand, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
