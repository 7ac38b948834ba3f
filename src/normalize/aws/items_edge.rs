//! AWS Config items of the edge kinds IaC also feeds: ACM certificates, ELBv2 listeners,
//! Classic Load Balancers, API Gateway stages (REST, HTTP and WebSocket) and WAFv2 web ACLs.
//!
//! Item shapes (awslabs/aws-config-resource-schema): ACM, Classic Load Balancers and REST
//! stages use the service's Describe output in camelCase; ELBv2 listeners and the
//! API Gateway V2 types the CloudFormation shape. The conventions of [`super::items`] hold:
//! names are matched without regard to case, absent means "not configured" only where the
//! service omits the field for that reason, and a fact the item does not record is the
//! unknown marker naming the API that would tell.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::items::{at, boolish, ci, intish, Item};
use crate::model::{unknown, unknown_reason};

/// An item date (`notAfter`) as RFC 3339. AWS Config writes dates as ISO 8601 text
/// (`2027-03-01T12:00:00.000Z`, sometimes with a `+0000` offset) or epoch numbers (seconds,
/// or milliseconds in older items); anything else is `None`.
pub(super) fn rfc3339(v: &Value) -> Option<String> {
    let parsed = match v {
        Value::String(s) => {
            let s = s.trim();
            OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
                // `+0000` → `+00:00`.
                let (head, tail) = s.split_at(s.len().checked_sub(5)?);
                let sign = tail.chars().next()?;
                if !matches!(sign, '+' | '-') || !tail[1..].chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                OffsetDateTime::parse(&format!("{head}{}:{}", &tail[..3], &tail[3..]), &Rfc3339)
                    .ok()
            })
        }
        Value::Number(n) => {
            let secs = n.as_f64()?;
            // Milliseconds when the value is past the year 5138 in seconds.
            let secs = if secs > 1e11 { secs / 1000.0 } else { secs };
            // Whole seconds; the time crate rejects values out of its range.
            OffsetDateTime::from_unix_timestamp(secs.floor() as i64).ok()
        }
        _ => None,
    }?;
    parsed
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// `AWS::ACM::Certificate`: DescribeCertificate's `Certificate`.
pub(super) fn acm_certificate(i: &Item<'_>, tags: Value, observed_at: &str) -> Value {
    let cert_type = i.req("type");
    let status = i.opt("status");
    let amazon_issued = cert_type.as_str() == Some("AMAZON_ISSUED");
    // Amazon-issued certificates validate each domain; one method for all is the method.
    let validation = match i.unknown_config() {
        Some(u) => u,
        None if !amazon_issued && !cert_type.is_string() => cert_type.clone(),
        None if !amazon_issued => Value::Null,
        None => match at(i.c, "domainValidationOptions") {
            Some(Value::Array(options)) if !options.is_empty() => {
                let mut methods: Vec<Option<&str>> = options
                    .iter()
                    .map(|o| ci(o, "validationMethod").and_then(Value::as_str))
                    .collect();
                methods.sort_unstable();
                methods.dedup();
                match methods.as_slice() {
                    [Some(m)] => json!(m),
                    _ => unknown(format!(
                        "the certificate's domains are validated by different or unstated methods: {methods:?}"
                    )),
                }
            }
            _ => i.lacks("configuration.domainValidationOptions"),
        },
    };
    // DescribeCertificate states NotAfter once a certificate is issued (or imported); a
    // certificate still pending validation has none.
    let not_after = match i.opt("notAfter") {
        v if unknown_reason(&v).is_some() => v,
        Value::Null => match status.as_str() {
            Some("PENDING_VALIDATION" | "FAILED" | "VALIDATION_TIMED_OUT") => Value::Null,
            _ => i.lacks("configuration.notAfter"),
        },
        v => rfc3339(&v).map_or_else(
            || unknown(format!("configuration.notAfter is not a date: {v}")),
            Value::String,
        ),
    };
    json!({
        "domain_name": i.opt("domainName"),
        "type": cert_type,
        "validation_method": validation,
        "not_after": not_after,
        "renewal_eligibility": i.opt("renewalEligibility"),
        "observed_at": observed_at,
        "tags": tags,
    })
}

/// `AWS::ElasticLoadBalancingV2::Listener`: CloudFormation shape.
pub(super) fn elbv2_listener(i: &Item<'_>) -> Value {
    let protocol = i.req("Protocol");
    let secure = matches!(protocol.as_str(), Some("HTTPS" | "TLS"));
    // DescribeListeners states SslPolicy for every HTTPS and TLS listener (ELB fills in its
    // default when the creator did not), and only for those.
    let ssl_policy = match i.opt("SslPolicy") {
        v if unknown_reason(&v).is_some() => v,
        Value::String(s) if !s.is_empty() => json!(s),
        _ if secure => i.lacks("configuration.SslPolicy"),
        _ if protocol.is_string() => Value::Null,
        _ => protocol.clone(),
    };
    let actions = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "DefaultActions") {
            Some(Value::Array(list)) => {
                let mut list = list.clone();
                list.sort_by_key(|a| ci(a, "Order").and_then(intish).unwrap_or(i64::MAX));
                Value::Array(
                    list.iter()
                        .map(|a| {
                            let kind = ci(a, "Type").and_then(Value::as_str).map_or_else(
                                || unknown("the listener action has no Type"),
                                |t| json!(t.to_ascii_lowercase()),
                            );
                            let redirect = match ci(a, "RedirectConfig") {
                                None | Some(Value::Null) => Value::Null,
                                Some(r) => ci(r, "Protocol")
                                    .and_then(Value::as_str)
                                    // Omitted, a redirect keeps the request's protocol.
                                    .map_or(json!("#{protocol}"), |p| json!(p)),
                            };
                            json!({ "type": kind, "redirect_protocol": redirect })
                        })
                        .collect(),
                )
            }
            _ => i.lacks("configuration.DefaultActions"),
        },
    };
    json!({
        "load_balancer": i.opt("LoadBalancerArn"),
        "port": match i.opt("Port") {
            v if unknown_reason(&v).is_some() => v,
            Value::Null => Value::Null,
            v => intish(&v).map_or_else(|| unknown(format!("configuration.Port is not an integer: {v}")), |n| json!(n)),
        },
        "protocol": protocol,
        "ssl_policy": ssl_policy,
        "default_actions": actions,
    })
}

/// The policy type of an SSL negotiation policy of a Classic Load Balancer.
const SSL_NEGOTIATION: &str = "SSLNegotiationPolicyType";

/// `AWS::ElasticLoadBalancing::LoadBalancer`: DescribeLoadBalancers' description, with the
/// policies (`LoadBalancerPolicies`) and attributes (`LoadBalancerAttributes`) supplementary.
pub(super) fn classic_load_balancer(i: &Item<'_>, tags: Value) -> Value {
    let policies = i.supp("LoadBalancerPolicies");
    // The predefined policy an SSL negotiation policy refers to, by the policy's name.
    let predefined = |name: &str| -> Value {
        let Some(Value::Array(list)) = &policies else {
            return i.lacks(&format!(
                "supplementaryConfiguration.LoadBalancerPolicies (policy {name}; elasticloadbalancing:DescribeLoadBalancerPolicies)"
            ));
        };
        let Some(p) = list
            .iter()
            .find(|p| ci(p, "policyName").and_then(Value::as_str) == Some(name))
        else {
            return unknown(format!(
                "policy {name} is not among the load balancer's policies in the AWS Config item"
            ));
        };
        let attributes = ci(p, "policyAttributeDescriptions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let reference = attributes.iter().find_map(|a| {
            (ci(a, "attributeName").and_then(Value::as_str) == Some("Reference-Security-Policy"))
                .then(|| ci(a, "attributeValue").cloned())
                .flatten()
        });
        // A custom policy names no predefined one: its own name, which no allow list holds.
        reference.unwrap_or_else(|| json!(name))
    };
    let is_ssl_policy = |name: &str| -> bool {
        match &policies {
            Some(Value::Array(list)) => list.iter().any(|p| {
                ci(p, "policyName").and_then(Value::as_str) == Some(name)
                    && ci(p, "policyTypeName").and_then(Value::as_str) == Some(SSL_NEGOTIATION)
            }),
            // Without the policy list every name may be the SSL one.
            _ => true,
        }
    };
    let listeners = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "listenerDescriptions") {
            Some(Value::Array(list)) => Value::Array(
                list.iter()
                    .map(|d| {
                        let l = ci(d, "listener").unwrap_or(&Value::Null);
                        let protocol = ci(l, "protocol")
                            .and_then(Value::as_str)
                            .map_or_else(|| unknown("the listener has no protocol"), |p| json!(p.to_ascii_uppercase()));
                        let secure = matches!(protocol.as_str(), Some("HTTPS" | "SSL"));
                        let names: Vec<&str> = ci(d, "policyNames")
                            .and_then(Value::as_array)
                            .map(|a| a.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        let ssl: Vec<&str> = names.into_iter().filter(|n| is_ssl_policy(n)).collect();
                        let policy = match ssl.as_slice() {
                            _ if !secure => Value::Null,
                            // No negotiation policy of its own: the listener's default.
                            [] => Value::Null,
                            [one] => predefined(one),
                            many => unknown(format!("the listener has several SSL negotiation policies: {many:?}")),
                        };
                        json!({
                            "protocol": protocol,
                            "port": ci(l, "loadBalancerPort").and_then(intish).map_or(Value::Null, |n| json!(n)),
                            "ssl_policy": policy,
                        })
                    })
                    .collect(),
            ),
            _ => i.lacks("configuration.listenerDescriptions"),
        },
    };
    let logging = match i.supp("LoadBalancerAttributes") {
        Some(attrs) => match ci(&attrs, "accessLog") {
            Some(log) => match ci(log, "enabled").and_then(boolish) {
                Some(enabled) => json!({
                    "enabled": enabled,
                    "destination": if enabled {
                        ci(log, "s3BucketName").and_then(Value::as_str).filter(|s| !s.is_empty()).map_or(Value::Null, |s| json!(s))
                    } else {
                        Value::Null
                    },
                }),
                None => i.lacks("supplementaryConfiguration.LoadBalancerAttributes.accessLog.enabled"),
            },
            None => i.lacks("supplementaryConfiguration.LoadBalancerAttributes.accessLog"),
        },
        None => i.lacks(
            "supplementaryConfiguration.LoadBalancerAttributes (elasticloadbalancing:DescribeLoadBalancerAttributes)",
        ),
    };
    json!({
        "name": i.opt("loadBalancerName"),
        "scheme": i.req("scheme"),
        "listeners": listeners,
        "access_logging": logging,
        "tags": tags,
    })
}

/// Access logging of a stage: GetStage(s) omits `accessLogSettings` when none is set.
fn stage_access_logging(i: &Item<'_>) -> Value {
    match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "accessLogSettings") {
            None | Some(Value::Null) => json!({ "enabled": false, "destination": null }),
            Some(s) => match ci(s, "destinationArn").and_then(Value::as_str) {
                Some(d) if !d.is_empty() => json!({ "enabled": true, "destination": d }),
                _ => json!({ "enabled": false, "destination": null }),
            },
        },
    }
}

/// The API ID in a stage's ARN (`arn:aws:apigateway:REGION::/restapis/ID/stages/NAME`,
/// `.../apis/ID/stages/NAME`).
pub(super) fn api_of_stage_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split('/');
    while let Some(p) = parts.next() {
        if p == "restapis" || p == "apis" {
            return parts.next().filter(|id| !id.is_empty());
        }
    }
    None
}

fn item_arn<'a>(i: &Item<'a>) -> Option<&'a str> {
    i.d.get("arn").and_then(Value::as_str)
}

/// `AWS::ApiGateway::Stage`: GetStage of a REST API.
pub(super) fn rest_stage(i: &Item<'_>, tags: Value) -> Value {
    // GetStage keys method settings by `resource/method`; `*/*` applies to all methods, and
    // without it execution logging is off.
    let level = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "methodSettings") {
            Some(Value::Object(m)) => match m.get("*/*") {
                None | Some(Value::Null) => json!("OFF"),
                Some(s) => ci(s, "loggingLevel")
                    .and_then(Value::as_str)
                    .map_or(json!("OFF"), |l| json!(l.to_ascii_uppercase())),
            },
            _ => i.lacks("configuration.methodSettings"),
        },
    };
    let api = match i.opt("restApiId") {
        Value::Null => item_arn(i)
            .and_then(api_of_stage_arn)
            .map_or_else(|| i.lacks("the REST API ID"), |id| json!(id)),
        v => v,
    };
    json!({
        "api_type": "rest",
        "api": api,
        "stage_name": i.req("stageName"),
        "access_logging": stage_access_logging(i),
        "execution_logging_level": level,
        // GetStage names the associated web ACL only when there is one.
        "web_acl": i.opt("webAclArn"),
        "tags": tags,
    })
}

/// `AWS::ApiGatewayV2::Stage`: an HTTP or WebSocket API stage. Which of the two it is comes
/// from the API's own item ([`join_v2_api_types`]).
pub(super) fn v2_stage(i: &Item<'_>, tags: Value) -> Value {
    let api = match i.opt("apiId") {
        Value::Null => item_arn(i)
            .and_then(api_of_stage_arn)
            .map_or_else(|| i.lacks("the API ID"), |id| json!(id)),
        v => v,
    };
    let level = match i.opt("defaultRouteSettings.loggingLevel") {
        Value::Null => json!("OFF"),
        Value::String(s) => json!(s.to_ascii_uppercase()),
        v => v,
    };
    json!({
        "api_type": unknown(format!(
            "the protocol of API {} is in its AWS::ApiGatewayV2::Api item, which was not read",
            api.as_str().unwrap_or("?")
        )),
        "api": api,
        "stage_name": i.req("stageName"),
        "access_logging": stage_access_logging(i),
        "execution_logging_level": level,
        // WAF does not protect HTTP or WebSocket APIs.
        "web_acl": null,
        "tags": tags,
    })
}

/// `AWS::WAFv2::WebACL`: GetWebACL's `WebACL`. Its logging configuration is another
/// resource that the item does not carry.
pub(super) fn web_acl(i: &Item<'_>, tags: Value) -> Value {
    let scope = match item_arn(i) {
        Some(a) if a.contains(":regional/webacl/") => json!("REGIONAL"),
        Some(a) if a.contains(":global/webacl/") => json!("CLOUDFRONT"),
        _ => i.lacks("an ARN naming the web ACL's scope"),
    };
    let rules = match i.unknown_config() {
        Some(u) => u,
        None => match at(i.c, "rules") {
            Some(Value::Array(r)) => json!(r.len()),
            _ => i.lacks("configuration.rules"),
        },
    };
    json!({
        "name": i.opt("name"),
        "scope": scope,
        "rule_count": rules,
        "logging": i.not_recorded("logging (wafv2:GetLoggingConfiguration)"),
        "tags": tags,
    })
}

/// Sets `api_type` of the HTTP and WebSocket API stages from the `AWS::ApiGatewayV2::Api`
/// items among `items` (`protocolType` `HTTP` or `WEBSOCKET`).
pub(super) fn join_v2_api_types(stages: &mut [crate::model::Resource], items: &[&Value]) {
    for stage in stages
        .iter_mut()
        .filter(|r| r.kind == "aws.apigateway.stage")
        .filter(|r| {
            r.provenance
                .source_types
                .iter()
                .any(|t| t == "AWS::ApiGatewayV2::Stage")
        })
    {
        let Some(api) = stage
            .attributes
            .get("api")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        let protocol = items.iter().find_map(|d| {
            let c = d.get("configuration")?;
            let id = ci(c, "apiId")
                .and_then(Value::as_str)
                .or_else(|| d.get("resourceId").and_then(Value::as_str))?;
            (id == api)
                .then(|| ci(c, "protocolType").cloned())
                .flatten()
        });
        let api_type = match protocol {
            None => continue,
            Some(Value::String(p)) if p.eq_ignore_ascii_case("HTTP") => json!("http"),
            Some(Value::String(p)) if p.eq_ignore_ascii_case("WEBSOCKET") => json!("websocket"),
            Some(other) => unknown(format!("API {api} has protocol type {other}")),
        };
        if let Some(a) = stage.attributes.as_object_mut() {
            a.insert("api_type".into(), api_type);
            stage
                .provenance
                .joined
                .push(format!("AWS::ApiGatewayV2::Api/{api}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_dates_become_rfc3339() {
        for (v, want) in [
            (
                json!("2027-03-01T12:00:00.000Z"),
                Some("2027-03-01T12:00:00Z"),
            ),
            (
                json!("2027-03-01T12:00:00.000+0000"),
                Some("2027-03-01T12:00:00Z"),
            ),
            (
                json!("2027-03-01T14:00:00+02:00"),
                Some("2027-03-01T12:00:00Z"),
            ),
            (json!(1_803_902_400), Some("2027-03-01T12:00:00Z")),
            (json!(1_803_902_400_000_i64), Some("2027-03-01T12:00:00Z")),
            (json!("next year"), None),
            (json!(true), None),
        ] {
            assert_eq!(rfc3339(&v).as_deref(), want, "{v}");
        }
    }

    #[test]
    fn stage_arns_name_their_api() {
        assert_eq!(
            api_of_stage_arn("arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"),
            Some("a1b2c3")
        );
        assert_eq!(
            api_of_stage_arn("arn:aws:apigateway:eu-west-1::/apis/x9/stages/$default"),
            Some("x9")
        );
        assert_eq!(
            api_of_stage_arn("arn:aws:apigateway:eu-west-1::/restapis/"),
            None
        );
    }
}
