//! Expression evaluation over our syntax tree ([`super::hcl::ast`]): literals, templates
//! (with `%{if}`/`%{for}`), operators, conditionals, `for` expressions, splats, traversals and references
//! (`var.`, `local.`, `module.`, `data.`, resources, `path.`, `terraform.workspace`).
//!
//! Unknown propagates: an operation on an unknown is unknown (with the first reason), a
//! conditional with an unknown condition is unknown. Recursion is bounded by
//! [`MAX_EVAL_DEPTH`]: deeper input yields an unknown and a diagnostic, never a stack overflow.

use serde_json::{Map, Value};

use super::functions;
use super::hcl::ast::{BinaryOp, Expr, ForExpr, ObjectKey, Op, Part, UnaryOp};
use super::module::{Env, Expansion, InstEval, Scope};
use super::policy_document;
use super::value::{self, as_f64, error, is_placeholder, is_unknown, num, to_bool, unk};
use crate::model::{first_unknown, DiagnosticLevel};

/// Deepest evaluation nesting (expressions plus references followed).
pub const MAX_EVAL_DEPTH: u32 = 400;

type Ops = [Op];

impl Scope<'_> {
    /// Evaluates an expression.
    pub fn eval(&self, e: &Expr, env: &Env) -> Value {
        let depth = self.loader.depth.get();
        if depth >= MAX_EVAL_DEPTH {
            self.loader.diag(
                DiagnosticLevel::Error,
                "eval-depth",
                Some(&self.def.display),
                None,
                format!("expression or reference chain nested deeper than {MAX_EVAL_DEPTH}"),
            );
            return unk("expression is nested too deeply to evaluate");
        }
        self.loader.depth.set(depth + 1);
        let v = self.eval_inner(e, env);
        self.loader.depth.set(depth);
        v
    }

    fn eval_inner(&self, e: &Expr, env: &Env) -> Value {
        match e {
            Expr::Null => Value::Null,
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Number(n) => Value::Number(n.clone()),
            Expr::String(s) => Value::String(s.to_string()),
            Expr::Tuple(items) => Value::Array(items.iter().map(|x| self.eval(x, env)).collect()),
            Expr::Object(items) => {
                let mut map = Map::new();
                for (k, v) in items.iter() {
                    let key = match k {
                        ObjectKey::Name(name) => name.to_string(),
                        ObjectKey::Expr(ke) => {
                            let kv = self.eval(ke, env);
                            if is_unknown(&kv) {
                                return kv;
                            }
                            match value::to_str(&kv) {
                                Some(s) => s,
                                None => {
                                    return error(format!(
                                        "object key must be a string, not {}",
                                        value::type_name(&kv)
                                    ))
                                }
                            }
                        }
                    };
                    // A repeated key overrides the earlier one, as in HCL.
                    map.insert(key, self.eval(v, env));
                }
                Value::Object(map)
            }
            Expr::Template(parts) => self.eval_template(parts, env),
            Expr::Paren(inner) => self.eval(inner, env),
            Expr::Var(name) => self.resolve_root(name, &[], env),
            Expr::Conditional(c) => {
                let [cond_expr, true_expr, false_expr] = &**c;
                let cond = self.eval(cond_expr, env);
                if let Some(r) = first_unknown(&cond) {
                    return unk(r);
                }
                match to_bool(&cond) {
                    Some(true) => self.eval(true_expr, env),
                    Some(false) => self.eval(false_expr, env),
                    None => match &cond {
                        Value::String(s) if is_placeholder(s) => value::after_apply(s),
                        _ => error(format!(
                            "condition is a {}, not a bool",
                            value::type_name(&cond)
                        )),
                    },
                }
            }
            Expr::Call(f) => functions::call(self, &f.name, &f.args, f.expand_final, env),
            Expr::Traversal(t) => match &t.root {
                Expr::Var(name) => self.resolve_root(name, &t.ops, env),
                other => {
                    let base = self.eval(other, env);
                    self.apply_ops(base, &t.ops, env)
                }
            },
            Expr::Unary(op, operand) => {
                let v = self.eval(operand, env);
                if is_unknown(&v) {
                    return v;
                }
                match op {
                    UnaryOp::Not => match to_bool(&v) {
                        Some(b) => Value::Bool(!b),
                        None => error("! needs a bool"),
                    },
                    UnaryOp::Neg => match as_f64(&v) {
                        Some(f) => num(-f),
                        None => error("- needs a number"),
                    },
                }
            }
            Expr::Binary(b) => {
                let lhs = self.eval(&b.lhs, env);
                let op = b.op;
                // `false && x` and `true || x` are decided without x (cty short-circuits unknowns).
                match (op, to_bool(&lhs)) {
                    (BinaryOp::And, Some(false)) => return Value::Bool(false),
                    (BinaryOp::Or, Some(true)) => return Value::Bool(true),
                    _ => {}
                }
                let rhs = self.eval(&b.rhs, env);
                binary(op, &lhs, &rhs)
            }
            Expr::For(f) => self.eval_for(f, env),
        }
    }

    /// Evaluates a template; a template that is exactly one interpolation yields the
    /// interpolated value itself (not its string form), as in HCL.
    pub fn eval_template(&self, parts: &[Part], env: &Env) -> Value {
        if let [Part::Interpolation(e)] = parts {
            return self.eval(e, env);
        }
        let mut out = String::new();
        match self.render_template(parts, env, &mut out) {
            Ok(()) => Value::String(out),
            Err(u) => u,
        }
    }

    fn render_template(&self, parts: &[Part], env: &Env, out: &mut String) -> Result<(), Value> {
        for part in parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Interpolation(e) => {
                    let v = self.eval(e, env);
                    if let Some(r) = first_unknown(&v) {
                        return Err(unk(r));
                    }
                    match value::to_str(&v) {
                        Some(s) => out.push_str(&s),
                        None => {
                            return Err(error(format!(
                                "cannot interpolate a {} into a string",
                                value::type_name(&v)
                            )))
                        }
                    }
                }
                Part::If(ifp) => {
                    let cond = self.eval(&ifp.cond, env);
                    if let Some(r) = first_unknown(&cond) {
                        return Err(unk(r));
                    }
                    match to_bool(&cond) {
                        Some(true) => self.render_template(&ifp.then, env, out)?,
                        Some(false) => self.render_template(&ifp.otherwise, env, out)?,
                        None => return Err(error("template if condition is not a bool")),
                    }
                }
                Part::For(fp) => {
                    let coll = self.eval(&fp.collection, env);
                    if let Some(r) = first_unknown(&coll) {
                        return Err(unk(r));
                    }
                    for (k, v) in iterate(coll)? {
                        let env2 = match &fp.key_var {
                            Some(kv) => env.with(&**kv, k),
                            None => env.clone(),
                        }
                        .with(&*fp.value_var, v);
                        self.render_template(&fp.body, &env2, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn eval_for(&self, f: &ForExpr, env: &Env) -> Value {
        let coll = self.eval(&f.collection, env);
        if is_unknown(&coll) {
            return coll;
        }
        let items = match iterate(coll) {
            Ok(items) => items,
            Err(e) => return e,
        };
        let mut list = Vec::new();
        let mut obj: Map<String, Value> = Map::new();
        for (k, v) in items {
            let env2 = match &f.key_var {
                Some(kv) => env.with(&**kv, k),
                None => env.clone(),
            }
            .with(&*f.value_var, v);
            if let Some(cond) = &f.cond {
                let c = self.eval(cond, &env2);
                if let Some(r) = first_unknown(&c) {
                    return unk(r);
                }
                match to_bool(&c) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return error("for expression condition is not a bool"),
                }
            }
            match &f.key {
                Some(ke) => {
                    let kv = self.eval(ke, &env2);
                    if let Some(r) = first_unknown(&kv) {
                        return unk(r);
                    }
                    let Some(key) = value::to_str(&kv) else {
                        return error("for expression key is not a string");
                    };
                    let val = self.eval(&f.value, &env2);
                    if f.grouping {
                        match obj.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                            Value::Array(a) => a.push(val),
                            _ => return error("grouping mismatch"),
                        }
                    } else if obj.contains_key(&key) {
                        return error(format!(
                            "duplicate key {key:?} in for expression (use ... to group)"
                        ));
                    } else {
                        obj.insert(key, val);
                    }
                }
                None => list.push(self.eval(&f.value, &env2)),
            }
        }
        if f.key.is_some() {
            Value::Object(obj)
        } else {
            Value::Array(list)
        }
    }

    /// Resolves a reference rooted at a bare name, applying the traversal operators.
    fn resolve_root(&self, name: &str, ops: &Ops, env: &Env) -> Value {
        if let Some(v) = env.get(name) {
            return self.apply_ops_ref(v, ops, env);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(Op::Attr(a)) => Some(a.to_string()),
            _ => None,
        };
        match name {
            "var" => match attr(0) {
                Some(n) => match self.var(&n) {
                    Some(v) => self.apply_ops_ref(&v, &ops[1..], env),
                    None => error(format!("variable {n} is not declared")),
                },
                None => error("var must be followed by a variable name"),
            },
            "local" => match attr(0) {
                Some(n) => {
                    let v = self.local(&n);
                    self.apply_ops_ref(&v, &ops[1..], env)
                }
                None => error("local must be followed by a name"),
            },
            "module" => match attr(0) {
                Some(n) => self.module_ref(&n, &ops[1..], env),
                None => error("module must be followed by a name"),
            },
            "data" => match (attr(0), attr(1)) {
                // Expanded like a resource, so `data.x.y[0]` of a `count = 0` block is an
                // error that `try` catches, as in Terraform; what is read is unknown
                // (see `data_ops`).
                (Some(t), Some(n)) if self.def.resources.contains_key(&format!("data.{t}.{n}")) => {
                    self.resource_ref(&format!("data.{t}.{n}"), &ops[2..], env)
                }
                (Some(t), Some(n)) => {
                    unk(format!("data source data.{t}.{n} is read at apply time"))
                }
                _ => error("data must be followed by a type and a name"),
            },
            "path" => {
                let v = match attr(0).as_deref() {
                    Some("module") => Value::String(self.def.display.clone()),
                    Some("root") => Value::String(self.root.display.clone()),
                    Some("cwd") => Value::String(self.loader.cwd.clone()),
                    _ => return error("unknown path attribute"),
                };
                self.apply_ops(v, &ops[1..], env)
            }
            "terraform" => match attr(0).as_deref() {
                Some("workspace") => Value::String("default".to_owned()),
                _ => unk("terraform.* attribute is not supported"),
            },
            "count" | "each" | "self" => unk(format!("{name} is not available in this context")),
            _ => match attr(0) {
                Some(label) => {
                    let key = format!("{name}.{label}");
                    if self.def.resources.contains_key(&key) {
                        self.resource_ref(&key, &ops[1..], env)
                    } else {
                        error(format!("reference to undeclared resource {key}"))
                    }
                }
                None => error(format!("unknown reference {name}")),
            },
        }
    }

    fn resource_ref(&self, key: &str, ops: &Ops, env: &Env) -> Value {
        let Some(res) = self.resource(key) else {
            return unk(format!("{key} is part of a dependency cycle"));
        };
        let addr_of = |inst: &InstEval| format!("{}{}", self.prefix(), inst.local_address);
        match res.expansion {
            Expansion::Single => match res.instances.first() {
                Some(inst) => self.inst_ops(inst, &addr_of(inst), ops, env),
                None => error(format!("{key} has no instance")),
            },
            Expansion::Unknown(_) => match ops.first() {
                Some(Op::Index(ix)) => {
                    let k = self.eval(ix, env);
                    match res.instances.first() {
                        Some(inst) if !is_unknown(&k) => {
                            let addr = format!("{}{key}{}", self.prefix(), value::render_key(&k));
                            self.inst_ops(inst, &addr, &ops[1..], env)
                        }
                        _ => unk(format!(
                            "instances of {key} are unknown (count/for_each unknown)"
                        )),
                    }
                }
                _ => unk(format!(
                    "instances of {key} are unknown (count/for_each unknown)"
                )),
            },
            Expansion::Count | Expansion::ForEach => {
                let first = ops.first();
                let index = match first {
                    Some(Op::Index(ix)) => Some(self.eval(ix, env)),
                    Some(Op::LegacyIndex(i)) => Some(Value::from(*i)),
                    _ => None,
                };
                if let Some(k) = index {
                    if is_unknown(&k) {
                        return k;
                    }
                    let ks = value::to_str(&k);
                    return match res
                        .instances
                        .iter()
                        .find(|i| value::to_str(&i.key).is_some() && value::to_str(&i.key) == ks)
                    {
                        Some(inst) => self.inst_ops(inst, &addr_of(inst), &ops[1..], env),
                        None => error(format!("{key}{} does not exist", value::render_key(&k))),
                    };
                }
                if matches!(first, Some(Op::FullSplat | Op::AttrSplat)) {
                    return Value::Array(
                        res.instances
                            .iter()
                            .map(|i| self.inst_ops(i, &addr_of(i), &ops[1..], env))
                            .collect(),
                    );
                }
                let whole = if res.expansion == Expansion::Count {
                    Value::Array(
                        res.instances
                            .iter()
                            .map(|i| self.inst_ops(i, &addr_of(i), &[], env))
                            .collect(),
                    )
                } else {
                    Value::Object(
                        res.instances
                            .iter()
                            .map(|i| {
                                (
                                    value::to_str(&i.key).unwrap_or_default(),
                                    self.inst_ops(i, &addr_of(i), &[], env),
                                )
                            })
                            .collect(),
                    )
                };
                self.apply_ops(whole, ops, env)
            }
        }
    }

    /// Applies operators to a resource instance: a configured argument gives its value, an
    /// attribute not set in configuration gives the `${address.attr}` placeholder.
    fn inst_ops(&self, inst: &InstEval, addr: &str, ops: &Ops, env: &Env) -> Value {
        if let Some(data) = inst.local_address.strip_prefix("data.") {
            return self.data_ops(inst, data, addr, ops, env);
        }
        match ops.first() {
            None => {
                let mut obj = inst.values.clone();
                for computed in ["id", "arn"] {
                    obj.entry(computed)
                        .or_insert_with(|| Value::String(format!("${{{addr}.{computed}}}")));
                }
                Value::Object(obj)
            }
            Some(Op::Attr(a)) => match inst.values.get(&**a) {
                Some(v) => {
                    let r = self.apply_ops_ref(v, &ops[1..], env);
                    // A computed attribute inside a configured nested block
                    // (`vpc_config[0].cluster_security_group_id`) is set after apply too.
                    if first_unknown(&r).is_some_and(|m| m.contains("has no attribute")) {
                        Value::String(format!("${{{addr}{}}}", self.render_ops(ops, env)))
                    } else {
                        r
                    }
                }
                None => Value::String(format!("${{{addr}{}}}", self.render_ops(ops, env))),
            },
            Some(_) => {
                let whole = self.inst_ops(inst, addr, &[], env);
                self.apply_ops(whole, ops, env)
            }
        }
    }

    /// Applies operators to a data source instance (`data` is its address without the
    /// `data.` prefix). A policy document is computed from its arguments, so its attributes
    /// are known; the account, region and partition the run is in are "set, known at apply"
    /// (`${...}` placeholders, as for computed attributes of managed resources: they are
    /// never a wildcard or a public CIDR, so a policy naming its own account is judged);
    /// everything else a data source reads is unknown.
    fn data_ops(&self, inst: &InstEval, data: &str, addr: &str, ops: &Ops, env: &Env) -> Value {
        let rtype = data.split('.').next().unwrap_or_default();
        let read = || unk(format!("data source {addr} is read at apply time"));
        match ops.first() {
            Some(Op::Attr(a)) if rtype == policy_document::TYPE => match inst.values.get(&**a) {
                Some(v) => self.apply_ops_ref(v, &ops[1..], env),
                None => read(),
            },
            Some(Op::Attr(a)) if is_environment_attr(rtype, a) => {
                let v = Value::String(format!("${{{addr}.{a}}}"));
                self.apply_ops(v, &ops[1..], env)
            }
            _ => read(),
        }
    }

    fn render_ops(&self, ops: &Ops, env: &Env) -> String {
        let mut s = String::new();
        for op in ops {
            match op {
                Op::Attr(a) => {
                    s.push('.');
                    s.push_str(a);
                }
                Op::Index(e) => {
                    let k = self.eval(e, env);
                    s.push_str(&value::render_key(&k));
                }
                Op::LegacyIndex(i) => s.push_str(&format!("[{i}]")),
                Op::AttrSplat => s.push_str(".*"),
                Op::FullSplat => s.push_str("[*]"),
            }
        }
        s
    }

    fn module_ref(&self, name: &str, ops: &Ops, env: &Env) -> Value {
        let Some(call) = self.call(name) else {
            return unk(format!("module.{name} is part of a dependency cycle"));
        };
        if let Some(reason) = &call.unresolved {
            return unk(reason.clone());
        }
        let child_ops = |child: &Scope<'_>, ops: &Ops| match ops.first() {
            Some(Op::Attr(out)) => {
                let v = child.output(out);
                self.apply_ops_ref(&v, &ops[1..], env)
            }
            None => child.all_outputs(),
            Some(_) => self.apply_ops(child.all_outputs(), ops, env),
        };
        match call.expansion {
            Expansion::Single => match call.children.first() {
                Some((_, c)) => child_ops(c, ops),
                None => error(format!("module.{name} has no instance")),
            },
            Expansion::Unknown(_) => match (ops.first(), call.children.first()) {
                (Some(Op::Index(_)), Some((_, c))) => child_ops(c, &ops[1..]),
                _ => unk(format!(
                    "instances of module.{name} are unknown (count/for_each unknown)"
                )),
            },
            Expansion::Count | Expansion::ForEach => {
                let first = ops.first();
                let index = match first {
                    Some(Op::Index(ix)) => Some(self.eval(ix, env)),
                    Some(Op::LegacyIndex(i)) => Some(Value::from(*i)),
                    _ => None,
                };
                if let Some(k) = index {
                    if is_unknown(&k) {
                        return k;
                    }
                    let ks = value::to_str(&k);
                    return match call.children.iter().find(|(ck, _)| value::to_str(ck) == ks) {
                        Some((_, c)) => child_ops(c, &ops[1..]),
                        None => error(format!(
                            "module.{name}{} does not exist",
                            value::render_key(&k)
                        )),
                    };
                }
                if matches!(first, Some(Op::FullSplat | Op::AttrSplat)) {
                    return Value::Array(
                        call.children
                            .iter()
                            .map(|(_, c)| child_ops(c, &ops[1..]))
                            .collect(),
                    );
                }
                let whole = if call.expansion == Expansion::Count {
                    Value::Array(call.children.iter().map(|(_, c)| c.all_outputs()).collect())
                } else {
                    Value::Object(
                        call.children
                            .iter()
                            .map(|(k, c)| (value::to_str(k).unwrap_or_default(), c.all_outputs()))
                            .collect(),
                    )
                };
                self.apply_ops(whole, ops, env)
            }
        }
    }

    /// [`Self::apply_ops`] on a borrowed value: attribute and index steps follow references,
    /// and only the value finally reached is cloned (memoized locals, variables and resource
    /// values are large; a reference usually wants a small part of them). A splat needs owned
    /// values and continues with [`Self::apply_ops`].
    pub fn apply_ops_ref(&self, v: &Value, ops: &Ops, env: &Env) -> Value {
        let mut cur = v;
        for (i, op) in ops.iter().enumerate() {
            if is_unknown(cur) {
                return cur.clone();
            }
            let step = match op {
                Op::Attr(a) => get_attr_ref(cur, a),
                Op::Index(ix) => {
                    let k = self.eval(ix, env);
                    index_ref(cur, &k)
                }
                Op::LegacyIndex(n) => index_ref(cur, &Value::from(*n)),
                Op::FullSplat | Op::AttrSplat => {
                    return self.apply_ops(cur.clone(), &ops[i..], env)
                }
            };
            match step {
                Ok(next) => cur = next,
                // Always an unknown: the owned walk would stop at it too.
                Err(u) => return u,
            }
        }
        cur.clone()
    }

    /// Applies traversal operators (attribute, index, splats) to a value.
    pub fn apply_ops(&self, mut v: Value, ops: &Ops, env: &Env) -> Value {
        for (i, op) in ops.iter().enumerate() {
            if is_unknown(&v) {
                return v;
            }
            match op {
                Op::Attr(a) => v = get_attr(v, a),
                Op::Index(ix) => {
                    let k = self.eval(ix, env);
                    v = index(v, &k);
                }
                Op::LegacyIndex(n) => v = index(v, &Value::from(*n)),
                Op::FullSplat | Op::AttrSplat => {
                    let attr_only = matches!(op, Op::AttrSplat);
                    let rest = &ops[i + 1..];
                    let n = if attr_only {
                        rest.iter().take_while(|o| matches!(o, Op::Attr(_))).count()
                    } else {
                        rest.len()
                    };
                    let items = match v {
                        Value::Null => Vec::new(),
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    let mapped = Value::Array(
                        items
                            .into_iter()
                            .map(|x| self.apply_ops(x, &rest[..n], env))
                            .collect(),
                    );
                    return self.apply_ops(mapped, &rest[n..], env);
                }
            }
        }
        v
    }
}

/// Attributes of the data sources that name where the run happens: the partition, region
/// and account (and caller) of the provider's credentials.
fn is_environment_attr(rtype: &str, attr: &str) -> bool {
    match rtype {
        "aws_partition" => matches!(
            attr,
            "partition" | "dns_suffix" | "reverse_dns_prefix" | "id"
        ),
        "aws_region" => matches!(attr, "name" | "region" | "id" | "endpoint" | "description"),
        "aws_caller_identity" => matches!(attr, "account_id" | "arn" | "user_id" | "id"),
        _ => false,
    }
}

fn get_attr(v: Value, name: &str) -> Value {
    match v {
        Value::Object(mut m) => m.remove(name).unwrap_or_else(|| no_attribute(name)),
        other => get_attr_ref(&other, name).map_or_else(|u| u, Value::clone),
    }
}

fn no_attribute(name: &str) -> Value {
    error(format!("object has no attribute {name:?}"))
}

/// `v.name` by reference; `Err` holds the unknown that results instead.
fn get_attr_ref<'v>(v: &'v Value, name: &str) -> Result<&'v Value, Value> {
    match v {
        Value::Object(m) => m.get(name).ok_or_else(|| no_attribute(name)),
        Value::String(s) if is_placeholder(s) => Err(value::after_apply(s)),
        Value::Null => Err(error(format!("attribute {name:?} of null"))),
        other => Err(error(format!(
            "a {} has no attributes",
            value::type_name(other)
        ))),
    }
}

/// `v[k]` by reference; `Err` holds the unknown that results instead.
fn index_ref<'v>(v: &'v Value, k: &Value) -> Result<&'v Value, Value> {
    if let Some(r) = first_unknown(k) {
        return Err(unk(r));
    }
    match v {
        Value::Array(items) => value::as_i64(k)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i))
            .ok_or_else(|| out_of_range(k, items.len())),
        Value::Object(m) => match value::to_str(k) {
            Some(s) => m.get(&s).ok_or_else(|| key_not_found(&s)),
            None => Err(error("map key must be a string")),
        },
        Value::String(s) if is_placeholder(s) => Err(value::after_apply(s)),
        Value::Null => Err(error("index of null")),
        other => Err(error(format!("cannot index a {}", value::type_name(other)))),
    }
}

fn out_of_range(k: &Value, len: usize) -> Value {
    error(format!("index {k} out of range for a list of {len}"))
}

fn key_not_found(key: &str) -> Value {
    error(format!("key {key:?} not found"))
}

/// `v[k]` on a list (numeric index) or a map (string key).
pub fn index(v: Value, k: &Value) -> Value {
    if let Some(r) = first_unknown(k) {
        return unk(r);
    }
    match v {
        Value::Array(mut items) => match value::as_i64(k).and_then(|i| usize::try_from(i).ok()) {
            Some(i) if i < items.len() => items.swap_remove(i),
            _ => out_of_range(k, items.len()),
        },
        Value::Object(mut m) => match value::to_str(k) {
            Some(s) => m.remove(&s).unwrap_or_else(|| key_not_found(&s)),
            None => error("map key must be a string"),
        },
        other => index_ref(&other, k).map_or_else(|u| u, Value::clone),
    }
}

/// Key/value pairs of a collection for `for` expressions and directives.
pub fn iterate(coll: Value) -> Result<Vec<(Value, Value)>, Value> {
    match coll {
        Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i), v))
            .collect()),
        Value::Object(m) => Ok(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
        Value::String(s) if is_placeholder(&s) => Err(value::after_apply(&s)),
        other => Err(error(format!(
            "cannot iterate over a {}",
            value::type_name(&other)
        ))),
    }
}

fn binary(op: BinaryOp, lhs: &Value, rhs: &Value) -> Value {
    use BinaryOp as B;
    for side in [lhs, rhs] {
        if let Some(r) = first_unknown(side) {
            if !matches!(op, B::Eq | B::NotEq) || is_unknown(side) {
                return unk(r);
            }
        }
    }
    match op {
        B::Eq | B::NotEq => {
            for side in [lhs, rhs] {
                if let Some(r) = first_unknown(side) {
                    return unk(r);
                }
                if let Value::String(s) = side {
                    if is_placeholder(s) {
                        return value::after_apply(s);
                    }
                }
            }
            let eq = value::values_equal(lhs, rhs);
            Value::Bool(if op == B::Eq { eq } else { !eq })
        }
        B::And | B::Or => match (to_bool(lhs), to_bool(rhs)) {
            (Some(a), Some(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
            _ => error("logical operator needs bools"),
        },
        _ => {
            for side in [lhs, rhs] {
                if let Value::String(s) = side {
                    if is_placeholder(s) {
                        return value::after_apply(s);
                    }
                }
            }
            let (Some(a), Some(b)) = (as_f64(lhs), as_f64(rhs)) else {
                return error(format!("operator {} needs numbers", op.as_str()));
            };
            match op {
                B::Plus => num(a + b),
                B::Minus => num(a - b),
                B::Mul => num(a * b),
                B::Div if b == 0.0 => error("division by zero"),
                B::Div => num(a / b),
                B::Mod if b == 0.0 => error("modulo by zero"),
                B::Mod => num(a % b),
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                B::Eq | B::NotEq | B::And | B::Or => Value::Null,
            }
        }
    }
}
