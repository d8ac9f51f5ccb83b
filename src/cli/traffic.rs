use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Subcommand;
#[derive(Debug, Subcommand)]
pub enum TrafficCommand {
    List,
}
pub fn run(_: TrafficCommand, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
