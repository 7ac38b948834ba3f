//! Joins and unknowns of the compute, network, logging and identity mappings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use crate::collect::cloudformation::{load_str, CfnOptions};
use crate::model::{unknown_reason, Resource};

fn normalize(text: &str) -> Vec<Resource> {
    let out = load_str("t.yaml", text, &CfnOptions::default());
    assert!(!out.resources.is_empty(), "{:?}", out.diagnostics);
    super::normalize(&out.resources)
}

fn get<'a>(rs: &'a [Resource], kind: &str, address: &str) -> &'a Resource {
    rs.iter()
        .find(|r| r.kind == kind && r.address == address)
        .unwrap_or_else(|| panic!("no {kind} {address} in {rs:#?}"))
}

fn is_unknown(v: &Value) -> bool {
    unknown_reason(v).is_some()
}

const PARAM: &str = "Parameters:\n  Given:\n    Type: String\n";

#[test]
fn lambda_permissions_and_urls_join_their_function() {
    let rs = normalize(
        r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Role: arn:aws:iam::111122223333:role/r
      Environment:
        Variables: {LOG_LEVEL: info}
      Code: {ZipFile: "x"}
  Public:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: "*"
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !Ref Fn
      AuthType: NONE
"#,
    );
    let f = get(&rs, "aws.lambda.function", "Fn");
    assert_eq!(f.attributes["name"], Value::Null);
    assert_eq!(f.attributes["package_type"], json!("Zip"));
    assert_eq!(
        f.attributes["policy"]["Statement"],
        json!([{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}])
    );
    assert_eq!(
        f.attributes["function_url"],
        json!({"authorization_type": "NONE"})
    );
    assert_eq!(f.provenance.joined, ["Public", "Url"]);
    assert!(f.attribute_locations.contains_key("policy.Statement.0"));
    assert!(f
        .attribute_locations
        .contains_key("function_url.authorization_type"));
    assert!(f.attribute_locations.contains_key("environment_variables"));
    assert_eq!(rs.len(), 1, "{rs:#?}");
}

#[test]
fn lambda_permission_of_an_outside_or_unknown_function_is_never_dropped() {
    let rs = normalize(&format!(
        r#"{PARAM}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: mine
      Runtime: python3.12
      Role: r
      Code: {{ZipFile: "x"}}
  Elsewhere:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: arn:aws:lambda:eu-west-1:111122223333:function:other
      Principal: "*"
  Maybe:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Given
      Principal: events.amazonaws.com
"#
    ));
    // The outside function carries the public grant; its other attributes are unknown.
    let outside = get(&rs, "aws.lambda.function", "Elsewhere");
    assert!(is_unknown(&outside.attributes["runtime"]));
    let st = outside.attributes["policy"]["Statement"]
        .as_array()
        .unwrap();
    assert!(is_unknown(&st[0]));
    assert_eq!(st[1]["Principal"], json!("*"));
    // The undetermined one may apply to the template's function and to an outside one.
    let f = get(&rs, "aws.lambda.function", "Fn");
    let st = f.attributes["policy"]["Statement"].as_array().unwrap();
    assert_eq!(st.len(), 1);
    assert!(is_unknown(&st[0]));
    let maybe = get(&rs, "aws.lambda.function", "Maybe");
    assert_eq!(
        maybe.attributes["policy"]["Statement"][1]["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
}

#[test]
fn sam_and_lambda_functions_share_the_mapping() {
    let rs = normalize(
        r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: .
      Tags: {team: core}
      Events:
        Api: {Type: Api, Properties: {Path: /, Method: get}}
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: "*"
"#,
    );
    let f = get(&rs, "aws.lambda.function", "Fn");
    assert_eq!(f.attributes["tags"], json!({"team": "core"}));
    let st = f.attributes["policy"]["Statement"].as_array().unwrap();
    assert!(is_unknown(&st[0]), "the Events permissions stay unknown");
    assert_eq!(st[1]["Principal"], json!("*"));
}

#[test]
fn nacl_entries_join_by_reference_and_unknown_targets_mark_every_acl() {
    let rs = normalize(&format!(
        r#"{PARAM}
Resources:
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties:
      VpcId: vpc-1
  All:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: -1
      RuleAction: allow
      Egress: true
      CidrBlock: 0.0.0.0/0
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 110
      Protocol: 6
      RuleAction: Allow
      CidrBlock: 0.0.0.0/0
      PortRange: {{From: 22, To: 22}}
  Imported:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !ImportValue shared-acl
      RuleNumber: 90
      Protocol: 6
      RuleAction: deny
      CidrBlock: 0.0.0.0/0
      PortRange: {{From: 22, To: 22}}
"#
    ));
    let acl = get(&rs, "aws.ec2.network_acl", "Acl");
    assert_eq!(
        acl.attributes["egress"],
        json!([{"rule_number": 100, "protocol": "-1", "rule_action": "allow",
                "cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": null, "from_port": null, "to_port": null}])
    );
    let ingress = acl.attributes["ingress"].as_array().unwrap();
    assert_eq!(ingress[0]["from_port"], json!(22));
    assert_eq!(ingress[0]["protocol"], json!("tcp"));
    assert_eq!(ingress[0]["rule_action"], json!("allow"));
    assert!(
        is_unknown(&ingress[1]),
        "the imported entry may be this ACL's"
    );
    assert!(acl.attribute_locations.contains_key("ingress.0"));
    assert_eq!(acl.attributes["is_default"], json!(false));
    // The imported ACL is a resource of its own, other entries unknown.
    let other = get(&rs, "aws.ec2.network_acl", "Imported");
    let ingress = other.attributes["ingress"].as_array().unwrap();
    assert!(is_unknown(&ingress[0]));
    assert_eq!(ingress[1]["rule_action"], json!("deny"));
}

#[test]
fn flow_logs_join_their_vpc_only() {
    let rs = normalize(&format!(
        r#"{PARAM}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {{CidrBlock: 10.0.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}
  SubnetLog:
    Type: AWS::EC2::FlowLog
    Properties: {{ResourceId: !Ref Sub, ResourceType: Subnet, TrafficType: ALL}}
  VpcLog:
    Type: AWS::EC2::FlowLog
    Properties: {{ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: REJECT, LogGroupName: fl}}
  ParamLog:
    Type: AWS::EC2::FlowLog
    Properties: {{ResourceId: !Ref Given, ResourceType: VPC, TrafficType: ALL}}
"#
    ));
    let vpc = get(&rs, "aws.ec2.vpc", "Vpc");
    let logs = vpc.attributes["flow_logs"].as_array().unwrap();
    assert_eq!(logs.len(), 2, "{logs:?}");
    assert!(
        is_unknown(&logs[1]),
        "ParamLog may capture the VPC: {logs:?}"
    );
    assert_eq!(
        logs[0],
        json!({"traffic_type": "REJECT", "destination_type": "cloud-watch-logs",
               "log_destination": null, "log_group_name": "fl", "status": null})
    );
    assert_eq!(vpc.provenance.joined, ["VpcLog", "ParamLog"]);
    let sub = get(&rs, "aws.ec2.subnet", "Sub");
    assert_eq!(sub.attributes["vpc_id"], json!("${Vpc}"));
    assert_eq!(sub.attributes["map_public_ip_on_launch"], json!(false));
}

#[test]
fn config_recorder_records_only_with_a_delivery_channel() {
    let alone = normalize(
        "Resources:\n  R:\n    Type: AWS::Config::ConfigurationRecorder\n    Properties: {RoleARN: r}\n",
    );
    let r = get(&alone, "aws.config.recorder", "R");
    assert_eq!(r.attributes["name"], json!("default"));
    assert_eq!(r.attributes["all_supported"], json!(true));
    assert!(is_unknown(&r.attributes["recording"]));
    assert!(is_unknown(&r.attributes["delivery_channel"]));
    let both = normalize(
        r#"
Resources:
  R:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: r
      RecordingGroup: {ResourceTypes: ["AWS::S3::Bucket"]}
  C:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: logs}
"#,
    );
    let r = get(&both, "aws.config.recorder", "R");
    assert_eq!(r.attributes["recording"], json!(true));
    assert_eq!(r.attributes["all_supported"], json!(false));
    assert_eq!(r.attributes["delivery_channel"]["name"], json!("default"));
    assert_eq!(r.provenance.joined, ["C"]);
    assert!(r.attribute_locations.contains_key("resource_types"));
}

#[test]
fn instance_metadata_options_are_located_and_unknown_when_unresolved() {
    let rs = normalize(&format!(
        r#"{PARAM}
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      MetadataOptions:
        HttpTokens: !Ref Given
        HttpEndpoint: enabled
  L:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-1
      InstanceType: t3.micro
      AssociatePublicIpAddress: true
"#
    ));
    let i = get(&rs, "aws.ec2.instance", "I");
    assert!(is_unknown(&i.attributes["metadata_options"]["http_tokens"]));
    assert_eq!(
        i.attributes["metadata_options"]["http_endpoint"],
        json!("enabled")
    );
    assert_eq!(i.attributes["associate_public_ip_address"], Value::Null);
    let loc = &i.attribute_locations["metadata_options.http_tokens"];
    assert_eq!(loc.start_line, 11);
    let l = get(&rs, "aws.autoscaling.launch_configuration", "L");
    assert!(is_unknown(&l.attributes["name"]), "the name is generated");
    assert_eq!(l.attributes["associate_public_ip_address"], json!(true));
    assert_eq!(l.attributes["metadata_options"], Value::Null);
}

#[test]
fn managed_policy_arns_become_attachments() {
    let rs = normalize(&format!(
        r#"{PARAM}
Conditions:
  Maybe: !Equals [!Ref Given, "yes"]
Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: !If [Maybe, [arn:aws:iam::aws:policy/ReadOnlyAccess], []]
  Bob:
    Type: AWS::IAM::User
    Properties:
      UserName: bob
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
  Pol:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {{Version: "2012-10-17", Statement: []}}
      Groups: [devs]
"#
    ));
    let bob = get(&rs, "aws.iam.policy_attachment", "Bob.ManagedPolicyArns.0");
    assert_eq!(bob.attributes["users"], json!(["bob"]));
    assert_eq!(bob.attributes["groups"], json!([]));
    let alice = get(&rs, "aws.iam.policy_attachment", "Alice.ManagedPolicyArns");
    assert!(is_unknown(&alice.attributes["users"]));
    let pol = get(&rs, "aws.iam.policy_attachment", "Pol");
    assert_eq!(pol.attributes["policy_arn"], json!("${Pol}"));
    assert_eq!(pol.attributes["groups"], json!(["devs"]));
    assert_eq!(pol.attributes["users"], json!([]));
}

#[test]
fn ecr_without_registry_configuration_and_eks_defaults() {
    let rs = normalize(
        r#"
Resources:
  Repo:
    Type: AWS::ECR::Repository
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: r
      ResourcesVpcConfig: {SubnetIds: [s-1]}
"#,
    );
    let repo = get(&rs, "aws.ecr.repository", "Repo");
    assert_eq!(repo.attributes["scan_on_push"], json!(false));
    assert!(is_unknown(&repo.attributes["registry_scanning"]));
    assert!(is_unknown(&repo.attributes["name"]));
    let c = get(&rs, "aws.eks.cluster", "Cluster");
    assert_eq!(c.attributes["endpoint_public_access"], json!(true));
    assert_eq!(c.attributes["public_access_cidrs"], json!(["0.0.0.0/0"]));
    assert_eq!(c.attributes["enabled_log_types"], json!([]));
    assert_eq!(c.attributes["encryption_config"], json!([]));
    assert_eq!(c.attributes["version"], Value::Null);
}

#[test]
fn a_joined_resource_whose_condition_is_undecided_makes_what_it_sets_unknown() {
    let template = |condition: &str, bucket_condition: &str| {
        format!(
            r#"{PARAM}
Conditions:
  Enforce: {condition}
Resources:
  Reports:
    Type: AWS::S3::Bucket
    {bucket_condition}
  ReportsPolicy:
    Type: AWS::S3::BucketPolicy
    Condition: Enforce
    Properties:
      Bucket: !Ref Reports
      PolicyDocument:
        Statement:
          - {{Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
              Condition: {{Bool: {{"aws:SecureTransport": "false"}}}}}}
"#
        )
    };
    let policy = |rs: &[Resource]| get(rs, "aws.s3.bucket", "Reports").attributes["policy"].clone();
    let undecided = normalize(&template("!Equals [!Ref Given, \"yes\"]", ""));
    assert!(
        unknown_reason(&policy(&undecided))
            .is_some_and(|r| r.starts_with("ReportsPolicy may not exist")),
        "{}",
        policy(&undecided)
    );
    // Under the bucket's own condition, the policy exists whenever the bucket does.
    let same = normalize(&template(
        "!Equals [!Ref Given, \"yes\"]",
        "Condition: Enforce",
    ));
    assert_eq!(policy(&same)["Statement"][0]["Effect"], json!("Deny"));
    let decided = normalize(&template("!Equals [a, a]", ""));
    assert_eq!(policy(&decided)["Statement"][0]["Effect"], json!("Deny"));
}
