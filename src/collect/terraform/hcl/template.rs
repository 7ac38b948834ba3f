//! Templates: quoted strings, heredocs and bare templates (`templatefile`, JSON syntax).
//!
//! Parsed in two steps, like HCL's `parseTemplateParts`: a flat list of tokens (literal
//! pieces, interpolations, directive markers), then strip markers (`~`), `<<-` indentation
//! and the nesting of `%{if}`/`%{for}` are applied to that list. The literal pieces are cut
//! where HCL's scanner cuts them (heredoc and bare template literals at every newline), because
//! a strip marker trims exactly one neighbouring piece and `<<-` looks at the piece that
//! starts each line: cutting elsewhere would change the result.

use super::ast::{Expr, ForPart, IfPart, Part};
use super::parser::{Fail, PResult, Parser, MAX_DEPTH};

/// Where a template ends.
#[derive(Clone, Copy)]
enum Mode<'d> {
    /// At `"`; backslash escapes; no raw newlines.
    Quoted,
    /// At a line holding only the delimiter.
    Heredoc(&'d str),
    /// At the end of the input.
    Bare,
}

/// A template token before nesting is resolved. Positions are for error messages.
enum Tok {
    Lit(String),
    Interp(Expr),
    If(Expr, usize),
    Else(usize),
    EndIf(usize),
    For {
        key_var: Option<Box<str>>,
        value_var: Box<str>,
        collection: Expr,
        at: usize,
    },
    EndFor(usize),
}

impl Parser<'_> {
    /// A quoted string, at its opening `"`.
    pub(super) fn quoted_template(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.bump(1);
        let toks = self.template_tokens(Mode::Quoted, open)?;
        self.expect(b'"', "expected '\"'")?;
        finish(toks, false)
    }

    /// A heredoc, at `<<`.
    pub(super) fn heredoc(&mut self) -> PResult<Expr> {
        let open = self.pos;
        self.bump(2);
        let flush = self.peek() == Some(b'-');
        if flush {
            self.bump(1);
        }
        let Some(delim) = self.ident() else {
            return self.fail(self.pos, "expected a heredoc delimiter after '<<'");
        };
        match (self.peek(), self.peek_at(1)) {
            (Some(b'\n'), _) => self.pos += 1,
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            _ => return self.fail(self.pos, "expected a newline after the heredoc delimiter"),
        }
        let toks = self.template_tokens(Mode::Heredoc(delim), open)?;
        finish(toks, flush)
    }

    /// A whole input as a template.
    pub(super) fn bare_template(&mut self) -> PResult<Expr> {
        let toks = self.template_tokens(Mode::Bare, 0)?;
        finish(toks, false)
    }

    /// Reads template tokens up to the end of the template (a quoted string's closing `"`
    /// is left unconsumed; a heredoc's closing delimiter is consumed).
    fn template_tokens(&mut self, mode: Mode<'_>, open: usize) -> PResult<Vec<Tok>> {
        let mut toks: Vec<Tok> = Vec::new();
        let mut lit = String::new();
        // Strip state, as in HCL: `~}` trims the next piece if it is a literal; `${~` trims
        // the previous piece if it is a literal.
        let mut ltrim_next = false;
        let mut line_start = true;
        let mut nesting: u32 = 0;

        fn push_lit(toks: &mut Vec<Tok>, lit: &mut String, ltrim: &mut bool) {
            if lit.is_empty() {
                return;
            }
            let mut s = std::mem::take(lit);
            if std::mem::take(ltrim) {
                let trimmed = s.trim_start();
                if trimmed.len() != s.len() {
                    s = trimmed.to_owned();
                }
            }
            toks.push(Tok::Lit(s));
        }

        loop {
            if let Mode::Heredoc(delim) = mode {
                if line_start {
                    if let Some(end) = self.heredoc_close(delim) {
                        push_lit(&mut toks, &mut lit, &mut ltrim_next);
                        self.bump(end - self.pos);
                        return Ok(toks);
                    }
                    line_start = false;
                }
            }
            let Some(c) = self.peek() else {
                return match mode {
                    Mode::Bare => {
                        push_lit(&mut toks, &mut lit, &mut ltrim_next);
                        Ok(toks)
                    }
                    Mode::Quoted => self.fail(open, "unterminated string: expected '\"'"),
                    Mode::Heredoc(delim) => self.fail(
                        open,
                        format!("unterminated heredoc: expected a line holding only {delim}"),
                    ),
                };
            };
            match c {
                b'"' if matches!(mode, Mode::Quoted) => {
                    push_lit(&mut toks, &mut lit, &mut ltrim_next);
                    return Ok(toks);
                }
                b'\\' if matches!(mode, Mode::Quoted) => {
                    let ch = self.escape()?;
                    lit.push(ch);
                }
                b'\n' | b'\r' if matches!(mode, Mode::Quoted) => {
                    return self.fail(
                        self.pos,
                        "a quoted string cannot span lines: use \\n or a heredoc (<<EOT)",
                    );
                }
                b'\n' => {
                    // Heredoc and bare literals are one piece per line, newline included.
                    lit.push('\n');
                    self.pos += 1;
                    push_lit(&mut toks, &mut lit, &mut ltrim_next);
                    line_start = true;
                }
                b'$' | b'%' if self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{') => {
                    // `$${` and `%%{` are a literal `${` and `%{`.
                    lit.push(char::from(c));
                    lit.push('{');
                    self.pos += 3;
                }
                b'$' | b'%' if self.peek_at(1) == Some(b'{') => {
                    let at = self.pos;
                    // `~}` trims only a literal that comes right after it: a pending one
                    // takes the flag here, and the flag is replaced below either way.
                    push_lit(&mut toks, &mut lit, &mut ltrim_next);
                    self.bump(2);
                    if self.peek() == Some(b'~') {
                        self.bump(1);
                        // `${~` trims the piece right before it, if that is a literal.
                        if let Some(Tok::Lit(prev)) = toks.last_mut() {
                            let keep = prev.trim_end().len();
                            prev.truncate(keep);
                        }
                    }
                    self.enter(at)?;
                    let (tok, strip_after) = if c == b'$' {
                        self.interpolation()?
                    } else {
                        self.directive(at, &mut nesting)?
                    };
                    self.leave();
                    toks.push(tok);
                    ltrim_next = strip_after;
                    line_start = false;
                }
                _ => {
                    // A run of ordinary text up to the next byte that means something.
                    let rest = &self.b[self.pos..];
                    let n = rest
                        .iter()
                        .position(|&b| match mode {
                            Mode::Quoted => matches!(b, b'"' | b'\\' | b'$' | b'%' | b'\n' | b'\r'),
                            _ => matches!(b, b'$' | b'%' | b'\n'),
                        })
                        .unwrap_or(rest.len())
                        .max(1);
                    // Every stop byte is ASCII, so the run ends on a character boundary; a
                    // lone `$`/`%` is one byte.
                    match self.src.get(self.pos..self.pos + n) {
                        Some(s) => lit.push_str(s),
                        None => return self.fail(self.pos, "invalid UTF-8"),
                    }
                    self.pos += n;
                }
            }
        }
    }

    /// `${ expr }` after `${` (and `~`); true when it ends with `~}`.
    fn interpolation(&mut self) -> PResult<(Tok, bool)> {
        self.skip_ws(true)?;
        let e = self.expr(true)?;
        self.skip_ws(true)?;
        let after = self.close_sequence("expected '}' to end the interpolation")?;
        Ok((Tok::Interp(e), after))
    }

    /// `%{ keyword ... }` after `%{` (and `~`); true when it ends with `~}`.
    fn directive(&mut self, at: usize, nesting: &mut u32) -> PResult<(Tok, bool)> {
        self.skip_ws(true)?;
        let kw_at = self.pos;
        let Some(kw) = self.ident() else {
            return self.fail(kw_at, "expected if, else, endif, for or endfor after '%{'");
        };
        let tok = match kw {
            "if" => {
                self.skip_ws(true)?;
                *nesting += 1;
                Tok::If(self.expr(true)?, at)
            }
            "else" => Tok::Else(at),
            "endif" => {
                *nesting = nesting.saturating_sub(1);
                Tok::EndIf(at)
            }
            "for" => {
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
                *nesting += 1;
                Tok::For {
                    key_var,
                    value_var,
                    collection: self.expr(true)?,
                    at,
                }
            }
            "endfor" => {
                *nesting = nesting.saturating_sub(1);
                Tok::EndFor(at)
            }
            other => {
                return self.fail(
                    kw_at,
                    format!("{other:?} is not a template directive: expected if, else, endif, for or endfor"),
                )
            }
        };
        if *nesting > MAX_DEPTH {
            return self.fail(
                at,
                format!("template directives nested more than {MAX_DEPTH} deep"),
            );
        }
        self.skip_ws(true)?;
        let after = self.close_sequence("expected '}' to end the template directive")?;
        Ok((tok, after))
    }

    /// `}` or `~}`; true for `~}`.
    fn close_sequence(&mut self, message: &'static str) -> PResult<bool> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'~'), Some(b'}')) => {
                self.bump(2);
                Ok(true)
            }
            (Some(b'}'), _) => {
                self.bump(1);
                Ok(false)
            }
            _ => self.fail(self.pos, message),
        }
    }

    /// A backslash escape in a quoted string, at `\`.
    fn escape(&mut self) -> PResult<char> {
        let at = self.pos;
        let c = match self.peek_at(1) {
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'\\') => '\\',
            Some(b'"') => '"',
            Some(u @ (b'u' | b'U')) => {
                let n = if u == b'u' { 4 } else { 8 };
                let hex = self.src.get(self.pos + 2..self.pos + 2 + n).unwrap_or("");
                let code = (hex.len() == n && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                let Some(ch) = code else {
                    return self.fail(
                        at,
                        format!("invalid escape: \\{} needs {n} hex digits of a Unicode scalar value", char::from(u)),
                    );
                };
                self.pos += 2 + n;
                return Ok(ch);
            }
            _ => {
                return self.fail(
                    at,
                    "invalid escape sequence: expected \\n, \\r, \\t, \\\\, \\\", \\uNNNN or \\UNNNNNNNN",
                )
            }
        };
        self.pos += 2;
        Ok(c)
    }

    /// At the start of a heredoc line: the end offset of the delimiter when this line holds
    /// only the delimiter (surrounding whitespace allowed).
    fn heredoc_close(&self, delim: &str) -> Option<usize> {
        let rest = self.src.get(self.pos..)?;
        let line = rest.split('\n').next().unwrap_or(rest);
        let lead = line.len() - line.trim_start().len();
        (line.trim() == delim).then_some(self.pos + lead + delim.len())
    }
}

/// Applies `<<-` indentation, joins adjacent literals and resolves directive nesting.
fn finish(mut toks: Vec<Tok>, flush: bool) -> PResult<Expr> {
    if flush {
        flush_heredoc(&mut toks);
    }
    // Join adjacent literals (after trimming, as HCL does).
    let mut joined: Vec<Tok> = Vec::with_capacity(toks.len());
    for t in toks {
        match (joined.last_mut(), t) {
            (Some(Tok::Lit(prev)), Tok::Lit(s)) => prev.push_str(&s),
            (_, t) => joined.push(t),
        }
    }
    if joined.iter().all(|t| matches!(t, Tok::Lit(_))) {
        let s: String = joined
            .into_iter()
            .filter_map(|t| match t {
                Tok::Lit(s) => Some(s),
                _ => None,
            })
            .collect();
        return Ok(Expr::String(s.into()));
    }
    let mut iter = joined.into_iter();
    let (parts, end) = nest(&mut iter)?;
    match end {
        None => Ok(Expr::Template(parts.into_boxed_slice())),
        Some(Tok::Else(at)) => unbalanced(at, "%{else} without a matching %{if}"),
        Some(Tok::EndIf(at)) => unbalanced(at, "%{endif} without a matching %{if}"),
        Some(Tok::EndFor(at)) => unbalanced(at, "%{endfor} without a matching %{for}"),
        Some(_) => unbalanced(0, "unbalanced template directives"),
    }
}

fn unbalanced<T>(at: usize, message: &'static str) -> PResult<T> {
    Err(Fail {
        at,
        message: message.into(),
    })
}

/// Builds parts until an `else`/`endif`/`endfor` token (returned) or the end. Recursion
/// depth is the directive nesting, bounded while tokenizing.
fn nest(iter: &mut std::vec::IntoIter<Tok>) -> PResult<(Vec<Part>, Option<Tok>)> {
    let mut parts = Vec::new();
    while let Some(t) = iter.next() {
        match t {
            Tok::Lit(s) => parts.push(Part::Literal(s.into())),
            Tok::Interp(e) => parts.push(Part::Interpolation(e)),
            Tok::If(cond, at) => {
                let (then, end) = nest(iter)?;
                let otherwise = match end {
                    Some(Tok::EndIf(_)) => Vec::new(),
                    Some(Tok::Else(else_at)) => {
                        let (otherwise, end) = nest(iter)?;
                        match end {
                            Some(Tok::EndIf(_)) => otherwise,
                            Some(Tok::Else(a)) => {
                                return unbalanced(a, "a second %{else} in one %{if}")
                            }
                            Some(Tok::EndFor(a)) => {
                                return unbalanced(a, "%{endfor} where %{endif} was expected")
                            }
                            _ => {
                                let _ = else_at;
                                return unbalanced(at, "%{if} without a matching %{endif}");
                            }
                        }
                    }
                    Some(Tok::EndFor(a)) => {
                        return unbalanced(a, "%{endfor} where %{endif} was expected")
                    }
                    _ => return unbalanced(at, "%{if} without a matching %{endif}"),
                };
                parts.push(Part::If(Box::new(IfPart {
                    cond,
                    then: then.into_boxed_slice(),
                    otherwise: otherwise.into_boxed_slice(),
                })));
            }
            Tok::For {
                key_var,
                value_var,
                collection,
                at,
            } => {
                let (body, end) = nest(iter)?;
                match end {
                    Some(Tok::EndFor(_)) => {}
                    Some(Tok::Else(a)) => return unbalanced(a, "%{else} inside a %{for}"),
                    Some(Tok::EndIf(a)) => {
                        return unbalanced(a, "%{endif} where %{endfor} was expected")
                    }
                    _ => return unbalanced(at, "%{for} without a matching %{endfor}"),
                }
                parts.push(Part::For(Box::new(ForPart {
                    key_var,
                    value_var,
                    collection,
                    body: body.into_boxed_slice(),
                })));
            }
            end @ (Tok::Else(_) | Tok::EndIf(_) | Tok::EndFor(_)) => return Ok((parts, Some(end))),
        }
    }
    Ok((parts, None))
}

/// `<<-`: removes from every line-leading literal piece the smallest number of leading
/// whitespace characters found on any line (HCL's `flushHeredocTemplateParts`). Lines that
/// are only whitespace do not count and keep their whitespace; a line starting with an
/// interpolation or directive counts as unindented.
fn flush_heredoc(toks: &mut [Tok]) {
    let mut min = usize::MAX;
    let mut newline = true;
    let mut adjust = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if newline {
            newline = false;
            let spaces = match t {
                Tok::Lit(s) => {
                    let trimmed = s.trim_start();
                    if trimmed.is_empty() && s.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        s[..s.len() - trimmed.len()].chars().count()
                    }
                }
                _ => 0,
            };
            min = min.min(spaces);
        }
        if let Tok::Lit(s) = t {
            if s.ends_with('\n') {
                newline = true;
            }
        }
    }
    if min == 0 || min == usize::MAX {
        return;
    }
    for i in adjust {
        if let Some(Tok::Lit(s)) = toks.get_mut(i) {
            let cut = s.char_indices().nth(min).map_or(s.len(), |(b, _)| b);
            s.drain(..cut);
        }
    }
}
