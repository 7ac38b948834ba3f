//! Threat detection: `aws_guardduty_detector_feature` joined into `aws.guardduty.detector`
//! (provider v5+ feature resources), and the account-level services
//! `aws.securityhub.hub`, `aws.inspector2.account` and `aws.macie2.session`.
//!
//! The account-level kinds describe one account and region. Terraform rarely says which
//! account a resource lands in (provider aliases, assumed roles), so the adapter does not
//! try: each declaring resource is judged on its own, and "in every region" is left to live
//! data.

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{boolean, enum_str, obj, string, strings, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Upserts feature `name` with `status` into a detector's `features` array (sorted by name).
fn upsert_feature(r: &mut Resource, name: &Value, status: Value) {
    let Some(attrs) = r.attributes.as_object_mut() else {
        return;
    };
    let entry = obj([("name", name.clone()), ("status", status)]);
    match attrs.get_mut("features") {
        Some(Value::Array(list)) => {
            list.retain(|f| f.get("name") != Some(name));
            list.push(entry);
            list.sort_by_key(|f| f.get("name").map(Value::to_string));
        }
        // An unknown list stays unknown: the feature resource does not make it known.
        Some(_) => {}
        None => {
            attrs.insert("features".into(), Value::Array(vec![entry]));
        }
    }
}

fn note_join(r: &mut Resource, inst: &TfInstance) {
    if !r.provenance.source_types.contains(&inst.resource_type) {
        r.provenance.source_types.push(inst.resource_type.clone());
    }
    if !r.provenance.joined.contains(&inst.address) {
        r.provenance.joined.push(inst.address.clone());
    }
}

/// Folds every `aws_guardduty_detector_feature` into the detector it names; a feature whose
/// detector is outside the configuration becomes a stand-in detector.
pub(super) fn join_detector_features(managed: &[&TfInstance], out: &mut Vec<Resource>) {
    let detectors: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_guardduty_detector")
        .collect();
    let mut stand_ins = Vec::new();
    for inst in managed
        .iter()
        .filter(|i| i.resource_type == "aws_guardduty_detector_feature")
    {
        let v = &inst.values;
        let name = enum_str(v, "name", None);
        let status = enum_str(v, "status", None);
        let target = |i: usize, out: &mut Vec<Resource>| -> Option<usize> {
            let address = &detectors.get(i)?.address;
            out.iter()
                .position(|r| &r.address == address && r.kind == "aws.guardduty.detector")
        };
        match refs::resolve(
            v.get("detector_id"),
            "detector_id",
            inst,
            &detectors,
            &["aws_guardduty_detector"],
            None,
        ) {
            Resolution::One(i) => {
                if let Some(r) = target(i, out).and_then(|p| out.get_mut(p)) {
                    upsert_feature(r, &name, status);
                    note_join(r, inst);
                }
            }
            Resolution::Unresolved {
                candidates, reason, ..
            } if !candidates.is_empty() => {
                for i in candidates {
                    if let Some(r) = target(i, out).and_then(|p| out.get_mut(p)) {
                        upsert_feature(
                            r,
                            &name,
                            unknown(format!(
                                "{} may configure this detector: {reason}",
                                inst.address
                            )),
                        );
                    }
                }
            }
            Resolution::Unresolved { reason, .. } => {
                let mut b = Builder::new("aws.guardduty.detector", inst);
                let outside = unknown(format!(
                    "the detector is not part of the scanned configuration ({reason})"
                ));
                for key in ["enabled", "finding_publishing_frequency", "tags"] {
                    b.set(key, outside.clone());
                }
                b.set(
                    "features",
                    Value::Array(vec![obj([("name", name), ("status", status)])]),
                );
                stand_ins.push(b.build());
            }
        }
    }
    out.extend(stand_ins);
}

/// `aws.securityhub.hub` from `aws_securityhub_account`, with every
/// `aws_securityhub_standards_subscription` of the same module: subscriptions name no hub,
/// they belong to the account the provider points at.
pub(super) fn hubs(managed: &[&TfInstance]) -> Vec<Resource> {
    let subscriptions: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_securityhub_standards_subscription")
        .collect();
    let standards_of = |chain: &[String]| -> Vec<Value> {
        let mut list: Vec<Value> = subscriptions
            .iter()
            .filter(|s| s.module_chain == chain)
            .map(|s| {
                obj([
                    ("arn", string(&s.values, "standards_arn")),
                    ("status", Value::Null),
                ])
            })
            .collect();
        list.sort_by_key(|s| s.get("arn").map(Value::to_string));
        list
    };
    let accounts: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_securityhub_account")
        .collect();
    let mut out: Vec<Resource> = accounts
        .iter()
        .map(|inst| {
            let v = &inst.values;
            let mut b = Builder::new("aws.securityhub.hub", inst);
            b.set("enabled", Value::Bool(true));
            b.arg(
                "default_standards_enabled",
                boolean(v, "enable_default_standards", Some(true)),
                "enable_default_standards",
            );
            b.set("standards", Value::Array(standards_of(&inst.module_chain)));
            for s in subscriptions
                .iter()
                .filter(|s| s.module_chain == inst.module_chain)
            {
                b.join(s);
            }
            b.build()
        })
        .collect();
    // Subscriptions in a module with no hub: the hub is enabled somewhere (a subscription
    // needs it), but not here, so it stands in with what the subscriptions say.
    let mut seen: Vec<&Vec<String>> = accounts.iter().map(|a| &a.module_chain).collect();
    for s in &subscriptions {
        if seen.contains(&&s.module_chain) {
            continue;
        }
        seen.push(&s.module_chain);
        let mut b = Builder::new("aws.securityhub.hub", s);
        b.set(
            "enabled",
            unknown("the hub is not declared in this module (aws_securityhub_account)"),
        );
        b.set(
            "default_standards_enabled",
            unknown("the hub is not declared in this module"),
        );
        b.set("standards", Value::Array(standards_of(&s.module_chain)));
        for other in subscriptions
            .iter()
            .filter(|o| o.module_chain == s.module_chain && o.address != s.address)
        {
            b.join(other);
        }
        out.push(b.build());
    }
    out
}

/// `aws.inspector2.account` from `aws_inspector2_enabler`: listed resource types are on,
/// unlisted ones are not configured by this resource (null).
pub(super) fn inspector(managed: &[&TfInstance]) -> Vec<Resource> {
    managed
        .iter()
        .filter(|i| i.resource_type == "aws_inspector2_enabler")
        .map(|inst| {
            let mut b = Builder::new("aws.inspector2.account", inst);
            b.arg(
                "account_ids",
                strings(&inst.values, "account_ids"),
                "account_ids",
            );
            let scanning = match strings(&inst.values, "resource_types") {
                Value::Array(types) => {
                    let mut entries = Vec::new();
                    for (key, api) in [
                        ("ec2", "EC2"),
                        ("ecr", "ECR"),
                        ("lambda", "LAMBDA"),
                        ("lambda_code", "LAMBDA_CODE"),
                    ] {
                        let value = if types.iter().any(|t| t.as_str() == Some(api)) {
                            Value::Bool(true)
                        } else if let Some(u) = types.iter().find(|t| t.as_str().is_none()) {
                            u.clone()
                        } else {
                            Value::Null
                        };
                        entries.push((key, value));
                    }
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }
                other => other,
            };
            b.arg("scanning", scanning, "resource_types");
            b.build()
        })
        .collect()
}

/// `aws.macie2.session` from `aws_macie2_account`, with the scheduled classification jobs
/// of the same module counted in.
pub(super) fn macie(managed: &[&TfInstance]) -> Vec<Resource> {
    let jobs: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| i.resource_type == "aws_macie2_classification_job")
        .collect();
    managed
        .iter()
        .filter(|i| i.resource_type == "aws_macie2_account")
        .map(|inst| {
            let mut b = Builder::new("aws.macie2.session", inst);
            b.arg(
                "status",
                enum_str(&inst.values, "status", Some("ENABLED")),
                "status",
            );
            b.set(
                "automated_discovery_status",
                unknown("automated sensitive data discovery is not declared in Terraform; it is read live"),
            );
            let mut scheduled = 0i64;
            let mut unsure = None;
            for j in jobs.iter().filter(|j| j.module_chain == inst.module_chain) {
                b.join(j);
                match enum_str(&j.values, "job_type", None) {
                    Value::String(t) if t == "SCHEDULED" => scheduled += 1,
                    Value::String(_) => {}
                    other => unsure = Some(other),
                }
            }
            match unsure {
                Some(u) if scheduled == 0 => b.set("scheduled_job_count", u),
                _ => b.set("scheduled_job_count", Value::from(scheduled)),
            }
            b.build()
        })
        .collect()
}
