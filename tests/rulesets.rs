//! Ruleset invariants: every built-in ruleset parses, its control IDs are unique, every rule
//! it references exists, and every rule is either mapped or listed as unmapped with a reason.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use vouch::engine::PolicySet;
use vouch::rulesets::Ruleset;

#[test]
fn builtin_rulesets_hold_their_invariants() {
    let policies = PolicySet::load(&[], &Default::default()).expect("policies load");
    let ids: BTreeSet<&str> = policies.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let mut problems = Vec::new();
    for set in Ruleset::builtin().expect("rulesets parse") {
        problems.extend(set.validate(&ids));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
