//! CloudFormation collector: discovery, parsing with lines (YAML through saphyr, JSON through
//! a span-aware parser), parameters, pseudo parameters, mappings, conditions, intrinsic
//! functions and local nested stacks. It returns one [`CfnResource`] per deployed resource,
//! with its properties evaluated; it never decides compliance and never maps to kinds (that is
//! [`crate::normalize::cloudformation`]).
//!
//! Detection is by content, not extension: a `.yaml`/`.yml`/`.json`/`.template` file is a
//! template when it has `AWSTemplateFormatVersion`, or a `Resources` map whose entries have
//! `Type: AWS::...`. Other YAML/JSON files are skipped silently; a file that fails to parse is
//! an error only when its text looks like a template.
//!
//! Decisions (see also [`intrinsics`] for value conventions):
//! - A resource whose `Condition` is false is not returned (it would not be deployed).
//!   A resource whose condition cannot be decided (it depends on a parameter without value,
//!   a pseudo parameter, ...) **is** returned, with [`CfnResource::condition_unknown`] set and a
//!   `cfn-condition-unknown` warning: judging a resource that may not exist is the
//!   conservative choice; silently dropping it could hide a failure.
//! - Addresses are logical IDs; resources of a nested stack (`AWS::CloudFormation::Stack`
//!   whose `TemplateURL` is a local path) are prefixed by the stack's address (`Parent.Child`).
//!   A template loaded as a nested stack of another scanned template is not also judged on its
//!   own (its parameters would otherwise be judged with defaults instead of what the parent
//!   passes).
//! - SAM templates (`Transform: AWS::Serverless-2016-10-31`): `Globals` are merged into
//!   `AWS::Serverless::*` resources (resource properties win); the implicit resources SAM
//!   generates are not synthesized.

pub mod intrinsics;
pub mod node;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::model::{Diagnostic, DiagnosticLevel, Input};
use intrinsics::{Ev, Lines, Scope};
use node::{Kind, Node};

/// Deepest chain of local nested stacks followed.
const MAX_NESTING: usize = 8;

/// The SAM transform name.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Inputs that change how templates evaluate.
#[derive(Debug, Clone, Default)]
pub struct CfnOptions {
    /// `--cfn-param NAME=VALUE`, applied last (highest precedence).
    pub cfn_params: Vec<(String, String)>,
    /// Parameter files, applied in order: `[{"ParameterKey": .., "ParameterValue": ..}]`
    /// (the CLI's `--parameters file://` shape) or `{"Parameters": {"Name": "Value"}}`
    /// (CodePipeline template configuration shape).
    pub param_files: Vec<PathBuf>,
    /// Pseudo parameter values (`AWS::Region`, `AWS::AccountId`, `AWS::StackName`,
    /// `AWS::Partition`, `AWS::URLSuffix`, ...). Absent ones are unknown.
    pub pseudo_params: Vec<(String, String)>,
}

/// One resource of a template, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CfnResource {
    /// Logical ID, prefixed by parent stack addresses for nested stacks (`Parent.Child`).
    pub address: String,
    /// The logical ID inside its own template.
    pub logical_id: String,
    /// `AWS::S3::Bucket`, `AWS::Serverless::Function`, ...
    pub resource_type: String,
    /// File holding the resource (display path, `/` separators).
    pub file: String,
    /// Root template this resource was loaded through (equals `file` outside nested stacks).
    /// Addresses are unique per root template; joins never cross root templates.
    pub template: String,
    /// 1-based inclusive line range of the resource entry (logical ID line to last line).
    pub start_line: u32,
    pub end_line: u32,
    /// `Properties` after intrinsic evaluation (an object; `{}` when absent).
    pub properties: Value,
    /// Line range of every property path (`BucketEncryption.ServerSideEncryptionConfiguration.0`).
    pub property_lines: BTreeMap<String, (u32, u32)>,
    /// The resource's `Condition`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Why the condition could not be decided (the resource is judged anyway).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_unknown: Option<String>,
    /// Transforms declared by the template (`AWS::Serverless-2016-10-31`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<String>,
}

/// What loading a set of paths produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Resources sorted by (template, address).
    pub resources: Vec<CfnResource>,
    /// Every template and parameter file read, with its digest.
    pub inputs: Vec<Input>,
    /// Parse errors (`error`) and unresolved conditions or nested stacks (`warning`).
    pub diagnostics: Vec<Diagnostic>,
    /// Number of templates recognised (root and nested).
    pub templates: usize,
}

/// Splits a reference string made by the evaluator: `"${A.B.Arn}"` → `"A.B.Arn"`.
/// Returns `None` when `value` is not exactly one reference.
pub fn reference(value: &str) -> Option<&str> {
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    if inner.is_empty() || inner.contains("${") || inner.contains('}') {
        return None;
    }
    Some(inner)
}

/// Discovers templates under `paths` and evaluates them. Never panics and never stops at
/// the first bad file.
///
/// Templates are read, parsed and evaluated in parallel, each by a loader of its own; their
/// outputs are concatenated in discovery order and sorted, so the result is the same as one
/// loader taking them in turn.
pub fn load(paths: &[PathBuf], options: &CfnOptions) -> Output {
    use rayon::prelude::*;

    let base = Loader::new(options);
    let files = discover(paths);
    let read: Vec<(Output, Option<Parsed>)> = files
        .into_par_iter()
        .map(|(path, explicit)| {
            let mut loader = base.fork();
            let parsed = loader
                .read_template(&path, explicit)
                .map(|(display, doc)| (path, display, doc));
            (loader.out, parsed)
        })
        .collect();
    let mut out = Output::default();
    let mut parsed: Vec<Parsed> = Vec::new();
    for (file_out, file) in read {
        out.merge(file_out);
        parsed.extend(file);
    }
    // Templates another scanned template uses as a local nested stack are judged through
    // their parent only.
    let mut nested: HashSet<PathBuf> = HashSet::new();
    for (path, _, doc) in &parsed {
        for child in literal_nested_templates(path, doc) {
            nested.insert(child);
        }
    }
    // Consumed: each template's tree is freed once it is evaluated, so the trees and the
    // evaluated resources are never all in memory together.
    let processed: Vec<Output> = parsed
        .into_par_iter()
        .filter_map(|(path, display, doc)| {
            let canonical = canonical(&path);
            if nested.contains(&canonical) {
                return None;
            }
            let mut loader = base.fork();
            let overrides = loader.root_overrides.clone();
            let mut chain = vec![canonical];
            loader.process(&path, &display, &display, &doc, "", &overrides, &mut chain);
            Some(loader.out)
        })
        .collect();
    let mut all = base.out;
    all.merge(out);
    for template_out in processed {
        all.merge(template_out);
    }
    all.resources
        .sort_by(|a, b| (&a.template, &a.address).cmp(&(&b.template, &b.address)));
    all.inputs.sort();
    all.inputs.dedup();
    all.diagnostics.sort();
    all.diagnostics.dedup();
    all
}

/// A template read and parsed: its path, its display name and its document.
type Parsed = (PathBuf, String, Node);

impl Output {
    fn merge(&mut self, other: Output) {
        self.resources.extend(other.resources);
        self.inputs.extend(other.inputs);
        self.diagnostics.extend(other.diagnostics);
        self.templates += other.templates;
    }
}

/// Evaluates one template given as text (tests and stdin). `display` names it in locations.
pub fn load_str(display: &str, text: &str, options: &CfnOptions) -> Output {
    let mut loader = Loader::new(options);
    let path = PathBuf::from(display);
    if let Some(doc) = loader.parse(&path, display, text, true) {
        loader
            .out
            .inputs
            .push(Input::from_bytes(display, text.as_bytes()));
        let overrides = loader.root_overrides.clone();
        let mut chain = vec![canonical(&path)];
        loader.process(&path, display, display, &doc, "", &overrides, &mut chain);
    }
    loader.out.diagnostics.sort();
    loader.out
}

struct Loader {
    pseudo: BTreeMap<String, String>,
    root_overrides: BTreeMap<String, Value>,
    out: Output,
}

fn diag(
    level: DiagnosticLevel,
    code: &str,
    file: &str,
    line: Option<u32>,
    message: String,
) -> Diagnostic {
    Diagnostic {
        level,
        code: code.to_owned(),
        file: Some(file.to_owned()),
        line,
        column: None,
        message,
    }
}

impl Loader {
    fn new(options: &CfnOptions) -> Self {
        let mut loader = Self {
            pseudo: options.pseudo_params.iter().cloned().collect(),
            root_overrides: BTreeMap::new(),
            out: Output::default(),
        };
        for file in &options.param_files {
            loader.read_param_file(file);
        }
        for (k, v) in &options.cfn_params {
            loader
                .root_overrides
                .insert(k.clone(), Value::String(v.clone()));
        }
        loader
    }

    /// A loader with the same parameters and an empty output, for one template.
    fn fork(&self) -> Self {
        Self {
            pseudo: self.pseudo.clone(),
            root_overrides: self.root_overrides.clone(),
            out: Output::default(),
        }
    }

    fn read_param_file(&mut self, path: &Path) {
        let display = display_path(path);
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                self.out.inputs.push(Input::from_bytes(&display, &bytes));
                let text = decode_text(&bytes)?;
                serde_json::from_str::<Value>(&text).map_err(|e| e.to_string())
            });
        let pairs: Option<Vec<(String, Value)>> = match parsed {
            Ok(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    let k = i.get("ParameterKey")?.as_str()?.to_owned();
                    let v = i.get("ParameterValue")?;
                    Some((k, Value::String(text_value(v)?)))
                })
                .collect(),
            Ok(Value::Object(map)) => {
                map.get("Parameters")
                    .and_then(Value::as_object)
                    .and_then(|p| {
                        p.iter()
                            .map(|(k, v)| Some((k.clone(), Value::String(text_value(v)?))))
                            .collect()
                    })
            }
            Ok(_) => None,
            Err(e) => {
                self.out.diagnostics.push(diag(
                    DiagnosticLevel::Error,
                    "cfn-param-file",
                    &display,
                    None,
                    format!("cannot read parameter file: {e}"),
                ));
                return;
            }
        };
        match pairs {
            Some(pairs) => self.root_overrides.extend(pairs),
            None => self.out.diagnostics.push(diag(
                DiagnosticLevel::Error,
                "cfn-param-file",
                &display,
                None,
                "expected [{\"ParameterKey\", \"ParameterValue\"}] or {\"Parameters\": {..}}"
                    .to_owned(),
            )),
        }
    }

    /// Reads and parses a file; `None` when it is not a template (or is broken, reported).
    fn read_template(&mut self, path: &Path, explicit: bool) -> Option<(String, Node)> {
        let display = display_path(path);
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                if explicit {
                    self.out.diagnostics.push(diag(
                        DiagnosticLevel::Error,
                        "read-error",
                        &display,
                        None,
                        e.to_string(),
                    ));
                }
                return None;
            }
        };
        let Ok(text) = decode_text(&bytes) else {
            return None;
        };
        let doc = self.parse(path, &display, &text, explicit)?;
        self.out.inputs.push(Input::from_bytes(&display, &bytes));
        Some((display, doc))
    }

    fn parse(&mut self, path: &Path, display: &str, text: &str, explicit: bool) -> Option<Node> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let json = match ext.as_deref() {
            Some("json") => true,
            Some("yaml" | "yml") => false,
            _ => text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'),
        };
        let parsed = if json {
            node::parse_json(text)
        } else {
            node::parse_yaml(text)
        };
        match parsed {
            Ok(doc) if is_template(&doc) => {
                self.out.templates += 1;
                Some(doc)
            }
            Ok(_) => None,
            Err(e) => {
                if explicit || looks_like_template(text) {
                    self.out.diagnostics.push(Diagnostic {
                        level: DiagnosticLevel::Error,
                        code: "parse-error".to_owned(),
                        file: Some(display.to_owned()),
                        line: Some(e.line),
                        column: Some(e.column),
                        message: format!("cannot parse CloudFormation template: {}", e.message),
                    });
                }
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn process(
        &mut self,
        path: &Path,
        display: &str,
        root: &str,
        doc: &Node,
        prefix: &str,
        overrides: &BTreeMap<String, Value>,
        chain: &mut Vec<PathBuf>,
    ) {
        let transforms = transforms(doc);
        let sam = transforms.iter().any(|t| t == SAM_TRANSFORM);
        let resources_node = doc.get("Resources");
        let entries: &[(node::Key, Node)] =
            resources_node.and_then(Node::as_map).unwrap_or_default();
        let ids: HashSet<String> = entries.iter().map(|(k, _)| k.name.clone()).collect();
        let params = parameters(doc, overrides);
        let mut scope = Scope::new(
            prefix.to_owned(),
            params,
            &self.pseudo,
            ids,
            doc.get("Mappings"),
            doc.get("Conditions"),
        );
        let globals = if sam { doc.get("Globals") } else { None };
        let mut pending_nested = Vec::new();
        let mut produced = Vec::with_capacity(entries.len());
        let mut diagnostics = Vec::new();
        for (key, body) in entries {
            let Some(rtype) = body.get("Type").and_then(Node::as_str) else {
                let module = body
                    .get("Type")
                    .and_then(|t| t.get("Fn::Rain::Module").or_else(|| t.get("Rain::Module")));
                let (code, message) = if key.name.starts_with("Fn::ForEach") {
                    ("cfn-unsupported", format!("{} (AWS::LanguageExtensions) is not expanded; its resources are not judged", key.name))
                } else if module.is_some() {
                    ("cfn-unsupported", format!("resource {prefix}{} is a Rain module, which is not expanded; its resources are not judged", key.name))
                } else {
                    (
                        "cfn-invalid-resource",
                        format!("resource {prefix}{} has no Type", key.name),
                    )
                };
                diagnostics.push(diag(
                    DiagnosticLevel::Warning,
                    code,
                    display,
                    Some(key.line),
                    message,
                ));
                continue;
            };
            let condition = body
                .get("Condition")
                .and_then(Node::as_str)
                .map(str::to_owned);
            let mut condition_unknown = None;
            if let Some(c) = &condition {
                match scope.condition(c) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(reason) => {
                        diagnostics.push(diag(
                            DiagnosticLevel::Warning,
                            "cfn-condition-unknown",
                            display,
                            Some(key.line),
                            format!(
                                "resource {prefix}{} is judged although its condition {c} could not be determined: {reason}",
                                key.name
                            ),
                        ));
                        condition_unknown = Some(reason);
                    }
                }
            }
            let mut lines = Lines::new();
            let mut properties = match body.get("Properties") {
                Some(p) => match scope.eval(p, "", &mut lines) {
                    Ev::Val(v) => v,
                    Ev::NoValue => Value::Object(serde_json::Map::new()),
                },
                None => Value::Object(serde_json::Map::new()),
            };
            if let (Some(globals), Some(section)) =
                (globals, rtype.strip_prefix("AWS::Serverless::"))
            {
                if let Some(g) = globals.get(section) {
                    let mut glines = Lines::new();
                    if let (Ev::Val(Value::Object(gmap)), Value::Object(pmap)) =
                        (scope.eval(g, "", &mut glines), &mut properties)
                    {
                        for (k, v) in gmap {
                            if !pmap.contains_key(&k) {
                                pmap.insert(k, v);
                            }
                        }
                        for (k, v) in glines {
                            lines.entry(k).or_insert(v);
                        }
                    }
                }
            }
            if rtype == "AWS::CloudFormation::Stack" {
                if let Some(url) = properties.get("TemplateURL").and_then(Value::as_str) {
                    if is_local(url) {
                        let params = properties
                            .get("Parameters")
                            .and_then(Value::as_object)
                            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                            .unwrap_or_default();
                        pending_nested.push((key.name.clone(), key.line, url.to_owned(), params));
                    }
                }
            }
            produced.push(CfnResource {
                address: format!("{prefix}{}", key.name),
                logical_id: key.name.clone(),
                resource_type: rtype.to_owned(),
                file: display.to_owned(),
                template: root.to_owned(),
                start_line: key.line,
                end_line: body.end_line.max(key.line),
                properties,
                property_lines: lines,
                condition,
                condition_unknown,
                transforms: transforms.clone(),
            });
        }
        drop(scope);
        self.out.resources.extend(produced);
        self.out.diagnostics.extend(diagnostics);
        for (id, line, url, params) in pending_nested {
            self.nested(path, display, root, prefix, &id, line, &url, &params, chain);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn nested(
        &mut self,
        parent: &Path,
        parent_display: &str,
        root: &str,
        prefix: &str,
        id: &str,
        line: u32,
        url: &str,
        params: &BTreeMap<String, Value>,
        chain: &mut Vec<PathBuf>,
    ) {
        // `./child.yaml` → `dir/child.yaml`: the display path carries no `.` components.
        let child: PathBuf = parent
            .parent()
            .unwrap_or(Path::new(""))
            .join(url)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let warn = |msg: String| {
            diag(
                DiagnosticLevel::Warning,
                "cfn-nested-stack-unresolved",
                parent_display,
                Some(line),
                msg,
            )
        };
        let canonical_child = canonical(&child);
        if chain.len() >= MAX_NESTING || chain.contains(&canonical_child) {
            self.out.diagnostics.push(warn(format!(
                "nested stack {prefix}{id} ({url}) is not followed: nesting cycle or deeper than {MAX_NESTING}"
            )));
            return;
        }
        if !child.is_file() {
            self.out.diagnostics.push(warn(format!(
                "nested stack {prefix}{id}: template {url} not found; its resources are not judged"
            )));
            return;
        }
        let Some((display, doc)) = self.read_template(&child, true) else {
            self.out.diagnostics.push(warn(format!(
                "nested stack {prefix}{id}: {url} is not a CloudFormation template"
            )));
            return;
        };
        chain.push(canonical_child);
        let child_prefix = format!("{prefix}{id}.");
        self.process(&child, &display, root, &doc, &child_prefix, params, chain);
        chain.pop();
    }
}

/// Parameter values: override > default > unknown; list types split on commas.
fn parameters(doc: &Node, overrides: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(entries) = doc.get("Parameters").and_then(Node::as_map) else {
        return out;
    };
    for (key, decl) in entries {
        let name = &key.name;
        let ptype = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
        let given = overrides
            .get(name)
            .cloned()
            .or_else(|| decl.get("Default").map(Node::to_json));
        let value = if ptype.starts_with("AWS::SSM::Parameter::Value") {
            crate::model::unknown(format!(
                "parameter {name} is read from SSM Parameter Store at deployment"
            ))
        } else {
            match given {
                None => crate::model::unknown(format!(
                    "parameter {name} has no default and no value was given"
                )),
                Some(v) if crate::model::unknown_reason(&v).is_some() => v,
                Some(v) if ptype.starts_with("List<") || ptype == "CommaDelimitedList" => match v {
                    Value::String(s) if s.is_empty() => Value::Array(Vec::new()),
                    Value::String(s) => Value::Array(
                        s.split(',')
                            .map(|p| Value::String(p.trim().to_owned()))
                            .collect(),
                    ),
                    other => other,
                },
                Some(v) if ptype == "Number" => match &v {
                    Value::String(s) => serde_json::from_str::<serde_json::Number>(s.trim())
                        .map(Value::Number)
                        .unwrap_or(v),
                    _ => v,
                },
                Some(Value::Number(n)) => Value::String(n.to_string()),
                Some(Value::Bool(b)) => Value::String(b.to_string()),
                Some(v) => v,
            }
        };
        out.insert(name.clone(), value);
    }
    out
}

fn text_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items
            .iter()
            .map(text_value)
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => None,
    }
}

fn transforms(doc: &Node) -> Vec<String> {
    match doc.get("Transform") {
        Some(n) => match &n.kind {
            Kind::String(s) => vec![s.clone()],
            Kind::Seq(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// True for a parsed document that is a CloudFormation (or SAM) template.
fn is_template(doc: &Node) -> bool {
    if doc.as_map().is_none() {
        return false;
    }
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    doc.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|rs| {
            rs.iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// Cheap text test used only to decide whether a parse failure is worth reporting.
fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

fn is_local(url: &str) -> bool {
    !(url.contains("://") || url.starts_with("${") || url.contains("${") || url.is_empty())
}

/// Local nested templates named by literal `TemplateURL`s of `doc` (resolved, canonical).
fn literal_nested_templates(path: &Path, doc: &Node) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    doc.get("Resources")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Node::as_str) == Some("AWS::CloudFormation::Stack"))
        .filter_map(|(_, r)| r.get("Properties")?.get("TemplateURL")?.as_str())
        .filter(|u| is_local(u))
        .map(|u| canonical(&dir.join(u)))
        .collect()
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Display form of a path: as given, `/` separators, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => s,
    }
}

/// Decodes file bytes: UTF-8 (BOM skipped) or UTF-16 with a BOM.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |le: bool, body: &[u8]| {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|e| format!("invalid UTF-16: {e}"))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|e| e.to_string())
        }
        [0xFF, 0xFE, rest @ ..] => utf16(true, rest),
        [0xFE, 0xFF, rest @ ..] => utf16(false, rest),
        _ => String::from_utf8(bytes.to_vec()).map_err(|e| format!("not UTF-8: {e}")),
    }
}

const SKIP_DIRS: [&str; 3] = [".git", "node_modules", ".terraform"];

/// Files to consider, sorted; `true` when the user named the file explicitly.
fn discover(paths: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let mut out = BTreeMap::new();
    for root in paths {
        if root.is_file() {
            out.insert(root.clone(), true);
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_dir()
                        && e.file_name()
                            .to_str()
                            .is_some_and(|n| SKIP_DIRS.contains(&n)))
            });
        for entry in walker.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let ext = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if matches!(ext.as_deref(), Some("yaml" | "yml" | "json" | "template")) {
                out.entry(entry.path().to_path_buf()).or_insert(false);
            }
        }
    }
    out.into_iter().collect()
}
