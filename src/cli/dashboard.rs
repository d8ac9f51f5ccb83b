use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct DashboardArgs {}
pub fn run(_: DashboardArgs, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
