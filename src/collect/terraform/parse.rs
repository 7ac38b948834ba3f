//! Parsing of `.tf` (native syntax, via hcl-edit) and `.tf.json` files into a small
//! intermediate form: bodies of attributes (with their hcl-edit expression and line range)
//! and blocks (with labels and line range). The evaluator works on this form only, so both
//! syntaxes share one evaluator.
//!
//! JSON syntax has no schema here: an array of objects under a resource is read as nested
//! blocks, anything else as an argument, and strings are templates (as in Terraform), except
//! in `variable` bodies where they are literals. JSON line numbers are found by searching for
//! the quoted keys after their parent, which is exact for ordinary formatting.

use hcl_edit::expr::Expression;
use hcl_edit::structure::Structure;
use hcl_edit::Span;
use serde_json::Value;

use crate::model::{Diagnostic, DiagnosticLevel};

/// 1-based inclusive line range.
pub type Lines = (u32, u32);

/// An argument: `name = expr`.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub expr: Expression,
    pub lines: Lines,
}

/// A block: `kind "label" { body }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub lines: Lines,
}

/// A body: arguments and nested blocks, each in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    /// The argument called `name`, if set.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Byte offset → line lookup for one source text.
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
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

    /// Line range of a byte span (end exclusive).
    pub fn lines(&self, span: Option<std::ops::Range<usize>>, src: &str) -> Lines {
        match span {
            Some(r) => {
                let mut end = r.end.max(r.start + 1) - 1;
                // A span may end on the newline that terminates it: point at the content.
                let bytes = src.as_bytes();
                while end > r.start && bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
                    end -= 1;
                }
                (self.line(r.start), self.line(end))
            }
            None => (1, 1),
        }
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
    match hcl_edit::parser::parse_body(src) {
        Ok(body) => {
            let index = LineIndex::new(src);
            Ok(convert_body(body, &index, src))
        }
        Err(e) => {
            let loc = e.location();
            Err(parse_error(
                display,
                u32::try_from(loc.line()).unwrap_or(u32::MAX),
                u32::try_from(loc.column()).unwrap_or(u32::MAX),
                e.message().to_owned(),
            ))
        }
    }
}

fn convert_body(body: hcl_edit::structure::Body, index: &LineIndex, src: &str) -> Body {
    let mut out = Body::default();
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let lines = index.lines(a.span(), src);
                out.attrs.push(Attr {
                    name: a.key.as_str().to_owned(),
                    expr: a.value,
                    lines,
                });
            }
            Structure::Block(b) => {
                let lines = index.lines(b.span(), src);
                out.blocks.push(Block {
                    kind: b.ident.as_str().to_owned(),
                    labels: b.labels.iter().map(|l| l.as_str().to_owned()).collect(),
                    body: convert_body(b.body, index, src),
                    lines,
                });
            }
        }
    }
    out
}

/// Parses an expression from text (used for `-var` values and JSON syntax).
pub fn parse_expression(text: &str) -> Option<Expression> {
    hcl_edit::parser::parse_expr(text).ok()
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
                let text = json_to_hcl(value, literal);
                let expr = hcl_edit::parser::parse_expr(&text).map_err(|e| {
                    parse_error(
                        self.display,
                        line,
                        1,
                        format!("in \"{key}\": {}", e.message()),
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

/// Renders a JSON value as an HCL expression; strings stay templates unless `literal`.
fn json_to_hcl(v: &Value, literal: bool) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => hcl_string(s, literal),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| json_to_hcl(i, literal)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{} = {}", hcl_string(k, true), json_to_hcl(v, literal)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

fn hcl_string(s: &str, literal: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if literal && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
