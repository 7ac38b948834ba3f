//! WAF (v2) collector: the web ACLs' logging configurations and the web ACL of each
//! internet-facing Application Load Balancer.
//!
//! Web ACLs themselves come from AWS Config items, which carry neither their logging
//! configuration nor (for a load balancer) the web ACL protecting it. So, per region:
//! `ListLoggingConfigurations` (scope `REGIONAL`, and `CLOUDFRONT` in us-east-1, where
//! CloudFront-scope web ACLs live), paginated, into one [`RawKind::WafLoggingListing`]
//! document per scope; normalization joins it onto the web ACLs by ARN. And
//! `GetWebACLForResource` for every internet-facing ALB among the region's current AWS Config
//! items (only those: the rule judges no other load balancer), one
//! [`RawKind::WafWebAclForResource`] document each, joined onto the load balancer.

use serde_json::{json, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// ListLoggingConfigurations answers at most 100 configurations a page.
const PAGE: i32 = 100;

/// The error GetWebACLForResource answers for a load balancer without a web ACL (AWS
/// documents a null web ACL; the service has also been seen to answer this): a fact.
const NO_WEB_ACL: &str = "WAFNonexistentItemException";

/// Reads the logging configurations of `region` and the web ACLs of the internet-facing
/// ALBs among `items` (the region's AWS Config items).
pub async fn collect(ctx: &Ctx, region: &str, items: &[RawResource]) -> Vec<RawResource> {
    let client = aws_sdk_wafv2::Client::new(&super::client::in_region(&ctx.config, region));
    let mut scopes = vec![aws_sdk_wafv2::types::Scope::Regional];
    if region == "us-east-1" {
        scopes.push(aws_sdk_wafv2::types::Scope::Cloudfront);
    }
    let listings = futures::future::join_all(
        scopes
            .into_iter()
            .map(|scope| logging_listing(ctx, &client, region, scope)),
    );
    let albs: Vec<String> = items.iter().filter_map(public_alb).collect();
    let associations = futures::future::join_all(albs.into_iter().map(|arn| {
        let client = client.clone();
        async move {
            let answer = ctx
                .caller
                .call(
                    &ops::WAFV2_GET_WEB_ACL_FOR_RESOURCE,
                    region,
                    Some(&arn),
                    &[NO_WEB_ACL],
                    client.get_web_acl_for_resource().resource_arn(&arn).send(),
                )
                .await;
            let web_acl = match answer {
                Answer::Ok(out) => out.web_acl().map_or(Value::Null, |w| json!(w.arn())),
                Answer::NotConfigured(_) => Value::Null,
                Answer::Failed(reason) => unknown(reason),
            };
            ctx.raw(
                RawKind::WafWebAclForResource,
                arn.clone(),
                Some(region.to_owned()),
                vec![ops::WAFV2_GET_WEB_ACL_FOR_RESOURCE.label()],
                json!({ "ResourceArn": arn, "WebACLArn": web_acl }),
            )
        }
    }));
    let (mut out, associated) = tokio::join!(listings, associations);
    out.extend(associated);
    out
}

async fn logging_listing(
    ctx: &Ctx,
    client: &aws_sdk_wafv2::Client,
    region: &str,
    scope: aws_sdk_wafv2::types::Scope,
) -> RawResource {
    let mut configurations = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0u32;
    let mut failed = Value::Null;
    loop {
        let request = client
            .list_logging_configurations()
            .scope(scope.clone())
            .limit(PAGE)
            .set_next_marker(marker.clone());
        match ctx
            .caller
            .call(
                &ops::WAFV2_LIST_LOGGING_CONFIGURATIONS,
                region,
                Some(scope.as_str()),
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                pages += 1;
                configurations.extend(out.logging_configurations().iter().map(|c| {
                    json!({
                        "ResourceArn": c.resource_arn(),
                        "LogDestinationConfigs": c.log_destination_configs(),
                    })
                }));
                marker = out
                    .next_marker()
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned);
                if marker.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                failed = unknown(reason);
                break;
            }
        }
    }
    let account = ctx.account_or_unknown();
    ctx.raw(
        RawKind::WafLoggingListing,
        format!(
            "arn:{}:wafv2:{region}:{account}:logging-configurations/{}",
            super::client::partition(region),
            scope.as_str()
        ),
        Some(region.to_owned()),
        vec![ops::WAFV2_LIST_LOGGING_CONFIGURATIONS.label()],
        json!({
            "Scope": scope.as_str(),
            "Pages": pages,
            "Configurations": configurations,
            "Failed": failed,
        }),
    )
}

/// The ARN of an internet-facing Application Load Balancer's AWS Config item.
fn public_alb(raw: &RawResource) -> Option<String> {
    if raw.kind != RawKind::ConfigItem {
        return None;
    }
    let d = &raw.data;
    if d.get("resourceType").and_then(Value::as_str)
        != Some("AWS::ElasticLoadBalancingV2::LoadBalancer")
    {
        return None;
    }
    // A deleted or not-recorded load balancer's item is no current configuration.
    if !matches!(
        d.get("configurationItemStatus").and_then(Value::as_str),
        None | Some("OK" | "ResourceDiscovered")
    ) {
        return None;
    }
    let parsed;
    let c = match d.get("configuration")? {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).ok()?;
            &parsed
        }
        v => v,
    };
    let field = |k: &str| -> Option<String> {
        c.as_object()?
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_ascii_lowercase)
    };
    (field("type")? == "application" && field("scheme")? == "internet-facing")
        .then(|| d.get("arn").and_then(Value::as_str).map(str::to_owned))
        .flatten()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn item(status: Option<&str>, configuration: Value) -> RawResource {
        let mut data = json!({
            "resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1",
            "configuration": configuration,
        });
        if let Some(s) = status {
            data["configurationItemStatus"] = json!(s);
        }
        RawResource {
            kind: RawKind::ConfigItem,
            arn: "x".into(),
            account: None,
            region: Some("eu-west-1".into()),
            api_calls: Vec::new(),
            collected_at: String::new(),
            data,
        }
    }

    #[test]
    fn only_current_internet_facing_albs_are_asked_for_their_web_acl() {
        let public = json!({"type": "application", "scheme": "internet-facing"});
        assert!(public_alb(&item(Some("OK"), public.clone())).is_some());
        assert!(public_alb(&item(None, public.clone())).is_some());
        // The configuration as JSON text, names in another case.
        assert!(public_alb(&item(
            Some("ResourceDiscovered"),
            json!(r#"{"Type":"APPLICATION","Scheme":"internet-facing"}"#)
        ))
        .is_some());
        assert!(public_alb(&item(Some("ResourceDeleted"), public)).is_none());
        assert!(public_alb(&item(
            Some("OK"),
            json!({"type": "application", "scheme": "internal"})
        ))
        .is_none());
        assert!(public_alb(&item(
            Some("OK"),
            json!({"type": "network", "scheme": "internet-facing"})
        ))
        .is_none());
        let mut other = item(
            Some("OK"),
            json!({"type": "application", "scheme": "internet-facing"}),
        );
        other.data["resourceType"] = json!("AWS::ElasticLoadBalancing::LoadBalancer");
        assert!(public_alb(&other).is_none());
    }
}
