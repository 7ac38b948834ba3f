//! AWS Config items of compute kinds: EC2 launch templates, Auto Scaling launch
//! configurations, Systems Manager patch compliance and EBS snapshot Block Public Access.
//!
//! Item shapes: launch templates and snapshot Block Public Access use the CloudFormation
//! shape (`LaunchTemplateData`, `State`), launch configurations DescribeLaunchConfigurations'
//! camelCase, and patch compliance the Systems Manager inventory shape
//! (`AWS:ComplianceItem.Content.Patch`, whose `ComplianceSummary` Security Hub also reads).
//! The conventions of [`super::items`] hold.

use serde_json::{json, Value};

use super::items::{at, boolish, ci, intish, Item};
use crate::model::{unknown, unknown_reason};

/// Metadata options in either shape (`HttpTokens` / `httpTokens`); `null` when the
/// template or configuration sets none (the Describe output then omits them).
fn metadata_options(i: &Item<'_>, path: &str) -> Value {
    match i.opt(path) {
        v if unknown_reason(&v).is_some() => v,
        Value::Null => Value::Null,
        m if m.is_object() => {
            let s = |k: &str| {
                ci(&m, k)
                    .and_then(Value::as_str)
                    .map_or(Value::Null, |v| json!(v.to_ascii_lowercase()))
            };
            json!({
                "http_endpoint": s("httpEndpoint"),
                "http_tokens": s("httpTokens"),
                "http_put_response_hop_limit": ci(&m, "httpPutResponseHopLimit").and_then(intish).map_or(Value::Null, |n| json!(n)),
            })
        }
        other => unknown(format!("{path} is not an object: {other}")),
    }
}

/// A boolean that is absent when not set (the subnet's default then applies).
fn opt_bool(i: &Item<'_>, path: &str, v: &Value) -> Value {
    match v {
        u if unknown_reason(u).is_some() => u.clone(),
        Value::Null => Value::Null,
        other => boolish(other).map_or_else(|| i.lacks(&format!("a boolean {path}")), Value::Bool),
    }
}

/// `AWS::EC2::LaunchTemplate`: the template and the `LaunchTemplateData` of the version the
/// item records.
pub(super) fn launch_template(i: &Item<'_>, tags: Value) -> Value {
    let data = i.opt("LaunchTemplateData");
    if let Some(u) = unknown_reason(&data).map(|_| data.clone()) {
        return json!({"name": i.opt("LaunchTemplateName"), "network_interfaces": u.clone(), "metadata_options": u, "tags": tags});
    }
    if data.is_null() {
        let u = i.lacks("configuration.LaunchTemplateData");
        return json!({"name": i.opt("LaunchTemplateName"), "network_interfaces": u.clone(), "metadata_options": u, "tags": tags});
    }
    // DescribeLaunchTemplateVersions omits NetworkInterfaces when the template sets none.
    let nics = match ci(&data, "NetworkInterfaces") {
        None | Some(Value::Null) => json!([]),
        Some(Value::Array(list)) => Value::Array(
            list.iter()
                .map(|ni| {
                    let public = ci(ni, "AssociatePublicIpAddress").cloned().unwrap_or(Value::Null);
                    json!({
                        "associate_public_ip_address": opt_bool(i, "AssociatePublicIpAddress", &public),
                        "device_index": ci(ni, "DeviceIndex").and_then(intish).map_or(Value::Null, |n| json!(n)),
                    })
                })
                .collect(),
        ),
        Some(other) => unknown(format!("LaunchTemplateData.NetworkInterfaces is not a list: {other}")),
    };
    json!({
        "name": i.opt("LaunchTemplateName"),
        "network_interfaces": nics,
        "metadata_options": metadata_options(i, "LaunchTemplateData.MetadataOptions"),
        "tags": tags,
    })
}

/// `AWS::AutoScaling::LaunchConfiguration`: DescribeLaunchConfigurations' entry, which
/// states AssociatePublicIpAddress and MetadataOptions only when they are set.
pub(super) fn launch_configuration(i: &Item<'_>) -> Value {
    let public = i.opt("associatePublicIpAddress");
    json!({
        "name": i.opt("launchConfigurationName"),
        "associate_public_ip_address": opt_bool(i, "associatePublicIpAddress", &public),
        "metadata_options": metadata_options(i, "metadataOptions"),
    })
}

/// The instance (or managed node) a patch compliance item is about: its resource ID ends in
/// the instance ID (`i-...`, or `mi-...` for a non-EC2 managed node).
pub(super) fn patch_instance_id(d: &Value) -> Option<String> {
    let id = d.get("resourceId").and_then(Value::as_str)?;
    let last = id.rsplit(['/', ':']).next()?;
    (last.starts_with("i-") || last.starts_with("mi-")).then(|| last.to_owned())
}

/// The address of the patch compliance of an instance or managed node.
pub(super) fn patch_address(
    partition: &str,
    region: &str,
    account: &str,
    instance: &str,
) -> String {
    if instance.starts_with("mi-") {
        format!("arn:{partition}:ssm:{region}:{account}:managed-instance/{instance}")
    } else {
        format!("arn:{partition}:ec2:{region}:{account}:instance/{instance}")
    }
}

/// `AWS::SSM::PatchCompliance`: the patch compliance an instance reported to Systems
/// Manager. Only managed nodes report it, so an item means "managed".
pub(super) fn patch_compliance(i: &Item<'_>) -> Value {
    let instance = patch_instance_id(i.d).map_or_else(
        || i.lacks("an instance ID in its resource ID"),
        Value::String,
    );
    let patch = match i.unknown_config() {
        Some(u) => Err(u),
        None => match at(i.c, "AWS:ComplianceItem.Content.Patch") {
            Some(p) if p.is_object() => Ok(p.clone()),
            _ => Err(i.lacks("configuration.AWS:ComplianceItem.Content.Patch")),
        },
    };
    let (status, critical, security) = match &patch {
        Err(u) => (u.clone(), u.clone(), u.clone()),
        Ok(p) => {
            let summary = ci(p, "ComplianceSummary");
            // Every other entry is one patch, keyed by its ID.
            let patches: Vec<&Value> = p
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| !k.eq_ignore_ascii_case("ComplianceSummary"))
                        .map(|(_, v)| v)
                        .collect()
                })
                .unwrap_or_default();
            let missing =
                |v: &Value| ci(v, "Status").and_then(Value::as_str) == Some("NON_COMPLIANT");
            let status = match summary
                .and_then(|s| ci(s, "Status"))
                .and_then(Value::as_str)
            {
                Some(s @ ("COMPLIANT" | "NON_COMPLIANT")) => json!(s),
                Some(other) => unknown(format!("the patch compliance status is {other}")),
                None if !patches.is_empty() => {
                    json!(if patches.iter().any(|v| missing(v)) {
                        "NON_COMPLIANT"
                    } else {
                        "COMPLIANT"
                    })
                }
                None => i.lacks("a patch ComplianceSummary"),
            };
            let critical = match summary
                .and_then(|s| ci(s, "NonCompliantCriticalCount"))
                .and_then(intish)
            {
                Some(n) => json!(n),
                None => i.lacks("ComplianceSummary.NonCompliantCriticalCount"),
            };
            // Security updates missing: counted from the patch entries when the item has them.
            let security = if patches.is_empty() {
                i.lacks("the patch entries (ssm:ListComplianceItems)")
            } else {
                json!(patches
                    .iter()
                    .filter(|v| missing(v))
                    .filter(|v| {
                        ci(v, "Classification")
                            .and_then(Value::as_str)
                            .is_some_and(|c| c.to_ascii_lowercase().contains("security"))
                    })
                    .count())
            };
            (status, critical, security)
        }
    };
    json!({
        "instance_id": instance,
        "managed": true,
        "ping_status": i.not_recorded("ping_status (ssm:DescribeInstanceInformation)"),
        "patch_status": status,
        "non_compliant_critical": critical,
        "non_compliant_security": security,
    })
}

/// The patch compliance of an EC2 instance that has no `AWS::SSM::PatchCompliance` item
/// although AWS Config records the type: not a managed node, or one that never reported.
pub(super) fn unreported_patch_compliance(instance: &str, region: &str) -> Value {
    let why = format!(
        "AWS Config in {region} has no AWS::SSM::PatchCompliance item for {instance}: Systems Manager does not manage it or it has not reported patch compliance"
    );
    json!({
        "instance_id": instance,
        "managed": unknown(format!("{why} (ssm:DescribeInstanceInformation would tell which)")),
        "ping_status": unknown(format!("{why} (ssm:DescribeInstanceInformation)")),
        "patch_status": unknown(why.clone()),
        "non_compliant_critical": unknown(why.clone()),
        "non_compliant_security": unknown(why),
    })
}

/// `AWS::EC2::SnapshotBlockPublicAccess`: the region's setting (CloudFormation `State`).
pub(super) fn snapshot_block_public_access(i: &Item<'_>) -> Value {
    json!({ "state": i.req("State") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_items_name_their_instance() {
        for (id, want) in [
            ("AWS::SSM::ManagedInstanceInventory/i-0abc", Some("i-0abc")),
            ("i-0abc", Some("i-0abc")),
            ("mi-0123", Some("mi-0123")),
            ("something-else", None),
        ] {
            assert_eq!(
                patch_instance_id(&json!({"resourceId": id})).as_deref(),
                want
            );
        }
        assert_eq!(
            patch_address("aws", "eu-west-1", "1", "mi-0123"),
            "arn:aws:ssm:eu-west-1:1:managed-instance/mi-0123"
        );
    }
}
