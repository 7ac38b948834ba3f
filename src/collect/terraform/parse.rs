//! Parsing of `.tf` (native syntax, with [`super::hcl`]) and `.tf.json` files into bodies of
//! attributes (with their expression and line range) and blocks (with labels and line
//! range). Both syntaxes produce the same tree, so they share one evaluator.
//!
//! JSON syntax has no schema here: an array of objects under a resource is read as nested
//! blocks, anything else as an argument, and strings are templates (as in Terraform), except
//! in `variable` bodies where they are literals. JSON line numbers are found by searching for
//! the quoted keys after their parent, which is exact for ordinary formatting.

use serde_json::Value;

use super::hcl;
pub use super::hcl::ast::{Attr, Block, Body, Lines};
use super::hcl::ast::{Expr, ObjectKey};
use crate::model::{Diagnostic, DiagnosticLevel};

/// Byte offset → line lookup for one source text.
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        Self {
            starts,
            len: src.len(),
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len);
        let idx = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }
}

/// Builds a `parse-error` diagnostic.
pub fn parse_error(file: &str, line: u32, column: u32, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Error,
        code: "parse-error".to_owned(),
        file: Some(file.to_owned()),
        line: Some(line),
        column: Some(column),
        message: message.into(),
    }
}

/// Parses native-syntax HCL.
pub fn parse_hcl(display: &str, src: &str) -> Result<Body, Diagnostic> {
    hcl::parse_body(src).map_err(|e| parse_error(display, e.line, e.column, e.message))
}

/// Parses an expression from text (used for `-var` values).
pub fn parse_expression(text: &str) -> Option<Expr> {
    hcl::parse_expr(text).ok()
}

/// Parses JSON-syntax Terraform (`.tf.json`).
pub fn parse_json(display: &str, src: &str) -> Result<Body, Diagnostic> {
    let root: Value = serde_json::from_str(src).map_err(|e| {
        parse_error(
            display,
            u32::try_from(e.line()).unwrap_or(0),
            u32::try_from(e.column()).unwrap_or(0),
            e.to_string(),
        )
    })?;
    let conv = JsonConv {
        src,
        index: LineIndex::new(src),
        display,
    };
    let mut body = Body::default();
    for top in as_objects(&root) {
        for (kind, content) in top {
            let pos = conv.find(0, kind);
            match kind.as_str() {
                "resource" | "data" => {
                    for obj in as_objects(content) {
                        for (rtype, named) in obj {
                            let p1 = conv.find(pos, rtype);
                            for obj2 in as_objects(named) {
                                for (name, rbody) in obj2 {
                                    let p2 = conv.find(p1, name);
                                    for b in as_objects(rbody) {
                                        body.blocks.push(Block {
                                            kind: kind.clone(),
                                            labels: vec![rtype.clone(), name.clone()],
                                            body: conv.body(b, p2, false)?,
                                            lines: conv.block_lines(p2),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                "variable" | "output" | "module" => {
                    for obj in as_objects(content) {
                        for (name, b) in obj {
                            let p1 = conv.find(pos, name);
                            for bo in as_objects(b) {
                                body.blocks.push(Block {
                                    kind: kind.clone(),
                                    labels: vec![name.clone()],
                                    body: conv.body(bo, p1, kind == "variable")?,
                                    lines: conv.block_lines(p1),
                                });
                            }
                        }
                    }
                }
                "locals" => {
                    for obj in as_objects(content) {
                        body.blocks.push(Block {
                            kind: "locals".to_owned(),
                            labels: Vec::new(),
                            body: conv.body(obj, pos, false)?,
                            lines: conv.block_lines(pos),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    Ok(body)
}

fn as_objects(v: &Value) -> Vec<&serde_json::Map<String, Value>> {
    match v {
        Value::Object(m) => vec![m],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

struct JsonConv<'a> {
    src: &'a str,
    index: LineIndex,
    display: &'a str,
}

impl JsonConv<'_> {
    /// Offset of the quoted key `"key"` at or after `from` (or `from` when absent).
    fn find(&self, from: usize, key: &str) -> usize {
        let needle = serde_json::to_string(key).unwrap_or_default();
        self.src
            .get(from..)
            .and_then(|s| s.find(&needle))
            .map_or(from, |i| from + i)
    }

    fn block_lines(&self, pos: usize) -> Lines {
        let line = self.index.line(pos);
        (line, line)
    }

    fn body(
        &self,
        obj: &serde_json::Map<String, Value>,
        pos: usize,
        literal: bool,
    ) -> Result<Body, Diagnostic> {
        let mut body = Body::default();
        for (key, value) in obj {
            if key == "//" {
                continue;
            }
            let p = self.find(pos, key);
            let line = self.index.line(p);
            let is_blocks = matches!(value, Value::Array(items)
                if !items.is_empty() && items.iter().all(Value::is_object));
            if key == "dynamic" {
                for o in as_objects(value) {
                    for (label, content) in o {
                        for c in as_objects(content) {
                            body.blocks.push(Block {
                                kind: "dynamic".to_owned(),
                                labels: vec![label.clone()],
                                body: self.body(c, p, literal)?,
                                lines: (line, line),
                            });
                        }
                    }
                }
            } else if !literal && (is_blocks || (key == "content" && value.is_object())) {
                for o in as_objects(value) {
                    body.blocks.push(Block {
                        kind: key.clone(),
                        labels: Vec::new(),
                        body: self.body(o, p, literal)?,
                        lines: (line, line),
                    });
                }
            } else {
                let expr = json_expr(value, literal).map_err(|e| {
                    parse_error(
                        self.display,
                        line,
                        1,
                        format!("in \"{key}\": {}", e.message),
                    )
                })?;
                body.attrs.push(Attr {
                    name: key.clone(),
                    expr,
                    lines: (line, line),
                });
            }
        }
        Ok(body)
    }
}

/// A JSON value as an expression; strings are templates unless `literal`.
fn json_expr(v: &Value, literal: bool) -> Result<Expr, hcl::ParseError> {
    Ok(match v {
        Value::Null => Expr::Null,
        Value::Bool(b) => Expr::Bool(*b),
        Value::Number(n) if n.is_i64() || n.is_u64() => Expr::Number(n.clone()),
        // A float reaches the evaluator as native syntax would hand it over: integral
        // values as integers.
        Value::Number(n) => n
            .as_f64()
            .and_then(hcl::number_from_f64)
            .map_or(Expr::Null, Expr::Number),
        Value::String(s) if literal => Expr::String(s.as_str().into()),
        Value::String(s) => hcl::parse_template(s)?,
        Value::Array(items) => Expr::Tuple(
            items
                .iter()
                .map(|i| json_expr(i, literal))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Expr::Object(
            m.iter()
                .map(|(k, v)| Ok((ObjectKey::Name(k.as_str().into()), json_expr(v, literal)?)))
                .collect::<Result<_, hcl::ParseError>>()?,
        ),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hcl_spans_become_lines() {
        let src = "resource \"a\" \"b\" {\n  x = 1\n  blk {\n    y = 2\n  }\n}\n";
        let body = parse_hcl("m.tf", src).unwrap();
        let r = &body.blocks[0];
        assert_eq!(r.lines, (1, 6));
        assert_eq!(r.body.attrs[0].lines, (2, 2));
        assert_eq!(r.body.blocks[0].lines, (3, 5));
    }

    #[test]
    fn parse_error_is_located() {
        let d = parse_hcl("bad.tf", "resource \"a\" {\n  x = \n}\n").unwrap_err();
        assert_eq!(d.code, "parse-error");
        assert_eq!(d.file.as_deref(), Some("bad.tf"));
        assert!(d.line.is_some());
    }

    #[test]
    fn json_syntax_resources() {
        let src = r#"{
  "resource": {
    "aws_s3_bucket": {
      "b": {
        "bucket": "${var.name}-x",
        "versioning": [{"enabled": true}]
      }
    }
  },
  "variable": {"name": {"default": "lit${x}"}}
}"#;
        let body = parse_json("m.tf.json", src).unwrap();
        let r = body.blocks.iter().find(|b| b.kind == "resource").unwrap();
        assert_eq!(r.lines, (4, 4));
        assert_eq!(r.body.attrs[0].name, "bucket");
        assert_eq!(r.body.attrs[0].lines, (5, 5));
        assert_eq!(r.body.blocks[0].kind, "versioning");
    }
}
