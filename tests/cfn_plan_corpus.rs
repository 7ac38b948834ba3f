//! Loads the shared real-world corpus through the CloudFormation and plan-JSON collectors:
//! nothing may panic or hang. Ignored by default (the corpus lives outside the repository):
//! `cargo test --test cfn_plan_corpus -- --ignored --nocapture`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

const CORPUS: &str = "/work/shared/corpus";

#[test]
#[ignore = "needs /work/shared/corpus"]
fn cloudformation_corpus_loads_without_panic() {
    let start = Instant::now();
    let out = vouch::collect::cloudformation::load(
        &[PathBuf::from(CORPUS)],
        &vouch::collect::cloudformation::CfnOptions::default(),
    );
    let elapsed = start.elapsed();
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for d in &out.diagnostics {
        *by_code
            .entry(format!("{:?}/{}", d.level, d.code))
            .or_default() += 1;
    }
    let errors: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.level == vouch::model::DiagnosticLevel::Error)
        .collect();
    for e in &errors {
        eprintln!("{e}");
    }
    eprintln!(
        "cfn corpus: {} templates, {} resources, {} inputs, diagnostics {:?}, {:?}",
        out.templates,
        out.resources.len(),
        out.inputs.len(),
        by_code,
        elapsed
    );
    let start = Instant::now();
    let resources = vouch::normalize::cloudformation::normalize(&out.resources);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &resources {
        *kinds.entry(r.kind.as_str()).or_default() += 1;
    }
    eprintln!("cfn corpus normalized: {kinds:?} in {:?}", start.elapsed());
    assert!(out.templates > 100);
}

#[test]
#[ignore = "needs /work/shared/corpus"]
fn cloudformation_corpus_warnings() {
    let out = vouch::collect::cloudformation::load(
        &[PathBuf::from(CORPUS)],
        &vouch::collect::cloudformation::CfnOptions::default(),
    );
    for d in out
        .diagnostics
        .iter()
        .filter(|d| d.code != "cfn-condition-unknown")
    {
        eprintln!("{d}");
    }
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &out.resources {
        *types.entry(r.resource_type.as_str()).or_default() += 1;
    }
    for (t, n) in types.iter().filter(|(_, n)| **n >= 15) {
        eprintln!("{n:5} {t}");
    }
}

#[test]
#[ignore = "needs /work/shared/corpus"]
fn plan_corpus_loads_without_panic() {
    let start = Instant::now();
    let out = vouch::collect::plan::load(
        &[PathBuf::from(CORPUS).join("tfplan")],
        &vouch::collect::plan::PlanOptions::default(),
    );
    let elapsed = start.elapsed();
    for d in &out.diagnostics {
        eprintln!("{d}");
    }
    let unknowns = out
        .instances
        .iter()
        .filter(|i| vouch::model::first_unknown(&i.values).is_some())
        .count();
    let refs = out
        .instances
        .iter()
        .filter(|i| i.values.to_string().contains("\"${"))
        .count();
    eprintln!(
        "plan corpus: {} plans, {} instances ({} with unknowns, {} with references), {} diagnostics, {:?}",
        out.inputs.len(),
        out.instances.len(),
        unknowns,
        refs,
        out.diagnostics.len(),
        elapsed
    );
    assert_eq!(out.inputs.len(), 48);
}
