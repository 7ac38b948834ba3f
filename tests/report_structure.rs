//! Structural tests: decode the machine formats into test-local types and assert on the
//! contract, so an accepted snapshot cannot hide a break.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod report_support;

use std::collections::BTreeMap;

use serde::Deserialize;
use vouch::engine::Status;
use vouch::report::{self, Format, HtmlReporter, OcsfReporter, Reporter};

use report_support::{scan_result, HOSTILE, SG_ARN, TF};

fn render(reporter: &dyn Reporter) -> String {
    let mut buf = Vec::new();
    reporter
        .render(&scan_result(), &report_support::run_info(), &mut buf)
        .unwrap();
    String::from_utf8(buf).unwrap()
}

// ---- SARIF, as a consumer would read it ----

#[derive(Deserialize)]
struct Log {
    version: String,
    runs: Vec<Run>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SResult>,
    invocations: Vec<Invocation>,
    artifacts: Vec<Artifact>,
}

#[derive(Deserialize)]
struct Tool {
    driver: Driver,
}

#[derive(Deserialize)]
struct Driver {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Text,
    help: Text,
    properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(default)]
    tool_execution_notifications: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Artifact {
    hashes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SResult {
    rule_id: String,
    rule_index: usize,
    kind: String,
    level: String,
    message: Text,
    locations: Vec<SLocation>,
    partial_fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    suppressions: Vec<Suppression>,
    properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SLocation {
    physical_location: Option<Physical>,
    #[serde(default)]
    logical_locations: Vec<Logical>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: ArtifactLocation,
    region: Option<Region>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    end_line: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Logical {
    fully_qualified_name: String,
    kind: String,
}

#[derive(Deserialize)]
struct Suppression {
    kind: String,
    status: String,
    justification: String,
}

#[test]
fn sarif_results_rules_locations_fingerprints_suppressions() {
    let scan = scan_result();
    let log: Log =
        serde_json::from_str(&render(report::reporter(Format::Sarif, false).as_ref())).unwrap();
    assert_eq!(log.version, "2.1.0");
    let run = &log.runs[0];
    assert_eq!(run.tool.driver.name, "vouch");
    assert!(
        !run.invocations[0].execution_successful,
        "an error outcome means not successful"
    );
    assert_eq!(run.invocations[0].tool_execution_notifications.len(), 1);
    assert_eq!(run.artifacts[0].hashes["sha-256"], scan.inputs[0].sha256);

    // Rules: every rule of the policy set, with help and a GitHub security-severity.
    let ids: Vec<&str> = run
        .tool
        .driver
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        ids,
        scan.rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()
    );
    for r in &run.tool.driver.rules {
        assert!(!r.short_description.text.is_empty());
        assert!(r.help.text.contains("Remediation"));
        let sev: f64 = r.properties["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let ssh = run
        .tool
        .driver
        .rules
        .iter()
        .find(|r| r.id == "ec2-sg-open-ssh")
        .unwrap();
    assert_eq!(ssh.properties["security-severity"], "9.5");

    // Results: every non-pass outcome, nothing else.
    let non_pass: Vec<_> = scan
        .outcomes
        .iter()
        .filter(|o| o.status != Status::Pass)
        .collect();
    assert_eq!(run.results.len(), non_pass.len());
    for (r, o) in run.results.iter().zip(&non_pass) {
        assert_eq!(r.rule_id, o.rule_id);
        assert_eq!(run.tool.driver.rules[r.rule_index].id, r.rule_id);
        assert_eq!(r.partial_fingerprints["vouch/v1"], o.fingerprint);
        assert_eq!(r.properties["status"], o.status.as_str());
        match o.status {
            Status::Fail | Status::Waived => assert_eq!(r.kind, "fail"),
            _ => (assert_eq!(r.kind, "review"), assert_eq!(r.level, "none")).1,
        }
    }

    // IaC: repository-relative URI with a region; live: the ARN as a logical location.
    let iac = run
        .results
        .iter()
        .find(|r| r.rule_id == "s3-bucket-public-access" && r.suppressions.is_empty())
        .unwrap();
    let phys = iac.locations[0].physical_location.as_ref().unwrap();
    assert_eq!(phys.artifact_location.uri, TF);
    assert_eq!(
        phys.artifact_location.uri_base_id.as_deref(),
        Some("%SRCROOT%")
    );
    let region = phys.region.as_ref().unwrap();
    assert_eq!((region.start_line, region.end_line), (5, Some(5)));
    assert_eq!(iac.level, "error");
    let live = run
        .results
        .iter()
        .find(|r| r.rule_id == "ec2-sg-open-ssh")
        .unwrap();
    assert!(live.locations[0].physical_location.is_none());
    assert_eq!(
        live.locations[0].logical_locations[0].fully_qualified_name,
        SG_ARN
    );
    assert_eq!(live.locations[0].logical_locations[0].kind, "resource");

    // Waived: an accepted suppression with the reason; an expired waiver suppresses nothing.
    let waived: Vec<_> = run
        .results
        .iter()
        .filter(|r| !r.suppressions.is_empty())
        .collect();
    assert_eq!(waived.len(), 1);
    let s = &waived[0].suppressions[0];
    assert_eq!(
        (s.kind.as_str(), s.status.as_str()),
        ("external", "accepted")
    );
    assert!(
        s.justification.contains("legacy static site") && s.justification.contains("2026-06-30")
    );
    let expired = run
        .results
        .iter()
        .find(|r| r.rule_id == "s3-bucket-versioning")
        .unwrap();
    assert!(expired.suppressions.is_empty());
    assert!(expired.message.text.contains("aws_s3_bucket.public"));
}

// ---- the JSON contract ----

#[derive(Deserialize)]
struct JsonDoc {
    schema_version: u32,
    summary: BTreeMap<String, serde_json::Value>,
    results: Vec<JsonResult>,
}

#[derive(Deserialize)]
struct JsonResult {
    rule_id: String,
    status: String,
    fingerprint: String,
    #[serde(default)]
    waiver: Option<serde_json::Value>,
}

#[test]
fn json_carries_every_outcome_with_fingerprint_and_waiver() {
    let scan = scan_result();
    let doc: JsonDoc =
        serde_json::from_str(&render(report::reporter(Format::Json, false).as_ref())).unwrap();
    assert_eq!(doc.schema_version, 1);
    assert_eq!(doc.results.len(), scan.outcomes.len());
    assert_eq!(doc.summary["waived"], 1);
    assert_eq!(doc.summary["fail"], 3);
    for (r, o) in doc.results.iter().zip(&scan.outcomes) {
        assert_eq!(
            (
                r.rule_id.as_str(),
                r.status.as_str(),
                r.fingerprint.as_str()
            ),
            (
                o.rule_id.as_str(),
                o.status.as_str(),
                o.fingerprint.as_str()
            )
        );
        assert_eq!(r.waiver.is_some(), o.waiver.is_some());
    }
}

// ---- OCSF ----

#[derive(Deserialize)]
struct Ocsf {
    class_uid: u32,
    category_uid: u32,
    type_uid: u32,
    activity_id: u32,
    time: i64,
    severity_id: u32,
    status_id: u32,
    metadata: OcsfMetadata,
    finding_info: FindingInfo,
    compliance: Compliance,
    resources: Vec<OcsfResource>,
}

#[derive(Deserialize)]
struct OcsfMetadata {
    version: String,
    product: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct FindingInfo {
    uid: String,
    title: String,
}

#[derive(Deserialize)]
struct Compliance {
    control: String,
    standards: Vec<String>,
    requirements: Vec<String>,
    status_id: u32,
}

#[derive(Deserialize)]
struct OcsfResource {
    uid: String,
    #[serde(rename = "type")]
    kind: String,
}

#[test]
fn ocsf_compliance_findings() {
    let scan = scan_result();
    let text = render(&OcsfReporter {
        rulesets: Some(vec![report_support::ruleset()]),
    });
    let events: Vec<Ocsf> = serde_json::from_str(&text).unwrap();
    assert_eq!(events.len(), scan.outcomes.len());
    for (e, o) in events.iter().zip(&scan.outcomes) {
        assert_eq!(
            (e.class_uid, e.category_uid, e.activity_id, e.type_uid),
            (2003, 2, 1, 200301)
        );
        assert_eq!(e.time, 1_769_860_800_000);
        assert!(e.metadata.version.starts_with("1."));
        assert_eq!(e.metadata.product["name"], "vouch");
        assert_eq!(e.finding_info.uid, o.fingerprint);
        assert!(!e.finding_info.title.is_empty());
        assert_eq!(e.compliance.control, o.rule_id);
        let expected = match o.status {
            Status::Pass => 1,
            Status::Fail | Status::Waived => 3,
            Status::Unknown => 0,
            Status::Error => 99,
        };
        assert_eq!(e.compliance.status_id, expected, "{}", o.rule_id);
        assert_eq!(e.resources[0].kind, o.resource.kind);
        if o.status == Status::Waived {
            assert_eq!(e.status_id, 3);
        }
    }
    let ssh = events
        .iter()
        .find(|e| e.compliance.control == "ec2-sg-open-ssh")
        .unwrap();
    assert_eq!(ssh.severity_id, 5);
    assert_eq!(ssh.resources[0].uid, SG_ARN);
    assert_eq!(ssh.compliance.standards, vec!["Test Framework"]);
    assert_eq!(ssh.compliance.requirements, vec!["test-framework-1.0:1.1"]);
    let ver = events
        .iter()
        .find(|e| e.compliance.control == "s3-bucket-versioning")
        .unwrap();
    assert_eq!(
        ver.compliance.standards,
        vec!["vouch"],
        "an unmapped rule falls back to vouch"
    );
}

// ---- JUnit and CSV ----

#[test]
fn junit_suites_per_rule_and_cases_per_resource() {
    let xml = render(report::reporter(Format::Junit, false).as_ref());
    let scan = scan_result();
    assert_eq!(
        xml.matches("<testsuite ").count(),
        scan.rules.len() + 1,
        "a suite per rule plus inputs"
    );
    assert_eq!(
        xml.matches("<testcase ").count(),
        scan.outcomes.len() + scan.diagnostics.len()
    );
    assert!(
        xml.contains(r#"<testsuites name="vouch" tests="8" failures="3" errors="1" skipped="2""#),
        "{xml}"
    );
    assert!(xml.contains(r#"<skipped message="waived: legacy static site"#));
    assert!(xml.contains(r#"<skipped message="unknown: encryption is unknown"#));
    assert!(!xml.contains("<img"), "markup escaped");
}

/// A minimal RFC 4180 reader: enough to prove the writer's quoting round-trips.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn csv_one_row_per_outcome_with_quoting() {
    let text = render(report::reporter(Format::Csv, false).as_ref());
    assert!(text.ends_with("\r\n"));
    let rows = parse_csv(&text);
    let scan = scan_result();
    assert_eq!(rows.len(), scan.outcomes.len() + 1);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    for (row, o) in rows[1..].iter().zip(&scan.outcomes) {
        assert_eq!(row[col("message")], o.message);
        assert_eq!(row[col("fingerprint")], o.fingerprint);
    }
    let expired = rows
        .iter()
        .find(|r| r[col("waiver_expired")] == "true")
        .unwrap();
    assert!(
        expired[col("waiver_reason")].starts_with("'=HYPERLINK"),
        "formula neutralized"
    );
}

// ---- HTML ----

#[test]
fn html_escapes_untrusted_text_and_carries_evidence() {
    let html = render(&HtmlReporter {
        rulesets: Some(vec![report_support::ruleset()]),
        excerpts: true,
    });
    assert!(
        !html.contains(HOSTILE) && !html.contains("<img src=x") && !html.contains("<script>window")
    );
    assert!(html.contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"));
    // Excerpt of the public bucket's block, with the offending line highlighted.
    assert!(html.contains(
        r#"<span class="ln hit"><span class="no">5</span>  acl = &quot;public-read&quot;</span>"#
    ));
    // Live evidence: ARN, API call, collection time.
    assert!(
        html.contains(SG_ARN)
            && html.contains("ec2:DescribeSecurityGroups")
            && html.contains("2026-01-31T11:58:07Z")
    );
    // Waiver with reason and expiry; expired waivers are marked.
    assert!(
        html.contains("legacy static site, being migrated to CloudFront")
            && html.contains("2026-06-30")
    );
    assert!(html.contains("Expired waiver"));
    // Frameworks → controls, a manual control never counted as passed.
    assert!(
        html.contains("Test Framework")
            && html.contains(r#"<span class="badge s-manual">manual</span>"#)
    );
    // Self-contained: no external reference of any kind (the SVG namespace is a name, not a fetch).
    let cleaned = html.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    for needle in [
        r#"href="http"#,
        r#"href="//"#,
        r#" src=""#,
        "<link",
        "url(",
        "@import",
        "<iframe",
    ] {
        assert!(!cleaned.contains(needle), "external reference: {needle}");
    }
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
}

#[test]
fn html_refuses_an_excerpt_from_a_changed_file() {
    let mut scan = scan_result();
    for o in &mut scan.outcomes {
        o.evidence.input_sha256 = Some("0".repeat(64));
    }
    let mut buf = Vec::new();
    HtmlReporter {
        rulesets: Some(vec![]),
        excerpts: true,
    }
    .render(&scan, &report_support::run_info(), &mut buf)
    .unwrap();
    let html = String::from_utf8(buf).unwrap();
    assert!(html.contains("changed since the scan"));
    assert!(html.contains("No framework rulesets are installed"));
}
