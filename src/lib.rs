//! vouch: a compliance and security policy scanner.
//!
//! Data flow: [`collect`] reads sources → [`normalize`] folds them into the [`model`] →
//! [`engine`] evaluates Rego policies over resources → [`report`] renders outcomes.
//! The library never prints; the binary (`src/main.rs`, [`cli`]) owns the terminal.

pub mod collect;
pub mod embedded;
pub mod model;
pub mod normalize;
