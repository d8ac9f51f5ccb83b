use super::Ctx;
use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct DemoArgs {}
pub fn run(_: DemoArgs, _: &Ctx) -> Result<Output> {
    Err(Error::internal("todo"))
}
