//! `--format html`: one self-contained file for auditors. No network at all: CSS, JS and the
//! SVG chart are inline, and a Content-Security-Policy forbids every fetch.
//!
//! Layout: run metadata; a summary with counts and a chart; frameworks → controls → rules →
//! resources (control status rolled up by [`Ruleset::evaluate`], manual controls listed, never
//! counted as passed); per-rule counts; every outcome with its evidence (file:line with the
//! code excerpt, or ARN + API calls + collection time for live resources; observed values;
//! waiver with reason and expiry); inputs with digests; input problems. Search and filters are
//! vanilla JS over `data-*` attributes; without JS everything is simply shown. Print CSS hides
//! the controls and opens every outcome.
//!
//! Everything from the scan (resource names, messages, values, paths) is untrusted and goes
//! through [`escape`]; nothing is ever inserted as markup or script. Excerpts are read at
//! render time and only when the file's SHA-256 still matches the scanned input.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::engine::{Outcome, Severity, Status};
use crate::model::{Location, SourceKind};
use crate::report::excerpt::{excerpt_of, Excerpt};
use crate::report::{frameworks_for, Reporter, RunInfo, Summary};
use crate::rulesets::{ControlStatus, Ruleset};
use crate::scan::ScanResult;

/// Renders HTML; `rulesets: None` uses the built-in rulesets; `excerpts: false` skips
/// reading source files (the evidence still names file and lines).
#[derive(Debug, Clone)]
pub struct HtmlReporter {
    pub rulesets: Option<Vec<Ruleset>>,
    pub excerpts: bool,
}

impl Default for HtmlReporter {
    fn default() -> Self {
        Self {
            rulesets: None,
            excerpts: true,
        }
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STATUS_COLORS: [(&str, &str); 7] = [
    ("fail", "#c62828"),
    ("unknown", "#b26a00"),
    ("error", "#6a1b9a"),
    ("waived", "#0277bd"),
    ("pass", "#2e7d32"),
    ("manual", "#616161"),
    ("not_applicable", "#9e9e9e"),
];

fn color(status: &str) -> &'static str {
    STATUS_COLORS
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, c)| *c)
        .unwrap_or("#9e9e9e")
}

fn badge(status: &str) -> String {
    format!(r#"<span class="badge s-{0}">{0}</span>"#, escape(status))
}

fn control_status_str(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Fail => "fail",
        ControlStatus::Unknown => "unknown",
        ControlStatus::Pass => "pass",
        ControlStatus::Manual => "manual",
        ControlStatus::NotApplicable => "not_applicable",
    }
}

/// One horizontal stacked bar with a label and a legend-ready title per segment.
fn stacked_bar(svg: &mut String, y: u32, label: &str, segments: &[(&str, usize)]) {
    let total: usize = segments.iter().map(|(_, n)| n).sum();
    let _ = write!(
        svg,
        r#"<text x="0" y="{}" class="lbl">{}</text>"#,
        y + 15,
        escape(label)
    );
    let (x0, width) = (180.0_f64, 520.0_f64);
    if total == 0 {
        let _ = write!(
            svg,
            r##"<rect x="{x0}" y="{y}" width="{width}" height="20" fill="#eeeeee"><title>nothing judged</title></rect><text x="{}" y="{}" class="cnt">none</text>"##,
            x0 + 6.0,
            y + 15
        );
        return;
    }
    let mut x = x0;
    for (status, n) in segments.iter().filter(|(_, n)| *n > 0) {
        // Precision loss is irrelevant: counts are far below 2^52.
        #[allow(clippy::cast_precision_loss)]
        let w = width * (*n as f64) / (total as f64);
        let _ = write!(
            svg,
            r#"<rect x="{x:.2}" y="{y}" width="{w:.2}" height="20" fill="{}"><title>{}: {n}</title></rect>"#,
            color(status),
            escape(status)
        );
        if w > 24.0 {
            let _ = write!(
                svg,
                r#"<text x="{:.2}" y="{}" class="seg">{n}</text>"#,
                x + 4.0,
                y + 15
            );
        }
        x += w;
    }
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" class="cnt">{total}</text>"#,
        x0 + width + 8.0,
        y + 15
    );
}

fn chart(summary: &Summary, frameworks: &[(String, Vec<(&str, usize)>)]) -> String {
    let rows = 1 + frameworks.len();
    let height = 34 + 30 * u32::try_from(rows).unwrap_or(1);
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="outcomes by status and controls by status" viewBox="0 0 760 {height}" width="760" height="{height}" xmlns="http://www.w3.org/2000/svg">"#
    );
    let mut y = 4;
    stacked_bar(
        &mut svg,
        y,
        "outcomes",
        &[
            ("fail", summary.fail),
            ("unknown", summary.unknown),
            ("error", summary.error),
            ("waived", summary.waived),
            ("pass", summary.pass),
        ],
    );
    for (name, segments) in frameworks {
        y += 30;
        stacked_bar(&mut svg, y, &format!("{name} controls"), segments);
    }
    y += 34;
    let mut x = 0;
    for (status, c) in STATUS_COLORS {
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{c}"/><text x="{}" y="{}" class="leg">{}</text>"#,
            y - 10,
            x + 16,
            y,
            status.replace('_', " ")
        );
        x += 105;
    }
    svg.push_str("</svg>");
    svg
}

fn loc_text(l: &Location) -> String {
    if l.end_line > l.start_line {
        format!("{}:{}-{}", l.file, l.start_line, l.end_line)
    } else {
        format!("{}:{}", l.file, l.start_line)
    }
}

fn source_name(s: SourceKind) -> &'static str {
    match s {
        SourceKind::Terraform => "Terraform",
        SourceKind::TerraformPlan => "Terraform plan",
        SourceKind::Cloudformation => "CloudFormation",
        SourceKind::Aws => "live AWS",
    }
}

/// Files read once per render, keyed by path.
#[derive(Default)]
struct Files {
    cache: BTreeMap<String, Result<Vec<u8>, String>>,
}

impl Files {
    fn excerpt(&mut self, l: &Location, sha: Option<&str>) -> Result<Excerpt, String> {
        let bytes = self.cache.entry(l.file.clone()).or_insert_with(|| {
            std::fs::read(&l.file).map_err(|e| format!("cannot read {}: {e}", l.file))
        });
        match bytes {
            Ok(b) => excerpt_of(b, &l.file, l.start_line, l.end_line, sha),
            Err(e) => Err(e.clone()),
        }
    }
}

fn kv(out: &mut String, key: &str, value_html: &str) {
    let _ = write!(out, "<dt>{}</dt><dd>{value_html}</dd>", escape(key));
}

fn evidence_html(o: &Outcome, digests: &BTreeMap<&str, &str>, files: Option<&mut Files>) -> String {
    let e = &o.evidence;
    let mut h = String::from(r#"<div class="evidence"><dl>"#);
    kv(
        &mut h,
        "rule",
        &format!(
            "<code>{}</code> ({})",
            escape(&o.rule_id),
            escape(&o.rule_name)
        ),
    );
    kv(
        &mut h,
        "resource",
        &format!(
            "<code>{}</code> <span class=\"muted\">{}</span>",
            escape(&o.resource.address),
            escape(&o.resource.kind)
        ),
    );
    kv(&mut h, "source", escape(source_name(e.source)).as_str());
    if let Some(arn) = &o.resource.arn {
        kv(&mut h, "ARN", &format!("<code>{}</code>", escape(arn)));
    }
    if let Some(a) = &e.account {
        kv(&mut h, "account", &escape(a));
    }
    if let Some(r) = &e.region {
        kv(&mut h, "region", &escape(r));
    }
    if !e.module_chain.is_empty() {
        kv(&mut h, "module chain", &escape(&e.module_chain.join(" → ")));
    }
    if let Some(l) = &o.location {
        kv(
            &mut h,
            "location",
            &format!("<code>{}</code>", escape(&loc_text(l))),
        );
    }
    if let Some(l) = &e.resource_location {
        if Some(l) != o.location.as_ref() {
            kv(
                &mut h,
                "resource block",
                &format!("<code>{}</code>", escape(&loc_text(l))),
            );
        }
    }
    let file = e
        .resource_location
        .as_ref()
        .or(o.location.as_ref())
        .map(|l| l.file.as_str());
    let sha = e
        .input_sha256
        .as_deref()
        .or_else(|| file.and_then(|f| digests.get(f).copied()));
    if let Some(s) = sha {
        kv(
            &mut h,
            "input sha256",
            &format!("<code>{}</code>", escape(s)),
        );
    }
    if !e.provenance.api_calls.is_empty() {
        kv(
            &mut h,
            "API calls",
            &e.provenance
                .api_calls
                .iter()
                .map(|c| format!("<code>{}</code>", escape(c)))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if let Some(t) = &e.provenance.collected_at {
        kv(
            &mut h,
            "collected at",
            &format!("<time>{}</time>", escape(t)),
        );
    }
    if !e.provenance.parser.is_empty() {
        kv(&mut h, "read by", &escape(&e.provenance.parser));
    }
    if !e.provenance.source_types.is_empty() {
        kv(
            &mut h,
            "native types",
            &escape(&e.provenance.source_types.join(", ")),
        );
    }
    if !e.provenance.joined.is_empty() {
        kv(
            &mut h,
            "joined from",
            &escape(&e.provenance.joined.join(", ")),
        );
    }
    kv(
        &mut h,
        "fingerprint",
        &format!("<code>{}</code>", escape(&o.fingerprint)),
    );
    h.push_str("</dl>");

    if let Some(w) = &o.waiver {
        let _ = write!(
            h,
            r#"<div class="waiver{}"><strong>{}</strong> {}<dl>"#,
            if w.expired { " expired" } else { "" },
            if w.expired {
                "Expired waiver"
            } else {
                "Waiver"
            },
            escape(&w.reason)
        );
        if let Some(x) = &w.owner {
            kv(&mut h, "owner", &escape(x));
        }
        if let Some(x) = &w.ticket {
            kv(&mut h, "ticket", &escape(x));
        }
        kv(
            &mut h,
            "expires",
            &escape(w.expires.as_deref().unwrap_or("never (no expiry given)")),
        );
        kv(
            &mut h,
            "declared at",
            &format!("<code>{}</code>", escape(&w.source)),
        );
        h.push_str("</dl></div>");
    }

    if let (Some(files), Some(block)) =
        (files, e.resource_location.as_ref().or(o.location.as_ref()))
    {
        match files.excerpt(block, sha) {
            Ok(ex) => {
                // Highlight the offending attribute's lines, not a whole block pointing at itself.
                let focus = o
                    .location
                    .as_ref()
                    .filter(|l| l.file == block.file && *l != block);
                h.push_str(r#"<pre class="code">"#);
                for (i, line) in ex.lines.iter().enumerate() {
                    let n = ex.first_line + u32::try_from(i).unwrap_or(0);
                    let hit = focus.is_some_and(|f| n >= f.start_line && n <= f.end_line);
                    let _ = write!(
                        h,
                        r#"<span class="ln{}"><span class="no">{n}</span>{}</span>"#,
                        if hit { " hit" } else { "" },
                        escape(line)
                    );
                }
                if ex.truncated {
                    h.push_str("<span class=\"ln muted\">… (cut)</span>");
                }
                h.push_str("</pre>");
            }
            Err(why) => {
                let _ = write!(
                    h,
                    r#"<p class="muted">excerpt unavailable: {}</p>"#,
                    escape(&why)
                );
            }
        }
    }

    if !e.observed.is_empty() {
        h.push_str(r#"<table class="obs"><thead><tr><th>attribute</th><th>state</th><th>value / reason</th><th>set at</th></tr></thead><tbody>"#);
        for ob in &e.observed {
            let value = ob
                .value
                .as_ref()
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .unwrap_or_default();
            let state = serde_json::to_value(ob.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ =
                write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                escape(&ob.path),
                escape(&state),
                escape(&value),
                ob.location.as_ref().map(|l| escape(&loc_text(l))).unwrap_or_default()
            );
        }
        h.push_str("</tbody></table>");
    }
    if !e.messages.is_empty() {
        h.push_str("<ul class=\"msgs\">");
        for m in &e.messages {
            let _ = write!(h, "<li>{}</li>", escape(m));
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
    h
}

const CSS: &str = r#"
:root{--fg:#1b1b1b;--muted:#616161;--line:#d9d9d9;--bg:#fff;--alt:#f6f7f9}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:16px 24px}
h1{font-size:22px;margin:8px 0} h2{font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:28px} h3{font-size:16px;margin:18px 0 6px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.muted{color:var(--muted)}
dl.meta,.evidence dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
dt{color:var(--muted)} dd{margin:0;overflow-wrap:anywhere}
nav a{margin-right:14px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:96px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--alt);font-weight:600} td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
.s-fail{background:#c62828}.s-unknown{background:#b26a00}.s-error{background:#6a1b9a}.s-waived{background:#0277bd}.s-pass{background:#2e7d32}.s-manual{background:#616161}.s-not_applicable{background:#9e9e9e}
.sev{font-weight:600;text-transform:uppercase;font-size:12px}
.sev-critical{color:#880e4f}.sev-high{color:#c62828}.sev-medium{color:#b26a00}.sev-low{color:#1565c0}.sev-info{color:#616161}
.chart text{font:12px system-ui,sans-serif} .chart .seg{fill:#fff;font-weight:600} .chart .lbl,.chart .cnt,.chart .leg{fill:#1b1b1b}
.filters{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;gap:12px;align-items:center;z-index:1}
.filters input[type=search]{min-width:280px;padding:4px 6px}
article.outcome{border:1px solid var(--line);border-radius:6px;margin:6px 0;scroll-margin-top:64px}
article.outcome>details>summary{cursor:pointer;padding:6px 10px;list-style-position:inside}
article.outcome>details>summary .addr{font-family:ui-monospace,monospace}
.evidence{padding:4px 14px 10px;border-top:1px solid var(--line);background:var(--alt)}
pre.code{background:#fff;border:1px solid var(--line);padding:6px 0;overflow-x:auto;margin:8px 0}
pre.code .ln{display:block;padding:0 8px;white-space:pre} pre.code .hit{background:#fff3c4}
pre.code .no{display:inline-block;width:4ch;color:var(--muted);text-align:right;margin-right:12px;user-select:none}
.waiver{border-left:4px solid #0277bd;padding:4px 10px;margin:8px 0;background:#e8f3fb} .waiver.expired{border-color:#c62828;background:#fdecea}
details.control>summary{cursor:pointer}
ul.res{margin:2px 0 6px 18px;padding:0} ul.res li{list-style:square}
@media print{
 nav,.filters,.noprint{display:none!important}
 body{max-width:none;padding:0;font-size:11px}
 article.outcome{break-inside:avoid}
 article.outcome[hidden]{display:none}
 a{color:inherit;text-decoration:none}
 .badge,.card,.s-fail,.s-pass{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

const JS: &str = r#"
(function () {
  'use strict';
  var rank = {info: 0, low: 1, medium: 2, high: 3, critical: 4};
  var q = document.getElementById('q');
  var sev = document.getElementById('sev');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=status]'));
  var items = Array.prototype.slice.call(document.querySelectorAll('article.outcome'));
  var shown = document.getElementById('shown');
  function apply() {
    var text = q.value.trim().toLowerCase();
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var min = sev.value === '' ? -1 : rank[sev.value];
    var n = 0;
    items.forEach(function (el) {
      var ok = on[el.getAttribute('data-status')] === true &&
        rank[el.getAttribute('data-severity')] >= min &&
        (text === '' || el.getAttribute('data-search').indexOf(text) !== -1);
      el.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
  }
  function setAll(open) {
    items.forEach(function (el) { var d = el.querySelector('details'); if (d) { d.open = open; } });
  }
  function reveal() {
    var id = window.location.hash.slice(1);
    if (!id) { return; }
    var el = document.getElementById(id);
    if (el && el.classList.contains('outcome')) {
      el.hidden = false;
      var d = el.querySelector('details');
      if (d) { d.open = true; }
    }
  }
  q.addEventListener('input', apply);
  sev.addEventListener('change', apply);
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  document.getElementById('expand').addEventListener('click', function () { setAll(true); });
  document.getElementById('collapse').addEventListener('click', function () { setAll(false); });
  window.addEventListener('hashchange', reveal);
  window.addEventListener('beforeprint', function () { setAll(true); });
  apply();
  reveal();
  document.documentElement.setAttribute('data-vouch-ready', String(items.length));
}());
"#;

fn count_cells(counts: &BTreeMap<Status, usize>) -> String {
    [
        Status::Pass,
        Status::Fail,
        Status::Unknown,
        Status::Error,
        Status::Waived,
    ]
    .iter()
    .map(|s| {
        format!(
            r#"<td class="n">{}</td>"#,
            counts.get(s).copied().unwrap_or(0)
        )
    })
    .collect()
}

impl Reporter for HtmlReporter {
    fn render(&self, result: &ScanResult, run: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
        let frameworks = frameworks_for(&self.rulesets, result)?;
        let summary = Summary::of(result);
        let digests: BTreeMap<&str, &str> = result
            .inputs
            .iter()
            .map(|i| (i.path.as_str(), i.sha256.as_str()))
            .collect();
        // Anchor of each outcome, by position in the (sorted) result.
        let mut by_rule: BTreeMap<&str, Vec<(usize, &Outcome)>> = BTreeMap::new();
        for (i, o) in result.outcomes.iter().enumerate() {
            by_rule.entry(o.rule_id.as_str()).or_default().push((i, o));
        }
        let titles: BTreeMap<&str, &str> = result
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.title.as_str()))
            .collect();

        let mut h = String::new();
        let _ = write!(
            h,
            r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="vouch {version}">
<title>vouch report {ts}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>vouch compliance report</h1>
<dl class="meta"><dt>generated</dt><dd><time>{ts}</time> by vouch {version}</dd><dt>scanned</dt><dd>{paths}</dd><dt>gate</dt><dd>fail on {fail_on}{unk}</dd><dt>evidence</dt><dd>{complete}</dd></dl>
</header>
<nav class="noprint"><a href="#summary">Summary</a><a href="#frameworks">Frameworks</a><a href="#rules">Rules</a><a href="#findings">Outcomes</a><a href="#inputs">Inputs</a><a href="#diagnostics">Input problems</a></nav>
"##,
            version = escape(env!("CARGO_PKG_VERSION")),
            ts = escape(&run.timestamp),
            paths = run
                .paths
                .iter()
                .map(|p| format!("<code>{}</code>", escape(p)))
                .collect::<Vec<_>>()
                .join(", "),
            fail_on = escape(&run.fail_on),
            unk = if run.fail_on_unknown {
                " (unknown outcomes gate too)"
            } else {
                ""
            },
            complete = if result.incomplete() {
                r#"<strong class="sev-high">incomplete: some inputs could not be read (see input problems)</strong>"#
            } else {
                "complete: every input was read"
            },
        );

        // Summary.
        let fw_bars: Vec<(String, Vec<(&str, usize)>)> = frameworks
            .iter()
            .map(|set| {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for c in &set.controls {
                    *counts.entry(control_status_str(c.status)).or_default() += 1;
                }
                let segs = ["fail", "unknown", "pass", "manual", "not_applicable"]
                    .iter()
                    .map(|s| (*s, counts.get(s).copied().unwrap_or(0)))
                    .collect();
                (set.framework.clone(), segs)
            })
            .collect();
        let _ = write!(
            h,
            r#"<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card"><b>{}</b>resources</div><div class="card"><b>{}</b>checks</div>
<div class="card"><b style="color:#c62828">{}</b>failed</div><div class="card"><b style="color:#b26a00">{}</b>unknown</div>
<div class="card"><b style="color:#6a1b9a">{}</b>errors</div><div class="card"><b style="color:#0277bd">{}</b>waived</div>
<div class="card"><b style="color:#2e7d32">{}</b>passed</div><div class="card"><b>{}</b>input problems</div></div>
{}
<p class="muted">Unknown means the input needed for a verdict could not be determined: it is never counted as passed. Manual controls need an assessor and are never counted as passed either.</p>
</section>
"#,
            summary.resources,
            summary.outcomes,
            summary.fail,
            summary.unknown,
            summary.error,
            summary.waived,
            summary.pass,
            summary.diagnostics,
            chart(&summary, &fw_bars)
        );

        // Frameworks → controls → rules → resources.
        h.push_str(r#"<section id="frameworks"><h2>Frameworks</h2>"#);
        if frameworks.is_empty() {
            h.push_str(r#"<p class="muted">No framework rulesets are installed, so no control roll-up; outcomes are summarised by rule below.</p>"#);
        }
        for set in &frameworks {
            let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
            for c in &set.controls {
                *by_status.entry(control_status_str(c.status)).or_default() += 1;
            }
            let _ = write!(
                h,
                r#"<h3>{} <span class="muted">{} · version {}</span></h3><p>{}</p><table><thead><tr><th>control</th><th>title</th><th>coverage</th><th>status</th><th>pass</th><th>fail</th><th>unknown</th><th>error</th><th>waived</th></tr></thead><tbody>"#,
                escape(&set.title),
                escape(&set.framework),
                escape(&set.version),
                ["pass", "fail", "unknown", "manual", "not_applicable"]
                    .iter()
                    .map(|s| format!(
                        "{} {}",
                        by_status.get(s).copied().unwrap_or(0),
                        s.replace('_', " ")
                    ))
                    .collect::<Vec<_>>()
                    .join(" · ")
            );
            for c in &set.controls {
                let coverage = serde_json::to_value(c.coverage)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let mut detail = String::new();
                if c.rules.is_empty() {
                    detail.push_str(r#"<div class="muted">manual: needs an assessor</div>"#);
                } else {
                    let _ = write!(
                        detail,
                        r#"<details class="control"><summary>{} rule(s)</summary>"#,
                        c.rules.len()
                    );
                    for r in &c.rules {
                        let outcomes = by_rule.get(r.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                        let _ = write!(
                            detail,
                            r#"<div><code>{}</code> {} <span class="muted">({} resource(s))</span></div><ul class="res">"#,
                            escape(r),
                            escape(titles.get(r.as_str()).copied().unwrap_or("")),
                            outcomes.len()
                        );
                        for (i, o) in outcomes {
                            let _ = write!(
                                detail,
                                r##"<li>{} <a href="#o-{i}">{}</a></li>"##,
                                badge(o.status.as_str()),
                                escape(&o.resource.address)
                            );
                        }
                        detail.push_str("</ul>");
                    }
                    detail.push_str("</details>");
                }
                let _ = write!(
                    h,
                    r#"<tr><td><code>{}</code></td><td>{}{}</td><td>{}</td><td>{}</td>{}</tr>"#,
                    escape(&c.id),
                    escape(&c.title),
                    detail,
                    escape(&coverage),
                    badge(control_status_str(c.status)),
                    count_cells(&c.counts)
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</section>\n");

        // Rules.
        h.push_str(r#"<section id="rules"><h2>Rules</h2><table><thead><tr><th>rule</th><th>title</th><th>severity</th><th>pass</th><th>fail</th><th>unknown</th><th>error</th><th>waived</th></tr></thead><tbody>"#);
        let mut rule_ids: Vec<(&str, Severity)> = result
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.severity))
            .collect();
        for o in &result.outcomes {
            if !rule_ids.iter().any(|(id, _)| *id == o.rule_id) {
                rule_ids.push((o.rule_id.as_str(), o.severity));
            }
        }
        rule_ids.sort();
        for (id, sev) in rule_ids {
            let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
            for (_, o) in by_rule.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                *counts.entry(o.status).or_default() += 1;
            }
            let _ = write!(
                h,
                r#"<tr><td><code>{}</code></td><td>{}</td><td class="sev sev-{sev}">{sev}</td>{}</tr>"#,
                escape(id),
                escape(titles.get(id).copied().unwrap_or("")),
                count_cells(&counts)
            );
        }
        h.push_str("</tbody></table></section>\n");

        // Outcomes with evidence.
        let _ = write!(
            h,
            r#"<section id="findings"><h2>Outcomes</h2>
<div class="filters noprint"><input id="q" type="search" placeholder="search rule, resource, ARN, file, message" aria-label="search">
{}
<label>severity ≥ <select id="sev"><option value="">any</option><option value="low">low</option><option value="medium">medium</option><option value="high">high</option><option value="critical">critical</option></select></label>
<button id="expand" type="button">expand all</button><button id="collapse" type="button">collapse all</button>
<span>showing <b id="shown">{}</b> of {}</span></div>
"#,
            Status::ALL
                .iter()
                .map(|s| format!(
                    r#"<label><input type="checkbox" name="status" value="{0}"{1}> {0}</label>"#,
                    s.as_str(),
                    if *s == Status::Pass { "" } else { " checked" }
                ))
                .collect::<String>(),
            result.outcomes.len(),
            result.outcomes.len()
        );
        let mut files = self.excerpts.then(Files::default);
        for (i, o) in result.outcomes.iter().enumerate() {
            let where_ = o
                .location
                .as_ref()
                .map(loc_text)
                .or_else(|| o.resource.arn.clone())
                .unwrap_or_default();
            let search = [
                o.rule_id.as_str(),
                o.rule_name.as_str(),
                o.resource.address.as_str(),
                o.resource.kind.as_str(),
                o.resource.arn.as_deref().unwrap_or(""),
                where_.as_str(),
                o.message.as_str(),
                o.status.as_str(),
            ]
            .join(" ")
            .to_lowercase();
            let _ = writeln!(
                h,
                r#"<article class="outcome" id="o-{i}" data-status="{}" data-severity="{}" data-search="{}"><details><summary>{} <span class="sev sev-{sev}">{sev}</span> <code>{}</code> · <span class="addr">{}</span> · <span class="muted">{}</span><br>{}</summary>{}</details></article>"#,
                o.status.as_str(),
                o.severity.as_str(),
                escape(&search),
                badge(o.status.as_str()),
                escape(&o.rule_id),
                escape(&o.resource.address),
                escape(&where_),
                escape(&o.message),
                evidence_html(o, &digests, files.as_mut()),
                sev = o.severity.as_str(),
            );
        }
        if result.outcomes.is_empty() {
            h.push_str(r#"<p class="muted">No rule matched any resource.</p>"#);
        }
        h.push_str("</section>\n");

        // Inputs and problems.
        h.push_str(r#"<section id="inputs"><h2>Inputs</h2><table><thead><tr><th>file</th><th>sha256</th></tr></thead><tbody>"#);
        for i in &result.inputs {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
                escape(&i.path),
                escape(&i.sha256)
            );
        }
        h.push_str("</tbody></table></section>\n");
        h.push_str(r#"<section id="diagnostics"><h2>Input problems</h2>"#);
        if result.diagnostics.is_empty() {
            h.push_str(r#"<p class="muted">None.</p>"#);
        } else {
            h.push_str("<ul>");
            for d in &result.diagnostics {
                let level = match d.level {
                    crate::model::DiagnosticLevel::Error => "error",
                    crate::model::DiagnosticLevel::Warning => "warning",
                };
                let _ = write!(
                    h,
                    "<li><strong>{level}</strong> {}</li>",
                    escape(&d.to_string())
                );
            }
            h.push_str("</ul>");
        }
        h.push_str("</section>\n");
        let _ = write!(
            h,
            "<footer class=\"muted\"><p>Generated by vouch {} from one in-memory result; the JSON and SARIF reports of the same run carry the same outcomes.</p></footer>\n<script>{JS}</script>\n</body>\n</html>\n",
            escape(env!("CARGO_PKG_VERSION"))
        );
        out.write_all(h.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralizes_markup() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert('1')">&"#),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
    }
}
