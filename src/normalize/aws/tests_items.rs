//! AWS Config items of the IaC kinds, recorded in the real item shapes (`configuration` is
//! the service's Describe output, camelCase for the older types and the CloudFormation shape
//! for the newer ones; `supplementaryConfiguration` holds policies and attributes), each
//! with a compliant and a non-compliant item judged by the embedded rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::normalize;
use super::tests_support::policies;
use crate::collect::aws::config::RESOURCE_TYPES;
use crate::collect::aws::raw::{RawKind, RawResource};
use crate::model::{unknown_reason, Resource, Snapshot};

pub(super) fn item(
    rtype: &str,
    arn: &str,
    configuration: Value,
    supplementary: Value,
) -> RawResource {
    RawResource {
        kind: RawKind::ConfigItem,
        arn: arn.to_owned(),
        account: Some("123456789012".into()),
        region: Some("eu-west-1".into()),
        api_calls: vec![
            "config:ListDiscoveredResources".into(),
            "config:BatchGetResourceConfig".into(),
        ],
        collected_at: "2026-06-01T00:00:00Z".into(),
        data: json!({
            "arn": arn,
            "resourceType": rtype,
            "resourceId": arn.rsplit([':', '/']).next().unwrap(),
            "resourceName": null,
            "configuration": configuration,
            "supplementaryConfiguration": supplementary,
        }),
    }
}

/// Normalizes, checks every resource against its kind's schema, and judges them.
pub(super) fn judged(raws: &[RawResource]) -> (Vec<Resource>, impl Fn(&str, &str) -> String) {
    judged_from(raws, true)
}

/// [`judged`] for a mix of AWS Config items and the other collectors' documents (S3, KMS,
/// GuardDuty): only the resources read from AWS Config must name it as their source.
pub(super) fn judged_mixed(raws: &[RawResource]) -> (Vec<Resource>, impl Fn(&str, &str) -> String) {
    judged_from(raws, false)
}

fn judged_from(
    raws: &[RawResource],
    config_only: bool,
) -> (Vec<Resource>, impl Fn(&str, &str) -> String) {
    let mut resources: Vec<Resource> = normalize(raws)
        .into_iter()
        .filter(|r| r.kind != "aws.s3.account_public_access_block")
        .collect();
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    for r in &resources {
        crate::normalize::terraform::tests::validate_against_schema(r);
        // Patch compliance and snapshot Block Public Access are addressed by what they are
        // about; they have no ARN of their own.
        if !matches!(
            r.kind.as_str(),
            "aws.ssm.patch_compliance" | "aws.ec2.snapshot_block_public_access"
        ) {
            assert_eq!(r.arn.as_deref(), Some(r.address.as_str()));
        }
        assert_eq!(r.account.as_deref(), Some("123456789012"));
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        if !config_only && r.provenance.parser != "aws-sdk-config" {
            continue;
        }
        assert_eq!(r.provenance.parser, "aws-sdk-config");
        assert!(r
            .provenance
            .api_calls
            .contains(&"config:BatchGetResourceConfig".to_owned()));
    }
    let snapshot = Snapshot {
        resources: resources.clone(),
        ..Snapshot::default()
    };
    let result = crate::scan::judge(&snapshot, policies(), &Default::default());
    let outcomes: Vec<(String, String, String)> = result
        .outcomes
        .iter()
        .map(|o| {
            (
                o.rule_id.clone(),
                o.resource.address.clone(),
                o.status.as_str().to_owned(),
            )
        })
        .collect();
    let judge = move |rule: &str, address: &str| {
        outcomes
            .iter()
            .find(|(r, a, _)| r == rule && a == address)
            .map(|(_, _, s)| s.clone())
            .unwrap_or_else(|| panic!("no {rule} outcome for {address}: {outcomes:?}"))
    };
    (resources, judge)
}

pub(super) fn get<'a>(rs: &'a [Resource], address: &str) -> &'a Resource {
    rs.iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

pub(super) fn reason(r: &Resource, attr: &str) -> String {
    unknown_reason(&r.attributes[attr])
        .unwrap_or_else(|| panic!("{attr} of {} is known: {}", r.address, r.attributes[attr]))
        .to_owned()
}

const FN_OK: &str = "arn:aws:lambda:eu-west-1:123456789012:function:resize";
const FN_BAD: &str = "arn:aws:lambda:eu-west-1:123456789012:function:legacy";

#[test]
fn lambda_functions() {
    let policy_ok = r#"{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3-invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:resize","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}"#;
    let policy_public = r#"{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:legacy"}]}"#;
    let (rs, judge) = judged(&[
        item(
            "AWS::Lambda::Function",
            FN_OK,
            json!({
                "functionName": "resize", "functionArn": FN_OK, "runtime": "python3.12",
                "role": "arn:aws:iam::123456789012:role/resize", "handler": "app.handler",
                "codeSize": 5120, "description": "", "timeout": 30, "memorySize": 256,
                "lastModified": "2026-05-01T10:00:00.000+0000", "version": "$LATEST",
                "vpcConfig": {"subnetIds": [], "securityGroupIds": []},
                "environment": {"variables": {"LOG_LEVEL": "info"}},
                "kmskeyArn": null, "tracingConfig": {"mode": "PassThrough"},
                "packageType": "Zip", "architectures": ["arm64"], "ephemeralStorage": {"size": 512}
            }),
            json!({"Policy": policy_ok, "Concurrency": {"reservedConcurrentExecutions": 5}}),
        ),
        item(
            "AWS::Lambda::Function",
            FN_BAD,
            json!({
                "functionName": "legacy", "functionArn": FN_BAD, "runtime": "python2.7",
                "role": "arn:aws:iam::123456789012:role/legacy", "handler": "main.handler",
                "environment": {"variables": {"DB_PASSWORD": "hunter2-prod"}}, "version": "$LATEST"
            }),
            json!({"Policy": policy_public}),
        ),
    ]);
    let ok = get(&rs, FN_OK);
    assert_eq!(ok.kind, "aws.lambda.function");
    assert_eq!(ok.attributes["policy"]["Statement"][0]["Sid"], "s3-invoke");
    assert!(reason(ok, "function_url").contains("lambda:ListFunctionUrlConfigs"));
    // packageType absent (an old item) and a runtime: Zip.
    assert_eq!(get(&rs, FN_BAD).attributes["package_type"], "Zip");
    assert_eq!(judge("lambda-supported-runtime", FN_OK), "pass");
    assert_eq!(judge("lambda-supported-runtime", FN_BAD), "fail");
    assert_eq!(judge("lambda-no-secrets-in-env", FN_OK), "pass");
    assert_eq!(judge("lambda-no-secrets-in-env", FN_BAD), "fail");
    // The function URL is not in the item: a private policy is not enough to pass...
    assert_eq!(judge("lambda-not-public", FN_OK), "unknown");
    // ...but a public statement fails on its own.
    assert_eq!(judge("lambda-not-public", FN_BAD), "fail");
}

#[test]
fn lambda_without_recorded_environment_or_policy_is_unknown() {
    let arn = "arn:aws:lambda:eu-west-1:123456789012:function:bare";
    let (rs, judge) = judged(&[item(
        "AWS::Lambda::Function",
        arn,
        json!({"functionName": "bare", "runtime": "nodejs22.x", "packageType": "Zip", "role": "r"}),
        json!({}),
    )]);
    let r = get(&rs, arn);
    assert!(reason(r, "environment_variables").contains("environment"));
    assert!(reason(r, "policy").contains("lambda:GetPolicy"));
    assert_eq!(judge("lambda-no-secrets-in-env", arn), "unknown");
    assert_eq!(judge("lambda-not-public", arn), "unknown");
}

const EKS_OK: &str = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";
const EKS_BAD: &str = "arn:aws:eks:eu-west-1:123456789012:cluster/lab";

#[test]
fn eks_clusters() {
    let (rs, judge) = judged(&[
        item(
            "AWS::EKS::Cluster",
            EKS_OK,
            json!({
                "Name": "prod", "Arn": EKS_OK, "Version": "1.34",
                "RoleArn": "arn:aws:iam::123456789012:role/eks", "ClusterStatus": "ACTIVE",
                "ResourcesVpcConfig": {
                    "SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"],
                    "EndpointPublicAccess": false, "EndpointPrivateAccess": true,
                    "PublicAccessCidrs": []
                },
                "Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "audit"}, {"Type": "authenticator"}]}},
                "EncryptionConfig": [{"Resources": ["secrets"], "Provider": {"KeyArn": "arn:aws:kms:eu-west-1:123456789012:key/k1"}}],
                "KubernetesNetworkConfig": {"ServiceIpv4Cidr": "172.20.0.0/16", "IpFamily": "ipv4"}
            }),
            json!({}),
        ),
        item(
            "AWS::EKS::Cluster",
            EKS_BAD,
            json!({
                "Name": "lab", "Arn": EKS_BAD, "Version": "1.29",
                "ResourcesVpcConfig": {
                    "SubnetIds": ["subnet-1"], "EndpointPublicAccess": true,
                    "EndpointPrivateAccess": false, "PublicAccessCidrs": ["0.0.0.0/0"]
                },
                "Logging": {"ClusterLogging": {}}
            }),
            json!({}),
        ),
    ]);
    assert_eq!(
        get(&rs, EKS_OK).attributes["encryption_config"],
        json!([{"resources": ["secrets"], "key_arn": "arn:aws:kms:eu-west-1:123456789012:key/k1"}])
    );
    for rule in [
        "eks-control-plane-audit-logging",
        "eks-endpoint-not-public",
        "eks-secrets-encryption",
        "eks-supported-version",
    ] {
        assert_eq!(judge(rule, EKS_OK), "pass", "{rule}");
        assert_eq!(judge(rule, EKS_BAD), "fail", "{rule}");
    }
}

const USER_OK: &str = "arn:aws:iam::123456789012:user/alice";
const USER_BAD: &str = "arn:aws:iam::123456789012:user/bob";

#[test]
fn iam_users() {
    let (rs, judge) = judged(&[
        item(
            "AWS::IAM::User",
            USER_OK,
            json!({
                "path": "/", "userName": "alice", "userId": "AIDAEXAMPLE1", "arn": USER_OK,
                "createDate": "2024-01-10T09:00:00.000Z", "userPolicyList": [],
                "groupList": ["developers"], "attachedManagedPolicies": [], "permissionsBoundary": null,
                "tags": []
            }),
            json!({}),
        ),
        item(
            "AWS::IAM::User",
            USER_BAD,
            json!({
                "path": "/", "userName": "bob", "userId": "AIDAEXAMPLE2", "arn": USER_BAD,
                "createDate": "2024-01-10T09:00:00.000Z",
                "userPolicyList": [{"policyName": "adhoc", "policyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D"}],
                "groupList": [],
                "attachedManagedPolicies": [{"policyName": "AdministratorAccess", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]
            }),
            json!({}),
        ),
    ]);
    let bob = get(&rs, USER_BAD);
    assert_eq!(
        bob.attributes["attached_policy_arns"],
        json!(["arn:aws:iam::aws:policy/AdministratorAccess"])
    );
    assert_eq!(bob.attributes["inline_policy_names"], json!(["adhoc"]));
    assert!(reason(bob, "mfa_active").contains("iam:ListMFADevices"));
    assert_eq!(judge("iam-user-permissions-via-groups", USER_OK), "pass");
    assert_eq!(judge("iam-user-permissions-via-groups", USER_BAD), "fail");
    // Credentials are not in the item.
    assert_eq!(judge("iam-user-mfa", USER_OK), "unknown");
}

const ALB_OK: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const ALB_BAD: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/old/6d0ecf831eec9f09";
const NLB: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/tcp/2d0ecf831eec9f09";

fn lb_attributes(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

#[test]
fn application_load_balancers() {
    let lb = |arn: &str, name: &str, kind: &str| {
        json!({
            "loadBalancerArn": arn, "dNSName": format!("{name}.elb.amazonaws.com"),
            "canonicalHostedZoneId": "Z32O12XQLNTSW2", "createdTime": "2026-01-01T00:00:00.000Z",
            "loadBalancerName": name, "scheme": "internet-facing", "vpcId": "vpc-1",
            "state": {"code": "active"}, "type": kind,
            "availabilityZones": [{"zoneName": "eu-west-1a", "subnetId": "subnet-1", "loadBalancerAddresses": []}],
            "securityGroups": ["sg-1"], "ipAddressType": "ipv4"
        })
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            ALB_OK,
            lb(ALB_OK, "web", "application"),
            json!({"LoadBalancerAttributes": lb_attributes(&[
                ("access_logs.s3.enabled", "true"), ("access_logs.s3.bucket", "alb-logs"),
                ("access_logs.s3.prefix", ""), ("deletion_protection.enabled", "true"),
                ("routing.http.drop_invalid_header_fields.enabled", "true"),
                ("routing.http.desync_mitigation_mode", "strictest"),
                ("idle_timeout.timeout_seconds", "60"),
            ])}),
        ),
        item(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            ALB_BAD,
            lb(ALB_BAD, "old", "application"),
            json!({"LoadBalancerAttributes": lb_attributes(&[
                ("access_logs.s3.enabled", "false"), ("access_logs.s3.bucket", ""),
                ("routing.http.drop_invalid_header_fields.enabled", "false"),
                ("routing.http.desync_mitigation_mode", "monitor"),
            ])}),
        ),
        item(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            NLB,
            lb(NLB, "tcp", "network"),
            json!({"LoadBalancerAttributes": lb_attributes(&[
                ("access_logs.s3.enabled", "false"), ("load_balancing.cross_zone.enabled", "false"),
            ])}),
        ),
    ]);
    assert_eq!(
        get(&rs, ALB_OK).attributes["access_logging"],
        json!({"enabled": true, "destination": "alb-logs"})
    );
    // A network load balancer has no HTTP attributes: nothing is dropped.
    assert_eq!(
        get(&rs, NLB).attributes["drop_invalid_header_fields"],
        json!(false)
    );
    assert_eq!(judge("alb-http-request-hardening", ALB_OK), "pass");
    assert_eq!(judge("alb-http-request-hardening", ALB_BAD), "fail");
    assert_eq!(judge("edge-access-logging", ALB_OK), "pass");
    assert_eq!(judge("edge-access-logging", ALB_BAD), "fail");
    // Which web ACL protects it is not in the item.
    assert_eq!(judge("edge-waf-attached", ALB_OK), "unknown");
}

const CF_OK: &str = "arn:aws:cloudfront::123456789012:distribution/E1OK";
const CF_BAD: &str = "arn:aws:cloudfront::123456789012:distribution/E2BAD";

fn distribution(id: &str, https: bool, logging: bool, web_acl: &str) -> Value {
    let policy = if https {
        "redirect-to-https"
    } else {
        "allow-all"
    };
    json!({
        "id": id, "arn": format!("arn:aws:cloudfront::123456789012:distribution/{id}"),
        "status": "Deployed", "domainName": format!("{id}.cloudfront.net"),
        "distributionConfig": {
            "callerReference": "ref", "aliases": {"quantity": 0, "items": []},
            "origins": {"quantity": 2, "items": [
                {"id": "s3", "domainName": "site.s3.amazonaws.com", "originPath": "",
                 "customHeaders": {"quantity": 0, "items": []},
                 "s3OriginConfig": {"originAccessIdentity": ""}},
                {"id": "api", "domainName": "api.example.com", "originPath": "",
                 "customHeaders": {"quantity": 0, "items": []},
                 "customOriginConfig": {"httpPort": 80, "httpsPort": 443,
                    "originProtocolPolicy": if https { "https-only" } else { "http-only" },
                    "originSslProtocols": {"quantity": 1, "items": [if https { "TLSv1.2" } else { "SSLv3" }]},
                    "originReadTimeout": 30, "originKeepaliveTimeout": 5}}
            ]},
            "defaultCacheBehavior": {"targetOriginId": "s3", "viewerProtocolPolicy": policy,
                "allowedMethods": {"quantity": 2, "items": ["HEAD", "GET"]}, "compress": true},
            "cacheBehaviors": {"quantity": 1, "items": [
                {"pathPattern": "/api/*", "targetOriginId": "api", "viewerProtocolPolicy": policy}
            ]},
            "comment": "", "priceClass": "PriceClass_100", "enabled": true,
            "logging": {"enabled": logging, "includeCookies": false,
                        "bucket": if logging { "cf-logs.s3.amazonaws.com" } else { "" }, "prefix": ""},
            "viewerCertificate": {"cloudFrontDefaultCertificate": false,
                "acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/c1",
                "sslSupportMethod": "sni-only",
                "minimumProtocolVersion": if https { "TLSv1.2_2021" } else { "TLSv1" },
                "certificate": "arn:aws:acm:us-east-1:123456789012:certificate/c1",
                "certificateSource": "acm"},
            "webACLId": web_acl, "httpVersion": "http2", "isIPV6Enabled": true
        }
    })
}

#[test]
fn cloudfront_distributions() {
    let (rs, judge) = judged(&[
        item(
            "AWS::CloudFront::Distribution",
            CF_OK,
            distribution(
                "E1OK",
                true,
                true,
                "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1",
            ),
            json!({}),
        ),
        item(
            "AWS::CloudFront::Distribution",
            CF_BAD,
            distribution("E2BAD", false, false, ""),
            json!({}),
        ),
    ]);
    let bad = get(&rs, CF_BAD);
    assert_eq!(bad.attributes["web_acl"], Value::Null);
    assert_eq!(bad.attributes["origins"][0]["custom"], json!(false));
    for rule in ["cloudfront-tls", "edge-access-logging"] {
        assert_eq!(judge(rule, CF_OK), "pass", "{rule}");
        assert_eq!(judge(rule, CF_BAD), "fail", "{rule}");
    }
    assert_eq!(judge("edge-waf-attached", CF_BAD), "fail");
}

const I_OK: &str = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0aaa";
const I_BAD: &str = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0bbb";

#[test]
fn ec2_instances() {
    let inst = |id: &str, tokens: &str, public_ip: Option<&str>| {
        let mut c = json!({
            "instanceId": id, "imageId": "ami-0abc", "instanceType": "t3.micro",
            "subnetId": "subnet-1", "vpcId": "vpc-1", "privateIpAddress": "10.0.1.10",
            "state": {"code": 16, "name": "running"},
            "metadataOptions": {"state": "applied", "httpTokens": tokens,
                "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled",
                "httpProtocolIpv6": "disabled", "instanceMetadataTags": "disabled"},
            "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:instance-profile/app", "id": "AIPA1"},
            "securityGroups": [{"groupName": "app", "groupId": "sg-1"}],
            "tags": [{"key": "Name", "value": id}]
        });
        if let Some(ip) = public_ip {
            c["publicIpAddress"] = json!(ip);
        }
        c
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::EC2::Instance",
            I_OK,
            inst("i-0aaa", "required", None),
            json!({}),
        ),
        item(
            "AWS::EC2::Instance",
            I_BAD,
            inst("i-0bbb", "optional", Some("203.0.113.7")),
            json!({}),
        ),
    ]);
    assert_eq!(get(&rs, I_OK).attributes["tags"], json!({"Name": "i-0aaa"}));
    for rule in ["ec2-imdsv2-required", "ec2-no-public-ip"] {
        assert_eq!(judge(rule, I_OK), "pass", "{rule}");
        assert_eq!(judge(rule, I_BAD), "fail", "{rule}");
    }
}

const VPC: &str = "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1";
const SUB_OK: &str = "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1";
const SUB_BAD: &str = "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-2";
const ACL_OK: &str = "arn:aws:ec2:eu-west-1:123456789012:network-acl/acl-1";
const ACL_BAD: &str = "arn:aws:ec2:eu-west-1:123456789012:network-acl/acl-2";

#[test]
fn vpc_subnets_and_network_acls() {
    let subnet = |id: &str, public: bool| {
        json!({"subnetId": id, "vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24",
               "availabilityZone": "eu-west-1a", "availableIpAddressCount": 250,
               "defaultForAz": false, "mapPublicIpOnLaunch": public,
               "assignIpv6AddressOnCreation": false, "state": "available",
               "ipv6CidrBlockAssociationSet": [], "tags": []})
    };
    let deny_all = |egress: bool| json!({"ruleNumber": 32767, "protocol": "-1", "ruleAction": "deny", "egress": egress, "cidrBlock": "0.0.0.0/0"});
    let acl = |id: &str, entries: Vec<Value>| {
        json!({"networkAclId": id, "vpcId": "vpc-1", "isDefault": false, "entries": entries,
               "associations": [], "tags": []})
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::EC2::VPC",
            VPC,
            json!({"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/16", "dhcpOptionsId": "dopt-1",
                   "state": "available", "instanceTenancy": "default", "isDefault": false,
                   "cidrBlockAssociationSet": [], "tags": []}),
            json!({}),
        ),
        item(
            "AWS::EC2::Subnet",
            SUB_OK,
            subnet("subnet-1", false),
            json!({}),
        ),
        item(
            "AWS::EC2::Subnet",
            SUB_BAD,
            subnet("subnet-2", true),
            json!({}),
        ),
        item(
            "AWS::EC2::NetworkAcl",
            ACL_OK,
            acl(
                "acl-1",
                vec![
                    json!({"ruleNumber": 100, "protocol": "6", "ruleAction": "allow", "egress": false,
                       "cidrBlock": "0.0.0.0/0", "portRange": {"from": 443, "to": 443}}),
                    json!({"ruleNumber": 100, "protocol": "-1", "ruleAction": "allow", "egress": true, "cidrBlock": "0.0.0.0/0"}),
                    deny_all(false),
                    deny_all(true),
                ],
            ),
            json!({}),
        ),
        item(
            "AWS::EC2::NetworkAcl",
            ACL_BAD,
            acl(
                "acl-2",
                vec![
                    json!({"ruleNumber": 100, "protocol": "-1", "ruleAction": "allow", "egress": false, "cidrBlock": "0.0.0.0/0"}),
                    deny_all(false),
                ],
            ),
            json!({}),
        ),
    ]);
    assert_eq!(
        get(&rs, ACL_OK).attributes["ingress"][0],
        json!({"rule_number": 100, "protocol": "tcp", "rule_action": "allow",
               "cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": null, "from_port": 443, "to_port": 443})
    );
    assert!(reason(get(&rs, VPC), "flow_logs").contains("ec2:DescribeFlowLogs"));
    assert_eq!(judge("vpc-flow-logs-enabled", VPC), "unknown");
    assert_eq!(judge("subnet-no-auto-public-ip", SUB_OK), "pass");
    assert_eq!(judge("subnet-no-auto-public-ip", SUB_BAD), "fail");
    assert_eq!(judge("nacl-no-public-admin-ports", ACL_OK), "pass");
    assert_eq!(judge("nacl-no-public-admin-ports", ACL_BAD), "fail");
}

const TOPIC_OK: &str = "arn:aws:sns:eu-west-1:123456789012:alerts";
const TOPIC_BAD: &str = "arn:aws:sns:eu-west-1:123456789012:open";
const Q_OK: &str = "arn:aws:sqs:eu-west-1:123456789012:jobs";
const Q_BAD: &str = "arn:aws:sqs:eu-west-1:123456789012:open";

#[test]
fn topics_and_queues() {
    let owner_only = |arn: &str, action: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "owner", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": action, "Resource": arn}]})
        .to_string()
    };
    let public = |arn: &str, action: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "all", "Effect": "Allow",
            "Principal": "*", "Action": action, "Resource": arn}]})
        .to_string()
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::SNS::Topic",
            TOPIC_OK,
            json!({"TopicArn": TOPIC_OK, "DisplayName": "", "Owner": "123456789012",
                   "KmsMasterKeyId": "alias/aws/sns", "Policy": owner_only(TOPIC_OK, "SNS:Publish")}),
            json!({}),
        ),
        item(
            "AWS::SNS::Topic",
            TOPIC_BAD,
            json!({"TopicArn": TOPIC_BAD, "Owner": "123456789012", "Policy": public(TOPIC_BAD, "SNS:Publish")}),
            json!({}),
        ),
        item(
            "AWS::SQS::Queue",
            Q_OK,
            json!({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", "QueueArn": Q_OK,
                   "QueueName": "jobs", "VisibilityTimeout": 30, "SqsManagedSseEnabled": "true",
                   "Policy": owner_only(Q_OK, "sqs:SendMessage")}),
            json!({}),
        ),
        item(
            "AWS::SQS::Queue",
            Q_BAD,
            json!({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/open", "QueueArn": Q_BAD,
                   "QueueName": "open", "SqsManagedSseEnabled": "false",
                   "Policy": public(Q_BAD, "sqs:*")}),
            json!({}),
        ),
    ]);
    assert_eq!(get(&rs, TOPIC_OK).attributes["name"], "alerts");
    assert_eq!(get(&rs, Q_OK).attributes["fifo"], false);
    assert_eq!(judge("sns-topic-not-public", TOPIC_OK), "pass");
    assert_eq!(judge("sns-topic-not-public", TOPIC_BAD), "fail");
    for rule in ["sqs-queue-not-public", "sqs-encryption-at-rest"] {
        assert_eq!(judge(rule, Q_OK), "pass", "{rule}");
        assert_eq!(judge(rule, Q_BAD), "fail", "{rule}");
    }
}

const T_OK: &str = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
const T_BAD: &str = "arn:aws:dynamodb:eu-west-1:123456789012:table/scratch";
const FS_OK: &str = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1";
const FS_BAD: &str = "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-2";
const R_OK: &str = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
const R_OFF: &str = "arn:aws:ecr:eu-west-1:123456789012:repository/tools";

#[test]
fn tables_file_systems_and_repositories() {
    let pitr = |status: &str| {
        json!({"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED",
            "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}}})
    };
    let (rs, judge) = judged(&[
        item(
            "AWS::DynamoDB::Table",
            T_OK,
            json!({"tableName": "orders", "tableArn": T_OK, "tableStatus": "ACTIVE",
                   "keySchema": [{"attributeName": "id", "keyType": "HASH"}],
                   "ssedescription": {"status": "ENABLED", "ssetype": "KMS",
                                      "kmsmasterKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/k1"}}),
            pitr("ENABLED"),
        ),
        item(
            "AWS::DynamoDB::Table",
            T_BAD,
            json!({"tableName": "scratch", "tableArn": T_BAD, "tableStatus": "ACTIVE"}),
            pitr("DISABLED"),
        ),
        item(
            "AWS::EFS::FileSystem",
            FS_OK,
            json!({"FileSystemId": "fs-1", "Arn": FS_OK, "Encrypted": true,
                   "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k1",
                   "PerformanceMode": "generalPurpose", "ThroughputMode": "bursting",
                   "BackupPolicy": {"Status": "ENABLED"},
                   "FileSystemTags": [{"Key": "Name", "Value": "shared"}]}),
            json!({}),
        ),
        item(
            "AWS::EFS::FileSystem",
            FS_BAD,
            json!({"FileSystemId": "fs-2", "Arn": FS_BAD, "Encrypted": false,
                   "PerformanceMode": "generalPurpose"}),
            json!({}),
        ),
        item(
            "AWS::ECR::Repository",
            R_OK,
            json!({"RepositoryName": "app", "Arn": R_OK, "ImageTagMutability": "IMMUTABLE",
                   "ImageScanningConfiguration": {"ScanOnPush": true}}),
            json!({}),
        ),
        item(
            "AWS::ECR::Repository",
            R_OFF,
            json!({"RepositoryName": "tools", "Arn": R_OFF, "ImageTagMutability": "MUTABLE",
                   "ImageScanningConfiguration": {"ScanOnPush": false}}),
            json!({}),
        ),
    ]);
    assert_eq!(get(&rs, T_OK).attributes["sse_enabled"], true);
    assert_eq!(get(&rs, T_BAD).attributes["sse_enabled"], false);
    assert_eq!(judge("dynamodb-pitr-enabled", T_OK), "pass");
    assert_eq!(judge("dynamodb-pitr-enabled", T_BAD), "fail");
    assert_eq!(judge("efs-encryption-at-rest", FS_OK), "pass");
    assert_eq!(judge("efs-encryption-at-rest", FS_BAD), "fail");
    assert_eq!(judge("ecr-image-scanning", R_OK), "pass");
    // A registry scanning rule could still cover it, and the item does not say.
    assert_eq!(judge("ecr-image-scanning", R_OFF), "unknown");
}

const S_OK: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
const S_BAD: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-GhIjKl";
const SNAP_OK: &str = "arn:aws:rds:eu-west-1:123456789012:snapshot:nightly";
const SNAP_BAD: &str = "arn:aws:rds:eu-west-1:123456789012:snapshot:shared";

#[test]
fn secrets_and_snapshots() {
    let snapshot = |id: &str| {
        json!({"dBSnapshotIdentifier": id, "dBInstanceIdentifier": "db", "engine": "postgres",
               "snapshotType": "manual", "status": "available", "encrypted": true})
    };
    let attrs = |values: Value| json!({"DBSnapshotAttributes": [{"attributeName": "restore", "attributeValues": values}]});
    let (rs, judge) = judged(&[
        item(
            "AWS::SecretsManager::Secret",
            S_OK,
            json!({"ARN": S_OK, "Name": "db", "RotationEnabled": true,
                   "RotationLambdaARN": "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
                   "RotationRules": {"AutomaticallyAfterDays": 30},
                   "LastRotatedDate": "2026-05-20T00:00:00Z", "LastChangedDate": "2026-05-20T00:00:00Z"}),
            json!({}),
        ),
        item(
            "AWS::SecretsManager::Secret",
            S_BAD,
            json!({"ARN": S_BAD, "Name": "api", "KMSKeyId": "alias/aws/secretsmanager"}),
            json!({}),
        ),
        item(
            "AWS::RDS::DBSnapshot",
            SNAP_OK,
            snapshot("nightly"),
            attrs(json!([])),
        ),
        item(
            "AWS::RDS::DBSnapshot",
            SNAP_BAD,
            snapshot("shared"),
            attrs(json!(["all"])),
        ),
    ]);
    assert_eq!(
        get(&rs, S_OK).attributes["observed_at"],
        "2026-06-01T00:00:00Z"
    );
    assert_eq!(judge("secretsmanager-rotation-enabled", S_OK), "pass");
    assert_eq!(judge("secretsmanager-rotation-enabled", S_BAD), "fail");
    assert_eq!(judge("rds-snapshot-not-public", SNAP_OK), "pass");
    assert_eq!(judge("rds-snapshot-not-public", SNAP_BAD), "fail");
}

/// An item whose configuration could not be read makes every attribute unknown.
#[test]
fn unreadable_configuration_is_unknown_everywhere() {
    let arn = "arn:aws:eks:eu-west-1:123456789012:cluster/x";
    let bad = crate::model::unknown("AWS Config configuration is not JSON: eof");
    let (rs, judge) = judged(&[item("AWS::EKS::Cluster", arn, bad, json!({}))]);
    let r = get(&rs, arn);
    assert_eq!(
        reason(r, "encryption_config"),
        "AWS Config configuration is not JSON: eof"
    );
    assert_eq!(judge("eks-secrets-encryption", arn), "unknown");
}

/// Every type the collector asks AWS Config for is mapped to a kind (the HTTP/WebSocket
/// APIs are read for their stages' protocol only), and has a line in the stand-in table.
#[test]
fn every_collected_type_has_a_kind() {
    for rtype in RESOURCE_TYPES {
        let d = json!({"resourceType": rtype, "configuration": {}});
        assert!(
            super::config_item(&d).is_some() || *rtype == "AWS::ApiGatewayV2::Api",
            "{rtype} is collected but not normalized"
        );
    }
    let mut table = super::coverage::table_types();
    table.sort_unstable();
    let mut collected = RESOURCE_TYPES.to_vec();
    collected.sort_unstable();
    assert_eq!(
        table, collected,
        "coverage::STAND_INS and RESOURCE_TYPES differ"
    );
    for (rtype, kind) in super::items::KINDS {
        assert!(
            RESOURCE_TYPES.contains(rtype),
            "{rtype} is mapped to {kind} but not collected"
        );
    }
}
