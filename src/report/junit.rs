//! `--format junit`: JUnit XML for CI test-report parsers (GitLab, Jenkins, Azure DevOps,
//! GitHub test-report actions). One `<testsuite>` per rule, one `<testcase>` per resource.
//!
//! Mapping: `pass` → a passing case; `fail` → `<failure>`; `error` → `<error>`; `waived` →
//! `<skipped>` with the waiver's reason; `unknown` → `<failure type="unknown">` when the run
//! gates on unknowns (`--fail-on-unknown`), else `<skipped>` saying it is unknown (never a
//! pass). Input problems get their own `inputs` suite, errors as `<error>`. XML 1.0 cannot
//! carry most control characters even escaped, so they become U+FFFD.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::engine::{Outcome, Status};
use crate::model::DiagnosticLevel;
use crate::report::{Reporter, RunInfo};
use crate::scan::ScanResult;

pub struct JunitReporter;

/// Escapes text for XML 1.0 element content and attribute values.
pub(crate) fn xml_escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

enum Verdict {
    Pass,
    Failure(&'static str),
    Error,
    Skipped(String),
}

fn verdict(o: &Outcome, fail_on_unknown: bool) -> Verdict {
    match o.status {
        Status::Pass => Verdict::Pass,
        Status::Fail => Verdict::Failure("fail"),
        Status::Error => Verdict::Error,
        Status::Unknown if fail_on_unknown => Verdict::Failure("unknown"),
        Status::Unknown => Verdict::Skipped(format!("unknown: {}", o.message)),
        Status::Waived => Verdict::Skipped(match &o.waiver {
            Some(w) => format!(
                "waived: {}{}",
                w.reason,
                w.expires
                    .as_deref()
                    .map(|e| format!(" (until {e})"))
                    .unwrap_or_default()
            ),
            None => "waived".to_owned(),
        }),
    }
}

fn details(o: &Outcome) -> String {
    let mut lines = vec![
        format!("rule: {} ({})", o.rule_id, o.rule_name),
        format!("severity: {}", o.severity),
        format!("resource: {} {}", o.resource.kind, o.resource.address),
    ];
    if let Some(arn) = &o.resource.arn {
        lines.push(format!("arn: {arn}"));
    }
    if let Some(l) = &o.location {
        lines.push(format!(
            "location: {}:{}-{}",
            l.file, l.start_line, l.end_line
        ));
    }
    for m in &o.evidence.messages {
        lines.push(format!("message: {m}"));
    }
    lines.push(format!("fingerprint: {}", o.fingerprint));
    lines.join("\n")
}

impl Reporter for JunitReporter {
    fn render(&self, result: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        // Every rule gets a suite, even with no matching resource: "ran, judged nothing".
        let mut suites: BTreeMap<&str, Vec<&Outcome>> = result
            .rules
            .iter()
            .map(|r| (r.id.as_str(), Vec::new()))
            .collect();
        for o in &result.outcomes {
            suites.entry(o.rule_id.as_str()).or_default().push(o);
        }
        let titles: BTreeMap<&str, (&str, String)> = result
            .rules
            .iter()
            .map(|r| (r.id.as_str(), (r.title.as_str(), r.severity.to_string())))
            .collect();
        // The JUnit schema's timestamp has no zone; ours is always UTC.
        let stamp = xml_escape(run.timestamp.trim_end_matches('Z'));

        let mut body = String::new();
        let mut total = Counts::default();
        for (rule, outcomes) in &suites {
            let mut c = Counts::default();
            let mut cases = String::new();
            for o in outcomes {
                c.tests += 1;
                let mut attrs = format!(
                    r#"name="{}" classname="{}""#,
                    xml_escape(&o.resource.address),
                    xml_escape(&format!("vouch.{}", o.rule_id))
                );
                if let Some(l) = &o.location {
                    attrs.push_str(&format!(
                        r#" file="{}" line="{}""#,
                        xml_escape(&l.file),
                        l.start_line
                    ));
                }
                let inner = match verdict(o, run.fail_on_unknown) {
                    Verdict::Pass => None,
                    Verdict::Failure(kind) => {
                        c.failures += 1;
                        Some(format!(
                            r#"<failure message="{}" type="{kind}">{}</failure>"#,
                            xml_escape(&o.message),
                            xml_escape(&details(o))
                        ))
                    }
                    Verdict::Error => {
                        c.errors += 1;
                        Some(format!(
                            r#"<error message="{}" type="policy-error">{}</error>"#,
                            xml_escape(&o.message),
                            xml_escape(&details(o))
                        ))
                    }
                    Verdict::Skipped(why) => {
                        c.skipped += 1;
                        Some(format!(r#"<skipped message="{}"/>"#, xml_escape(&why)))
                    }
                };
                match inner {
                    None => cases.push_str(&format!("    <testcase {attrs} time=\"0\"/>\n")),
                    Some(inner) => cases.push_str(&format!(
                        "    <testcase {attrs} time=\"0\">\n      {inner}\n    </testcase>\n"
                    )),
                }
            }
            let props = titles
                .get(rule)
                .map(|(title, sev)| {
                    format!(
                        "    <properties>\n      <property name=\"title\" value=\"{}\"/>\n      <property name=\"severity\" value=\"{}\"/>\n    </properties>\n",
                        xml_escape(title),
                        xml_escape(sev)
                    )
                })
                .unwrap_or_default();
            body.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{stamp}\">\n{props}{cases}  </testsuite>\n",
                xml_escape(rule),
                c.tests,
                c.failures,
                c.errors,
                c.skipped
            ));
            total.tests += c.tests;
            total.failures += c.failures;
            total.errors += c.errors;
            total.skipped += c.skipped;
        }
        if !result.diagnostics.is_empty() {
            let mut c = Counts::default();
            let mut cases = String::new();
            for d in &result.diagnostics {
                c.tests += 1;
                let name = xml_escape(&d.to_string());
                match d.level {
                    DiagnosticLevel::Error => {
                        c.errors += 1;
                        cases.push_str(&format!(
                            "    <testcase name=\"{name}\" classname=\"vouch.inputs\" time=\"0\">\n      <error message=\"{}\" type=\"{}\"/>\n    </testcase>\n",
                            xml_escape(&d.message),
                            xml_escape(&d.code)
                        ));
                    }
                    DiagnosticLevel::Warning => cases.push_str(&format!(
                        "    <testcase name=\"{name}\" classname=\"vouch.inputs\" time=\"0\">\n      <system-out>warning: {name}</system-out>\n    </testcase>\n"
                    )),
                }
            }
            body.push_str(&format!(
                "  <testsuite name=\"inputs\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\" time=\"0\" timestamp=\"{stamp}\">\n{cases}  </testsuite>\n",
                c.tests, c.errors
            ));
            total.tests += c.tests;
            total.errors += c.errors;
        }
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vouch\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n{body}</testsuites>\n",
            total.tests, total.failures, total.errors, total.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn xml_escape_handles_markup_and_control_characters() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{FFFD}"
        );
    }
}
