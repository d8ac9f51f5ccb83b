use crate::error::{Error, Result};
use crate::output::Output;
use clap::Args;
#[derive(Debug, Args)]
pub struct CompletionsArgs {}
pub fn run(_: CompletionsArgs) -> Result<Output> {
    Err(Error::internal("todo"))
}
