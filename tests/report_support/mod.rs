//! A hand-built scan result for reporter and bundle tests: one outcome of every status
//! (pass, fail, unknown, error, waived, a fail with an expired waiver), IaC outcomes pointing
//! at `fixtures/reports/infra/main.tf`, a live resource with an ARN, hostile text in names
//! and messages, and a test ruleset with a manual control.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_arguments
)]

use serde_json::json;
use vouch::engine::outcome::{
    Evidence, Observation, ObservedState, Outcome, ResourceRef, WaiverRef,
};
use vouch::engine::{RuleMeta, Severity, Status};
use vouch::model::{
    Diagnostic, DiagnosticLevel, Input, Location, Provenance, Resource, SourceKind,
};
use vouch::report::RunInfo;
use vouch::rulesets::Ruleset;
use vouch::scan::ScanResult;

pub const TF: &str = "fixtures/reports/infra/main.tf";
pub const TIMESTAMP: &str = "2026-01-31T12:00:00Z";
pub const SG_ARN: &str = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc1234";
/// Hostile text an attacker controls (a bucket name, a tag) that reaches messages.
pub const HOSTILE: &str =
    r#"<img src=x onerror="document.title='pwned'"><script>window.pwned=1</script>"#;

pub fn run_info() -> RunInfo {
    RunInfo {
        timestamp: TIMESTAMP.to_owned(),
        paths: vec!["fixtures/reports/infra".to_owned()],
        fail_on: "high".to_owned(),
        fail_on_unknown: false,
    }
}

pub fn ruleset() -> Ruleset {
    let text = std::fs::read_to_string("fixtures/reports/ruleset.yaml").unwrap();
    yaml_serde::from_str(&text).unwrap()
}

fn meta(id: &str, name: &str, title: &str, severity: Severity, kind: &str) -> RuleMeta {
    RuleMeta {
        id: id.to_owned(),
        name: name.to_owned(),
        title: title.to_owned(),
        description: format!("{title}: checked on every {kind}."),
        severity,
        kinds: vec![kind.to_owned()],
        inputs: vec![],
        remediation: format!("Fix it so that: {title}."),
        status: Default::default(),
        parameters: Default::default(),
    }
}

fn loc(start: u32, end: u32) -> Location {
    Location {
        file: TF.to_owned(),
        start_line: start,
        end_line: end,
    }
}

fn tf_evidence(
    sha: &str,
    block: Location,
    observed: Vec<Observation>,
    messages: Vec<&str>,
) -> Evidence {
    Evidence {
        resource_location: Some(block),
        input_sha256: Some(sha.to_owned()),
        source: SourceKind::Terraform,
        account: None,
        region: None,
        module_chain: vec![],
        provenance: Provenance {
            parser: "vouch-hcl".to_owned(),
            source_types: vec!["aws_s3_bucket".to_owned()],
            ..Default::default()
        },
        observed,
        messages: messages.into_iter().map(str::to_owned).collect(),
    }
}

fn outcome(
    rule: &RuleMeta,
    status: Status,
    kind: &str,
    address: &str,
    arn: Option<&str>,
    location: Option<Location>,
    message: &str,
    evidence: Evidence,
) -> Outcome {
    let resource = ResourceRef {
        kind: kind.to_owned(),
        address: address.to_owned(),
        arn: arn.map(str::to_owned),
    };
    Outcome {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        status,
        severity: rule.severity,
        fingerprint: vouch::engine::outcome::fingerprint(&rule.id, &resource),
        resource,
        location,
        message: message.to_owned(),
        waiver: None,
        in_baseline: false,
        evidence,
    }
}

/// A bare outcome of `rule` on the S3 bucket `address`: no location, no observations. For
/// tests of what happens to outcomes (waivers, baselines, history), not of their evidence.
pub fn bucket_outcome(rule: &str, address: &str, status: Status, message: &str) -> Outcome {
    let meta = meta(rule, rule, rule, Severity::High, "aws.s3.bucket");
    let evidence = Evidence {
        resource_location: None,
        input_sha256: None,
        source: SourceKind::Terraform,
        account: None,
        region: None,
        module_chain: vec![],
        provenance: Provenance::default(),
        observed: vec![],
        messages: vec![],
    };
    outcome(
        &meta,
        status,
        "aws.s3.bucket",
        address,
        None,
        None,
        message,
        evidence,
    )
}

pub fn scan_result() -> ScanResult {
    let bytes = std::fs::read(TF).unwrap();
    let input = Input::from_bytes(TF, &bytes);
    let sha = input.sha256.clone();

    let public = meta(
        "s3-bucket-public-access",
        "s3-bucket-public",
        "S3 buckets are not public",
        Severity::High,
        "aws.s3.bucket",
    );
    let enc = meta(
        "s3-bucket-encryption-at-rest",
        "s3-bucket-unencrypted",
        "S3 buckets are encrypted at rest",
        Severity::Medium,
        "aws.s3.bucket",
    );
    let ver = meta(
        "s3-bucket-versioning",
        "s3-bucket-unversioned",
        "S3 buckets keep versions",
        Severity::Low,
        "aws.s3.bucket",
    );
    let kms = meta(
        "kms-key-rotation",
        "kms-key-unrotated",
        "KMS keys rotate",
        Severity::Medium,
        "aws.kms.key",
    );
    let ssh = meta(
        "ec2-sg-open-ssh",
        "ec2-sg-ssh-open-to-world",
        "Security groups do not open SSH to the world",
        Severity::Critical,
        "aws.ec2.security_group",
    );

    let mut outcomes = vec![];
    outcomes.push(outcome(
        &public,
        Status::Fail,
        "aws.s3.bucket",
        "aws_s3_bucket.public",
        None,
        Some(loc(5, 5)),
        &format!("bucket acl is public-read; tag says {HOSTILE}"),
        tf_evidence(
            &sha,
            loc(2, 6),
            vec![Observation {
                path: "acl".to_owned(),
                state: ObservedState::Set,
                value: Some(json!("public-read")),
                location: Some(loc(5, 5)),
            }],
            vec!["bucket acl is public-read"],
        ),
    ));
    let mut waived = outcome(
        &public,
        Status::Waived,
        "aws.s3.bucket",
        "aws_s3_bucket.legacy",
        None,
        Some(loc(14, 14)),
        "bucket acl is public-read",
        tf_evidence(&sha, loc(12, 15), vec![], vec!["bucket acl is public-read"]),
    );
    waived.waiver = Some(WaiverRef {
        reason: "legacy static site, being migrated to CloudFront".to_owned(),
        owner: Some("web-team".to_owned()),
        ticket: Some("SEC-1234".to_owned()),
        expires: Some("2026-06-30".to_owned()),
        expired: false,
        source: "vouch.toml:12".to_owned(),
    });
    outcomes.push(waived);
    outcomes.push(outcome(
        &enc,
        Status::Unknown,
        "aws.s3.bucket",
        "aws_s3_bucket.logs",
        None,
        Some(loc(9, 9)),
        "encryption is unknown: var.logs_bucket_name has no value",
        tf_evidence(
            &sha,
            loc(8, 10),
            vec![Observation {
                path: "encryption".to_owned(),
                state: ObservedState::Unknown,
                value: Some(json!("var.logs_bucket_name has no value")),
                location: None,
            }],
            vec!["encryption is unknown: var.logs_bucket_name has no value"],
        ),
    ));
    outcomes.push(outcome(
        &ver,
        Status::Pass,
        "aws.s3.bucket",
        "aws_s3_bucket.logs",
        None,
        Some(loc(8, 10)),
        "S3 buckets keep versions",
        tf_evidence(&sha, loc(8, 10), vec![], vec![]),
    ));
    outcomes.push(outcome(
        &kms,
        Status::Error,
        "aws.kms.key",
        "aws_kms_key.k",
        None,
        Some(loc(17, 19)),
        "policy evaluation failed: execution time limit exceeded",
        tf_evidence(
            &sha,
            loc(17, 19),
            vec![],
            vec!["policy evaluation failed: execution time limit exceeded"],
        ),
    ));
    let mut expired = outcome(
        &ver,
        Status::Fail,
        "aws.s3.bucket",
        "aws_s3_bucket.public",
        None,
        Some(loc(2, 6)),
        "versioning is not enabled, \"suspended\" at most",
        tf_evidence(
            &sha,
            loc(2, 6),
            vec![],
            vec!["versioning is not enabled, \"suspended\" at most"],
        ),
    );
    expired.waiver = Some(WaiverRef {
        reason: "=HYPERLINK(\"http://evil\") accepted until the rewrite".to_owned(),
        owner: None,
        ticket: None,
        expires: Some("2025-12-31".to_owned()),
        expired: true,
        source: "infra/main.tf:1".to_owned(),
    });
    outcomes.push(expired);
    outcomes.push(outcome(
        &ssh,
        Status::Fail,
        "aws.ec2.security_group",
        SG_ARN,
        Some(SG_ARN),
        None,
        "ingress allows 0.0.0.0/0 on port 22",
        Evidence {
            resource_location: None,
            input_sha256: None,
            source: SourceKind::Aws,
            account: Some("123456789012".to_owned()),
            region: Some("eu-west-1".to_owned()),
            module_chain: vec![],
            provenance: Provenance {
                parser: "aws-sdk-ec2".to_owned(),
                source_types: vec!["AWS::EC2::SecurityGroup".to_owned()],
                joined: vec![],
                api_calls: vec!["ec2:DescribeSecurityGroups".to_owned()],
                collected_at: Some("2026-01-31T11:58:07Z".to_owned()),
                ..Default::default()
            },
            observed: vec![Observation {
                path: "ingress.0.cidr_blocks".to_owned(),
                state: ObservedState::Set,
                value: Some(json!(["0.0.0.0/0"])),
                location: None,
            }],
            messages: vec!["ingress allows 0.0.0.0/0 on port 22".to_owned()],
        },
    ));
    outcomes.sort_by(Outcome::output_order);

    let resources = vec![Resource {
        kind: "aws.ec2.security_group".to_owned(),
        address: SG_ARN.to_owned(),
        source: SourceKind::Aws,
        location: None,
        module_chain: vec![],
        arn: Some(SG_ARN.to_owned()),
        account: Some("123456789012".to_owned()),
        region: Some("eu-west-1".to_owned()),
        attributes: json!({"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "to_port": 22}]}),
        attribute_locations: Default::default(),
        provenance: Provenance {
            parser: "aws-sdk-ec2".to_owned(),
            source_types: vec!["AWS::EC2::SecurityGroup".to_owned()],
            joined: vec![],
            api_calls: vec!["ec2:DescribeSecurityGroups".to_owned()],
            collected_at: Some("2026-01-31T11:58:07Z".to_owned()),
            ..Default::default()
        },
    }];

    ScanResult {
        inputs: vec![input],
        diagnostics: vec![Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "module-unresolved".to_owned(),
            file: Some(TF.to_owned()),
            line: Some(1),
            column: None,
            message: "module \"cdn\" comes from the registry and is not downloaded".to_owned(),
        }],
        outcomes,
        resource_count: 5,
        waivers: Default::default(),
        baseline_fixed: vec![],
        non_gating: Default::default(),
        frameworks: vec![],
        rules: {
            let mut rules = vec![enc, kms, public, ver, ssh];
            rules.sort_by(|a, b| a.id.cmp(&b.id));
            rules
        },
        resources,
    }
}
