//! EC2 and IAM Access Analyzer live facts: EBS encryption by default, snapshots and their
//! createVolumePermission, the account's enabled regions and the regions with an
//! external-access analyzer, shaped from the collectors' documents (the answers' real
//! shapes, including ones moto cannot give: ListAnalyzers, GetEbsDefaultKmsKeyId), checked
//! against the kinds' schemas and judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_support::Judged;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, unknown_reason, Resource};

const ACCOUNT: &str = "123456789012";

fn raw(
    kind: RawKind,
    arn: String,
    region: Option<&str>,
    calls: &[&str],
    data: Value,
) -> RawResource {
    RawResource {
        kind,
        arn,
        account: Some(ACCOUNT.into()),
        region: region.map(str::to_owned),
        api_calls: calls.iter().map(|c| (*c).to_owned()).collect(),
        collected_at: "2026-06-01T02:00:00Z".into(),
        data,
    }
}

fn scope(region: &str) -> RawResource {
    raw(
        RawKind::RegionScope,
        format!("arn:aws::{region}:{ACCOUNT}:region"),
        Some(region),
        &["sts:GetCallerIdentity"],
        json!({}),
    )
}

fn ebs(region: &str, enabled: Value, key: Value) -> RawResource {
    raw(
        RawKind::EbsEncryptionByDefault,
        ebs_address(region),
        Some(region),
        &["ec2:GetEbsDefaultKmsKeyId", "ec2:GetEbsEncryptionByDefault"],
        json!({
            "GetEbsEncryptionByDefault": enabled,
            "GetEbsDefaultKmsKeyId": key,
            "Sources": {
                "encryption_by_default": {"operation": "ec2:GetEbsEncryptionByDefault"},
                "default_kms_key_id": {"operation": "ec2:GetEbsDefaultKmsKeyId"},
            },
        }),
    )
}

fn ebs_address(region: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:ebs-encryption-by-default")
}

fn snapshot_address(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:snapshot/{id}")
}

/// A snapshot as DescribeSnapshots lists it, with DescribeSnapshotAttribute's permissions.
fn snap(region: &str, id: &str, encrypted: bool, permissions: Value, tags: Value) -> RawResource {
    raw(
        RawKind::Ec2Snapshot,
        snapshot_address(region, id),
        Some(region),
        &["ec2:DescribeSnapshotAttribute", "ec2:DescribeSnapshots"],
        json!({
            "SnapshotId": id,
            "DescribeSnapshots": {
                "OwnerId": ACCOUNT, "Encrypted": encrypted, "KmsKeyId": null,
                "VolumeId": "vol-0abc", "State": "completed", "Tags": tags,
            },
            "CreateVolumePermissions": permissions,
            "Sources": {
                "encrypted": {"operation": "ec2:DescribeSnapshots"},
                "tags": {"operation": "ec2:DescribeSnapshots"},
                "create_volume_permissions": {"operation": "ec2:DescribeSnapshotAttribute"},
            },
        }),
    )
}

fn listing(region: &str, answer: Value) -> RawResource {
    raw(
        RawKind::Ec2SnapshotListing,
        format!("arn:aws:ec2:{region}:{ACCOUNT}:snapshot/*"),
        Some(region),
        &["ec2:DescribeSnapshots"],
        json!({ "DescribeSnapshots": answer }),
    )
}

fn regions(answer: Value) -> RawResource {
    raw(
        RawKind::Ec2Regions,
        format!("arn:aws:ec2::{ACCOUNT}:regions"),
        None,
        &["ec2:DescribeRegions"],
        json!({ "DescribeRegions": answer, "CalledIn": "eu-west-1" }),
    )
}

/// ListAnalyzers' `analyzers` as the collector keeps them.
fn analyzers(region: &str, answer: Value) -> RawResource {
    raw(
        RawKind::AccessAnalyzers,
        format!("arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/*"),
        Some(region),
        &["access-analyzer:ListAnalyzers"],
        json!({ "ListAnalyzers": answer }),
    )
}

fn analyzer(region: &str, name: &str, ty: &str, status: &str) -> Value {
    json!({
        "Arn": format!("arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/{name}"),
        "Name": name, "Type": ty, "Status": status,
    })
}

fn iam_account() -> RawResource {
    raw(
        RawKind::IamAccount,
        format!("arn:aws:iam::{ACCOUNT}:root"),
        None,
        &["iam:GetAccountSummary"],
        json!({
            "GetAccountSummary": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0},
            "ListVirtualMFADevices": [],
            "GetCredentialReport": unknown("iam:GetCredentialReport denied: AccessDenied"),
            "GetAccountPasswordPolicy": null,
            "ListEntitiesForPolicy": {"PolicyRoles": ["support"], "PolicyGroups": [], "PolicyUsers": []},
        }),
    )
}

#[test]
fn ebs_encryption_by_default_on_off_and_denied() {
    let j = Judged::of(&[
        scope("eu-west-1"),
        scope("us-east-1"),
        scope("eu-central-1"),
        // AWS answers alias/aws/ebs when no customer key is set.
        ebs(
            "eu-west-1",
            json!({"EbsEncryptionByDefault": true}),
            json!({"KmsKeyId": "alias/aws/ebs"}),
        ),
        ebs(
            "us-east-1",
            json!({"EbsEncryptionByDefault": false}),
            json!({"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
        ),
        ebs(
            "eu-central-1",
            unknown("ec2:GetEbsEncryptionByDefault denied: UnauthorizedOperation"),
            unknown("ec2:GetEbsDefaultKmsKeyId denied: UnauthorizedOperation"),
        ),
    ]);
    let on = j.get(
        "aws.ec2.ebs_encryption_by_default",
        &ebs_address("eu-west-1"),
    );
    assert_eq!(
        on.attributes,
        json!({"encryption_by_default": true, "default_kms_key_id": null})
    );
    assert_eq!(on.arn, None, "a setting, not an ARN");
    assert_eq!(
        on.provenance.attribute_sources["encryption_by_default"].operation,
        "ec2:GetEbsEncryptionByDefault"
    );
    assert_eq!(
        on.provenance.attribute_sources["default_kms_key_id"].operation,
        "ec2:GetEbsDefaultKmsKeyId"
    );
    assert_eq!(j.status("ebs-encryption", &on.address), "pass");

    let off = j.get(
        "aws.ec2.ebs_encryption_by_default",
        &ebs_address("us-east-1"),
    );
    assert_eq!(off.attributes["encryption_by_default"], json!(false));
    assert!(off.attributes["default_kms_key_id"]
        .as_str()
        .unwrap()
        .ends_with("1234567890ab"));
    assert_eq!(j.status("ebs-encryption", &off.address), "fail");

    let denied = ebs_address("eu-central-1");
    assert_eq!(j.status("ebs-encryption", &denied), "unknown");
    assert!(j
        .evidence("ebs-encryption", &denied)
        .contains("UnauthorizedOperation"));
    // One resource per region: the collector's replaces the stand-in.
    assert_eq!(j.of_kind("aws.ec2.ebs_encryption_by_default").len(), 3);
}

#[test]
fn snapshots_public_shared_private_and_denied() {
    let j = Judged::of(&[
        scope("eu-west-1"),
        listing("eu-west-1", json!({"Count": 4})),
        snap(
            "eu-west-1",
            "snap-public",
            false,
            json!([{"Group": "all", "UserId": null}]),
            json!({"Name": "db"}),
        ),
        snap(
            "eu-west-1",
            "snap-shared",
            true,
            json!([{"Group": null, "UserId": "111122223333"}]),
            json!({}),
        ),
        snap("eu-west-1", "snap-private", true, json!([]), json!({})),
        snap(
            "eu-west-1",
            "snap-denied",
            true,
            unknown("ec2:DescribeSnapshotAttribute denied: UnauthorizedOperation"),
            json!({}),
        ),
    ]);
    let public = j.get(
        "aws.ec2.snapshot",
        &snapshot_address("eu-west-1", "snap-public"),
    );
    assert_eq!(
        public.attributes,
        json!({"encrypted": false, "create_volume_permissions": [{"group": "all", "user_id": null}], "tags": {"Name": "db"}})
    );
    assert_eq!(public.arn.as_deref(), Some(public.address.as_str()));
    assert_eq!(
        public.provenance.attribute_sources["create_volume_permissions"].operation,
        "ec2:DescribeSnapshotAttribute"
    );
    assert_eq!(j.status("ebs-snapshot-not-public", &public.address), "fail");
    for id in ["snap-shared", "snap-private"] {
        let a = snapshot_address("eu-west-1", id);
        assert_eq!(j.status("ebs-snapshot-not-public", &a), "pass", "{id}");
    }
    let private = j.get(
        "aws.ec2.snapshot",
        &snapshot_address("eu-west-1", "snap-private"),
    );
    assert_eq!(private.attributes["tags"], Value::Null, "no tags is null");
    let denied = snapshot_address("eu-west-1", "snap-denied");
    assert_eq!(j.status("ebs-snapshot-not-public", &denied), "unknown");
    assert!(j
        .evidence("ebs-snapshot-not-public", &denied)
        .contains("UnauthorizedOperation"));
    // The listing answered: no stand-in beside the real snapshots.
    assert_eq!(j.of_kind("aws.ec2.snapshot").len(), 4);
}

#[test]
fn no_snapshots_is_a_fact_and_a_failed_listing_is_unknown() {
    let j = Judged::of(&[
        scope("eu-west-1"),
        scope("us-east-1"),
        scope("ap-south-1"),
        listing("eu-west-1", json!({"Count": 0})),
        listing(
            "us-east-1",
            unknown("ec2:DescribeSnapshots denied: UnauthorizedOperation"),
        ),
    ]);
    let in_region = |region: &str| -> Vec<&Resource> {
        j.of_kind("aws.ec2.snapshot")
            .into_iter()
            .filter(|r| r.region.as_deref() == Some(region))
            .collect()
    };
    assert!(
        in_region("eu-west-1").is_empty(),
        "none listed, none to judge"
    );
    let gap = in_region("us-east-1");
    assert_eq!(gap.len(), 1);
    assert_eq!(
        gap[0].address,
        format!("arn:aws:ec2:us-east-1:{ACCOUNT}:snapshot/*")
    );
    assert!(
        unknown_reason(&gap[0].attributes["create_volume_permissions"])
            .unwrap()
            .contains("UnauthorizedOperation")
    );
    assert_eq!(
        j.status("ebs-snapshot-not-public", &gap[0].address),
        "unknown"
    );
    // A region without a listing document (an older snapshot) keeps its stand-in.
    let stand_in = in_region("ap-south-1");
    assert_eq!(stand_in.len(), 1);
    assert!(unknown_reason(&stand_in[0].attributes["encrypted"])
        .unwrap()
        .contains("not collected"));
}

fn iam_address() -> String {
    format!("arn:aws:iam::{ACCOUNT}:root")
}

fn account_address() -> String {
    format!("arn:aws:account::{ACCOUNT}:account")
}

#[test]
fn enabled_regions_fill_both_account_resources() {
    let j = Judged::of(&[
        iam_account(),
        scope("eu-west-1"),
        regions(json!(["eu-west-1", "us-east-1"])),
        analyzers(
            "eu-west-1",
            json!([analyzer("eu-west-1", "a", "ACCOUNT", "ACTIVE")]),
        ),
        analyzers(
            "us-east-1",
            json!([analyzer("us-east-1", "org", "ORGANIZATION", "ACTIVE")]),
        ),
    ]);
    for (kind, address) in [
        ("aws.account", account_address()),
        ("aws.iam.account", iam_address()),
    ] {
        let r = j.get(kind, &address);
        assert_eq!(
            r.attributes["regions"],
            json!(["eu-west-1", "us-east-1"]),
            "{kind}"
        );
        assert_eq!(
            r.provenance.attribute_sources["regions"].operation,
            "ec2:DescribeRegions"
        );
        assert!(r
            .provenance
            .api_calls
            .contains(&"ec2:DescribeRegions".to_owned()));
    }
    let iam = j.get("aws.iam.account", &iam_address());
    assert_eq!(
        iam.attributes["access_analyzer_regions"],
        json!(["eu-west-1", "us-east-1"])
    );
    assert_eq!(
        iam.provenance.attribute_sources["access_analyzer_regions"].operation,
        "access-analyzer:ListAnalyzers"
    );
    assert_eq!(
        j.status("iam-access-analyzer-enabled", &iam_address()),
        "pass"
    );
}

#[test]
fn unused_and_internal_access_creating_and_failed_analyzers_do_not_count() {
    let j = Judged::of(&[
        iam_account(),
        scope("eu-west-1"),
        scope("us-east-1"),
        regions(json!(["eu-west-1", "us-east-1"])),
        analyzers(
            "eu-west-1",
            json!([
                analyzer("eu-west-1", "unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE"),
                analyzer(
                    "eu-west-1",
                    "org-unused",
                    "ORGANIZATION_UNUSED_ACCESS",
                    "ACTIVE"
                ),
                analyzer("eu-west-1", "internal", "ACCOUNT_INTERNAL_ACCESS", "ACTIVE"),
                analyzer("eu-west-1", "new", "ACCOUNT", "CREATING"),
                analyzer("eu-west-1", "broken", "ACCOUNT", "FAILED"),
            ]),
        ),
        analyzers(
            "us-east-1",
            json!([analyzer("us-east-1", "a", "ACCOUNT", "ACTIVE")]),
        ),
    ]);
    let iam = j.get("aws.iam.account", &iam_address());
    assert_eq!(
        iam.attributes["access_analyzer_regions"],
        json!(["us-east-1"])
    );
    assert_eq!(
        j.status("iam-access-analyzer-enabled", &iam_address()),
        "fail"
    );
    assert!(j
        .evidence("iam-access-analyzer-enabled", &iam_address())
        .contains("no active external-access analyzer in eu-west-1"));
}

#[test]
fn a_region_not_read_or_denied_is_unknown_never_missing() {
    // Only eu-west-1 was read (no analyzer there is a fact), us-east-1 is enabled but not read.
    let partial = Judged::of(&[
        iam_account(),
        scope("eu-west-1"),
        regions(json!(["eu-west-1", "us-east-1"])),
        analyzers(
            "eu-west-1",
            json!([analyzer("eu-west-1", "a", "ACCOUNT", "ACTIVE")]),
        ),
    ]);
    let iam = partial.get("aws.iam.account", &iam_address());
    let list = iam.attributes["access_analyzer_regions"]
        .as_array()
        .unwrap();
    assert_eq!(list[0], json!("eu-west-1"));
    assert!(unknown_reason(&list[1])
        .unwrap()
        .starts_with("us-east-1: not collected"));
    assert_eq!(
        partial.status("iam-access-analyzer-enabled", &iam_address()),
        "unknown"
    );

    let denied = Judged::of(&[
        iam_account(),
        scope("eu-west-1"),
        regions(json!(["eu-west-1"])),
        analyzers(
            "eu-west-1",
            unknown("access-analyzer:ListAnalyzers denied: AccessDeniedException"),
        ),
    ]);
    let iam = denied.get("aws.iam.account", &iam_address());
    assert_eq!(
        iam.attributes["access_analyzer_regions"],
        json!([unknown(
            "eu-west-1: access-analyzer:ListAnalyzers denied: AccessDeniedException"
        )])
    );
    assert_eq!(
        denied.status("iam-access-analyzer-enabled", &iam_address()),
        "unknown"
    );

    // DescribeRegions denied: both resources' regions are the failure, the rule unknown.
    let no_regions = Judged::of(&[
        iam_account(),
        scope("eu-west-1"),
        regions(unknown("ec2:DescribeRegions denied: UnauthorizedOperation")),
        analyzers("eu-west-1", json!([])),
    ]);
    for (kind, address) in [
        ("aws.account", account_address()),
        ("aws.iam.account", iam_address()),
    ] {
        assert_eq!(
            unknown_reason(&no_regions.get(kind, &address).attributes["regions"]),
            Some("ec2:DescribeRegions denied: UnauthorizedOperation"),
            "{kind}"
        );
    }
    assert_eq!(
        no_regions.get("aws.iam.account", &iam_address()).attributes["access_analyzer_regions"],
        json!([])
    );
    assert_eq!(
        no_regions.status("iam-access-analyzer-enabled", &iam_address()),
        "unknown"
    );
}

#[test]
fn without_ec2_documents_the_facts_stay_not_collected() {
    let j = Judged::of(&[iam_account(), scope("eu-west-1")]);
    let iam = j.get("aws.iam.account", &iam_address());
    assert!(unknown_reason(&iam.attributes["regions"])
        .unwrap()
        .contains("ec2:DescribeRegions"));
    assert!(unknown_reason(&iam.attributes["access_analyzer_regions"])
        .unwrap()
        .contains("access-analyzer:ListAnalyzers"));
    let stand_in = j.get(
        "aws.ec2.ebs_encryption_by_default",
        &ebs_address("eu-west-1"),
    );
    assert!(
        unknown_reason(&stand_in.attributes["encryption_by_default"])
            .unwrap()
            .contains("not collected")
    );
}
