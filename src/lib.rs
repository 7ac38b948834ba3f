//! vouch: a compliance and security policy scanner.
//!
//! Data flow: [`collect`] reads sources → [`normalize`] folds them into the [`model`] →
//! [`engine`] evaluates Rego policies over resources → [`report`] renders outcomes;
//! [`scan`] ties the steps together and [`cli`] is the command line around it.
//! The library never prints, except [`cli`], which owns the terminal.

pub mod baseline;
pub mod cli;
pub mod collect;
pub mod config;
pub mod diff;
pub mod embedded;
pub mod engine;
pub mod model;
pub mod normalize;
pub mod report;
pub mod rulesets;
pub mod scan;
pub mod store;
pub mod waivers;
