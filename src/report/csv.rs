//! `--format csv`: one row per outcome (passes included) for spreadsheets and data tools.
//!
//! RFC 4180: comma-separated, CRLF line ends, a field is quoted when it holds a comma, quote,
//! CR or LF, and quotes inside are doubled. Resource names and messages come from untrusted
//! input, so a field that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or CR) gets a leading `'` (the OWASP "CSV injection" defence); no other field
//! starts with those characters, so nothing else changes.

use std::io::{self, Write};

use crate::report::{Reporter, RunInfo};
use crate::scan::ScanResult;

pub struct CsvReporter;

const HEADER: [&str; 17] = [
    "rule_id",
    "rule_name",
    "status",
    "severity",
    "resource_kind",
    "resource_address",
    "arn",
    "file",
    "start_line",
    "end_line",
    "message",
    "fingerprint",
    "waiver_reason",
    "waiver_owner",
    "waiver_ticket",
    "waiver_expires",
    "waiver_expired",
];

/// One field, neutralized and quoted as RFC 4180 requires.
pub(crate) fn field(raw: &str) -> String {
    let neutral = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn row(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    write!(out, "{}\r\n", line.join(","))
}

impl Reporter for CsvReporter {
    fn render(&self, result: &ScanResult, _run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        row(out, &HEADER)?;
        for o in &result.outcomes {
            let (file, start, end) = match &o.location {
                Some(l) => (
                    l.file.clone(),
                    l.start_line.to_string(),
                    l.end_line.to_string(),
                ),
                None => Default::default(),
            };
            let w = o.waiver.as_ref();
            let text = |f: fn(&crate::engine::outcome::WaiverRef) -> Option<&str>| {
                w.and_then(f).unwrap_or_default().to_owned()
            };
            row(
                out,
                &[
                    &o.rule_id,
                    &o.rule_name,
                    o.status.as_str(),
                    o.severity.as_str(),
                    &o.resource.kind,
                    &o.resource.address,
                    o.resource.arn.as_deref().unwrap_or_default(),
                    &file,
                    &start,
                    &end,
                    &o.message,
                    &o.fingerprint,
                    &text(|w| Some(w.reason.as_str())),
                    &text(|w| w.owner.as_deref()),
                    &text(|w| w.ticket.as_deref()),
                    &text(|w| w.expires.as_deref()),
                    if w.is_some_and(|w| w.expired) {
                        "true"
                    } else if w.is_some() {
                        "false"
                    } else {
                        ""
                    },
                ],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_neutralized() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(1)"), "'@SUM(1)");
        assert_eq!(field(""), "");
    }
}
