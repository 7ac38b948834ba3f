//! Terraform's built-in functions (the subset that matters for configuration analysis).
//!
//! Rules: an unknown argument makes the result unknown (except `try`, `can`, `coalesce`,
//! and functions that only move values around, like `length` or `concat`, which keep
//! unknown elements inside a known collection); a function that would inspect the text of a
//! value known only after apply (`${aws_x.y.arn}`) is unknown; an unsupported function is
//! unknown with reason `function X is not supported`. Nothing here panics.

use std::path::{Path, PathBuf};

use super::hcl::{self, ast::Expr};
use serde_json::{Map, Value};

use super::module::{Env, Scope};
use super::value::{
    self, as_f64, as_i64, error, fmt_number, has_placeholder, is_error, is_placeholder, is_unknown,
    num, to_bool, to_set, to_str, unk,
};
use crate::model::first_unknown;

type R = Result<Value, Value>;

/// Calls function `name` with unevaluated `args` (so `try`/`can` can catch errors).
pub fn call(scope: &Scope<'_>, name: &str, args: &[Expr], expand_final: bool, env: &Env) -> Value {
    match name {
        "try" => {
            for a in args {
                let v = scope.eval(a, env);
                if !is_error(&v) {
                    return v;
                }
            }
            return error("no argument of try could be evaluated");
        }
        "can" => {
            let Some(a) = args.first() else {
                return error("can needs one argument");
            };
            let v = scope.eval(a, env);
            if is_error(&v) {
                return Value::Bool(false);
            }
            if let Some(r) = first_unknown(&v) {
                return unk(r);
            }
            return Value::Bool(true);
        }
        _ => {}
    }
    let mut vals: Vec<Value> = args.iter().map(|a| scope.eval(a, env)).collect();
    if expand_final {
        match vals.pop() {
            Some(Value::Array(items)) => vals.extend(items),
            Some(v) if is_unknown(&v) => return v,
            Some(_) => return error(format!("{name}: ... needs a list")),
            None => {}
        }
    }
    match dispatch(scope, name, vals) {
        Ok(v) | Err(v) => v,
    }
}

/// Propagates a top-level unknown argument.
fn known(v: &Value) -> Result<&Value, Value> {
    if is_unknown(v) {
        Err(v.clone())
    } else {
        Ok(v)
    }
}

/// Fully known value (no unknown anywhere).
fn deep(v: &Value) -> Result<&Value, Value> {
    match first_unknown(v) {
        Some(r) => Err(unk(r)),
        None => Ok(v),
    }
}

/// A string argument whose text is inspected: values known after apply are unknown.
fn text(v: &Value) -> Result<String, Value> {
    known(v)?;
    match v {
        Value::String(s) if is_placeholder(s) => Err(value::after_apply(s)),
        other => to_str(other).ok_or_else(|| {
            error(format!(
                "expected a string, got {}",
                value::type_name(other)
            ))
        }),
    }
}

/// A string argument that is only copied (placeholders allowed).
fn string(v: &Value) -> Result<String, Value> {
    known(v)?;
    to_str(v).ok_or_else(|| error(format!("expected a string, got {}", value::type_name(v))))
}

fn number(v: &Value) -> Result<f64, Value> {
    known(v)?;
    if let Value::String(s) = v {
        if is_placeholder(s) {
            return Err(value::after_apply(s));
        }
    }
    as_f64(v).ok_or_else(|| error(format!("expected a number, got {}", value::type_name(v))))
}

fn int(v: &Value) -> Result<i64, Value> {
    let f = number(v)?;
    as_i64(&num(f)).ok_or_else(|| error("expected a whole number"))
}

fn list(v: &Value) -> Result<Vec<Value>, Value> {
    known(v)?;
    match v {
        Value::Array(a) => Ok(a.clone()),
        Value::String(s) if is_placeholder(s) => Err(value::after_apply(s)),
        other => Err(error(format!(
            "expected a list, got {}",
            value::type_name(other)
        ))),
    }
}

fn map(v: &Value) -> Result<Map<String, Value>, Value> {
    known(v)?;
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::String(s) if is_placeholder(s) => Err(value::after_apply(s)),
        other => Err(error(format!(
            "expected a map, got {}",
            value::type_name(other)
        ))),
    }
}

fn arg(args: &[Value], i: usize) -> Result<&Value, Value> {
    args.get(i).ok_or_else(|| error("missing argument"))
}

fn strs(items: &[Value]) -> Result<Vec<String>, Value> {
    items.iter().map(text).collect()
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per function reads best as a table"
)]
fn dispatch(scope: &Scope<'_>, name: &str, args: Vec<Value>) -> R {
    let a0 = || arg(&args, 0);
    let a1 = || arg(&args, 1);
    let a2 = || arg(&args, 2);
    Ok(match name {
        // Collections.
        "length" => match known(a0()?)? {
            Value::Array(a) => Value::from(a.len()),
            Value::Object(m) => Value::from(m.len()),
            s @ Value::String(_) => Value::from(text(s)?.chars().count()),
            other => return Err(error(format!("length of a {}", value::type_name(other)))),
        },
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(list(a)?);
            }
            Value::Array(out)
        }
        "merge" => {
            let mut out = Map::new();
            for a in &args {
                if a.is_null() {
                    continue;
                }
                out.extend(map(a)?);
            }
            Value::Object(out)
        }
        "lookup" => {
            let m = map(a0()?)?;
            let k = text(a1()?)?;
            match m.get(&k) {
                Some(v) => v.clone(),
                None => match args.get(2) {
                    Some(d) => d.clone(),
                    None => return Err(error(format!("lookup: key {k:?} not found"))),
                },
            }
        }
        "element" => {
            let l = list(a0()?)?;
            let i = int(a1()?)?;
            if l.is_empty() {
                return Err(error("element of an empty list"));
            }
            let len = i64::try_from(l.len()).unwrap_or(i64::MAX);
            let idx = usize::try_from(i.rem_euclid(len)).unwrap_or(0);
            l.get(idx).cloned().unwrap_or(Value::Null)
        }
        "index" => {
            let l = list(a0()?)?;
            let v = deep(a1()?)?;
            for item in &l {
                deep(item)?;
            }
            match l.iter().position(|x| value::values_equal(x, v)) {
                Some(i) => Value::from(i),
                None => return Err(error("index: value not in list")),
            }
        }
        "contains" => {
            let l = list(a0()?)?;
            let v = deep(a1()?)?;
            if has_placeholder(v) {
                return Err(value::after_apply("the searched value"));
            }
            if l.iter().any(|x| value::values_equal(x, v)) {
                Value::Bool(true)
            } else if let Some(u) = l.iter().find_map(|x| first_unknown(x).map(unk)) {
                return Err(u);
            } else {
                Value::Bool(false)
            }
        }
        "keys" => Value::Array(
            map(a0()?)?
                .keys()
                .map(|k| Value::String(k.clone()))
                .collect(),
        ),
        "values" => Value::Array(map(a0()?)?.values().cloned().collect()),
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>, depth: u32) -> Result<(), Value> {
                if depth > 64 {
                    return Err(error("flatten: nested too deeply"));
                }
                match v {
                    Value::Array(a) => {
                        for x in a {
                            flat(x, out, depth + 1)?;
                        }
                    }
                    x if is_unknown(x) && depth > 0 => return Err(x.clone()),
                    x => out.push(x.clone()),
                }
                Ok(())
            }
            let mut out = Vec::new();
            flat(&Value::Array(list(a0()?)?), &mut out, 0)?;
            Value::Array(out)
        }
        "distinct" => {
            let l = list(a0()?)?;
            let mut out: Vec<Value> = Vec::new();
            for x in l {
                deep(&x)?;
                if !out.iter().any(|y| value::values_equal(y, &x)) {
                    out.push(x);
                }
            }
            Value::Array(out)
        }
        "compact" => {
            let l = list(a0()?)?;
            let mut out = Vec::new();
            for x in l {
                known(&x)?;
                match &x {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    _ => out.push(x),
                }
            }
            Value::Array(out)
        }
        "reverse" => {
            let mut l = list(a0()?)?;
            l.reverse();
            Value::Array(l)
        }
        "sort" => {
            let l = list(a0()?)?;
            let mut s = strs(&l)?;
            s.sort();
            Value::Array(s.into_iter().map(Value::String).collect())
        }
        "slice" => {
            let l = list(a0()?)?;
            let (Ok(s), Ok(e)) = (usize::try_from(int(a1()?)?), usize::try_from(int(a2()?)?))
            else {
                return Err(error("slice: negative index"));
            };
            if s > e || e > l.len() {
                return Err(error("slice: index out of range"));
            }
            Value::Array(l.get(s..e).unwrap_or_default().to_vec())
        }
        "one" => {
            let l = list(a0()?)?;
            match l.len() {
                0 => Value::Null,
                1 => l.into_iter().next().unwrap_or(Value::Null),
                _ => return Err(error("one: list has more than one element")),
            }
        }
        "alltrue" | "anytrue" => {
            let l = list(a0()?)?;
            let want_all = name == "alltrue";
            let mut pending: Option<Value> = None;
            for x in &l {
                if is_unknown(x) {
                    pending.get_or_insert_with(|| x.clone());
                    continue;
                }
                let b = to_bool(x).ok_or_else(|| error("expected bools"))?;
                if want_all && !b {
                    return Ok(Value::Bool(false));
                }
                if !want_all && b {
                    return Ok(Value::Bool(true));
                }
            }
            if let Some(p) = pending {
                return Err(p);
            }
            Value::Bool(want_all)
        }
        "sum" => {
            let l = list(a0()?)?;
            let mut total = 0.0;
            for x in &l {
                total += number(x)?;
            }
            num(total)
        }
        "range" => {
            let nums: Vec<f64> = args.iter().map(number).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums.as_slice() {
                [e] => (0.0, *e, 1.0),
                [s, e] => (*s, *e, if s <= e { 1.0 } else { -1.0 }),
                [s, e, st] => (*s, *e, *st),
                _ => return Err(error("range takes 1 to 3 arguments")),
            };
            if step == 0.0 {
                return Err(error("range: step is zero"));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= 1024 {
                    return Err(error("range: more than 1024 elements"));
                }
                out.push(num(x));
                x += step;
            }
            Value::Array(out)
        }
        "zipmap" => {
            let k = strs(&list(a0()?)?)?;
            let v = list(a1()?)?;
            if k.len() != v.len() {
                return Err(error("zipmap: lists differ in length"));
            }
            Value::Object(k.into_iter().zip(v).collect())
        }
        "setunion" => {
            let mut all = Vec::new();
            for a in &args {
                for x in list(a)? {
                    all.push(deep(&x)?.clone());
                }
            }
            Value::Array(to_set(all))
        }
        "setintersection" | "setsubtract" => {
            let first = list(a0()?)?;
            for x in &first {
                deep(x)?;
            }
            let others: Vec<Vec<Value>> =
                args.iter().skip(1).map(list).collect::<Result<_, _>>()?;
            let keep = |x: &Value| {
                let inn = |o: &Vec<Value>| o.iter().any(|y| value::values_equal(x, y));
                if name == "setintersection" {
                    others.iter().all(inn)
                } else {
                    !others.iter().any(inn)
                }
            };
            Value::Array(to_set(first.into_iter().filter(|x| keep(x)).collect()))
        }
        "coalesce" => {
            for a in &args {
                if is_unknown(a) {
                    return Err(a.clone());
                }
                match a {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    other => return Ok(other.clone()),
                }
            }
            return Err(error("coalesce: no non-null argument"));
        }
        "coalescelist" => {
            for a in &args {
                let l = list(a)?;
                if !l.is_empty() {
                    return Ok(Value::Array(l));
                }
            }
            Value::Array(Vec::new())
        }
        "transpose" => {
            let m = map(a0()?)?;
            let mut out: std::collections::BTreeMap<String, Vec<Value>> =
                std::collections::BTreeMap::new();
            for (k, v) in m {
                for s in strs(&list(&v)?)? {
                    out.entry(s).or_default().push(Value::String(k.clone()));
                }
            }
            Value::Object(out.into_iter().map(|(k, v)| (k, Value::Array(v))).collect())
        }
        "chunklist" => {
            let l = list(a0()?)?;
            let n = usize::try_from(int(a1()?)?).unwrap_or(0);
            if n == 0 {
                Value::Array(vec![Value::Array(l)])
            } else {
                Value::Array(l.chunks(n).map(|c| Value::Array(c.to_vec())).collect())
            }
        }
        "matchkeys" => {
            let vals = list(a0()?)?;
            let keys = list(a1()?)?;
            let search = list(a2()?)?;
            let mut out = Vec::new();
            for (v, k) in vals.into_iter().zip(keys) {
                deep(&k)?;
                if search.iter().any(|s| value::values_equal(s, &k)) {
                    out.push(v);
                }
            }
            Value::Array(out)
        }
        // Type conversions.
        "tolist" => Value::Array(list(a0()?)?),
        "toset" => {
            let l = list(a0()?)?;
            if l.iter().any(is_unknown) {
                // The set's size and order are unknown until its elements are.
                let u = l
                    .iter()
                    .find(|x| is_unknown(x))
                    .cloned()
                    .unwrap_or(Value::Null);
                return Err(u);
            }
            Value::Array(to_set(l))
        }
        "tomap" => Value::Object(map(a0()?)?),
        "tostring" => match known(a0()?)? {
            Value::Null => Value::Null,
            v => Value::String(string(v)?),
        },
        "tonumber" => match known(a0()?)? {
            Value::Null => Value::Null,
            v => num(number(v)?),
        },
        "tobool" => match known(a0()?)? {
            Value::Null => Value::Null,
            v => Value::Bool(to_bool(v).ok_or_else(|| error("tobool: not a bool"))?),
        },
        "sensitive" | "nonsensitive" | "type" => a0()?.clone(),
        // Strings.
        "format" => Value::String(format(&string(a0()?)?, args.get(1..).unwrap_or_default())?),
        "formatlist" => {
            let f = string(a0()?)?;
            let rest = args.get(1..).unwrap_or_default();
            let mut n: Option<usize> = None;
            for a in rest {
                known(a)?;
                if let Value::Array(l) = a {
                    if n.is_some_and(|m| m != l.len()) {
                        return Err(error("formatlist: lists differ in length"));
                    }
                    n = Some(l.len());
                }
            }
            let n = n.unwrap_or(1);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match a {
                        Value::Array(l) => l.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(&f, &row)?));
            }
            Value::Array(out)
        }
        "join" => {
            let sep = string(a0()?)?;
            let mut parts = Vec::new();
            for l in args.iter().skip(1) {
                for x in list(l)? {
                    if let Some(r) = first_unknown(&x) {
                        return Err(unk(r));
                    }
                    parts.push(string(&x)?);
                }
            }
            Value::String(parts.join(&sep))
        }
        "split" => {
            let sep = text(a0()?)?;
            let s = text(a1()?)?;
            if s.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Array(
                    s.split(sep.as_str())
                        .map(|p| Value::String(p.to_owned()))
                        .collect(),
                )
            }
        }
        "replace" => {
            let s = text(a0()?)?;
            let from = text(a1()?)?;
            let to = string(a2()?)?;
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = regex(&from[1..from.len() - 1])?;
                // Terraform uses $1 style references, as does the regex crate.
                Value::String(re.replace_all(&s, to.as_str()).into_owned())
            } else {
                Value::String(s.replace(&from, &to))
            }
        }
        "lower" => Value::String(text(a0()?)?.to_lowercase()),
        "upper" => Value::String(text(a0()?)?.to_uppercase()),
        "title" => {
            let s = text(a0()?)?;
            let mut out = String::with_capacity(s.len());
            let mut start = true;
            for c in s.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Value::String(out)
        }
        "trimspace" => Value::String(text(a0()?)?.trim().to_owned()),
        "chomp" => Value::String(text(a0()?)?.trim_end_matches(['\n', '\r']).to_owned()),
        "trim" => {
            let cut = text(a1()?)?;
            Value::String(text(a0()?)?.trim_matches(|c| cut.contains(c)).to_owned())
        }
        "trimprefix" => {
            let s = text(a0()?)?;
            let p = text(a1()?)?;
            Value::String(s.strip_prefix(p.as_str()).unwrap_or(&s).to_owned())
        }
        "trimsuffix" => {
            let s = text(a0()?)?;
            let p = text(a1()?)?;
            Value::String(s.strip_suffix(p.as_str()).unwrap_or(&s).to_owned())
        }
        "strrev" => Value::String(text(a0()?)?.chars().rev().collect()),
        "substr" => {
            let s: Vec<char> = text(a0()?)?.chars().collect();
            let off = int(a1()?)?;
            let len = int(a2()?)?;
            let n = i64::try_from(s.len()).unwrap_or(i64::MAX);
            let start = if off < 0 {
                (n + off).max(0)
            } else {
                off.min(n)
            };
            let end = if len < 0 { n } else { (start + len).min(n) };
            let (start, end) = (
                usize::try_from(start).unwrap_or(0),
                usize::try_from(end).unwrap_or(0),
            );
            Value::String(
                s.get(start..end.max(start))
                    .unwrap_or_default()
                    .iter()
                    .collect(),
            )
        }
        "startswith" => Value::Bool(text(a0()?)?.starts_with(&text(a1()?)?)),
        "endswith" => Value::Bool(text(a0()?)?.ends_with(&text(a1()?)?)),
        "strcontains" => Value::Bool(text(a0()?)?.contains(&text(a1()?)?)),
        "regex" | "regexall" => {
            let re = regex(&text(a0()?)?)?;
            let s = text(a1()?)?;
            let one = |caps: regex::Captures<'_>| -> Value {
                let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
                if names.is_empty() {
                    Value::String(caps.get(0).map_or("", |m| m.as_str()).to_owned())
                } else if names.iter().all(Option::is_some) {
                    Value::Object(
                        names
                            .iter()
                            .flatten()
                            .map(|n| {
                                (
                                    (*n).to_owned(),
                                    caps.name(n).map_or(Value::Null, |m| {
                                        Value::String(m.as_str().to_owned())
                                    }),
                                )
                            })
                            .collect(),
                    )
                } else {
                    Value::Array(
                        (1..caps.len())
                            .map(|i| {
                                caps.get(i)
                                    .map_or(Value::Null, |m| Value::String(m.as_str().to_owned()))
                            })
                            .collect(),
                    )
                }
            };
            if name == "regex" {
                match re.captures(&s) {
                    Some(c) => one(c),
                    None => return Err(error("regex: no match")),
                }
            } else {
                Value::Array(re.captures_iter(&s).map(one).collect())
            }
        }
        "urlencode" => {
            let s = text(a0()?)?;
            let mut out = String::new();
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            Value::String(out)
        }
        // Encoding.
        "jsonencode" => {
            let v = deep(a0()?)?;
            Value::String(serde_json::to_string(v).map_err(|e| error(e.to_string()))?)
        }
        "jsondecode" => {
            let s = text(a0()?)?;
            serde_json::from_str(&s).map_err(|e| error(format!("jsondecode: {e}")))?
        }
        "yamlencode" => {
            let v = deep(a0()?)?;
            Value::String(yaml_serde::to_string(v).map_err(|e| error(e.to_string()))?)
        }
        "yamldecode" => {
            let s = text(a0()?)?;
            yaml_serde::from_str::<Value>(&s).map_err(|e| error(format!("yamldecode: {e}")))?
        }
        "base64encode" => Value::String(base64_encode(text(a0()?)?.as_bytes())),
        "base64decode" => {
            let bytes =
                base64_decode(&text(a0()?)?).ok_or_else(|| error("base64decode: invalid input"))?;
            Value::String(String::from_utf8(bytes).map_err(|_| error("base64decode: not UTF-8"))?)
        }
        "sha256" => {
            use sha2::Digest;
            Value::String(hex::encode(sha2::Sha256::digest(text(a0()?)?.as_bytes())))
        }
        "sha512" => {
            use sha2::Digest;
            Value::String(hex::encode(sha2::Sha512::digest(text(a0()?)?.as_bytes())))
        }
        // Numbers.
        "min" | "max" => {
            let nums: Vec<f64> = args.iter().map(number).collect::<Result<_, _>>()?;
            let r = if name == "min" {
                nums.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                nums.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            };
            if nums.is_empty() {
                return Err(error(format!("{name} needs arguments")));
            }
            num(r)
        }
        "abs" => num(number(a0()?)?.abs()),
        "ceil" => num(number(a0()?)?.ceil()),
        "floor" => num(number(a0()?)?.floor()),
        "signum" => num(number(a0()?)?.signum()),
        "pow" => num(number(a0()?)?.powf(number(a1()?)?)),
        "log" => num(number(a0()?)?.ln() / number(a1()?)?.ln()),
        "parseint" => {
            let s = text(a0()?)?;
            let base = u32::try_from(int(a1()?)?).map_err(|_| error("parseint: bad base"))?;
            if !(2..=36).contains(&base) {
                return Err(error("parseint: bad base"));
            }
            let i = i64::from_str_radix(&s, base).map_err(|e| error(format!("parseint: {e}")))?;
            Value::from(i)
        }
        // Network.
        "cidrsubnet" => Value::String(cidr_subnet(&text(a0()?)?, int(a1()?)?, int(a2()?)?)?),
        "cidrhost" => Value::String(cidr_host(&text(a0()?)?, int(a1()?)?)?),
        "cidrnetmask" => {
            let net: ipnet::Ipv4Net = text(a0()?)?
                .parse()
                .map_err(|_| error("cidrnetmask: invalid IPv4 CIDR"))?;
            Value::String(net.netmask().to_string())
        }
        "cidrsubnets" => {
            let base = text(a0()?)?;
            let net: ipnet::IpNet = base
                .parse()
                .map_err(|_| error("cidrsubnets: invalid CIDR"))?;
            let total = if net.addr().is_ipv4() { 32 } else { 128 };
            let mut next: u128 = 0;
            let mut out = Vec::new();
            for a in args.iter().skip(1) {
                let bits = u8::try_from(int(a)?).map_err(|_| error("cidrsubnets: bad bits"))?;
                let plen = net.prefix_len().saturating_add(bits);
                if plen > total {
                    return Err(error("cidrsubnets: prefix too long"));
                }
                let size: u128 = 1u128.checked_shl(u32::from(total - plen)).unwrap_or(0);
                if size > 0 && next % size != 0 {
                    next = (next / size + 1) * size;
                }
                let host_bits = total - net.prefix_len();
                let netnum = next.checked_div(size).unwrap_or(0);
                let sub = cidr_subnet(
                    &base,
                    i64::from(bits),
                    i64::try_from(netnum).unwrap_or(i64::MAX),
                )?;
                out.push(Value::String(sub));
                next = next.saturating_add(size);
                if host_bits < 128 && next > (1u128 << host_bits) {
                    return Err(error("cidrsubnets: not enough space"));
                }
            }
            Value::Array(out)
        }
        // Files.
        "file" => Value::String(read_file(scope, &text(a0()?)?)?),
        "filebase64" => Value::String(base64_encode(read_file(scope, &text(a0()?)?)?.as_bytes())),
        "fileexists" => {
            let p = text(a0()?)?;
            Value::Bool(resolve_path(scope, &p).is_some_and(|p| p.is_file()))
        }
        "templatefile" => {
            let src = read_file(scope, &text(a0()?)?)?;
            let vars = map(a1()?)?;
            let tpl = hcl::parse_template(&src)
                .map_err(|e| error(format!("templatefile: {}", e.message)))?;
            let env: Env = vars.into_iter().collect();
            scope.eval(&tpl, &env)
        }
        "basename" => {
            let p = text(a0()?)?;
            Value::String(
                p.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
        "dirname" => {
            let p = text(a0()?)?;
            Value::String(match p.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_owned(),
                Some((d, _)) => d.to_owned(),
                None => ".".to_owned(),
            })
        }
        "abspath" => {
            let p = text(a0()?)?;
            let abs = std::path::absolute(&p).map_err(|e| error(e.to_string()))?;
            Value::String(super::discover::display_path(&abs))
        }
        "pathexpand" => Value::String(text(a0()?)?),
        "timestamp" | "uuid" | "bcrypt" | "plantimestamp" => {
            return Err(unk(format!("{name}() is known only at apply time")))
        }
        other => return Err(unk(format!("function {other} is not supported"))),
    })
}

fn regex(pattern: &str) -> Result<regex::Regex, Value> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| error(format!("invalid regular expression: {e}")))
}

/// Terraform's `format`: `%s %d %v %q %t %f %e %g %x %X %o %b %%` with flags, width, precision.
fn format(f: &str, args: &[Value]) -> Result<String, Value> {
    let mut out = String::new();
    let mut chars = f.chars().peekable();
    let mut next_arg = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&fc) = chars.peek() {
            if "-+ #0".contains(fc) {
                flags.push(fc);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return Err(error("format: trailing %"));
        };
        let v = args
            .get(next_arg)
            .ok_or_else(|| error("format: not enough arguments"))?;
        next_arg += 1;
        if let Some(r) = first_unknown(v) {
            return Err(unk(r));
        }
        let body = match verb {
            's' => string(v)?,
            'v' => match v {
                Value::Array(_) | Value::Object(_) => v.to_string(),
                Value::Null => "null".to_owned(),
                other => string(other)?,
            },
            'q' => value::quote(&string(v)?),
            't' => to_bool(v)
                .ok_or_else(|| error("format: %t needs a bool"))?
                .to_string(),
            'd' => int(v)?.to_string(),
            'f' | 'e' | 'g' => {
                let n = number(v)?;
                match (verb, precision) {
                    ('f', p) => format!("{n:.*}", p.unwrap_or(6)),
                    ('e', p) => format!("{n:.*e}", p.unwrap_or(6)),
                    _ => fmt_number(
                        &serde_json::Number::from_f64(n)
                            .ok_or_else(|| error("format: bad number"))?,
                    ),
                }
            }
            'x' => format!("{:x}", int(v)?),
            'X' => format!("{:X}", int(v)?),
            'o' => format!("{:o}", int(v)?),
            'b' => format!("{:b}", int(v)?),
            other => return Err(error(format!("format: unsupported verb %{other}"))),
        };
        let body = match (verb, precision) {
            ('s' | 'q' | 'v', Some(p)) => body.chars().take(p).collect(),
            _ => body,
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if flags.contains('-') {
                out.push_str(&body);
                out.extend(std::iter::repeat_n(' ', pad));
            } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'x' | 'X' | 'o' | 'b' | 'e')
            {
                let (sign, digits) = body
                    .strip_prefix('-')
                    .map_or(("", body.as_str()), |d| ("-", d));
                out.push_str(sign);
                out.extend(std::iter::repeat_n('0', pad));
                out.push_str(digits);
            } else {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    Ok(out)
}

fn cidr_parts(prefix: &str) -> Result<(u128, u8, u8, bool), Value> {
    let net: ipnet::IpNet = prefix
        .parse()
        .map_err(|_| error(format!("invalid CIDR {prefix:?}")))?;
    Ok(match net {
        ipnet::IpNet::V4(n) => (u128::from(u32::from(n.network())), n.prefix_len(), 32, true),
        ipnet::IpNet::V6(n) => (u128::from(n.network()), n.prefix_len(), 128, false),
    })
}

fn render_ip(addr: u128, v4: bool) -> String {
    if v4 {
        std::net::Ipv4Addr::from(u32::try_from(addr & 0xffff_ffff).unwrap_or(0)).to_string()
    } else {
        std::net::Ipv6Addr::from(addr).to_string()
    }
}

fn cidr_subnet(prefix: &str, newbits: i64, netnum: i64) -> Result<String, Value> {
    let (base, plen, total, v4) = cidr_parts(prefix)?;
    let newbits = u8::try_from(newbits).map_err(|_| error("cidrsubnet: bad newbits"))?;
    let new_len = plen
        .checked_add(newbits)
        .filter(|l| *l <= total)
        .ok_or_else(|| error("cidrsubnet: prefix too long"))?;
    let netnum = u128::try_from(netnum).map_err(|_| error("cidrsubnet: negative netnum"))?;
    if newbits < 128 && netnum >= (1u128 << newbits) {
        return Err(error("cidrsubnet: netnum out of range"));
    }
    let shift = u32::from(total - new_len);
    let addr = base | netnum.checked_shl(shift).unwrap_or(0);
    Ok(format!("{}/{new_len}", render_ip(addr, v4)))
}

fn cidr_host(prefix: &str, hostnum: i64) -> Result<String, Value> {
    let (base, plen, total, v4) = cidr_parts(prefix)?;
    let host_bits = u32::from(total - plen);
    let size: u128 = 1u128.checked_shl(host_bits).unwrap_or(u128::MAX);
    let off = if hostnum < 0 {
        size.checked_sub(u128::from(hostnum.unsigned_abs()))
            .ok_or_else(|| error("cidrhost: hostnum out of range"))?
    } else {
        u128::try_from(hostnum).unwrap_or(0)
    };
    if host_bits < 128 && off >= size {
        return Err(error("cidrhost: hostnum out of range"));
    }
    Ok(render_ip(base | off, v4))
}

/// Resolves a `file()` path: relative to the module directory first, then to the working
/// directory (`"${path.module}/x"` is already working-directory relative). The result must
/// lie inside a scanned path or the module directory.
fn resolve_path(scope: &Scope<'_>, p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    let candidates = if path.is_absolute() {
        vec![path.to_path_buf()]
    } else {
        vec![scope.def.dir.join(path), path.to_path_buf()]
    };
    candidates
        .into_iter()
        .filter_map(|c| std::fs::canonicalize(c).ok())
        .find(|c| {
            c.starts_with(&scope.def.dir)
                || c.starts_with(&scope.root.dir)
                || scope.loader.allowed_roots.iter().any(|r| c.starts_with(r))
        })
}

fn read_file(scope: &Scope<'_>, p: &str) -> Result<String, Value> {
    let Some(path) = resolve_path(scope, p) else {
        scope.loader.diag(
            crate::model::DiagnosticLevel::Warning,
            "file-unreadable",
            Some(&scope.def.display),
            None,
            format!("file {p:?} does not exist or is outside the scanned paths"),
        );
        return Err(unk(format!("file {p} cannot be read")));
    };
    let display = super::discover::display_path(Path::new(p));
    scope
        .loader
        .read_text(&path, &display)
        .map_err(|m| unk(format!("file {p} cannot be read: {m}")))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                out.push(char::from(B64[idx]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = u32::try_from(B64.iter().position(|&x| x == c)?).ok()?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn format_verbs() {
        assert_eq!(format("%s-%03d", &[json!("a"), json!(7)]).unwrap(), "a-007");
        assert_eq!(format("%q %%", &[json!("x")]).unwrap(), "\"x\" %");
        assert_eq!(format("%.2f", &[json!(1.5)]).unwrap(), "1.50");
        assert!(format("%s", &[crate::model::unknown("r")]).is_err());
    }

    #[test]
    fn cidr_math() {
        assert_eq!(cidr_subnet("10.0.0.0/16", 8, 2).unwrap(), "10.0.2.0/24");
        assert_eq!(cidr_host("10.0.1.0/24", 5).unwrap(), "10.0.1.5");
        assert_eq!(cidr_host("10.0.1.0/24", -2).unwrap(), "10.0.1.254");
        assert_eq!(cidr_subnet("fd00::/56", 8, 1).unwrap(), "fd00:0:0:1::/64");
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
    }

    #[test]
    fn unknown_helpers() {
        let u = unk("r");
        assert!(text(&u).is_err());
        assert!(text(&json!("${aws_x.y.arn}")).is_err());
        assert_eq!(string(&json!("${aws_x.y.arn}")).unwrap(), "${aws_x.y.arn}");
        assert!(is_error(&error("x")));
    }
}
