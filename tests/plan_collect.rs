//! Plan-JSON collector against `fixtures/plan/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::json;
use vouch::collect::plan::{load, load_str, PlanOptions};
use vouch::collect::terraform::{Mode, Output, TfInstance};
use vouch::model::{unknown_reason, DiagnosticLevel};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/plan")
        .join(name)
}

fn get<'a>(out: &'a Output, address: &str) -> &'a TfInstance {
    out.instances
        .iter()
        .find(|i| i.address == address)
        .unwrap_or_else(|| panic!("no instance {address}"))
}

fn line_of(file: &Path, needle: &str) -> u32 {
    let text = std::fs::read_to_string(file).unwrap();
    u32::try_from(text.lines().position(|l| l.contains(needle)).unwrap() + 1).unwrap()
}

#[test]
fn planned_values_with_unknowns_references_and_modules() {
    let path = fixture("s3_sg/tfplan.json");
    let out = load(std::slice::from_ref(&path), &PlanOptions::default());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(out.inputs.len(), 1);
    let addresses: Vec<&str> = out.instances.iter().map(|i| i.address.as_str()).collect();
    // The deleted bucket is not judged; prior_state is ignored by default.
    assert_eq!(
        addresses,
        [
            "aws_s3_bucket.b",
            "aws_s3_bucket_public_access_block.b",
            "aws_security_group.web",
            "module.logs[0].aws_kms_key.k"
        ]
    );
    let b = get(&out, "aws_s3_bucket.b");
    assert_eq!(b.mode, Mode::Managed);
    assert_eq!(
        (b.resource_type.as_str(), b.name.as_str()),
        ("aws_s3_bucket", "b")
    );
    assert_eq!(b.values["bucket"], json!("plan-bucket"));
    assert_eq!(unknown_reason(&b.values["arn"]), Some("known after apply"));
    assert_eq!(b.file, vouch::collect::cloudformation::display_path(&path));
    assert_eq!(
        b.start_line,
        line_of(&path, "\"address\": \"aws_s3_bucket.b\"") - 1
    );
    assert_eq!(
        b.attribute_lines["bucket"].0,
        line_of(&path, "\"values\": {\"bucket\": \"plan-bucket\"")
    );

    // Unknown after apply, but the configuration says which resource it is.
    let pab = get(&out, "aws_s3_bucket_public_access_block.b");
    assert_eq!(pab.values["bucket"], json!("${aws_s3_bucket.b.id}"));
    assert_eq!(pab.values["block_public_policy"], json!(false));
    // A variable reference is not a resource: plain unknown.
    let sg = get(&out, "aws_security_group.web");
    assert_eq!(
        unknown_reason(&sg.values["vpc_id"]),
        Some("known after apply")
    );
    assert_eq!(sg.values["ingress"][0]["cidr_blocks"], json!(["0.0.0.0/0"]));
    // Child module: address, chain, and a reference relative to the module.
    let k = get(&out, "module.logs[0].aws_kms_key.k");
    assert_eq!(k.module_chain, ["module.logs[0]"]);
    assert_eq!(
        k.values["policy"],
        json!("${data.aws_iam_policy_document.p.json}")
    );

    let with_prior = load(
        &[path],
        &PlanOptions {
            include_prior_state: true,
            ..PlanOptions::default()
        },
    );
    assert!(with_prior
        .instances
        .iter()
        .any(|i| i.address == "aws_s3_bucket.kept"));
    assert!(with_prior
        .instances
        .iter()
        .all(|i| i.address != "aws_s3_bucket.old"));
}

#[test]
fn terraform_adapter_joins_plan_instances() {
    let out = load(&[fixture("s3_sg/tfplan.json")], &PlanOptions::default());
    let resources = vouch::normalize::terraform::normalize(&out.instances);
    let bucket = resources
        .iter()
        .find(|r| r.kind == "aws.s3.bucket" && r.address == "aws_s3_bucket.b")
        .unwrap();
    assert_eq!(
        bucket.attributes["public_access_block"]["block_public_policy"],
        json!(false)
    );
    assert_eq!(
        bucket.provenance.joined,
        ["aws_s3_bucket_public_access_block.b"]
    );
}

#[test]
fn utf16_plans_are_read() {
    let text = std::fs::read_to_string(fixture("s3_sg/tfplan.json")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, bytes).unwrap();
    let out = load(&[dir.path().to_path_buf()], &PlanOptions::default());
    assert_eq!(out.instances.len(), 4);
    assert_eq!(out.inputs.len(), 1);
}

#[test]
fn format_version_and_malformed_plans() {
    let out = load_str(
        "p.json",
        r#"{"format_version": "2.0", "planned_values": {}}"#,
        &PlanOptions::default(),
    );
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.level, d.code.as_str()),
        (DiagnosticLevel::Error, "plan-unsupported-format")
    );
    assert_eq!((d.line, d.column), (Some(1), Some(20)));
    // Terraform 0.12-0.15 plans (format 0.x) share the structure and are read.
    let out = load_str(
        "old.json",
        r#"{"format_version": "0.1", "planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket", "name": "x", "values": {}}]}}}"#,
        &PlanOptions::default(),
    );
    assert!(out.diagnostics.is_empty());
    assert_eq!(out.instances.len(), 1);
    let out = load_str(
        "bad.json",
        "{\"format_version\": \"1.0\",\n \"planned_values\": [}",
        &PlanOptions::default(),
    );
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.line, d.column),
        ("parse-error", Some(2), Some(21))
    );
    // Valid JSON that is not a plan is not a plan.
    let out = load(
        &[fixture("../cloudformation/params.json")],
        &PlanOptions::default(),
    );
    assert!(out.instances.is_empty() && out.diagnostics.is_empty() && out.inputs.is_empty());
}
