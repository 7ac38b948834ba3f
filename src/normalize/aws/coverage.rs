//! Stand-ins for what the AWS Config inventory did not read, built from the collector's
//! coverage records ([`RawKind::ConfigCoverage`], one [`ConfigCoverage`] per account, region
//! and resource type).
//!
//! Why they exist: a kind with no resource gives its rules no outcome, and a control backed
//! by them rolls up to `not applicable`, as if vouch had looked and found nothing. Where the
//! inventory of a type was not read (no recorder, a stopped or failing recorder, the type
//! outside the recording group, the recorder state unknown, a failed read), one stand-in
//! per kind and region represents the resources vouch could not enumerate: every attribute
//! its schema names is the unknown marker with the reason, so every rule of the kind says
//! `unknown` and its controls roll up to `unknown`. Global types (IAM policies, CloudFront
//! distributions) get one stand-in per account, only when no collected region read them.
//!
//! This module also owns the patch compliance of EC2 instances that have no
//! `AWS::SSM::PatchCompliance` item where AWS Config records the type: the instance exists,
//! so "no item" cannot mean "nothing to judge".

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::items_compute::{patch_address, unreported_patch_compliance};
use super::resource;
use crate::collect::aws::client::partition;
use crate::collect::aws::config::{scope, ConfigCoverage, CoverageStatus, Scope, CLOUDFRONT_HOME};
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{kinds, unknown, Resource};

/// How the resources of an inventory type are stood in for when they were not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// One stand-in per region not read (and none where the type was read).
    Each,
    /// One stand-in per region not read, and also where the type was read but no item came
    /// back: a region-wide setting exists in every region, so "no item" is not "none".
    Always,
    /// Another source enumerates these resources (IAM users: the credential report; the
    /// account public access block: its own account-scope stand-in), or the type feeds a
    /// join only (HTTP/WebSocket APIs).
    Never,
}

/// Inventory type → kind, the address of its stand-in (`{p}` partition, `{r}` region,
/// `{a}` account) and how gaps are stood in for. Global types use [`Gap::Each`] too: their
/// stand-in is per account, decided by [`scope`].
const STAND_INS: &[(&str, &str, &str, Gap)] = &[
    (
        "AWS::ACM::Certificate",
        "aws.acm.certificate",
        "arn:{p}:acm:{r}:{a}:certificate/*",
        Gap::Each,
    ),
    (
        "AWS::ApiGateway::Stage",
        "aws.apigateway.stage",
        "arn:{p}:apigateway:{r}::/restapis/*/stages/*",
        Gap::Each,
    ),
    ("AWS::ApiGatewayV2::Api", "", "", Gap::Never),
    (
        "AWS::ApiGatewayV2::Stage",
        "aws.apigateway.stage",
        "arn:{p}:apigateway:{r}::/apis/*/stages/*",
        Gap::Each,
    ),
    (
        "AWS::AutoScaling::LaunchConfiguration",
        "aws.autoscaling.launch_configuration",
        "arn:{p}:autoscaling:{r}:{a}:launchConfiguration:*",
        Gap::Each,
    ),
    (
        "AWS::CloudFront::Distribution",
        "aws.cloudfront.distribution",
        "arn:{p}:cloudfront::{a}:distribution/*",
        Gap::Each,
    ),
    (
        "AWS::CloudTrail::Trail",
        "aws.cloudtrail.trail",
        "arn:{p}:cloudtrail:{r}:{a}:trail/*",
        Gap::Each,
    ),
    (
        "AWS::DynamoDB::Table",
        "aws.dynamodb.table",
        "arn:{p}:dynamodb:{r}:{a}:table/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::Instance",
        "aws.ec2.instance",
        "arn:{p}:ec2:{r}:{a}:instance/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::LaunchTemplate",
        "aws.ec2.launch_template",
        "arn:{p}:ec2:{r}:{a}:launch-template/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::NetworkAcl",
        "aws.ec2.network_acl",
        "arn:{p}:ec2:{r}:{a}:network-acl/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::SecurityGroup",
        "aws.ec2.security_group",
        "arn:{p}:ec2:{r}:{a}:security-group/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::SnapshotBlockPublicAccess",
        "aws.ec2.snapshot_block_public_access",
        SNAPSHOT_BPA,
        Gap::Always,
    ),
    (
        "AWS::EC2::Subnet",
        "aws.ec2.subnet",
        "arn:{p}:ec2:{r}:{a}:subnet/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::VPC",
        "aws.ec2.vpc",
        "arn:{p}:ec2:{r}:{a}:vpc/*",
        Gap::Each,
    ),
    (
        "AWS::EC2::Volume",
        "aws.ec2.volume",
        "arn:{p}:ec2:{r}:{a}:volume/*",
        Gap::Each,
    ),
    (
        "AWS::ECR::Repository",
        "aws.ecr.repository",
        "arn:{p}:ecr:{r}:{a}:repository/*",
        Gap::Each,
    ),
    (
        "AWS::EFS::FileSystem",
        "aws.efs.file_system",
        "arn:{p}:elasticfilesystem:{r}:{a}:file-system/*",
        Gap::Each,
    ),
    (
        "AWS::EKS::Cluster",
        "aws.eks.cluster",
        "arn:{p}:eks:{r}:{a}:cluster/*",
        Gap::Each,
    ),
    (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "aws.elb.load_balancer",
        "arn:{p}:elasticloadbalancing:{r}:{a}:loadbalancer/*",
        Gap::Each,
    ),
    (
        "AWS::ElasticLoadBalancingV2::Listener",
        "aws.elbv2.listener",
        "arn:{p}:elasticloadbalancing:{r}:{a}:listener/*",
        Gap::Each,
    ),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "aws.elbv2.load_balancer",
        "arn:{p}:elasticloadbalancing:{r}:{a}:loadbalancer/*/*/*",
        Gap::Each,
    ),
    (
        "AWS::IAM::Policy",
        "aws.iam.policy",
        "arn:{p}:iam::{a}:policy/*",
        Gap::Each,
    ),
    ("AWS::IAM::User", "", "", Gap::Never),
    (
        "AWS::Lambda::Function",
        "aws.lambda.function",
        "arn:{p}:lambda:{r}:{a}:function:*",
        Gap::Each,
    ),
    (
        "AWS::RDS::DBCluster",
        "aws.rds.cluster",
        "arn:{p}:rds:{r}:{a}:cluster:*",
        Gap::Each,
    ),
    (
        "AWS::RDS::DBInstance",
        "aws.rds.db_instance",
        "arn:{p}:rds:{r}:{a}:db:*",
        Gap::Each,
    ),
    (
        "AWS::RDS::DBSnapshot",
        "aws.rds.snapshot",
        "arn:{p}:rds:{r}:{a}:snapshot:*",
        Gap::Each,
    ),
    (
        "AWS::SNS::Topic",
        "aws.sns.topic",
        "arn:{p}:sns:{r}:{a}:*",
        Gap::Each,
    ),
    (
        "AWS::SQS::Queue",
        "aws.sqs.queue",
        "arn:{p}:sqs:{r}:{a}:*",
        Gap::Each,
    ),
    (
        "AWS::SSM::PatchCompliance",
        "aws.ssm.patch_compliance",
        "arn:{p}:ec2:{r}:{a}:instance/*",
        Gap::Each,
    ),
    (
        "AWS::SecretsManager::Secret",
        "aws.secretsmanager.secret",
        "arn:{p}:secretsmanager:{r}:{a}:secret:*",
        Gap::Each,
    ),
    (
        "AWS::WAFv2::WebACL",
        "aws.wafv2.web_acl",
        "arn:{p}:wafv2:{r}:{a}:regional/webacl/*",
        Gap::Each,
    ),
    ("AWS::S3::AccountPublicAccessBlock", "", "", Gap::Never),
];

/// The address of a region's snapshot Block Public Access setting (it has no ARN).
pub(super) const SNAPSHOT_BPA: &str = "arn:{p}:ec2:{r}:{a}:snapshot-block-public-access";

/// Fills an address template (`region` empty for account-wide stand-ins).
pub(super) fn address(template: &str, partition: &str, region: &str, account: &str) -> String {
    template
        .replace("{p}", partition)
        .replace("{r}", region)
        .replace("{a}", account)
}

/// Every attribute the kind's schema names, as the unknown marker with `reason`: no rule can
/// pass or fail on it.
pub(super) fn unknown_attributes(kind: &str, reason: &str) -> Value {
    let properties: Vec<String> = kinds::schema(kind)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|s| {
            s.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
        })
        .unwrap_or_default();
    Value::Object(
        properties
            .into_iter()
            .map(|p| (p, unknown(reason)))
            .collect::<Map<String, Value>>(),
    )
}

/// The coverage records of every account in `raws`.
pub(super) fn records(raws: &[RawResource]) -> Vec<(&RawResource, Vec<ConfigCoverage>)> {
    raws.iter()
        .filter(|r| r.kind == RawKind::ConfigCoverage)
        .map(|r| {
            let list: Vec<ConfigCoverage> = r
                .data
                .get("Coverage")
                .and_then(|c| serde_json::from_value(c.clone()).ok())
                .unwrap_or_default();
            (r, list)
        })
        .collect()
}

/// Calls that decided a coverage record (the recorder state; the read, when it failed).
fn decided_by(status: CoverageStatus) -> Vec<String> {
    let mut calls = vec![
        "config:DescribeConfigurationRecorderStatus".to_owned(),
        "config:DescribeConfigurationRecorders".to_owned(),
    ];
    if matches!(status, CoverageStatus::ReadFailed | CoverageStatus::Read) {
        calls.push("config:BatchGetResourceConfig".to_owned());
        calls.push("config:ListDiscoveredResources".to_owned());
    }
    calls.sort();
    calls
}

/// Why a region's inventory of a type is missing, as the stand-in's unknown reason.
fn gap_reason(c: &ConfigCoverage) -> Option<String> {
    let why = c.reason.as_deref().unwrap_or("no reason recorded");
    let region = &c.region;
    Some(match c.status {
        CoverageStatus::Read | CoverageStatus::Elsewhere => return None,
        CoverageStatus::Stale => format!(
            "not enumerated: AWS Config in {region}: {why}; its items may be stale, so vouch did not read them"
        ),
        CoverageStatus::ReadFailed => format!(
            "not enumerated: the AWS Config inventory of {} in {region} could not be read ({why})",
            c.resource_type
        ),
        CoverageStatus::NotRecorded | CoverageStatus::RecorderUnknown => {
            format!("not enumerated: AWS Config in {region}: {why}")
        }
    })
}

/// The stand-ins for every inventory gap in `raws`, skipping kinds `existing` already has
/// at the same address.
pub(super) fn stand_ins(raws: &[RawResource], existing: &[Resource]) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    for (doc, records) in records(raws) {
        let account = doc.account.as_deref().unwrap_or("unknown");
        let p = records.first().map_or("aws", |c| partition(&c.region));
        let mut by_type: BTreeMap<&str, Vec<&ConfigCoverage>> = BTreeMap::new();
        for c in &records {
            by_type.entry(c.resource_type.as_str()).or_default().push(c);
        }
        for (rtype, kind, template, gap) in STAND_INS {
            if *gap == Gap::Never {
                continue;
            }
            let Some(list) = by_type.get(rtype) else {
                continue;
            };
            let mut make = |region: Option<&str>, reason: String, calls: Vec<String>| {
                let addr = address(template, p, region.unwrap_or(""), account);
                if existing
                    .iter()
                    .chain(out.iter())
                    .any(|r| r.kind == *kind && r.address == addr)
                {
                    return;
                }
                let mut raw = doc.clone();
                raw.arn = addr;
                raw.region = region.map(str::to_owned);
                raw.api_calls = calls;
                let mut r = resource(&raw, kind, unknown_attributes(kind, &reason), false);
                r.provenance.parser = "aws-sdk-config".to_owned();
                r.provenance.source_types = vec![(*rtype).to_owned()];
                out.push(r);
            };
            match scope(rtype) {
                Scope::Regional => {
                    for c in list {
                        if let Some(reason) = gap_reason(c) {
                            make(Some(&c.region), reason, decided_by(c.status));
                        } else if *gap == Gap::Always
                            && c.status == CoverageStatus::Read
                            && c.items == Some(0)
                        {
                            make(
                                Some(&c.region),
                                format!("AWS Config in {} recorded no {rtype} item", c.region),
                                decided_by(c.status),
                            );
                        }
                    }
                }
                // Recorded in one region for the whole account: a gap only when no
                // collected region read it.
                Scope::GlobalIam | Scope::CloudFrontHome => {
                    if list.iter().any(|c| c.status == CoverageStatus::Read) {
                        continue;
                    }
                    let gaps: Vec<String> = list
                        .iter()
                        .filter(|c| c.status != CoverageStatus::Elsewhere)
                        .map(|c| {
                            format!(
                                "{}: {}",
                                c.region,
                                c.reason.as_deref().unwrap_or("no reason recorded")
                            )
                        })
                        .collect();
                    let reason = if gaps.is_empty() {
                        let elsewhere = list
                            .iter()
                            .find_map(|c| c.reason.as_deref())
                            .unwrap_or("recorded in another region");
                        format!("not enumerated: {elsewhere}, a region this run did not read")
                    } else {
                        format!(
                            "not enumerated: no collected region's AWS Config has current {rtype} items ({})",
                            gaps.join("; ")
                        )
                    };
                    let status = list
                        .iter()
                        .map(|c| c.status)
                        .find(|s| *s == CoverageStatus::ReadFailed)
                        .unwrap_or(CoverageStatus::NotRecorded);
                    make(None, reason, decided_by(status));
                }
            }
        }
        // CloudFront-scope web ACLs are recorded with the distributions, in us-east-1.
        let regions: BTreeSet<&str> = records.iter().map(|c| c.region.as_str()).collect();
        let aws_partition = regions.iter().any(|r| partition(r) == "aws");
        if aws_partition && !regions.contains(CLOUDFRONT_HOME) {
            let addr = format!("arn:aws:wafv2:{CLOUDFRONT_HOME}:{account}:global/webacl/*");
            let reason = format!(
                "not enumerated: AWS Config records CloudFront-scope web ACLs in {CLOUDFRONT_HOME} only, a region this run did not read"
            );
            let mut raw = doc.clone();
            raw.arn = addr;
            raw.region = None;
            raw.api_calls = decided_by(CoverageStatus::Elsewhere);
            let mut r = resource(
                &raw,
                "aws.wafv2.web_acl",
                unknown_attributes("aws.wafv2.web_acl", &reason),
                false,
            );
            r.provenance.parser = "aws-sdk-config".to_owned();
            r.provenance.source_types = vec!["AWS::WAFv2::WebACL".to_owned()];
            out.push(r);
        }
    }
    out
}

/// The patch compliance of every EC2 instance read from AWS Config in a region where the
/// `AWS::SSM::PatchCompliance` inventory was read but holds no item for it.
pub(super) fn unreported_patches(raws: &[RawResource], existing: &[Resource]) -> Vec<Resource> {
    let mut out = Vec::new();
    for (doc, records) in records(raws) {
        for c in records.iter().filter(|c| {
            c.resource_type == "AWS::SSM::PatchCompliance" && c.status == CoverageStatus::Read
        }) {
            let account = doc.account.as_deref().unwrap_or("unknown");
            let reported: BTreeSet<&str> = existing
                .iter()
                .filter(|r| r.kind == "aws.ssm.patch_compliance")
                .filter(|r| r.account == doc.account && r.region.as_deref() == Some(&c.region))
                .filter_map(|r| r.attributes.get("instance_id").and_then(Value::as_str))
                .collect();
            for instance in existing.iter().filter(|r| {
                r.kind == "aws.ec2.instance"
                    && r.account == doc.account
                    && r.region.as_deref() == Some(&c.region)
            }) {
                let Some(id) = instance
                    .address
                    .rsplit('/')
                    .next()
                    .filter(|id| id.starts_with("i-"))
                else {
                    continue;
                };
                if reported.contains(id) {
                    continue;
                }
                let mut raw = doc.clone();
                raw.arn = patch_address(partition(&c.region), &c.region, account, id);
                raw.region = Some(c.region.clone());
                raw.api_calls = decided_by(CoverageStatus::Read);
                let mut r = resource(
                    &raw,
                    "aws.ssm.patch_compliance",
                    unreported_patch_compliance(id, &c.region),
                    false,
                );
                r.provenance.parser = "aws-sdk-config".to_owned();
                r.provenance.source_types = vec![
                    "AWS::SSM::PatchCompliance".to_owned(),
                    "AWS::EC2::Instance".to_owned(),
                ];
                r.provenance.joined = vec![instance.address.clone()];
                out.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) fn stand_in_table() -> Vec<(&'static str, &'static str)> {
    STAND_INS
        .iter()
        .filter(|(_, _, _, g)| *g != Gap::Never)
        .map(|(t, k, _, _)| (*t, *k))
        .collect()
}

#[cfg(test)]
pub(super) fn table_types() -> Vec<&'static str> {
    STAND_INS.iter().map(|(t, _, _, _)| *t).collect()
}
