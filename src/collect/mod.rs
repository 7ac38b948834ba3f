//! Collectors: read one kind of source and return raw documents with provenance.
//! A collector never decides compliance; adapters in [`crate::normalize`] turn its output
//! into the normalized model.

pub mod aws;
pub mod cloudformation;
pub mod plan;
pub mod terraform;
