//! `vouch rules`, `vouch rules show` and `vouch controls`: the rule library and the framework
//! coverage, as tables for people and JSON for tools.

use std::io::{self, Write};

use anyhow::{bail, Result};
use serde::Serialize;

use crate::cli::args::{ListFormat, RulesArgs, RulesCommand};
use crate::cli::Exit;
use crate::embedded::EXAMPLE_FILES;
use crate::engine::policy::Rule;
use crate::engine::PolicySet;
use crate::rulesets::{Coverage, Ruleset};

/// A control that maps a rule: (framework, control id, coverage).
#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    pub framework: String,
    pub control: String,
    pub title: String,
    pub coverage: Coverage,
}

/// Every control, in every built-in framework, that a rule evidences.
pub fn controls_of(rule_id: &str, rulesets: &[Ruleset]) -> Vec<ControlRef> {
    rulesets
        .iter()
        .flat_map(|set| {
            set.controls
                .iter()
                .filter(|c| c.rules.iter().any(|r| r == rule_id))
                .map(|c| ControlRef {
                    framework: set.framework.clone(),
                    control: c.id.clone(),
                    title: c.title.clone(),
                    coverage: c.coverage,
                })
        })
        .collect()
}

/// The compliant and non-compliant examples of a rule: `fixtures/parity/<id>/<name>`.
pub fn examples_of(rule_id: &str) -> Vec<(&'static str, &'static str)> {
    let prefix = format!("fixtures/parity/{rule_id}/");
    EXAMPLE_FILES
        .iter()
        .filter_map(|(path, text)| path.strip_prefix(prefix.as_str()).map(|name| (name, *text)))
        .collect()
}

pub fn run(args: RulesArgs) -> Result<Exit> {
    if let Some(RulesCommand::Show { id, policies }) = args.show {
        return show(&id, &policies);
    }
    let mut set = PolicySet::load(&args.policies, &Default::default())?;
    if let Some(f) = &args.framework {
        let ruleset = Ruleset::named(f)?;
        let mapped = ruleset.mapped_rules();
        set.retain(|r| mapped.contains(r.meta.id.as_str()));
    }
    let mut out = io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let metas: Vec<_> = set.rules.iter().map(|r| &r.meta).collect();
            serde_json::to_writer_pretty(&mut out, &metas)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(["ID", "SEVERITY", "KINDS", "TITLE"]);
            for r in &set.rules {
                table.add_row([
                    r.meta.id.clone(),
                    r.meta.severity.to_string(),
                    r.meta.kinds.join(", "),
                    r.meta.title.clone(),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(out, "{} rules", set.rules.len())?;
        }
    }
    Ok(Exit::Clean)
}

fn show(id: &str, policies: &[std::path::PathBuf]) -> Result<Exit> {
    let set = PolicySet::load(policies, &Default::default())?;
    let Some(rule) = set.rule(id) else {
        bail!("no rule `{id}` (see `vouch rules`)");
    };
    let text = render_rule(rule, &Ruleset::builtin()?);
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Exit::Clean)
}

/// The Markdown reference of a rule: used by `vouch rules show` and for `docs/rules/<id>.md`.
pub fn render_rule(rule: &Rule, rulesets: &[Ruleset]) -> String {
    let m = &rule.meta;
    let mut s = format!("# {}: {}\n\n", m.id, m.title);
    s.push_str(&format!(
        "- name: `{}`\n- severity: {}\n- kinds: {}\n- status: {:?}\n- source: `{}`\n\n",
        m.name,
        m.severity,
        m.kinds
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        m.status,
        rule.path
    ));
    if !m.description.is_empty() {
        s.push_str(&format!("## What it checks\n\n{}\n\n", m.description));
    }
    if !m.inputs.is_empty() {
        s.push_str("Attributes the verdict depends on: ");
        s.push_str(
            &m.inputs
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s.push_str("\n\n");
    }
    s.push_str(&format!("## Remediation\n\n{}\n\n", m.remediation));
    if !m.parameters.is_empty() {
        s.push_str("## Parameters\n\n| name | default |\n|---|---|\n");
        for (k, v) in &m.parameters {
            s.push_str(&format!("| `{k}` | `{v}` |\n"));
        }
        s.push('\n');
    }
    let examples = examples_of(&m.id);
    if !examples.is_empty() {
        s.push_str("## Examples\n\n");
        for (name, text) in examples {
            let lang = match name.rsplit('.').next() {
                Some("tf") => "hcl",
                Some("yaml") | Some("yml") => "yaml",
                _ => "json",
            };
            let verdict = if name.starts_with("pass") {
                "compliant"
            } else {
                "non-compliant"
            };
            s.push_str(&format!(
                "### {verdict} (`{name}`)\n\n```{lang}\n{}\n```\n\n",
                text.trim_end()
            ));
        }
    }
    let controls = controls_of(&m.id, rulesets);
    s.push_str("## Controls\n\n");
    if controls.is_empty() {
        s.push_str("Not mapped to any framework control.\n");
    } else {
        s.push_str("| framework | control | coverage | title |\n|---|---|---|---|\n");
        for c in controls {
            s.push_str(&format!(
                "| {} | {} | {:?} | {} |\n",
                c.framework, c.control, c.coverage, c.title
            ));
        }
    }
    s
}

#[derive(Serialize)]
struct CoverageMatrix {
    framework: String,
    title: String,
    version: String,
    full: Vec<String>,
    partial: Vec<String>,
    manual: Vec<String>,
}

pub fn controls(framework: &str, format: ListFormat) -> Result<Exit> {
    let set = Ruleset::named(framework)?;
    let ids = |cov: Coverage| -> Vec<String> {
        set.controls
            .iter()
            .filter(|c| c.coverage == cov)
            .map(|c| c.id.clone())
            .collect()
    };
    let matrix = CoverageMatrix {
        framework: set.framework.clone(),
        title: set.title.clone(),
        version: set.version.clone(),
        full: ids(Coverage::Full),
        partial: ids(Coverage::Partial),
        manual: ids(Coverage::Manual),
    };
    let mut out = io::stdout().lock();
    match format {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                summary: &'a CoverageMatrix,
                controls: &'a [crate::rulesets::Control],
            }
            serde_json::to_writer_pretty(
                &mut out,
                &Doc {
                    summary: &matrix,
                    controls: &set.controls,
                },
            )?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            table.set_header(["CONTROL", "COVERAGE", "RULES", "TITLE"]);
            for c in &set.controls {
                table.add_row([
                    c.id.clone(),
                    format!("{:?}", c.coverage).to_lowercase(),
                    c.rules.join(", "),
                    c.title.clone(),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "{} ({} {}): {} controls: {} automated (full), {} partial, {} manual",
                set.framework,
                set.title,
                set.version,
                set.controls.len(),
                matrix.full.len(),
                matrix.partial.len(),
                matrix.manual.len()
            )?;
        }
    }
    Ok(Exit::Clean)
}

/// The README's rules-by-framework table (generated; drift-checked by `tests/docs.rs`).
pub fn render_rules_table(rules: &[Rule], rulesets: &[Ruleset]) -> String {
    let mut s = String::from("| rule | severity |");
    for set in rulesets {
        s.push_str(&format!(" {} |", set.framework));
    }
    s.push_str("\n|---|---|");
    s.push_str(&"---|".repeat(rulesets.len()));
    s.push('\n');
    for rule in rules {
        s.push_str(&format!(
            "| [`{id}`](docs/rules/{id}.md) | {} |",
            rule.meta.severity,
            id = rule.meta.id
        ));
        for set in rulesets {
            let ids: Vec<&str> = set
                .controls
                .iter()
                .filter(|c| c.rules.contains(&rule.meta.id))
                .map(|c| c.id.as_str())
                .collect();
            s.push_str(&format!(
                " {} |",
                if ids.is_empty() {
                    "—".to_owned()
                } else {
                    ids.join(", ")
                }
            ));
        }
        s.push('\n');
    }
    s
}
