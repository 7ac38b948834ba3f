//! Waivers: accepted risks with a reason and an end date, from `[[waivers]]` in `vouch.toml`
//! or from inline comments in the scanned files:
//!
//! ```text
//! # vouch:ignore s3-bucket-versioning reason="scratch bucket" expires=2027-01-31 owner=platform
//! ```
//!
//! An inline waiver applies to the resource whose block contains the comment, or whose block
//! starts right below it. A matched waiver turns a `fail` or `unknown` outcome into `waived`
//! and stays on record in every report; an expired one no longer applies (the outcome keeps
//! its status and says why); a waiver that matches nothing is reported. Dates are compared
//! with the run's own date (from `--timestamp`), so results stay reproducible.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};
use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::config::WaiverConfig;
use crate::engine::outcome::WaiverRef;
use crate::engine::{Outcome, Status};
use crate::model::{Diagnostic, DiagnosticLevel, Input, Resource};

const MARKER: &str = "vouch:ignore";

/// A waiver ready to match outcomes.
#[derive(Debug, Clone)]
pub struct Waiver {
    rule: GlobMatcher,
    rule_pattern: String,
    resource: Option<GlobMatcher>,
    resource_pattern: Option<String>,
    tags: BTreeMap<String, String>,
    /// For inline waivers: the file and comment line they sit on.
    inline: Option<(String, u32)>,
    record: WaiverRef,
    expires: Option<Date>,
}

/// What happened to the waivers in a run (everything an auditor needs on record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WaiverReport {
    /// Waivers that matched no outcome: stale, or a typo.
    pub unmatched: Vec<WaiverSummary>,
    /// Waivers that matched but have expired, so the finding counts again.
    pub expired: Vec<WaiverSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WaiverSummary {
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

fn date_string(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &format).ok()
}

impl Waiver {
    /// A waiver from `vouch.toml` (already validated by the config loader).
    pub fn from_config(w: &WaiverConfig, source: String) -> Result<Self, String> {
        let expires = match &w.expires {
            Some(dt) => Some(
                dt.date
                    .and_then(|d| parse_date(&d.to_string()))
                    .ok_or_else(|| format!("{source}: expires must be a date"))?,
            ),
            None => None,
        };
        Self::new(
            &w.rule,
            w.resource.as_deref(),
            w.tags.clone(),
            WaiverRef {
                reason: w.reason.clone().unwrap_or_default(),
                owner: w.owner.clone(),
                ticket: w.ticket.clone(),
                expires: expires.map(date_string),
                expired: false,
                source,
            },
            expires,
            None,
        )
    }

    fn new(
        rule: &str,
        resource: Option<&str>,
        tags: BTreeMap<String, String>,
        record: WaiverRef,
        expires: Option<Date>,
        inline: Option<(String, u32)>,
    ) -> Result<Self, String> {
        let glob = |p: &str| {
            Glob::new(p)
                .map(|g| g.compile_matcher())
                .map_err(|e| format!("{}: `{p}` is not a valid glob: {e}", record.source))
        };
        Ok(Self {
            rule: glob(rule)?,
            rule_pattern: rule.to_owned(),
            resource: resource.map(glob).transpose()?,
            resource_pattern: resource.map(str::to_owned),
            tags,
            inline,
            record,
            expires,
        })
    }

    fn summary(&self) -> WaiverSummary {
        WaiverSummary {
            rule: self.rule_pattern.clone(),
            resource: self.resource_pattern.clone(),
            source: self.record.source.clone(),
            expires: self.record.expires.clone(),
        }
    }

    fn matches(&self, outcome: &Outcome, resource: Option<&Resource>) -> bool {
        if !self.rule.is_match(&outcome.rule_id) {
            return false;
        }
        if let Some(glob) = &self.resource {
            let by_address = glob.is_match(&outcome.resource.address);
            let by_arn = outcome
                .resource
                .arn
                .as_deref()
                .is_some_and(|a| glob.is_match(a));
            if !by_address && !by_arn {
                return false;
            }
        }
        if let Some((file, line)) = &self.inline {
            let Some(loc) = resource.and_then(|r| r.location.as_ref()) else {
                return false;
            };
            let inside = loc.start_line <= *line && *line <= loc.end_line;
            let above = loc.start_line == line + 1;
            if &loc.file != file || !(inside || above) {
                return false;
            }
        }
        self.tags.iter().all(|(k, v)| {
            resource
                .and_then(|r| r.attributes.get("tags"))
                .and_then(|t| t.get(k))
                .and_then(Value::as_str)
                == Some(v.as_str())
        })
    }
}

/// Reads inline `vouch:ignore` comments from the scanned files. A malformed one (no reason,
/// bad date) is an error diagnostic at its line: a waiver must say why and until when.
pub fn inline_waivers(inputs: &[Input]) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let mut waivers = Vec::new();
    let mut diagnostics = Vec::new();
    for input in inputs {
        let Ok(text) = std::fs::read_to_string(&input.path) else {
            continue;
        };
        if !text.contains(MARKER) {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let before = line[..at].trim_end();
            if !(before.ends_with('#') || before.ends_with("//")) {
                continue;
            }
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            match parse_inline(&line[at + MARKER.len()..], &input.path, line_no) {
                Ok(w) => waivers.push(w),
                Err(message) => diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    code: "invalid-waiver".to_owned(),
                    file: Some(input.path.clone()),
                    line: Some(line_no),
                    column: u32::try_from(at + 1).ok(),
                    message,
                }),
            }
        }
    }
    (waivers, diagnostics)
}

fn parse_inline(rest: &str, file: &str, line: u32) -> Result<Waiver, String> {
    let mut tokens = tokenize(rest).into_iter();
    let rule = tokens.next().filter(|t| !t.contains('=')).ok_or(
        "`vouch:ignore` needs a rule id: # vouch:ignore <rule-id> reason=\"…\" expires=YYYY-MM-DD",
    )?;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    for token in tokens {
        let (k, v) = token
            .split_once('=')
            .ok_or_else(|| format!("unexpected `{token}`: expected key=value"))?;
        if !matches!(k, "reason" | "expires" | "owner" | "ticket") {
            return Err(format!(
                "unknown key `{k}` (reason, expires, owner, ticket)"
            ));
        }
        fields.insert(k.to_owned(), v.to_owned());
    }
    let reason = fields
        .remove("reason")
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| format!("waiver for `{rule}` has no reason: add reason=\"…\""))?;
    let expires = match fields.remove("expires") {
        Some(d) => Some(
            parse_date(&d).ok_or_else(|| format!("expires=`{d}` is not a date (YYYY-MM-DD)"))?,
        ),
        None => None,
    };
    Waiver::new(
        &rule,
        None,
        BTreeMap::new(),
        WaiverRef {
            reason,
            owner: fields.remove("owner"),
            ticket: fields.remove("ticket"),
            expires: expires.map(date_string),
            expired: false,
            source: format!("{file}:{line}"),
        },
        expires,
        Some((file.to_owned(), line)),
    )
}

/// Splits `a b="c d" e=f` into `["a", "b=c d", "e=f"]`.
fn tokenize(s: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Applies waivers to outcomes (first matching waiver wins) and reports the stale and the
/// expired ones. `today` is the run's date.
pub fn apply(
    outcomes: &mut [Outcome],
    resources: &[Resource],
    waivers: &[Waiver],
    today: Date,
) -> WaiverReport {
    let by_address: BTreeMap<(&str, &str), &Resource> = resources
        .iter()
        .map(|r| ((r.kind.as_str(), r.address.as_str()), r))
        .collect();
    let mut used = vec![false; waivers.len()];
    let mut expired_used = vec![false; waivers.len()];
    for outcome in outcomes.iter_mut() {
        if !matches!(outcome.status, Status::Fail | Status::Unknown) {
            continue;
        }
        let resource = by_address
            .get(&(
                outcome.resource.kind.as_str(),
                outcome.resource.address.as_str(),
            ))
            .copied();
        let Some(i) = waivers.iter().position(|w| w.matches(outcome, resource)) else {
            continue;
        };
        let w = &waivers[i];
        used[i] = true;
        let mut record = w.record.clone();
        if w.expires.is_some_and(|e| e < today) {
            record.expired = true;
            expired_used[i] = true;
        } else {
            outcome.status = Status::Waived;
        }
        outcome.waiver = Some(record);
    }
    let mut report = WaiverReport::default();
    for (i, w) in waivers.iter().enumerate() {
        if !used[i] {
            report.unmatched.push(w.summary());
        } else if expired_used[i] {
            report.expired.push(w.summary());
        }
    }
    report.unmatched.sort();
    report.expired.sort();
    report
}

/// The calendar date of an RFC 3339 timestamp (the run's "today").
pub fn run_date(timestamp: &str) -> Option<Date> {
    timestamp.get(..10).and_then(parse_date)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn inline_comments_parse_with_quoted_reasons() {
        let w = parse_inline(
            r#" s3-bucket-versioning reason="scratch data, rebuilt nightly" expires=2027-01-31 owner=platform"#,
            "main.tf",
            4,
        )
        .unwrap();
        assert_eq!(w.rule_pattern, "s3-bucket-versioning");
        assert_eq!(w.record.reason, "scratch data, rebuilt nightly");
        assert_eq!(w.record.expires.as_deref(), Some("2027-01-31"));
        assert_eq!(w.record.owner.as_deref(), Some("platform"));
        assert_eq!(w.record.source, "main.tf:4");
    }

    #[test]
    fn inline_waivers_need_a_reason_and_a_real_date() {
        assert!(parse_inline(" s3-bucket-versioning", "m.tf", 1)
            .unwrap_err()
            .contains("no reason"));
        assert!(parse_inline(" x reason=y expires=tomorrow", "m.tf", 1)
            .unwrap_err()
            .contains("not a date"));
        assert!(parse_inline(" reason=y", "m.tf", 1).is_err());
    }

    #[test]
    fn run_date_takes_the_utc_day() {
        assert_eq!(
            run_date("2026-11-25T03:00:00Z").map(date_string).as_deref(),
            Some("2026-11-25")
        );
    }
}
