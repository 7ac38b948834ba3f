//! AWS Config collector: the recorder and delivery-channel state of a region (one document
//! per region, also when there is no recorder), and the configuration items of the resource
//! types vouch judges, read with `ListDiscoveredResources` + `BatchGetResourceConfig`.
//!
//! It owns the judgement "are this region's items of this type current": a recorder records
//! the type now ([`recording`]: recording, latest status not `Failure`, the type in its
//! recording group). The S3 collector asks it about `AWS::S3::Bucket` (to decide whether
//! bucket items can stand in for S3 calls); the inventory asks it about every type in
//! [`RESOURCE_TYPES`] ([`plan`]) and reads only the types whose items are current. A type
//! that is not read gets a [`ConfigCoverage`] record saying why (no recorder, stopped or
//! failing recorder, not in the recording group, recorder state unknown, a failed read), from
//! which normalization makes stand-ins whose facts are unknown: vouch never judges items a
//! stopped or failing recorder left behind, and never lets "not recorded" pass for "none".
//!
//! Where a type is recorded matters too ([`Scope`]): the global IAM types are the same in
//! every region that records them and are read once, from the first such region; CloudFront
//! distributions are recorded in us-east-1 only.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::call::{Answer, FailedCall};
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::{unknown, unknown_reason};

/// Config resource types collected as configuration items.
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::ACM::Certificate",
    "AWS::ApiGateway::Stage",
    // Read for the protocol (HTTP or WebSocket) of the APIs whose stages are read.
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::AutoScaling::LaunchConfiguration",
    "AWS::CloudFront::Distribution",
    "AWS::CloudTrail::Trail",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SnapshotBlockPublicAccess",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
    "AWS::EC2::Volume",
    "AWS::ECR::Repository",
    "AWS::EFS::FileSystem",
    "AWS::EKS::Cluster",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::IAM::Policy",
    "AWS::IAM::User",
    "AWS::Lambda::Function",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBSnapshot",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SSM::PatchCompliance",
    "AWS::SecretsManager::Secret",
    "AWS::WAFv2::WebACL",
    // Joined into every bucket as the account-level public access block.
    "AWS::S3::AccountPublicAccessBlock",
];

/// `BatchGetResourceConfig` accepts at most 100 keys.
pub const BATCH: usize = 100;

/// The Config resource type of an S3 bucket.
pub const S3_BUCKET_TYPE: &str = "AWS::S3::Bucket";

/// The globally recorded IAM types: identical copies in every region whose recorder
/// includes them.
pub const GLOBAL_IAM_TYPES: &[&str] = &[
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
];

/// Regions AWS Config launched in after February 2022, where it cannot record the global
/// IAM types (AWS Config developer guide, "Recording global resources").
const NO_GLOBAL_IAM_REGIONS: &[&str] = &[
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "mx-central-1",
];

/// The region where AWS Config records CloudFront distributions (a global service) in the
/// `aws` partition.
pub const CLOUDFRONT_HOME: &str = "us-east-1";

/// Where AWS Config records a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Each region records its own resources.
    Regional,
    /// A global IAM type: the same items in every region that records it; read once.
    GlobalIam,
    /// Recorded in [`CLOUDFRONT_HOME`] only (in the `aws` partition; elsewhere regional).
    CloudFrontHome,
}

/// Where AWS Config records `rtype`.
pub fn scope(rtype: &str) -> Scope {
    if GLOBAL_IAM_TYPES.contains(&rtype) {
        Scope::GlobalIam
    } else if rtype == "AWS::CloudFront::Distribution" {
        Scope::CloudFrontHome
    } else {
        Scope::Regional
    }
}

/// Whether one region's inventory of one type was read, and why not: the evidence of what
/// the inventory covers (one per collected account, region and type, in the snapshot).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConfigCoverage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub region: String,
    pub resource_type: String,
    pub status: CoverageStatus,
    /// The recorder that records the type here (when one does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorder: Option<String>,
    /// Items read (`read`, `read_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<usize>,
    /// Why the type was not read, or what to know about the items that were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The coverage decision for one region and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Recorded now and read: the items are the current configuration.
    Read,
    /// Recorded now, but a read failed: the resources it would have returned are missing.
    ReadFailed,
    /// No recorder records the type here (none, or its recording group leaves it out).
    NotRecorded,
    /// A recorder records the type but is stopped or its latest recording failed: its items
    /// may be stale, so they are not read.
    Stale,
    /// The recorder state could not be read, so whether the items are current is unknown.
    RecorderUnknown,
    /// Recorded in another region (a global type, read once; CloudFront in us-east-1).
    Elsewhere,
}

/// Whether a region's AWS Config records a resource type now, read from its [`recorder`]
/// document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    /// A recorder that records the type is on and its latest recording did not fail.
    Recording {
        /// The recorder's name.
        recorder: String,
        /// True when the type is recorded once a day instead of on every change.
        daily: bool,
    },
    /// Why the region's items of the type may not reflect the current configuration.
    NotRecording {
        status: CoverageStatus,
        /// Without the region: "recorder default is not recording (stopped at ...)".
        reason: String,
    },
}

/// [`recording`] of `AWS::S3::Bucket` (a regional type, so the region does not matter).
pub fn s3_recording(data: &Value) -> Recording {
    recording(data, "", S3_BUCKET_TYPE)
}

/// Reads a [`recorder`] document of `region`: does a recorder there record `rtype` now?
///
/// Healthy means: a recorder whose recording group covers the type (all supported types, an
/// inclusion list naming it, or an exclusion list that does not; the global IAM types only
/// where the group includes them and the region can record them), that is recording, and
/// whose latest recording status is not `Failure`. `Pending` counts as healthy: it is the
/// state of a recorder processing a change, which an active account's recorder is often in;
/// requiring `Success` would make the decision flip with timing.
pub fn recording(data: &Value, region: &str, rtype: &str) -> Recording {
    let not = |status, reason: String| Recording::NotRecording { status, reason };
    let recorders = data.get("Recorders").cloned().unwrap_or(Value::Null);
    if let Some(reason) = unknown_reason(&recorders) {
        return not(
            CoverageStatus::RecorderUnknown,
            format!("the recorder state is unknown ({reason})"),
        );
    }
    let status = data.get("RecorderStatus").cloned().unwrap_or(Value::Null);
    if let Some(reason) = unknown_reason(&status) {
        return not(
            CoverageStatus::RecorderUnknown,
            format!("the recorder status is unknown ({reason})"),
        );
    }
    let recorders = recorders.as_array().cloned().unwrap_or_default();
    if recorders.is_empty() {
        return not(
            CoverageStatus::NotRecorded,
            "no configuration recorder".to_owned(),
        );
    }
    let statuses = status.as_array().cloned().unwrap_or_default();
    let mut reasons = Vec::new();
    // The most telling reason wins: a stopped recorder of the type says more than another
    // recorder that does not record it.
    let mut worst = CoverageStatus::NotRecorded;
    let mut best: Option<Recording> = None;
    for rec in &recorders {
        let name = rec.get("Name").and_then(Value::as_str).unwrap_or("?");
        if let Err(why) = records(rec, region, rtype) {
            reasons.push(format!("recorder {name} does not record {rtype} ({why})"));
            continue;
        }
        let Some(st) = statuses
            .iter()
            .find(|s| s.get("Name").and_then(Value::as_str) == Some(name))
        else {
            reasons.push(format!("recorder {name} has no status"));
            worst = worst.max(CoverageStatus::RecorderUnknown);
            continue;
        };
        let at = |key: &str| {
            st.get(key)
                .and_then(Value::as_str)
                .map(|t| format!(" at {t}"))
                .unwrap_or_default()
        };
        if st.get("Recording").and_then(Value::as_bool) != Some(true) {
            let since = st
                .get("LastStopTime")
                .and_then(Value::as_str)
                .map(|t| format!(" (stopped at {t})"))
                .unwrap_or_default();
            reasons.push(format!("recorder {name} is not recording{since}"));
            worst = worst.max(CoverageStatus::Stale);
            continue;
        }
        let last = st.get("LastStatus").and_then(Value::as_str).unwrap_or("");
        if last.eq_ignore_ascii_case("failure") {
            let code = st
                .get("LastErrorCode")
                .and_then(Value::as_str)
                .unwrap_or("no error code");
            reasons.push(format!(
                "recorder {name}'s last recording failed ({code}){}",
                at("LastStatusChangeTime")
            ));
            worst = worst.max(CoverageStatus::Stale);
            continue;
        }
        let daily = frequency(rec, rtype).eq_ignore_ascii_case("daily");
        let found = Recording::Recording {
            recorder: name.to_owned(),
            daily,
        };
        // A recorder that records every change beats one that records once a day.
        match &best {
            Some(Recording::Recording { daily: false, .. }) => {}
            _ => best = Some(found),
        }
    }
    best.unwrap_or_else(|| not(worst, reasons.join("; ")))
}

/// Whether a recorder's recording group covers `rtype` in `region`; `Err` says why not.
fn records(rec: &Value, region: &str, rtype: &str) -> Result<(), String> {
    let listed = |key: &str| {
        rec.get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(rtype)))
    };
    let global = GLOBAL_IAM_TYPES.contains(&rtype);
    if global && NO_GLOBAL_IAM_REGIONS.contains(&region) {
        return Err(format!(
            "AWS Config cannot record the global IAM types in {region}"
        ));
    }
    let include_global = rec
        .get("IncludeGlobalResourceTypes")
        .and_then(Value::as_bool)
        == Some(true);
    match rec.get("RecordingStrategy").and_then(Value::as_str) {
        Some("ALL_SUPPORTED_RESOURCE_TYPES") => {
            if global && !include_global {
                Err("all supported types, without the global IAM types".to_owned())
            } else {
                Ok(())
            }
        }
        Some("INCLUSION_BY_RESOURCE_TYPES") => {
            if listed("ResourceTypes") {
                Ok(())
            } else {
                Err("its inclusion list leaves it out".to_owned())
            }
        }
        Some("EXCLUSION_BY_RESOURCE_TYPES") => {
            if listed("ExclusionByResourceTypes") {
                Err("its exclusion list names it".to_owned())
            } else {
                Ok(())
            }
        }
        // No strategy (older recorders): the all-supported switch or the inclusion list.
        _ => {
            let all = rec.get("AllSupported").and_then(Value::as_bool) == Some(true);
            if listed("ResourceTypes") || (all && (!global || include_global)) {
                Ok(())
            } else if all {
                Err("all supported types, without the global IAM types".to_owned())
            } else {
                Err("its resource type list leaves it out".to_owned())
            }
        }
    }
}

/// The recording frequency of `rtype`: an override naming the type, else the recorder's
/// default, else continuous (what AWS Config does without a recording mode).
fn frequency(rec: &Value, rtype: &str) -> String {
    let overridden = rec
        .get("RecordingModeOverrides")
        .and_then(Value::as_array)
        .and_then(|o| {
            o.iter().find(|o| {
                o.get("ResourceTypes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(rtype)))
            })
        })
        .and_then(|o| o.get("RecordingFrequency"))
        .and_then(Value::as_str);
    overridden
        .or_else(|| rec.get("RecordingFrequency").and_then(Value::as_str))
        .unwrap_or("CONTINUOUS")
        .to_owned()
}

/// How one region's inventory of one type is to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Read the items: `recorder` records the type now (`daily`: once a day).
    Read { recorder: String, daily: bool },
    /// Do not read them, and why.
    Skip {
        status: CoverageStatus,
        reason: String,
    },
}

/// The inventory plan of one account: per collected region, the decision for every type in
/// [`RESOURCE_TYPES`], from the recorder documents ([`recorder`]) of those regions.
///
/// A global IAM type is read in the first region (by name) that records it, and marked
/// [`CoverageStatus::Elsewhere`] in the other regions that record it. CloudFront
/// distributions are read in [`CLOUDFRONT_HOME`] only (in the `aws` partition).
pub fn plan(recorders: &[RawResource]) -> Vec<(String, Vec<(&'static str, Decision)>)> {
    let mut regions: Vec<(&str, &Value)> = recorders
        .iter()
        .filter(|r| r.kind == RawKind::ConfigRecorder)
        .filter_map(|r| Some((r.region.as_deref()?, &r.data)))
        .collect();
    regions.sort_by(|a, b| a.0.cmp(b.0));
    regions.dedup_by(|a, b| a.0 == b.0);
    let judged = |region: &str, data: &Value, rtype: &str| match recording(data, region, rtype) {
        Recording::Recording { recorder, daily } => Decision::Read { recorder, daily },
        Recording::NotRecording { status, reason } => Decision::Skip { status, reason },
    };
    let mut out: Vec<(String, Vec<(&'static str, Decision)>)> = regions
        .iter()
        .map(|(r, _)| ((*r).to_owned(), Vec::new()))
        .collect();
    for rtype in RESOURCE_TYPES {
        let mut read_in: Option<&str> = None;
        for (i, (region, data)) in regions.iter().enumerate() {
            let partition = super::client::partition(region);
            let decision = match scope(rtype) {
                Scope::CloudFrontHome if partition == "aws" && *region != CLOUDFRONT_HOME => {
                    Decision::Skip {
                        status: CoverageStatus::Elsewhere,
                        reason: format!("AWS Config records {rtype} in {CLOUDFRONT_HOME} only"),
                    }
                }
                Scope::GlobalIam => match (judged(region, data, rtype), read_in) {
                    (Decision::Read { .. }, Some(first)) => Decision::Skip {
                        status: CoverageStatus::Elsewhere,
                        reason: format!("a global type, the same in every region that records it: read in {first}"),
                    },
                    (Decision::Read { recorder, daily }, None) => {
                        read_in = Some(region);
                        Decision::Read { recorder, daily }
                    }
                    (skip, _) => skip,
                },
                _ => judged(region, data, rtype),
            };
            if let Some((_, decisions)) = out.get_mut(i) {
                decisions.push((rtype, decision));
            }
        }
        // A global type read in one region is no gap of the regions that do not record it.
        if let Some(first) = read_in {
            for (_, decisions) in &mut out {
                let Some((_, Decision::Skip { status, reason })) =
                    decisions.iter_mut().rev().find(|(t, _)| t == rtype)
                else {
                    continue;
                };
                if *status != CoverageStatus::Elsewhere {
                    *reason = format!(
                        "{reason}; a global type, the same in every region that records it: read in {first}"
                    );
                    *status = CoverageStatus::Elsewhere;
                }
            }
        }
    }
    out
}

/// Reads the configuration items of `region` that its `decisions` (one per type, from
/// [`plan`]) allow, and returns them with the coverage record of every type.
pub async fn collect(
    ctx: &Ctx,
    region: &str,
    decisions: &[(&'static str, Decision)],
) -> (Vec<RawResource>, Vec<ConfigCoverage>) {
    let client = aws_sdk_config::Client::new(&super::client::in_region(&ctx.config, region));
    let record = |rtype: &str, status, recorder: Option<&str>, items, reason: Option<String>| {
        ConfigCoverage {
            account: ctx.account.clone(),
            region: region.to_owned(),
            resource_type: rtype.to_owned(),
            status,
            recorder: recorder.map(str::to_owned),
            items,
            reason,
        }
    };
    let read = futures::future::join_all(decisions.iter().filter_map(|(rtype, d)| match d {
        Decision::Read { recorder, daily } => {
            let client = &client;
            Some(async move {
                let (raws, failure) = items(ctx, client, region, rtype).await;
                let count = Some(raws.len());
                let coverage = match failure {
                    Some(why) => record(rtype, CoverageStatus::ReadFailed, Some(recorder), count, Some(why)),
                    None => record(
                        rtype,
                        CoverageStatus::Read,
                        Some(recorder),
                        count,
                        daily.then(|| format!("recorder {recorder} records {rtype} once a day: its items may be up to a day old")),
                    ),
                };
                (raws, coverage)
            })
        }
        Decision::Skip { .. } => None,
    }))
    .await;
    let mut out = Vec::new();
    let mut coverage = Vec::new();
    for (raws, c) in read {
        out.extend(raws);
        coverage.push(c);
    }
    for (rtype, d) in decisions {
        if let Decision::Skip { status, reason } = d {
            coverage.push(record(rtype, *status, None, None, Some(reason.clone())));
        }
    }
    coverage.sort();
    (out, coverage)
}

/// Reads the recorder and delivery-channel state of `region`: one document, also when the
/// region has no recorder. The S3 collector reads it too ([`s3_recording`]) to decide whether
/// the region's AWS Config items can stand in for S3 calls.
pub async fn recorder(ctx: &Ctx, region: &str) -> RawResource {
    let client = aws_sdk_config::Client::new(&super::client::in_region(&ctx.config, region));
    let client = &client;
    let c = &ctx.caller;
    let (recorders, status, channels, channel_status) = tokio::join!(
        c.call(
            &ops::CONFIG_DESCRIBE_RECORDERS,
            region,
            None,
            &[],
            client.describe_configuration_recorders().send()
        ),
        c.call(
            &ops::CONFIG_DESCRIBE_RECORDER_STATUS,
            region,
            None,
            &[],
            client.describe_configuration_recorder_status().send()
        ),
        c.call(
            &ops::CONFIG_DESCRIBE_DELIVERY_CHANNELS,
            region,
            None,
            &[],
            client.describe_delivery_channels().send()
        ),
        c.call(
            &ops::CONFIG_DESCRIBE_DELIVERY_CHANNEL_STATUS,
            region,
            None,
            &[],
            client.describe_delivery_channel_status().send()
        ),
    );
    let mut data = Map::new();
    data.insert(
        "Recorders".into(),
        recorders.to_value(|o| {
            Value::Array(
                o.configuration_recorders()
                    .iter()
                    .map(|r| {
                        let group = r.recording_group();
                        let mode = r.recording_mode();
                        let types = |t: &[aws_sdk_config::types::ResourceType]| {
                            t.iter().map(|t| t.as_str().to_owned()).collect::<Vec<_>>()
                        };
                        json!({
                            "Name": r.name(),
                            "RoleArn": r.role_arn(),
                            "ServicePrincipal": r.service_principal(),
                            "AllSupported": group.map(|g| g.all_supported()),
                            "IncludeGlobalResourceTypes": group.map(|g| g.include_global_resource_types()),
                            "ResourceTypes": group.map(|g| types(g.resource_types())),
                            "RecordingStrategy": group.and_then(|g| g.recording_strategy()).and_then(|s| s.use_only()).map(|u| u.as_str()),
                            "ExclusionByResourceTypes": group.and_then(|g| g.exclusion_by_resource_types()).map(|e| types(e.resource_types())),
                            "RecordingFrequency": mode.map(|m| m.recording_frequency().as_str()),
                            "RecordingModeOverrides": mode.map(|m| m.recording_mode_overrides().iter().map(|o| json!({
                                "ResourceTypes": types(o.resource_types()),
                                "RecordingFrequency": o.recording_frequency().as_str(),
                            })).collect::<Vec<_>>()),
                        })
                    })
                    .collect(),
            )
        }),
    );
    data.insert(
        "RecorderStatus".into(),
        status.to_value(|o| {
            Value::Array(
                o.configuration_recorders_status()
                    .iter()
                    .map(|s| {
                        let time = |t: Option<&aws_smithy_types::DateTime>| {
                            t.and_then(|t| {
                                t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
                            })
                        };
                        json!({
                            "Name": s.name(),
                            "Recording": s.recording(),
                            "LastStatus": s.last_status().map(|x| x.as_str()),
                            "LastErrorCode": s.last_error_code(),
                            "LastStartTime": time(s.last_start_time()),
                            "LastStopTime": time(s.last_stop_time()),
                            "LastStatusChangeTime": time(s.last_status_change_time()),
                        })
                    })
                    .collect(),
            )
        }),
    );
    data.insert(
        "DeliveryChannels".into(),
        channels.to_value(|o| {
            Value::Array(
                o.delivery_channels()
                    .iter()
                    .map(|d| json!({ "Name": d.name(), "S3BucketName": d.s3_bucket_name(), "SnsTopicARN": d.sns_topic_arn() }))
                    .collect(),
            )
        }),
    );
    data.insert(
        "DeliveryChannelStatus".into(),
        channel_status.to_value(|o| {
            Value::Array(
                o.delivery_channels_status()
                    .iter()
                    .map(|d| {
                        json!({
                            "Name": d.name(),
                            "LastStatus": d.config_history_delivery_info().and_then(|i| i.last_status()).map(|s| s.as_str()),
                        })
                    })
                    .collect(),
            )
        }),
    );
    ctx.raw(
        RawKind::ConfigRecorder,
        format!(
            "arn:aws:config:{region}:{}:configuration-recorder",
            ctx.account_or_unknown()
        ),
        Some(region.to_owned()),
        vec![
            ops::CONFIG_DESCRIBE_RECORDERS.label(),
            ops::CONFIG_DESCRIBE_RECORDER_STATUS.label(),
            ops::CONFIG_DESCRIBE_DELIVERY_CHANNELS.label(),
            ops::CONFIG_DESCRIBE_DELIVERY_CHANNEL_STATUS.label(),
        ],
        Value::Object(data),
    )
}

/// Lists and reads the items of one type in `region`. The second value says why some or
/// all of them could not be read (the failed calls are recorded as such too).
async fn items(
    ctx: &Ctx,
    client: &aws_sdk_config::Client,
    region: &str,
    resource_type: &str,
) -> (Vec<RawResource>, Option<String>) {
    let rtype = aws_sdk_config::types::ResourceType::from(resource_type);
    let mut failures: Vec<String> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .list_discovered_resources()
            .resource_type(rtype.clone())
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::CONFIG_LIST_DISCOVERED_RESOURCES,
                region,
                Some(resource_type),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(o) => {
                ids.extend(
                    o.resource_identifiers()
                        .iter()
                        .filter_map(|r| r.resource_id().map(str::to_owned)),
                );
                token = o.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Answer::Failed(why) | Answer::NotConfigured(why) => {
                failures.push(if ids.is_empty() {
                    why
                } else {
                    format!("{why} after {} resources were listed", ids.len())
                });
                break;
            }
        }
    }
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let keys: Vec<aws_sdk_config::types::ResourceKey> = chunk
            .iter()
            .filter_map(|id| {
                aws_sdk_config::types::ResourceKey::builder()
                    .resource_type(rtype.clone())
                    .resource_id(id)
                    .build()
                    .ok()
            })
            .collect();
        let request = client
            .batch_get_resource_config()
            .set_resource_keys(Some(keys));
        match ctx
            .caller
            .call(
                &ops::CONFIG_BATCH_GET_RESOURCE_CONFIG,
                region,
                Some(resource_type),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(o) => {
                for item in o.base_configuration_items() {
                    out.push(raw_item(ctx, region, resource_type, item));
                }
                let unprocessed = o.unprocessed_resource_keys();
                for key in unprocessed {
                    ctx.caller.record(FailedCall {
                        service: "config".into(),
                        operation: ops::CONFIG_BATCH_GET_RESOURCE_CONFIG.name.into(),
                        region: region.to_owned(),
                        resource: Some(format!("{resource_type}/{}", key.resource_id())),
                        error_code: "UnprocessedResourceKey".into(),
                        message: "returned as unprocessed; its configuration was not read".into(),
                    });
                }
                if !unprocessed.is_empty() {
                    failures.push(format!(
                        "{} returned {} of them as unprocessed",
                        ops::CONFIG_BATCH_GET_RESOURCE_CONFIG.label(),
                        unprocessed.len()
                    ));
                }
            }
            // The failure is recorded; the resources of this batch are not in the snapshot.
            Answer::Failed(why) | Answer::NotConfigured(why) => {
                failures.push(format!("{why} for {} of them", chunk.len()));
            }
        }
    }
    let failure = (!failures.is_empty()).then(|| {
        format!(
            "{} listed, {} read: {}",
            ids.len(),
            out.len(),
            failures.join("; ")
        )
    });
    (out, failure)
}

/// One configuration item as a raw document: the item's identity, status and capture time,
/// its configuration (parsed) and its supplementary configuration (each entry parsed).
fn raw_item(
    ctx: &Ctx,
    region: &str,
    resource_type: &str,
    item: &aws_sdk_config::types::BaseConfigurationItem,
) -> RawResource {
    let supplementary: Map<String, Value> = item
        .supplementary_configuration()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::from_str(v).unwrap_or_else(|_| json!(v)),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let data = json!({
        "arn": item.arn(),
        "resourceType": item.resource_type().map(|t| t.as_str()),
        "resourceId": item.resource_id(),
        "resourceName": item.resource_name(),
        "configurationItemStatus": item.configuration_item_status().map(|s| s.as_str()),
        "configurationItemCaptureTime": item
            .configuration_item_capture_time()
            .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
        "configuration": parse_configuration(item.configuration()),
        "supplementaryConfiguration": supplementary,
    });
    let arn = item
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{resource_type}/{}", item.resource_id().unwrap_or_default()));
    let mut raw = ctx.raw(
        RawKind::ConfigItem,
        arn,
        item.aws_region()
            .map(str::to_owned)
            .or_else(|| Some(region.to_owned())),
        vec![
            ops::CONFIG_LIST_DISCOVERED_RESOURCES.label(),
            ops::CONFIG_BATCH_GET_RESOURCE_CONFIG.label(),
            // The recorder state decided that the items are current.
            ops::CONFIG_DESCRIBE_RECORDERS.label(),
            ops::CONFIG_DESCRIBE_RECORDER_STATUS.label(),
        ],
        data,
    );
    if let Some(account) = item.account_id() {
        raw.account = Some(account.to_owned());
    }
    raw
}

fn parse_configuration(text: Option<&str>) -> Value {
    match text {
        None => unknown("config:BatchGetResourceConfig returned no configuration"),
        Some(t) => serde_json::from_str(t)
            .unwrap_or_else(|e| unknown(format!("AWS Config configuration is not JSON: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;
    use crate::model::unknown;

    fn state(recorder: Value, status: Value) -> Value {
        json!({ "Recorders": [recorder], "RecorderStatus": [status] })
    }

    fn on() -> Value {
        json!({"Name": "default", "Recording": true, "LastStatus": "Success"})
    }

    fn why(data: &Value, region: &str, rtype: &str) -> (CoverageStatus, String) {
        match recording(data, region, rtype) {
            Recording::NotRecording { status, reason } => (status, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_recorder_of_every_type_or_of_s3_records_buckets() {
        let all = json!({"Name": "default", "AllSupported": true, "ResourceTypes": []});
        assert_eq!(
            s3_recording(&state(all, on())),
            Recording::Recording {
                recorder: "default".into(),
                daily: false
            }
        );
        let listed = json!({"Name": "default", "AllSupported": false, "RecordingStrategy": "INCLUSION_BY_RESOURCE_TYPES", "ResourceTypes": ["AWS::S3::Bucket"]});
        assert!(matches!(
            s3_recording(&state(listed, on())),
            Recording::Recording { .. }
        ));
        // Pending is a recorder at work, not a failure.
        let pending = json!({"Name": "default", "Recording": true, "LastStatus": "PENDING"});
        let all = json!({"Name": "default", "AllSupported": true});
        assert!(matches!(
            s3_recording(&state(all, pending)),
            Recording::Recording { .. }
        ));
    }

    #[test]
    fn anything_else_is_not_recording_and_says_why() {
        let s3 = |data: Value| why(&data, "eu-west-1", S3_BUCKET_TYPE);
        let all = json!({"Name": "default", "AllSupported": true});
        assert_eq!(
            s3(json!({"Recorders": [], "RecorderStatus": []})),
            (
                CoverageStatus::NotRecorded,
                "no configuration recorder".to_owned()
            )
        );
        let others = json!({"Name": "default", "AllSupported": false, "ResourceTypes": ["AWS::EC2::Volume"]});
        let (status, reason) = s3(state(others, on()));
        assert_eq!(status, CoverageStatus::NotRecorded);
        assert!(
            reason.contains("does not record AWS::S3::Bucket"),
            "{reason}"
        );
        let excluded = json!({"Name": "default", "AllSupported": false, "RecordingStrategy": "EXCLUSION_BY_RESOURCE_TYPES", "ExclusionByResourceTypes": ["AWS::S3::Bucket"]});
        assert!(s3(state(excluded, on()))
            .1
            .contains("its exclusion list names it"));
        let stopped = json!({"Name": "default", "Recording": false, "LastStatus": "Success", "LastStopTime": "2026-05-01T10:00:00Z"});
        assert_eq!(
            s3(state(all.clone(), stopped)),
            (
                CoverageStatus::Stale,
                "recorder default is not recording (stopped at 2026-05-01T10:00:00Z)".to_owned()
            )
        );
        let failing = json!({"Name": "default", "Recording": true, "LastStatus": "Failure", "LastErrorCode": "AccessDenied", "LastStatusChangeTime": "2026-05-02T00:00:00Z"});
        let (status, reason) = s3(state(all.clone(), failing));
        assert_eq!(status, CoverageStatus::Stale);
        assert!(
            reason.contains("failed (AccessDenied) at 2026-05-02T00:00:00Z"),
            "{reason}"
        );
        let denied = json!({"Recorders": unknown("config:DescribeConfigurationRecorders denied: AccessDeniedException"), "RecorderStatus": []});
        assert_eq!(s3(denied).0, CoverageStatus::RecorderUnknown);
        let no_status = json!({"Recorders": [all], "RecorderStatus": unknown("config:DescribeConfigurationRecorderStatus failed: Timeout")});
        let (status, reason) = s3(no_status);
        assert_eq!(status, CoverageStatus::RecorderUnknown);
        assert!(reason.contains("recorder status is unknown"));
    }

    #[test]
    fn daily_recording_is_told_apart() {
        let daily = json!({"Name": "default", "AllSupported": true, "RecordingFrequency": "DAILY"});
        assert_eq!(
            s3_recording(&state(daily, on())),
            Recording::Recording {
                recorder: "default".into(),
                daily: true
            }
        );
        let overridden = json!({"Name": "default", "AllSupported": true, "RecordingFrequency": "DAILY",
            "RecordingModeOverrides": [{"ResourceTypes": ["AWS::S3::Bucket"], "RecordingFrequency": "CONTINUOUS"}]});
        assert_eq!(
            s3_recording(&state(overridden.clone(), on())),
            Recording::Recording {
                recorder: "default".into(),
                daily: false
            }
        );
        // The override names S3 only: other types keep the daily default.
        assert_eq!(
            recording(
                &state(overridden, on()),
                "eu-west-1",
                "AWS::ACM::Certificate"
            ),
            Recording::Recording {
                recorder: "default".into(),
                daily: true
            }
        );
    }

    #[test]
    fn global_iam_types_need_the_group_to_include_them() {
        let user = "AWS::IAM::User";
        let all =
            json!({"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": false});
        let (status, reason) = why(&state(all.clone(), on()), "eu-west-1", user);
        assert_eq!(status, CoverageStatus::NotRecorded);
        assert!(reason.contains("without the global IAM types"), "{reason}");
        // ...while the regional types of the same recorder are recorded.
        assert!(matches!(
            recording(&state(all, on()), "eu-west-1", "AWS::EC2::Volume"),
            Recording::Recording { .. }
        ));
        let with =
            json!({"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": true});
        assert!(matches!(
            recording(&state(with.clone(), on()), "eu-west-1", user),
            Recording::Recording { .. }
        ));
        let strategy = json!({"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": false, "RecordingStrategy": "ALL_SUPPORTED_RESOURCE_TYPES"});
        assert_eq!(
            why(&state(strategy, on()), "eu-west-1", user).0,
            CoverageStatus::NotRecorded
        );
        // The exclusion strategy records the IAM types unless it names them...
        let excluding = json!({"Name": "default", "RecordingStrategy": "EXCLUSION_BY_RESOURCE_TYPES", "ExclusionByResourceTypes": ["AWS::EC2::Volume"]});
        assert!(matches!(
            recording(&state(excluding, on()), "eu-west-1", user),
            Recording::Recording { .. }
        ));
        // ...except in the regions that cannot record them at all.
        let (_, reason) = why(&state(with, on()), "eu-central-2", user);
        assert!(reason.contains("cannot record the global IAM types in eu-central-2"));
    }

    #[test]
    fn a_stopped_recorder_of_the_type_outweighs_another_that_does_not_record_it() {
        let data = json!({
            "Recorders": [
                {"Name": "narrow", "RecordingStrategy": "INCLUSION_BY_RESOURCE_TYPES", "ResourceTypes": ["AWS::EC2::Volume"]},
                {"Name": "wide", "AllSupported": true},
            ],
            "RecorderStatus": [
                {"Name": "narrow", "Recording": true, "LastStatus": "SUCCESS"},
                {"Name": "wide", "Recording": false, "LastStatus": "SUCCESS"},
            ],
        });
        let (status, reason) = why(&data, "eu-west-1", "AWS::SNS::Topic");
        assert_eq!(status, CoverageStatus::Stale);
        assert!(reason.contains("recorder narrow does not record AWS::SNS::Topic"));
        assert!(reason.contains("recorder wide is not recording"));
        assert!(matches!(
            recording(&data, "eu-west-1", "AWS::EC2::Volume"),
            Recording::Recording { recorder, .. } if recorder == "narrow"
        ));
    }

    fn recorder_doc(region: &str, data: Value) -> RawResource {
        RawResource {
            kind: RawKind::ConfigRecorder,
            arn: format!("arn:aws:config:{region}:123456789012:configuration-recorder"),
            account: Some("123456789012".into()),
            region: Some(region.to_owned()),
            api_calls: vec![],
            collected_at: "2026-06-01T00:00:00Z".into(),
            data,
        }
    }

    fn decision<'a>(
        plan: &'a [(String, Vec<(&'static str, Decision)>)],
        region: &str,
        rtype: &str,
    ) -> &'a Decision {
        plan.iter()
            .find(|(r, _)| r == region)
            .and_then(|(_, d)| d.iter().find(|(t, _)| *t == rtype))
            .map(|(_, d)| d)
            .unwrap_or_else(|| panic!("no decision for {rtype} in {region}"))
    }

    #[test]
    fn the_plan_reads_global_types_once_and_cloudfront_in_us_east_1() {
        let all =
            json!({"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": true});
        let regional =
            json!({"Name": "default", "AllSupported": true, "IncludeGlobalResourceTypes": false});
        let recorders = [
            recorder_doc("us-east-1", state(regional, on())),
            recorder_doc("eu-west-1", state(all.clone(), on())),
            recorder_doc("eu-west-2", state(all, on())),
            recorder_doc("ap-south-1", json!({"Recorders": [], "RecorderStatus": []})),
        ];
        let plan = plan(&recorders);
        assert_eq!(
            plan.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
            vec!["ap-south-1", "eu-west-1", "eu-west-2", "us-east-1"]
        );
        for (_, decisions) in &plan {
            assert_eq!(decisions.len(), RESOURCE_TYPES.len());
        }
        let user = "AWS::IAM::User";
        assert!(matches!(
            decision(&plan, "eu-west-1", user),
            Decision::Read { .. }
        ));
        assert!(matches!(
            decision(&plan, "eu-west-2", user),
            Decision::Skip { status: CoverageStatus::Elsewhere, reason } if reason.contains("read in eu-west-1")
        ));
        // us-east-1 does not record the IAM types, but they were read: no gap there.
        assert!(matches!(
            decision(&plan, "us-east-1", user),
            Decision::Skip { status: CoverageStatus::Elsewhere, reason }
                if reason.contains("without the global IAM types") && reason.contains("read in eu-west-1")
        ));
        let cf = "AWS::CloudFront::Distribution";
        assert!(matches!(
            decision(&plan, "us-east-1", cf),
            Decision::Read { .. }
        ));
        assert!(matches!(
            decision(&plan, "eu-west-1", cf),
            Decision::Skip {
                status: CoverageStatus::Elsewhere,
                ..
            }
        ));
        assert!(matches!(
            decision(&plan, "ap-south-1", "AWS::ACM::Certificate"),
            Decision::Skip { status: CoverageStatus::NotRecorded, reason } if reason == "no configuration recorder"
        ));
        assert!(matches!(
            decision(&plan, "eu-west-2", "AWS::ACM::Certificate"),
            Decision::Read { .. }
        ));
    }

    #[test]
    fn every_type_is_a_valid_config_type_once() {
        let mut seen = std::collections::BTreeSet::new();
        for t in RESOURCE_TYPES {
            assert!(seen.insert(*t), "{t} twice");
            assert!(
                aws_sdk_config::types::ResourceType::values().contains(t),
                "{t} is not an AWS Config resource type"
            );
        }
    }
}
