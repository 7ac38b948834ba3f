//! AWS Config collector: the recorder and delivery-channel state of a region (one document
//! per region, also when there is no recorder), and the configuration items of the resource
//! types vouch judges, read with `ListDiscoveredResources` + `BatchGetResourceConfig`.
//! With an aggregator name, the aggregator is queried too (best effort: an emulator or an
//! account without one just adds a failed call).
//!
//! It also owns the reading of a region's recorder state as "does AWS Config record S3
//! buckets here, now" ([`s3_recording`]), on which the S3 collector decides whether the
//! buckets' items (not listed here: [`super::s3`] reads them) can stand in for S3 calls.

use serde_json::{json, Map, Value};

use super::call::{Answer, FailedCall};
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// Config resource types collected as configuration items.
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::CloudFront::Distribution",
    "AWS::CloudTrail::Trail",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Instance",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
    "AWS::EC2::Volume",
    "AWS::ECR::Repository",
    "AWS::EFS::FileSystem",
    "AWS::EKS::Cluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::IAM::Policy",
    "AWS::IAM::User",
    "AWS::Lambda::Function",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBSnapshot",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SecretsManager::Secret",
    // Joined into every bucket as the account-level public access block.
    "AWS::S3::AccountPublicAccessBlock",
];

/// `BatchGetResourceConfig` accepts at most 100 keys.
pub const BATCH: usize = 100;

/// The Config resource type of an S3 bucket.
pub const S3_BUCKET_TYPE: &str = "AWS::S3::Bucket";

/// Whether a region's AWS Config records S3 buckets, read from its [`recorder`] document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Recording {
    /// A recorder that records `AWS::S3::Bucket` is on and its latest recording did not fail.
    Recording {
        /// The recorder's name.
        recorder: String,
        /// True when buckets are recorded once a day instead of on every change.
        daily: bool,
    },
    /// Why the region's items may not reflect the buckets' current configuration.
    NotRecording(String),
}

/// Reads a [`recorder`] document: does a recorder of this region record S3 buckets now?
///
/// Healthy means: a recorder whose recording group covers `AWS::S3::Bucket` (all supported
/// types, an inclusion list naming it, or an exclusion list that does not), that is
/// recording, and whose latest recording status is not `Failure`. `Pending` counts as
/// healthy: it is the state of a recorder processing a change, which an active account's
/// recorder is often in; requiring `Success` would make the source flip with timing.
pub fn s3_recording(data: &Value) -> S3Recording {
    let recorders = data.get("Recorders").cloned().unwrap_or(Value::Null);
    if let Some(reason) = crate::model::unknown_reason(&recorders) {
        return S3Recording::NotRecording(format!("the recorder state is unknown ({reason})"));
    }
    let status = data.get("RecorderStatus").cloned().unwrap_or(Value::Null);
    if let Some(reason) = crate::model::unknown_reason(&status) {
        return S3Recording::NotRecording(format!("the recorder status is unknown ({reason})"));
    }
    let recorders = recorders.as_array().cloned().unwrap_or_default();
    if recorders.is_empty() {
        return S3Recording::NotRecording("no configuration recorder".to_owned());
    }
    let statuses = status.as_array().cloned().unwrap_or_default();
    let mut reasons = Vec::new();
    let mut best: Option<S3Recording> = None;
    for rec in &recorders {
        let name = rec.get("Name").and_then(Value::as_str).unwrap_or("?");
        if !records_s3(rec) {
            reasons.push(format!("recorder {name} does not record {S3_BUCKET_TYPE}"));
            continue;
        }
        let Some(st) = statuses
            .iter()
            .find(|s| s.get("Name").and_then(Value::as_str) == Some(name))
        else {
            reasons.push(format!("recorder {name} has no status"));
            continue;
        };
        if st.get("Recording").and_then(Value::as_bool) != Some(true) {
            reasons.push(format!("recorder {name} is not recording"));
            continue;
        }
        let last = st.get("LastStatus").and_then(Value::as_str).unwrap_or("");
        if last.eq_ignore_ascii_case("failure") {
            let code = st
                .get("LastErrorCode")
                .and_then(Value::as_str)
                .unwrap_or("no error code");
            reasons.push(format!("recorder {name}'s last recording failed ({code})"));
            continue;
        }
        let daily = frequency(rec).eq_ignore_ascii_case("daily");
        let found = S3Recording::Recording {
            recorder: name.to_owned(),
            daily,
        };
        // A recorder that records every change beats one that records once a day.
        match &best {
            Some(S3Recording::Recording { daily: false, .. }) => {}
            _ => best = Some(found),
        }
    }
    best.unwrap_or_else(|| S3Recording::NotRecording(reasons.join("; ")))
}

fn records_s3(rec: &Value) -> bool {
    let listed = |key: &str| {
        rec.get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(S3_BUCKET_TYPE)))
    };
    match rec.get("RecordingStrategy").and_then(Value::as_str) {
        Some("ALL_SUPPORTED_RESOURCE_TYPES") => true,
        Some("INCLUSION_BY_RESOURCE_TYPES") => listed("ResourceTypes"),
        Some("EXCLUSION_BY_RESOURCE_TYPES") => !listed("ExclusionByResourceTypes"),
        // No strategy (older recorders): the all-supported switch or the inclusion list.
        _ => {
            rec.get("AllSupported").and_then(Value::as_bool) == Some(true)
                || listed("ResourceTypes")
        }
    }
}

/// The recording frequency of S3 buckets: an override naming the type, else the recorder's
/// default, else continuous (what AWS Config does without a recording mode).
fn frequency(rec: &Value) -> String {
    let overridden = rec
        .get("RecordingModeOverrides")
        .and_then(Value::as_array)
        .and_then(|o| {
            o.iter().find(|o| {
                o.get("ResourceTypes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(S3_BUCKET_TYPE)))
            })
        })
        .and_then(|o| o.get("RecordingFrequency"))
        .and_then(Value::as_str);
    overridden
        .or_else(|| rec.get("RecordingFrequency").and_then(Value::as_str))
        .unwrap_or("CONTINUOUS")
        .to_owned()
}

/// Reads the configuration items of `region` (the recorder state is [`recorder`]).
pub async fn collect(ctx: &Ctx, region: &str, aggregator: Option<&str>) -> Vec<RawResource> {
    let client = aws_sdk_config::Client::new(&super::client::in_region(&ctx.config, region));
    let mut out = Vec::new();
    let per_type = futures::future::join_all(
        RESOURCE_TYPES
            .iter()
            .map(|t| items(ctx, &client, region, t)),
    )
    .await;
    out.extend(per_type.into_iter().flatten());
    if let Some(name) = aggregator {
        out.extend(aggregate(ctx, &client, region, name).await);
    }
    out
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
                        json!({
                            "Name": s.name(),
                            "Recording": s.recording(),
                            "LastStatus": s.last_status().map(|x| x.as_str()),
                            "LastErrorCode": s.last_error_code(),
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

async fn items(
    ctx: &Ctx,
    client: &aws_sdk_config::Client,
    region: &str,
    resource_type: &str,
) -> Vec<RawResource> {
    let rtype = aws_sdk_config::types::ResourceType::from(resource_type);
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
            _ => break,
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
                        "resourceType": item.resource_type().map(|t| t.as_str()),
                        "resourceId": item.resource_id(),
                        "resourceName": item.resource_name(),
                        "configuration": parse_configuration(item.configuration()),
                        "supplementaryConfiguration": supplementary,
                    });
                    let arn = item.arn().map(str::to_owned).unwrap_or_else(|| {
                        format!("{resource_type}/{}", item.resource_id().unwrap_or_default())
                    });
                    let mut raw = ctx.raw(
                        RawKind::ConfigItem,
                        arn,
                        item.aws_region()
                            .map(str::to_owned)
                            .or_else(|| Some(region.to_owned())),
                        vec![
                            ops::CONFIG_LIST_DISCOVERED_RESOURCES.label(),
                            ops::CONFIG_BATCH_GET_RESOURCE_CONFIG.label(),
                        ],
                        data,
                    );
                    if let Some(account) = item.account_id() {
                        raw.account = Some(account.to_owned());
                    }
                    out.push(raw);
                }
                for key in o.unprocessed_resource_keys() {
                    ctx.caller.record(FailedCall {
                        service: "config".into(),
                        operation: ops::CONFIG_BATCH_GET_RESOURCE_CONFIG.name.into(),
                        region: region.to_owned(),
                        resource: Some(format!("{resource_type}/{}", key.resource_id())),
                        error_code: "UnprocessedResourceKey".into(),
                        message: "returned as unprocessed; its configuration was not read".into(),
                    });
                }
            }
            // The failure is recorded; the resources of this batch are not in the snapshot.
            _ => continue,
        }
    }
    out
}

fn parse_configuration(text: Option<&str>) -> Value {
    match text {
        None => unknown("config:BatchGetResourceConfig returned no configuration"),
        Some(t) => serde_json::from_str(t)
            .unwrap_or_else(|e| unknown(format!("AWS Config configuration is not JSON: {e}"))),
    }
}

async fn aggregate(
    ctx: &Ctx,
    client: &aws_sdk_config::Client,
    region: &str,
    name: &str,
) -> Vec<RawResource> {
    let types = RESOURCE_TYPES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let expression = format!(
        "SELECT resourceId, resourceName, resourceType, awsRegion, accountId, arn, configuration, supplementaryConfiguration WHERE resourceType IN ({types})"
    );
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client
            .select_aggregate_resource_config()
            .configuration_aggregator_name(name)
            .expression(&expression)
            .set_next_token(token.clone());
        match ctx
            .caller
            .call(
                &ops::CONFIG_SELECT_AGGREGATE_RESOURCE_CONFIG,
                region,
                Some(name),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(o) => {
                for row in o.results() {
                    let Ok(item) = serde_json::from_str::<Value>(row) else {
                        continue;
                    };
                    let arn = item
                        .get("arn")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    if arn.is_empty() {
                        continue;
                    }
                    let item_region = item
                        .get("awsRegion")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let account = item
                        .get("accountId")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let mut raw = ctx.raw(
                        RawKind::ConfigItem,
                        arn,
                        item_region,
                        vec![ops::CONFIG_SELECT_AGGREGATE_RESOURCE_CONFIG.label()],
                        item,
                    );
                    raw.account = account.or(raw.account);
                    out.push(raw);
                }
                token = o.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            _ => break,
        }
    }
    out
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

    #[test]
    fn a_recorder_of_every_type_or_of_s3_records_buckets() {
        let all = json!({"Name": "default", "AllSupported": true, "ResourceTypes": []});
        assert_eq!(
            s3_recording(&state(all, on())),
            S3Recording::Recording {
                recorder: "default".into(),
                daily: false
            }
        );
        let listed = json!({"Name": "default", "AllSupported": false, "RecordingStrategy": "INCLUSION_BY_RESOURCE_TYPES", "ResourceTypes": ["AWS::S3::Bucket"]});
        assert!(matches!(
            s3_recording(&state(listed, on())),
            S3Recording::Recording { .. }
        ));
        // Pending is a recorder at work, not a failure.
        let pending = json!({"Name": "default", "Recording": true, "LastStatus": "PENDING"});
        let all = json!({"Name": "default", "AllSupported": true});
        assert!(matches!(
            s3_recording(&state(all, pending)),
            S3Recording::Recording { .. }
        ));
    }

    #[test]
    fn anything_else_is_not_recording_and_says_why() {
        let why = |data: Value| match s3_recording(&data) {
            S3Recording::NotRecording(why) => why,
            other => panic!("{other:?}"),
        };
        let all = json!({"Name": "default", "AllSupported": true});
        assert_eq!(
            why(json!({"Recorders": [], "RecorderStatus": []})),
            "no configuration recorder"
        );
        let others = json!({"Name": "default", "AllSupported": false, "ResourceTypes": ["AWS::EC2::Volume"]});
        assert!(why(state(others, on())).contains("does not record AWS::S3::Bucket"));
        let excluded = json!({"Name": "default", "AllSupported": false, "RecordingStrategy": "EXCLUSION_BY_RESOURCE_TYPES", "ExclusionByResourceTypes": ["AWS::S3::Bucket"]});
        assert!(why(state(excluded, on())).contains("does not record"));
        let stopped = json!({"Name": "default", "Recording": false, "LastStatus": "Success"});
        assert!(why(state(all.clone(), stopped)).contains("is not recording"));
        let failing = json!({"Name": "default", "Recording": true, "LastStatus": "Failure", "LastErrorCode": "AccessDenied"});
        assert!(why(state(all.clone(), failing)).contains("failed (AccessDenied)"));
        let denied = json!({"Recorders": unknown("config:DescribeConfigurationRecorders denied: AccessDeniedException"), "RecorderStatus": []});
        assert!(why(denied).contains("recorder state is unknown"));
        let no_status = json!({"Recorders": [all], "RecorderStatus": unknown("config:DescribeConfigurationRecorderStatus failed: Timeout")});
        assert!(why(no_status).contains("recorder status is unknown"));
    }

    #[test]
    fn daily_recording_is_told_apart() {
        let daily = json!({"Name": "default", "AllSupported": true, "RecordingFrequency": "DAILY"});
        assert_eq!(
            s3_recording(&state(daily, on())),
            S3Recording::Recording {
                recorder: "default".into(),
                daily: true
            }
        );
        let overridden = json!({"Name": "default", "AllSupported": true, "RecordingFrequency": "DAILY",
            "RecordingModeOverrides": [{"ResourceTypes": ["AWS::S3::Bucket"], "RecordingFrequency": "CONTINUOUS"}]});
        assert_eq!(
            s3_recording(&state(overridden, on())),
            S3Recording::Recording {
                recorder: "default".into(),
                daily: false
            }
        );
    }
}
