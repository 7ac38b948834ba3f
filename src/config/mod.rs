//! `vouch.toml`: the project's gate settings, rule tuning, Terraform variables and waivers.
//!
//! Found from the first scanned path upward, or given with `--config`. Unknown keys and
//! malformed values are errors pointing at `file:line:col` (the TOML deserializer stops at
//! the first of those); semantic checks then collect *every* remaining problem at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::engine::Severity;

/// The file name looked for when no `--config` is given.
pub const FILE_NAME: &str = "vouch.toml";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {}", problems.join(&format!("\n{path}: ")))]
    Invalid { path: String, problems: Vec<String> },
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where it was read from (set by the loader, not the file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// Gate threshold: `critical`, `high`, `medium`, `low` or `none`.
    pub fail_on: Option<String>,
    pub fail_on_unknown: Option<bool>,
    /// Frameworks to report control status for (`pci-dss-4.0.1`, ...).
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Glob patterns (relative to the config file's directory) of paths never scanned.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Directories of custom policies, relative to the config file.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub terraform: TerraformConfig,
    #[serde(default)]
    pub waivers: Vec<WaiverConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule IDs never evaluated.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Preview rules to treat as stable (they gate like any other).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Severity overrides by rule ID.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Parameter overrides by rule ID.
    #[serde(default)]
    pub parameters: BTreeMap<String, BTreeMap<String, Value>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerraformConfig {
    #[serde(default)]
    pub vars: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub var_files: Vec<PathBuf>,
}

/// A `[[waivers]]` entry: an accepted risk with a reason, an owner and an end date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverConfig {
    /// Rule ID (glob allowed).
    pub rule: String,
    /// Resource address or ARN (glob allowed); default: every resource.
    #[serde(default)]
    pub resource: Option<String>,
    /// Only resources whose `tags` have these values.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    /// Last day the waiver applies (`YYYY-MM-DD`).
    #[serde(default)]
    pub expires: Option<toml::value::Datetime>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: display.clone(),
            source,
        })?;
        let mut config = Self::parse(&text, &display)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and validates config text; `display` names it in errors.
    pub fn parse(text: &str, display: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_col(text, span.start))
                .unwrap_or((1, 1));
            ConfigError::Syntax {
                path: display.to_owned(),
                line,
                column,
                message: e.message().to_owned(),
            }
        })?;
        let problems = config.problems(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: display.to_owned(),
                problems,
            })
        }
    }

    /// Looks for `vouch.toml` in `start` (or its directory) and each parent directory.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                // Shown in messages and waiver sources: relative to the working directory
                // when it is below it, so reports do not depend on where the repo is.
                let cwd = std::env::current_dir().ok();
                return Some(
                    cwd.and_then(|c| candidate.strip_prefix(c).ok().map(Path::to_path_buf))
                        .unwrap_or(candidate),
                );
            }
            dir = d.parent();
        }
        None
    }

    /// The directory relative paths in the file are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// The gate threshold, when set.
    pub fn fail_on_severity(&self) -> Option<Option<Severity>> {
        self.fail_on.as_deref().and_then(parse_fail_on)
    }

    /// Every semantic problem; `text` is used to point at waiver lines.
    fn problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(f) = &self.fail_on {
            if parse_fail_on(f).is_none() {
                problems.push(format!(
                    "fail_on = \"{f}\": expected critical, high, medium, low or none"
                ));
            }
        }
        for pattern in self
            .exclude
            .iter()
            .chain(self.waivers.iter().map(|w| &w.rule))
        {
            if let Err(e) = globset::Glob::new(pattern) {
                problems.push(format!("`{pattern}` is not a valid glob: {e}"));
            }
        }
        let waiver_lines = waiver_lines(text);
        for (i, w) in self.waivers.iter().enumerate() {
            let at = waiver_lines
                .get(i)
                .map(|l| format!("line {l}: "))
                .unwrap_or_default();
            if w.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                problems.push(format!(
                    "{at}waiver for `{}` has no reason: a waiver must say why",
                    w.rule
                ));
            }
            if let Some(exp) = &w.expires {
                if exp.date.is_none() || exp.time.is_some() {
                    problems.push(format!(
                        "{at}waiver for `{}`: expires must be a date (YYYY-MM-DD)",
                        w.rule
                    ));
                }
            }
            if let Some(resource) = &w.resource {
                if let Err(e) = globset::Glob::new(resource) {
                    problems.push(format!("{at}`{resource}` is not a valid glob: {e}"));
                }
            }
        }
        problems
    }

    /// The line of the `[[waivers]]` header of waiver `index`, for messages.
    pub fn waiver_line(&self, index: usize) -> Option<usize> {
        let text = std::fs::read_to_string(self.path.as_ref()?).ok()?;
        waiver_lines(&text).get(index).copied()
    }
}

/// Parses a `--fail-on`-style threshold; `Some(None)` means "never".
pub fn parse_fail_on(s: &str) -> Option<Option<Severity>> {
    match s {
        "critical" => Some(Some(Severity::Critical)),
        "high" => Some(Some(Severity::High)),
        "medium" => Some(Some(Severity::Medium)),
        "low" => Some(Some(Severity::Low)),
        "none" => Some(None),
        _ => None,
    }
}

fn waiver_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[waivers]]"))
        .map(|(i, _)| i + 1)
        .collect()
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_point_at_their_line() {
        let err = Config::parse(
            "fail_on = \"high\"\n\n[rules]\ndisabel = [\"x\"]\n",
            "vouch.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("vouch.toml:4:1: "), "{err}");
        assert!(err.contains("disabel"), "{err}");
    }

    #[test]
    fn every_semantic_problem_is_reported_at_once() {
        let text = r#"
fail_on = "severe"

[[waivers]]
rule = "s3-bucket-versioning"
expires = 2026-12-31

[[waivers]]
rule = "kms-*"
reason = "  "
"#;
        let err = Config::parse(text, "vouch.toml").unwrap_err().to_string();
        assert!(err.contains("fail_on = \"severe\""), "{err}");
        assert!(
            err.contains("line 4: waiver for `s3-bucket-versioning` has no reason"),
            "{err}"
        );
        assert!(
            err.contains("line 8: waiver for `kms-*` has no reason"),
            "{err}"
        );
    }

    #[test]
    fn a_full_file_parses() {
        let text = r#"
fail_on = "medium"
fail_on_unknown = true
frameworks = ["pci-dss-4.0.1"]
exclude = ["examples/**"]

[rules]
disable = ["s3-bucket-versioning"]
severity = { "s3-bucket-access-logging" = "high" }

[rules.parameters.sg-no-public-admin-ports]
ports = [22, 3389]

[terraform]
vars = { env = "prod", replicas = 3 }

[[waivers]]
rule = "s3-bucket-access-logging"
resource = "aws_s3_bucket.logs*"
tags = { env = "dev" }
reason = "log bucket cannot log to itself"
owner = "platform"
ticket = "SEC-12"
expires = 2027-01-31
"#;
        let c = Config::parse(text, "vouch.toml").unwrap();
        assert_eq!(c.fail_on_severity(), Some(Some(Severity::Medium)));
        assert_eq!(c.rules.severity["s3-bucket-access-logging"], Severity::High);
        assert_eq!(c.waivers[0].expires.unwrap().to_string(), "2027-01-31");
    }
}
