//! Account- and region-scope resources of services vouch does not call yet, built from the
//! [`RawKind::RegionScope`] documents (one per account and region read).
//!
//! Why they exist: a live audit with no resource of a kind gives its rules no outcome, and a
//! control backed only by them rolls up to `not applicable`, which for an account that
//! certainly has (or lacks) Security Hub, Inspector, Macie or CloudWatch alarms is a false
//! answer. Each stand-in carries its facts as the unknown marker naming the API that would
//! tell ("not collected: vouch does not call securityhub:DescribeHub"), so the rules say
//! `unknown` and controls roll up to `unknown`. A collector for one of these services
//! replaces its stand-in by emitting the kind itself.

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
        let regional: [(&str, String, &str, Value); 3] = [
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
        ];
        for (kind, address, source_type, attributes) in regional {
            if has(&out, kind, &raw.account, &raw.region) {
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
