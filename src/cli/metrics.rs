use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct MetricsArgs {}
pub fn run(_: MetricsArgs, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
