use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct CostArgs {}
pub fn run(_: CostArgs, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
