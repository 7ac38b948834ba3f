//! Edge: load balancers (`aws.elbv2.load_balancer`, `aws.elbv2.listener`,
//! `aws.elb.load_balancer`), CloudFront (`aws.cloudfront.distribution`), API Gateway
//! (`aws.apigateway.route`, `aws.apigateway.stage`) and WAF (`aws.wafv2.web_acl`).
//!
//! Joins: `aws_wafv2_web_acl_association` → the load balancer's or REST stage's `web_acl`;
//! `aws_wafv2_web_acl_logging_configuration` → the web ACL's `logging`;
//! `aws_api_gateway_method_settings` → the REST stage's `execution_logging_level`.
//! An association whose target is outside the configuration carries no setting of anything
//! judged here and is left out (as KMS aliases are).
//!
//! Every kind that logs requests has `access_logging: {enabled, destination}`, and every
//! kind WAF protects has `web_acl`, so edge rules read one shape across kinds.

use std::collections::BTreeMap;

use serde_json::Value;

use super::joins::{attach, Join};
use super::refs::{self, Resolution};
use super::{
    arg, block, blocks, boolean, enum_str, integer, map_blocks, obj, string, strings, tags, Arg,
    Builder,
};
use crate::collect::terraform::TfInstance;
use crate::model::{unknown, Resource};

fn of_type<'a>(managed: &[&'a TfInstance], types: &[&str]) -> Vec<&'a TfInstance> {
    managed
        .iter()
        .copied()
        .filter(|i| types.contains(&i.resource_type.as_str()))
        .collect()
}

fn generated_name(v: &Value, key: &str) -> Value {
    match arg(v, key) {
        Arg::Absent => unknown("the name is generated at apply time"),
        _ => string(v, key),
    }
}

const LB_TYPES: [&str; 2] = ["aws_lb", "aws_alb"];
const LISTENER_TYPES: [&str; 2] = ["aws_lb_listener", "aws_alb_listener"];

fn load_balancer(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.elbv2.load_balancer", inst);
    b.arg("name", generated_name(v, "name"), "name");
    b.arg(
        "load_balancer_type",
        enum_str(v, "load_balancer_type", Some("application")),
        "load_balancer_type",
    );
    let scheme = match boolean(v, "internal", Some(false)) {
        Value::Bool(true) => Value::String("internal".into()),
        Value::Bool(false) => Value::String("internet-facing".into()),
        other => other,
    };
    b.arg("scheme", scheme, "internal");
    b.arg(
        "drop_invalid_header_fields",
        boolean(v, "drop_invalid_header_fields", Some(false)),
        "drop_invalid_header_fields",
    );
    b.arg(
        "desync_mitigation_mode",
        enum_str(v, "desync_mitigation_mode", Some("defensive")),
        "desync_mitigation_mode",
    );
    let logging = match block(v, "access_logs") {
        Arg::Absent => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Arg::Unknown(m) => m,
        // The block's `enabled` defaults to false in the provider.
        Arg::Known(l) => obj([
            ("enabled", boolean(l, "enabled", Some(false))),
            ("destination", string(l, "bucket")),
        ]),
    };
    b.arg("access_logging", logging, "access_logs");
    b.set("web_acl", Value::Null);
    b.arg("tags", tags(v), "tags");
    b
}

fn listener(inst: &TfInstance, lbs: &[&TfInstance]) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.elbv2.listener", inst);
    b.arg(
        "load_balancer",
        string(v, "load_balancer_arn"),
        "load_balancer_arn",
    );
    b.arg("port", integer(v, "port"), "port");
    // Omitted protocol: HTTP on an ALB, TCP on an NLB; the load balancer decides.
    let protocol = match arg(v, "protocol") {
        Arg::Absent => {
            match refs::resolve(
                v.get("load_balancer_arn"),
                "load_balancer_arn",
                inst,
                lbs,
                &LB_TYPES,
                None,
            ) {
                Resolution::One(i) => match lbs
                    .get(i)
                    .map(|lb| enum_str(&lb.values, "load_balancer_type", Some("application")))
                {
                    Some(Value::String(t)) if t == "application" => Value::String("HTTP".into()),
                    Some(Value::String(t)) if t == "network" => Value::String("TCP".into()),
                    Some(Value::String(t)) if t == "gateway" => Value::String("GENEVE".into()),
                    Some(Value::String(t)) => {
                        unknown(format!("no default protocol for load balancer type {t}"))
                    }
                    Some(other) => other,
                    None => unknown("the load balancer could not be read"),
                },
                Resolution::Unresolved { reason, .. } => unknown(format!(
                    "`protocol` is omitted and its default depends on the load balancer: {reason}"
                )),
            }
        }
        _ => enum_str(v, "protocol", None),
    };
    b.arg("protocol", protocol, "protocol");
    b.arg("ssl_policy", string(v, "ssl_policy"), "ssl_policy");
    let actions = map_blocks(v, "default_action", |a| {
        let redirect = match block(a, "redirect") {
            Arg::Absent => Value::Null,
            Arg::Unknown(m) => m,
            // `#{protocol}` keeps the request's protocol.
            Arg::Known(r) => enum_str(r, "protocol", Some("#{protocol}")),
        };
        obj([
            ("type", enum_str(a, "type", None)),
            ("redirect_protocol", redirect),
        ])
    });
    b.arg("default_actions", actions, "default_action");
    b
}

fn classic(inst: &TfInstance, has_listener_policies: bool) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.elb.load_balancer", inst);
    b.arg("name", generated_name(v, "name"), "name");
    let scheme = match boolean(v, "internal", Some(false)) {
        Value::Bool(true) => Value::String("internal".into()),
        Value::Bool(false) => Value::String("internet-facing".into()),
        other => other,
    };
    b.arg("scheme", scheme, "internal");
    let listeners = map_blocks(v, "listener", |l| {
        let protocol = match enum_str(l, "lb_protocol", None) {
            Value::String(s) => Value::String(s.to_ascii_uppercase()),
            other => other,
        };
        let secure = matches!(protocol.as_str(), Some("HTTPS" | "SSL"));
        // Listener policies are separate resources (aws_load_balancer_listener_policy) that
        // this adapter does not join: with none in the configuration the listener has the
        // default policy (null); otherwise which one applies is not determined.
        let policy = if secure && has_listener_policies {
            unknown("aws_load_balancer_listener_policy resources are not joined")
        } else {
            Value::Null
        };
        obj([
            ("protocol", protocol),
            ("port", integer(l, "lb_port")),
            ("ssl_policy", policy),
        ])
    });
    b.arg("listeners", listeners, "listener");
    // The classic access_logs block's `enabled` defaults to true.
    let logging = match block(v, "access_logs") {
        Arg::Absent => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Arg::Unknown(m) => m,
        Arg::Known(l) => obj([
            ("enabled", boolean(l, "enabled", Some(true))),
            ("destination", string(l, "bucket")),
        ]),
    };
    b.arg("access_logging", logging, "access_logs");
    b.arg("tags", tags(v), "tags");
    b
}

fn distribution(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.cloudfront.distribution", inst);
    b.arg("enabled", boolean(v, "enabled", None), "enabled");
    let behavior = |path: Value, cb: &Value| {
        obj([
            ("path_pattern", path),
            (
                "viewer_protocol_policy",
                enum_str(cb, "viewer_protocol_policy", None),
            ),
        ])
    };
    let mut behaviors = Vec::new();
    let mut behaviors_unknown = None;
    match block(v, "default_cache_behavior") {
        Arg::Absent => {}
        Arg::Unknown(m) => behaviors_unknown = Some(m),
        Arg::Known(cb) => behaviors.push(behavior(Value::String("*".into()), cb)),
    }
    match blocks(v, "ordered_cache_behavior") {
        Err(m) => behaviors_unknown = Some(m),
        Ok(list) => {
            for cb in list {
                behaviors.push(behavior(string(cb, "path_pattern"), cb));
            }
        }
    }
    b.arg(
        "cache_behaviors",
        behaviors_unknown.unwrap_or(Value::Array(behaviors)),
        "default_cache_behavior",
    );
    let origins = map_blocks(v, "origin", |o| {
        let (custom, policy, protocols) = match block(o, "custom_origin_config") {
            Arg::Absent => (Value::Bool(false), Value::Null, Value::Array(Vec::new())),
            Arg::Unknown(m) => (m.clone(), m.clone(), m),
            Arg::Known(c) => (
                Value::Bool(true),
                enum_str(c, "origin_protocol_policy", None),
                strings(c, "origin_ssl_protocols"),
            ),
        };
        obj([
            ("id", string(o, "origin_id")),
            ("domain_name", string(o, "domain_name")),
            ("custom", custom),
            ("origin_protocol_policy", policy),
            ("origin_ssl_protocols", protocols),
        ])
    });
    b.arg("origins", origins, "origin");
    let cert = match block(v, "viewer_certificate") {
        Arg::Absent => unknown("viewer_certificate is not set"),
        Arg::Unknown(m) => m,
        Arg::Known(c) => obj([
            (
                "cloudfront_default_certificate",
                boolean(c, "cloudfront_default_certificate", Some(false)),
            ),
            // The provider defaults minimum_protocol_version to TLSv1.
            (
                "minimum_protocol_version",
                enum_str(c, "minimum_protocol_version", Some("TLSv1")),
            ),
            (
                "ssl_support_method",
                enum_str(c, "ssl_support_method", None),
            ),
        ]),
    };
    b.arg("viewer_certificate", cert, "viewer_certificate");
    let web_acl = match string(v, "web_acl_id") {
        Value::String(s) if s.is_empty() => Value::Null,
        other => other,
    };
    b.arg("web_acl", web_acl, "web_acl_id");
    let logging = match block(v, "logging_config") {
        Arg::Absent => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Arg::Unknown(m) => m,
        Arg::Known(l) => obj([
            ("enabled", Value::Bool(true)),
            ("destination", string(l, "bucket")),
        ]),
    };
    b.arg("access_logging", logging, "logging_config");
    b.arg("tags", tags(v), "tags");
    b
}

/// `rest`, `http` or `websocket` for an API Gateway v2 child (by its `api_id`).
fn v2_api_type(inst: &TfInstance, apis: &[&TfInstance]) -> Value {
    match refs::resolve(
        inst.values.get("api_id"),
        "api_id",
        inst,
        apis,
        &["aws_apigatewayv2_api"],
        None,
    ) {
        Resolution::One(i) => match apis
            .get(i)
            .map(|a| enum_str(&a.values, "protocol_type", None))
        {
            Some(Value::String(t)) => Value::String(t.to_ascii_lowercase()),
            Some(other) => other,
            None => unknown("the api could not be read"),
        },
        Resolution::Unresolved { reason, .. } => {
            unknown(format!("the api's protocol type is not known: {reason}"))
        }
    }
}

/// The path of a REST resource, following `parent_id` references up to the API root.
fn rest_path(resource_id: Option<&Value>, resources: &BTreeMap<String, &TfInstance>) -> Value {
    let mut parts: Vec<String> = Vec::new();
    let mut current = resource_id.cloned();
    for _ in 0..32 {
        let Some(Value::String(s)) = &current else {
            return unknown("the resource path could not be determined");
        };
        if s.starts_with("${aws_api_gateway_rest_api.") && s.ends_with(".root_resource_id}") {
            parts.reverse();
            return Value::String(format!("/{}", parts.join("/")));
        }
        let Some(addr) = s.strip_prefix("${").and_then(|r| r.strip_suffix(".id}")) else {
            return unknown(format!("the resource `{s}` is not declared here"));
        };
        let Some(res) = resources.get(addr) else {
            return unknown(format!("the resource `{s}` is not declared here"));
        };
        match res.values.get("path_part") {
            Some(Value::String(p)) if !p.contains("${") => parts.push(p.clone()),
            _ => return unknown(format!("the path part of {addr} is not known")),
        }
        current = res.values.get("parent_id").cloned();
    }
    unknown("the resource path is too deep")
}

fn routes(managed: &[&TfInstance]) -> Vec<Builder> {
    let apis = of_type(managed, &["aws_apigatewayv2_api"]);
    // Local address (no module prefix) → resource, for same-module parent references.
    let resources: BTreeMap<String, &TfInstance> = of_type(managed, &["aws_api_gateway_resource"])
        .into_iter()
        .map(|r| {
            let prefix = r.module_chain.join(".");
            let local = if prefix.is_empty() {
                r.address.clone()
            } else {
                r.address
                    .strip_prefix(&format!("{prefix}."))
                    .unwrap_or(&r.address)
                    .to_owned()
            };
            (local, r)
        })
        .collect();
    let mut out = Vec::new();
    for inst in of_type(managed, &["aws_api_gateway_method"]) {
        let v = &inst.values;
        let mut b = Builder::new("aws.apigateway.route", inst);
        b.set("api_type", Value::String("rest".into()));
        b.arg("api", string(v, "rest_api_id"), "rest_api_id");
        let method = enum_str(v, "http_method", None);
        b.arg("http_method", method.clone(), "http_method");
        let route = match (&method, rest_path(v.get("resource_id"), &resources)) {
            (Value::String(m), Value::String(p)) => Value::String(format!("{m} {p}")),
            (Value::String(_), other) => other,
            (other, _) => other.clone(),
        };
        b.arg("route", route, "resource_id");
        b.arg(
            "authorization_type",
            enum_str(v, "authorization", None),
            "authorization",
        );
        b.arg(
            "api_key_required",
            boolean(v, "api_key_required", Some(false)),
            "api_key_required",
        );
        out.push(b);
    }
    for inst in of_type(managed, &["aws_apigatewayv2_route"]) {
        let v = &inst.values;
        let mut b = Builder::new("aws.apigateway.route", inst);
        b.set("api_type", v2_api_type(inst, &apis));
        b.arg("api", string(v, "api_id"), "api_id");
        let key = enum_str(v, "route_key", None);
        let method = match key.as_str() {
            Some(k) => match k.split_once(' ') {
                Some((m, _)) => Value::String(m.to_owned()),
                None => Value::Null,
            },
            None => key.clone(),
        };
        b.set("http_method", method);
        b.arg("route", key, "route_key");
        b.arg(
            "authorization_type",
            enum_str(v, "authorization_type", Some("NONE")),
            "authorization_type",
        );
        b.arg(
            "api_key_required",
            boolean(v, "api_key_required", Some(false)),
            "api_key_required",
        );
        out.push(b);
    }
    out
}

fn access_log(v: &Value) -> Value {
    match block(v, "access_log_settings") {
        Arg::Absent => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Arg::Unknown(m) => m,
        Arg::Known(s) => obj([
            ("enabled", Value::Bool(true)),
            ("destination", string(s, "destination_arn")),
        ]),
    }
}

fn rest_stage(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.apigateway.stage", inst);
    b.set("api_type", Value::String("rest".into()));
    b.arg("api", string(v, "rest_api_id"), "rest_api_id");
    b.arg("stage_name", string(v, "stage_name"), "stage_name");
    b.arg("access_logging", access_log(v), "access_log_settings");
    // Method settings are separate resources; none means execution logging is off.
    b.set("execution_logging_level", Value::String("OFF".into()));
    b.set("web_acl", Value::Null);
    b.arg("tags", tags(v), "tags");
    b
}

fn v2_stage(inst: &TfInstance, apis: &[&TfInstance]) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.apigateway.stage", inst);
    b.set("api_type", v2_api_type(inst, apis));
    b.arg("api", string(v, "api_id"), "api_id");
    b.arg("stage_name", string(v, "name"), "name");
    b.arg("access_logging", access_log(v), "access_log_settings");
    let level = match block(v, "default_route_settings") {
        Arg::Absent => Value::String("OFF".into()),
        Arg::Unknown(m) => m,
        Arg::Known(s) => enum_str(s, "logging_level", Some("OFF")),
    };
    b.arg("execution_logging_level", level, "default_route_settings");
    // WAF does not protect HTTP or WebSocket APIs.
    b.set("web_acl", Value::Null);
    b.arg("tags", tags(v), "tags");
    b
}

fn web_acl(inst: &TfInstance) -> Builder {
    let v = &inst.values;
    let mut b = Builder::new("aws.wafv2.web_acl", inst);
    b.arg("name", generated_name(v, "name"), "name");
    b.arg("scope", enum_str(v, "scope", None), "scope");
    let count = match blocks(v, "rule") {
        Ok(list) => Value::from(list.len()),
        Err(m) => m,
    };
    // `rule_json` (provider v5.5+) holds the rules as JSON.
    let count = match (count, arg(v, "rule_json")) {
        (Value::Number(n), Arg::Known(Value::String(s))) if n.as_u64() == Some(0) => {
            match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(list)) => Value::from(list.len()),
                _ => unknown("`rule_json` could not be read"),
            }
        }
        (Value::Number(n), Arg::Unknown(m)) if n.as_u64() == Some(0) => m,
        (other, _) => other,
    };
    b.arg("rule_count", count, "rule");
    b.set("logging", Value::Null);
    b.arg("tags", tags(v), "tags");
    b
}

const WEB_ACL_KEYS: [&str; 5] = ["name", "scope", "rule_count", "logging", "tags"];

/// Every edge resource, with joins.
pub(super) fn resources(managed: &[&TfInstance]) -> Vec<Resource> {
    let mut out: Vec<Builder> = Vec::new();

    let lbs = of_type(managed, &LB_TYPES);
    let stages = of_type(managed, &["aws_api_gateway_stage"]);
    let mut lb_builders: Vec<Builder> = lbs.iter().map(|i| load_balancer(i)).collect();
    let mut stage_builders: Vec<Builder> = stages.iter().map(|i| rest_stage(i)).collect();

    // Method settings: `*/*` sets the stage's execution logging level.
    let stage_names: Vec<Option<String>> = stages
        .iter()
        .map(|s| match s.values.get("stage_name") {
            Some(Value::String(n)) if !n.contains("${") => Some(n.clone()),
            _ => None,
        })
        .collect();
    for ms in of_type(managed, &["aws_api_gateway_method_settings"]) {
        let v = &ms.values;
        if v.get("method_path").and_then(Value::as_str) != Some("*/*") {
            continue;
        }
        let level = match block(v, "settings") {
            Arg::Absent => Value::String("OFF".into()),
            Arg::Unknown(m) => m,
            Arg::Known(s) => enum_str(s, "logging_level", Some("OFF")),
        };
        match refs::resolve(
            v.get("stage_name"),
            "stage_name",
            ms,
            &stages,
            &["aws_api_gateway_stage"],
            Some(&stage_names),
        ) {
            Resolution::One(i) => {
                if let Some(b) = stage_builders.get_mut(i) {
                    b.set("execution_logging_level", level);
                    b.join(ms);
                    b.locate_block("execution_logging_level", ms);
                }
            }
            Resolution::Unresolved {
                candidates, reason, ..
            } => {
                for i in candidates {
                    if let Some(b) = stage_builders.get_mut(i) {
                        b.set(
                            "execution_logging_level",
                            unknown(format!("{} may configure this stage: {reason}", ms.address)),
                        );
                    }
                }
            }
        }
    }

    // WAF associations: load balancers and REST stages.
    let mut targets: Vec<&TfInstance> = lbs.clone();
    targets.extend(stages.iter().copied());
    for assoc in of_type(managed, &["aws_wafv2_web_acl_association"]) {
        let acl = string(&assoc.values, "web_acl_arn");
        let mut set = |i: usize, value: Value, b_join: bool| {
            let b = if i < lbs.len() {
                lb_builders.get_mut(i)
            } else {
                stage_builders.get_mut(i - lbs.len())
            };
            if let Some(b) = b {
                b.set("web_acl", value);
                if b_join {
                    b.join(assoc);
                    b.locate_block("web_acl", assoc);
                }
            }
        };
        match refs::resolve(
            assoc.values.get("resource_arn"),
            "resource_arn",
            assoc,
            &targets,
            &["aws_lb", "aws_alb", "aws_api_gateway_stage"],
            None,
        ) {
            Resolution::One(i) => set(i, acl, true),
            Resolution::Unresolved {
                candidates, reason, ..
            } => {
                for i in candidates {
                    set(
                        i,
                        unknown(format!(
                            "{} may attach a web acl here: {reason}",
                            assoc.address
                        )),
                        false,
                    );
                }
            }
        }
    }
    out.extend(lb_builders);
    out.extend(stage_builders);

    out.extend(
        of_type(managed, &LISTENER_TYPES)
            .into_iter()
            .map(|i| listener(i, &lbs)),
    );
    let has_listener_policies = managed
        .iter()
        .any(|i| i.resource_type == "aws_load_balancer_listener_policy");
    out.extend(
        of_type(managed, &["aws_elb"])
            .into_iter()
            .map(|i| classic(i, has_listener_policies)),
    );
    out.extend(
        of_type(managed, &["aws_cloudfront_distribution"])
            .into_iter()
            .map(distribution),
    );
    out.extend(routes(managed));
    let apis = of_type(managed, &["aws_apigatewayv2_api"]);
    out.extend(
        of_type(managed, &["aws_apigatewayv2_stage"])
            .into_iter()
            .map(|i| v2_stage(i, &apis)),
    );

    // Web ACLs with their logging configurations.
    let acls = of_type(managed, &["aws_wafv2_web_acl"]);
    let mut acl_builders: Vec<Builder> = acls.iter().map(|i| web_acl(i)).collect();
    let join = Join {
        sub_type: "aws_wafv2_web_acl_logging_configuration",
        key: "resource_arn",
        target_types: &["aws_wafv2_web_acl"],
        kind: "aws.wafv2.web_acl",
        kind_keys: &WEB_ACL_KEYS,
    };
    let outside = attach(&join, managed, &acls, &mut acl_builders, |inst| {
        let destinations = strings(&inst.values, "log_destination_configs");
        vec![(
            "logging",
            obj([("destinations", destinations)]),
            "log_destination_configs",
        )]
    });
    out.extend(acl_builders);
    out.extend(outside);

    out.into_iter().map(Builder::build).collect()
}
