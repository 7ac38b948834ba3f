//! A small located document tree shared by the CloudFormation and plan-JSON collectors.
//!
//! YAML (through saphyr's `MarkedYaml`) and JSON (through the span-aware parser in this
//! module, because `serde_json` keeps no positions) are both folded into [`Node`], so the
//! intrinsic evaluator and the line bookkeeping are written once.
//!
//! Invariants:
//! - CloudFormation short-form tags are rewritten to their long form while converting
//!   (`!Ref X` → `{"Ref": X}`, `!GetAtt a.b` → `{"Fn::GetAtt": "a.b"}`), so later code only
//!   knows the long form. The tagged node's span is kept (the inner node's span is empty).
//! - Nesting is bounded ([`MAX_DEPTH`]): deeper documents are a parse error, never a stack
//!   overflow. YAML alias expansion is bounded by saphyr's alias budget.
//! - Lines are 1-based, columns 1-based.

use std::borrow::Cow;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// Deepest nesting accepted in a document (CloudFormation templates nest a few dozen levels).
pub const MAX_DEPTH: usize = 256;

/// A parse failure, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A map key with the line it sits on (what a finding about that property points at).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: u32,
}

/// One node of a parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// 1-based first line of the node.
    pub line: u32,
    /// 1-based column of the node's first character.
    pub column: u32,
    /// 1-based last line of the node (last line holding any of its content).
    pub end_line: u32,
}

/// The node's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Seq(Vec<Node>),
    /// Entries in document order (duplicate keys: the later entry wins on lookup).
    Map(Vec<(Key, Node)>),
}

impl Node {
    fn new(kind: Kind, line: u32, column: u32, end_line: u32) -> Self {
        Self {
            kind,
            line,
            column,
            end_line: end_line.max(line),
        }
    }

    /// The value of key `name` when this node is a map.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entry(name).map(|(_, v)| v)
    }

    /// The key and value of `name` when this node is a map (last duplicate wins).
    pub fn entry(&self, name: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.name == name)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Plain conversion to JSON (no intrinsic evaluation).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => Value::Number(n.clone()),
            Kind::String(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// Scalar rendered as CloudFormation sees it (numbers and booleans as text).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::String(s) => Some(s.clone()),
            Kind::Number(n) => Some(n.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------------------
// YAML

/// Parses YAML (the first document) into a [`Node`]. An empty document is `Kind::Null`.
pub fn parse_yaml(text: &str) -> Result<Node, ParseError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| ParseError {
        line: to_u32(e.marker().line()),
        column: to_u32(e.marker().col() + 1),
        message: e.info().to_owned(),
    })?;
    // Aliases are expanded by cloning (saphyr bounds the node count); bound the bytes too,
    // so one huge anchored string repeated many times cannot exhaust memory.
    let mut budget = text.len().saturating_mul(8).max(16 << 20);
    match docs.first() {
        Some(doc) => from_marked(doc, 0, &mut budget),
        None => Ok(Node::new(Kind::Null, 1, 1, 1)),
    }
}

fn span_lines(y: &MarkedYaml<'_>) -> (u32, u32, u32) {
    let start = y.span.start;
    let end = y.span.end;
    let line = to_u32(start.line()).max(1);
    // A block collection's end marker sits at the start of whatever follows it (column 0
    // of the next key): that line does not belong to the node.
    let end_line = if end.col() == 0 && end.line() > start.line() {
        to_u32(end.line() - 1)
    } else {
        to_u32(end.line())
    };
    (line, to_u32(start.col() + 1), end_line)
}

fn from_marked(y: &MarkedYaml<'_>, depth: usize, budget: &mut usize) -> Result<Node, ParseError> {
    let (line, column, span_end) = span_lines(y);
    let cost = match &y.data {
        YamlData::Value(Scalar::String(s)) => s.len() + 16,
        YamlData::Representation(s, _, _) => s.len() + 16,
        _ => 16,
    };
    *budget = budget.checked_sub(cost).ok_or_else(|| ParseError {
        line,
        column,
        message: "document expands beyond the size budget (YAML aliases?)".to_owned(),
    })?;
    if depth > MAX_DEPTH {
        return Err(ParseError {
            line,
            column,
            message: format!("document nests deeper than {MAX_DEPTH} levels"),
        });
    }
    let node = match &y.data {
        YamlData::Value(s) => Node::new(scalar_kind(s), line, column, span_end),
        YamlData::Representation(text, _, _) => {
            Node::new(Kind::String(text.to_string()), line, column, span_end)
        }
        YamlData::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut end = line;
            for item in items {
                let n = from_marked(item, depth + 1, budget)?;
                end = end.max(n.end_line);
                out.push(n);
            }
            Node::new(Kind::Seq(out), line, column, end)
        }
        YamlData::Mapping(map) => {
            let mut out = Vec::with_capacity(map.len());
            let mut end = line;
            for (k, v) in map {
                let key_line = to_u32(k.span.start.line()).max(1);
                let name = match &k.data {
                    YamlData::Value(s) => scalar_text(s),
                    YamlData::Representation(text, _, _) => text.to_string(),
                    YamlData::Tagged(_, inner) => match &inner.data {
                        YamlData::Value(s) => scalar_text(s),
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                let vn = from_marked(v, depth + 1, budget)?;
                end = end.max(vn.end_line).max(key_line);
                out.push((
                    Key {
                        name,
                        line: key_line,
                    },
                    vn,
                ));
            }
            Node::new(Kind::Map(out), line, column, end)
        }
        YamlData::Tagged(tag, inner) => {
            let mut n = from_marked(inner, depth + 1, budget)?;
            // The inner node of a tagged scalar has an empty span: use the tag's.
            if inner.span.start.line() == 0 {
                n.line = line;
                n.column = column;
            }
            n.end_line = n.end_line.max(span_end).max(n.line);
            apply_tag(&tag.handle, &tag.suffix, n)
        }
        YamlData::Alias(_) | YamlData::BadValue => Node::new(Kind::Null, line, column, span_end),
    };
    Ok(node)
}

fn scalar_kind(s: &Scalar<'_>) -> Kind {
    match s {
        Scalar::Null => Kind::Null,
        Scalar::Boolean(b) => Kind::Bool(*b),
        Scalar::Integer(i) => Kind::Number((*i).into()),
        Scalar::FloatingPoint(f) => match serde_json::Number::from_f64(f.into_inner()) {
            Some(n) => Kind::Number(n),
            None => Kind::String(f.into_inner().to_string()),
        },
        Scalar::String(s) => Kind::String(s.to_string()),
    }
}

fn scalar_text(s: &Scalar<'_>) -> String {
    match s {
        Scalar::Null => "null".to_owned(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.into_inner().to_string(),
        Scalar::String(s) => s.to_string(),
    }
}

/// Rewrites a CloudFormation short-form tag into the long form (`!Sub x` → `{"Fn::Sub": x}`).
/// Core-schema tags (`!!str`) and unknown handles leave the node as it is.
fn apply_tag(handle: &str, suffix: &str, node: Node) -> Node {
    if handle != "!" {
        return node;
    }
    let name: Cow<'_, str> = match suffix {
        "Ref" | "Condition" => Cow::Borrowed(suffix),
        other => Cow::Owned(format!("Fn::{other}")),
    };
    let (line, column, end_line) = (node.line, node.column, node.end_line);
    Node::new(
        Kind::Map(vec![(
            Key {
                name: name.into_owned(),
                line,
            },
            node,
        )]),
        line,
        column,
        end_line,
    )
}

// ---------------------------------------------------------------------------------------
// JSON

/// Parses JSON into a [`Node`] keeping lines. Strict JSON, except that a UTF-8 BOM is skipped.
pub fn parse_json(text: &str) -> Result<Node, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = JsonParser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        line_start: 0,
    };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
}

impl JsonParser<'_> {
    fn error(&self, message: &str) -> ParseError {
        let col = self.text[self.line_start..self.pos.min(self.text.len())]
            .chars()
            .count();
        ParseError {
            line: self.line,
            column: to_u32(col + 1),
            message: message.to_owned(),
        }
    }

    fn column(&self) -> u32 {
        to_u32(self.pos.saturating_sub(self.line_start) + 1)
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("document nests deeper than {MAX_DEPTH} levels")));
        }
        let (line, column) = (self.line, self.column());
        match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Node::new(Kind::Map(entries), line, column, self.line));
                }
                loop {
                    self.skip_ws();
                    let key_line = self.line;
                    if self.bytes.get(self.pos) != Some(&b'"') {
                        return Err(self.error("expected a string key"));
                    }
                    let name = self.string()?;
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return Err(self.error("expected ':' after key"));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    entries.push((
                        Key {
                            name,
                            line: key_line,
                        },
                        v,
                    ));
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Node::new(Kind::Map(entries), line, column, self.line));
                        }
                        _ => return Err(self.error("expected ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Node::new(Kind::Seq(items), line, column, self.line));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Node::new(Kind::Seq(items), line, column, self.line));
                        }
                        _ => return Err(self.error("expected ',' or ']'")),
                    }
                }
            }
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Kind::String(s), line, column, self.line))
            }
            Some(b't') => self.literal("true", Kind::Bool(true), line, column),
            Some(b'f') => self.literal("false", Kind::Bool(false), line, column),
            Some(b'n') => self.literal("null", Kind::Null, line, column),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while let Some(&b) = self.bytes.get(self.pos) {
                    if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let text = &self.text[start..self.pos];
                let n: serde_json::Number = serde_json::from_str(text).map_err(|_| {
                    self.pos = start;
                    self.error("invalid number")
                })?;
                Ok(Node::new(Kind::Number(n), line, column, line))
            }
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn literal(
        &mut self,
        word: &str,
        kind: Kind,
        line: u32,
        column: u32,
    ) -> Result<Node, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(Node::new(kind, line, column, line))
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    /// Reads a string starting at the opening quote; unescapes through serde_json.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.bytes.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 2;
                }
                Some(b'\n') => return Err(self.error("newline inside a string")),
                Some(_) => self.pos += 1,
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("\"\"");
        if !escaped {
            return Ok(raw[1..raw.len() - 1].to_owned());
        }
        serde_json::from_str::<String>(raw).map_err(|e| {
            let mut err = self.error("invalid string escape");
            err.message = format!("invalid string: {e}");
            err
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn yaml_short_tags_become_long_form_with_lines() {
        let doc = parse_yaml("A:\n  B: !Ref X\n  C: !GetAtt R.Arn\n  D: !Sub\n    - x\n    - {}\n")
            .unwrap();
        let a = doc.get("A").unwrap();
        let b = a.get("B").unwrap();
        assert_eq!(b.get("Ref").unwrap().as_str(), Some("X"));
        assert_eq!(b.line, 2);
        assert_eq!(a.entry("C").unwrap().0.line, 3);
        assert_eq!(
            a.get("C").unwrap().get("Fn::GetAtt").unwrap().as_str(),
            Some("R.Arn")
        );
        let d = a.get("D").unwrap().get("Fn::Sub").unwrap();
        assert_eq!(d.as_seq().unwrap().len(), 2);
        assert_eq!(a.end_line, 6);
    }

    #[test]
    fn json_keeps_lines_and_reports_errors() {
        let doc = parse_json("{\n \"a\": [1,\n 2.5],\n \"b\": \"x\\u0041\"\n}").unwrap();
        assert_eq!(doc.entry("b").unwrap().0.line, 4);
        assert_eq!(doc.get("b").unwrap().as_str(), Some("xA"));
        assert_eq!(doc.get("a").unwrap().end_line, 3);
        let err = parse_json("{\n \"a\": tru }").unwrap_err();
        assert_eq!((err.line, err.column), (2, 7));
        let deep = "[".repeat(10_000);
        assert!(parse_json(&deep).is_err());
    }

    #[test]
    fn yaml_errors_are_located_and_bombs_bounded() {
        let err = parse_yaml("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse_yaml(&bomb).is_err());
        assert!(parse_yaml(&"[".repeat(100_000)).is_err());
    }
}
