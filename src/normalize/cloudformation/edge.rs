//! CloudFormation mappings of the edge kinds: `aws.elbv2.load_balancer` (with
//! `AWS::WAFv2::WebACLAssociation`), `aws.elbv2.listener`, `aws.elb.load_balancer`,
//! `aws.cloudfront.distribution`, `aws.apigateway.route`, `aws.apigateway.stage` and
//! `aws.wafv2.web_acl` (with `AWS::WAFv2::LoggingConfiguration`). Same shapes and
//! defaults as the Terraform adapter's edge module.

use serde_json::Value;

use super::rules_a::{join_into, target_in};
use super::{
    boolean, enum_str, generated, integer, obj, string, tags, Builder, CfnResource, Target,
    Template,
};
use crate::model::{unknown, unknown_reason, Resource};

/// The value of `key` in a `[{Key, Value}]` attribute list (LoadBalancerAttributes).
fn attribute(p: &Value, key: &str) -> Option<Value> {
    let list = p.get("LoadBalancerAttributes")?;
    if unknown_reason(list).is_some() {
        return Some(list.clone());
    }
    list.as_array()?
        .iter()
        .find(|a| a.get("Key").and_then(Value::as_str) == Some(key))
        .and_then(|a| a.get("Value").cloned())
}

fn attr_bool(p: &Value, key: &str, default: bool) -> Value {
    match attribute(p, key) {
        None => Value::Bool(default),
        Some(v) => boolean(&obj([("v", v)]), "v", Some(default)),
    }
}

fn attr_str(p: &Value, key: &str, default: Option<&str>) -> Value {
    match attribute(p, key) {
        None => default.map_or(Value::Null, |d| Value::String(d.into())),
        Some(v) => enum_str(&obj([("v", v)]), "v"),
    }
}

fn items<'v>(p: &'v Value, key: &str) -> Result<Vec<&'v Value>, Value> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(v) if unknown_reason(v).is_some() => Err(v.clone()),
        Some(Value::Array(list)) => Ok(list.iter().collect()),
        Some(other) => Err(unknown(format!("`{key}` is not a list: {other}"))),
    }
}

fn map_items(p: &Value, key: &str, f: impl Fn(&Value) -> Value) -> Value {
    match items(p, key) {
        Err(m) => m,
        Ok(list) => Value::Array(
            list.into_iter()
                .map(|i| {
                    if unknown_reason(i).is_some() {
                        i.clone()
                    } else {
                        f(i)
                    }
                })
                .collect(),
        ),
    }
}

fn load_balancer(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.elbv2.load_balancer", r);
    b.arg("name", generated(p, "Name"), "Name");
    let lb_type = match enum_str(p, "Type") {
        Value::Null => Value::String("application".into()),
        other => other,
    };
    b.arg("load_balancer_type", lb_type, "Type");
    let scheme = match enum_str(p, "Scheme") {
        Value::Null => Value::String("internet-facing".into()),
        other => other,
    };
    b.arg("scheme", scheme, "Scheme");
    b.arg(
        "drop_invalid_header_fields",
        attr_bool(p, "routing.http.drop_invalid_header_fields.enabled", false),
        "LoadBalancerAttributes",
    );
    b.arg(
        "desync_mitigation_mode",
        attr_str(p, "routing.http.desync_mitigation_mode", Some("defensive")),
        "LoadBalancerAttributes",
    );
    b.arg(
        "access_logging",
        obj([
            ("enabled", attr_bool(p, "access_logs.s3.enabled", false)),
            ("destination", attr_str(p, "access_logs.s3.bucket", None)),
        ]),
        "LoadBalancerAttributes",
    );
    b.set("web_acl", Value::Null);
    b.arg("tags", tags(p), "Tags");
    b
}

fn listener(r: &CfnResource, lbs: &[&CfnResource]) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.elbv2.listener", r);
    b.arg(
        "load_balancer",
        string(p, "LoadBalancerArn"),
        "LoadBalancerArn",
    );
    b.arg("port", integer(p, "Port"), "Port");
    let protocol = match enum_str(p, "Protocol") {
        Value::Null => match target_in(p.get("LoadBalancerArn"), lbs, "Name") {
            Target::One(i) => match lbs.get(i).map(|lb| enum_str(&lb.properties, "Type")) {
                Some(Value::Null) => Value::String("HTTP".into()),
                Some(Value::String(t)) if t == "application" => Value::String("HTTP".into()),
                Some(Value::String(t)) if t == "network" => Value::String("TCP".into()),
                Some(Value::String(t)) if t == "gateway" => Value::String("GENEVE".into()),
                Some(other) => unknown(format!("no default protocol for load balancer type {other}")),
                None => unknown("the load balancer could not be read"),
            },
            _ => unknown("`Protocol` is omitted and its default depends on the load balancer, which is not in this template"),
        },
        other => other,
    };
    b.arg("protocol", protocol, "Protocol");
    b.arg("ssl_policy", string(p, "SslPolicy"), "SslPolicy");
    let actions = map_items(p, "DefaultActions", |a| {
        let redirect = match a.get("RedirectConfig") {
            None => Value::Null,
            Some(rc) => match enum_str(rc, "Protocol") {
                Value::Null => Value::String("#{protocol}".into()),
                other => other,
            },
        };
        obj([
            ("type", enum_str(a, "Type")),
            ("redirect_protocol", redirect),
        ])
    });
    b.arg("default_actions", actions, "DefaultActions");
    b
}

fn classic(r: &CfnResource) -> Builder {
    let p = &r.properties;
    let mut b = Builder::new("aws.elb.load_balancer", r);
    b.arg("name", generated(p, "LoadBalancerName"), "LoadBalancerName");
    let scheme = match enum_str(p, "Scheme") {
        Value::Null => Value::String("internet-facing".into()),
        other => other,
    };
    b.arg("scheme", scheme, "Scheme");
    let policies = items(p, "Policies");
    let listeners = map_items(p, "Listeners", |l| {
        let protocol = match enum_str(l, "Protocol") {
            Value::String(s) => Value::String(s.to_ascii_uppercase()),
            other => other,
        };
        let secure = matches!(protocol.as_str(), Some("HTTPS" | "SSL"));
        let ssl_policy = if !secure {
            Value::Null
        } else {
            ssl_policy_of(l, &policies)
        };
        obj([
            ("protocol", protocol),
            ("port", integer(l, "LoadBalancerPort")),
            ("ssl_policy", ssl_policy),
        ])
    });
    b.arg("listeners", listeners, "Listeners");
    let logging = match p.get("AccessLoggingPolicy") {
        None => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Some(a) => obj([
            ("enabled", boolean(a, "Enabled", Some(false))),
            ("destination", string(a, "S3BucketName")),
        ]),
    };
    b.arg("access_logging", logging, "AccessLoggingPolicy");
    b.arg("tags", tags(p), "Tags");
    b
}

/// The predefined security policy behind a classic listener's PolicyNames: a predefined
/// name used directly, or an SSLNegotiationPolicyType policy's Reference-Security-Policy.
fn ssl_policy_of(listener: &Value, policies: &Result<Vec<&Value>, Value>) -> Value {
    let names = match items(listener, "PolicyNames") {
        Err(m) => return m,
        Ok(n) => n,
    };
    if names.is_empty() {
        return Value::Null;
    }
    let policies = match policies {
        Err(m) => return m.clone(),
        Ok(p) => p,
    };
    for name in names {
        let Some(name) = name.as_str() else {
            return unknown("a listener policy name is not known");
        };
        if name.starts_with("ELBSecurityPolicy-") {
            return Value::String(name.to_owned());
        }
        let Some(policy) = policies
            .iter()
            .find(|p| p.get("PolicyName").and_then(Value::as_str) == Some(name))
        else {
            continue;
        };
        if policy.get("PolicyType").and_then(Value::as_str) != Some("SSLNegotiationPolicyType") {
            continue;
        }
        let reference = policy
            .get("Attributes")
            .and_then(Value::as_array)
            .and_then(|attrs| {
                attrs.iter().find(|a| {
                    a.get("Name").and_then(Value::as_str) == Some("Reference-Security-Policy")
                })
            })
            .and_then(|a| a.get("Value"));
        return match reference {
            Some(Value::String(s)) => Value::String(s.clone()),
            _ => unknown(format!("policy {name} is a custom SSL negotiation policy")),
        };
    }
    Value::Null
}

fn distribution(r: &CfnResource) -> Builder {
    let mut b = Builder::new("aws.cloudfront.distribution", r);
    let Some(c) = r.properties.get("DistributionConfig") else {
        let u = unknown("DistributionConfig is not set");
        for k in [
            "enabled",
            "cache_behaviors",
            "origins",
            "viewer_certificate",
            "web_acl",
            "access_logging",
        ] {
            b.set(k, u.clone());
        }
        b.arg("tags", tags(&r.properties), "Tags");
        return b;
    };
    if unknown_reason(c).is_some() {
        for k in [
            "enabled",
            "cache_behaviors",
            "origins",
            "viewer_certificate",
            "web_acl",
            "access_logging",
        ] {
            b.set(k, c.clone());
        }
        b.arg("tags", tags(&r.properties), "Tags");
        return b;
    }
    b.set("enabled", boolean(c, "Enabled", None));
    let mut behaviors = Vec::new();
    if let Some(d) = c.get("DefaultCacheBehavior") {
        behaviors.push(obj([
            ("path_pattern", Value::String("*".into())),
            (
                "viewer_protocol_policy",
                enum_str(d, "ViewerProtocolPolicy"),
            ),
        ]));
    }
    let behaviors = match items(c, "CacheBehaviors") {
        Err(m) => m,
        Ok(list) => {
            for cb in list {
                behaviors.push(obj([
                    ("path_pattern", string(cb, "PathPattern")),
                    (
                        "viewer_protocol_policy",
                        enum_str(cb, "ViewerProtocolPolicy"),
                    ),
                ]));
            }
            Value::Array(behaviors)
        }
    };
    b.arg("cache_behaviors", behaviors, "DistributionConfig");
    let origins = map_items(c, "Origins", |o| {
        let (custom, policy, protocols) = match o.get("CustomOriginConfig") {
            None => (Value::Bool(false), Value::Null, Value::Array(Vec::new())),
            Some(cc) => {
                let protocols = match cc.get("OriginSSLProtocols") {
                    None => {
                        unknown("`OriginSSLProtocols` is not set: CloudFront's default applies")
                    }
                    Some(v) if unknown_reason(v).is_some() => v.clone(),
                    Some(Value::Array(list)) => Value::Array(list.clone()),
                    Some(other) => unknown(format!("`OriginSSLProtocols` is not a list: {other}")),
                };
                (
                    Value::Bool(true),
                    enum_str(cc, "OriginProtocolPolicy"),
                    protocols,
                )
            }
        };
        obj([
            ("id", string(o, "Id")),
            ("domain_name", string(o, "DomainName")),
            ("custom", custom),
            ("origin_protocol_policy", policy),
            ("origin_ssl_protocols", protocols),
        ])
    });
    b.arg("origins", origins, "DistributionConfig");
    let cert = match c.get("ViewerCertificate") {
        None => obj([
            ("cloudfront_default_certificate", Value::Bool(true)),
            ("minimum_protocol_version", Value::String("TLSv1".into())),
            ("ssl_support_method", Value::Null),
        ]),
        Some(v) if unknown_reason(v).is_some() => v.clone(),
        Some(v) => obj([
            (
                "cloudfront_default_certificate",
                boolean(v, "CloudFrontDefaultCertificate", Some(false)),
            ),
            (
                "minimum_protocol_version",
                match enum_str(v, "MinimumProtocolVersion") {
                    Value::Null => Value::String("TLSv1".into()),
                    other => other,
                },
            ),
            ("ssl_support_method", enum_str(v, "SslSupportMethod")),
        ]),
    };
    b.arg("viewer_certificate", cert, "DistributionConfig");
    let web_acl = match string(c, "WebACLId") {
        Value::String(s) if s.is_empty() => Value::Null,
        other => other,
    };
    b.arg("web_acl", web_acl, "DistributionConfig");
    let logging = match c.get("Logging") {
        None => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Some(l) => obj([
            ("enabled", Value::Bool(true)),
            ("destination", string(l, "Bucket")),
        ]),
    };
    b.arg("access_logging", logging, "DistributionConfig");
    b.arg("tags", tags(&r.properties), "Tags");
    b
}

fn v2_api_type(api_id: Option<&Value>, apis: &[&CfnResource]) -> Value {
    match target_in(api_id, apis, "Name") {
        Target::One(i) => match apis.get(i).map(|a| enum_str(&a.properties, "ProtocolType")) {
            Some(Value::String(t)) => Value::String(t.to_ascii_lowercase()),
            Some(other) => other,
            None => unknown("the api could not be read"),
        },
        Target::Outside => unknown("the api is not in this template"),
        Target::Unknown(reason) => unknown(format!("the api is not known: {reason}")),
    }
}

/// `/a/b` for a REST resource, following ParentId up to the API's RootResourceId.
fn rest_path(resource_id: Option<&Value>, t: &Template<'_>) -> Value {
    let resources = t.of_type("AWS::ApiGateway::Resource");
    let mut parts: Vec<String> = Vec::new();
    let mut current = resource_id.cloned();
    for _ in 0..32 {
        let Some(Value::String(s)) = &current else {
            return unknown("the resource path could not be determined");
        };
        if s.ends_with(".RootResourceId}") {
            parts.reverse();
            return Value::String(format!("/{}", parts.join("/")));
        }
        let Some(addr) = crate::collect::cloudformation::reference(s) else {
            return unknown(format!("the resource `{s}` is not in this template"));
        };
        let Some(res) = resources.iter().find(|r| r.address == addr) else {
            return unknown(format!("the resource `{s}` is not in this template"));
        };
        match res.properties.get("PathPart") {
            Some(Value::String(p)) if !p.contains("${") => parts.push(p.clone()),
            _ => return unknown(format!("the path part of {addr} is not known")),
        }
        current = res.properties.get("ParentId").cloned();
    }
    unknown("the resource path is too deep")
}

fn access_log(p: &Value, key: &str) -> Value {
    match p.get(key) {
        None => obj([
            ("enabled", Value::Bool(false)),
            ("destination", Value::Null),
        ]),
        Some(v) if unknown_reason(v).is_some() => v.clone(),
        Some(v) => obj([
            ("enabled", Value::Bool(true)),
            ("destination", string(v, "DestinationArn")),
        ]),
    }
}

/// Every edge resource of the template, with joins.
pub(super) fn resources(t: &Template<'_>) -> Vec<Resource> {
    let lbs = t.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer");
    let rest_stages = t.of_type("AWS::ApiGateway::Stage");
    let apis = t.of_type("AWS::ApiGatewayV2::Api");
    let mut lb_builders: Vec<Builder> = lbs.iter().map(|r| load_balancer(r)).collect();
    let mut stage_builders: Vec<Builder> = rest_stages
        .iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.apigateway.stage", r);
            b.set("api_type", Value::String("rest".into()));
            b.arg("api", string(p, "RestApiId"), "RestApiId");
            b.arg("stage_name", string(p, "StageName"), "StageName");
            b.arg(
                "access_logging",
                access_log(p, "AccessLogSetting"),
                "AccessLogSetting",
            );
            let level = match items(p, "MethodSettings") {
                Err(m) => m,
                Ok(list) => list
                    .into_iter()
                    .find(|m| {
                        m.get("HttpMethod").and_then(Value::as_str) == Some("*")
                            && m.get("ResourcePath").and_then(Value::as_str) == Some("/*")
                    })
                    .map_or(Value::String("OFF".into()), |m| {
                        match enum_str(m, "LoggingLevel") {
                            Value::Null => Value::String("OFF".into()),
                            other => other,
                        }
                    }),
            };
            b.arg("execution_logging_level", level, "MethodSettings");
            b.set("web_acl", Value::Null);
            b.arg("tags", tags(p), "Tags");
            b
        })
        .collect();
    let associations = t.of_type("AWS::WAFv2::WebACLAssociation");
    let acl_part =
        |r: &CfnResource| vec![("web_acl", string(&r.properties, "WebACLArn"), "WebACLArn")];
    // An association names one resource: join against load balancers, then stages, each
    // only with associations that are not known to target the other kind.
    let to_lb: Vec<&CfnResource> = associations
        .iter()
        .copied()
        .filter(|a| {
            !matches!(
                target_in(a.properties.get("ResourceArn"), &rest_stages, "StageName"),
                Target::One(_)
            )
        })
        .collect();
    let to_stage: Vec<&CfnResource> = associations
        .iter()
        .copied()
        .filter(|a| {
            !matches!(
                target_in(a.properties.get("ResourceArn"), &lbs, "Name"),
                Target::One(_)
            )
        })
        .collect();
    join_into(
        &mut lb_builders,
        &lbs,
        &to_lb,
        "Name",
        |r| vec![r.properties.get("ResourceArn").cloned()],
        acl_part,
    );
    join_into(
        &mut stage_builders,
        &rest_stages,
        &to_stage,
        "StageName",
        |r| vec![r.properties.get("ResourceArn").cloned()],
        acl_part,
    );

    let mut out: Vec<Builder> = Vec::new();
    out.extend(lb_builders);
    out.extend(stage_builders);
    out.extend(
        t.of_type("AWS::ElasticLoadBalancingV2::Listener")
            .into_iter()
            .map(|r| listener(r, &lbs)),
    );
    out.extend(
        t.of_type("AWS::ElasticLoadBalancing::LoadBalancer")
            .into_iter()
            .map(classic),
    );
    out.extend(
        t.of_type("AWS::CloudFront::Distribution")
            .into_iter()
            .map(distribution),
    );
    for r in t.of_type("AWS::ApiGateway::Method") {
        let p = &r.properties;
        let mut b = Builder::new("aws.apigateway.route", r);
        b.set("api_type", Value::String("rest".into()));
        b.arg("api", string(p, "RestApiId"), "RestApiId");
        let method = enum_str(p, "HttpMethod");
        b.arg("http_method", method.clone(), "HttpMethod");
        let route = match (&method, rest_path(p.get("ResourceId"), t)) {
            (Value::String(m), Value::String(path)) => Value::String(format!("{m} {path}")),
            (Value::String(_), other) => other,
            (other, _) => other.clone(),
        };
        b.arg("route", route, "ResourceId");
        let auth = match enum_str(p, "AuthorizationType") {
            Value::Null => Value::String("NONE".into()),
            other => other,
        };
        b.arg("authorization_type", auth, "AuthorizationType");
        b.arg(
            "api_key_required",
            boolean(p, "ApiKeyRequired", Some(false)),
            "ApiKeyRequired",
        );
        out.push(b);
    }
    for r in t.of_type("AWS::ApiGatewayV2::Route") {
        let p = &r.properties;
        let mut b = Builder::new("aws.apigateway.route", r);
        b.set("api_type", v2_api_type(p.get("ApiId"), &apis));
        b.arg("api", string(p, "ApiId"), "ApiId");
        let key = enum_str(p, "RouteKey");
        let method = match key.as_str() {
            Some(k) => k
                .split_once(' ')
                .map_or(Value::Null, |(m, _)| Value::String(m.to_owned())),
            None => key.clone(),
        };
        b.set("http_method", method);
        b.arg("route", key, "RouteKey");
        let auth = match enum_str(p, "AuthorizationType") {
            Value::Null => Value::String("NONE".into()),
            other => other,
        };
        b.arg("authorization_type", auth, "AuthorizationType");
        b.arg(
            "api_key_required",
            boolean(p, "ApiKeyRequired", Some(false)),
            "ApiKeyRequired",
        );
        out.push(b);
    }
    for r in t.of_type("AWS::ApiGatewayV2::Stage") {
        let p = &r.properties;
        let mut b = Builder::new("aws.apigateway.stage", r);
        b.set("api_type", v2_api_type(p.get("ApiId"), &apis));
        b.arg("api", string(p, "ApiId"), "ApiId");
        b.arg("stage_name", string(p, "StageName"), "StageName");
        b.arg(
            "access_logging",
            access_log(p, "AccessLogSettings"),
            "AccessLogSettings",
        );
        let level = match p.get("DefaultRouteSettings") {
            None => Value::String("OFF".into()),
            Some(s) => match enum_str(s, "LoggingLevel") {
                Value::Null => Value::String("OFF".into()),
                other => other,
            },
        };
        b.arg("execution_logging_level", level, "DefaultRouteSettings");
        b.set("web_acl", Value::Null);
        b.arg("tags", tags(p), "Tags");
        out.push(b);
    }
    let acls = t.of_type("AWS::WAFv2::WebACL");
    let mut acl_builders: Vec<Builder> = acls
        .iter()
        .map(|r| {
            let p = &r.properties;
            let mut b = Builder::new("aws.wafv2.web_acl", r);
            b.arg("name", generated(p, "Name"), "Name");
            b.arg("scope", enum_str(p, "Scope"), "Scope");
            let count = match items(p, "Rules") {
                Ok(list) => Value::from(list.len()),
                Err(m) => m,
            };
            b.arg("rule_count", count, "Rules");
            b.set("logging", Value::Null);
            b.arg("tags", tags(p), "Tags");
            b
        })
        .collect();
    join_into(
        &mut acl_builders,
        &acls,
        &t.of_type("AWS::WAFv2::LoggingConfiguration"),
        "Name",
        |r| vec![r.properties.get("ResourceArn").cloned()],
        |r| {
            let dest = match r.properties.get("LogDestinationConfigs") {
                Some(Value::Array(list)) => Value::Array(list.clone()),
                Some(v) if unknown_reason(v).is_some() => v.clone(),
                _ => Value::Array(Vec::new()),
            };
            vec![(
                "logging",
                obj([("destinations", dest)]),
                "LogDestinationConfigs",
            )]
        },
    );
    out.extend(acl_builders);
    out.into_iter().map(Builder::build).collect()
}
