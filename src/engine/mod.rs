//! The engine: policies compiled once ([`policy`]), evaluated in parallel over normalized
//! resources ([`eval`]) into [`outcome::Outcome`]s; [`testing`] runs policy test cases the
//! same way.

mod builtins;
pub mod eval;
pub mod outcome;
pub mod policy;
pub mod scaffold;
pub mod testing;

pub use eval::evaluate;
pub use outcome::{Outcome, Severity, Status};
pub use policy::{Params, PolicyError, PolicySet, RuleMeta};
