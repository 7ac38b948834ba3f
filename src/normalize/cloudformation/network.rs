//! CloudFormation mappings of the network kinds, in the shapes of the Terraform adapter's
//! `network` module: `aws.ec2.subnet`, `aws.ec2.vpc` with the `AWS::EC2::FlowLog`s of
//! `ResourceType: VPC` attached to it, and `aws.ec2.network_acl` with its
//! `AWS::EC2::NetworkAclEntry`s (CloudFormation has no inline entries).
//!
//! Joins follow the Terraform adapter: an entry or flow log whose target cannot be
//! determined is an unknown element in the list of every target it might belong to. Entries
//! of an ACL outside the template get a resource of their own (the outside ACL, whose other
//! entries are unknown); a flow log of a VPC outside the template is left out, since it
//! carries nothing a rule judges without its VPC.

use std::collections::BTreeMap;

use serde_json::Value;

use super::rules_a::target_in;
use super::{arg, boolean, enum_str, integer, obj, string, Arg, Builder, Read, Target, Template};
use crate::model::{unknown, Resource};

/// Builds the network kinds of one template.
pub(super) fn resources(t: &Template<'_>) -> Vec<Resource> {
    let mut out = network_acls(t);
    out.extend(t.of_type("AWS::EC2::Subnet").into_iter().map(|r| {
        let mut b = Builder::new("aws.ec2.subnet", r);
        b.props(
            &r.properties,
            &[
                ("vpc_id", "VpcId", Read::Str),
                ("cidr_block", "CidrBlock", Read::Str),
                ("availability_zone", "AvailabilityZone", Read::Str),
                (
                    "map_public_ip_on_launch",
                    "MapPublicIpOnLaunch",
                    Read::Bool(Some(false)),
                ),
                (
                    "assign_ipv6_address_on_creation",
                    "AssignIpv6AddressOnCreation",
                    Read::Bool(Some(false)),
                ),
                ("tags", "Tags", Read::Tags),
            ],
        );
        b.build()
    }));
    out.extend(vpcs(t));
    out
}

/// IANA protocol number (CloudFormation's spelling) → the normalized spelling shared with
/// security groups and the Terraform adapter.
fn protocol(v: &Value) -> Value {
    match enum_str(v, "Protocol") {
        Value::String(p) => Value::String(match p.trim().to_ascii_lowercase().as_str() {
            "all" | "-1" => "-1".to_owned(),
            "6" => "tcp".to_owned(),
            "17" => "udp".to_owned(),
            "1" => "icmp".to_owned(),
            "58" => "icmpv6".to_owned(),
            other => other.to_owned(),
        }),
        Value::Null => unknown("`Protocol` is not set"),
        other => other,
    }
}

/// One normalized entry from an `AWS::EC2::NetworkAclEntry`.
fn entry(v: &Value) -> Value {
    let proto = protocol(v);
    let (from, to) = if proto.as_str() == Some("-1") {
        (Value::Null, Value::Null)
    } else {
        match arg(v, "PortRange") {
            Arg::Absent => (Value::Null, Value::Null),
            Arg::Unknown(m) => (m.clone(), m),
            Arg::Known(r) => (integer(r, "From"), integer(r, "To")),
        }
    };
    let action = match enum_str(v, "RuleAction") {
        Value::String(s) => Value::String(s.to_ascii_lowercase()),
        Value::Null => unknown("`RuleAction` is not set"),
        other => other,
    };
    let cidr = |k: &str| match string(v, k) {
        Value::String(s) if s.contains("${") => {
            unknown(format!("`{k}` is `{s}`, known only after deployment"))
        }
        Value::String(s) if s.is_empty() => Value::Null,
        other => other,
    };
    obj([
        ("rule_number", integer(v, "RuleNumber")),
        ("protocol", proto),
        ("rule_action", action),
        ("cidr_ipv4", cidr("CidrBlock")),
        ("cidr_ipv6", cidr("Ipv6CidrBlock")),
        ("from_port", from),
        ("to_port", to),
    ])
}

/// (ingress, egress) entries of one ACL.
#[derive(Default)]
struct Lists {
    ingress: Vec<Value>,
    egress: Vec<Value>,
}

impl Lists {
    /// Adds `value` to the entry's direction, or to both when the direction is not known.
    fn push(&mut self, egress: Option<bool>, value: Value) {
        if egress != Some(true) {
            self.ingress.push(value.clone());
        }
        if egress != Some(false) {
            self.egress.push(value);
        }
    }
}

fn finish(mut b: Builder, lists: Lists) -> Resource {
    b.set("ingress", Value::Array(lists.ingress));
    b.set("egress", Value::Array(lists.egress));
    b.build()
}

fn network_acls(t: &Template<'_>) -> Vec<Resource> {
    let targets = t.of_type("AWS::EC2::NetworkAcl");
    let mut acls: Vec<(Builder, Lists)> = targets
        .iter()
        .map(|r| {
            let mut b = Builder::new("aws.ec2.network_acl", r);
            b.props(
                &r.properties,
                &[("vpc_id", "VpcId", Read::Str), ("tags", "Tags", Read::Tags)],
            );
            // A VPC's default ACL is not a CloudFormation resource.
            b.set("is_default", Value::Bool(false));
            (b, Lists::default())
        })
        .collect();
    let mut outside: BTreeMap<String, (Builder, Lists)> = BTreeMap::new();
    for rule in t.of_type("AWS::EC2::NetworkAclEntry") {
        let p = &rule.properties;
        let egress = match boolean(p, "Egress", Some(false)) {
            Value::Bool(e) => Some(e),
            _ => None,
        };
        let value = match egress {
            Some(_) => entry(p),
            None => unknown(format!("direction of {} is not known", rule.address)),
        };
        let place = |b: &mut Builder, lists: &mut Lists, value: Value| {
            b.join(rule);
            for (dir, on) in [
                ("ingress", egress != Some(true)),
                ("egress", egress != Some(false)),
            ] {
                if on {
                    let len = if dir == "ingress" {
                        lists.ingress.len()
                    } else {
                        lists.egress.len()
                    };
                    b.locate_block(&format!("{dir}.{len}"), rule);
                }
            }
            lists.push(egress, value);
        };
        let why = match target_in(p.get("NetworkAclId"), &targets, "") {
            Target::One(i) => {
                if let Some((b, lists)) = acls.get_mut(i) {
                    place(b, lists, value);
                }
                continue;
            }
            Target::Outside => {
                "the network ACL is not part of the template (`NetworkAclId` names an ACL outside it)"
                    .to_owned()
            }
            Target::Unknown(reason) => {
                let marker = unknown(format!(
                    "{} may add an entry to this ACL: {reason}",
                    rule.address
                ));
                for (b, lists) in &mut acls {
                    place(b, lists, marker.clone());
                }
                format!(
                    "the network ACL could not be determined and may be outside the template ({reason})"
                )
            }
        };
        let group = p
            .get("NetworkAclId")
            .map_or_else(String::new, Value::to_string);
        let (b, lists) = outside.entry(group).or_insert_with(|| {
            let mut b = Builder::new("aws.ec2.network_acl", rule);
            b.source_types.clear();
            let marker = unknown(why.clone());
            for k in ["vpc_id", "is_default", "tags"] {
                b.set(k, marker.clone());
            }
            let lists = Lists {
                ingress: vec![marker.clone()],
                egress: vec![marker],
            };
            (b, lists)
        });
        place(b, lists, value);
    }
    let mut out: Vec<Resource> = acls.into_iter().map(|(b, l)| finish(b, l)).collect();
    out.extend(outside.into_values().map(|(b, l)| finish(b, l)));
    out
}

fn vpcs(t: &Template<'_>) -> Vec<Resource> {
    let targets = t.of_type("AWS::EC2::VPC");
    let mut vpcs: Vec<(Builder, Vec<Value>)> = targets
        .iter()
        .map(|r| {
            let mut b = Builder::new("aws.ec2.vpc", r);
            b.props(
                &r.properties,
                &[
                    ("cidr_block", "CidrBlock", Read::Str),
                    ("tags", "Tags", Read::Tags),
                ],
            );
            b.set("is_default", Value::Bool(false));
            (b, Vec::new())
        })
        .collect();
    for fl in t.of_type("AWS::EC2::FlowLog") {
        let p = &fl.properties;
        // Flow logs of subnets, interfaces or transit gateways are not VPC flow logs.
        let is_vpc = match enum_str(p, "ResourceType") {
            Value::String(s) => s == "VPC",
            Value::Null => continue,
            _ => false,
        };
        let value = obj([
            ("traffic_type", enum_str(p, "TrafficType")),
            (
                "destination_type",
                match enum_str(p, "LogDestinationType") {
                    Value::Null => Value::String("cloud-watch-logs".into()),
                    other => other,
                },
            ),
            ("log_destination", string(p, "LogDestination")),
            ("log_group_name", string(p, "LogGroupName")),
            ("status", Value::Null),
        ]);
        let target = if is_vpc {
            target_in(p.get("ResourceId"), &targets, "")
        } else if matches!(enum_str(p, "ResourceType"), Value::String(_)) {
            continue;
        } else {
            Target::Unknown("its `ResourceType` is not known".to_owned())
        };
        match target {
            Target::One(i) => {
                if let Some((b, list)) = vpcs.get_mut(i) {
                    b.join(fl);
                    b.locate_block(&format!("flow_logs.{}", list.len()), fl);
                    list.push(value);
                }
            }
            Target::Outside => {}
            Target::Unknown(reason) => {
                for (b, list) in &mut vpcs {
                    b.join(fl);
                    b.locate_block(&format!("flow_logs.{}", list.len()), fl);
                    list.push(unknown(format!(
                        "{} may capture this VPC: {reason}",
                        fl.address
                    )));
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
