//! sesm: an emulated Amazon SES account with dedicated IPs, and a day-by-day simulation of
//! how managed and standard dedicated IPs warm up per mailbox provider.
//!
//! Layers: `model/` (the account and SES's rules) and `sim/` (the warm-up model) are pure;
//! `ops/` runs one operation per SES (or sesm) operation over them; `store/` alone touches
//! the state file; `output/` alone renders for people; `cli/` is the command line and
//! `server/` the HTTP endpoint over the same operations. `main.rs` only parses the command
//! line and exits with what `cli::run` returns. `tests/architecture.rs` checks these edges.

pub mod cli;
pub mod env;
pub mod error;
pub mod fixtures;
pub mod lazy;
pub mod model;
pub mod ops;
pub mod output;
pub mod server;
pub mod sim;
pub mod store;
