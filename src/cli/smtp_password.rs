//! `sesm smtp-password`: the SES SMTP password of an AWS secret access key (`ops::smtp`).

use clap::Args;

use super::Ctx;
use crate::error::Result;
use crate::ops::smtp;
use crate::output::{Output, Rendered};

#[derive(Debug, Args)]
#[command(
    after_help = "The user name is the access key ID. The password depends on the region (--region).\n\nExamples:\n  sesm smtp-password --secret-key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n  sesm smtp-password --secret-key \"$AWS_SECRET_ACCESS_KEY\" --region eu-west-1 -o json"
)]
pub struct SmtpPasswordArgs {
    /// The AWS secret access key
    #[arg(long, value_name = "KEY")]
    pub secret_key: String,
}

pub fn run(a: SmtpPasswordArgs, ctx: &Ctx) -> Result<Rendered> {
    let out = smtp::password(&a.secret_key, ctx.region()?)?;
    ctx.render(Output::new(out))
}
