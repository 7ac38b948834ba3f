//! EC2 collector: the account's enabled regions (`DescribeRegions`, once per account), and
//! per region the EBS encryption-by-default setting and the account's own EBS snapshots with
//! who may create volumes from them.
//!
//! What the answers mean:
//! - `DescribeRegions` without `AllRegions` lists the regions enabled for the account
//!   (`opt-in-not-required` and `opted-in`); a region in any other state is dropped all the
//!   same, should the service ever list one.
//! - `GetEbsEncryptionByDefault` and `GetEbsDefaultKmsKeyId` always answer with the setting;
//!   no error code means "not configured" (a region without a customer key answers
//!   `alias/aws/ebs`).
//! - `DescribeSnapshots` with `OwnerIds=["self"]` lists only the account's snapshots; a
//!   snapshot owned by another account (an emulator may ignore the owner filter) is not the
//!   account's to judge and is dropped. No snapshots is a fact: one
//!   [`RawKind::Ec2SnapshotListing`] document per region says how the listing went, so a
//!   region without snapshots needs no stand-in and a failed listing makes one with the error.
//! - `DescribeSnapshotAttribute(createVolumePermission)` answering
//!   `InvalidSnapshot.NotFound` means the snapshot was deleted after the listing: it is gone,
//!   not unknown, and is dropped.

use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::call::{Answer, Caller};
use super::ops;
use super::raw::{RawKind, RawResource};
use super::{client, Ctx};
use crate::model::unknown;

/// Region opt-in states that mean "enabled for the account".
const ENABLED: &[&str] = &["opt-in-not-required", "opted-in"];

/// The regions enabled for the account of `config`, sorted, or the unknown reason when
/// `DescribeRegions` did not answer (the failed call is recorded by `caller`).
pub async fn enabled_regions(
    caller: &Caller,
    config: &aws_config::SdkConfig,
    region: &str,
) -> Result<Vec<String>, String> {
    let ec2 = aws_sdk_ec2::Client::new(&client::in_region(config, region));
    match caller
        .call(
            &ops::EC2_DESCRIBE_REGIONS,
            region,
            None,
            &[],
            ec2.describe_regions().send(),
        )
        .await
    {
        Answer::Ok(out) => {
            let mut names: Vec<String> = out
                .regions()
                .iter()
                .filter(|r| r.opt_in_status().is_none_or(|s| ENABLED.contains(&s)))
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            names.sort();
            names.dedup();
            Ok(names)
        }
        Answer::NotConfigured(reason) | Answer::Failed(reason) => Err(reason),
    }
}

/// The account's [`RawKind::Ec2Regions`] document: `{"DescribeRegions": [names] | unknown}`.
pub fn regions_document(
    ctx: &Ctx,
    home: &str,
    answer: &Result<Vec<String>, String>,
) -> RawResource {
    ctx.raw(
        RawKind::Ec2Regions,
        format!(
            "arn:{}:ec2::{}:regions",
            client::partition(home),
            ctx.account_or_unknown()
        ),
        None,
        vec![ops::EC2_DESCRIBE_REGIONS.label()],
        json!({
            "DescribeRegions": match answer {
                Ok(names) => json!(names),
                Err(reason) => unknown(reason.clone()),
            },
            "CalledIn": home,
        }),
    )
}

fn source(op: &ops::Op) -> Value {
    json!({ "operation": op.label() })
}

/// Reads EBS encryption by default and the account's snapshots in `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let ec2 = aws_sdk_ec2::Client::new(&client::in_region(&ctx.config, region));
    let (default, snapshots) = tokio::join!(
        ebs_encryption_by_default(ctx, &ec2, region),
        snapshots(ctx, &ec2, region)
    );
    let mut out = vec![default];
    out.extend(snapshots);
    out
}

async fn ebs_encryption_by_default(
    ctx: &Ctx,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> RawResource {
    let (enabled, key) = tokio::join!(
        ctx.caller.call(
            &ops::EC2_GET_EBS_ENCRYPTION_BY_DEFAULT,
            region,
            None,
            &[],
            ec2.get_ebs_encryption_by_default().send(),
        ),
        ctx.caller.call(
            &ops::EC2_GET_EBS_DEFAULT_KMS_KEY_ID,
            region,
            None,
            &[],
            ec2.get_ebs_default_kms_key_id().send(),
        ),
    );
    let data = json!({
        "GetEbsEncryptionByDefault": enabled.to_value(|o| json!({ "EbsEncryptionByDefault": o.ebs_encryption_by_default() })),
        "GetEbsDefaultKmsKeyId": key.to_value(|o| json!({ "KmsKeyId": o.kms_key_id() })),
        "Sources": {
            "encryption_by_default": source(&ops::EC2_GET_EBS_ENCRYPTION_BY_DEFAULT),
            "default_kms_key_id": source(&ops::EC2_GET_EBS_DEFAULT_KMS_KEY_ID),
        },
    });
    ctx.raw(
        RawKind::EbsEncryptionByDefault,
        format!(
            "arn:{}:ec2:{region}:{}:ebs-encryption-by-default",
            client::partition(region),
            ctx.account_or_unknown()
        ),
        Some(region.to_owned()),
        vec![
            ops::EC2_GET_EBS_ENCRYPTION_BY_DEFAULT.label(),
            ops::EC2_GET_EBS_DEFAULT_KMS_KEY_ID.label(),
        ],
        data,
    )
}

async fn snapshots(ctx: &Ctx, ec2: &aws_sdk_ec2::Client, region: &str) -> Vec<RawResource> {
    let mut listed: Vec<aws_sdk_ec2::types::Snapshot> = Vec::new();
    let mut token: Option<String> = None;
    let mut failed: Option<String> = None;
    loop {
        let request = ec2
            .describe_snapshots()
            .owner_ids("self")
            .max_results(1000)
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::EC2_DESCRIBE_SNAPSHOTS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                listed.extend(out.snapshots().iter().cloned());
                token = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                failed = Some(reason);
                break;
            }
        }
    }
    let account = ctx.account.clone();
    // Only the account's own snapshots (OwnerIds=self); an unknown account keeps them all.
    listed.retain(|s| match (&account, s.owner_id()) {
        (Some(a), Some(owner)) => a == owner,
        _ => true,
    });
    listed.sort_by(|a, b| a.snapshot_id().cmp(&b.snapshot_id()));
    listed.dedup_by(|a, b| a.snapshot_id() == b.snapshot_id());

    let partition = client::partition(region);
    let mut out: Vec<RawResource> = futures::stream::iter(listed.into_iter().filter_map(|s| {
        let id = s.snapshot_id()?.to_owned();
        Some((id, s))
    }))
    .map(|(id, s)| async move {
        let attribute = ctx
            .caller
            .call(
                &ops::EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE,
                region,
                Some(&id),
                &["InvalidSnapshot.NotFound"],
                ec2.describe_snapshot_attribute()
                    .snapshot_id(&id)
                    .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
                    .send(),
            )
            .await;
        if matches!(attribute, Answer::NotConfigured(_)) {
            // Deleted between the listing and this call.
            return None;
        }
        let permissions = attribute.to_value(|o| {
            json!(o
                .create_volume_permissions()
                .iter()
                .map(|p| json!({ "Group": p.group().map(|g| g.as_str()), "UserId": p.user_id() }))
                .collect::<Vec<_>>())
        });
        let tags: Map<String, Value> = s
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), json!(t.value().unwrap_or_default()))))
            .collect();
        let data = json!({
            "SnapshotId": id,
            "DescribeSnapshots": {
                "OwnerId": s.owner_id(),
                "Encrypted": s.encrypted(),
                "KmsKeyId": s.kms_key_id(),
                "VolumeId": s.volume_id(),
                "State": s.state().map(|x| x.as_str()),
                "Tags": tags,
            },
            "CreateVolumePermissions": permissions,
            "Sources": {
                "encrypted": source(&ops::EC2_DESCRIBE_SNAPSHOTS),
                "tags": source(&ops::EC2_DESCRIBE_SNAPSHOTS),
                "create_volume_permissions": source(&ops::EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE),
            },
        });
        let owner = s
            .owner_id()
            .map(str::to_owned)
            .unwrap_or_else(|| ctx.account_or_unknown().to_owned());
        Some(ctx.raw(
            RawKind::Ec2Snapshot,
            format!("arn:{partition}:ec2:{region}:{owner}:snapshot/{id}"),
            Some(region.to_owned()),
            vec![
                ops::EC2_DESCRIBE_SNAPSHOTS.label(),
                ops::EC2_DESCRIBE_SNAPSHOT_ATTRIBUTE.label(),
            ],
            data,
        ))
    })
    .buffer_unordered(ctx.concurrency)
    .filter_map(|r| async move { r })
    .collect()
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    let count = out.len();
    out.push(ctx.raw(
        RawKind::Ec2SnapshotListing,
        format!(
            "arn:{partition}:ec2:{region}:{}:snapshot/*",
            ctx.account_or_unknown()
        ),
        Some(region.to_owned()),
        vec![ops::EC2_DESCRIBE_SNAPSHOTS.label()],
        json!({
            "DescribeSnapshots": match failed {
                Some(reason) => unknown(reason),
                None => json!({ "Count": count }),
            },
        }),
    ));
    out
}
