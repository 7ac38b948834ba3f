//! Adapters: fold raw collector output into normalized [`crate::model::Resource`]s of
//! canonical kinds. Joins between native resources happen here, never in policies.

pub mod aws;
pub mod cloudformation;
pub mod terraform;
