//! Parser tests: every syntax element, error locations, and robustness against hostile
//! input (deep nesting, unterminated constructs, garbage, size).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Number;

use super::ast::{BinaryOp, Body, Expr, ForExpr, ObjectKey, Op, Part, Traversal, UnaryOp};
use super::parser::MAX_DEPTH;
use super::{parse_body, parse_expr, parse_template, ParseError};

fn body(src: &str) -> Body {
    parse_body(src).unwrap_or_else(|e| panic!("{src:?}: {e}"))
}

fn expr(src: &str) -> Expr {
    parse_expr(src).unwrap_or_else(|e| panic!("{src:?}: {e}"))
}

/// The expression of the single argument `x = ...` (body-level, newline-sensitive).
fn attr(src: &str) -> Expr {
    let b = body(&format!("x = {src}\n"));
    b.attrs.into_iter().next().unwrap().expr
}

fn err(src: &str) -> ParseError {
    match parse_body(src) {
        Ok(b) => panic!("{src:?} parsed: {b:?}"),
        Err(e) => e,
    }
}

fn at(src: &str) -> (u32, u32) {
    let e = err(src);
    (e.line, e.column)
}

fn s(v: &str) -> Expr {
    Expr::String(v.into())
}

fn n(v: i64) -> Expr {
    Expr::Number(Number::from(v))
}

fn var(v: &str) -> Expr {
    Expr::Var(v.into())
}

fn trav(root: Expr, ops: Vec<Op>) -> Expr {
    Expr::Traversal(Box::new(Traversal {
        root,
        ops: ops.into_boxed_slice(),
    }))
}

fn attr_op(a: &str) -> Op {
    Op::Attr(a.into())
}

fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr::Binary(Box::new(super::ast::Binary { op, lhs, rhs }))
}

fn parts(e: &Expr) -> &[Part] {
    match e {
        Expr::Template(p) => p,
        other => panic!("not a template: {other:?}"),
    }
}

fn lit(p: &Part) -> &str {
    match p {
        Part::Literal(s) => s,
        other => panic!("not a literal: {other:?}"),
    }
}

// ---- structure ----------------------------------------------------------------------------

#[test]
fn attributes_blocks_labels_and_lines() {
    let b = body(
        "a = 1\nresource \"aws_s3_bucket\" b {\n  x = 2\n\n  nested {\n    y = 3\n  }\n}\nempty {}\none { k = \"v\" }\nlocals {\n}\n",
    );
    assert_eq!(b.attrs.len(), 1);
    assert_eq!(b.attrs[0].name, "a");
    assert_eq!(b.attrs[0].lines, (1, 1));
    let r = &b.blocks[0];
    assert_eq!(r.kind, "resource");
    assert_eq!(r.labels, vec!["aws_s3_bucket", "b"]);
    assert_eq!(r.lines, (2, 8));
    assert_eq!(r.body.attrs[0].lines, (3, 3));
    assert_eq!(r.body.blocks[0].kind, "nested");
    assert_eq!(r.body.blocks[0].lines, (5, 7));
    assert!(b.blocks[1].body.attrs.is_empty() && b.blocks[1].labels.is_empty());
    assert_eq!(b.blocks[2].body.attrs[0].name, "k");
    assert_eq!(b.blocks[2].body.attrs[0].expr, s("v"));
    assert_eq!(b.blocks[2].lines, (10, 10));
    assert_eq!(b.blocks[3].lines, (11, 12));
}

#[test]
fn a_multi_line_argument_spans_its_lines() {
    let b = body("x = {\n  a = 1\n}   # trailing\ny = <<EOT\nhi\nEOT\n");
    assert_eq!(b.attrs[0].lines, (1, 3));
    assert_eq!(b.attrs[1].lines, (4, 6));
}

#[test]
fn labels_may_hold_escapes_and_files_may_lack_a_final_newline() {
    let b = body("variable \"a\\\"b\" {\n  default = 1\n}");
    assert_eq!(b.blocks[0].labels, vec!["a\"b"]);
    let b = body("x = 1");
    assert_eq!(b.attrs[0].expr, n(1));
    assert!(body("").attrs.is_empty());
    assert!(body("\n\n# only a comment\n").blocks.is_empty());
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark() {
    let b = body("\u{feff}a = 1\r\nb {\r\n  c = \"x\" # note\r\n}\r\n");
    assert_eq!(b.attrs[0].expr, n(1));
    assert_eq!(b.blocks[0].body.attrs[0].expr, s("x"));
    assert_eq!(b.blocks[0].lines, (2, 4));
}

#[test]
fn comments_of_every_kind() {
    let b = body(
        "# hash\n// slashes\n/* block\n   over lines */ a = 1 /* inline */ # trailing\nb = [ # in a list\n  1, // one\n  /* two */ 2,\n]\nc { # after brace\n  d = 1\n}\n",
    );
    assert_eq!(b.attrs[0].expr, n(1));
    assert_eq!(
        b.attrs[1].expr,
        Expr::Tuple(vec![n(1), n(2)].into_boxed_slice())
    );
    assert_eq!(b.blocks[0].body.attrs[0].name, "d");
    // `/` followed by a space is division, not a comment.
    assert_eq!(attr("4 / 2"), bin(BinaryOp::Div, n(4), n(2)));
}

#[test]
fn a_repeated_argument_is_an_error_but_a_repeated_block_is_not() {
    assert_eq!(at("a = 1\nb = 2\na = 3\n"), (3, 1));
    let b = body("tag {\n}\ntag {\n}\n");
    assert_eq!(b.blocks.len(), 2);
}

// ---- literals -----------------------------------------------------------------------------

#[test]
fn numbers_bools_null() {
    assert_eq!(attr("42"), n(42));
    assert_eq!(attr("-7"), n(-7));
    assert_eq!(attr("- 7"), n(-7));
    assert_eq!(attr("1.5"), Expr::Number(Number::from_f64(1.5).unwrap()));
    assert_eq!(attr("1.0"), n(1));
    assert_eq!(attr("1e3"), n(1000));
    assert_eq!(
        attr("2.5E-1"),
        Expr::Number(Number::from_f64(0.25).unwrap())
    );
    assert_eq!(attr("1e+2"), n(100));
    assert_eq!(
        attr("18446744073709551615"),
        Expr::Number(Number::from(u64::MAX))
    );
    assert_eq!(
        attr("18446744073709551616"),
        Expr::Number(Number::from_f64(18_446_744_073_709_551_616.0).unwrap())
    );
    assert_eq!(
        attr("-9223372036854775808"),
        Expr::Number(Number::from(i64::MIN))
    );
    assert_eq!(attr("true"), Expr::Bool(true));
    assert_eq!(attr("false"), Expr::Bool(false));
    assert_eq!(attr("null"), Expr::Null);
    assert_eq!(at("x = 1e\n"), (1, 7));
    assert_eq!(at("x = 1e999\n"), (1, 5));
}

#[test]
fn quoted_strings_and_escapes() {
    assert_eq!(attr(r#""""#), s(""));
    assert_eq!(attr(r#""plain""#), s("plain"));
    assert_eq!(attr(r#""a\nb\tc\rd\"e\\f""#), s("a\nb\tc\rd\"e\\f"));
    assert_eq!(attr(r#""\u00e9\U0001F600""#), s("é😀"));
    assert_eq!(attr(r#""$${literal} %%{also}""#), s("${literal} %{also}"));
    assert_eq!(attr(r#""cost: $5, 100%""#), s("cost: $5, 100%"));
    assert_eq!(attr(r#""ünïcödé""#), s("ünïcödé"));
    assert_eq!(at("x = \"bad \\q escape\"\n"), (1, 10));
    assert_eq!(at("x = \"\\u12\"\n"), (1, 6));
    assert_eq!(at("x = \"\\uD800\"\n"), (1, 6));
}

#[test]
fn strings_do_not_span_lines() {
    assert_eq!(at("x = \"one\ntwo\"\n"), (1, 9));
}

// ---- templates ----------------------------------------------------------------------------

#[test]
fn interpolations() {
    let e = attr(r#""${var.a}""#);
    assert_eq!(
        parts(&e),
        &[Part::Interpolation(trav(var("var"), vec![attr_op("a")]))]
    );
    let e = attr(r#""a-${var.b}-c""#);
    let p = parts(&e);
    assert_eq!((lit(&p[0]), lit(&p[2])), ("a-", "-c"));
    // Newlines are allowed inside an interpolation.
    let e = attr("\"${merge(\n  a,\n  b\n)}\"");
    assert!(matches!(&parts(&e)[0], Part::Interpolation(Expr::Call(_))));
    // Braces inside the expression do not end the interpolation.
    let e = attr(r#""${ {a = 1}["a"] }""#);
    assert!(matches!(
        &parts(&e)[0],
        Part::Interpolation(Expr::Traversal(_))
    ));
}

#[test]
fn directives() {
    let e = attr(r#""%{ if a }yes%{ else }no%{ endif }!""#);
    let p = parts(&e);
    let Part::If(i) = &p[0] else { panic!() };
    assert_eq!(i.cond, var("a"));
    assert_eq!(lit(&i.then[0]), "yes");
    assert_eq!(lit(&i.otherwise[0]), "no");
    assert_eq!(lit(&p[1]), "!");

    let e = attr(r#""%{ for k, v in m }${k}=${v};%{ endfor }""#);
    let Part::For(f) = &parts(&e)[0] else {
        panic!()
    };
    assert_eq!(f.key_var.as_deref(), Some("k"));
    assert_eq!(&*f.value_var, "v");
    assert_eq!(f.collection, var("m"));
    assert_eq!(f.body.len(), 4);

    let e = attr(r#""%{ for v in l }%{ if v }x%{ endif }%{ endfor }""#);
    let Part::For(f) = &parts(&e)[0] else {
        panic!()
    };
    assert!(matches!(f.body[0], Part::If(_)));
}

#[test]
fn unbalanced_directives_are_located() {
    assert_eq!(at("x = \"%{ if a }yes\"\n"), (1, 6));
    assert_eq!(at("x = \"%{ endif }\"\n"), (1, 6));
    assert_eq!(at("x = \"%{ for a in b }%{ endif }\"\n"), (1, 21));
    assert_eq!(
        at("x = \"%{ if a }%{ else }%{ else }%{ endif }\"\n"),
        (1, 24)
    );
    assert_eq!(at("x = \"%{ while a }\"\n"), (1, 9));
    assert_eq!(at("x = \"${a\"\n"), (1, 9));
}

#[test]
fn strip_markers_trim_the_neighbouring_literal() {
    let e = attr(r#""a  ${~ b ~}  c""#);
    let p = parts(&e);
    assert_eq!((lit(&p[0]), lit(&p[2])), ("a", "c"));
    // Only the literal right next to the marker is trimmed.
    let e = attr(r#""a ${b~}${c} d""#);
    let p = parts(&e);
    assert_eq!(lit(&p[0]), "a ");
    assert_eq!(lit(&p[3]), " d");
    // In a heredoc a literal piece ends at each newline, so `~}` trims to the end of its
    // line (the newline included) and no further.
    let e = attr("<<EOT\n%{ if a ~}\n\n  x\n%{~ endif }\nEOT");
    let Part::If(i) = &parts(&e)[0] else { panic!() };
    assert_eq!(lit(&i.then[0]), "\n  x");
    // `${~` at a line start trims the whole previous line's end, newline included.
    let e = attr("<<EOT\nfoo  \n${~ x}\nEOT");
    assert_eq!(lit(&parts(&e)[0]), "foo");
}

#[test]
fn heredocs() {
    assert_eq!(attr("<<EOT\nhello\n  world\nEOT"), s("hello\n  world\n"));
    assert_eq!(attr("<<EOT\nEOT"), s(""));
    // The closing line may be indented; the delimiter inside a line is text.
    assert_eq!(attr("<<EOT\na EOT b\n  EOT"), s("a EOT b\n"));
    assert_eq!(attr("<<EOT\nEOTX\nEOT"), s("EOTX\n"));
    // No escapes in heredocs, but `$${` still stands for `${`.
    assert_eq!(attr("<<EOT\n\\n $${x}\nEOT"), s("\\n ${x}\n"));
    let e = attr("<<EOT\n${a}\nEOT");
    let p = parts(&e);
    assert_eq!(p.len(), 2);
    assert_eq!(lit(&p[1]), "\n");
    // CRLF files keep their line endings in the text.
    assert_eq!(attr("<<EOT\r\nline\r\nEOT"), s("line\r\n"));
    // A heredoc can be an argument inside parentheses, with text after its closing line.
    let e = attr("jsonencode(<<EOT\n{}\nEOT\n)");
    assert!(matches!(e, Expr::Call(_)));
}

#[test]
fn indented_heredocs_strip_the_smallest_indentation() {
    assert_eq!(
        attr("<<-EOT\n    a\n      b\n    c\n  EOT"),
        s("a\n  b\nc\n")
    );
    // Blank and whitespace-only lines do not count and keep their whitespace.
    assert_eq!(attr("<<-EOT\n    a\n\n  \n    b\n  EOT"), s("a\n\n  \nb\n"));
    // A line starting with an interpolation counts as unindented: nothing is stripped.
    let e = attr("<<-EOT\n  a\n${b}\nEOT");
    assert_eq!(lit(&parts(&e)[0]), "  a\n");
    // Tabs count as one character each.
    assert_eq!(attr("<<-EOT\n\t\ta\n\tb\nEOT"), s("\ta\nb\n"));
    // Interpolated values are not re-indented; literals after them on a line keep spaces.
    let e = attr("<<-EOT\n    x = ${v}  y\n    z\n    EOT");
    let p = parts(&e);
    assert_eq!((lit(&p[0]), lit(&p[2])), ("x = ", "  y\nz\n"));
}

#[test]
fn unterminated_heredoc_and_bad_introducers() {
    assert_eq!(at("x = <<EOT\nabc\n"), (1, 5));
    assert_eq!(at("x = <<EOT abc\nEOT\n"), (1, 10));
    assert_eq!(at("x = <<\nEOT\n"), (1, 7));
}

#[test]
fn bare_templates() {
    let e = parse_template("Hello ${name}!\n%{ for x in xs ~}\n- ${x}\n%{ endfor ~}\n").unwrap();
    let p = parts(&e);
    assert_eq!(lit(&p[0]), "Hello ");
    assert_eq!(lit(&p[2]), "!\n");
    let Part::For(f) = &p[3] else { panic!() };
    assert_eq!(lit(&f.body[0]), "- ");
    assert_eq!(lit(&f.body[2]), "\n");
    assert_eq!(p.len(), 5);
    assert_eq!(lit(&p[4]), "");
    // Backslashes and quotes are plain text; a lone `$` or `%` at the end too.
    assert_eq!(parse_template("a\\n \"b\" $").unwrap(), s("a\\n \"b\" $"));
    assert_eq!(parse_template("").unwrap(), s(""));
    assert_eq!(
        parse_template("${x}").unwrap(),
        Expr::Template(vec![Part::Interpolation(var("x"))].into_boxed_slice())
    );
    assert_eq!(parse_template("a\n${").unwrap_err().line, 2);
}

// ---- collections ---------------------------------------------------------------------------

#[test]
fn tuples() {
    assert_eq!(attr("[]"), Expr::Tuple(Box::new([])));
    assert_eq!(
        attr("[1, \"a\",\n  true,\n]"),
        Expr::Tuple(vec![n(1), s("a"), Expr::Bool(true)].into_boxed_slice())
    );
    assert_eq!(at("x = [1 2]\n"), (1, 8));
    assert_eq!(at("x = [1,\n"), (1, 5));
}

#[test]
fn objects() {
    let e = attr("{\n  a = 1\n  \"b\" : 2, c = 3,\n  (var.k) = 4\n  \"${p}-x\" = 5\n  null = 6\n}");
    let Expr::Object(items) = e else { panic!() };
    assert_eq!(items[0], (ObjectKey::Name("a".into()), n(1)));
    assert_eq!(items[1], (ObjectKey::Expr(s("b")), n(2)));
    assert_eq!(items[2], (ObjectKey::Name("c".into()), n(3)));
    assert!(matches!(&items[3].0, ObjectKey::Expr(Expr::Paren(_))));
    assert!(matches!(&items[4].0, ObjectKey::Expr(Expr::Template(_))));
    assert_eq!(items[5].0, ObjectKey::Name("null".into()));
    assert_eq!(attr("{}"), Expr::Object(Box::new([])));
    assert_eq!(attr("{ a = 1, b = 2 }"), attr("{\n a = 1\n b = 2\n}"));
    // A repeated key is kept (the later one wins at evaluation, as in HCL).
    let Expr::Object(items) = attr("{ a = 1, a = 2 }") else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    // Items on one line need commas; a value ends at the newline.
    assert_eq!(at("x = { a = 1 b = 2 }\n"), (1, 13));
    assert_eq!(at("x = {\n  a = 1 +\n  2\n}\n"), (2, 10));
    assert_eq!(at("x = { a 1 }\n"), (1, 9));
}

#[test]
fn for_expressions() {
    let Expr::For(f) = attr("[for i, v in var.l : upper(v) if i > 0]") else {
        panic!()
    };
    let ForExpr {
        key_var,
        value_var,
        collection,
        key,
        value,
        cond,
        grouping,
    } = *f;
    assert_eq!(key_var.as_deref(), Some("i"));
    assert_eq!(&*value_var, "v");
    assert_eq!(collection, trav(var("var"), vec![attr_op("l")]));
    assert!(key.is_none() && !grouping);
    assert!(matches!(value, Expr::Call(_)));
    assert_eq!(cond, Some(bin(BinaryOp::Greater, var("i"), n(0))));

    let Expr::For(f) = attr("{\n  for k, v in m :\n  k => v...\n  if v != null\n}") else {
        panic!()
    };
    assert!(f.grouping && f.key == Some(var("k")) && f.cond.is_some());
    let Expr::For(f) = attr("{ for s in l : s.name => s }") else {
        panic!()
    };
    assert!(f.key_var.is_none() && !f.grouping);
    // `format` and `for_each` are not the `for` keyword.
    assert!(matches!(attr("[format(\"%s\", a)]"), Expr::Tuple(_)));
    assert!(matches!(attr("{ for_each = 1 }"), Expr::Object(_)));
    assert_eq!(at("x = [for v in l v]\n"), (1, 17));
    assert_eq!(at("x = {for k, v in m : k}\n"), (1, 23));
}

// ---- traversals and calls -----------------------------------------------------------------

#[test]
fn traversals_and_splats() {
    assert_eq!(
        attr("aws_s3_bucket.b[\"k\"].tags.Name"),
        trav(
            var("aws_s3_bucket"),
            vec![
                attr_op("b"),
                Op::Index(s("k")),
                attr_op("tags"),
                attr_op("Name")
            ]
        )
    );
    assert_eq!(
        attr("a.*.id"),
        trav(var("a"), vec![Op::AttrSplat, attr_op("id")])
    );
    assert_eq!(
        attr("a[*].b[0]"),
        trav(var("a"), vec![Op::FullSplat, attr_op("b"), Op::Index(n(0))])
    );
    assert_eq!(
        attr("a.0.b.12"),
        trav(
            var("a"),
            vec![Op::LegacyIndex(0), attr_op("b"), Op::LegacyIndex(12)]
        )
    );
    assert_eq!(
        attr("a[ count.index ]"),
        trav(
            var("a"),
            vec![Op::Index(trav(var("count"), vec![attr_op("index")]))]
        )
    );
    // Traversals apply to any term.
    assert!(matches!(attr("[1, 2][0]"), Expr::Traversal(_)));
    assert!(matches!(attr("f(x).y"), Expr::Traversal(_)));
    // A newline ends a body-level expression, but not one inside parentheses.
    assert_eq!(at("x = a\n.b\n"), (2, 1));
    assert!(matches!(attr("(a\n.b)"), Expr::Paren(_)));
    assert_eq!(at("x = a.\n"), (1, 7));
}

#[test]
fn function_calls() {
    let Expr::Call(c) = attr("concat(a, [1],\n  b...)") else {
        panic!()
    };
    assert_eq!(&*c.name, "concat");
    assert_eq!(c.args.len(), 3);
    assert!(c.expand_final);
    let Expr::Call(c) = attr("provider::aws::arn_parse(x)") else {
        panic!()
    };
    assert_eq!(&*c.name, "provider::aws::arn_parse");
    let Expr::Call(c) = attr("timestamp()") else {
        panic!()
    };
    assert!(c.args.is_empty() && !c.expand_final);
    let Expr::Call(c) = attr("f(a,)") else {
        panic!()
    };
    assert_eq!(c.args.len(), 1);
    assert_eq!(at("x = f(a..., b)\n"), (1, 11));
    assert_eq!(at("x = f(a,\n"), (1, 5));
    assert_eq!(at("x = f(a b)\n"), (1, 9));
    assert_eq!(at("x = f(,)\n"), (1, 7));
}

#[test]
fn unicode_and_dashed_identifiers() {
    let b = body("résumé-2 = naïve_ünit-x\n_private = 1\n");
    assert_eq!(b.attrs[0].name, "résumé-2");
    assert_eq!(b.attrs[0].expr, var("naïve_ünit-x"));
    assert_eq!(b.attrs[1].name, "_private");
    // `-` continues an identifier: `a-b` is one name, `a - b` a subtraction.
    assert_eq!(attr("a-b"), var("a-b"));
    assert_eq!(attr("a - b"), bin(BinaryOp::Minus, var("a"), var("b")));
}

// ---- operators ----------------------------------------------------------------------------

#[test]
fn operator_precedence_and_associativity() {
    // * over +, + over comparison, comparison over ==, == over &&, && over ||.
    assert_eq!(
        attr("1 + 2 * 3"),
        bin(BinaryOp::Plus, n(1), bin(BinaryOp::Mul, n(2), n(3)))
    );
    assert_eq!(
        attr("a || b && c == d < e + f % g"),
        bin(
            BinaryOp::Or,
            var("a"),
            bin(
                BinaryOp::And,
                var("b"),
                bin(
                    BinaryOp::Eq,
                    var("c"),
                    bin(
                        BinaryOp::Less,
                        var("d"),
                        bin(
                            BinaryOp::Plus,
                            var("e"),
                            bin(BinaryOp::Mod, var("f"), var("g"))
                        )
                    )
                )
            )
        )
    );
    // Left-associative within a level.
    assert_eq!(
        attr("8 - 4 - 2"),
        bin(BinaryOp::Minus, bin(BinaryOp::Minus, n(8), n(4)), n(2))
    );
    assert_eq!(
        attr("a >= b != c <= d"),
        bin(
            BinaryOp::NotEq,
            bin(BinaryOp::GreaterEq, var("a"), var("b")),
            bin(BinaryOp::LessEq, var("c"), var("d"))
        )
    );
    // Unary binds tighter than binary.
    assert_eq!(
        attr("-a * b"),
        bin(
            BinaryOp::Mul,
            Expr::Unary(UnaryOp::Neg, Box::new(var("a"))),
            var("b")
        )
    );
    assert_eq!(
        attr("!!a"),
        Expr::Unary(
            UnaryOp::Not,
            Box::new(Expr::Unary(UnaryOp::Not, Box::new(var("a"))))
        )
    );
    assert_eq!(
        attr("-(1)"),
        Expr::Unary(UnaryOp::Neg, Box::new(Expr::Paren(Box::new(n(1)))))
    );
    assert_eq!(
        attr("(1 + 2) * 3"),
        bin(
            BinaryOp::Mul,
            Expr::Paren(Box::new(bin(BinaryOp::Plus, n(1), n(2)))),
            n(3)
        )
    );
    assert_eq!(at("x = a & b\n"), (1, 7));
}

#[test]
fn conditionals() {
    let Expr::Conditional(c) = attr("a == 1 ? \"x\" : b ? 2 : 3") else {
        panic!()
    };
    assert_eq!(c[0], bin(BinaryOp::Eq, var("a"), n(1)));
    assert_eq!(c[1], s("x"));
    assert!(matches!(c[2], Expr::Conditional(_)));
    // A multi-line conditional needs parentheses at body level.
    assert!(matches!(attr("(\n  a\n  ? 1\n  : 2\n)"), Expr::Paren(_)));
    assert_eq!(at("x = a\n  ? 1\n  : 2\n"), (2, 3));
    assert_eq!(at("x = a ? 1\n"), (1, 10));
}

#[test]
fn standalone_expressions() {
    assert_eq!(
        expr("  [\n 1 ]  # c\n"),
        Expr::Tuple(vec![n(1)].into_boxed_slice())
    );
    assert_eq!(expr("a\n+ b"), bin(BinaryOp::Plus, var("a"), var("b")));
    assert!(parse_expr("1 2").is_err());
    assert!(parse_expr("").is_err());
}

// ---- error locations ---------------------------------------------------------------------

#[test]
fn errors_point_at_the_offending_character() {
    // A missing value: the position of the newline after `=`.
    assert_eq!(at("resource \"a\" \"b\" {\n  bucket = \n}\n"), (2, 12));
    assert_eq!(at("a = 1 b = 2\n"), (1, 7));
    assert_eq!(at("a {\n  b = 1 }\n"), (2, 9));
    assert_eq!(at("block \"x\" {\n"), (1, 11));
    assert_eq!(at("block \"x\"\n{\n}\n"), (1, 10));
    assert_eq!(at("\"quoted\" = 1\n"), (1, 1));
    assert_eq!(at("a { b { } }\n"), (1, 7));
    assert_eq!(at("a { b = 1, c = 2 }\n"), (1, 10));
    assert_eq!(at("a \"${x}\" {}\n"), (1, 3));
    assert_eq!(at("x = 1 /* never closed\n"), (1, 7));
    assert_eq!(at("x = \"never closed\n"), (1, 18));
    assert_eq!(at("x = \"never closed"), (1, 5));
    assert_eq!(at("}\n"), (1, 1));
    // Columns count characters, not bytes.
    assert_eq!(at("x = \"ééé\" é\n"), (1, 11));
}

// ---- robustness ---------------------------------------------------------------------------

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{a=", "}"),
        ("f(", ")"),
        ("\"${", "}\""),
        ("x[", "]"),
    ] {
        let src = format!("x = {}1{}\n", open.repeat(depth), close.repeat(depth));
        let e = err(&src);
        assert!(e.message.contains("nested"), "{open}: {e}");
    }
    for prefix in ["-", "!", "- "] {
        let src = format!("x = {}1\n", prefix.repeat(depth));
        assert!(err(&src).message.contains("nested"));
    }
    let chain = format!("x = 1{}\n", " + 1".repeat(depth));
    assert!(err(&chain).message.contains("nested"));
    let blocks = format!("{}{}", "a {\n".repeat(depth), "}\n".repeat(depth));
    assert!(err(&blocks).message.contains("nested"));
    let directives = format!(
        "x = \"{}{}\"\n",
        "%{ if a }".repeat(depth),
        "%{ endif }".repeat(depth)
    );
    assert!(err(&directives).message.contains("nested"));
    let template = format!(
        "{}{}",
        "%{ for a in b }".repeat(depth),
        "%{ endfor }".repeat(depth)
    );
    assert!(parse_template(&template)
        .unwrap_err()
        .message
        .contains("nested"));
    // Within the limit, deep is fine.
    let ok = format!("x = {}1{}\n", "(".repeat(50), ")".repeat(50));
    body(&ok);
    let ok = format!("x = 1{}\n", " + 1".repeat(MAX_DEPTH as usize / 2));
    body(&ok);
}

#[test]
fn unterminated_constructs_are_errors() {
    for src in [
        "x = \"abc",
        "x = \"${a",
        "x = \"${a}",
        "x = \"%{ if a }",
        "x = <<EOT\n",
        "x = <<EOT\nabc",
        "x = <<-EOT\n  abc\n  EOTX",
        "x = /* abc",
        "x = [1, 2",
        "x = {a = 1",
        "x = (1",
        "x = f(1",
        "x = a[1",
        "x = [for a in b : a",
        "a {",
        "a {\n b = 1\n",
        "a \"b",
        "x = ",
        "x",
        "x = 1 ?",
        "x = 1 ? 2 :",
        "x = a.",
        "x = <<",
        "x = \"\\",
        "x = \"\\u",
        "x = provider::",
    ] {
        assert!(parse_body(src).is_err(), "{src:?} parsed");
    }
}

/// A small deterministic generator, so the garbage tests need no extra crates.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

const SAMPLE: &str = r#"# sample exercising most of the grammar
variable "x" {
  type    = map(object({ a = optional(string, "d") }))
  default = {}
}
locals {
  l = [for i, v in var.l : upper(v) if i > 0]
  m = { for k, v in var.m : k => v... if v != null }
  t = "pre-${var.a}-%{ if b }y%{ else }n%{ endif }${~ c ~}"
  h = <<-EOT
    ${a.*.b[0]} $${x} %%{y}
      %{ for k, v in m ~}
      ${k}=${v}
      %{~ endfor }
  EOT
  o = { (var.k) = -1.5e3, "s" : !true, n = null }
  c = a == b ? f(x...) : provider::ns::g(1, [2], {})
}
resource "aws_s3_bucket" "b" {
  tags { Name = "n" }
  dynamic "rule" {
    for_each = var.rules
    content { id = rule.value.id }
  }
}
"#;

#[test]
fn every_prefix_and_mutation_of_a_sample_is_handled() {
    body(SAMPLE);
    // Every truncation (at char boundaries) parses or fails, never panics.
    for (i, _) in SAMPLE.char_indices() {
        let _ = parse_body(&SAMPLE[..i]);
        let _ = parse_expr(&SAMPLE[..i]);
        let _ = parse_template(&SAMPLE[..i]);
    }
    // Random single-byte substitutions with syntax-heavy bytes.
    let alphabet = b"\"'{}[]()$%~<>-!=?:.,*/#\\\n\r\t 0aZ\xc3";
    let mut rng = Lcg(7);
    for _ in 0..3_000 {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        for _ in 0..1 + rng.next() % 4 {
            let i = (rng.next() as usize) % bytes.len();
            bytes[i] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_body(&text);
        let _ = parse_template(&text);
    }
}

#[test]
fn binary_garbage_is_an_error() {
    let mut rng = Lcg(42);
    for _ in 0..500 {
        let len = (rng.next() % 400) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_body(&text);
        let _ = parse_expr(&text);
        let _ = parse_template(&text);
    }
    assert!(parse_body("\u{0}\u{1}\u{fffd}").is_err());
}

#[test]
fn huge_input_parses_in_linear_time() {
    let mut src = String::new();
    for i in 0..40_000 {
        src.push_str(&format!(
            "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"name-${{var.p}}-{i}\"\n  tags = {{ a = 1, b = [1, 2, 3] }}\n}}\n"
        ));
    }
    assert!(src.len() > 3_000_000);
    let start = std::time::Instant::now();
    let b = body(&src);
    assert_eq!(b.blocks.len(), 40_000);
    assert!(start.elapsed().as_secs() < 20);
    // One very long string and one very long list.
    let long = format!(
        "x = \"{}\"\ny = [{}]\n",
        "a".repeat(2_000_000),
        "1,".repeat(200_000)
    );
    let b = body(&long);
    assert_eq!(b.attrs.len(), 2);
    // Many arguments in one body (repeated-name check must not be quadratic in practice).
    let many: String = (0..20_000).map(|i| format!("a{i} = {i}\n")).collect();
    assert_eq!(body(&many).attrs.len(), 20_000);
}
