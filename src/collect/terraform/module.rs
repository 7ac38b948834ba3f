//! Modules: loading a directory into a [`ModuleDef`], and evaluating a module instance
//! ([`Scope`]): variables, locals, resources (with `count`/`for_each`), module calls and
//! outputs. Everything is evaluated lazily and memoized, so references may appear in any
//! order; a reference back into something being evaluated is a cycle and yields an unknown
//! plus a diagnostic instead of recursing.
//!
//! Invariants: a loaded module is shared by every instance of it until the loader evicts
//! it (then a later use parses it again, with the same result); module nesting is bounded
//! by [`MAX_MODULE_DEPTH`]; a call into a directory already on the call stack is a cycle.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};

use serde_json::{Map, Value};

use super::compact;
use super::discover::{display_join, list_dir, SourceFile};
use super::hcl::ast::{Expr, ObjectKey, Part};
use super::parse::{self, Attr, Block, Body, Lines};
use super::policy_document;
use super::value::{self, is_unknown, unk};
use super::{Mode, Options, TfInstance};
use crate::model::{first_unknown, Diagnostic, DiagnosticLevel, Input};

/// Deepest module call chain that is followed.
pub const MAX_MODULE_DEPTH: usize = 32;
/// Largest file that is read.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Variables bound while evaluating (`count`, `each`, `for` variables, dynamic iterators).
///
/// A persistent list: binding a name makes a new environment that shares the enclosing one,
/// so a `for` over many items never copies the bindings around it. The newest binding of a
/// name shadows older ones.
#[derive(Clone, Default)]
pub struct Env(Option<Rc<Binding>>);

struct Binding {
    name: String,
    value: Value,
    next: Env,
}

impl Env {
    /// No bindings.
    pub fn new() -> Self {
        Self(None)
    }

    /// The value bound to `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let mut cur = self.0.as_deref();
        while let Some(b) = cur {
            if b.name == name {
                return Some(&b.value);
            }
            cur = b.next.0.as_deref();
        }
        None
    }

    /// This environment with `name` bound to `value`.
    pub fn with(&self, name: impl Into<String>, value: Value) -> Self {
        Self(Some(Rc::new(Binding {
            name: name.into(),
            value,
            next: self.clone(),
        })))
    }
}

impl FromIterator<(String, Value)> for Env {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Env::new(), |env, (name, value)| env.with(name, value))
    }
}

/// Arguments of a resource body that are meta-arguments, not values.
const RESOURCE_META_ATTRS: &[&str] = &["count", "for_each", "provider", "depends_on"];
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
/// Arguments of a module call that are not inputs.
const CALL_META_ATTRS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// A `resource` or `data` block.
#[derive(Debug)]
pub struct ResDef {
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    pub body: Body,
    pub file: String,
    pub lines: Lines,
}

/// A named item with its file (variables, locals, outputs, module calls).
#[derive(Debug)]
pub struct Named<T> {
    pub item: T,
    pub file: String,
    pub lines: Lines,
}

/// A `variable` block: its default and type constraint.
#[derive(Debug)]
pub struct VarDef {
    pub default: Option<Expr>,
    pub ty: Option<Expr>,
}

/// The parsed configuration of one module directory.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub display: String,
    pub variables: BTreeMap<String, Named<VarDef>>,
    pub locals: BTreeMap<String, Named<Expr>>,
    pub outputs: BTreeMap<String, Named<Expr>>,
    /// Keyed `type.name` (managed) or `data.type.name`.
    pub resources: BTreeMap<String, ResDef>,
    pub calls: BTreeMap<String, Named<Block>>,
    /// Canonical directories of local module sources (for root detection).
    pub local_targets: BTreeSet<PathBuf>,
}

/// The literal `source` of a module call, when it is a plain string.
pub fn literal_source(body: &Body) -> Option<String> {
    let attr = body.attr("source")?;
    match &attr.expr {
        Expr::String(s) => Some(s.to_string()),
        Expr::Template(parts) => {
            let mut out = String::new();
            for part in parts.iter() {
                match part {
                    Part::Literal(s) => out.push_str(s),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// True for sources Terraform treats as local paths.
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// An instance as the loader keeps it until the load returns: its values and attribute
/// lines packed (see [`compact`]), the rest as in [`TfInstance`].
#[derive(Debug, Clone, PartialEq)]
pub struct Emitted {
    pub mode: Mode,
    pub resource_type: String,
    pub name: String,
    pub address: String,
    pub module_chain: Vec<String>,
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub existence_unknown: Option<String>,
    pub packed: compact::Packed,
}

impl Emitted {
    /// The instance with its values unpacked.
    pub fn unpack(self) -> TfInstance {
        let (values, attribute_lines) = compact::unpack(&self.packed);
        TfInstance {
            mode: self.mode,
            resource_type: self.resource_type,
            name: self.name,
            address: self.address,
            module_chain: self.module_chain,
            file: self.file,
            start_line: self.start_line,
            end_line: self.end_line,
            existence_unknown: self.existence_unknown,
            values,
            attribute_lines,
        }
    }
}

/// How a resource or module call expands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    Single,
    Count,
    ForEach,
    /// `count`/`for_each` could not be determined (why): evaluated once, unexpanded.
    Unknown(String),
}

/// One evaluated resource instance.
#[derive(Debug)]
pub struct InstEval {
    /// `count.index` or `each.key`; `Null` for a single or unexpanded instance.
    pub key: Value,
    /// Address without module prefix: `aws_s3_bucket.b["x"]`.
    pub local_address: String,
    pub values: Map<String, Value>,
    pub lines: BTreeMap<String, Lines>,
}

/// All instances of one resource block.
#[derive(Debug)]
pub struct ResEval {
    pub expansion: Expansion,
    pub instances: Vec<InstEval>,
}

/// All instances of one module call.
pub struct CallEval<'l> {
    pub expansion: Expansion,
    pub children: Vec<(Value, Rc<Scope<'l>>)>,
    /// Why the module cannot be evaluated (remote source not installed, cycle, depth).
    pub unresolved: Option<String>,
}

enum Slot<T> {
    Busy,
    Done(T),
}

/// Per-root context: the root module directory and its `.terraform/modules` manifest.
pub struct RootCtx {
    pub dir: PathBuf,
    pub display: String,
    /// `modules.json` Key → (canonical dir, display dir).
    pub manifest: BTreeMap<String, (PathBuf, String)>,
}

/// Reads a file's bytes, refusing files over [`MAX_FILE_BYTES`].
fn read_bytes(path: &Path, display: &str) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {display}: {e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{display} is {} bytes, larger than the {MAX_FILE_BYTES}-byte limit",
            meta.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {display}: {e}"))
}

/// The bytes as configuration text: not binary, valid UTF-8.
fn text_of(bytes: Vec<u8>, display: &str) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err(format!("{display} is a binary file"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{display} is not UTF-8 text"))
}

/// Reads a file as UTF-8 text: the input record (when the bytes could be read) and the text
/// or why there is none.
fn read_text(path: &Path, display: &str) -> (Option<Input>, Result<String, String>) {
    match read_bytes(path, display) {
        Ok(bytes) => (
            Some(Input::from_bytes(display.to_owned(), &bytes)),
            text_of(bytes, display),
        ),
        Err(e) => (None, Err(e)),
    }
}

/// Parses a file's text with the syntax its name says.
fn parse_source(display: &str, text: &str) -> Result<Body, Diagnostic> {
    if display.ends_with(".json") {
        parse::parse_json(display, text)
    } else {
        parse::parse_hcl(display, text)
    }
}

/// Canonical directories of the local module calls (`source = "./x"`) in `body`, a file of
/// the module in `dir`: the calls [`Loader::module_def`] records in
/// [`ModuleDef::local_targets`].
pub fn local_targets(body: &Body, dir: &Path) -> Vec<PathBuf> {
    body.blocks
        .iter()
        .filter(|b| b.kind == "module" && !b.labels.is_empty())
        .filter_map(|b| literal_source(&b.body))
        .filter(|src| is_local_source(src))
        .filter_map(|src| std::fs::canonicalize(dir.join(src)).ok())
        .collect()
}

/// A configuration file's text for scanning: `None` when it is too large, unreadable or not
/// UTF-8 (the loader reports those).
pub fn scan_text(file: &SourceFile) -> Option<String> {
    read_bytes(&file.path, &file.display)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

/// The local module calls in a configuration file's `text`, found without keeping its
/// syntax tree; empty when the loader would not read the file (binary) or cannot parse it,
/// since it then calls nothing when loaded either.
pub fn file_local_targets(file: &SourceFile, text: &str, dir: &Path) -> Vec<PathBuf> {
    if text.contains('\0') || !may_have_module_block(&file.display, text) {
        return Vec::new();
    }
    parse_source(&file.display, text)
        .map(|body| local_targets(&body, dir))
        .unwrap_or_default()
}

/// False only when `text` certainly holds no `module` block with a local `source`, so that
/// most files need no parse here.
///
/// A native-syntax body item starts its line, after whitespace or a `/* */` comment (any file
/// with a block comment is therefore parsed). A local source is a literal whose text starts
/// with a dot: a quoted `"./`, `"../`, `"."` or `".."`, an escaped dot (`\u002e`), or a
/// heredoc whose first line starts with a dot.
fn may_have_module_block(display: &str, text: &str) -> bool {
    if !LOCAL_LITERAL.as_ref().is_none_or(|re| re.is_match(text)) {
        return false;
    }
    if display.ends_with(".json") {
        return text.contains("\"module\"");
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.contains("/*")
        || text.lines().any(|line| {
            line.trim_start()
                .strip_prefix("module")
                .is_some_and(|rest| {
                    rest.starts_with(|c: char| c.is_whitespace() || matches!(c, '"' | '{' | '/'))
                })
        })
}

/// Text that can start a literal local path (see [`may_have_module_block`]); without the
/// pattern every candidate file is parsed.
static LOCAL_LITERAL: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#""(?:\.\.?/|\.\.?"|\\[uU]0*2[eE])|<<-?[\p{XID_Start}_][\p{XID_Continue}-]*\r?\n[ \t]*\."#,
    )
    .ok()
});

/// One Terraform file read and parsed.
pub struct ParsedFile {
    input: Option<Input>,
    body: Result<Body, Diagnostic>,
}

impl ParsedFile {
    /// Reads and parses `file`.
    pub fn read(file: &SourceFile) -> Self {
        let (input, text) = read_text(&file.path, &file.display);
        let body = text
            .map_err(|msg| parse::parse_error(&file.display, 1, 1, msg))
            .and_then(|text| parse_source(&file.display, &text));
        Self { input, body }
    }
}

/// State shared by every module evaluated in one `load`.
pub struct Loader {
    pub options: Options,
    /// Canonical scanned paths: `file()` never reads outside them.
    pub allowed_roots: Vec<PathBuf>,
    pub found: BTreeMap<PathBuf, Vec<SourceFile>>,
    /// Modules loaded and not yet evicted (see [`Loader::evict`]).
    defs: RefCell<BTreeMap<PathBuf, Rc<ModuleDef>>>,
    /// Every module directory loaded so far, evicted or not.
    loaded: RefCell<BTreeSet<PathBuf>>,
    pub diagnostics: RefCell<Vec<Diagnostic>>,
    pub inputs: RefCell<Vec<Input>>,
    pub instances: RefCell<Vec<Emitted>>,
    /// `(file, address)` of every instance recorded. A module called under the same name by
    /// several roots yields the same instance once per root; the load keeps only the first
    /// (a file belongs to one group, so this is the load's final de-duplication, done before
    /// the copy is made).
    emitted: RefCell<BTreeSet<(String, String)>>,
    /// Current evaluation nesting (expressions, references, modules).
    pub depth: Cell<u32>,
    pub cwd: String,
}

impl Loader {
    pub fn new(
        options: Options,
        allowed_roots: Vec<PathBuf>,
        found: BTreeMap<PathBuf, Vec<SourceFile>>,
    ) -> Self {
        let cwd = std::env::current_dir()
            .map(|p| super::discover::display_path(&p))
            .unwrap_or_else(|_| ".".to_owned());
        Self {
            options,
            allowed_roots,
            found,
            defs: RefCell::new(BTreeMap::new()),
            loaded: RefCell::new(BTreeSet::new()),
            diagnostics: RefCell::new(Vec::new()),
            inputs: RefCell::new(Vec::new()),
            instances: RefCell::new(Vec::new()),
            emitted: RefCell::new(BTreeSet::new()),
            depth: Cell::new(0),
            cwd,
        }
    }

    /// Records a diagnostic.
    pub fn diag(
        &self,
        level: DiagnosticLevel,
        code: &str,
        file: Option<&str>,
        line: Option<u32>,
        message: String,
    ) {
        self.diagnostics.borrow_mut().push(Diagnostic {
            level,
            code: code.to_owned(),
            file: file.map(str::to_owned),
            line,
            column: None,
            message,
        });
    }

    /// Reads a file as UTF-8 text, recording it as an input. Errors are messages.
    pub fn read_text(&self, path: &Path, display: &str) -> Result<String, String> {
        let (input, text) = read_text(path, display);
        self.inputs.borrow_mut().extend(input);
        text
    }

    /// Loads (once) the module in `dir`.
    pub fn module_def(&self, dir: &Path, display: &str) -> Rc<ModuleDef> {
        if let Some(d) = self.defs.borrow().get(dir) {
            return Rc::clone(d);
        }
        let files = self
            .found
            .get(dir)
            .cloned()
            .unwrap_or_else(|| list_dir(dir, display));
        let display = files
            .first()
            .and_then(|f| f.display.rsplit_once('/').map(|(d, _)| d.to_owned()))
            .unwrap_or_else(|| display.to_owned());
        let mut def = ModuleDef {
            dir: dir.to_path_buf(),
            display,
            ..ModuleDef::default()
        };
        for file in &files {
            let ParsedFile { input, body } = ParsedFile::read(file);
            self.inputs.borrow_mut().extend(input);
            match body {
                Ok(body) => self.add_file(&mut def, body, &file.display),
                Err(d) => self.diagnostics.borrow_mut().push(d),
            }
        }
        let def = Rc::new(def);
        self.defs
            .borrow_mut()
            .insert(dir.to_path_buf(), Rc::clone(&def));
        self.loaded.borrow_mut().insert(dir.to_path_buf());
        def
    }

    /// True when the module in `dir` was loaded at some point (it may be evicted since).
    pub fn was_loaded(&self, dir: &Path) -> bool {
        self.loaded.borrow().contains(dir)
    }

    /// Forgets the module in `dir` so that its syntax tree is freed once no scope uses it.
    /// Loading it again later re-reads it; its inputs and diagnostics are then recorded twice,
    /// which the caller's de-duplication absorbs.
    pub fn evict(&self, dir: &Path) {
        self.defs.borrow_mut().remove(dir);
    }

    fn add_file(&self, def: &mut ModuleDef, body: Body, file: &str) {
        for attr in &body.attrs {
            self.diag(
                DiagnosticLevel::Warning,
                "unexpected-argument",
                Some(file),
                Some(attr.lines.0),
                format!("top-level argument \"{}\" is ignored", attr.name),
            );
        }
        for block in body.blocks {
            let lines = block.lines;
            let label = |i: usize| block.labels.get(i).cloned();
            match block.kind.as_str() {
                "resource" | "data" => {
                    let (Some(rtype), Some(name)) = (label(0), label(1)) else {
                        continue;
                    };
                    let mode = if block.kind == "data" {
                        Mode::Data
                    } else {
                        Mode::Managed
                    };
                    let key = if mode == Mode::Data {
                        format!("data.{rtype}.{name}")
                    } else {
                        format!("{rtype}.{name}")
                    };
                    if def.resources.contains_key(&key) {
                        self.duplicate(file, lines.0, &key);
                        continue;
                    }
                    def.resources.insert(
                        key,
                        ResDef {
                            mode,
                            rtype,
                            name,
                            body: block.body,
                            file: file.to_owned(),
                            lines,
                        },
                    );
                }
                "variable" => {
                    let Some(name) = label(0) else { continue };
                    let default = VarDef {
                        default: block.body.attr("default").map(|a| a.expr.clone()),
                        ty: block.body.attr("type").map(|a| a.expr.clone()),
                    };
                    if def.variables.contains_key(&name) {
                        self.duplicate(file, lines.0, &format!("var.{name}"));
                        continue;
                    }
                    def.variables.insert(name, named(default, file, lines));
                }
                "output" => {
                    let Some(name) = label(0) else { continue };
                    let Some(value) = block.body.attr("value") else {
                        continue;
                    };
                    def.outputs
                        .insert(name, named(value.expr.clone(), file, value.lines));
                }
                "locals" => {
                    for Attr { name, expr, lines } in block.body.attrs {
                        if def.locals.contains_key(&name) {
                            self.duplicate(file, lines.0, &format!("local.{name}"));
                            continue;
                        }
                        def.locals.insert(name, named(expr, file, lines));
                    }
                }
                "module" => {
                    let Some(name) = label(0) else { continue };
                    if let Some(src) = literal_source(&block.body) {
                        if is_local_source(&src) {
                            if let Ok(c) = std::fs::canonicalize(def.dir.join(&src)) {
                                // Keep in step with `local_targets`, which the loader uses to
                                // find roots before any module is loaded.
                                def.local_targets.insert(c);
                            }
                        }
                    }
                    if def.calls.contains_key(&name) {
                        self.duplicate(file, lines.0, &format!("module.{name}"));
                        continue;
                    }
                    def.calls.insert(name, named(block, file, lines));
                }
                _ => {}
            }
        }
    }

    fn duplicate(&self, file: &str, line: u32, what: &str) {
        self.diag(
            DiagnosticLevel::Warning,
            "duplicate-declaration",
            Some(file),
            Some(line),
            format!("{what} is declared more than once; the first declaration is used"),
        );
    }

    /// Reads `.terraform/modules/modules.json` of a root module.
    pub fn root_ctx(&self, def: &ModuleDef) -> RootCtx {
        let mut manifest = BTreeMap::new();
        let path = def
            .dir
            .join(".terraform")
            .join("modules")
            .join("modules.json");
        if path.is_file() {
            let display = display_join(&def.display, ".terraform/modules/modules.json");
            match self.read_text(&path, &display) {
                Ok(text) => match serde_json::from_str::<Value>(&text) {
                    Ok(v) => {
                        for m in v
                            .get("Modules")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            let (Some(key), Some(dir)) = (
                                m.get("Key").and_then(Value::as_str),
                                m.get("Dir").and_then(Value::as_str),
                            ) else {
                                continue;
                            };
                            if key.is_empty() {
                                continue;
                            }
                            if let Ok(c) = std::fs::canonicalize(def.dir.join(dir)) {
                                manifest
                                    .insert(key.to_owned(), (c, display_join(&def.display, dir)));
                            }
                        }
                    }
                    Err(e) => self.diagnostics.borrow_mut().push(parse::parse_error(
                        &display,
                        u32::try_from(e.line()).unwrap_or(0),
                        u32::try_from(e.column()).unwrap_or(0),
                        e.to_string(),
                    )),
                },
                Err(msg) => self.diag(
                    DiagnosticLevel::Warning,
                    "read-error",
                    Some(&display),
                    None,
                    msg,
                ),
            }
        }
        RootCtx {
            dir: def.dir.clone(),
            display: def.display.clone(),
            manifest,
        }
    }
}

fn named<T>(item: T, file: &str, lines: Lines) -> Named<T> {
    Named {
        item,
        file: file.to_owned(),
        lines,
    }
}

/// Where a module instance's variables get their values.
pub enum Inputs<'l> {
    /// Already evaluated (a root module's variable files and `--var`s).
    Given(BTreeMap<String, Value>),
    /// The arguments of call `call` in the calling instance, evaluated with `env` (its
    /// `count.index`/`each`) when the variable is first read. Terraform evaluates each input
    /// on its own, so an input may refer to an output of the very module it feeds
    /// (`policy = data.aws_iam_policy_document.p.json` where the document names
    /// `module.bucket.arn`): evaluating all inputs when the call is built would make that a
    /// cycle.
    Call {
        caller: Weak<Scope<'l>>,
        call: String,
        env: Env,
    },
}

/// One module instance being evaluated.
pub struct Scope<'l> {
    pub loader: &'l Loader,
    pub def: Rc<ModuleDef>,
    pub root: Rc<RootCtx>,
    /// `["module.a[\"x\"]", "module.b"]`.
    pub chain: Vec<String>,
    /// Call names from the root (`["a", "b"]`), the `modules.json` key.
    pub keys: Vec<String>,
    /// Module directories on the call stack (cycle detection).
    pub stack: Vec<PathBuf>,
    /// This instance, for the [`Inputs::Call`] of its children.
    this: Weak<Scope<'l>>,
    inputs: RefCell<Inputs<'l>>,
    vars: RefCell<BTreeMap<String, Slot<Rc<Value>>>>,
    /// Memoized; shared so that a reference can walk into a value without copying it.
    locals: RefCell<BTreeMap<String, Slot<Rc<Value>>>>,
    outputs: RefCell<BTreeMap<String, Slot<Rc<Value>>>>,
    resources: RefCell<BTreeMap<String, Slot<Rc<ResEval>>>>,
    calls: RefCell<BTreeMap<String, Slot<Rc<CallEval<'l>>>>>,
}

impl<'l> Scope<'l> {
    /// Creates a module instance whose variables come from `inputs` (or their defaults).
    pub fn new(
        loader: &'l Loader,
        def: Rc<ModuleDef>,
        root: Rc<RootCtx>,
        chain: Vec<String>,
        keys: Vec<String>,
        stack: Vec<PathBuf>,
        inputs: Inputs<'l>,
    ) -> Rc<Self> {
        Rc::new_cyclic(|this| Self {
            loader,
            def,
            root,
            chain,
            keys,
            stack,
            this: this.clone(),
            inputs: RefCell::new(inputs),
            vars: RefCell::new(BTreeMap::new()),
            locals: RefCell::new(BTreeMap::new()),
            outputs: RefCell::new(BTreeMap::new()),
            resources: RefCell::new(BTreeMap::new()),
            calls: RefCell::new(BTreeMap::new()),
        })
    }

    /// Value of `var.name`; `None` when the module declares no such variable.
    pub fn var(&self, name: &str) -> Option<Rc<Value>> {
        match self.vars.borrow().get(name) {
            Some(Slot::Done(v)) => return Some(Rc::clone(v)),
            Some(Slot::Busy) => {
                let var = self.def.variables.get(name)?;
                self.loader.diag(
                    DiagnosticLevel::Warning,
                    "reference-cycle",
                    Some(&var.file),
                    Some(var.lines.0),
                    format!("{}var.{name} depends on itself", self.prefix()),
                );
                return Some(Rc::new(unk(format!(
                    "var.{name} is part of a dependency cycle"
                ))));
            }
            None => {}
        }
        let var = self.def.variables.get(name)?;
        self.vars.borrow_mut().insert(name.to_owned(), Slot::Busy);
        let env = Env::new();
        let v = match (self.input(name), &var.item.default) {
            // Like Terraform, a null input falls back to the default when there is one.
            (Some(Value::Null), Some(default)) => self.eval(default, &env),
            (Some(v), _) => v,
            (None, Some(default)) => self.eval(default, &env),
            (None, None) => unk(format!("variable {name} has no value")),
        };
        let v = Rc::new(match &var.item.ty {
            Some(ty) => self.convert(v, ty, 0),
            None => v,
        });
        self.vars
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(Rc::clone(&v)));
        Some(v)
    }

    /// Why this module instance may not exist: the `count`/`for_each` of its call, or of a
    /// call above it, is unknown (it is then evaluated once, unexpanded).
    fn existence_unknown(&self) -> Option<String> {
        let (caller, call) = match &*self.inputs.borrow() {
            Inputs::Given(_) => return None,
            Inputs::Call { caller, call, .. } => (caller.upgrade()?, call.clone()),
        };
        if let Some(Slot::Done(c)) = caller.calls.borrow().get(&call) {
            if let Expansion::Unknown(reason) = &c.expansion {
                return Some(format!("{}module.{call}: {reason}", caller.prefix()));
            }
        }
        caller.existence_unknown()
    }

    /// The value the caller (or the root's variable files) gives variable `name`, if any.
    fn input(&self, name: &str) -> Option<Value> {
        let (caller, call, env) = match &mut *self.inputs.borrow_mut() {
            Inputs::Given(values) => return values.remove(name),
            Inputs::Call { caller, call, env } => (caller.clone(), call.clone(), env.clone()),
        };
        // The caller owns this instance, so it outlives every evaluation inside it.
        let caller = caller.upgrade()?;
        if CALL_META_ATTRS.contains(&name) {
            return None;
        }
        let expr = &caller.def.calls.get(&call)?.item.body.attr(name)?.expr;
        Some(caller.eval(expr, &env))
    }

    /// Applies the parts of a type constraint that change values: `optional(T, default)`
    /// attributes of `object(...)` types are filled in (with the default or null), through
    /// `map`/`list`/`set` element types. Other conversions are left to the consumer.
    fn convert(&self, v: Value, ty: &Expr, depth: u32) -> Value {
        let Expr::Call(f) = ty else {
            return v;
        };
        if depth > 32 || first_unknown(&v).is_some() && is_unknown(&v) {
            return v;
        }
        let arg0 = f.args.first();
        match (&*f.name, v, arg0) {
            ("optional", v, Some(inner)) => self.convert(v, inner, depth + 1),
            ("map", Value::Object(m), Some(inner)) => Value::Object(
                m.into_iter()
                    .map(|(k, x)| (k, self.convert(x, inner, depth + 1)))
                    .collect(),
            ),
            ("list" | "set", Value::Array(items), Some(inner)) => Value::Array(
                items
                    .into_iter()
                    .map(|x| self.convert(x, inner, depth + 1))
                    .collect(),
            ),
            ("object", Value::Object(mut m), Some(Expr::Object(attrs))) => {
                for (k, aty) in attrs.iter() {
                    let key = match k {
                        ObjectKey::Name(name) => name.to_string(),
                        ObjectKey::Expr(e) => match e {
                            Expr::String(s) => s.to_string(),
                            Expr::Var(name) => name.to_string(),
                            _ => continue,
                        },
                    };
                    match m.remove(&key) {
                        Some(x) if !x.is_null() => {
                            m.insert(key, self.convert(x, aty, depth + 1));
                        }
                        present => {
                            let default = match aty {
                                Expr::Call(of) if &*of.name == "optional" => {
                                    of.args.get(1).map(|d| {
                                        let dv = self.eval(d, &Env::new());
                                        match of.args.first() {
                                            Some(t) => self.convert(dv, t, depth + 1),
                                            None => dv,
                                        }
                                    })
                                }
                                _ => None,
                            };
                            match (present, default) {
                                (_, Some(d)) => m.insert(key, d),
                                (Some(x), None) => m.insert(key, x),
                                (None, None) => m.insert(key, Value::Null),
                            };
                        }
                    }
                }
                Value::Object(m)
            }
            (_, v, _) => v,
        }
    }

    /// Address prefix of this module instance (`module.a.` or empty).
    pub fn prefix(&self) -> String {
        if self.chain.is_empty() {
            String::new()
        } else {
            format!("{}.", self.chain.join("."))
        }
    }

    /// Value of `local.name`.
    pub fn local(&self, name: &str) -> Rc<Value> {
        match self.locals.borrow().get(name) {
            Some(Slot::Done(v)) => return Rc::clone(v),
            Some(Slot::Busy) => {
                let (file, line) = self
                    .def
                    .locals
                    .get(name)
                    .map_or((None, None), |l| (Some(l.file.clone()), Some(l.lines.0)));
                self.loader.diag(
                    DiagnosticLevel::Warning,
                    "reference-cycle",
                    file.as_deref(),
                    line,
                    format!("local.{name} depends on itself"),
                );
                return Rc::new(unk(format!("local.{name} is part of a dependency cycle")));
            }
            None => {}
        }
        let Some(def) = self.def.locals.get(name) else {
            return Rc::new(value::error(format!("local.{name} is not declared")));
        };
        self.locals.borrow_mut().insert(name.to_owned(), Slot::Busy);
        let v = Rc::new(self.eval(&def.item, &Env::new()));
        self.locals
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(Rc::clone(&v)));
        v
    }

    /// Value of output `name` of this module instance.
    pub fn output(&self, name: &str) -> Rc<Value> {
        match self.outputs.borrow().get(name) {
            Some(Slot::Done(v)) => return Rc::clone(v),
            Some(Slot::Busy) => {
                return Rc::new(unk(format!("output {name} is part of a dependency cycle")))
            }
            None => {}
        }
        let Some(def) = self.def.outputs.get(name) else {
            return Rc::new(value::error(format!("module has no output {name}")));
        };
        self.outputs
            .borrow_mut()
            .insert(name.to_owned(), Slot::Busy);
        let v = Rc::new(self.eval(&def.item, &Env::new()));
        self.outputs
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(Rc::clone(&v)));
        v
    }

    /// All outputs as one object.
    pub fn all_outputs(&self) -> Value {
        let names: Vec<String> = self.def.outputs.keys().cloned().collect();
        Value::Object(
            names
                .into_iter()
                .map(|n| {
                    let v = Value::clone(&self.output(&n));
                    (n, v)
                })
                .collect(),
        )
    }

    /// Evaluates `count`/`for_each` of a body into instance keys and their environments.
    fn expand(
        &self,
        body: &Body,
        what: &str,
        file: &str,
        line: u32,
    ) -> (Expansion, Vec<(Value, Env)>) {
        let env = Env::new();
        let unknown_env = |reason: &str| {
            Env::new()
                .with("count", value::object([("index".to_owned(), unk(reason))]))
                .with(
                    "each",
                    value::object([
                        ("key".to_owned(), unk(reason)),
                        ("value".to_owned(), unk(reason)),
                    ]),
                )
        };
        let unknown = |reason: String| {
            self.loader.diag(
                DiagnosticLevel::Warning,
                "expansion-unknown",
                Some(file),
                Some(line),
                format!("{what}: {reason}; evaluated once, unexpanded"),
            );
            let env = unknown_env(&reason);
            (Expansion::Unknown(reason), vec![(Value::Null, env)])
        };
        if let Some(count) = body.attr("count") {
            let v = self.eval(&count.expr, &env);
            if let Some(r) = first_unknown(&v) {
                return unknown(format!("count is unknown ({r})"));
            }
            let Some(n) = value::as_i64(&v).filter(|n| (0..=100_000).contains(n)) else {
                return unknown(format!("count {v} is not a valid number"));
            };
            let items = (0..n)
                .map(|i| {
                    let e = Env::new().with(
                        "count",
                        value::object([("index".to_owned(), Value::from(i))]),
                    );
                    (Value::from(i), e)
                })
                .collect();
            return (Expansion::Count, items);
        }
        if let Some(fe) = body.attr("for_each") {
            let v = self.eval(&fe.expr, &env);
            if is_unknown(&v) {
                return unknown(format!(
                    "for_each is unknown ({})",
                    first_unknown(&v).unwrap_or_default()
                ));
            }
            let pairs: Vec<(String, Value)> = match v {
                Value::Object(m) => m.into_iter().collect(),
                Value::Array(items) => {
                    let mut pairs = Vec::new();
                    for item in items {
                        match &item {
                            Value::String(s) if !value::is_placeholder(s) => {
                                pairs.push((s.clone(), item.clone()))
                            }
                            other => {
                                let reason = first_unknown(other).map_or_else(
                                    || {
                                        format!(
                                            "for_each set element {other} is not a known string"
                                        )
                                    },
                                    |r| format!("for_each element is unknown ({r})"),
                                );
                                return unknown(reason);
                            }
                        }
                    }
                    pairs.sort_by(|a, b| a.0.cmp(&b.0));
                    pairs.dedup_by(|a, b| a.0 == b.0);
                    pairs
                }
                other => return unknown(format!("for_each value {other} is not a map or set")),
            };
            if let Some((k, _)) = pairs.iter().find(|(k, _)| value::is_placeholder(k)) {
                return unknown(format!("for_each key {k} is known only after apply"));
            }
            let items = pairs
                .into_iter()
                .map(|(k, val)| {
                    let e = Env::new().with(
                        "each",
                        value::object([
                            ("key".to_owned(), Value::String(k.clone())),
                            ("value".to_owned(), val),
                        ]),
                    );
                    (Value::String(k), e)
                })
                .collect();
            return (Expansion::ForEach, items);
        }
        (Expansion::Single, vec![(Value::Null, Env::new())])
    }

    /// Evaluates (once) every instance of resource `key` (`type.name` / `data.type.name`).
    /// `None` when the resource is being evaluated already (a cycle).
    pub fn resource(&self, key: &str) -> Option<Rc<ResEval>> {
        match self.resources.borrow().get(key) {
            Some(Slot::Done(r)) => return Some(Rc::clone(r)),
            Some(Slot::Busy) => return None,
            None => {}
        }
        let def = self.def.resources.get(key)?;
        self.resources
            .borrow_mut()
            .insert(key.to_owned(), Slot::Busy);
        let what = format!("{}{key}", self.prefix());
        let (expansion, items) = self.expand(&def.body, &what, &def.file, def.lines.0);
        let mut instances = Vec::with_capacity(items.len());
        for (k, env) in items {
            let local_address = if k.is_null() {
                key.to_owned()
            } else {
                format!("{key}{}", value::render_key(&k))
            };
            let mut values = Map::new();
            let mut lines = BTreeMap::new();
            self.eval_body(&def.body, &env, "", true, &mut values, &mut lines);
            if def.mode == Mode::Data && def.rtype == policy_document::TYPE {
                policy_document::render(&mut values, &mut lines);
            }
            instances.push(InstEval {
                key: k,
                local_address,
                values,
                lines,
            });
        }
        let r = Rc::new(ResEval {
            expansion,
            instances,
        });
        self.resources
            .borrow_mut()
            .insert(key.to_owned(), Slot::Done(Rc::clone(&r)));
        Some(r)
    }

    /// Evaluates a body into plan-JSON values and attribute lines.
    pub fn eval_body(
        &self,
        body: &Body,
        env: &Env,
        prefix: &str,
        top: bool,
        values: &mut Map<String, Value>,
        lines: &mut BTreeMap<String, Lines>,
    ) {
        for attr in &body.attrs {
            if top && RESOURCE_META_ATTRS.contains(&attr.name.as_str()) {
                continue;
            }
            let v = self.eval(&attr.expr, env);
            values.insert(attr.name.clone(), v);
            lines.insert(format!("{prefix}{}", attr.name), attr.lines);
        }
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown_groups: BTreeMap<String, Value> = BTreeMap::new();
        for block in &body.blocks {
            if top && RESOURCE_META_BLOCKS.contains(&block.kind.as_str()) {
                continue;
            }
            if block.kind == "dynamic" {
                self.eval_dynamic(block, env, prefix, &mut groups, &mut unknown_groups, lines);
                continue;
            }
            let group = groups.entry(block.kind.clone()).or_default();
            let path = format!("{prefix}{}.{}", block.kind, group.len());
            let mut sub = Map::new();
            self.eval_body(
                &block.body,
                env,
                &format!("{path}."),
                false,
                &mut sub,
                lines,
            );
            group.push(Value::Object(sub));
            lines.insert(path, block.lines);
            lines
                .entry(format!("{prefix}{}", block.kind))
                .or_insert(block.lines);
        }
        for (kind, items) in groups {
            values.insert(kind, Value::Array(items));
        }
        for (kind, u) in unknown_groups {
            values.insert(kind, u);
        }
    }

    fn eval_dynamic(
        &self,
        block: &Block,
        env: &Env,
        prefix: &str,
        groups: &mut BTreeMap<String, Vec<Value>>,
        unknown_groups: &mut BTreeMap<String, Value>,
        lines: &mut BTreeMap<String, Lines>,
    ) {
        let Some(label) = block.labels.first() else {
            return;
        };
        lines
            .entry(format!("{prefix}{label}"))
            .or_insert(block.lines);
        let iterator = block
            .body
            .attr("iterator")
            .and_then(|a| match &a.expr {
                Expr::Var(v) => Some(v.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| label.clone());
        let Some(content) = block.body.blocks.iter().find(|b| b.kind == "content") else {
            return;
        };
        let collection = block
            .body
            .attr("for_each")
            .map_or(Value::Null, |a| self.eval(&a.expr, env));
        let pairs: Vec<(Value, Value)> = match collection {
            v if is_unknown(&v) => {
                let reason = first_unknown(&v).unwrap_or_default();
                unknown_groups.insert(
                    label.clone(),
                    unk(format!(
                        "for_each of dynamic block {label} is unknown ({reason})"
                    )),
                );
                return;
            }
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Null => Vec::new(),
            other => {
                unknown_groups.insert(
                    label.clone(),
                    value::error(format!(
                        "for_each of dynamic block {label} is a {}",
                        value::type_name(&other)
                    )),
                );
                return;
            }
        };
        let group = groups.entry(label.clone()).or_default();
        for (k, v) in pairs {
            let env2 = env.with(
                iterator.clone(),
                value::object([("key".to_owned(), k), ("value".to_owned(), v)]),
            );
            let path = format!("{prefix}{label}.{}", group.len());
            let mut sub = Map::new();
            self.eval_body(
                &content.body,
                &env2,
                &format!("{path}."),
                false,
                &mut sub,
                lines,
            );
            group.push(Value::Object(sub));
            lines.insert(path, content.lines);
        }
    }

    /// Evaluates (once) module call `name`. `None` while it is being evaluated (a cycle).
    pub fn call(&self, name: &str) -> Option<Rc<CallEval<'l>>> {
        match self.calls.borrow().get(name) {
            Some(Slot::Done(c)) => return Some(Rc::clone(c)),
            Some(Slot::Busy) => return None,
            None => {}
        }
        let def = self.def.calls.get(name)?;
        self.calls.borrow_mut().insert(name.to_owned(), Slot::Busy);
        let c = Rc::new(self.build_call(name, def));
        self.calls
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(Rc::clone(&c)));
        Some(c)
    }

    fn build_call(&self, name: &str, def: &Named<Block>) -> CallEval<'l> {
        let addr = format!("{}module.{name}", self.prefix());
        let unresolved = |code: &str, reason: String| {
            self.loader.diag(
                DiagnosticLevel::Warning,
                code,
                Some(&def.file),
                Some(def.lines.0),
                reason.clone(),
            );
            CallEval {
                expansion: Expansion::Single,
                children: Vec::new(),
                unresolved: Some(reason),
            }
        };
        let body = &def.item.body;
        let Some(source) = literal_source(body) else {
            return unresolved(
                "module-unresolved",
                format!("{addr}: source is not a literal string"),
            );
        };
        let mut keys = self.keys.clone();
        keys.push(name.to_owned());
        let target = if is_local_source(&source) {
            std::fs::canonicalize(self.def.dir.join(&source))
                .ok()
                .map(|d| (d, display_join(&self.def.display, &source)))
        } else {
            self.root.manifest.get(&keys.join(".")).cloned()
        };
        let Some((dir, display)) = target.filter(|(d, _)| d.is_dir()) else {
            return unresolved(
                "module-unresolved",
                format!("{addr} (source \"{source}\") is not available locally; nothing inside it is evaluated (run terraform init to install it)"),
            );
        };
        if self.stack.contains(&dir) {
            return unresolved("module-cycle", format!("{addr} (source \"{source}\") calls a module that is already being evaluated (cycle)"));
        }
        if self.chain.len() >= MAX_MODULE_DEPTH {
            return unresolved(
                "module-depth",
                format!("{addr}: module nesting is deeper than {MAX_MODULE_DEPTH}"),
            );
        }
        let child_def = self.loader.module_def(&dir, &display);
        let (expansion, items) = self.expand(body, &addr, &def.file, def.lines.0);
        let mut children = Vec::with_capacity(items.len());
        for (k, env) in items {
            let seg = if k.is_null() {
                format!("module.{name}")
            } else {
                format!("module.{name}{}", value::render_key(&k))
            };
            let mut chain = self.chain.clone();
            chain.push(seg);
            let mut stack = self.stack.clone();
            stack.push(dir.clone());
            let child = Scope::new(
                self.loader,
                Rc::clone(&child_def),
                Rc::clone(&self.root),
                chain,
                keys.clone(),
                stack,
                Inputs::Call {
                    caller: self.this.clone(),
                    call: name.to_owned(),
                    env,
                },
            );
            children.push((k, child));
        }
        CallEval {
            expansion,
            children,
            unresolved: None,
        }
    }

    /// Evaluates everything in this module instance and its children and records the
    /// instances in the loader.
    pub fn emit(&self) {
        let keys: Vec<String> = self.def.resources.keys().cloned().collect();
        let prefix = self.prefix();
        let module_existence = self.existence_unknown();
        for key in keys {
            let (Some(r), Some(def)) = (self.resource(&key), self.def.resources.get(&key)) else {
                continue;
            };
            let existence_unknown = match &r.expansion {
                Expansion::Unknown(reason) => Some(format!("{prefix}{key}: {reason}")),
                _ => module_existence.clone(),
            };
            for inst in &r.instances {
                let address = format!("{prefix}{}", inst.local_address);
                if !self
                    .loader
                    .emitted
                    .borrow_mut()
                    .insert((def.file.clone(), address.clone()))
                {
                    continue;
                }
                self.loader.instances.borrow_mut().push(Emitted {
                    mode: def.mode,
                    resource_type: def.rtype.clone(),
                    name: def.name.clone(),
                    address,
                    module_chain: self.chain.clone(),
                    file: def.file.clone(),
                    start_line: def.lines.0,
                    end_line: def.lines.1,
                    existence_unknown: existence_unknown.clone(),
                    packed: compact::pack(&inst.values, &inst.lines),
                });
            }
        }
        // Variables and outputs are evaluated so that cycles and bad references surface as
        // diagnostics.
        for name in self.def.variables.keys() {
            let _ = self.var(name);
        }
        for name in self.def.outputs.keys() {
            let _ = self.output(name);
        }
        let names: Vec<String> = self.def.calls.keys().cloned().collect();
        for name in names {
            if let Some(c) = self.call(&name) {
                for (_, child) in &c.children {
                    child.emit();
                }
            }
        }
    }
}
