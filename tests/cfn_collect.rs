//! CloudFormation collector and adapter against the fixtures in `fixtures/cloudformation/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{json, Value};
use vouch::collect::cloudformation::{load, load_str, CfnOptions, CfnResource, Output};
use vouch::model::{unknown_reason, DiagnosticLevel, Resource};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cloudformation")
        .join(name)
}

/// 1-based line of the first line containing `needle`.
fn line_of(file: &Path, needle: &str) -> u32 {
    let text = std::fs::read_to_string(file).unwrap();
    let idx = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display()));
    u32::try_from(idx + 1).unwrap()
}

fn get<'a>(out: &'a Output, address: &str) -> &'a CfnResource {
    out.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

fn reason(v: &Value) -> &str {
    unknown_reason(v).unwrap_or_else(|| panic!("not unknown: {v}"))
}

fn storage(options: &CfnOptions) -> Output {
    load(&[fixture("storage.yaml")], options)
}

#[test]
fn defaults_conditions_and_intrinsics() {
    let path = fixture("storage.yaml");
    let out = storage(&CfnOptions::default());
    assert_eq!(out.templates, 1);
    // Env defaults to dev: the prod-only bucket is not deployed.
    assert!(out.resources.iter().all(|r| r.address != "ProdOnlyBucket"));
    // NeedsLogs depends on a parameter without value: judged, with a warning.
    let maybe = get(&out, "MaybeBucket");
    assert!(maybe
        .condition_unknown
        .as_deref()
        .unwrap()
        .contains("LogBucketName"));
    let warn = out
        .diagnostics
        .iter()
        .find(|d| d.code == "cfn-condition-unknown")
        .unwrap();
    assert_eq!(warn.level, DiagnosticLevel::Warning);
    assert_eq!(warn.line, Some(line_of(&path, "  MaybeBucket:")));

    let good = get(&out, "GoodBucket");
    assert_eq!(good.start_line, line_of(&path, "  GoodBucket:"));
    assert_eq!(good.end_line, line_of(&path, "          Value: !Ref Env"));
    assert!(reason(&good.properties["BucketName"]).contains("AWS::Region"));
    let sse = &good.properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    assert_eq!(
        sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
        json!("${Key.Arn}")
    );
    assert_eq!(
        good.properties["VersioningConfiguration"]["Status"],
        json!("Suspended")
    );
    assert_eq!(
        good.properties["Tags"],
        json!([{"Key": "env", "Value": "dev"}])
    );
    let algo = "BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm";
    assert_eq!(
        good.property_lines[algo],
        (
            line_of(&path, "SSEAlgorithm: aws:kms"),
            line_of(&path, "SSEAlgorithm: aws:kms")
        )
    );

    let bad = get(&out, "BadBucket");
    assert!(reason(&bad.properties["LoggingConfiguration"]).contains("NeedsLogs"));
    let policy = get(&out, "BadBucketPolicy");
    assert_eq!(policy.properties["Bucket"], json!("${BadBucket}"));
    assert_eq!(
        policy.properties["PolicyDocument"]["Statement"][0]["Resource"],
        json!("arn:aws:s3:::${BadBucket}/*")
    );

    let sg = get(&out, "OpenGroup");
    assert!(reason(&sg.properties["VpcId"]).contains("shared-vpc-id"));
    assert_eq!(
        sg.properties["SecurityGroupIngress"][1]["CidrIp"],
        json!("10.0.0.0/8")
    );
    let key = get(&out, "Key");
    let principal = &key.properties["KeyPolicy"]["Statement"][0]["Principal"]["AWS"];
    assert!(reason(principal).contains("AWS::Partition"));
    assert!(reason(&get(&out, "Volume").properties["AvailabilityZone"]).contains("GetAZs"));
}

#[test]
fn parameter_files_cli_overrides_and_pseudo_parameters() {
    let options = CfnOptions {
        param_files: vec![fixture("params.json")],
        pseudo_params: vec![("AWS::Region".into(), "eu-west-1".into())],
        ..CfnOptions::default()
    };
    let out = storage(&options);
    assert!(out
        .diagnostics
        .iter()
        .all(|d| d.code != "cfn-condition-unknown"));
    get(&out, "ProdOnlyBucket");
    get(&out, "MaybeBucket");
    let good = get(&out, "GoodBucket");
    assert_eq!(good.properties["BucketName"], json!("good-prod-eu-west-1"));
    assert_eq!(
        good.properties["VersioningConfiguration"]["Status"],
        json!("Enabled")
    );
    assert_eq!(
        get(&out, "BadBucket").properties["LoggingConfiguration"],
        json!({"DestinationBucketName": "logs"})
    );
    // The parameter file is an input too.
    assert!(out.inputs.iter().any(|i| i.path.ends_with("params.json")));

    // CodePipeline shape; an empty LogBucketName makes NeedsLogs false: MaybeBucket is not
    // deployed and `!Ref AWS::NoValue` removes LoggingConfiguration.
    let options = CfnOptions {
        param_files: vec![fixture("params-codepipeline.json")],
        cfn_params: vec![("Env".into(), "dev".into())],
        ..CfnOptions::default()
    };
    let out = storage(&options);
    assert!(out.resources.iter().all(|r| r.address != "MaybeBucket"));
    assert!(
        out.resources.iter().all(|r| r.address != "ProdOnlyBucket"),
        "CLI wins over the file"
    );
    assert!(get(&out, "BadBucket")
        .properties
        .get("LoggingConfiguration")
        .is_none());
}

#[test]
fn json_templates_keep_lines() {
    let path = fixture("bucket.json");
    let out = load(std::slice::from_ref(&path), &CfnOptions::default());
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let b = get(&out, "JsonBucket");
    assert_eq!(b.start_line, line_of(&path, "\"JsonBucket\""));
    assert_eq!(
        b.property_lines["VersioningConfiguration.Status"].0,
        line_of(&path, "\"VersioningConfiguration\"")
    );
    let sse = &b.properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    assert_eq!(
        sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        json!("AES256")
    );
    let p = get(&out, "JsonPolicy");
    assert_eq!(
        p.properties["PolicyDocument"]["Statement"][0]["Resource"],
        json!("arn:aws:s3:::${JsonBucket}/*")
    );
}

#[test]
fn nested_stacks_are_prefixed_and_not_judged_twice() {
    let out = load(&[fixture("nested")], &CfnOptions::default());
    let addresses: Vec<&str> = out.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["Shared", "Storage", "Storage.Bucket", "Storage.Policy"]
    );
    let bucket = get(&out, "Storage.Bucket");
    assert!(bucket.file.ends_with("nested/child.yaml"));
    assert!(bucket.template.ends_with("nested/parent.yaml"));
    let sse = &bucket.properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
    assert_eq!(
        sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"],
        json!("${Shared.Arn}")
    );
    assert_eq!(
        get(&out, "Storage.Policy").properties["Bucket"],
        json!("${Storage.Bucket}")
    );
    assert_eq!(out.inputs.len(), 2);

    let resources = vouch::normalize::cloudformation::normalize(&out.resources);
    let b = resources
        .iter()
        .find(|r| r.address == "Storage.Bucket")
        .unwrap();
    assert_eq!(b.attributes["policy"], json!({"Statement": []}));
    assert_eq!(b.provenance.joined, ["Storage.Policy"]);
}

#[test]
fn sam_globals_and_kinds() {
    let out = load(&[fixture("sam.yaml")], &CfnOptions::default());
    let f = get(&out, "Fn");
    assert_eq!(f.properties["Runtime"], json!("python3.12"));
    assert_eq!(f.transforms, ["AWS::Serverless-2016-10-31"]);
    let resources = vouch::normalize::cloudformation::normalize(&out.resources);
    let kinds: Vec<(&str, &str)> = resources
        .iter()
        .map(|r| (r.address.as_str(), r.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Fn", "aws.lambda.function"),
            ("Table", "aws.dynamodb.table")
        ]
    );
    assert_eq!(resources[0].attributes["tags"], json!({"team": "core"}));
    assert_eq!(resources[1].attributes["sse_enabled"], json!(false));
}

#[test]
fn non_templates_are_skipped_and_broken_templates_located() {
    let out = load(&[fixture("not-cfn.yaml")], &CfnOptions::default());
    assert!(out.resources.is_empty() && out.diagnostics.is_empty());
    // The whole directory: params files and CI YAML are silently skipped.
    let out = load(&[fixture("")], &CfnOptions::default());
    assert!(out
        .diagnostics
        .iter()
        .all(|d| d.level == DiagnosticLevel::Warning));

    let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: [unclosed\n";
    let out = load_str("broken.yaml", text, &CfnOptions::default());
    let d = &out.diagnostics[0];
    assert_eq!(
        (d.level, d.code.as_str()),
        (DiagnosticLevel::Error, "parse-error")
    );
    assert_eq!(d.file.as_deref(), Some("broken.yaml"));
    assert!(d.line.is_some() && d.column.is_some(), "{d}");

    let out = load_str(
        "broken.json",
        "{\"AWSTemplateFormatVersion\": \"x\",\n \"Resources\": {,}}",
        &CfnOptions::default(),
    );
    assert_eq!(out.diagnostics[0].line, Some(2));
    assert_eq!(out.diagnostics[0].column, Some(16));
}

#[test]
fn hostile_input_is_bounded() {
    // Billion laughs.
    let mut bomb =
        String::from("AWSTemplateFormatVersion: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let start = Instant::now();
    let out = load_str("bomb.yaml", &bomb, &CfnOptions::default());
    assert_eq!(out.diagnostics[0].code, "parse-error");
    // Circular conditions and deep nesting.
    let text = "AWSTemplateFormatVersion: x\nConditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  R:\n    Type: AWS::S3::Bucket\n    Condition: A\n    Properties:\n      BucketName: !If [B, x, y]\n";
    let out = load_str("loop.yaml", text, &CfnOptions::default());
    let r = &out.resources[0];
    assert!(reason(&r.properties["BucketName"]).contains("refers to itself"));
    let deep = format!(
        "{{\"AWSTemplateFormatVersion\": {}1{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let out = load_str("deep.json", &deep, &CfnOptions::default());
    assert_eq!(out.diagnostics[0].code, "parse-error");
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn ten_thousand_resources_are_fast() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {Type: String, Default: dev}\nResources:\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'b-${{Env}}-{i}'\n      Tags: [{{Key: n, Value: !Ref B{}}}]\n",
            (i + 1) % 10_000
        ));
    }
    let start = Instant::now();
    let out = load_str("big.yaml", &text, &CfnOptions::default());
    let resources = vouch::normalize::cloudformation::normalize(&out.resources);
    let elapsed = start.elapsed();
    assert_eq!(resources.len(), 10_000);
    assert_eq!(
        out.resources[0].properties["Tags"][0]["Value"],
        json!("${B1}")
    );
    // Generous for debug builds on a loaded 2-core machine; release takes well under 1 s.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

fn normalized(options: &CfnOptions) -> Vec<Resource> {
    vouch::normalize::cloudformation::normalize(&storage(options).resources)
}

fn res<'a>(all: &'a [Resource], address: &str) -> &'a Resource {
    all.iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

#[test]
fn adapter_shapes_joins_and_locations() {
    let path = fixture("storage.yaml");
    let all = normalized(&CfnOptions::default());

    let good = res(&all, "GoodBucket");
    assert_eq!(good.kind, "aws.s3.bucket");
    assert_eq!(
        good.attributes["encryption"],
        json!({"sse_algorithm": "aws:kms", "kms_master_key_id": "${Key.Arn}", "bucket_key_enabled": true})
    );
    assert_eq!(
        good.attributes["public_access_block"],
        json!({"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true})
    );
    assert_eq!(
        good.attributes["versioning"],
        json!({"enabled": false, "mfa_delete": null})
    );
    assert_eq!(good.attributes["acl"], Value::Null);
    assert_eq!(good.attributes["policy"], Value::Null);
    assert_eq!(good.attributes["tags"], json!({"env": "dev"}));
    let loc = good.attribute_location("encryption.sse_algorithm").unwrap();
    assert_eq!(loc.start_line, line_of(&path, "SSEAlgorithm: aws:kms"));
    assert_eq!(
        good.attribute_location("versioning.enabled")
            .unwrap()
            .start_line,
        line_of(&path, "Status: !If [IsProd, Enabled, Suspended]")
    );

    let bad = res(&all, "BadBucket");
    assert_eq!(
        bad.attributes["acl"],
        json!({"canned": "public-read", "grants": []})
    );
    assert_eq!(bad.attributes["encryption"], Value::Null);
    assert!(reason(&bad.attributes["logging"]).contains("NeedsLogs"));
    assert!(reason(&bad.attributes["name"]).contains("generated"));
    assert_eq!(
        bad.attributes["policy"]["Statement"][0]["Principal"],
        json!("*")
    );
    assert_eq!(bad.provenance.joined, ["BadBucketPolicy"]);
    assert_eq!(
        bad.provenance.source_types,
        ["AWS::S3::Bucket", "AWS::S3::BucketPolicy"]
    );
    assert_eq!(
        bad.attribute_location("policy").unwrap().start_line,
        line_of(&path, "      PolicyDocument:")
    );

    let sg = res(&all, "OpenGroup");
    assert_eq!(sg.kind, "aws.ec2.security_group");
    let ingress = sg.attributes["ingress"].as_array().unwrap();
    assert_eq!(ingress.len(), 3);
    assert_eq!(
        ingress[0],
        json!({"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": ["0.0.0.0/0"], "cidr_ipv6": [],
               "source_security_groups": [], "prefix_lists": [], "self": false, "description": null})
    );
    assert_eq!(ingress[2]["cidr_ipv6"], json!(["::/0"]));
    assert_eq!(ingress[2]["protocol"], json!("tcp"));
    assert_eq!(
        sg.attribute_location("ingress.0.cidr_ipv4")
            .unwrap()
            .start_line,
        line_of(&path, "CidrIp: 0.0.0.0/0")
    );
    assert_eq!(
        sg.attribute_location("ingress.2").unwrap().start_line,
        line_of(&path, "  OpenGroupRdp:")
    );
    // EC2's default allow-all egress.
    assert_eq!(sg.attributes["egress"][0]["protocol"], json!("-1"));
    assert_eq!(
        sg.attributes["egress"][0]["cidr_ipv4"],
        json!(["0.0.0.0/0"])
    );
    assert!(reason(&sg.attributes["vpc_id"]).contains("shared-vpc-id"));

    let key = res(&all, "Key");
    assert_eq!(key.attributes["rotation_enabled"], json!(true));
    assert_eq!(key.attributes["aliases"], json!(["alias/storage"]));
    assert_eq!(key.attributes["key_spec"], json!("SYMMETRIC_DEFAULT"));

    let db = res(&all, "Database");
    assert_eq!(db.attributes["storage_encrypted"], json!(true));
    assert_eq!(db.attributes["backup_retention_period"], json!(7));
    assert_eq!(db.attributes["publicly_accessible"], json!(false));
    assert_eq!(db.attributes["kms_key_id"], json!("${Key}"));

    let vol = res(&all, "Volume");
    assert_eq!(vol.attributes["encrypted"], json!(false));
    let trail = res(&all, "Trail");
    assert_eq!(trail.attributes["s3_bucket_name"], json!("${GoodBucket}"));
    assert_eq!(trail.attributes["is_multi_region_trail"], json!(true));
    let gd = res(&all, "Detector");
    assert_eq!(
        gd.attributes["features"],
        json!([{"name": "S3_DATA_EVENTS", "status": "ENABLED"}])
    );
    let pol = res(&all, "AppRole.Policies.admin");
    assert_eq!(pol.kind, "aws.iam.policy");
    assert_eq!(pol.attributes["type"], json!("inline"));
    assert_eq!(
        pol.attributes["attached_to"],
        json!({"type": "role", "name": "${AppRole}"})
    );
    assert_eq!(
        pol.attributes["document"]["Statement"][0]["Action"],
        json!("*")
    );
    assert_eq!(
        pol.location.as_ref().unwrap().start_line,
        line_of(&path, "- PolicyName: admin")
    );
}

#[test]
fn adapter_output_matches_the_schemas_property_names() {
    // Every attribute the adapter writes is a property of its kind's schema.
    let mut all = normalized(&CfnOptions::default());
    all.extend(vouch::normalize::cloudformation::normalize(
        &load(&[fixture("bucket.json")], &CfnOptions::default()).resources,
    ));
    for r in &all {
        let Some(schema) = vouch::model::kinds::schema(&r.kind) else {
            continue;
        };
        let schema: Value = serde_json::from_str(schema).unwrap();
        let props = schema["properties"].as_object().unwrap();
        for key in r.attributes.as_object().unwrap().keys() {
            assert!(
                props.contains_key(key),
                "{} {}: {key} not in schema",
                r.kind,
                r.address
            );
        }
        for key in props.keys() {
            assert!(
                r.attributes.get(key).is_some(),
                "{} {}: {key} missing",
                r.kind,
                r.address
            );
        }
    }
}
