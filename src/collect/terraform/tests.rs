//! Fixture tests for the Terraform collector (`fixtures/terraform/<case>/`), plus
//! robustness cases built in temporary directories and an `#[ignore]`d corpus run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{load, Mode, Options, Output, TfInstance};
use crate::model::{unknown_reason, DiagnosticLevel};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform")
        .join(case)
}

fn load_case(case: &str) -> Output {
    load(&[fixture(case)], &Options::default())
}

fn inst<'a>(out: &'a Output, address: &str) -> &'a TfInstance {
    out.instances
        .iter()
        .find(|i| i.address == address)
        .unwrap_or_else(|| {
            let all: Vec<&str> = out.instances.iter().map(|i| i.address.as_str()).collect();
            panic!("no instance {address}; have {all:?}")
        })
}

fn reason(v: &Value) -> &str {
    unknown_reason(v).unwrap_or_else(|| panic!("expected unknown, got {v}"))
}

fn addresses(out: &Output) -> Vec<&str> {
    out.instances.iter().map(|i| i.address.as_str()).collect()
}

#[test]
fn modules_with_count_and_for_each() {
    let out = load_case("modules_count");
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let audit0 = inst(&out, "module.audit[0].aws_s3_bucket.this");
    assert_eq!(audit0.values["bucket"], json!("prod-acme-audit-0"));
    assert_eq!(audit0.module_chain, vec!["module.audit[0]".to_owned()]);
    assert!(audit0
        .file
        .ends_with("fixtures/terraform/modules_count/modules/bucket/main.tf"));
    assert_eq!((audit0.start_line, audit0.end_line), (10, 15));
    assert_eq!(audit0.attribute_lines["bucket"], (11, 11));

    let data_v = inst(&out, "module.store[\"data\"].aws_s3_bucket_versioning.this");
    assert_eq!(
        data_v.values["versioning_configuration"],
        json!([{"status": "Suspended"}])
    );
    assert_eq!(
        data_v.values["bucket"],
        json!("${module.store[\"data\"].aws_s3_bucket.this.id}")
    );
    assert_eq!(
        data_v.attribute_lines["versioning_configuration.0.status"],
        (20, 20)
    );

    let sse = inst(
        &out,
        "aws_s3_bucket_server_side_encryption_configuration.logs",
    );
    assert_eq!(
        sse.values["bucket"],
        json!("${module.store[\"logs\"].aws_s3_bucket.this.id}")
    );
    assert_eq!(
        sse.values["rule"][0]["apply_server_side_encryption_by_default"][0]["kms_master_key_id"],
        json!("${aws_kms_key.k.arn}")
    );
    assert_eq!(
        sse.attribute_lines["rule.0.apply_server_side_encryption_by_default.0.sse_algorithm"],
        (36, 36)
    );
    // optional() attributes of object-typed variables are filled with their defaults.
    let lc = inst(
        &out,
        "module.audit[1].aws_s3_bucket_lifecycle_configuration.this",
    );
    assert_eq!(
        lc.values["rule"],
        json!([{"id": "r1", "status": "Enabled", "expiration": [{"days": 30}]}])
    );
    assert_eq!(lc.values["kms"], Value::Null);
    assert_eq!(out.instances.len(), 14);
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn expressions_functions_and_dynamic_blocks() {
    let out = load_case("expressions");
    let sg = inst(&out, "aws_security_group.web");
    assert_eq!(sg.values["name"], json!("web-x-y-z"));
    assert_eq!(sg.values["ingress"][0]["cidr_blocks"], json!(["0.0.0.0/0"]));
    assert_eq!(sg.values["ingress"][1]["from_port"], json!(443));
    assert_eq!(sg.attribute_lines["ingress.1.cidr_blocks"], (32, 32));
    assert_eq!(sg.attribute_lines["egress.0"], (36, 41));
    assert!(
        sg.values.get("lifecycle").is_none(),
        "meta blocks are not values"
    );

    assert_eq!(
        inst(&out, "aws_s3_bucket.b[\"logs\"]").values["bucket"],
        json!("acme-logs")
    );
    let policy = inst(&out, "aws_s3_bucket_policy.p");
    assert_eq!(
        policy.values["bucket"],
        json!("${aws_s3_bucket.b[\"logs\"].id}")
    );
    let doc: Value = serde_json::from_str(policy.values["policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"],
        json!("${aws_s3_bucket.b[\"logs\"].arn}/*")
    );

    assert_eq!(
        inst(&out, "aws_ebs_volume.v[0]").values["encrypted"],
        json!(true)
    );
    assert_eq!(
        inst(&out, "aws_ebs_volume.v[1]").values["encrypted"],
        json!(false)
    );
    assert_eq!(inst(&out, "aws_ebs_volume.v[1]").values["size"], json!(40));

    let t = &inst(&out, "test_values.t").values;
    assert_eq!(reason(&t["unknown_var"]), "variable no_value has no value");
    assert_eq!(
        reason(&t["cycle"]),
        "local.cycle_a is part of a dependency cycle"
    );
    assert_eq!(
        t["cidrs"],
        json!({"22": "10.0.0.0/24", "443": "10.0.1.0/24"})
    );
    assert_eq!(t["grouped"], json!({"a": ["a1", "a2"], "b": ["b1"]}));
    assert_eq!(t["evens"], json!([0, 2, 4]));
    assert_eq!(t["tpl"], json!("port 22;port 443;many\n"));
    assert_eq!(
        reason(&t["unsupported"]),
        "function notafunction is not supported"
    );
    assert_eq!(t["tried"], json!("fallback"));
    assert_eq!(t["can_ok"], json!(true));
    assert_eq!(t["coalesced"], json!("c"));
    assert_eq!(t["len_unknown"], json!(2));
    assert_eq!(
        reason(&t["upper_unknown"]),
        "variable no_value has no value"
    );
    assert_eq!(reason(&t["cond_unknown"]), "variable no_value has no value");
    // The run's own account is "set, known at apply"; other data sources are read at
    // apply time, and a `count = 0` data source has no instance for `try` to fall back from.
    assert_eq!(
        t["data_ref"],
        json!("${data.aws_caller_identity.me.account_id}")
    );
    assert_eq!(
        reason(&t["data_read"]),
        "data source data.aws_ami.latest is read at apply time"
    );
    assert_eq!(t["data_absent"], json!("fallback"));
    assert_eq!(
        reason(&t["data_unknown"]),
        "data source data.aws_ami.latest is read at apply time"
    );
    assert_eq!(t["splat"], json!([true, false]));
    assert_eq!(t["vol_id"], json!("${aws_ebs_volume.v[1].id}"));
    assert_eq!(t["suffix"], json!("${aws_s3_bucket.b[\"data\"].id}-logs"));
    assert_eq!(t["workspace"], json!("default"));
    assert_eq!(t["fmt"], json!("x:003.1"));
    assert_eq!(t["regex"], json!({"a": "abc", "b": "123"}));
    assert_eq!(t["b64"], json!("hi"));
    assert_eq!(t["flat"], json!([1, 2, 3]));
    assert_eq!(t["merged"], json!({"a": 3, "b": 2}));
    assert_eq!(t["lookup"], json!("dflt"));
    assert_eq!(t["ops"], json!([7, 3, 2.5, false, -3, true, false]));

    let data = inst(&out, "data.aws_caller_identity.me");
    assert_eq!(data.mode, Mode::Data);
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.code == "reference-cycle" && d.line == Some(12)));
}

#[test]
fn variable_precedence() {
    let out = load_case("tfvars");
    let b = inst(&out, "aws_s3_bucket.v");
    // terraform.tfvars < a.auto.tfvars.json < b.auto.tfvars (lexical).
    assert_eq!(
        b.values["bucket"],
        json!("from-tfvars-from-auto-b-from-json")
    );
    assert_eq!(reason(&b.values["tags"]["d"]), "variable d has no value");
    assert_eq!(b.values["tags"]["list"], json!("x,y"));
    assert_eq!(out.inputs.len(), 4);

    let opts = Options {
        var_files: Vec::new(),
        vars: vec![
            ("a".to_owned(), "us-east-1".to_owned()),
            ("d".to_owned(), "42".to_owned()),
            ("list".to_owned(), "[\"p\", \"q\"]".to_owned()),
        ],
    };
    let out = load(&[fixture("tfvars")], &opts);
    let b = inst(&out, "aws_s3_bucket.v");
    assert_eq!(b.values["bucket"], json!("us-east-1-from-auto-b-from-json"));
    assert_eq!(b.values["tags"]["d"], json!(42));
    assert_eq!(b.values["tags"]["list"], json!("p,q"));
}

#[test]
fn json_syntax() {
    let out = load_case("json_syntax");
    let j = inst(&out, "aws_s3_bucket.j[0]");
    assert_eq!(j.values["bucket"], json!("json-bucket-x"));
    assert_eq!(j.values["versioning"], json!([{"enabled": true}]));
    assert_eq!(j.start_line, 12);
    assert_eq!(j.attribute_lines["bucket"], (13, 13));
}

#[test]
fn parse_error_keeps_other_files() {
    let out = load_case("parse_error");
    assert_eq!(addresses(&out), vec!["aws_s3_bucket.good"]);
    let d = &out.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.code, "parse-error");
    assert!(d.file.as_deref().unwrap().ends_with("parse_error/bad.tf"));
    assert_eq!((d.line, d.column), (Some(2), Some(12)));
    assert_eq!(out.inputs.len(), 2);
}

#[test]
fn module_cycles_are_diagnostics() {
    let out = load_case("module_cycle");
    assert_eq!(
        addresses(&out),
        vec!["aws_s3_bucket.a", "module.b.aws_s3_bucket.b"]
    );
    let cycles = out
        .diagnostics
        .iter()
        .filter(|d| d.code == "module-cycle")
        .count();
    assert_eq!(cycles, 2);
}

#[test]
fn module_inputs_are_evaluated_one_by_one() {
    let out = load_case("module_inputs");
    let b = inst(&out, "module.m.aws_s3_bucket.labelled");
    assert_eq!(
        b.values["tags"]["label"],
        json!("${module.m.aws_s3_bucket.b.arn}-label")
    );
    assert!(reason(&b.values["tags"]["loop"]).contains("var.loop is part of a dependency cycle"));
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == "reference-cycle"
                && d.message == "module.m.var.loop depends on itself")
    );
}

#[test]
fn remote_modules_use_the_manifest_or_warn() {
    let out = load_case("remote_module");
    let vpc = inst(&out, "module.vpc.aws_vpc.this");
    assert_eq!(vpc.values["tags"], json!({"Name": "main"}));
    let f = inst(&out, "aws_flow_log.f");
    assert_eq!(f.values["vpc_id"], json!("${module.vpc.aws_vpc.this.id}"));
    assert!(reason(&f.values["other"]).contains("module.missing"));
    let d: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == "module-unresolved")
        .collect();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("git::https://example.com/x.git"));
    assert_eq!(d[0].level, DiagnosticLevel::Warning);
}

#[test]
fn unknown_expansion_emits_one_unexpanded_instance() {
    let out = load_case("unknown_expansion");
    let b = inst(&out, "aws_s3_bucket.b");
    assert_eq!(b.values["acl"], json!("private"));
    assert!(reason(&b.values["bucket"]).contains("count is unknown"));
    let s = inst(&out, "aws_security_group.s");
    assert!(reason(&s.values["ingress"]).contains("dynamic block ingress"));
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.code == "expansion-unknown"));
}

#[test]
fn demo_project_loads_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let out = load(&[dir], &Options::default());
    assert!(
        out.diagnostics
            .iter()
            .all(|d| d.level != DiagnosticLevel::Error),
        "{:?}",
        out.diagnostics
    );
    let sg = inst(&out, "aws_security_group.bastion");
    assert_eq!(sg.values["ingress"][0]["cidr_blocks"], json!(["0.0.0.0/0"]));
    assert_eq!(sg.values["ingress"][0]["from_port"], json!(22));
    let b = inst(&out, "module.service_bucket[\"ledger\"].aws_s3_bucket.this");
    assert_eq!(b.values["bucket"], json!("payments-prod-ledger"));
    assert!(out.instances.len() >= 15);
}

fn write(dir: &Path, name: &str, content: &[u8]) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, content).unwrap();
}

#[test]
fn hostile_input_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // 10,000 nested parentheses: the parser rejects them with a located error.
    let deep = format!(
        "locals {{ x = {}1{} }}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    write(d, "deep/main.tf", deep.as_bytes());
    write(d, "binary/main.tf", &[0, 159, 146, 150, 0, 1, 2]);
    std::fs::create_dir_all(d.join("empty")).unwrap();
    // A long chain of locals evaluates within the depth bound or becomes unknown.
    let mut chain = String::from("locals {\n  l0 = 1\n");
    for i in 1..2000 {
        chain.push_str(&format!("  l{i} = local.l{} + 1\n", i - 1));
    }
    chain.push_str("}\nresource \"x\" \"y\" {\n  v = local.l1999\n}\n");
    write(d, "chain/main.tf", chain.as_bytes());
    // Self-calling module and a module that loops through a symlink.
    write(
        d,
        "selfcall/main.tf",
        b"module \"me\" {\n  source = \"./\"\n}\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("selfcall/loop")).unwrap();
    let start = std::time::Instant::now();
    let out = load(&[d.to_path_buf()], &Options::default());
    assert!(start.elapsed().as_secs() < 30);
    let codes: Vec<&str> = out.diagnostics.iter().map(|x| x.code.as_str()).collect();
    assert!(codes.contains(&"parse-error"), "{codes:?}");
    assert!(codes.contains(&"module-cycle"), "{codes:?}");
    let y = inst(&out, "x.y");
    assert!(y.values["v"] == json!(2000) || unknown_reason(&y.values["v"]).is_some());
}

#[test]
fn large_file_is_a_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    let mut big = String::with_capacity(51 * 1024 * 1024);
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    write(tmp.path(), "big.tf", big.as_bytes());
    write(tmp.path(), "ok.tf", b"resource \"a\" \"b\" {}\n");
    let out = load(&[tmp.path().to_path_buf()], &Options::default());
    assert_eq!(addresses(&out), vec!["a.b"]);
    assert!(out.diagnostics.iter().any(|d| d.message.contains("limit")));
}

#[test]
fn output_is_deterministic() {
    let a = load_case("modules_count");
    let b = load_case("modules_count");
    assert_eq!(a.instances, b.instances);
    assert_eq!(a.diagnostics, b.diagnostics);
}

/// Loads every project of the shared corpus: nothing may panic or hang.
/// `cargo test --release --lib collect::terraform::tests::corpus -- --ignored --nocapture`
#[test]
#[ignore = "needs /work/shared/corpus; run on demand"]
fn corpus() {
    let root = Path::new("/work/shared/corpus");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let total = std::time::Instant::now();
    for d in dirs {
        let t = std::time::Instant::now();
        let out = load(std::slice::from_ref(&d), &Options::default());
        println!(
            "{}\tinstances={}\tdiagnostics={}\t{:.3}s",
            d.display(),
            out.instances.len(),
            out.diagnostics.len(),
            t.elapsed().as_secs_f64()
        );
    }
    println!("total {:.3}s", total.elapsed().as_secs_f64());
}

/// Paths are loaded in groups no module call crosses; a module another path calls is still
/// not a root, whichever order the paths come in, and independent projects stay separate.
#[test]
fn a_module_called_from_another_scanned_path_is_not_a_root() {
    let tmp = tempfile::tempdir().unwrap();
    let (app, lib, other) = (
        tmp.path().join("app"),
        tmp.path().join("lib"),
        tmp.path().join("other"),
    );
    write(
        &app,
        "main.tf",
        b"module \"store\" {\n  source = \"../lib\"\n  name   = \"app-data\"\n}\n",
    );
    write(
        &lib,
        "main.tf",
        b"variable \"name\" {}\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
    );
    write(
        &other,
        "main.tf",
        b"resource \"aws_s3_bucket\" \"solo\" {\n  bucket = \"solo\"\n}\n",
    );
    for paths in [
        vec![app.clone(), lib.clone(), other.clone()],
        vec![other.clone(), lib.clone(), app.clone()],
    ] {
        let out = load(&paths, &Options::default());
        assert_eq!(
            addresses(&out),
            vec!["module.store.aws_s3_bucket.this", "aws_s3_bucket.solo"],
            "{:?}",
            out.diagnostics
        );
        assert_eq!(
            inst(&out, "module.store.aws_s3_bucket.this").values["bucket"],
            json!("app-data")
        );
        assert_eq!(out.inputs.len(), 3);
    }
}

/// Loads one `main.tf` (or `main.tf.json`) written to a temporary directory.
fn load_text(name: &str, text: &str) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), name, text.as_bytes());
    load(&[tmp.path().to_path_buf()], &Options::default())
}

#[test]
fn template_syntax_evaluates_as_in_terraform() {
    let out = load_text(
        "main.tf",
        r#"
locals {
  names = ["a", "b"]
}
resource "x" "y" {
  # A repeated object key keeps the last value, as HCL does (hcl-edit rejected the file).
  repeated = { port = 80, port = 443 }
  # Strip markers trim the whitespace next to them.
  stripped = "[ ${~ "v" ~} ]"
  listed   = <<-EOT
    %{ for n in local.names ~}
    - ${n}
    %{ endfor ~}
  EOT
  # `<<-` ignores blank and whitespace-only lines when finding the indentation.
  indented = <<-EOT
      one

    two
  EOT
  single   = "${local.names}"
  escaped  = "$${not.a.reference} %%{ nor this }"
}
"#,
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let y = inst(&out, "x.y");
    assert_eq!(y.values["repeated"], json!({"port": 443}));
    assert_eq!(y.values["stripped"], json!("[v]"));
    // As in HCL: strip markers apply before `<<-` indentation, and a line whose preceding
    // newline was stripped no longer starts a line, so it keeps its indentation.
    assert_eq!(y.values["listed"], json!("    - a\n    - b\n"));
    assert_eq!(y.values["indented"], json!("  one\n\ntwo\n"));
    assert_eq!(y.values["single"], json!(["a", "b"]));
    assert_eq!(
        y.values["escaped"],
        json!("${not.a.reference} %{ nor this }")
    );
}

#[test]
fn templatefile_follows_hcl_template_semantics() {
    let tmp = tempfile::tempdir().unwrap();
    // Cases from HCL's own template tests (hclsyntax/expression_template_test.go).
    let cases = [
        ("trim\n${~\"trim\"~}\ntrim", json!("trimtrimtrim")),
        ("%{ if true ~} hello %{~ endif }", json!("hello")),
        (
            "%{ if false ~} hello %{~ else ~} goodbye %{~ endif }",
            json!("goodbye"),
        ),
        (
            "%{ for v in [\"a\", \"b\", \"c\"] ~} ${v} %{~ endfor }",
            json!("abc"),
        ),
        (
            "hello $${escaped} $$nonescape %%{ x }",
            json!("hello ${escaped} $$nonescape %{ x }"),
        ),
        ("hello\\nworld", json!("hello\\nworld")),
        ("${true}", json!(true)),
        (" ${~ true ~} ", json!("true")),
    ];
    let mut main = String::from("resource \"x\" \"y\" {\n");
    for (i, (text, _)) in cases.iter().enumerate() {
        write(tmp.path(), &format!("t{i}.tpl"), text.as_bytes());
        main.push_str(&format!(
            "  t{i} = templatefile(\"${{path.module}}/t{i}.tpl\", {{}})\n"
        ));
    }
    main.push_str("}\n");
    write(tmp.path(), "main.tf", main.as_bytes());
    let out = load(&[tmp.path().to_path_buf()], &Options::default());
    let y = inst(&out, "x.y");
    for (i, (text, want)) in cases.iter().enumerate() {
        assert_eq!(&y.values[format!("t{i}")], want, "{text:?}");
    }
}

#[test]
fn json_syntax_strings_are_templates_with_any_expression() {
    // Quotes inside an interpolation used to break the HCL-text round trip.
    let out = load_text(
        "main.tf.json",
        r#"{
  "locals": {"m": {"k": "v"}},
  "resource": {"x": {"y": {
    "looked_up": "${lookup(local.m, \"k\", \"none\")}",
    "joined": "${join(\",\", [\"a\", \"b\"])}-%{ if true }t%{ endif }",
    "number": 1.0,
    "neg": -2.5
  }}}
}"#,
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let y = inst(&out, "x.y");
    assert_eq!(y.values["looked_up"], json!("v"));
    assert_eq!(y.values["joined"], json!("a,b-t"));
    assert_eq!(y.values["number"], json!(1));
    assert_eq!(y.values["neg"], json!(-2.5));
}

#[test]
fn a_syntax_error_in_a_json_string_is_located_at_its_key() {
    let out = load_text(
        "main.tf.json",
        "{\n  \"resource\": {\"x\": {\"y\": {\n    \"bad\": \"${unclosed\"\n  }}}\n}\n",
    );
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == "parse-error")
        .unwrap();
    assert_eq!(d.line, Some(3));
    assert!(d.message.starts_with("in \"bad\": "), "{}", d.message);
}
