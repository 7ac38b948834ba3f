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

/// The five frameworks of the issue ship as built-in rulesets, under these exact CLI names.
#[test]
fn all_five_frameworks_are_built_in() {
    let names: BTreeSet<String> = Ruleset::builtin()
        .expect("rulesets parse")
        .into_iter()
        .map(|r| r.framework)
        .collect();
    for want in [
        "cis-aws-3.0",
        "nist-800-53-r5",
        "pci-dss-4.0.1",
        "soc2",
        "zero-trust",
    ] {
        assert!(
            names.contains(want),
            "missing framework `{want}` in {names:?}"
        );
    }
}

/// Every control says why it is covered the way it is, and a control with rules says where
/// the mapping comes from (the catalogue's provenance tags).
#[test]
fn every_control_has_a_rationale_and_mapped_controls_have_provenance() {
    let mut problems = Vec::new();
    for set in Ruleset::builtin().expect("rulesets parse") {
        for c in &set.controls {
            if c.rationale.trim().is_empty() || c.title.trim().is_empty() {
                problems.push(format!(
                    "{}: `{}` lacks a title or rationale",
                    set.framework, c.id
                ));
            }
            if !c.rules.is_empty() && c.provenance.is_empty() {
                problems.push(format!(
                    "{}: `{}` has rules but no provenance",
                    set.framework, c.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
