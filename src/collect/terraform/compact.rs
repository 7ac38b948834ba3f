//! A compact, exact byte encoding of an instance's evaluated values and attribute lines.
//!
//! The loader keeps every emitted instance until the load returns. As `serde_json::Value`
//! trees (a B-tree node of ~600 bytes per small object) they were the bulk of the loader's
//! live memory, spread over its worker threads' heaps where nothing else could reuse it
//! afterwards. Packed, an instance is one allocation of a few hundred bytes, and it is
//! unpacked into `Value`s on the thread that called the load (bulk-built maps, denser than
//! maps grown by insertion).
//!
//! Exact: numbers keep their integer or `f64` representation bit for bit, so unpacking
//! yields a value equal to the one packed (JSON text would not guarantee that for floats).
//! Unpacking trusts its input (only [`pack`] makes it) but never panics: truncated or
//! malformed bytes end the decode early.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::hcl::ast::Lines;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

/// An object of values and a map of attribute lines, packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed(Box<[u8]>);

/// Packs the values of an instance and its attribute lines.
pub fn pack(values: &Map<String, Value>, lines: &BTreeMap<String, Lines>) -> Packed {
    let mut out = Vec::with_capacity(256);
    put_len(&mut out, values.len());
    for (k, v) in values {
        put_str(&mut out, k);
        put_value(&mut out, v);
    }
    put_len(&mut out, lines.len());
    for (k, &(start, end)) in lines {
        put_str(&mut out, k);
        put_uint(&mut out, u64::from(start));
        put_uint(&mut out, u64::from(end));
    }
    Packed(out.into_boxed_slice())
}

/// The values (an object) and attribute lines that [`pack`] packed.
pub fn unpack(p: &Packed) -> (Value, BTreeMap<String, Lines>) {
    let mut r = Reader { b: &p.0, pos: 0 };
    let values = r.object().unwrap_or_default();
    let lines = r.lines().unwrap_or_default();
    (Value::Object(values), lines)
}

fn put_uint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    put_uint(out, n as u64);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push(INT);
                out.extend_from_slice(&i.to_le_bytes());
            } else if let Some(u) = n.as_u64() {
                out.push(UINT);
                out.extend_from_slice(&u.to_le_bytes());
            } else {
                out.push(FLOAT);
                let f = n.as_f64().unwrap_or(0.0);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
        }
        Value::String(s) => {
            out.push(STRING);
            put_str(out, s);
        }
        Value::Array(items) => {
            out.push(ARRAY);
            put_len(out, items.len());
            for i in items {
                put_value(out, i);
            }
        }
        Value::Object(m) => {
            out.push(OBJECT);
            put_len(out, m.len());
            for (k, v) in m {
                put_str(out, k);
                put_value(out, v);
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn eight(&mut self) -> Option<[u8; 8]> {
        let bytes = self.b.get(self.pos..self.pos + 8)?;
        self.pos += 8;
        bytes.try_into().ok()
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let bytes = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        String::from_utf8(bytes.to_vec()).ok()
    }

    fn value(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => Value::Number(Number::from(i64::from_le_bytes(self.eight()?))),
            UINT => Value::Number(Number::from(u64::from_le_bytes(self.eight()?))),
            FLOAT => Value::Number(Number::from_f64(f64::from_bits(u64::from_le_bytes(
                self.eight()?,
            )))?),
            STRING => Value::String(self.string()?),
            ARRAY => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n.min(self.b.len()));
                for _ in 0..n {
                    items.push(self.value()?);
                }
                Value::Array(items)
            }
            OBJECT => Value::Object(self.object_items()?),
            _ => return None,
        })
    }

    fn object_items(&mut self) -> Option<Map<String, Value>> {
        let n = self.len()?;
        // Keys were written in order: collecting builds the map in bulk.
        (0..n)
            .map(|_| Some((self.string()?, self.value()?)))
            .collect()
    }

    fn object(&mut self) -> Option<Map<String, Value>> {
        self.object_items()
    }

    fn lines(&mut self) -> Option<BTreeMap<String, Lines>> {
        let n = self.len()?;
        (0..n)
            .map(|_| {
                let k = self.string()?;
                let start = u32::try_from(self.uint()?).ok()?;
                let end = u32::try_from(self.uint()?).ok()?;
                Some((k, (start, end)))
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn packing_is_exact() {
        let values = json!({
            "s": "ünïcödé ${x}", "n": null, "t": true, "f": false,
            "i": -42, "u": u64::MAX, "big": i64::MIN, "fl": 0.1, "tiny": 5e-324, "e": 1.5e300,
            "list": [1, [2, [3, {"deep": []}]], {}],
            "obj": {"b": {"a": [null]}, "": ""}
        });
        let Value::Object(m) = values.clone() else {
            panic!()
        };
        let lines: BTreeMap<String, Lines> =
            [("s".to_owned(), (1, 1)), ("list.0".to_owned(), (2, 40_000))]
                .into_iter()
                .collect();
        let (v, l) = unpack(&pack(&m, &lines));
        assert_eq!(v, values);
        assert_eq!(l, lines);
        // Float bits, not just equality.
        assert_eq!(v["fl"].as_f64().unwrap().to_bits(), 0.1f64.to_bits());
        assert!(v["u"].is_u64() && v["i"].is_i64());
    }

    #[test]
    fn malformed_bytes_do_not_panic() {
        let Value::Object(m) = json!({"a": [1, "x", {"b": 2.5}]}) else {
            panic!()
        };
        let p = pack(&m, &BTreeMap::new());
        for cut in 0..p.0.len() {
            let _ = unpack(&Packed(p.0[..cut].to_vec().into_boxed_slice()));
        }
        let _ = unpack(&Packed(vec![0xff; 32].into_boxed_slice()));
    }
}
