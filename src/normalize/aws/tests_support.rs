//! Shared by the live adapter's unit tests: normalize raw documents as a collection would,
//! check every resource against its kind's schema (and the caller's invariants), and judge
//! them with the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use super::normalize;
use crate::collect::aws::raw::RawResource;
use crate::engine::{Outcome, PolicySet};
use crate::model::{Resource, Snapshot};

/// The embedded rules, loaded once for all tests.
pub(super) fn policies() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&[], &Default::default()).unwrap())
}

/// Normalized resources, sorted by address, and their outcomes.
pub(super) struct Judged {
    pub(super) resources: Vec<Resource>,
    pub(super) outcomes: Vec<Outcome>,
}

impl Judged {
    /// Every resource matches its schema, carries its collection time and the calls it came
    /// from.
    pub(super) fn of(raws: &[RawResource]) -> Self {
        Self::checked(raws, |_| {})
    }

    /// As [`Judged::of`], with `check` run on every resource too.
    pub(super) fn checked(raws: &[RawResource], check: impl Fn(&Resource)) -> Self {
        let mut resources = normalize(raws);
        resources.sort_by(|a, b| (&a.address, &a.kind).cmp(&(&b.address, &b.kind)));
        for r in &resources {
            crate::normalize::terraform::tests::validate_against_schema(r);
            assert!(r.provenance.collected_at.is_some(), "{}", r.address);
            assert!(!r.provenance.api_calls.is_empty(), "{}", r.address);
            check(r);
        }
        let snapshot = Snapshot {
            resources: resources.clone(),
            ..Snapshot::default()
        };
        let outcomes = crate::scan::judge(&snapshot, policies(), &Default::default()).outcomes;
        Self {
            resources,
            outcomes,
        }
    }

    pub(super) fn get(&self, kind: &str, address: &str) -> &Resource {
        self.resources
            .iter()
            .find(|r| r.kind == kind && r.address == address)
            .unwrap_or_else(|| panic!("no {kind} {address}: {:?}", self.addresses(kind)))
    }

    pub(super) fn of_kind(&self, kind: &str) -> Vec<&Resource> {
        self.resources.iter().filter(|r| r.kind == kind).collect()
    }

    pub(super) fn addresses(&self, kind: &str) -> Vec<&str> {
        self.of_kind(kind)
            .iter()
            .map(|r| r.address.as_str())
            .collect()
    }

    pub(super) fn count(&self, kind: &str) -> usize {
        self.of_kind(kind).len()
    }

    pub(super) fn outcome(&self, rule: &str, address: &str) -> &Outcome {
        self.outcomes
            .iter()
            .find(|o| o.rule_id == rule && o.resource.address == address)
            .unwrap_or_else(|| panic!("no {rule} outcome on {address}"))
    }

    pub(super) fn status(&self, rule: &str, address: &str) -> String {
        self.outcome(rule, address).status.as_str().to_owned()
    }

    /// The outcome's evidence as JSON text (messages, observed values, unknown reasons).
    pub(super) fn evidence(&self, rule: &str, address: &str) -> String {
        serde_json::to_string(&self.outcome(rule, address).evidence).unwrap()
    }
}
