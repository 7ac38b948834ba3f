//! Account- and region-scope resources of services vouch does not call yet, and one
//! stand-in per region for the kinds with rules whose resources vouch cannot enumerate
//! (CloudWatch log groups where `DescribeLogGroups` was not read or failed, ElastiCache
//! replication groups, EBS snapshots, EBS encryption by default, API Gateway routes, GuardDuty
//! findings where a detector's listing failed), built from the [`RawKind::RegionScope`]
//! documents (one per account and region read). The Security Hub, Inspector and Macie
//! stand-ins remain for snapshots and callers whose documents lack those collectors' output:
//! the collectors emit the kinds in every region.
//!
//! Why they exist: a live audit with no resource of a kind gives its rules no outcome, and a
//! control backed only by them rolls up to `not applicable`, which for an account that
//! certainly has (or lacks) Security Hub, Inspector, Macie or CloudWatch alarms is a false
//! answer. Each stand-in carries its facts as the unknown marker naming the API that would
//! tell ("not collected: vouch does not call securityhub:DescribeHub"), so the rules say
//! `unknown` and controls roll up to `unknown`. A collector for one of these services
//! replaces its stand-in by emitting the kind itself; the EC2 collector does so for EBS
//! encryption by default. Listing collectors replace theirs by their region's listing
//! document, even when it found nothing (a fact): EC2 for snapshots, ElastiCache and API
//! Gateway (see [`super::live_edge`]), so those stand-ins only remain for a region no listing
//! read.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::resource;
use crate::collect::aws::client::partition;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown, Resource};

fn not_called(op: &str) -> Value {
    unknown(format!("not collected: vouch does not call {op}"))
}

/// The stand-ins for every account and region in `raws` whose kind no other document
/// produced (checked against `existing`).
pub(super) fn stand_ins(raws: &[RawResource], existing: &[Resource]) -> Vec<Resource> {
    let mut out: Vec<Resource> = Vec::new();
    let mut seen_regions: BTreeSet<(Option<String>, Option<String>)> = BTreeSet::new();
    let mut seen_accounts: BTreeSet<Option<String>> = BTreeSet::new();
    let has = |out: &[Resource], kind: &str, account: &Option<String>, region: &Option<String>| {
        existing
            .iter()
            .chain(out.iter())
            .any(|r| r.kind == kind && &r.account == account && &r.region == region)
    };
    for raw in raws.iter().filter(|r| r.kind == RawKind::RegionScope) {
        let Some(region) = raw.region.clone() else {
            continue;
        };
        if !seen_regions.insert((raw.account.clone(), Some(region.clone()))) {
            continue;
        }
        let p = partition(&region);
        let account = raw.account.as_deref().unwrap_or("unknown");
        let regional: [(&str, String, &str, Value); 10] = [
            (
                "aws.securityhub.hub",
                format!("arn:{p}:securityhub:{region}:{account}:hub/default"),
                "AWS::SecurityHub::Hub",
                json!({
                    "enabled": not_called("securityhub:DescribeHub"),
                    "default_standards_enabled": not_called("securityhub:DescribeHub"),
                    "standards": not_called("securityhub:GetEnabledStandards"),
                }),
            ),
            (
                "aws.inspector2.account",
                format!("arn:{p}:inspector2:{region}:{account}:account"),
                "Inspector2 account status",
                json!({
                    "account_ids": raw.account.as_deref().map_or_else(
                        || unknown("sts:GetCallerIdentity did not answer"),
                        |a| json!([a]),
                    ),
                    "scanning": not_called("inspector2:BatchGetAccountStatus"),
                }),
            ),
            (
                "aws.macie2.session",
                format!("arn:{p}:macie2:{region}:{account}:session"),
                "AWS::Macie::Session",
                json!({
                    "status": not_called("macie2:GetMacieSession"),
                    "automated_discovery_status": not_called("macie2:GetAutomatedDiscoveryConfiguration"),
                    "scheduled_job_count": not_called("macie2:ListClassificationJobs"),
                }),
            ),
            // Kinds with rules whose resources AWS Config does not record: one stand-in per
            // region for all of them, since vouch cannot enumerate them.
            (
                "aws.cloudwatch.log_group",
                format!("arn:{p}:logs:{region}:{account}:log-group:*"),
                "AWS::Logs::LogGroup",
                super::coverage::unknown_attributes(
                    "aws.cloudwatch.log_group",
                    "not collected: vouch does not call logs:DescribeLogGroups (AWS Config does not record log groups)",
                ),
            ),
            (
                "aws.elasticache.replication_group",
                format!("arn:{p}:elasticache:{region}:{account}:replicationgroup:*"),
                "AWS::ElastiCache::ReplicationGroup",
                super::coverage::unknown_attributes(
                    "aws.elasticache.replication_group",
                    "not collected: vouch does not call elasticache:DescribeReplicationGroups (AWS Config does not record ElastiCache)",
                ),
            ),
            (
                "aws.ec2.snapshot",
                format!("arn:{p}:ec2:{region}:{account}:snapshot/*"),
                "AWS::EC2::Snapshot",
                super::coverage::unknown_attributes(
                    "aws.ec2.snapshot",
                    "not collected: vouch does not call ec2:DescribeSnapshots or ec2:DescribeSnapshotAttribute (AWS Config does not record EBS snapshots)",
                ),
            ),
            (
                "aws.ec2.ebs_encryption_by_default",
                format!("arn:{p}:ec2:{region}:{account}:ebs-encryption-by-default"),
                "EBS encryption by default",
                json!({
                    "encryption_by_default": not_called("ec2:GetEbsEncryptionByDefault"),
                    "default_kms_key_id": not_called("ec2:GetEbsDefaultKmsKeyId"),
                }),
            ),
            (
                "aws.apigateway.route",
                format!("arn:{p}:apigateway:{region}::/restapis/*/resources/*/methods/*"),
                "AWS::ApiGateway::Method",
                super::coverage::unknown_attributes(
                    "aws.apigateway.route",
                    "not collected: vouch does not call apigateway:GET /restapis/{id}/resources (AWS Config's AWS::ApiGateway::Method items carry no resource path)",
                ),
            ),
            (
                "aws.apigateway.route",
                format!("arn:{p}:apigateway:{region}::/apis/*/routes/*"),
                "AWS::ApiGatewayV2::Route",
                super::coverage::unknown_attributes(
                    "aws.apigateway.route",
                    "not collected: vouch does not call apigateway:GET /apis/{id}/routes (AWS Config does not record HTTP and WebSocket API routes)",
                ),
            ),
            (
                "aws.guardduty.finding",
                format!("arn:{p}:guardduty:{region}:{account}:detector/*/finding/*"),
                "GuardDuty findings",
                super::coverage::unknown_attributes(
                    "aws.guardduty.finding",
                    "not collected: vouch does not call guardduty:ListFindings or guardduty:GetFindings (the snapshot's guardduty_findings has their counts by severity)",
                ),
            ),
        ];
        // Findings exist only where a detector does: none (a fact) means none to judge.
        let no_detector = raws.iter().any(|d| {
            d.kind == RawKind::GuardDutyDetector
                && d.account == raw.account
                && d.region == raw.region
                && d.data.get("Exists") == Some(&Value::Bool(false))
        });
        // Where every detector's high findings were listed to the end, the findings are the
        // resources the collector emitted (none is a fact); a listing that failed keeps the
        // stand-in, with the failure as the reason, beside any findings that were read.
        let detectors: Vec<&RawResource> = raws
            .iter()
            .filter(|d| {
                d.kind == RawKind::GuardDutyDetector
                    && d.account == raw.account
                    && d.region == raw.region
            })
            .collect();
        let findings_listed = !detectors.is_empty()
            && detectors.iter().all(|d| {
                d.data
                    .get("ListFindings")
                    .is_some_and(|l| l.is_object() && crate::model::unknown_reason(l).is_none())
            });
        let findings_failure = detectors.iter().find_map(|d| {
            d.data
                .get("ListFindings")
                .or_else(|| d.data.get("Exists"))
                .and_then(crate::model::unknown_reason)
        });
        // Log groups are listed by DescribeLogGroups: read to the end, the groups are the
        // facts (none is "none"); a failed listing makes the stand-in carry its reason, even
        // beside the groups its first pages returned.
        let log_listing = super::logs::listing(raws, &raw.account, &raw.region);
        for (kind, address, source_type, mut attributes) in regional {
            if kind == "aws.guardduty.finding" {
                if no_detector || findings_listed {
                    continue;
                }
                if let Some(reason) = findings_failure {
                    attributes = super::coverage::unknown_attributes(
                        kind,
                        &format!("not enumerated: {reason}"),
                    );
                    out.push(stand_in(raw, kind, address, source_type, attributes, false));
                    continue;
                }
            }
            if kind == "aws.cloudwatch.log_group" {
                match &log_listing {
                    Some(None) => continue,
                    Some(Some(failed)) => {
                        let reason = format!(
                            "not enumerated: the log groups of {region} could not all be listed ({})",
                            crate::model::unknown_reason(failed).unwrap_or("logs:DescribeLogGroups failed")
                        );
                        attributes = super::coverage::unknown_attributes(kind, &reason);
                        if !existing
                            .iter()
                            .chain(out.iter())
                            .any(|r| r.address == address)
                        {
                            let mut listing_raw = raw.clone();
                            listing_raw.api_calls = vec!["logs:DescribeLogGroups".to_owned()];
                            out.push(stand_in(
                                &listing_raw,
                                kind,
                                address,
                                source_type,
                                attributes,
                                false,
                            ));
                        }
                        continue;
                    }
                    None => {}
                }
            }
            // Snapshots listed: none is a fact, a failed listing has its own resource.
            if kind == "aws.ec2.snapshot"
                && super::ec2::snapshots_listed(raws, &raw.account, &raw.region)
            {
                continue;
            }
            // Read by a collector: what its listing found (or could not read) stands instead.
            let listing = match (kind, source_type) {
                ("aws.elasticache.replication_group", _) => {
                    Some((RawKind::ElastiCacheListing, None))
                }
                ("aws.apigateway.route", "AWS::ApiGateway::Method") => {
                    Some((RawKind::ApiGatewayListing, Some("rest")))
                }
                ("aws.apigateway.route", _) => Some((RawKind::ApiGatewayListing, Some("v2"))),
                _ => None,
            };
            if let Some((listing, family)) = listing {
                if super::live_edge::listed(raws, listing, family, &raw.account, &raw.region) {
                    continue;
                }
            }
            if existing
                .iter()
                .chain(out.iter())
                .any(|r| r.kind == kind && r.address == address)
            {
                continue;
            }
            // A collector of the kind replaces its stand-ins (the route stand-ins share a
            // kind, so two of them may stand in one region).
            if kind != "aws.apigateway.route" && has(&out, kind, &raw.account, &raw.region) {
                continue;
            }
            out.push(stand_in(raw, kind, address, source_type, attributes, false));
        }

        if seen_accounts.insert(raw.account.clone())
            && !has(&out, "aws.account", &raw.account, &None)
        {
            let mut account_raw = raw.clone();
            account_raw.region = None;
            out.push(stand_in(
                &account_raw,
                "aws.account",
                // The AWS Account Management ARN of the account.
                format!("arn:{p}:account::{account}:account"),
                "AWS account",
                json!({
                    "account_id": raw.account.as_deref().map_or_else(
                        || unknown("sts:GetCallerIdentity did not answer"),
                        |a| json!(a),
                    ),
                    "regions": not_called("ec2:DescribeRegions"),
                    "metric_alarms": not_called("logs:DescribeMetricFilters or cloudwatch:DescribeAlarmsForMetric"),
                }),
                raw.account.is_some(),
            ));
        }
    }
    out
}

fn stand_in(
    raw: &RawResource,
    kind: &str,
    address: String,
    source_type: &str,
    attributes: Value,
    real_arn: bool,
) -> Resource {
    let mut raw = raw.clone();
    raw.arn = address;
    let mut r = resource(&raw, kind, attributes, real_arn);
    r.provenance.source_types = vec![source_type.to_owned()];
    r
}
