//! API Gateway collector: every REST API method and every HTTP/WebSocket API route of a
//! region, with its authorization.
//!
//! REST: `GetRestApis`, then `GetResources` with `embed=methods` per API, one
//! [`RawKind::ApiGatewayRoute`] per (resource path, method). HTTP and WebSocket: `GetApis`,
//! then `GetRoutes` per API, one per route key. Every list is read to its last page. Per
//! region and API family one [`RawKind::ApiGatewayListing`] document records what could not
//! be read (the API listing, or one API's routes): normalization turns each such failure
//! into a route at a wildcard address whose facts are unknown with the call's error, and a
//! listing made replaces the region's "not collected" stand-in.

use serde_json::{json, Value};

use super::call::Answer;
use super::ops;
use super::raw::{RawKind, RawResource};
use super::Ctx;
use crate::model::unknown;

/// GetRestApis and GetResources answer at most 500 items a page.
const REST_PAGE: i32 = 500;

/// Reads the REST and HTTP/WebSocket API operations of `region`.
pub async fn collect(ctx: &Ctx, region: &str) -> Vec<RawResource> {
    let conf = super::client::in_region(&ctx.config, region);
    let (mut rest, v2) = tokio::join!(
        Box::pin(rest(ctx, region, aws_sdk_apigateway::Client::new(&conf))),
        Box::pin(v2(ctx, region, aws_sdk_apigatewayv2::Client::new(&conf))),
    );
    rest.extend(v2);
    rest
}

fn api_base(region: &str) -> String {
    format!(
        "arn:{}:apigateway:{region}::",
        super::client::partition(region)
    )
}

async fn rest(ctx: &Ctx, region: &str, client: aws_sdk_apigateway::Client) -> Vec<RawResource> {
    let mut failed: Vec<Value> = Vec::new();
    let mut apis: Vec<String> = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let request = client
            .get_rest_apis()
            .limit(REST_PAGE)
            .set_position(position.clone());
        match ctx
            .caller
            .call(
                &ops::APIGATEWAY_GET_REST_APIS,
                region,
                None,
                &[],
                request.send(),
            )
            .await
        {
            Answer::Ok(out) => {
                apis.extend(out.items().iter().filter_map(|a| a.id().map(str::to_owned)));
                position = out.position().filter(|p| !p.is_empty()).map(str::to_owned);
                if position.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                failed.push(json!({ "Api": null, "Reason": unknown(reason) }));
                break;
            }
        }
    }
    apis.sort();
    apis.dedup();
    let base = api_base(region);
    let per_api = futures::future::join_all(apis.iter().map(|api| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let mut routes = Vec::new();
            let mut position: Option<String> = None;
            loop {
                let request = client
                    .get_resources()
                    .rest_api_id(api)
                    .embed("methods")
                    .limit(REST_PAGE)
                    .set_position(position.clone());
                match ctx
                    .caller
                    .call(
                        &ops::APIGATEWAY_GET_RESOURCES,
                        region,
                        Some(api),
                        &[],
                        request.send(),
                    )
                    .await
                {
                    Answer::Ok(out) => {
                        for resource in out.items() {
                            let Some(methods) = resource.resource_methods() else {
                                continue;
                            };
                            let mut methods: Vec<_> = methods.iter().collect();
                            methods.sort_by(|a, b| a.0.cmp(b.0));
                            for (verb, m) in methods {
                                let id = resource.id().unwrap_or("?");
                                let verb = m.http_method().unwrap_or(verb);
                                routes.push(ctx.raw(
                                    RawKind::ApiGatewayRoute,
                                    format!("{base}/restapis/{api}/resources/{id}/methods/{verb}"),
                                    Some(region.to_owned()),
                                    vec![
                                        ops::APIGATEWAY_GET_REST_APIS.label(),
                                        ops::APIGATEWAY_GET_RESOURCES.label(),
                                    ],
                                    json!({
                                        "ApiType": "rest",
                                        "Api": api,
                                        "ResourceId": resource.id(),
                                        "Path": resource.path(),
                                        "HttpMethod": verb,
                                        "AuthorizationType": m.authorization_type(),
                                        "ApiKeyRequired": m.api_key_required(),
                                    }),
                                ));
                            }
                        }
                        position = out.position().filter(|p| !p.is_empty()).map(str::to_owned);
                        if position.is_none() {
                            return (routes, None);
                        }
                    }
                    Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                        return (
                            routes,
                            Some(json!({ "Api": api, "Reason": unknown(reason) })),
                        );
                    }
                }
            }
        }
    }))
    .await;
    let mut out = Vec::new();
    for (routes, failure) in per_api {
        out.extend(routes);
        failed.extend(failure);
    }
    out.push(listing(ctx, region, "rest", failed));
    out
}

async fn v2(ctx: &Ctx, region: &str, client: aws_sdk_apigatewayv2::Client) -> Vec<RawResource> {
    let mut failed: Vec<Value> = Vec::new();
    let mut apis: Vec<(String, Option<String>)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = client.get_apis().set_next_token(token.clone());
        match ctx
            .caller
            .call(&ops::APIGATEWAY_GET_APIS, region, None, &[], request.send())
            .await
        {
            Answer::Ok(out) => {
                apis.extend(out.items().iter().filter_map(|a| {
                    Some((
                        a.api_id()?.to_owned(),
                        a.protocol_type().map(|p| p.as_str().to_owned()),
                    ))
                }));
                token = out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                failed.push(json!({ "Api": null, "Reason": unknown(reason) }));
                break;
            }
        }
    }
    apis.sort();
    apis.dedup();
    let base = api_base(region);
    let per_api = futures::future::join_all(apis.iter().map(|(api, protocol)| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let mut routes = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let request = client
                    .get_routes()
                    .api_id(api)
                    .set_next_token(token.clone());
                match ctx
                    .caller
                    .call(
                        &ops::APIGATEWAY_GET_ROUTES,
                        region,
                        Some(api),
                        &[],
                        request.send(),
                    )
                    .await
                {
                    Answer::Ok(out) => {
                        for r in out.items() {
                            let id = r.route_id().unwrap_or("?");
                            routes.push(ctx.raw(
                                RawKind::ApiGatewayRoute,
                                format!("{base}/apis/{api}/routes/{id}"),
                                Some(region.to_owned()),
                                vec![
                                    ops::APIGATEWAY_GET_APIS.label(),
                                    ops::APIGATEWAY_GET_ROUTES.label(),
                                ],
                                json!({
                                    "ApiType": protocol,
                                    "Api": api,
                                    "RouteId": r.route_id(),
                                    "RouteKey": r.route_key(),
                                    "AuthorizationType": r.authorization_type().map(|a| a.as_str()),
                                    "ApiKeyRequired": r.api_key_required(),
                                }),
                            ));
                        }
                        token = out
                            .next_token()
                            .filter(|t| !t.is_empty())
                            .map(str::to_owned);
                        if token.is_none() {
                            return (routes, None);
                        }
                    }
                    Answer::Failed(reason) | Answer::NotConfigured(reason) => {
                        return (
                            routes,
                            Some(json!({ "Api": api, "Reason": unknown(reason) })),
                        );
                    }
                }
            }
        }
    }))
    .await;
    let mut out = Vec::new();
    for (routes, failure) in per_api {
        out.extend(routes);
        failed.extend(failure);
    }
    out.push(listing(ctx, region, "v2", failed));
    out
}

fn listing(ctx: &Ctx, region: &str, family: &str, failed: Vec<Value>) -> RawResource {
    let (what, calls) = if family == "rest" {
        (
            "restapis",
            vec![
                ops::APIGATEWAY_GET_REST_APIS.label(),
                ops::APIGATEWAY_GET_RESOURCES.label(),
            ],
        )
    } else {
        (
            "apis",
            vec![
                ops::APIGATEWAY_GET_APIS.label(),
                ops::APIGATEWAY_GET_ROUTES.label(),
            ],
        )
    };
    ctx.raw(
        RawKind::ApiGatewayListing,
        format!("{}/{what}", api_base(region)),
        Some(region.to_owned()),
        calls,
        json!({ "Api": family, "Failed": failed }),
    )
}
