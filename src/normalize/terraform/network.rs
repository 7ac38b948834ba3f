//! Network kinds: `aws.ec2.network_acl` (inline entries joined with `aws_network_acl_rule`),
//! `aws.ec2.subnet`, and `aws.ec2.vpc` with the `aws_flow_log`s attached to it.
//!
//! Joins follow the security-group adapter: an entry or flow log whose target cannot be
//! resolved is an unknown element in the list of every target it might belong to. A NACL
//! entry on an ACL outside the configuration gets a resource of its own (the outside ACL,
//! whose other entries are unknown); a flow log of a VPC outside the configuration is left
//! out, since it carries nothing a rule judges without its VPC.

use std::collections::BTreeMap;

use serde_json::Value;

use super::refs::{self, Resolution};
use super::{arg, blocks, boolean, enum_str, integer, obj, string, tags, Arg, Builder};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

/// Builds the network kinds declared in `managed`.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let mut out = network_acls(managed);
    out.extend(
        managed
            .iter()
            .filter(|i| {
                matches!(
                    i.resource_type.as_str(),
                    "aws_subnet" | "aws_default_subnet"
                )
            })
            .map(|inst| subnet(inst).build()),
    );
    out.extend(vpcs(managed));
    out
}

fn subnet(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let default = inst.resource_type == "aws_default_subnet";
    let mut b = Builder::new("aws.ec2.subnet", inst);
    b.arg("vpc_id", string(v, "vpc_id"), "vpc_id");
    b.arg("cidr_block", string(v, "cidr_block"), "cidr_block");
    b.arg(
        "availability_zone",
        string(v, "availability_zone"),
        "availability_zone",
    );
    // Default subnets auto-assign public IPs; the provider keeps that unless told otherwise.
    b.arg(
        "map_public_ip_on_launch",
        boolean(v, "map_public_ip_on_launch", Some(default)),
        "map_public_ip_on_launch",
    );
    b.arg(
        "assign_ipv6_address_on_creation",
        boolean(v, "assign_ipv6_address_on_creation", Some(false)),
        "assign_ipv6_address_on_creation",
    );
    b.arg("tags", tags(v), "tags");
    b
}

/// Protocol in the normalized spelling shared with security groups.
fn protocol(v: &Value, key: &str) -> Value {
    match enum_str(v, key, None) {
        Value::String(p) => Value::String(match p.trim().to_ascii_lowercase().as_str() {
            "all" | "-1" => "-1".to_owned(),
            "6" => "tcp".to_owned(),
            "17" => "udp".to_owned(),
            "1" => "icmp".to_owned(),
            "58" => "icmpv6".to_owned(),
            other => other.to_owned(),
        }),
        Value::Null => unknown(format!("`{key}` is not set")),
        other => other,
    }
}

/// One normalized NACL entry from an inline block (`rule_no`, `action`) or a standalone
/// rule (`rule_number`, `rule_action`).
fn entry(v: &Value, number_key: &str, action_key: &str) -> Value {
    let proto = protocol(v, "protocol");
    let (from, to) = if proto.as_str() == Some("-1") {
        (Value::Null, Value::Null)
    } else {
        (integer(v, "from_port"), integer(v, "to_port"))
    };
    let action = match enum_str(v, action_key, None) {
        Value::String(s) => Value::String(s.to_ascii_lowercase()),
        Value::Null => unknown(format!("`{action_key}` is not set")),
        other => other,
    };
    let cidr = |k: &str| match string(v, k) {
        Value::String(s) if s.contains("${") => {
            unknown(format!("`{k}` is `{s}`, known only after apply"))
        }
        Value::String(s) if s.is_empty() => Value::Null,
        other => other,
    };
    obj([
        ("rule_number", integer(v, number_key)),
        ("protocol", proto),
        ("rule_action", action),
        ("cidr_ipv4", cidr("cidr_block")),
        ("cidr_ipv6", cidr("ipv6_cidr_block")),
        ("from_port", from),
        ("to_port", to),
    ])
}

type Lists = (Result<Vec<Value>, Value>, Result<Vec<Value>, Value>);

fn push(lists: &mut Lists, egress: bool, value: Value) {
    let list = if egress { &mut lists.1 } else { &mut lists.0 };
    if let Ok(l) = list {
        l.push(value);
    }
}

fn finish(mut b: Builder, lists: Lists) -> Resource {
    for (key, list) in [("ingress", lists.0), ("egress", lists.1)] {
        b.set(key, list.map_or_else(|m| m, Value::Array));
    }
    b.build()
}

fn network_acls(managed: &[&TfInstance]) -> Vec<Resource> {
    const TYPES: [&str; 2] = ["aws_network_acl", "aws_default_network_acl"];
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| TYPES.contains(&i.resource_type.as_str()))
        .collect();
    let mut acls: Vec<(Builder, Lists)> = targets
        .iter()
        .map(|inst| {
            let v = &inst.values;
            let default = inst.resource_type == "aws_default_network_acl";
            let mut b = Builder::new("aws.ec2.network_acl", inst);
            // aws_default_network_acl adopts the VPC's default ACL by its ID.
            let vpc = if default {
                unknown("the default ACL's VPC is known only after apply")
            } else {
                string(v, "vpc_id")
            };
            b.arg("vpc_id", vpc, "vpc_id");
            b.set("is_default", Value::Bool(default));
            b.arg("tags", tags(v), "tags");
            let inline = |key: &str| -> Result<Vec<Value>, Value> {
                blocks(v, key).map(|items| {
                    items
                        .into_iter()
                        .map(|e| entry(e, "rule_no", "action"))
                        .collect()
                })
            };
            let lists = (inline("ingress"), inline("egress"));
            for key in ["ingress", "egress"] {
                b.locate(key, inst, key);
            }
            (b, lists)
        })
        .collect();

    let mut orphans: BTreeMap<String, (Builder, Lists)> = BTreeMap::new();
    for rule in managed
        .iter()
        .filter(|i| i.resource_type == "aws_network_acl_rule")
    {
        let v = &rule.values;
        let egress = match boolean(v, "egress", Some(false)) {
            Value::Bool(e) => Some(e),
            _ => None,
        };
        let value = entry(v, "rule_number", "rule_action");
        match refs::resolve(
            v.get("network_acl_id"),
            "network_acl_id",
            rule,
            &targets,
            &TYPES,
            None,
        ) {
            Resolution::One(i) => {
                if let Some((b, lists)) = acls.get_mut(i) {
                    b.join(rule);
                    match egress {
                        Some(e) => push(lists, e, value),
                        None => {
                            let m = unknown(format!("direction of {} is not known", rule.address));
                            push(lists, false, m.clone());
                            push(lists, true, m);
                        }
                    }
                }
            }
            Resolution::Unresolved {
                candidates,
                group,
                reason,
            } => {
                let marker = unknown(format!(
                    "{} may add an entry to this ACL: {reason}",
                    rule.address
                ));
                for i in candidates {
                    if let Some((b, lists)) = acls.get_mut(i) {
                        b.join(rule);
                        push(lists, egress != Some(true), marker.clone());
                        if egress != Some(false) {
                            push(lists, true, marker.clone());
                        }
                    }
                }
                let key = group.unwrap_or_else(|| format!("rule:{}", rule.address));
                let (b, lists) = orphans.entry(key).or_insert_with(|| {
                    let mut b = Builder::new("aws.ec2.network_acl", rule);
                    b.source_types.clear();
                    let outside = unknown(format!(
                        "the network ACL is not part of the scanned configuration ({reason})"
                    ));
                    for k in ["vpc_id", "is_default", "tags"] {
                        b.set(k, outside.clone());
                    }
                    (b, (Ok(vec![outside.clone()]), Ok(vec![outside])))
                });
                b.join(rule);
                match egress {
                    Some(e) => push(lists, e, value),
                    None => {
                        let m = unknown(format!("direction of {} is not known", rule.address));
                        push(lists, false, m.clone());
                        push(lists, true, m);
                    }
                }
            }
        }
    }
    let mut out: Vec<Resource> = acls.into_iter().map(|(b, l)| finish(b, l)).collect();
    out.extend(orphans.into_values().map(|(b, l)| finish(b, l)));
    out
}

fn vpcs(managed: &[&TfInstance]) -> Vec<Resource> {
    const TYPES: [&str; 2] = ["aws_vpc", "aws_default_vpc"];
    let targets: Vec<&TfInstance> = managed
        .iter()
        .copied()
        .filter(|i| TYPES.contains(&i.resource_type.as_str()))
        .collect();
    let mut vpcs: Vec<(Builder, Vec<Value>)> = targets
        .iter()
        .map(|inst| {
            let v = &inst.values;
            let mut b = Builder::new("aws.ec2.vpc", inst);
            b.arg("cidr_block", string(v, "cidr_block"), "cidr_block");
            b.set(
                "is_default",
                Value::Bool(inst.resource_type == "aws_default_vpc"),
            );
            b.arg("tags", tags(v), "tags");
            (b, Vec::new())
        })
        .collect();
    for fl in managed.iter().filter(|i| i.resource_type == "aws_flow_log") {
        let v = &fl.values;
        // Flow logs of subnets, interfaces or transit gateways are not VPC flow logs.
        if matches!(arg(v, "vpc_id"), Arg::Absent) {
            continue;
        }
        let value = obj([
            ("traffic_type", enum_str(v, "traffic_type", None)),
            (
                "destination_type",
                enum_str(v, "log_destination_type", Some("cloud-watch-logs")),
            ),
            ("log_destination", string(v, "log_destination")),
            ("log_group_name", string(v, "log_group_name")),
            ("status", Value::Null),
        ]);
        match refs::resolve(v.get("vpc_id"), "vpc_id", fl, &targets, &TYPES, None) {
            Resolution::One(i) => {
                if let Some((b, list)) = vpcs.get_mut(i) {
                    b.join(fl);
                    b.locate_block(&format!("flow_logs.{}", list.len()), fl);
                    list.push(value);
                }
            }
            Resolution::Unresolved {
                candidates, reason, ..
            } => {
                for i in candidates {
                    if let Some((b, list)) = vpcs.get_mut(i) {
                        b.join(fl);
                        list.push(unknown(format!(
                            "{} may capture this VPC: {reason}",
                            fl.address
                        )));
                    }
                }
            }
        }
    }
    vpcs.into_iter()
        .map(|(mut b, list)| {
            b.set("flow_logs", Value::Array(list));
            b.build()
        })
        .collect()
}
