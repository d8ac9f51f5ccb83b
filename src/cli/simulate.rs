use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct SimulateArgs {}
pub fn run(_: SimulateArgs, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
