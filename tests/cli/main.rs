//! Integration tests: the real `sesm` binary, driven with assert_cmd in a temp state.

mod account;
mod compare;
mod completions;
mod config_sets;
mod console;
mod dashboard;
mod events;
mod first_use;
mod hardening;
mod harness;
mod identities;
mod ips;
mod json_contract;
mod outbox;
mod pools;
mod publishing;
mod sending;
mod sending_parity;
mod serve;
mod serve_hardening;
mod simulation;
mod smtp;
mod store;
mod tags;
mod templates;
