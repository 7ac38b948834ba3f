//! Terraform plan and state JSON collector (`terraform show -json` output).
//!
//! Produces the same [`TfInstance`]s as the HCL collector, so one adapter
//! ([`crate::normalize::terraform`]) serves both:
//! - instances come from `planned_values` (plans) or `values` (state), root module and
//!   `child_modules` recursively, with module addresses;
//! - `resource_changes[].change.after_unknown` is merged in: an attribute known only after
//!   apply is the unknown marker `"known after apply"`, except when the `configuration`
//!   expression of that attribute references a managed resource or data source, in which case
//!   the value is the Terraform interpolation string of the first such reference, as written
//!   in the configuration, i.e. relative to the instance's own module
//!   (`"${aws_s3_bucket.b.id}"`) — the same convention as the HCL collector, so the adapter's
//!   joins (which resolve references within the instance's module chain) work on plans;
//! - resources whose only change action is `delete` are not judged; `prior_state` is
//!   ignored unless [`PlanOptions::include_prior_state`].
//!
//! Detection is by content: a JSON object with `planned_values` or `resource_changes`, or
//! with `format_version` and `values`. Files are read as UTF-8 or UTF-16 with a BOM.
//! `format_version` major 0 and 1 are accepted (0.1/0.2, written by Terraform 0.12–0.15,
//! have the same structure as 1.x for everything read here); any other major version is an
//! error diagnostic.
//!
//! Locations: when the Terraform configuration is available (`tf_root`, or `.tf` files beside
//! the plan) each instance points at its HCL block, matched by address through
//! [`crate::collect::terraform::load`]; otherwise at the resource object inside the plan file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cloudformation::node::{parse_json, Kind, Node};
use super::cloudformation::{decode_text, display_path};
use super::terraform::{self, Mode, Output, TfInstance};
use crate::model::{unknown, Diagnostic, DiagnosticLevel, Input};

/// Reason carried by values Terraform computes during apply.
pub const AFTER_APPLY: &str = "known after apply";

/// Inputs that change how plans are read.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Terraform configuration directory used to point instances at HCL files and lines.
    /// Defaults to the plan file's directory when it holds `.tf` files.
    pub tf_root: Option<PathBuf>,
    /// Also judge resources present only in `prior_state` (not planned, not deleted).
    pub include_prior_state: bool,
}

/// Discovers plan/state JSON under `paths` (explicit files are always tried; in directories,
/// `*.json` files that look like plans) and returns their instances.
pub fn load(paths: &[PathBuf], options: &PlanOptions) -> Output {
    let mut out = Output::default();
    let mut hcl_cache: HashMap<PathBuf, HashMap<String, TfInstance>> = HashMap::new();
    for (path, explicit) in discover(paths) {
        let display = display_path(&path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                if explicit {
                    out.diagnostics
                        .push(error(&display, None, "read-error", e.to_string()));
                }
                continue;
            }
        };
        let text = match decode_text(&bytes) {
            Ok(t) => t,
            Err(e) => {
                if explicit {
                    out.diagnostics
                        .push(error(&display, None, "parse-error", e));
                }
                continue;
            }
        };
        let before = out.instances.len();
        if !load_text(&display, &text, options, explicit, &mut out) {
            continue;
        }
        out.inputs.push(Input::from_bytes(&display, &bytes));
        let tf_dir = options.tf_root.clone().or_else(|| {
            let dir = path.parent()?.to_path_buf();
            has_tf_files(&dir).then_some(dir)
        });
        if let Some(dir) = tf_dir {
            let by_address = hcl_cache.entry(dir.clone()).or_insert_with(|| {
                let hcl = terraform::load(&[dir], &terraform::Options::default());
                hcl.instances
                    .into_iter()
                    .map(|i| (i.address.clone(), i))
                    .collect()
            });
            for inst in &mut out.instances[before..] {
                if let Some(h) = by_address.get(&inst.address) {
                    inst.file.clone_from(&h.file);
                    inst.start_line = h.start_line;
                    inst.end_line = h.end_line;
                    inst.attribute_lines.clone_from(&h.attribute_lines);
                }
            }
        }
    }
    out.instances
        .sort_by(|a, b| (&a.address, &a.file).cmp(&(&b.address, &b.file)));
    out.inputs.sort();
    out.inputs.dedup();
    out.diagnostics.sort();
    out
}

/// Reads one plan given as text (already decoded). Returns `false` when it is not a plan.
pub fn load_str(display: &str, text: &str, options: &PlanOptions) -> Output {
    let mut out = Output::default();
    if load_text(display, text, options, true, &mut out) {
        out.inputs.push(Input::from_bytes(display, text.as_bytes()));
    }
    out
}

fn error(file: &str, node: Option<&Node>, code: &str, message: String) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Error,
        code: code.to_owned(),
        file: Some(file.to_owned()),
        line: node.map(|n| n.line),
        column: node.map(|n| n.column),
        message,
    }
}

fn looks_like_plan(text: &str) -> bool {
    text.contains("\"planned_values\"") || text.contains("\"format_version\"")
}

fn is_plan(doc: &Node) -> bool {
    doc.get("planned_values").is_some()
        || doc.get("resource_changes").is_some()
        || (doc.get("format_version").is_some() && doc.get("values").is_some())
}

fn load_text(
    display: &str,
    text: &str,
    options: &PlanOptions,
    explicit: bool,
    out: &mut Output,
) -> bool {
    let doc = match parse_json(text) {
        Ok(doc) => doc,
        Err(e) => {
            if explicit || looks_like_plan(text) {
                out.diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    code: "parse-error".to_owned(),
                    file: Some(display.to_owned()),
                    line: Some(e.line),
                    column: Some(e.column),
                    message: format!("cannot parse plan JSON: {}", e.message),
                });
            }
            return false;
        }
    };
    if !is_plan(&doc) {
        return false;
    }
    match doc.get("format_version") {
        Some(v) => {
            let text = v.scalar_text().unwrap_or_default();
            let major = text.split('.').next().and_then(|m| m.parse::<u32>().ok());
            if !matches!(major, Some(0 | 1)) {
                out.diagnostics.push(error(
                    display,
                    Some(v),
                    "plan-unsupported-format",
                    format!("plan format_version {text:?} is not supported (major version 0 or 1 expected)"),
                ));
                return true;
            }
        }
        None => out.diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            code: "plan-format-version-missing".to_owned(),
            file: Some(display.to_owned()),
            line: None,
            column: None,
            message: "plan JSON has no format_version; read as version 1".to_owned(),
        }),
    }
    let changes = resource_changes(&doc);
    let config = ConfigIndex::new(doc.get("configuration"));
    let mut seen = std::collections::HashSet::new();
    let planned = doc
        .get("planned_values")
        .or_else(|| doc.get("values"))
        .and_then(|v| v.get("root_module"));
    let mut ctx = Ctx {
        display,
        changes: &changes,
        config: &config,
        out,
        seen: &mut seen,
    };
    if let Some(root) = planned {
        ctx.walk_module(root, 0);
    }
    if options.include_prior_state {
        if let Some(root) = doc
            .get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|v| v.get("root_module"))
        {
            ctx.walk_module(root, 0);
        }
    }
    true
}

struct Change {
    delete_only: bool,
    after_unknown: Value,
}

fn resource_changes(doc: &Node) -> HashMap<String, Change> {
    let mut map = HashMap::new();
    for rc in doc
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let Some(address) = rc.get("address").and_then(Node::as_str) else {
            continue;
        };
        let change = rc.get("change");
        let actions: Vec<&str> = change
            .and_then(|c| c.get("actions"))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        map.insert(
            address.to_owned(),
            Change {
                delete_only: actions == ["delete"],
                after_unknown: change
                    .and_then(|c| c.get("after_unknown"))
                    .map(Node::to_json)
                    .unwrap_or(Value::Null),
            },
        );
    }
    map
}

/// `configuration` resources by module-qualified, index-free address
/// (`module.a.aws_s3_bucket.b`) → their `expressions` as JSON.
struct ConfigIndex {
    expressions: HashMap<String, Value>,
}

impl ConfigIndex {
    fn new(config: Option<&Node>) -> Self {
        let mut idx = Self {
            expressions: HashMap::new(),
        };
        if let Some(root) = config.and_then(|c| c.get("root_module")) {
            idx.add_module(root, "", 0);
        }
        idx
    }

    fn add_module(&mut self, module: &Node, prefix: &str, depth: usize) {
        if depth > 64 {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let (Some(addr), Some(expr)) = (
                r.get("address").and_then(Node::as_str),
                r.get("expressions"),
            ) {
                self.expressions
                    .insert(format!("{prefix}{addr}"), expr.to_json());
            }
        }
        for (key, call) in module
            .get("module_calls")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            if let Some(child) = call.get("module") {
                self.add_module(child, &format!("{prefix}module.{}.", key.name), depth + 1);
            }
        }
    }
}

struct Ctx<'a> {
    display: &'a str,
    changes: &'a HashMap<String, Change>,
    config: &'a ConfigIndex,
    out: &'a mut Output,
    seen: &'a mut std::collections::HashSet<String>,
}

impl Ctx<'_> {
    fn walk_module(&mut self, module: &Node, depth: usize) {
        if depth > 64 {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            self.resource(r);
        }
        for child in module
            .get("child_modules")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            self.walk_module(child, depth + 1);
        }
    }

    fn resource(&mut self, r: &Node) {
        let Some(address) = r.get("address").and_then(Node::as_str) else {
            return;
        };
        if !self.seen.insert(address.to_owned()) {
            return;
        }
        let change = self.changes.get(address);
        if change.is_some_and(|c| c.delete_only) {
            return;
        }
        let parsed = parse_address(address);
        let mode = match r.get("mode").and_then(Node::as_str) {
            Some("data") => Mode::Data,
            _ if parsed.data => Mode::Data,
            _ => Mode::Managed,
        };
        let resource_type = r
            .get("type")
            .and_then(Node::as_str)
            .map_or_else(|| parsed.resource_type.clone(), str::to_owned);
        let name = r
            .get("name")
            .and_then(Node::as_str)
            .map_or_else(|| parsed.name.clone(), str::to_owned);
        let values_node = r.get("values");
        let mut values = match values_node.map(Node::to_json) {
            Some(Value::Object(m)) => Value::Object(m),
            _ => Value::Object(serde_json::Map::new()),
        };
        let mut attribute_lines = BTreeMap::new();
        if let Some(v) = values_node {
            collect_lines(v, "", &mut attribute_lines, 0);
        }
        if let Some(change) = change {
            let config = self.config.expressions.get(&parsed.config_address);
            merge_unknown(&mut values, &change.after_unknown, config, 0);
        }
        self.out.instances.push(TfInstance {
            mode,
            resource_type,
            name,
            address: address.to_owned(),
            module_chain: parsed.module_chain,
            file: self.display.to_owned(),
            start_line: r.line,
            end_line: r.end_line,
            // A plan's instances are expanded.
            existence_unknown: None,
            values,
            attribute_lines,
        });
    }
}

fn collect_lines(node: &Node, path: &str, lines: &mut BTreeMap<String, (u32, u32)>, depth: usize) {
    if depth > 64 {
        return;
    }
    let join = |seg: &str| {
        if path.is_empty() {
            seg.to_owned()
        } else {
            format!("{path}.{seg}")
        }
    };
    match &node.kind {
        Kind::Map(entries) => {
            for (k, v) in entries {
                let p = join(&k.name);
                lines.insert(p.clone(), (k.line, v.end_line.max(k.line)));
                collect_lines(v, &p, lines, depth + 1);
            }
        }
        Kind::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = join(&i.to_string());
                lines.insert(p.clone(), (v.line, v.end_line));
                collect_lines(v, &p, lines, depth + 1);
            }
        }
        _ => {}
    }
}

/// Replaces every `true` leaf of `after_unknown` in `value` by a reference from the
/// configuration expression at the same path, or by the unknown marker.
fn merge_unknown(value: &mut Value, after_unknown: &Value, config: Option<&Value>, depth: usize) {
    if depth > 64 {
        return;
    }
    match after_unknown {
        Value::Bool(true) => {
            *value = config
                .and_then(reference_of)
                .unwrap_or_else(|| unknown(AFTER_APPLY));
        }
        Value::Object(map) if has_true(after_unknown) => {
            if !value.is_object() {
                *value = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(target) = value {
                for (k, u) in map {
                    if !has_true(u) {
                        continue;
                    }
                    let child = target.entry(k.clone()).or_insert(Value::Null);
                    merge_unknown(child, u, config.and_then(|c| c.get(k)), depth + 1);
                }
            }
        }
        Value::Array(items) if has_true(after_unknown) => {
            if !value.is_array() {
                *value = Value::Array(Vec::new());
            }
            if let Value::Array(target) = value {
                if target.len() < items.len() {
                    target.resize(items.len(), Value::Null);
                }
                for (i, u) in items.iter().enumerate() {
                    if !has_true(u) {
                        continue;
                    }
                    let child_config = config
                        .and_then(|c| c.as_array())
                        .and_then(|a| a.get(i).or(a.first()));
                    if let Some(child) = target.get_mut(i) {
                        merge_unknown(child, u, child_config, depth + 1);
                    }
                }
            }
        }
        _ => {}
    }
}

fn has_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(has_true),
        Value::Object(map) => map.values().any(has_true),
        _ => false,
    }
}

/// The first reference of a configuration expression that names a managed resource or a data
/// source, as an interpolation string relative to the instance's module.
fn reference_of(expr: &Value) -> Option<Value> {
    let refs = expr.get("references")?.as_array()?;
    refs.iter().filter_map(Value::as_str).find_map(|r| {
        let first = r.split(['.', '[']).next().unwrap_or_default();
        let is_resource = first == "data"
            || (first.contains('_')
                && !matches!(
                    first,
                    "var" | "local" | "module" | "each" | "count" | "path" | "self" | "terraform"
                ));
        // A bare `aws_s3_bucket.b` (no attribute) is listed after the attribute form; both
        // name the same resource, so the first match is the most specific.
        is_resource.then(|| Value::String(format!("${{{r}}}")))
    })
}

struct ParsedAddress {
    module_chain: Vec<String>,
    data: bool,
    resource_type: String,
    name: String,
    /// Module-qualified address without instance keys (`module.a.aws_s3_bucket.b`).
    config_address: String,
}

/// Splits a Terraform address at dots outside brackets and quotes.
fn split_address(address: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut start) = (0usize, false, false, 0usize);
    for (i, c) in address.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&address[start..]);
    parts
}

fn strip_key(segment: &str) -> &str {
    segment.split('[').next().unwrap_or(segment)
}

fn parse_address(address: &str) -> ParsedAddress {
    let parts = split_address(address);
    let mut i = 0;
    let mut module_chain = Vec::new();
    let mut config_address = String::new();
    while i + 1 < parts.len() && parts[i] == "module" {
        module_chain.push(format!("module.{}", parts[i + 1]));
        config_address.push_str(&format!("module.{}.", strip_key(parts[i + 1])));
        i += 2;
    }
    let data = parts.get(i) == Some(&"data");
    if data {
        i += 1;
        config_address.push_str("data.");
    }
    let resource_type = parts.get(i).copied().unwrap_or_default().to_owned();
    let name_part = parts.get(i + 1).copied().unwrap_or_default();
    config_address.push_str(&format!("{resource_type}.{}", strip_key(name_part)));
    ParsedAddress {
        module_chain,
        data,
        resource_type,
        name: strip_key(name_part).to_owned(),
        config_address,
    }
}

fn has_tf_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "tf"))
    })
}

const SKIP_DIRS: [&str; 3] = [".git", "node_modules", ".terraform"];

fn discover(paths: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let mut out = BTreeMap::new();
    for root in paths {
        if root.is_file() {
            out.insert(root.clone(), true);
            continue;
        }
        let walker = walkdir::WalkDir::new(root).into_iter().filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| SKIP_DIRS.contains(&n)))
        });
        for entry in walker.flatten() {
            if entry.file_type().is_file()
                && entry
                    .path()
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            {
                out.entry(entry.path().to_path_buf()).or_insert(false);
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_outside_keys() {
        let p =
            parse_address("module.a[\"x.y\"].module.b[0].data.aws_iam_policy_document.d[\"k\"]");
        assert_eq!(p.module_chain, vec!["module.a[\"x.y\"]", "module.b[0]"]);
        assert!(p.data);
        assert_eq!(p.resource_type, "aws_iam_policy_document");
        assert_eq!(p.name, "d");
        assert_eq!(
            p.config_address,
            "module.a.module.b.data.aws_iam_policy_document.d"
        );
    }
}
