//! Policy loading: built-in rules embedded at build time plus custom rules from a directory,
//! compiled once into one prepared regorus engine, with every rule's metadata validated.
//!
//! Invariants after [`PolicySet::load`] succeeds: rule IDs are unique, each rule's package is
//! `vouch.rules.<id with '-' → '_'>`, metadata deserializes into [`RuleMeta`] with no unknown
//! field, every declared kind has a schema, and `deny`/`unknown` evaluated once without error
//! (regorus reports unknown functions and unsafe variables only at evaluation time).

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::embedded::POLICY_FILES;
use crate::engine::builtins::{self, SharedParams};
use crate::engine::outcome::Severity;
use crate::model::kinds;

/// A problem loading or validating policies. Messages from regorus are kept verbatim.
#[derive(Debug, Error)]
pub enum PolicyError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("rule id `{id}` is defined twice: {first} and {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
}

/// Lifecycle of a rule: preview rules report but never gate unless asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    #[default]
    Stable,
    Preview,
    Deprecated,
}

/// A rule's metadata, read from the `metadata` object inside its policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable ID for waivers, rulesets and SARIF (`s3-bucket-encryption-at-rest`).
    pub id: String,
    /// Kebab name of the violation (`s3-bucket-unencrypted`).
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub severity: Severity,
    /// Canonical kinds this rule judges.
    pub kinds: Vec<String>,
    /// Attribute paths the verdict depends on: observed as evidence, and unknown ones
    /// keep the outcome from being a pass.
    #[serde(default)]
    pub inputs: Vec<String>,
    pub remediation: String,
    #[serde(default)]
    pub status: RuleStatus,
    /// Tunables with their defaults; configuration may override them.
    #[serde(default)]
    pub parameters: BTreeMap<String, Value>,
}

/// One loaded rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    /// `data.vouch.rules.<pkg>`.
    pub package: String,
    /// Where the rule came from (`policies/s3/x.rego` or a custom file path).
    pub path: String,
    /// The policy source text (kept for bundles and `rules show`).
    pub source: String,
    /// The test cases file beside the rule, when there is one.
    pub tests: Option<(String, String)>,
    pub builtin: bool,
    /// Which of the verdict sets the policy declares (an undeclared set is empty).
    pub(crate) has_deny: bool,
    pub(crate) has_unknown: bool,
    /// The policy declares `out_of_scope`: resources of its kinds it does not judge.
    pub(crate) has_out_of_scope: bool,
}

/// Per-rule parameter overrides from configuration: rule ID → parameter → value.
pub type Params = BTreeMap<String, BTreeMap<String, Value>>;

/// Every rule, compiled into one prepared engine that workers clone.
#[derive(Clone)]
pub struct PolicySet {
    pub rules: Vec<Rule>,
    pub(crate) engine: regorus::Engine,
    /// The parameter overrides the engine's `vouch_param` reads (policy tests swap them).
    pub(crate) params: SharedParams,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// Upper bound on one policy evaluation: a pathological policy becomes an `error` outcome.
pub const EVAL_TIME_LIMIT: Duration = Duration::from_secs(2);

/// Interpreter steps between two reads of the clock for [`EVAL_TIME_LIMIT`].
const TIMER_CHECK_INTERVAL: NonZeroU32 = NonZeroU32::new(64).unwrap();

impl PolicySet {
    /// Loads the built-in rules plus every `*.rego` under each custom directory.
    pub fn load(custom_dirs: &[PathBuf], params: &Params) -> Result<Self, PolicyError> {
        let mut files: Vec<(String, String, bool)> = POLICY_FILES
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned(), true))
            .collect();
        for dir in custom_dirs {
            read_custom(dir, &mut files)?;
        }
        Self::from_files(files, params)
    }

    /// Loads rules from (path, text, builtin) triples; `.rego` files are policies and
    /// `.test.yaml` files are the cases of the rule file with the same stem.
    pub fn from_files(
        files: Vec<(String, String, bool)>,
        params: &Params,
    ) -> Result<Self, PolicyError> {
        let mut engine = regorus::Engine::new();
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: EVAL_TIME_LIMIT,
            // Reading the clock on every step cost ~6% of evaluation; a runaway policy
            // still stops within a few microseconds of the limit.
            check_interval: TIMER_CHECK_INTERVAL,
        });
        let shared: SharedParams = Arc::new(RwLock::new(
            params
                .iter()
                .map(|(id, p)| {
                    let values = p
                        .iter()
                        .map(|(k, v)| (k.clone(), regorus::Value::from(v.clone())))
                        .collect();
                    (id.clone(), values)
                })
                .collect(),
        ));
        builtins::register(&mut engine, Arc::clone(&shared))
            .map_err(|e| invalid("native helpers", e))?;
        let tests: BTreeMap<String, (String, String)> = files
            .iter()
            .filter_map(|(path, text, _)| {
                let stem = path.strip_suffix(".test.yaml")?;
                Some((stem.to_owned(), (path.clone(), text.clone())))
            })
            .collect();

        let mut candidates = Vec::new();
        for (path, text, builtin) in files {
            let Some(stem) = path.strip_suffix(".rego") else {
                continue;
            };
            let package = engine
                .add_policy(path.clone(), text.clone())
                .map_err(|e| invalid(&path, e))?;
            if package.starts_with("data.vouch.rules.") {
                candidates.push(Rule {
                    meta: placeholder_meta(),
                    package,
                    tests: tests.get(stem).cloned(),
                    path,
                    source: text,
                    builtin,
                    has_deny: false,
                    has_unknown: false,
                    has_out_of_scope: false,
                });
            } else if !package.starts_with("data.vouch.") {
                // Helper packages (like `vouch.lib`) may sit beside rules; anything else is
                // a typo that would silently never run.
                return Err(invalid(
                    &path,
                    format!(
                        "package `{}` is outside `vouch.`: rules use `package vouch.rules.<id>`",
                        package.trim_start_matches("data.")
                    ),
                ));
            }
        }

        let known_kinds: BTreeSet<&str> = kinds::all().into_iter().collect();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for rule in &mut candidates {
            if !declares(&engine, rule, "metadata")? {
                return Err(invalid(
                    &rule.path,
                    "no `metadata` object: every rule declares `metadata := {...}`",
                ));
            }
            rule.has_deny = declares(&engine, rule, "deny")?;
            rule.has_unknown = declares(&engine, rule, "unknown")?;
            rule.has_out_of_scope = declares(&engine, rule, "out_of_scope")?;
            if !rule.has_deny {
                return Err(invalid(
                    &rule.path,
                    "no `deny` set: a rule that cannot fail judges nothing",
                ));
            }
            rule.meta = read_meta(&mut engine, rule)?;
            let expected = format!("data.vouch.rules.{}", rule.meta.id.replace('-', "_"));
            if rule.package != expected {
                return Err(invalid(
                    &rule.path,
                    format!(
                        "package `{}` does not match rule id `{}` (expected `{}`)",
                        rule.package.trim_start_matches("data."),
                        rule.meta.id,
                        expected.trim_start_matches("data.")
                    ),
                ));
            }
            validate_meta(&rule.meta, &known_kinds).map_err(|m| invalid(&rule.path, m))?;
            if let Some(first) = seen.insert(rule.meta.id.clone(), rule.path.clone()) {
                return Err(PolicyError::DuplicateId {
                    id: rule.meta.id.clone(),
                    first,
                    second: rule.path.clone(),
                });
            }
            // Force unknown functions and unsafe variables to surface now, not mid-scan.
            engine.set_input(regorus::Value::new_object());
            let declared = [true, rule.has_unknown, rule.has_out_of_scope];
            for (set, _) in ["deny", "unknown", "out_of_scope"]
                .into_iter()
                .zip(declared)
                .filter(|(_, d)| *d)
            {
                engine
                    .eval_rule(format!("{}.{set}", rule.package))
                    .map_err(|e| invalid(&rule.path, e))?;
            }
        }
        candidates.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(Self {
            rules: candidates,
            engine,
            params: shared,
        })
    }

    /// The rule with this ID.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// Applies configuration: severity overrides, and preview rules promoted to stable.
    pub fn tune(&mut self, severity: &BTreeMap<String, Severity>, enable: &[String]) {
        for rule in &mut self.rules {
            if let Some(s) = severity.get(&rule.meta.id) {
                rule.meta.severity = *s;
            }
            if enable.contains(&rule.meta.id) && rule.meta.status == RuleStatus::Preview {
                rule.meta.status = RuleStatus::Stable;
            }
        }
    }

    /// Runs `f` with `params` as rule `id`'s overrides (none when empty), then restores the
    /// configured ones. For policy test cases, which evaluate one rule at a time.
    pub(crate) fn with_params<T>(
        &self,
        id: &str,
        params: &BTreeMap<String, Value>,
        f: impl FnOnce() -> T,
    ) -> T {
        if params.is_empty() {
            return f();
        }
        let values = params
            .iter()
            .map(|(k, v)| (k.clone(), regorus::Value::from(v.clone())))
            .collect();
        let write = || self.params.write().unwrap_or_else(PoisonError::into_inner);
        let saved = write().insert(id.to_owned(), values);
        let result = f();
        match saved {
            Some(saved) => write().insert(id.to_owned(), saved),
            None => write().remove(id),
        };
        result
    }

    /// Keeps only the rules for which `keep` is true.
    pub fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        self.rules.retain(keep);
    }
}

fn placeholder_meta() -> RuleMeta {
    RuleMeta {
        id: String::new(),
        name: String::new(),
        title: String::new(),
        description: String::new(),
        severity: Severity::Info,
        kinds: Vec::new(),
        inputs: Vec::new(),
        remediation: String::new(),
        status: RuleStatus::Stable,
        parameters: BTreeMap::new(),
    }
}

fn read_meta(engine: &mut regorus::Engine, rule: &Rule) -> Result<RuleMeta, PolicyError> {
    let value = engine
        .eval_rule(format!("{}.metadata", rule.package))
        .map_err(|e| invalid(&rule.path, e))?;
    let json = serde_json::to_value(&value).map_err(|e| invalid(&rule.path, e))?;
    serde_json::from_value(json).map_err(|e| invalid(&rule.path, format!("metadata: {e}")))
}

/// Whether the rule's module declares a rule `name` (checked on the source, not evaluated).
fn declares(engine: &regorus::Engine, rule: &Rule, name: &str) -> Result<bool, PolicyError> {
    engine
        .has_declared_rule_rooted_at(&rule.path, name)
        .map_err(|e| invalid(&rule.path, e))
}

/// Lowercase letters and digits in dash-separated non-empty parts (`s3-bucket-versioning`):
/// the form of rule IDs and names.
pub(crate) fn kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn validate_meta(meta: &RuleMeta, known_kinds: &BTreeSet<&str>) -> Result<(), String> {
    if !kebab(&meta.id) {
        return Err(format!("metadata.id `{}` is not kebab-case", meta.id));
    }
    if !kebab(&meta.name) {
        return Err(format!("metadata.name `{}` is not kebab-case", meta.name));
    }
    if meta.title.trim().is_empty() || meta.remediation.trim().is_empty() {
        return Err("metadata.title and metadata.remediation must not be empty".to_owned());
    }
    if meta.kinds.is_empty() {
        return Err("metadata.kinds must name at least one kind".to_owned());
    }
    for kind in &meta.kinds {
        if !known_kinds.contains(kind.as_str()) {
            return Err(format!(
                "metadata.kinds: unknown kind `{kind}` (see `vouch schema` for the list)"
            ));
        }
    }
    Ok(())
}

fn read_custom(dir: &Path, files: &mut Vec<(String, String, bool)>) -> Result<(), PolicyError> {
    let io = |path: &Path, source| PolicyError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut found = false;
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| io(dir, e.into()))?;
        let path = entry.path();
        let name = path.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() && (name.ends_with(".rego") || name.ends_with(".test.yaml"))
        {
            let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
            found |= name.ends_with(".rego");
            files.push((name, text, false));
        }
    }
    if !found {
        return Err(PolicyError::Invalid {
            path: dir.display().to_string(),
            message: "no .rego files found".to_owned(),
        });
    }
    Ok(())
}

fn invalid(path: &str, message: impl std::fmt::Display) -> PolicyError {
    PolicyError::Invalid {
        path: path.to_owned(),
        message: message.to_string(),
    }
}
