//! What the AWS Config inventory covers: stand-ins for the types a region did not read (no
//! recorder, stopped, failing, left out of the recording group, state unknown, a failed read),
//! one per account for global types no region read, the patch compliance of unreported
//! instances, and the proof that no stand-in can pass or fail any rule and that the controls
//! they back roll up to `unknown`, never `not applicable`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::tests_support::{policies, Judged};
use crate::collect::aws::config::{ConfigCoverage, CoverageStatus, RESOURCE_TYPES};
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown_reason, Resource};
use crate::rulesets::{ControlStatus, Ruleset};

/// [`Judged::of`], every resource in the seeded account.
fn judged(raws: &[RawResource]) -> Judged {
    Judged::checked(raws, |r| {
        assert_eq!(r.account.as_deref(), Some(ACCOUNT), "{}", r.address);
    })
}

const ACCOUNT: &str = "123456789012";
const AT: &str = "2026-06-01T02:00:00Z";

fn raw(kind: RawKind, arn: &str, region: Option<&str>, data: Value) -> RawResource {
    RawResource {
        kind,
        arn: arn.to_owned(),
        account: Some(ACCOUNT.into()),
        region: region.map(str::to_owned),
        api_calls: vec!["config:DescribeConfigurationRecorders".into()],
        collected_at: AT.into(),
        data,
    }
}

fn scope(region: &str) -> RawResource {
    raw(
        RawKind::RegionScope,
        &format!("arn:aws::{region}:{ACCOUNT}:region"),
        Some(region),
        json!({}),
    )
}

fn record(
    region: &str,
    rtype: &str,
    status: CoverageStatus,
    reason: Option<&str>,
    items: Option<usize>,
) -> ConfigCoverage {
    ConfigCoverage {
        account: Some(ACCOUNT.into()),
        region: region.into(),
        resource_type: rtype.into(),
        status,
        recorder: (status == CoverageStatus::Read).then(|| "default".to_owned()),
        items,
        reason: reason.map(str::to_owned),
    }
}

fn coverage(records: Vec<ConfigCoverage>) -> RawResource {
    raw(
        RawKind::ConfigCoverage,
        &format!("arn:aws:config::{ACCOUNT}:inventory-coverage"),
        None,
        json!({ "Coverage": records }),
    )
}

/// The coverage records the collector writes for `region` with this recorder state, when
/// every type it reads comes back empty.
fn every_type(region: &str, recorders: Value) -> Vec<ConfigCoverage> {
    let doc = raw(
        RawKind::ConfigRecorder,
        &format!("arn:aws:config:{region}:{ACCOUNT}:configuration-recorder"),
        Some(region),
        recorders,
    );
    let plan = crate::collect::aws::config::plan(&[doc]);
    let decisions = &plan.first().unwrap().1;
    assert_eq!(decisions.len(), RESOURCE_TYPES.len());
    decisions
        .iter()
        .map(|(t, d)| match d {
            crate::collect::aws::config::Decision::Read { .. } => {
                record(region, t, CoverageStatus::Read, None, Some(0))
            }
            crate::collect::aws::config::Decision::Skip { status, reason } => {
                record(region, t, *status, Some(reason), None)
            }
        })
        .collect()
}

fn no_recorder() -> Value {
    json!({"Recorders": [], "RecorderStatus": []})
}

fn stopped() -> Value {
    json!({"Recorders": [{"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": true}],
        "RecorderStatus": [{"Name": "default", "Recording": false, "LastStatus": "SUCCESS", "LastStopTime": "2026-05-01T00:00:00Z"}]})
}

fn reason(r: &Resource, attr: &str) -> String {
    unknown_reason(&r.attributes[attr])
        .unwrap_or_else(|| panic!("{attr} of {} is known: {}", r.address, r.attributes[attr]))
        .to_owned()
}

/// A region with no recorder gets a stand-in for every kind its inventory feeds, every
/// attribute of which is unknown; no rule passes or fails on any of them, every rule of the
/// stand-ins' kinds says something, and the controls they back are `unknown`.
#[test]
fn no_stand_in_ever_passes_or_fails() {
    let region = "eu-west-1";
    let j = judged(&[scope(region), coverage(every_type(region, no_recorder()))]);
    let stand_ins: Vec<&Resource> = j.resources.iter().filter(|r| r.arn.is_none()).collect();
    let kinds: BTreeSet<&str> = stand_ins.iter().map(|r| r.kind.as_str()).collect();
    for (rtype, kind) in super::coverage::stand_in_table() {
        assert!(kinds.contains(kind), "{rtype}: no {kind} stand-in");
    }
    let addresses: BTreeSet<(&str, &str)> = stand_ins
        .iter()
        .map(|r| (r.kind.as_str(), r.address.as_str()))
        .collect();
    let mut judged: BTreeSet<&str> = BTreeSet::new();
    for o in &j.outcomes {
        if !addresses.contains(&(o.resource.kind.as_str(), o.resource.address.as_str())) {
            continue;
        }
        assert_eq!(
            o.status.as_str(),
            "unknown",
            "{} on stand-in {} {}: {}",
            o.rule_id,
            o.resource.kind,
            o.resource.address,
            o.message
        );
        judged.insert(o.resource.kind.as_str());
    }
    // Every rule of every stand-in kind judged it.
    for rule in &policies().rules {
        for kind in &rule.meta.kinds {
            if kinds.contains(kind.as_str()) {
                assert!(
                    j.outcomes
                        .iter()
                        .any(|o| o.rule_id == rule.meta.id && &o.resource.kind == kind),
                    "{} has no outcome on the {kind} stand-in",
                    rule.meta.id
                );
            }
        }
    }
    for kind in &kinds {
        let has_rules = policies()
            .rules
            .iter()
            .any(|r| r.meta.kinds.iter().any(|k| k == kind));
        assert_eq!(judged.contains(kind), has_rules, "{kind}");
    }
    let acm = j.get(
        "aws.acm.certificate",
        "arn:aws:acm:eu-west-1:123456789012:certificate/*",
    );
    assert_eq!(
        reason(acm, "not_after"),
        "not enumerated: AWS Config in eu-west-1: no configuration recorder"
    );
    assert_eq!(acm.region.as_deref(), Some(region));
    assert_eq!(
        acm.provenance.source_types,
        vec!["AWS::ACM::Certificate".to_owned()]
    );
    assert_eq!(acm.provenance.parser, "aws-sdk-config");
    // Global types: one stand-in per account when no region read them.
    let policy = j.get("aws.iam.policy", "arn:aws:iam::123456789012:policy/*");
    assert_eq!(policy.region, None);
    assert!(reason(policy, "document").contains("eu-west-1: no configuration recorder"));
    // No region here is us-east-1, where CloudFront and its web ACLs are recorded.
    let cf = j.get(
        "aws.cloudfront.distribution",
        "arn:aws:cloudfront::123456789012:distribution/*",
    );
    assert!(
        reason(cf, "enabled").contains("us-east-1"),
        "{}",
        reason(cf, "enabled")
    );
    let global_acl = j.get(
        "aws.wafv2.web_acl",
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/*",
    );
    assert!(reason(global_acl, "rule_count").contains("CloudFront-scope web ACLs"));

    // The controls those rules back: unknown, never not applicable.
    let mut checked = 0;
    for ruleset in Ruleset::builtin().unwrap() {
        for control in ruleset.evaluate(&j.outcomes) {
            let stand_in_rules = control.rules.iter().any(|r| {
                policies()
                    .rule(r)
                    .is_some_and(|rule| rule.meta.kinds.iter().any(|k| kinds.contains(k.as_str())))
            });
            if !stand_in_rules || control.coverage == crate::rulesets::Coverage::Manual {
                continue;
            }
            checked += 1;
            assert_ne!(
                control.status,
                ControlStatus::NotApplicable,
                "{} {}",
                ruleset.framework,
                control.id
            );
            assert_ne!(
                control.status,
                ControlStatus::Pass,
                "{} {}",
                ruleset.framework,
                control.id
            );
        }
    }
    assert!(checked > 20, "only {checked} controls");
}

/// The kinds with rules that no live source enumerates have a stand-in in every region too.
#[test]
fn kinds_no_source_enumerates_are_unknown_in_every_region() {
    let j = judged(&[scope("eu-west-1")]);
    for (kind, address, api) in [
        (
            "aws.cloudwatch.log_group",
            "arn:aws:logs:eu-west-1:123456789012:log-group:*",
            "logs:DescribeLogGroups",
        ),
        (
            "aws.ec2.snapshot",
            "arn:aws:ec2:eu-west-1:123456789012:snapshot/*",
            "ec2:DescribeSnapshots",
        ),
        (
            "aws.ec2.ebs_encryption_by_default",
            "arn:aws:ec2:eu-west-1:123456789012:ebs-encryption-by-default",
            "ec2:GetEbsEncryptionByDefault",
        ),
        (
            "aws.apigateway.route",
            "arn:aws:apigateway:eu-west-1::/restapis/*/resources/*/methods/*",
            "/restapis/{id}/resources",
        ),
        (
            "aws.apigateway.route",
            "arn:aws:apigateway:eu-west-1::/apis/*/routes/*",
            "/apis/{id}/routes",
        ),
        (
            "aws.elasticache.replication_group",
            "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:*",
            "elasticache:DescribeReplicationGroups",
        ),
        (
            "aws.guardduty.finding",
            "arn:aws:guardduty:eu-west-1:123456789012:detector/*/finding/*",
            "guardduty:ListFindings",
        ),
    ] {
        let r = j.get(kind, address);
        let text = r.attributes.to_string();
        assert!(text.contains(api), "{kind}: {text}");
        for o in j
            .outcomes
            .iter()
            .filter(|o| o.resource.address == address && o.resource.kind == kind)
        {
            assert_eq!(o.status.as_str(), "unknown", "{} on {address}", o.rule_id);
        }
    }
    assert_eq!(
        j.status(
            "ebs-encryption",
            "arn:aws:ec2:eu-west-1:123456789012:ebs-encryption-by-default"
        ),
        "unknown"
    );
    assert_eq!(
        j.status(
            "cloudwatch-log-retention-1y",
            "arn:aws:logs:eu-west-1:123456789012:log-group:*"
        ),
        "unknown"
    );
    // No detector in a region: no findings to judge, a fact.
    let none = raw(
        RawKind::GuardDutyDetector,
        "arn:aws:guardduty:us-east-1:123456789012:detector",
        Some("us-east-1"),
        json!({"Exists": false}),
    );
    let j = judged(&[scope("us-east-1"), none]);
    assert!(j.addresses("aws.guardduty.finding").is_empty());
}

/// Per type and region: read (real resources, no stand-in), not recorded by an inclusion
/// list, a stopped recorder, a failed read, a daily recorder; global types read elsewhere.
#[test]
fn stand_ins_follow_each_regions_coverage() {
    let mut records = Vec::new();
    for t in RESOURCE_TYPES {
        records.push(record("us-east-1", t, CoverageStatus::Read, None, Some(0)));
        let eu = match *t {
            "AWS::SNS::Topic" => record("eu-west-1", t, CoverageStatus::Read, Some("recorder default records AWS::SNS::Topic once a day: its items may be up to a day old"), Some(1)),
            "AWS::ACM::Certificate" => record("eu-west-1", t, CoverageStatus::NotRecorded, Some("recorder default does not record AWS::ACM::Certificate (its inclusion list leaves it out)"), None),
            "AWS::EC2::SecurityGroup" => record("eu-west-1", t, CoverageStatus::ReadFailed, Some("0 listed, 0 read: config:ListDiscoveredResources denied: AccessDeniedException"), Some(0)),
            "AWS::IAM::Policy" | "AWS::IAM::User" | "AWS::CloudFront::Distribution" => record("eu-west-1", t, CoverageStatus::Elsewhere, Some("read in us-east-1"), None),
            _ => record("eu-west-1", t, CoverageStatus::Read, None, Some(0)),
        };
        records.push(eu);
        records.push(record(
            "eu-west-2",
            t,
            CoverageStatus::Stale,
            Some("recorder default is not recording (stopped at 2026-05-01T00:00:00Z)"),
            None,
        ));
    }
    let topic = raw(
        RawKind::ConfigItem,
        "arn:aws:sns:eu-west-1:123456789012:alerts",
        Some("eu-west-1"),
        json!({"arn": "arn:aws:sns:eu-west-1:123456789012:alerts", "resourceType": "AWS::SNS::Topic", "resourceId": "arn:aws:sns:eu-west-1:123456789012:alerts",
            "configurationItemStatus": "OK", "configurationItemCaptureTime": "2026-05-31T03:00:00Z",
            "configuration": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:alerts", "KmsMasterKeyId": "alias/aws/sns",
                "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"},
            "supplementaryConfiguration": {}}),
    );
    let j = judged(&[
        scope("us-east-1"),
        scope("eu-west-1"),
        scope("eu-west-2"),
        coverage(records),
        topic,
    ]);

    // Read: no stand-ins in us-east-1, nor for global types (read there).
    assert!(
        j.resources
            .iter()
            .filter(|r| r.arn.is_none() && r.region.as_deref() == Some("us-east-1"))
            .all(|r| r.provenance.parser != "aws-sdk-config"
                || r.kind == "aws.ec2.snapshot_block_public_access"),
        "{:?}",
        j.resources
            .iter()
            .filter(|r| r.arn.is_none() && r.region.as_deref() == Some("us-east-1"))
            .map(|r| &r.address)
            .collect::<Vec<_>>()
    );
    assert!(j.addresses("aws.iam.policy").is_empty());
    assert!(j.addresses("aws.cloudfront.distribution").is_empty());
    // The region-wide snapshot setting exists everywhere: no item is no answer.
    let bpa = j.get(
        "aws.ec2.snapshot_block_public_access",
        "arn:aws:ec2:us-east-1:123456789012:snapshot-block-public-access",
    );
    assert_eq!(
        reason(bpa, "state"),
        "AWS Config in us-east-1 recorded no AWS::EC2::SnapshotBlockPublicAccess item"
    );
    assert_eq!(j.status("ebs-snapshot-not-public", &bpa.address), "unknown");

    // The daily recorder's item is judged, with its capture time as evidence.
    let t = j.get("aws.sns.topic", "arn:aws:sns:eu-west-1:123456789012:alerts");
    assert_eq!(
        t.provenance.attribute_sources["policy"]
            .captured_at
            .as_deref(),
        Some("2026-05-31T03:00:00Z")
    );
    assert_eq!(j.status("sns-topic-not-public", &t.address), "pass");

    let acm = j.get(
        "aws.acm.certificate",
        "arn:aws:acm:eu-west-1:123456789012:certificate/*",
    );
    assert!(reason(acm, "type")
        .contains("does not record AWS::ACM::Certificate (its inclusion list leaves it out)"));
    assert_eq!(j.status("acm-certificate-renewal", &acm.address), "unknown");
    let sg = j.get(
        "aws.ec2.security_group",
        "arn:aws:ec2:eu-west-1:123456789012:security-group/*",
    );
    assert!(reason(sg, "ingress")
        .contains("config:ListDiscoveredResources denied: AccessDeniedException"));
    assert!(sg
        .provenance
        .api_calls
        .contains(&"config:ListDiscoveredResources".to_owned()));
    assert_eq!(j.status("sg-no-public-admin-ports", &sg.address), "unknown");

    // Stopped: every kind stood in, with the stop time and why the items were not read.
    let vol = j.get(
        "aws.ec2.volume",
        "arn:aws:ec2:eu-west-2:123456789012:volume/*",
    );
    assert_eq!(
        reason(vol, "encrypted"),
        "not enumerated: AWS Config in eu-west-2: recorder default is not recording (stopped at 2026-05-01T00:00:00Z); its items may be stale, so vouch did not read them"
    );
    assert_eq!(j.status("ebs-encryption", &vol.address), "unknown");
    // One stand-in per kind, region and address: the two stage types have their own.
    let stages = j.addresses("aws.apigateway.stage");
    assert_eq!(
        stages,
        vec![
            "arn:aws:apigateway:eu-west-2::/apis/*/stages/*",
            "arn:aws:apigateway:eu-west-2::/restapis/*/stages/*"
        ]
    );
}

/// EC2 instances without a patch compliance item where AWS Config records the type: the
/// instance's patch state is unknown (never silently absent), and an item is judged.
#[test]
fn instances_without_patch_compliance_are_unknown() {
    let instance = |id: &str| {
        raw(
            RawKind::ConfigItem,
            &format!("arn:aws:ec2:eu-west-1:123456789012:instance/{id}"),
            Some("eu-west-1"),
            json!({"resourceType": "AWS::EC2::Instance", "resourceId": id,
                "configuration": {"instanceId": id, "instanceType": "t3.micro", "imageId": "ami-1", "subnetId": "subnet-1",
                    "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled", "httpPutResponseHopLimit": 1}},
                "supplementaryConfiguration": {}}),
        )
    };
    let patch = raw(
        RawKind::ConfigItem,
        "AWS::SSM::PatchCompliance/AWS::SSM::ManagedInstanceInventory/i-0aaa",
        Some("eu-west-1"),
        json!({"resourceType": "AWS::SSM::PatchCompliance", "resourceId": "AWS::SSM::ManagedInstanceInventory/i-0aaa",
            "configuration": {"AWS:ComplianceItem": {"SchemaVersion": "1.0", "ComplianceType": "Patch",
                "Content": {"Patch": {"ComplianceSummary": {"Status": "COMPLIANT", "NonCompliantCriticalCount": 0, "ComplianceType": "Patch"}}}}},
            "supplementaryConfiguration": {}}),
    );
    let records = vec![
        record(
            "eu-west-1",
            "AWS::SSM::PatchCompliance",
            CoverageStatus::Read,
            None,
            Some(1),
        ),
        record(
            "eu-west-1",
            "AWS::EC2::Instance",
            CoverageStatus::Read,
            None,
            Some(2),
        ),
    ];
    let j = judged(&[
        instance("i-0aaa"),
        instance("i-0bbb"),
        patch,
        coverage(records),
    ]);
    let reported = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0aaa";
    let silent = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0bbb";
    let r = j.get("aws.ssm.patch_compliance", reported);
    assert_eq!(r.attributes["managed"], json!(true));
    assert_eq!(r.arn, None);
    assert_eq!(j.status("ssm-patch-compliance", reported), "pass");
    let u = j.get("aws.ssm.patch_compliance", silent);
    assert!(reason(u, "managed").contains("no AWS::SSM::PatchCompliance item for i-0bbb"));
    assert_eq!(u.provenance.joined, vec![silent.to_owned()]);
    assert_eq!(j.status("ssm-patch-compliance", silent), "unknown");
    // Patch compliance not recorded: a region stand-in instead.
    let j = judged(&[
        instance("i-0bbb"),
        coverage(vec![
            record(
                "eu-west-1",
                "AWS::SSM::PatchCompliance",
                CoverageStatus::NotRecorded,
                Some("no configuration recorder"),
                None,
            ),
            record(
                "eu-west-1",
                "AWS::EC2::Instance",
                CoverageStatus::Read,
                None,
                Some(1),
            ),
        ]),
    ]);
    assert_eq!(
        j.addresses("aws.ssm.patch_compliance"),
        vec!["arn:aws:ec2:eu-west-1:123456789012:instance/*"]
    );
}

/// An item that is not a recorded current configuration (a deleted resource, one the
/// recorder discovered but does not record) is unknown, never judged as it was.
#[test]
fn items_that_are_not_current_are_unknown() {
    let arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-1";
    let item = |status: &str| {
        raw(
            RawKind::ConfigItem,
            arn,
            Some("eu-west-1"),
            json!({"resourceType": "AWS::EC2::Volume", "resourceId": "vol-1", "configurationItemStatus": status,
                "configuration": {"volumeId": "vol-1", "encrypted": true, "size": 8, "volumeType": "gp3"},
                "supplementaryConfiguration": {}}),
        )
    };
    let j = judged(&[item("OK")]);
    assert_eq!(j.status("ebs-encryption", arn), "pass");
    for status in [
        "ResourceNotRecorded",
        "ResourceDeleted",
        "ResourceDeletedNotRecorded",
    ] {
        let j = judged(&[item(status)]);
        assert!(reason(j.get("aws.ec2.volume", arn), "encrypted").contains(status));
        assert_eq!(j.status("ebs-encryption", arn), "unknown");
    }
}

/// The frameworks' controls that only Config-fed kinds back roll up to unknown when a
/// region's recorder is stopped: the per-kind stand-ins carry them.
#[test]
fn a_stopped_recorder_rolls_controls_up_to_unknown() {
    let j = judged(&[
        scope("eu-west-1"),
        coverage(every_type("eu-west-1", stopped())),
    ]);
    let cis = Ruleset::named("cis-aws-3.0").unwrap().judge(&j.outcomes);
    let statuses: BTreeMap<&str, ControlStatus> = cis
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    // 2.2.1 (EBS encryption by default / volumes) and 5.2 (security groups) among them.
    for id in ["2.2.1", "5.2"] {
        assert_eq!(statuses.get(id), Some(&ControlStatus::Unknown), "CIS {id}");
    }
}
