//! AWS Config items of the kinds added with the inventory's coverage decision, in the item
//! shapes AWS Config records (awslabs/aws-config-resource-schema property lists; the
//! CloudFormation shape for the newer types), each with compliant and non-compliant items
//! judged by the embedded rules, and the facts an item does not record shown unknown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::tests_items::{get, item, judged, reason};

const CERT_OK: &str =
    "arn:aws:acm:eu-west-1:123456789012:certificate/1a2b3c4d-0000-4000-8000-000000000001";
const CERT_SOON: &str =
    "arn:aws:acm:eu-west-1:123456789012:certificate/1a2b3c4d-0000-4000-8000-000000000002";
const CERT_PENDING: &str =
    "arn:aws:acm:eu-west-1:123456789012:certificate/1a2b3c4d-0000-4000-8000-000000000003";
const CERT_BLIND: &str =
    "arn:aws:acm:eu-west-1:123456789012:certificate/1a2b3c4d-0000-4000-8000-000000000004";

/// DescribeCertificate's certificate as AWS Config records it.
fn certificate(arn: &str, domain: &str, extra: Value) -> Value {
    let mut c = json!({
        "certificateArn": arn, "domainName": domain, "subjectAlternativeNames": [domain],
        "serial": "0a:1b:2c", "subject": format!("CN={domain}"), "issuer": "Amazon",
        "createdAt": "2026-01-10T09:00:00.000Z", "keyAlgorithm": "RSA-2048",
        "signatureAlgorithm": "SHA256WITHRSA", "inUseBy": [],
        "keyUsages": [{"name": "DIGITAL_SIGNATURE"}, {"name": "KEY_ENCIPHERMENT"}],
        "extendedKeyUsages": [{"name": "TLS_WEB_SERVER_AUTHENTICATION", "oID": "1.3.6.1.5.5.7.3.1"}],
        "options": {"certificateTransparencyLoggingPreference": "ENABLED"}
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn dns_validation(domain: &str, method: &str) -> Value {
    json!([{"domainName": domain, "validationDomain": domain, "validationStatus": "SUCCESS",
        "resourceRecord": {"name": format!("_a79.{domain}."), "type": "CNAME", "value": "_x2.acm-validations.aws."},
        "validationMethod": method}])
}

/// Collected 2026-06-01 (the test items' collection time): the imported certificate
/// expires in 14 days, the Amazon-issued one in eight months.
#[test]
fn acm_certificates() {
    let (rs, judge) = judged(&[
        item(
            "AWS::ACM::Certificate",
            CERT_OK,
            certificate(
                CERT_OK,
                "www.example.com",
                json!({
                    "status": "ISSUED", "type": "AMAZON_ISSUED", "renewalEligibility": "ELIGIBLE",
                    "issuedAt": "2026-01-10T09:05:00.000Z", "notBefore": "2026-01-10T00:00:00.000Z",
                    "notAfter": "2027-02-09T23:59:59.000Z",
                    "domainValidationOptions": dns_validation("www.example.com", "DNS"),
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::ACM::Certificate",
            CERT_SOON,
            certificate(
                CERT_SOON,
                "legacy.example.com",
                json!({
                    "status": "ISSUED", "type": "IMPORTED", "renewalEligibility": "INELIGIBLE",
                    "importedAt": "2025-06-01T00:00:00.000Z", "notBefore": "2025-06-15T00:00:00.000Z",
                    "notAfter": "2026-06-15T12:00:00.000+0000", "issuer": "Example CA",
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::ACM::Certificate",
            CERT_PENDING,
            certificate(
                CERT_PENDING,
                "mail.example.com",
                json!({
                    "status": "PENDING_VALIDATION", "type": "AMAZON_ISSUED", "renewalEligibility": "INELIGIBLE",
                    "domainValidationOptions": dns_validation("mail.example.com", "EMAIL"),
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::ACM::Certificate",
            CERT_BLIND,
            certificate(
                CERT_BLIND,
                "api.example.com",
                json!({
                    "status": "ISSUED", "type": "AMAZON_ISSUED",
                    "domainValidationOptions": dns_validation("api.example.com", "DNS"),
                }),
            ),
            json!({}),
        ),
    ]);
    let ok = get(&rs, CERT_OK);
    assert_eq!(ok.kind, "aws.acm.certificate");
    assert_eq!(ok.attributes["not_after"], json!("2027-02-09T23:59:59Z"));
    assert_eq!(ok.attributes["validation_method"], json!("DNS"));
    assert_eq!(ok.attributes["observed_at"], json!("2026-06-01T00:00:00Z"));
    assert_eq!(
        get(&rs, CERT_SOON).attributes["not_after"],
        json!("2026-06-15T12:00:00Z")
    );
    assert_eq!(
        get(&rs, CERT_SOON).attributes["validation_method"],
        json!(null)
    );
    assert_eq!(get(&rs, CERT_PENDING).attributes["not_after"], json!(null));
    assert!(reason(get(&rs, CERT_BLIND), "not_after").contains("configuration.notAfter"));
    assert_eq!(judge("acm-certificate-renewal", CERT_OK), "pass");
    assert_eq!(judge("acm-certificate-renewal", CERT_SOON), "fail");
    assert_eq!(judge("acm-certificate-renewal", CERT_PENDING), "fail");
    assert_eq!(judge("acm-certificate-renewal", CERT_BLIND), "unknown");
}

const LB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const L_TLS: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
const L_REDIRECT: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/0467ef3c8400ae65";
const L_OLD: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/9683b2d02a6cabee";
const L_PLAIN: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/3b5fd1e0c1a0d1f1";

fn listener(arn: &str, port: u16, protocol: &str, policy: Option<&str>, actions: Value) -> Value {
    let mut c = json!({
        "ListenerArn": arn, "LoadBalancerArn": LB, "Port": port, "Protocol": protocol,
        "DefaultActions": actions, "AlpnPolicy": [],
    });
    if let Some(p) = policy {
        c["SslPolicy"] = json!(p);
        c["Certificates"] = json!([{"CertificateArn": CERT_OK, "IsDefault": true}]);
    }
    c
}

fn forward() -> Value {
    json!([{"Type": "forward", "Order": 1,
        "TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067",
        "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067", "Weight": 1}],
            "TargetGroupStickinessConfig": {"Enabled": false}}}])
}

#[test]
fn elbv2_listeners() {
    let t = "AWS::ElasticLoadBalancingV2::Listener";
    let (rs, judge) = judged(&[
        item(
            t,
            L_TLS,
            listener(
                L_TLS,
                443,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                forward(),
            ),
            json!({}),
        ),
        item(
            t,
            L_REDIRECT,
            listener(
                L_REDIRECT,
                80,
                "HTTP",
                None,
                json!([{"Type": "redirect", "Order": 1,
            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}", "StatusCode": "HTTP_301"}}]),
            ),
            json!({}),
        ),
        item(
            t,
            L_OLD,
            listener(
                L_OLD,
                8443,
                "HTTPS",
                Some("ELBSecurityPolicy-2016-08"),
                forward(),
            ),
            json!({}),
        ),
        item(
            t,
            L_PLAIN,
            listener(L_PLAIN, 8080, "HTTP", None, forward()),
            json!({}),
        ),
    ]);
    let tls = get(&rs, L_TLS);
    assert_eq!(tls.kind, "aws.elbv2.listener");
    assert_eq!(tls.attributes["load_balancer"], json!(LB));
    assert_eq!(
        tls.attributes["default_actions"],
        json!([{"type": "forward", "redirect_protocol": null}])
    );
    assert_eq!(get(&rs, L_PLAIN).attributes["ssl_policy"], json!(null));
    assert_eq!(judge("elb-listeners-tls", L_TLS), "pass");
    assert_eq!(judge("elb-listeners-tls", L_REDIRECT), "pass");
    assert_eq!(judge("elb-listeners-tls", L_OLD), "fail");
    assert_eq!(judge("elb-listeners-tls", L_PLAIN), "fail");
    // An HTTPS listener always has a policy; an item without one cannot say which.
    let blind = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/0000000000000001";
    let (rs, judge) = judged(&[item(
        t,
        blind,
        listener(blind, 443, "HTTPS", None, forward()),
        json!({}),
    )]);
    assert!(reason(get(&rs, blind), "ssl_policy").contains("SslPolicy"));
    assert_eq!(judge("elb-listeners-tls", blind), "unknown");
}

const CLB_OK: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/shop";
const CLB_BAD: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/legacy";

fn classic(name: &str, listeners: Value, other_policies: Value) -> Value {
    json!({
        "loadBalancerName": name, "dnsname": format!("{name}-1234567890.eu-west-1.elb.amazonaws.com"),
        "canonicalHostedZoneName": format!("{name}-1234567890.eu-west-1.elb.amazonaws.com"),
        "canonicalHostedZoneNameID": "Z32O12XQLNTSW2", "listenerDescriptions": listeners,
        "policies": {"appCookieStickinessPolicies": [], "lbcookieStickinessPolicies": [], "otherPolicies": other_policies},
        "backendServerDescriptions": [], "availabilityZones": ["eu-west-1a", "eu-west-1b"],
        "subnets": ["subnet-0a1b", "subnet-0c2d"], "vpcid": "vpc-0abc",
        "instances": [{"instanceId": "i-0aaa"}],
        "healthCheck": {"target": "HTTP:80/health", "interval": 30, "timeout": 5, "unhealthyThreshold": 2, "healthyThreshold": 10},
        "sourceSecurityGroup": {"ownerAlias": "123456789012", "groupName": "elb"},
        "securityGroups": ["sg-0elb"], "createdTime": "2019-03-01T10:00:00.000Z", "scheme": "internet-facing"
    })
}

fn classic_attributes(logging: bool) -> Value {
    json!({
        "crossZoneLoadBalancing": {"enabled": true},
        "accessLog": if logging {
            json!({"enabled": true, "s3BucketName": "elb-logs", "emitInterval": 60, "s3BucketPrefix": "shop"})
        } else {
            json!({"enabled": false})
        },
        "connectionDraining": {"enabled": true, "timeout": 300},
        "connectionSettings": {"idleTimeout": 60}, "additionalAttributes": []
    })
}

#[test]
fn classic_load_balancers() {
    let t = "AWS::ElasticLoadBalancing::LoadBalancer";
    let tls12 = json!({"policyName": "ELBSecurityPolicy-TLS-1-2-2017-01", "policyTypeName": "SSLNegotiationPolicyType",
        "policyAttributeDescriptions": [
            {"attributeName": "Reference-Security-Policy", "attributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01"},
            {"attributeName": "Protocol-TLSv1.2", "attributeValue": "true"},
            {"attributeName": "Protocol-TLSv1", "attributeValue": "false"}]});
    let stickiness = json!({"policyName": "sticky", "policyTypeName": "LBCookieStickinessPolicyType",
        "policyAttributeDescriptions": [{"attributeName": "CookieExpirationPeriod", "attributeValue": "60"}]});
    let (rs, judge) = judged(&[
        item(
            t,
            CLB_OK,
            classic(
                "shop",
                json!([{"listener": {"protocol": "HTTPS", "loadBalancerPort": 443, "instanceProtocol": "HTTP", "instancePort": 80,
                "sslcertificateId": CERT_OK}, "policyNames": ["ELBSecurityPolicy-TLS-1-2-2017-01", "sticky"]}]),
                json!(["ELBSecurityPolicy-TLS-1-2-2017-01"]),
            ),
            json!({"LoadBalancerAttributes": classic_attributes(true), "LoadBalancerPolicies": [tls12, stickiness],
                "Tags": [{"key": "team", "value": "shop"}]}),
        ),
        item(
            t,
            CLB_BAD,
            classic(
                "legacy",
                json!([{"listener": {"protocol": "HTTP", "loadBalancerPort": 80, "instanceProtocol": "HTTP", "instancePort": 80},
                "policyNames": []}]),
                json!([]),
            ),
            json!({"LoadBalancerAttributes": classic_attributes(false), "LoadBalancerPolicies": []}),
        ),
    ]);
    let ok = get(&rs, CLB_OK);
    assert_eq!(ok.kind, "aws.elb.load_balancer");
    assert_eq!(
        ok.attributes["listeners"],
        json!([{"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-TLS-1-2-2017-01"}])
    );
    assert_eq!(
        ok.attributes["access_logging"],
        json!({"enabled": true, "destination": "elb-logs"})
    );
    assert_eq!(ok.attributes["tags"], json!({"team": "shop"}));
    assert_eq!(judge("elb-listeners-tls", CLB_OK), "pass");
    assert_eq!(judge("elb-listeners-tls", CLB_BAD), "fail");
    assert_eq!(judge("edge-access-logging", CLB_OK), "pass");
    assert_eq!(judge("edge-access-logging", CLB_BAD), "fail");
    // Without the supplementary policies and attributes the item cannot say.
    let (rs, judge) = judged(&[item(
        t,
        CLB_OK,
        classic(
            "shop",
            json!([{"listener": {"protocol": "SSL", "loadBalancerPort": 443, "instanceProtocol": "TCP", "instancePort": 80},
            "policyNames": ["custom-tls"]}]),
            json!(["custom-tls"]),
        ),
        json!({}),
    )]);
    let r = get(&rs, CLB_OK);
    assert!(reason(r, "access_logging").contains("DescribeLoadBalancerAttributes"));
    assert!(
        unknown_reason_at(&r.attributes["listeners"][0]["ssl_policy"])
            .contains("DescribeLoadBalancerPolicies")
    );
    assert_eq!(judge("elb-listeners-tls", CLB_OK), "unknown");
    assert_eq!(judge("edge-access-logging", CLB_OK), "unknown");
}

fn unknown_reason_at(v: &Value) -> String {
    crate::model::unknown_reason(v)
        .unwrap_or_else(|| panic!("known: {v}"))
        .to_owned()
}

const STAGE_OK: &str = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod";
const STAGE_BAD: &str = "arn:aws:apigateway:eu-west-1::/restapis/f6g7h8i9j0/stages/dev";
const HTTP_OK: &str = "arn:aws:apigateway:eu-west-1::/apis/x9y8z7w6v5/stages/$default";
const WS_BAD: &str = "arn:aws:apigateway:eu-west-1::/apis/k1l2m3n4o5/stages/live";
const WS_LONE: &str = "arn:aws:apigateway:eu-west-1::/apis/p1q2r3s4t5/stages/live";
const ACL: &str =
    "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/0a1b2c3d-0000-4000-8000-00000000000a";

fn rest(name: &str, methods: Value, access: Option<Value>, acl: Option<&str>) -> Value {
    let mut c = json!({
        "deploymentId": "7pdm2n", "stageName": name, "description": "", "cacheClusterEnabled": false,
        "cacheClusterStatus": "NOT_AVAILABLE", "methodSettings": methods, "tracingEnabled": false,
        "createdDate": "2026-01-10T09:00:00.000Z", "lastUpdatedDate": "2026-05-01T10:00:00.000Z",
    });
    if let Some(a) = access {
        c["accessLogSettings"] = a;
    }
    if let Some(a) = acl {
        c["webAclArn"] = json!(a);
    }
    c
}

#[test]
fn api_gateway_stages() {
    let access = json!({"format": "{\"requestId\":\"$context.requestId\"}", "destinationArn": "arn:aws:logs:eu-west-1:123456789012:log-group:api-access"});
    let all_methods = json!({"*/*": {"metricsEnabled": false, "loggingLevel": "ERROR", "dataTraceEnabled": false,
        "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0, "cachingEnabled": false, "cacheTtlInSeconds": 300,
        "cacheDataEncrypted": false, "requireAuthorizationForCacheControl": true,
        "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"}});
    let v2 = |name: &str, access: Option<&Value>| {
        let mut c = json!({"stageName": name, "autoDeploy": true, "apiGatewayManaged": false,
            "defaultRouteSettings": {"detailedMetricsEnabled": false, "throttlingBurstLimit": 5000, "throttlingRateLimit": 10000.0},
            "createdDate": "2026-02-01T00:00:00.000Z", "lastUpdatedDate": "2026-02-01T00:00:00.000Z", "stageVariables": {}});
        if let Some(a) = access {
            c["accessLogSettings"] = a.clone();
        }
        c
    };
    let api = |id: &str, protocol: &str| {
        item(
            "AWS::ApiGatewayV2::Api",
            &format!("arn:aws:apigateway:eu-west-1::/apis/{id}"),
            json!({"apiId": id, "name": id, "protocolType": protocol, "apiEndpoint": format!("https://{id}.execute-api.eu-west-1.amazonaws.com"),
                "routeSelectionExpression": "$request.method $request.path", "disableExecuteApiEndpoint": false,
                "apiKeySelectionExpression": "$request.header.x-api-key", "createdDate": "2026-02-01T00:00:00.000Z"}),
            json!({}),
        )
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::ApiGateway::Stage",
            STAGE_OK,
            rest("prod", all_methods, Some(access.clone()), Some(ACL)),
            json!({}),
        ),
        item(
            "AWS::ApiGateway::Stage",
            STAGE_BAD,
            rest("dev", json!({}), None, None),
            json!({}),
        ),
        item(
            "AWS::ApiGatewayV2::Stage",
            HTTP_OK,
            v2("$default", Some(&access)),
            json!({}),
        ),
        item(
            "AWS::ApiGatewayV2::Stage",
            WS_BAD,
            v2("live", None),
            json!({}),
        ),
        item(
            "AWS::ApiGatewayV2::Stage",
            WS_LONE,
            v2("live", Some(&access)),
            json!({}),
        ),
        api("x9y8z7w6v5", "HTTP"),
        api("k1l2m3n4o5", "WEBSOCKET"),
    ]);
    let ok = get(&rs, STAGE_OK);
    assert_eq!(ok.kind, "aws.apigateway.stage");
    assert_eq!(ok.attributes["api"], json!("a1b2c3d4e5"));
    assert_eq!(ok.attributes["execution_logging_level"], json!("ERROR"));
    assert_eq!(
        get(&rs, STAGE_BAD).attributes["execution_logging_level"],
        json!("OFF")
    );
    assert_eq!(
        get(&rs, STAGE_BAD).attributes["access_logging"],
        json!({"enabled": false, "destination": null})
    );
    assert_eq!(judge("edge-access-logging", STAGE_OK), "pass");
    assert_eq!(judge("edge-access-logging", STAGE_BAD), "fail");
    assert_eq!(judge("edge-waf-attached", STAGE_OK), "pass");
    assert_eq!(judge("edge-waf-attached", STAGE_BAD), "fail");
    // HTTP and WebSocket stages: the protocol from the API's item.
    let http = get(&rs, HTTP_OK);
    assert_eq!(http.attributes["api_type"], json!("http"));
    assert_eq!(
        http.provenance.joined,
        vec!["AWS::ApiGatewayV2::Api/x9y8z7w6v5".to_owned()]
    );
    assert_eq!(get(&rs, WS_BAD).attributes["api_type"], json!("websocket"));
    assert_eq!(judge("edge-access-logging", HTTP_OK), "pass");
    assert_eq!(judge("edge-access-logging", WS_BAD), "fail");
    // No API item read: which protocol is unknown, and so is the verdict.
    assert!(reason(get(&rs, WS_LONE), "api_type").contains("AWS::ApiGatewayV2::Api item"));
    assert_eq!(judge("edge-access-logging", WS_LONE), "unknown");
}

#[test]
fn waf_web_acls() {
    let empty = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/empty/0a1b2c3d-0000-4000-8000-00000000000b";
    let acl = |name: &str, arn: &str, rules: Value| {
        json!({"name": name, "id": arn.rsplit('/').next().unwrap(), "defaultAction": {"allow": {}}, "description": "",
            "rules": rules, "visibilityConfig": {"sampledRequestsEnabled": true, "cloudWatchMetricsEnabled": true, "metricName": name},
            "capacity": 700, "managedByFirewallManager": false, "labelNamespace": format!("awswaf:123456789012:webacl:{name}:")})
    };
    let common = json!([{"name": "AWS-AWSManagedRulesCommonRuleSet", "priority": 0,
        "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesCommonRuleSet"}},
        "overrideAction": {"none": {}},
        "visibilityConfig": {"sampledRequestsEnabled": true, "cloudWatchMetricsEnabled": true, "metricName": "common"}}]);
    let (rs, judge) = judged(&[
        item(
            "AWS::WAFv2::WebACL",
            ACL,
            acl("api", ACL, common),
            json!({}),
        ),
        item(
            "AWS::WAFv2::WebACL",
            empty,
            acl("empty", empty, json!([])),
            json!({}),
        ),
    ]);
    let ok = get(&rs, ACL);
    assert_eq!(ok.kind, "aws.wafv2.web_acl");
    assert_eq!(ok.attributes["scope"], json!("REGIONAL"));
    assert_eq!(ok.attributes["rule_count"], json!(1));
    assert!(reason(ok, "logging").contains("wafv2:GetLoggingConfiguration"));
    assert_eq!(judge("edge-waf-attached", ACL), "pass");
    assert_eq!(judge("edge-waf-attached", empty), "fail");
    assert_eq!(judge("waf-logging-enabled", ACL), "unknown");
}

const LT_OK: &str = "arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0a1b2c3d4e5f60001";
const LT_BAD: &str = "arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0a1b2c3d4e5f60002";
const LC_OK: &str = "arn:aws:autoscaling:eu-west-1:123456789012:launchConfiguration:6a7b8c9d-0000-4000-8000-000000000001:launchConfigurationName/web-lc";
const LC_BAD: &str = "arn:aws:autoscaling:eu-west-1:123456789012:launchConfiguration:6a7b8c9d-0000-4000-8000-000000000002:launchConfigurationName/legacy-lc";

#[test]
fn launch_templates_and_configurations() {
    let template = |name: &str, id: &str, data: Value| json!({"LaunchTemplateName": name, "Id": id, "LatestVersionNumber": "3", "DefaultVersionNumber": "3", "LaunchTemplateData": data});
    let lc = |name: &str, arn: &str, extra: Value| {
        let mut c = json!({"launchConfigurationName": name, "launchConfigurationARN": arn, "imageId": "ami-0abc",
            "keyName": "", "securityGroups": ["sg-0web"], "classicLinkVPCSecurityGroups": [], "userData": "",
            "instanceType": "t3.micro", "kernelId": "", "ramdiskId": "", "blockDeviceMappings": [],
            "instanceMonitoring": {"enabled": true}, "createdTime": "2024-01-01T00:00:00.000Z", "ebsOptimized": false});
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::EC2::LaunchTemplate",
            LT_OK,
            template(
                "web",
                "lt-0a1b2c3d4e5f60001",
                json!({
                    "ImageId": "ami-0abc", "InstanceType": "t3.micro",
                    "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 2, "InstanceMetadataTags": "disabled"},
                    "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": false, "Groups": ["sg-0web"], "SubnetId": "subnet-0a1b", "DeleteOnTermination": true}],
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::EC2::LaunchTemplate",
            LT_BAD,
            template(
                "bastion",
                "lt-0a1b2c3d4e5f60002",
                json!({
                    "ImageId": "ami-0abc", "InstanceType": "t3.nano",
                    "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true, "Groups": ["sg-0ssh"]}],
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::AutoScaling::LaunchConfiguration",
            LC_OK,
            lc(
                "web-lc",
                LC_OK,
                json!({
                    "associatePublicIpAddress": false,
                    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled"},
                }),
            ),
            json!({}),
        ),
        item(
            "AWS::AutoScaling::LaunchConfiguration",
            LC_BAD,
            lc(
                "legacy-lc",
                LC_BAD,
                json!({"associatePublicIpAddress": true}),
            ),
            json!({}),
        ),
    ]);
    let ok = get(&rs, LT_OK);
    assert_eq!(ok.kind, "aws.ec2.launch_template");
    assert_eq!(
        ok.attributes["metadata_options"]["http_tokens"],
        json!("required")
    );
    assert_eq!(
        ok.attributes["network_interfaces"],
        json!([{"associate_public_ip_address": false, "device_index": 0}])
    );
    assert_eq!(get(&rs, LT_BAD).attributes["metadata_options"], json!(null));
    assert_eq!(get(&rs, LC_OK).kind, "aws.autoscaling.launch_configuration");
    assert_eq!(get(&rs, LC_BAD).attributes["metadata_options"], json!(null));
    for (rule, good, bad) in [
        ("ec2-imdsv2-required", LT_OK, LT_BAD),
        ("ec2-imdsv2-required", LC_OK, LC_BAD),
        ("ec2-no-public-ip", LT_OK, LT_BAD),
        ("ec2-no-public-ip", LC_OK, LC_BAD),
    ] {
        assert_eq!(judge(rule, good), "pass", "{rule} {good}");
        assert_eq!(judge(rule, bad), "fail", "{rule} {bad}");
    }
    // A template item without its data cannot say anything.
    let (rs, judge) = judged(&[item(
        "AWS::EC2::LaunchTemplate",
        LT_OK,
        json!({"LaunchTemplateName": "web", "Id": "lt-0a1b2c3d4e5f60001"}),
        json!({}),
    )]);
    assert!(reason(get(&rs, LT_OK), "metadata_options").contains("LaunchTemplateData"));
    assert_eq!(judge("ec2-imdsv2-required", LT_OK), "unknown");
}

#[test]
fn patch_compliance_and_snapshot_block_public_access() {
    let patch = |instance: &str, summary: Value, patches: Value| {
        let mut content = json!({"ComplianceSummary": summary});
        for (k, v) in patches.as_object().unwrap() {
            content[k] = v.clone();
        }
        item(
            "AWS::SSM::PatchCompliance",
            &format!("AWS::SSM::PatchCompliance/AWS::SSM::ManagedInstanceInventory/{instance}"),
            json!({"AWS:ComplianceItem": {"SchemaVersion": "1.0", "ComplianceType": "Patch",
                "ExecutionSummary": {"ExecutionTime": "2026-05-30T03:00:00Z", "ExecutionType": "Command", "ExecutionId": "3b5fd1e0"},
                "Content": {"Patch": content}}}),
            json!({}),
        )
    };
    let mut missing = patch(
        "i-0bad",
        json!({"Status": "NON_COMPLIANT", "OverallSeverity": "CRITICAL", "NonCompliantCriticalCount": 1, "NonCompliantHighCount": 0,
            "NonCompliantMediumCount": 0, "NonCompliantLowCount": 0, "NonCompliantInformationalCount": 0, "NonCompliantUnspecifiedCount": 0,
            "CompliantCriticalCount": 4, "PatchBaselineId": "pb-0c5b2769ef7cbe587", "PatchGroup": "", "ComplianceType": "Patch", "ExecutionType": "Command"}),
        json!({
            "KB5034441": {"Id": "KB5034441", "Title": "2026-01 Security Update", "Status": "NON_COMPLIANT", "Severity": "CRITICAL",
                "PatchSeverity": "Critical", "Classification": "SecurityUpdates", "PatchState": "Missing", "PatchBaselineId": "pb-0c5b2769ef7cbe587"},
            "KB5031364": {"Id": "KB5031364", "Title": "2025-10 Security Update", "Status": "COMPLIANT", "Severity": "CRITICAL",
                "Classification": "SecurityUpdates", "PatchState": "Installed", "InstalledTime": "2025-10-15T00:00:00Z"},
        }),
    );
    missing.data["resourceId"] = json!("AWS::SSM::ManagedInstanceInventory/i-0bad");
    let mut fine = patch(
        "i-0good",
        json!({"Status": "COMPLIANT", "NonCompliantCriticalCount": 0, "ComplianceType": "Patch"}),
        json!({}),
    );
    fine.data["resourceId"] = json!("AWS::SSM::ManagedInstanceInventory/i-0good");
    let (rs, judge) = judged(&[missing, fine]);
    let bad = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0bad";
    let good = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0good";
    let r = get(&rs, bad);
    assert_eq!(r.kind, "aws.ssm.patch_compliance");
    assert_eq!(r.arn, None);
    assert_eq!(r.attributes["instance_id"], json!("i-0bad"));
    assert_eq!(r.attributes["non_compliant_critical"], json!(1));
    assert_eq!(r.attributes["non_compliant_security"], json!(1));
    assert!(reason(r, "ping_status").contains("ssm:DescribeInstanceInformation"));
    assert!(reason(get(&rs, good), "non_compliant_security").contains("patch entries"));
    assert_eq!(judge("ssm-patch-compliance", bad), "fail");
    assert_eq!(judge("ssm-patch-compliance", good), "pass");

    for (state, verdict) in [
        ("block-all-sharing", "pass"),
        ("block-new-sharing", "fail"),
        ("unblocked", "fail"),
    ] {
        let (rs, judge) = judged(&[item(
            "AWS::EC2::SnapshotBlockPublicAccess",
            "AWS::EC2::SnapshotBlockPublicAccess/123456789012",
            json!({"State": state, "AccountId": "123456789012"}),
            json!({}),
        )]);
        let address = "arn:aws:ec2:eu-west-1:123456789012:snapshot-block-public-access";
        assert_eq!(get(&rs, address).attributes["state"], json!(state));
        assert_eq!(
            judge("ebs-snapshot-not-public", address),
            verdict,
            "{state}"
        );
    }
}
