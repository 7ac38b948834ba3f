//! AWS Config collector: the recorder and delivery-channel state of a region (one document
//! per region, also when there is no recorder), and the configuration items of the resource
//! types vouch judges, read with `ListDiscoveredResources` + `BatchGetResourceConfig`.
//! With an aggregator name, the aggregator is queried too (best effort: an emulator or an
//! account without one just adds a failed call).

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
const BATCH: usize = 100;

/// Reads the recorder state and the configuration items of `region`.
pub async fn collect(ctx: &Ctx, region: &str, aggregator: Option<&str>) -> Vec<RawResource> {
    let client = aws_sdk_config::Client::new(&super::client::in_region(&ctx.config, region));
    let mut out = vec![recorder(ctx, &client, region).await];
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

async fn recorder(ctx: &Ctx, client: &aws_sdk_config::Client, region: &str) -> RawResource {
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
                        json!({
                            "Name": r.name(),
                            "RoleArn": r.role_arn(),
                            "AllSupported": group.map(|g| g.all_supported()),
                            "IncludeGlobalResourceTypes": group.map(|g| g.include_global_resource_types()),
                            "ResourceTypes": group.map(|g| g.resource_types().iter().map(|t| t.as_str()).collect::<Vec<_>>()),
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
