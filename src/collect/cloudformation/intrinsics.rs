//! Evaluation of CloudFormation intrinsic functions and conditions for one stack.
//!
//! Conventions (the contract with [`crate::normalize::cloudformation`]):
//! - `Ref` to a resource → the string `"${<address>}"`, `Fn::GetAtt` → `"${<address>.<Attr>}"`,
//!   where `<address>` is the resource's address (its logical ID, prefixed `Parent.` inside a
//!   nested stack). `Fn::Sub` keeps such references inside the text (`"arn:aws:s3:::${B}/*"`).
//!   This mirrors the Terraform collector's `"${aws_s3_bucket.b.id}"`, so joins in both
//!   adapters look the same: the referenced resource is readable, its value is not.
//! - Anything whose value is not in the template (a parameter without default or override,
//!   a pseudo parameter not given by option, `Fn::ImportValue`, `Fn::GetAZs`, SSM parameter
//!   types, an undecidable `Fn::If`) is an unknown marker with the reason.
//! - `Ref: AWS::NoValue` removes the enclosing key or list item ([`Ev::NoValue`]).
//! - Work is bounded: recursion depth, a step budget per stack, and cycle detection for
//!   conditions that refer to each other. Exceeding a bound yields an unknown, never a hang.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::node::{Kind, Node};
use crate::model::{unknown, unknown_reason};

/// Deepest intrinsic nesting evaluated.
const MAX_EVAL_DEPTH: usize = 128;
/// Evaluation steps allowed per stack (a 10,000-resource template needs far fewer).
const MAX_STEPS: u64 = 20_000_000;

/// The result of evaluating a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Ev {
    Val(Value),
    /// `Ref: AWS::NoValue`: the enclosing key or item disappears.
    NoValue,
}

impl Ev {
    fn into_value(self) -> Value {
        match self {
            Ev::Val(v) => v,
            Ev::NoValue => Value::Null,
        }
    }
}

/// Result of a condition: `Err(reason)` when it cannot be decided from the template.
pub type Cond = Result<bool, String>;

/// Line ranges of evaluated property paths (`A.B.0.C` → (first, last line)).
pub type Lines = BTreeMap<String, (u32, u32)>;

/// Everything needed to evaluate expressions of one (possibly nested) stack.
pub struct Scope<'a> {
    /// Address prefix of this stack's resources: `""` at the root, `"Parent."` when nested.
    pub prefix: String,
    /// Parameter values after defaults and overrides (lists as arrays, unknown markers).
    pub params: BTreeMap<String, Value>,
    /// Pseudo parameters given by option (`AWS::Region` → `eu-west-1`).
    pub pseudo: &'a BTreeMap<String, String>,
    /// Logical IDs of this template's resources.
    pub resources: HashSet<String>,
    pub mappings: Option<&'a Node>,
    pub conditions: Option<&'a Node>,
    cond_cache: HashMap<String, Cond>,
    cond_visiting: HashSet<String>,
    steps: u64,
}

fn text_of(v: &Value) -> Result<String, String> {
    if let Some(reason) = unknown_reason(v) {
        return Err(reason.to_owned());
    }
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err("expected a string, found null".to_owned()),
        Value::Array(_) => Err("expected a string, found a list".to_owned()),
        Value::Object(_) => Err("expected a string, found an object".to_owned()),
    }
}

fn unknown_ev(reason: impl Into<String>) -> Ev {
    Ev::Val(unknown(reason))
}

impl<'a> Scope<'a> {
    pub fn new(
        prefix: String,
        params: BTreeMap<String, Value>,
        pseudo: &'a BTreeMap<String, String>,
        resources: HashSet<String>,
        mappings: Option<&'a Node>,
        conditions: Option<&'a Node>,
    ) -> Self {
        Self {
            prefix,
            params,
            pseudo,
            resources,
            mappings,
            conditions,
            cond_cache: HashMap::new(),
            cond_visiting: HashSet::new(),
            steps: 0,
        }
    }

    /// Evaluates a value, recording the lines of every property path below `path`.
    pub fn eval(&mut self, node: &Node, path: &str, lines: &mut Lines) -> Ev {
        self.eval_at(node, Some(path), lines, 0)
    }

    /// Evaluates a value without line bookkeeping.
    pub fn value(&mut self, node: &Node) -> Ev {
        let mut sink = Lines::new();
        self.eval_at(node, None, &mut sink, 0)
    }

    fn eval_at(&mut self, node: &Node, path: Option<&str>, lines: &mut Lines, depth: usize) -> Ev {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return unknown_ev("template evaluation exceeded its work budget");
        }
        if depth > MAX_EVAL_DEPTH {
            return unknown_ev("expression nests too deeply to evaluate");
        }
        match &node.kind {
            Kind::Null => Ev::Val(Value::Null),
            Kind::Bool(b) => Ev::Val(Value::Bool(*b)),
            Kind::Number(n) => Ev::Val(Value::Number(n.clone())),
            Kind::String(s) => Ev::Val(Value::String(s.clone())),
            Kind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let child = path.map(|p| join_path(p, &out.len().to_string()));
                    match self.eval_at(item, child.as_deref(), lines, depth + 1) {
                        Ev::Val(v) => {
                            if let Some(c) = child {
                                lines.insert(c, (item.line, item.end_line));
                            }
                            out.push(v);
                        }
                        Ev::NoValue => {
                            if let Some(c) = child {
                                lines.remove(&c);
                            }
                        }
                    }
                }
                Ev::Val(Value::Array(out))
            }
            Kind::Map(entries) => {
                if let [(key, arg)] = entries.as_slice() {
                    if key.name == "Ref" || key.name.starts_with("Fn::") {
                        return self.intrinsic(&key.name, arg, path, lines, depth + 1);
                    }
                }
                let mut out = serde_json::Map::new();
                for (key, value) in entries {
                    let child = path.map(|p| join_path(p, &key.name));
                    match self.eval_at(value, child.as_deref(), lines, depth + 1) {
                        Ev::Val(v) => {
                            if let Some(c) = child {
                                lines.insert(c, (key.line, value.end_line.max(key.line)));
                            }
                            out.insert(key.name.clone(), v);
                        }
                        Ev::NoValue => {
                            out.remove(&key.name);
                        }
                    }
                }
                Ev::Val(Value::Object(out))
            }
        }
    }

    fn eval_value(&mut self, node: &Node, depth: usize) -> Value {
        let mut sink = Lines::new();
        self.eval_at(node, None, &mut sink, depth).into_value()
    }

    fn eval_text(&mut self, node: &Node, depth: usize) -> Result<String, String> {
        text_of(&self.eval_value(node, depth))
    }

    fn intrinsic(
        &mut self,
        name: &str,
        arg: &Node,
        path: Option<&str>,
        lines: &mut Lines,
        depth: usize,
    ) -> Ev {
        let args = arg.as_seq().unwrap_or_default();
        match name {
            "Ref" => match self.eval_text(arg, depth) {
                Ok(target) => self.reference(&target),
                Err(reason) => unknown_ev(format!("Ref target is not known: {reason}")),
            },
            "Fn::GetAtt" => self.get_att(arg, depth),
            "Fn::Sub" => self.sub(arg, depth),
            "Fn::Join" => {
                let [delim, list] = args else {
                    return unknown_ev("Fn::Join expects [delimiter, list]");
                };
                let delim = match self.eval_text(delim, depth) {
                    Ok(d) => d,
                    Err(r) => return unknown_ev(format!("Fn::Join delimiter: {r}")),
                };
                let list = self.eval_value(list, depth);
                if let Some(reason) = unknown_reason(&list) {
                    return unknown_ev(reason);
                }
                let Value::Array(items) = list else {
                    return unknown_ev("Fn::Join expects a list to join");
                };
                let mut parts = Vec::with_capacity(items.len());
                for item in &items {
                    match text_of(item) {
                        Ok(t) => parts.push(t),
                        Err(r) => return unknown_ev(r),
                    }
                }
                Ev::Val(Value::String(parts.join(&delim)))
            }
            "Fn::Select" => {
                let [index, list] = args else {
                    return unknown_ev("Fn::Select expects [index, list]");
                };
                let index = match self.eval_text(index, depth) {
                    Ok(i) => i,
                    Err(r) => return unknown_ev(format!("Fn::Select index: {r}")),
                };
                let list = self.eval_value(list, depth);
                if let Some(reason) = unknown_reason(&list) {
                    return unknown_ev(reason);
                }
                match (index.trim().parse::<usize>(), list) {
                    (Ok(i), Value::Array(items)) => match items.into_iter().nth(i) {
                        Some(v) => Ev::Val(v),
                        None => unknown_ev(format!("Fn::Select index {i} is out of range")),
                    },
                    _ => unknown_ev("Fn::Select expects a numeric index and a list"),
                }
            }
            "Fn::Split" => {
                let [delim, source] = args else {
                    return unknown_ev("Fn::Split expects [delimiter, string]");
                };
                match (self.eval_text(delim, depth), self.eval_text(source, depth)) {
                    (Ok(d), Ok(s)) if !d.is_empty() => Ev::Val(Value::Array(
                        s.split(d.as_str())
                            .map(|p| Value::String(p.to_owned()))
                            .collect(),
                    )),
                    (Err(r), _) | (_, Err(r)) => unknown_ev(r),
                    _ => unknown_ev("Fn::Split delimiter is empty"),
                }
            }
            "Fn::FindInMap" => self.find_in_map(args, depth),
            "Fn::If" => {
                let [cond, yes, no] = args else {
                    return unknown_ev("Fn::If expects [condition, value_if_true, value_if_false]");
                };
                let cond_name = match cond.as_str() {
                    Some(c) => c.to_owned(),
                    None => return unknown_ev("Fn::If condition must be a condition name"),
                };
                match self.condition(&cond_name) {
                    Ok(true) => self.eval_at(yes, path, lines, depth),
                    Ok(false) => self.eval_at(no, path, lines, depth),
                    Err(reason) => {
                        let mut sink = Lines::new();
                        let a = self.eval_at(yes, None, &mut sink, depth);
                        let b = self.eval_at(no, None, &mut sink, depth);
                        if a == b {
                            self.eval_at(yes, path, lines, depth)
                        } else {
                            unknown_ev(format!(
                                "condition {cond_name} could not be determined: {reason}"
                            ))
                        }
                    }
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                // Re-wrap so that cond_expr sees the function it dispatches on.
                let whole = Node {
                    kind: Kind::Map(vec![(
                        super::node::Key {
                            name: name.to_owned(),
                            line: arg.line,
                        },
                        arg.clone(),
                    )]),
                    line: arg.line,
                    column: arg.column,
                    end_line: arg.end_line,
                };
                match self.cond_expr(&whole, depth) {
                    Ok(b) => Ev::Val(Value::Bool(b)),
                    Err(r) => unknown_ev(r),
                }
            }
            "Fn::GetAZs" => {
                unknown_ev("Fn::GetAZs: availability zones are known only at deployment")
            }
            "Fn::ImportValue" => {
                let what = self
                    .eval_text(arg, depth)
                    .unwrap_or_else(|_| "<computed name>".to_owned());
                unknown_ev(format!(
                    "Fn::ImportValue {what}: the value is exported by another stack"
                ))
            }
            "Fn::Base64" => match self.eval_text(arg, depth) {
                Ok(s) => Ev::Val(Value::String(base64(s.as_bytes()))),
                Err(r) => unknown_ev(r),
            },
            "Fn::Cidr" => self.cidr(args, depth),
            "Fn::Length" => match self.eval_value(arg, depth) {
                Value::Array(items) => Ev::Val(Value::from(items.len())),
                v => match unknown_reason(&v) {
                    Some(r) => unknown_ev(r),
                    None => unknown_ev("Fn::Length expects a list"),
                },
            },
            "Fn::ToJsonString" => {
                let v = self.eval_value(arg, depth);
                match crate::model::first_unknown(&v) {
                    Some(r) => unknown_ev(r.to_owned()),
                    None => Ev::Val(Value::String(v.to_string())),
                }
            }
            other => unknown_ev(format!("{other} is not evaluated by vouch")),
        }
    }

    /// `Ref` to a name: parameter, pseudo parameter or resource.
    fn reference(&self, target: &str) -> Ev {
        if target == "AWS::NoValue" {
            return Ev::NoValue;
        }
        if let Some(v) = self.params.get(target) {
            return Ev::Val(v.clone());
        }
        if target.starts_with("AWS::") {
            return match self.pseudo.get(target) {
                Some(v) if target == "AWS::NotificationARNs" => Ev::Val(Value::Array(
                    v.split(',').map(|s| Value::String(s.to_owned())).collect(),
                )),
                Some(v) => Ev::Val(Value::String(v.clone())),
                None => unknown_ev(format!(
                    "pseudo parameter {target} is known only at deployment (not given as an option)"
                )),
            };
        }
        if self.resources.contains(target) {
            return Ev::Val(Value::String(format!("${{{}{target}}}", self.prefix)));
        }
        unknown_ev(format!(
            "Ref to {target}, which is not a parameter or resource of this template"
        ))
    }

    fn get_att(&mut self, arg: &Node, depth: usize) -> Ev {
        let (id, attr) = match &arg.kind {
            Kind::String(s) => match s.split_once('.') {
                Some((id, attr)) => (id.to_owned(), Ok(attr.to_owned())),
                None => return unknown_ev(format!("Fn::GetAtt {s}: expected Resource.Attribute")),
            },
            Kind::Seq(items) if items.len() == 2 => {
                let id = items[0].as_str().map(str::to_owned).unwrap_or_default();
                (id, self.eval_text(&items[1], depth))
            }
            _ => return unknown_ev("Fn::GetAtt expects [resource, attribute]"),
        };
        if !self.resources.contains(&id) {
            return unknown_ev(format!("Fn::GetAtt {id}: not a resource of this template"));
        }
        match attr {
            Ok(attr) => Ev::Val(Value::String(format!("${{{}{id}.{attr}}}", self.prefix))),
            Err(r) => unknown_ev(format!("Fn::GetAtt {id}: attribute name not known: {r}")),
        }
    }

    fn sub(&mut self, arg: &Node, depth: usize) -> Ev {
        let (template, vars_node) = match &arg.kind {
            Kind::String(s) => (s.clone(), None),
            Kind::Seq(items) if !items.is_empty() => match items[0].as_str() {
                Some(s) => (s.to_owned(), items.get(1)),
                None => return unknown_ev("Fn::Sub template must be a string"),
            },
            _ => return unknown_ev("Fn::Sub expects a string or [string, variables]"),
        };
        // Variables are evaluated once, in the enclosing scope: they cannot refer to each
        // other, so there is no substitution loop to guard against.
        let mut vars: BTreeMap<String, Value> = BTreeMap::new();
        if let Some(entries) = vars_node.and_then(Node::as_map) {
            for (k, v) in entries {
                vars.insert(k.name.clone(), self.eval_value(v, depth));
            }
        }
        let mut out = String::with_capacity(template.len());
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let piece = if let Some(v) = vars.get(name) {
                text_of(v)
            } else if let Some(v) = self.params.get(name) {
                text_of(v)
            } else if name.starts_with("AWS::") {
                match self.reference(name) {
                    Ev::Val(v) => text_of(&v),
                    Ev::NoValue => Err("Fn::Sub cannot substitute AWS::NoValue".to_owned()),
                }
            } else if self.resources.contains(name) {
                Ok(format!("${{{}{name}}}", self.prefix))
            } else if let Some((id, _)) = name.split_once('.') {
                if self.resources.contains(id) {
                    Ok(format!("${{{}{name}}}", self.prefix))
                } else {
                    Err(format!(
                        "Fn::Sub references {name}, which is not in this template"
                    ))
                }
            } else {
                Err(format!(
                    "Fn::Sub references {name}, which is not in this template"
                ))
            };
            match piece {
                Ok(t) => out.push_str(&t),
                Err(reason) => return unknown_ev(reason),
            }
        }
        out.push_str(rest);
        Ev::Val(Value::String(out))
    }

    fn find_in_map(&mut self, args: &[Node], depth: usize) -> Ev {
        if args.len() < 3 {
            return unknown_ev("Fn::FindInMap expects [map, top-level key, second-level key]");
        }
        let mut keys = Vec::with_capacity(3);
        for a in &args[..3] {
            match self.eval_text(a, depth) {
                Ok(k) => keys.push(k),
                Err(r) => return unknown_ev(format!("Fn::FindInMap key: {r}")),
            }
        }
        let found = self
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]))
            .cloned();
        match found {
            Some(node) => Ev::Val(self.eval_value(&node, depth)),
            None => match args.get(3).and_then(|d| d.get("DefaultValue")) {
                Some(default) => Ev::Val(self.eval_value(default, depth)),
                None => unknown_ev(format!(
                    "Fn::FindInMap {}/{}/{} is not in Mappings",
                    keys[0], keys[1], keys[2]
                )),
            },
        }
    }

    fn cidr(&mut self, args: &[Node], depth: usize) -> Ev {
        let [block, count, bits] = args else {
            return unknown_ev("Fn::Cidr expects [ipBlock, count, cidrBits]");
        };
        let (block, count, bits) = match (
            self.eval_text(block, depth),
            self.eval_text(count, depth),
            self.eval_text(bits, depth),
        ) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => return unknown_ev(r),
        };
        let (Ok(net), Ok(count), Ok(bits)) = (
            block.trim().parse::<ipnet::IpNet>(),
            count.trim().parse::<usize>(),
            bits.trim().parse::<u8>(),
        ) else {
            return unknown_ev(format!(
                "Fn::Cidr arguments are invalid: {block}, {count}, {bits}"
            ));
        };
        let new_prefix = net.max_prefix_len().saturating_sub(bits);
        match net.subnets(new_prefix) {
            Ok(subnets) if new_prefix >= net.prefix_len() && count <= 256 => Ev::Val(Value::Array(
                subnets
                    .take(count)
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            )),
            _ => unknown_ev(format!(
                "Fn::Cidr cannot split {block} into /{new_prefix} subnets"
            )),
        }
    }

    /// Evaluates the named entry of `Conditions` (memoized, cycles are unknown).
    pub fn condition(&mut self, name: &str) -> Cond {
        if let Some(c) = self.cond_cache.get(name) {
            return c.clone();
        }
        if !self.cond_visiting.insert(name.to_owned()) {
            return Err(format!("condition {name} refers to itself"));
        }
        let result = match self.conditions.and_then(|c| c.get(name)) {
            Some(expr) => {
                let expr = expr.clone();
                self.cond_expr(&expr, 0)
            }
            None => Err(format!("condition {name} is not defined")),
        };
        self.cond_visiting.remove(name);
        self.cond_cache.insert(name.to_owned(), result.clone());
        result
    }

    fn cond_expr(&mut self, node: &Node, depth: usize) -> Cond {
        self.steps += 1;
        if depth > MAX_EVAL_DEPTH || self.steps > MAX_STEPS {
            return Err("condition nests too deeply to evaluate".to_owned());
        }
        if let Kind::Map(entries) = &node.kind {
            if let [(key, arg)] = entries.as_slice() {
                let args = arg.as_seq().unwrap_or_default();
                match key.name.as_str() {
                    "Condition" => {
                        return match arg.as_str() {
                            Some(n) => self.condition(n),
                            None => Err("Condition expects a condition name".to_owned()),
                        };
                    }
                    "Fn::Equals" => {
                        let [a, b] = args else {
                            return Err("Fn::Equals expects two values".to_owned());
                        };
                        let a = self.eval_value(a, depth + 1);
                        let b = self.eval_value(b, depth + 1);
                        return equals(&a, &b);
                    }
                    "Fn::And" | "Fn::Or" => {
                        let is_and = key.name == "Fn::And";
                        let mut undecided = None;
                        for item in args {
                            match self.cond_expr(item, depth + 1) {
                                Ok(b) if b != is_and => return Ok(b),
                                Ok(_) => {}
                                Err(r) => undecided = undecided.or(Some(r)),
                            }
                        }
                        return match undecided {
                            Some(r) => Err(r),
                            None => Ok(is_and),
                        };
                    }
                    "Fn::Not" => {
                        return match args {
                            [inner] => self.cond_expr(inner, depth + 1).map(|b| !b),
                            _ => Err("Fn::Not expects one condition".to_owned()),
                        };
                    }
                    _ => {}
                }
            }
        }
        let v = self.eval_value(node, depth + 1);
        match v {
            Value::Bool(b) => Ok(b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            other => match unknown_reason(&other) {
                Some(r) => Err(r.to_owned()),
                None => Err("not a condition".to_owned()),
            },
        }
    }
}

/// `Fn::Equals`: CloudFormation compares the string forms of scalars.
fn equals(a: &Value, b: &Value) -> Cond {
    if let Some(r) = crate::model::first_unknown(a).or_else(|| crate::model::first_unknown(b)) {
        return Err(r.to_owned());
    }
    for v in [a, b] {
        if let Value::String(s) = v {
            if s.contains("${") {
                return Err(format!("{s} is known only after deployment"));
            }
        }
    }
    match (text_of(a), text_of(b)) {
        (Ok(x), Ok(y)) => Ok(x == y),
        _ => Ok(a == b),
    }
}

fn join_path(base: &str, segment: &str) -> String {
    if base.is_empty() {
        segment.to_owned()
    } else {
        format!("{base}.{segment}")
    }
}

/// Standard base64 with padding (what `Fn::Base64` produces).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::node::parse_yaml;
    use super::*;
    use serde_json::json;

    fn scope_eval(template: &str, expr: &str) -> Value {
        let doc = parse_yaml(template).unwrap();
        let pseudo = BTreeMap::from([("AWS::Region".to_owned(), "eu-west-1".to_owned())]);
        let mut params = BTreeMap::new();
        params.insert("Env".to_owned(), json!("prod"));
        params.insert("Nets".to_owned(), json!(["a", "b"]));
        params.insert(
            "Secret".to_owned(),
            unknown("parameter Secret has no value"),
        );
        let resources = HashSet::from(["Bucket".to_owned(), "Key".to_owned()]);
        let mut scope = Scope::new(
            String::new(),
            params,
            &pseudo,
            resources,
            doc.get("Mappings"),
            doc.get("Conditions"),
        );
        let e = parse_yaml(expr).unwrap();
        scope.value(&e).into_value()
    }

    const T: &str = "Mappings:\n  M:\n    eu-west-1: {Ami: ami-1}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  NotProd: !Not [!Condition IsProd]\n  Loop: !Condition Loop2\n  Loop2: !Condition Loop\n  Unk: !Equals [!Ref Secret, x]\n";

    #[test]
    fn evaluates_intrinsics() {
        assert_eq!(scope_eval(T, "!Ref Bucket"), json!("${Bucket}"));
        assert_eq!(scope_eval(T, "!GetAtt Key.Arn"), json!("${Key.Arn}"));
        assert_eq!(scope_eval(T, "!GetAtt [Key, Arn]"), json!("${Key.Arn}"));
        assert_eq!(
            scope_eval(T, "!Sub 'arn:${AWS::Region}:${Bucket}/${Env}-${!Lit}'"),
            json!("arn:eu-west-1:${Bucket}/prod-${Lit}")
        );
        assert_eq!(
            scope_eval(T, "!Sub ['${A}-x', {A: !Ref Env}]"),
            json!("prod-x")
        );
        assert_eq!(scope_eval(T, "!Join ['-', [a, !Ref Env]]"), json!("a-prod"));
        assert_eq!(scope_eval(T, "!Select [1, !Ref Nets]"), json!("b"));
        assert_eq!(scope_eval(T, "!Split [',', 'x,y']"), json!(["x", "y"]));
        assert_eq!(
            scope_eval(T, "!FindInMap [M, !Ref 'AWS::Region', Ami]"),
            json!("ami-1")
        );
        assert_eq!(scope_eval(T, "!If [IsProd, 1, 2]"), json!(1));
        assert_eq!(scope_eval(T, "!If [NotProd, 1, 2]"), json!(2));
        assert_eq!(scope_eval(T, "!Base64 hello"), json!("aGVsbG8="));
        assert_eq!(
            scope_eval(T, "!Cidr [10.0.0.0/16, 2, 8]"),
            json!(["10.0.0.0/24", "10.0.1.0/24"])
        );
        assert_eq!(
            scope_eval(T, "{A: !Ref AWS::NoValue, B: 1}"),
            json!({"B": 1})
        );
        assert_eq!(scope_eval(T, "[!Ref AWS::NoValue, 1]"), json!([1]));
    }

    #[test]
    fn unresolvable_values_are_unknown_with_reasons() {
        let r = scope_eval(T, "!Ref AWS::AccountId");
        assert!(unknown_reason(&r).unwrap().contains("AWS::AccountId"));
        let r = scope_eval(T, "!ImportValue shared-vpc");
        assert!(unknown_reason(&r).unwrap().contains("shared-vpc"));
        let r = scope_eval(T, "!If [Loop, 1, 2]");
        assert!(unknown_reason(&r).unwrap().contains("refers to itself"));
        let r = scope_eval(T, "!If [Unk, 1, 2]");
        assert!(unknown_reason(&r).unwrap().contains("Secret"));
        assert_eq!(scope_eval(T, "!If [Unk, 1, 1]"), json!(1));
        let r = scope_eval(T, "!Join ['', [!Ref Secret]]");
        assert!(unknown_reason(&r).is_some());
        let r = scope_eval(T, "!GetAZs ''");
        assert!(unknown_reason(&r).is_some());
        let r = scope_eval(T, "!Ref Nope");
        assert!(unknown_reason(&r).unwrap().contains("Nope"));
    }
}
