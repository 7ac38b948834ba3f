//! Recursive-descent parser for bodies and expressions, working directly on the source
//! bytes (no token stream): trivia is skipped on demand, and whether a newline ends an
//! expression is a parameter (`nl`) of every expression function, as HCL's scanner mode is.
//!
//! Newlines are insignificant inside `(...)`, `[...]`, function arguments, `for`
//! expressions and template sequences, and significant at body level and between object
//! items; this is where `nl` is switched.
//!
//! Recursion is bounded: every nested construct and every operator of a chain costs one
//! level of [`MAX_DEPTH`], so both the parser's stack and the depth of the tree it returns
//! (which the evaluator and `Drop` walk recursively) stay bounded whatever the input.

use std::borrow::Cow;

use serde_json::Number;

use super::ast::{
    Attr, Binary, BinaryOp, Block, Body, Call, Expr, ForExpr, ObjectKey, Op, Traversal, UnaryOp,
};

/// Deepest nesting of expressions, templates and blocks, counting each operator of a chain
/// as one level. Real configurations stay far below it; deeper input is a parse error.
pub const MAX_DEPTH: u32 = 256;

/// A parse failure at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    pub at: usize,
    pub message: Cow<'static, str>,
}

pub type PResult<T> = Result<T, Fail>;

/// Parser state over one source text.
pub struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    /// End of the last token consumed (trivia excluded): where an argument ends.
    pub(super) end: usize,
    depth: u32,
    /// Forward-only line counter: `(offset, line at offset)`. Line numbers are asked for in
    /// increasing offsets (an item's start before its contents, its end after them).
    line_at: (usize, u32),
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        Self {
            src,
            b: src.as_bytes(),
            pos: 0,
            end: 0,
            depth: 0,
            line_at: (0, 1),
        }
    }

    // ---- low-level helpers -------------------------------------------------------------

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    pub(super) fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    pub(super) fn bump(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.b.len());
        self.end = self.pos;
    }

    pub(super) fn fail<T>(&self, at: usize, message: impl Into<Cow<'static, str>>) -> PResult<T> {
        Err(Fail {
            at,
            message: message.into(),
        })
    }

    pub(super) fn expect(&mut self, c: u8, message: &'static str) -> PResult<()> {
        if self.peek() == Some(c) {
            self.bump(1);
            Ok(())
        } else {
            self.fail(self.pos, message)
        }
    }

    /// Enters one nesting level; the caller must call [`Self::leave`] on success.
    pub(super) fn enter(&mut self, at: usize) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return self.fail(
                at,
                format!("expression is nested more than {MAX_DEPTH} levels deep"),
            );
        }
        self.depth += 1;
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Skips spaces, tabs and comments, and newlines when `nl` (newlines insignificant).
    /// A line comment stops before its newline, which then ends the line.
    pub(super) fn skip_ws(&mut self, nl: bool) -> PResult<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\n') if nl => self.pos += 1,
                Some(b'\r') if nl && self.peek_at(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => self.skip_line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.skip_line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let start = self.pos;
                    match find(&self.b[self.pos + 2..], b"*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return self.fail(start, "unterminated /* comment"),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_line_comment(&mut self) {
        self.pos = match self.b[self.pos..].iter().position(|&c| c == b'\n') {
            Some(i) if i > 0 && self.b[self.pos + i - 1] == b'\r' => self.pos + i - 1,
            Some(i) => self.pos + i,
            None => self.b.len(),
        };
    }

    /// At a newline (`\n` or `\r\n`): its length.
    fn newline_len(&self) -> Option<usize> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'\n'), _) => Some(1),
            (Some(b'\r'), Some(b'\n')) => Some(2),
            _ => None,
        }
    }

    /// Length of the identifier starting at `at` (0 when none): `ID_Start` or `_`, then
    /// `ID_Continue` or `-`.
    pub(super) fn ident_len_at(&self, at: usize) -> usize {
        // ASCII identifiers are nearly all of them: scan bytes, and hand over to the Unicode
        // path only at the first non-ASCII byte.
        let b = self.b;
        match b.get(at) {
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {}
            Some(c) if c.is_ascii() => return 0,
            Some(_) => return self.unicode_ident_len_at(at),
            None => return 0,
        }
        let mut i = at + 1;
        while let Some(&c) = b.get(i) {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
                i += 1;
            } else if c.is_ascii() {
                return i - at;
            } else {
                return self.unicode_ident_len_at(at);
            }
        }
        i - at
    }

    fn unicode_ident_len_at(&self, at: usize) -> usize {
        let Some(rest) = self.src.get(at..) else {
            return 0;
        };
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
            Some((_, c)) if !c.is_ascii() && unicode_ident::is_xid_start(c) => {}
            _ => return 0,
        }
        for (i, c) in chars {
            let ok = if c.is_ascii() {
                c.is_ascii_alphanumeric() || c == '_' || c == '-'
            } else {
                unicode_ident::is_xid_continue(c)
            };
            if !ok {
                return i;
            }
        }
        rest.len()
    }

    /// Consumes an identifier, if one starts here.
    pub(super) fn ident(&mut self) -> Option<&'a str> {
        let n = self.ident_len_at(self.pos);
        if n == 0 {
            return None;
        }
        let s = &self.src[self.pos..self.pos + n];
        self.bump(n);
        Some(s)
    }

    pub(super) fn expect_ident(&mut self, what: &'static str) -> PResult<&'a str> {
        match self.ident() {
            Some(s) => Ok(s),
            None => self.fail(self.pos, what),
        }
    }

    /// True when the identifier at the current position is exactly `kw`.
    pub(super) fn at_keyword(&self, kw: &str) -> bool {
        self.ident_len_at(self.pos) == kw.len() && self.starts_with(kw.as_bytes())
    }

    /// 1-based line of `offset`, counting newlines from the previous answer.
    fn line(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.b.len());
        let (mut from, mut line) = self.line_at;
        if offset < from {
            // Not expected; counting again from the start keeps the answer right.
            (from, line) = (0, 1);
        }
        let newlines = memchr::memchr_iter(b'\n', &self.b[from..offset]).count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.line_at = (offset, line);
        line
    }

    /// Line range from `start` to `end` (exclusive), not counting trailing whitespace.
    fn lines(&mut self, start: usize, end: usize) -> (u32, u32) {
        let first = self.line(start);
        (first, self.last_line(start, end))
    }

    /// Line of the last non-whitespace byte before `end` (and not before `start`).
    fn last_line(&mut self, start: usize, end: usize) -> u32 {
        let mut last = end.max(start + 1) - 1;
        while last > start && self.b.get(last).is_some_and(u8::is_ascii_whitespace) {
            last -= 1;
        }
        self.line(last)
    }

    // ---- bodies ------------------------------------------------------------------------

    /// Parses a whole file body.
    pub fn file_body(&mut self) -> PResult<Body> {
        // Like HCL, a UTF-8 byte order mark is not content.
        if self.starts_with("\u{feff}".as_bytes()) {
            self.pos = 3;
        }
        self.body(None)
    }

    /// Parses body items up to EOF (`open` is `None`) or up to the `}` closing the block
    /// whose `{` is at `open`.
    fn body(&mut self, open: Option<usize>) -> PResult<Body> {
        let mut body = Body::default();
        loop {
            self.skip_ws(true)?;
            match self.peek() {
                None => {
                    return match open {
                        None => Ok(body),
                        Some(at) => self.fail(at, "unclosed block: expected '}'"),
                    }
                }
                Some(b'}') if open.is_some() => {
                    self.bump(1);
                    return Ok(body);
                }
                _ => {}
            }
            let start = self.pos;
            let Some(name) = self.ident() else {
                return self.fail(start, "expected an argument name or a block type");
            };
            self.skip_ws(false)?;
            if self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=') {
                let attr = self.attribute(start, name)?;
                if body.attrs.iter().any(|a| a.name == attr.name) {
                    return self.fail(
                        start,
                        format!("argument \"{name}\" is already set in this body"),
                    );
                }
                body.attrs.push(attr);
            } else {
                let block = self.block(start, name)?;
                body.blocks.push(block);
            }
            self.end_of_item()?;
        }
    }

    /// After an argument or block: only a comment may follow on the same line.
    fn end_of_item(&mut self) -> PResult<()> {
        self.skip_ws(false)?;
        match self.peek() {
            None => Ok(()),
            Some(_) => match self.newline_len() {
                Some(n) => {
                    self.pos += n;
                    Ok(())
                }
                None => self.fail(
                    self.pos,
                    "expected a newline after an argument or block definition",
                ),
            },
        }
    }

    /// `name = expr` with the position at `=`.
    fn attribute(&mut self, start: usize, name: &str) -> PResult<Attr> {
        self.bump(1);
        self.skip_ws(false)?;
        let expr = self.expr(false)?;
        let lines = self.lines(start, self.end);
        Ok(Attr {
            name: name.to_owned(),
            expr,
            lines,
        })
    }

    /// `kind label... { body }` with the position after `kind`.
    fn block(&mut self, start: usize, kind: &str) -> PResult<Block> {
        let mut labels = Vec::new();
        loop {
            match self.peek() {
                Some(b'{') => break,
                Some(b'"') => {
                    let at = self.pos;
                    match self.quoted_template()? {
                        Expr::String(s) => labels.push(s.into_string()),
                        _ => return self.fail(at, "a block label must be a literal string"),
                    }
                }
                _ => match self.ident() {
                    Some(l) => labels.push(l.to_owned()),
                    None => {
                        return self.fail(
                            self.pos,
                            "expected '=' for an argument, or a block label or '{' for a block",
                        )
                    }
                },
            }
            self.skip_ws(false)?;
        }
        let open = self.pos;
        // The start line now, before the body moves the line counter past it.
        let first_line = self.line(start);
        self.enter(open)?;
        self.bump(1);
        self.skip_ws(false)?;
        let body = if self.peek().is_none() || self.newline_len().is_some() {
            self.body(Some(open))?
        } else if self.peek() == Some(b'}') {
            self.bump(1);
            Body::default()
        } else {
            // A one-line block holds a single argument: `tags { Name = "x" }`.
            let attr_start = self.pos;
            let Some(name) = self.ident() else {
                return self.fail(attr_start, "expected an argument, a newline or '}'");
            };
            self.skip_ws(false)?;
            if !(self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=')) {
                return self.fail(
                    self.pos,
                    "a one-line block holds a single argument; put nested blocks on their own lines",
                );
            }
            let attr = self.attribute(attr_start, name)?;
            self.skip_ws(false)?;
            self.expect(
                b'}',
                "a one-line block holds a single argument and ends with '}'",
            )?;
            Body {
                attrs: vec![attr],
                blocks: Vec::new(),
            }
        };
        self.leave();
        let lines = (first_line, self.last_line(start, self.end));
        Ok(Block {
            kind: kind.to_owned(),
            labels,
            body,
            lines,
        })
    }

    // ---- expressions -------------------------------------------------------------------

    /// A full expression: binary operators and a conditional.
    pub fn expr(&mut self, nl: bool) -> PResult<Expr> {
        self.enter(self.pos)?;
        let cond = self.binary(nl, 1)?;
        self.skip_ws(nl)?;
        let e = if self.peek() == Some(b'?') {
            self.bump(1);
            self.skip_ws(nl)?;
            let yes = self.expr(nl)?;
            self.skip_ws(nl)?;
            self.expect(b':', "expected ':' in a conditional expression")?;
            self.skip_ws(nl)?;
            let no = self.expr(nl)?;
            Expr::Conditional(Box::new([cond, yes, no]))
        } else {
            cond
        };
        self.leave();
        Ok(e)
    }

    /// Operators binding at least as tightly as `min`, left-associative (precedence
    /// climbing). Each operator of a chain costs a nesting level: the tree is that deep.
    fn binary(&mut self, nl: bool, min: u8) -> PResult<Expr> {
        let depth = self.depth;
        let mut lhs = self.unary(nl)?;
        loop {
            self.skip_ws(nl)?;
            let Some((op, len)) = self.binary_op() else {
                break;
            };
            if op.precedence() < min {
                break;
            }
            let at = self.pos;
            self.bump(len);
            self.enter(at)?;
            self.skip_ws(nl)?;
            let rhs = self.binary(nl, op.precedence() + 1)?;
            lhs = Expr::Binary(Box::new(Binary { op, lhs, rhs }));
        }
        self.depth = depth;
        Ok(lhs)
    }

    fn binary_op(&self) -> Option<(BinaryOp, usize)> {
        let op = match (self.peek()?, self.peek_at(1)) {
            (b'=', Some(b'=')) => (BinaryOp::Eq, 2),
            (b'!', Some(b'=')) => (BinaryOp::NotEq, 2),
            (b'<', Some(b'=')) => (BinaryOp::LessEq, 2),
            (b'<', _) => (BinaryOp::Less, 1),
            (b'>', Some(b'=')) => (BinaryOp::GreaterEq, 2),
            (b'>', _) => (BinaryOp::Greater, 1),
            (b'+', _) => (BinaryOp::Plus, 1),
            (b'-', _) => (BinaryOp::Minus, 1),
            (b'*', _) => (BinaryOp::Mul, 1),
            (b'/', _) => (BinaryOp::Div, 1),
            (b'%', _) => (BinaryOp::Mod, 1),
            (b'&', Some(b'&')) => (BinaryOp::And, 2),
            (b'|', Some(b'|')) => (BinaryOp::Or, 2),
            _ => return None,
        };
        Some(op)
    }

    /// `-x`, `!x` or a term with its traversals. A negated number literal is folded into
    /// the literal.
    fn unary(&mut self, nl: bool) -> PResult<Expr> {
        let op = match self.peek() {
            Some(b'-') => UnaryOp::Neg,
            Some(b'!') => UnaryOp::Not,
            _ => return self.term(nl),
        };
        let at = self.pos;
        self.bump(1);
        self.enter(at)?;
        self.skip_ws(nl)?;
        let operand = self.unary(nl)?;
        self.leave();
        Ok(match (op, operand) {
            (UnaryOp::Neg, Expr::Number(n)) => Expr::Number(negate(&n)),
            (op, operand) => Expr::Unary(op, Box::new(operand)),
        })
    }

    /// An expression term followed by any traversal operators.
    fn term(&mut self, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        let root = match self.peek() {
            Some(b'"') => self.quoted_template()?,
            Some(b'[') => self.tuple()?,
            Some(b'{') => self.object()?,
            Some(b'0'..=b'9') => self.number()?,
            Some(b'<') if self.peek_at(1) == Some(b'<') => self.heredoc()?,
            Some(b'(') => {
                self.enter(start)?;
                self.bump(1);
                self.skip_ws(true)?;
                let inner = self.expr(true)?;
                self.skip_ws(true)?;
                self.expect(b')', "expected ')'")?;
                self.leave();
                Expr::Paren(Box::new(inner))
            }
            _ if self.ident_len_at(start) > 0 => self.ident_term(nl)?,
            None => return self.fail(start, "expected an expression, found the end of the file"),
            Some(_) => return self.fail(start, "expected an expression"),
        };
        let mut ops = Vec::new();
        loop {
            self.skip_ws(nl)?;
            match self.peek() {
                // `..` starts an ellipsis (`f(x...)`, grouping in `for`), not a traversal.
                Some(b'.') if self.peek_at(1) != Some(b'.') => {
                    self.bump(1);
                    self.skip_ws(nl)?;
                    match self.peek() {
                        Some(b'*') => {
                            self.bump(1);
                            ops.push(Op::AttrSplat);
                        }
                        Some(b'0'..=b'9') => {
                            let at = self.pos;
                            let n = self.b[at..]
                                .iter()
                                .take_while(|c| c.is_ascii_digit())
                                .count();
                            let Ok(i) = self.src[at..at + n].parse::<u64>() else {
                                return self.fail(at, "index is too large");
                            };
                            self.bump(n);
                            ops.push(Op::LegacyIndex(i));
                        }
                        _ => match self.ident() {
                            Some(name) => ops.push(Op::Attr(name.into())),
                            None => {
                                return self.fail(
                                    self.pos,
                                    "expected an attribute name, an index or '*' after '.'",
                                )
                            }
                        },
                    }
                }
                Some(b'[') => {
                    let at = self.pos;
                    self.enter(at)?;
                    self.bump(1);
                    self.skip_ws(true)?;
                    if self.peek() == Some(b'*') {
                        self.bump(1);
                        self.skip_ws(true)?;
                        self.expect(b']', "expected ']' after '[*'")?;
                        ops.push(Op::FullSplat);
                    } else {
                        let index = self.expr(true)?;
                        self.skip_ws(true)?;
                        self.expect(b']', "expected ']' to close the index")?;
                        ops.push(Op::Index(index));
                    }
                    self.leave();
                }
                _ => break,
            }
        }
        Ok(if ops.is_empty() {
            root
        } else {
            Expr::Traversal(Box::new(Traversal {
                root,
                ops: ops.into_boxed_slice(),
            }))
        })
    }

    /// A keyword, a variable or a function call.
    fn ident_term(&mut self, nl: bool) -> PResult<Expr> {
        let start = self.pos;
        let name = self.expect_ident("expected an identifier")?;
        let after = self.pos;
        self.skip_ws(nl)?;
        let full = if self.starts_with(b"::") {
            let mut full = name.to_owned();
            while self.starts_with(b"::") {
                self.bump(2);
                self.skip_ws(nl)?;
                let part = self.expect_ident("expected a function name after '::'")?;
                full.push_str("::");
                full.push_str(part);
                self.skip_ws(nl)?;
            }
            if self.peek() != Some(b'(') {
                return self.fail(self.pos, "expected '(' after a namespaced function name");
            }
            Some(full)
        } else {
            None
        };
        if self.peek() == Some(b'(') {
            let name = full.unwrap_or_else(|| name.to_owned());
            return self.call(start, name);
        }
        self.pos = after;
        Ok(match name {
            "null" => Expr::Null,
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            _ => Expr::Var(name.into()),
        })
    }

    /// Function arguments, with the position at `(`.
    fn call(&mut self, start: usize, name: String) -> PResult<Expr> {
        self.enter(start)?;
        self.bump(1);
        let mut args = Vec::new();
        let mut expand_final = false;
        loop {
            self.skip_ws(true)?;
            match self.peek() {
                Some(b')') => {
                    self.bump(1);
                    break;
                }
                None => return self.fail(start, "unclosed function call: expected ')'"),
                Some(_) => {}
            }
            args.push(self.expr(true)?);
            self.skip_ws(true)?;
            match self.peek() {
                Some(b',') => self.bump(1),
                Some(b')') => {
                    self.bump(1);
                    break;
                }
                Some(b'.') if self.starts_with(b"...") => {
                    self.bump(3);
                    expand_final = true;
                    self.skip_ws(true)?;
                    self.expect(
                        b')',
                        "an expanded argument (...) must be the last, followed by ')'",
                    )?;
                    break;
                }
                _ => return self.fail(self.pos, "expected ',' or ')' after a function argument"),
            }
        }
        self.leave();
        Ok(Expr::Call(Box::new(Call {
            name: name.into(),
            args: args.into_boxed_slice(),
            expand_final,
        })))
    }

    /// `[a, b]` or `[for ...]`.
    fn tuple(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.enter(open)?;
        self.bump(1);
        self.skip_ws(true)?;
        if self.at_keyword("for") {
            let e = self.for_expr(false)?;
            self.leave();
            return Ok(e);
        }
        let mut items = Vec::new();
        loop {
            self.skip_ws(true)?;
            match self.peek() {
                Some(b']') => {
                    self.bump(1);
                    break;
                }
                None => return self.fail(open, "unclosed '[': expected ']'"),
                Some(_) => {}
            }
            items.push(self.expr(true)?);
            self.skip_ws(true)?;
            match self.peek() {
                Some(b',') => self.bump(1),
                Some(b']') => {
                    self.bump(1);
                    break;
                }
                None => return self.fail(open, "unclosed '[': expected ']'"),
                Some(_) => return self.fail(self.pos, "expected ',' or ']' after a list item"),
            }
        }
        self.leave();
        Ok(Expr::Tuple(items.into_boxed_slice()))
    }

    /// `{ k = v }` or `{for ...}`. Items end at a comma or a newline; a repeated key
    /// overrides the earlier one at evaluation, as in HCL.
    fn object(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.enter(open)?;
        self.bump(1);
        self.skip_ws(true)?;
        if self.at_keyword("for") {
            let e = self.for_expr(true)?;
            self.leave();
            return Ok(e);
        }
        let mut items = Vec::new();
        loop {
            self.skip_ws(true)?;
            match self.peek() {
                Some(b'}') => {
                    self.bump(1);
                    break;
                }
                None => return self.fail(open, "unclosed '{': expected '}'"),
                Some(_) => {}
            }
            let key = match self.expr(false)? {
                // A bare name (keywords included) is the key itself, never a reference.
                Expr::Var(name) => ObjectKey::Name(name),
                Expr::Null => ObjectKey::Name("null".into()),
                Expr::Bool(b) => ObjectKey::Name(if b { "true" } else { "false" }.into()),
                other => ObjectKey::Expr(other),
            };
            self.skip_ws(false)?;
            match self.peek() {
                Some(b'=' | b':') => self.bump(1),
                _ => return self.fail(self.pos, "expected '=' or ':' after an object key"),
            }
            self.skip_ws(false)?;
            let value = self.expr(false)?;
            items.push((key, value));
            self.skip_ws(false)?;
            match self.peek() {
                Some(b',') => self.bump(1),
                Some(b'}') => {
                    self.bump(1);
                    break;
                }
                None => return self.fail(open, "unclosed '{': expected '}'"),
                Some(_) if self.newline_len().is_some() => {}
                Some(_) => {
                    return self.fail(
                        self.pos,
                        "expected ',', a newline or '}' after an object item",
                    )
                }
            }
        }
        self.leave();
        Ok(Expr::Object(items.into_boxed_slice()))
    }

    /// The rest of `[for ...]` or `{for ...}`, at `for`.
    fn for_expr(&mut self, object: bool) -> PResult<Expr> {
        self.bump(3);
        self.skip_ws(true)?;
        let first = self.expect_ident("expected a variable name after 'for'")?;
        self.skip_ws(true)?;
        let (key_var, value_var) = if self.peek() == Some(b',') {
            self.bump(1);
            self.skip_ws(true)?;
            let second = self.expect_ident("expected a variable name after ','")?;
            self.skip_ws(true)?;
            (Some(first.into()), second.into())
        } else {
            (None, first.into())
        };
        if !self.at_keyword("in") {
            return self.fail(self.pos, "expected 'in' after the for variables");
        }
        self.bump(2);
        self.skip_ws(true)?;
        let collection = self.expr(true)?;
        self.skip_ws(true)?;
        self.expect(b':', "expected ':' after the for collection")?;
        self.skip_ws(true)?;
        let mut key = None;
        let mut grouping = false;
        let value = if object {
            key = Some(self.expr(true)?);
            self.skip_ws(true)?;
            if !self.starts_with(b"=>") {
                return self.fail(self.pos, "expected '=>' after the key of an object for");
            }
            self.bump(2);
            self.skip_ws(true)?;
            let v = self.expr(true)?;
            self.skip_ws(true)?;
            if self.starts_with(b"...") {
                self.bump(3);
                grouping = true;
                self.skip_ws(true)?;
            }
            v
        } else {
            let v = self.expr(true)?;
            self.skip_ws(true)?;
            v
        };
        let cond = if self.at_keyword("if") {
            self.bump(2);
            self.skip_ws(true)?;
            let c = self.expr(true)?;
            self.skip_ws(true)?;
            Some(c)
        } else {
            None
        };
        let close = if object { b'}' } else { b']' };
        if self.peek() != Some(close) {
            return self.fail(
                self.pos,
                if object {
                    "expected 'if' or '}' to end the for expression"
                } else {
                    "expected 'if' or ']' to end the for expression"
                },
            );
        }
        self.bump(1);
        Ok(Expr::For(Box::new(ForExpr {
            key_var,
            value_var,
            collection,
            key,
            value,
            cond,
            grouping,
        })))
    }

    /// A number literal: digits, an optional fraction, an optional exponent.
    fn number(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let digits =
            |b: &[u8], at: usize| b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut end = start + digits(self.b, start);
        let mut float = false;
        if self.b.get(end) == Some(&b'.') && self.b.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1 + digits(self.b, end + 1);
            float = true;
        }
        if matches!(self.b.get(end), Some(b'e' | b'E')) {
            let mut e = end + 1;
            if matches!(self.b.get(e), Some(b'+' | b'-')) {
                e += 1;
            }
            let n = digits(self.b, e);
            if n == 0 {
                return self.fail(e, "expected digits in the exponent");
            }
            end = e + n;
            float = true;
        }
        let text = &self.src[start..end];
        let n = if float {
            text.parse::<f64>().ok().and_then(number_from_f64)
        } else {
            match text.parse::<u64>() {
                Ok(u) => Some(Number::from(u)),
                // Integers beyond u64 become floats, as in hcl-edit and cty.
                Err(_) => text.parse::<f64>().ok().and_then(number_from_f64),
            }
        };
        let Some(n) = n else {
            return self.fail(start, "number is out of range");
        };
        self.bump(end - start);
        Ok(Expr::Number(n))
    }
}

/// The JSON number for a parsed float: integral values in the `i64`/`u64` range become
/// integers (how hcl-edit and cty hand them to the evaluator), others stay floats.
pub fn number_from_f64(f: f64) -> Option<Number> {
    const I64_MIN: f64 = -9_223_372_036_854_775_808.0;
    const U64_MAX_EXCLUSIVE: f64 = 18_446_744_073_709_551_616.0;
    if !f.is_finite() {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "integral and range-checked just before"
    )]
    if f.fract() == 0.0 && (I64_MIN..0.0).contains(&f) {
        Some(Number::from(f as i64))
    } else if f.fract() == 0.0 && (0.0..U64_MAX_EXCLUSIVE).contains(&f) {
        Some(Number::from(f as u64))
    } else {
        Number::from_f64(f)
    }
}

/// `-n` with integers kept exact where they fit.
fn negate(n: &Number) -> Number {
    if let Some(i) = n.as_i64() {
        return match i.checked_neg() {
            Some(neg) => Number::from(neg),
            None => Number::from(i.unsigned_abs()),
        };
    }
    if let Some(u) = n.as_u64() {
        if u == i64::MIN.unsigned_abs() {
            return Number::from(i64::MIN);
        }
        #[expect(clippy::cast_precision_loss, reason = "beyond i64, as in hcl-edit")]
        let f = -(u as f64);
        return Number::from_f64(f).unwrap_or_else(|| Number::from(0));
    }
    n.as_f64()
        .and_then(|f| Number::from_f64(-f))
        .unwrap_or_else(|| Number::from(0))
}

/// First offset of `needle` in `hay`.
pub(super) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
