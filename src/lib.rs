//! sesm: an emulated Amazon SES account with dedicated IPs, and a day-by-day simulation of
//! how managed and standard dedicated IPs warm up per mailbox provider.
//!
//! `main.rs` only parses the command line and exits with what `cli::run` returns.

pub mod cli;
pub mod error;
pub mod fixtures;
pub mod lazy;
pub mod model;
pub mod output;
pub mod sim;
pub mod store;
