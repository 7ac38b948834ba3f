# Shared helpers for vouch policies. Every rule imports this as `data.vouch.lib`.
#
# The helpers most rules call are written with as few calls as they can: in regorus every
# call, builtins included, resolves its name anew (about a microsecond), and a function with
# several definitions evaluates all of them. So `x.__unknown__` is read without an
# `is_object(x)` guard (a field of a non-object is undefined, never an error), and exclusive
# cases are one definition with `else` branches.
package vouch.lib

import rego.v1

# True when x is the unknown marker an adapter writes for a value it cannot determine.
is_unknown(x) if is_string(x.__unknown__)

# True when x is present and known (not null, not the unknown marker).
known(x) if {
	x != null
	not is_string(x.__unknown__)
}

# The effective value of a rule parameter: configuration overrides the rule's default
# (a native helper: a `data` lookup here cost more than the rest of a simple rule).
param(meta, name) := vouch_param(meta.id, name, meta.parameters[name])

# True when a CIDR string is open to the whole internet (IPv4 or IPv6).
open_cidr(cidr) if cidr in {"0.0.0.0/0", "::/0"}

# ---------------------------------------------------------------------------------------
# Shape helpers (shared by the starter rules).
# ---------------------------------------------------------------------------------------

# True when obj has key k, whatever its value (null and false included).
has_key(obj, k) if {
	is_object(obj)
	_ = obj[k]
}

# True when key k of obj is absent or the unknown marker: the source could not say.
not_determined(obj, k) if not determined(obj, k)

# True when obj has key k with a value that is not the unknown marker (null and false count).
determined(obj, k) if {
	is_object(obj)
	v := obj[k]
	not is_string(v.__unknown__)
}

# One `unknown` entry per key of obj that is absent or unknown.
unknown_keys(obj, keys) := {{"message": sprintf("%s could not be determined", [k]), "path": k} |
	some k in keys
	not_determined(obj, k)
}

# True when an unknown marker occurs inside x at any depth (a native helper: the walk in Rego
# dominated evaluation time).
contains_unknown(x) if vouch_contains_unknown(x)

# True for values `some .. in` can iterate (regorus errors on scalars instead of failing).
collection(x) if is_array(x)

collection(x) if is_object(x)

collection(x) if is_set(x)

# A value or list of values as a list (IAM policy grammar allows both).
as_array(x) := x if is_array(x) else := [x]

# True when a CIDR covers the whole IPv4 or IPv6 internet (any "/0", e.g. "0.0.0.0/0", "::/0").
internet_cidr(cidr) if {
	is_string(cidr)
	endswith(cidr, "/0")
}

# True when a normalized security group rule covers `port` (protocol "-1" covers every port;
# ranges are inclusive; TCP and UDP are both considered).
rule_covers_port(rule, port) if rule.protocol == "-1"

rule_covers_port(rule, port) if {
	rule.protocol in {"tcp", "udp"}
	is_number(rule.from_port)
	is_number(rule.to_port)
	rule.from_port <= port
	port <= rule.to_port
}

# True when it cannot be told whether the rule covers `port` (unknown protocol or ports).
rule_port_unknown(rule, port) if is_unknown(rule.protocol)

rule_port_unknown(rule, port) if {
	rule.protocol in {"tcp", "udp"}
	not rule_covers_port(rule, port)
	some k in ["from_port", "to_port"]
	not is_number(rule[k])
}

# ---------------------------------------------------------------------------------------
# IAM policy documents (resource and identity policies).
# ---------------------------------------------------------------------------------------

# Each statement with the attribute path that points at it, relative to the document:
# {"path": "Statement.0", "statement": {...}}.
statements(doc) := [{"path": sprintf("Statement.%d", [i]), "statement": s} |
	some i, s in doc.Statement
] if is_array(doc.Statement)
else := [{"path": "Statement", "statement": doc.Statement}] if is_object(doc.Statement)
else := [] if not has_key(doc, "Statement")

# True when a statement's principal is everyone ("*", {"AWS": "*"}, or a list holding "*").
public_principal(s) if s.Principal == "*"

public_principal(s) if "*" in as_array(s.Principal.AWS)

public_principal(s) if "*" in as_array(s.Principal.CanonicalUser)

# Allow with NotPrincipal grants everyone except the listed principals.
public_principal(s) if has_key(s, "NotPrincipal")

# Condition keys that tie a statement to the owner's network, organization or account, so a
# "*" principal is not the public (aligned with S3's own public-policy evaluation).
restricting_condition_keys := {
	"aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid", "aws:sourceaccount",
	"aws:principalaccount", "aws:sourceorgid", "aws:sourcearn", "aws:sourceowner",
	"aws:principalarn", "aws:userid", "aws:sourceip",
}

# True when a statement carries a positive condition on one of those keys with fixed values
# (no "*" wildcard, no IfExists/Not operator, and not an internet-wide source IP).
restricting_condition(s) if {
	is_object(s.Condition)
	some op, conds in s.Condition
	is_object(conds)
	lop := lower(op)
	not contains(lop, "not")
	not endswith(lop, "ifexists")
	lop != "null"
	some key, values in conds
	lower(key) in restricting_condition_keys
	every v in as_array(values) {
		is_string(v)
		not contains(v, "*")
		not internet_cidr(v)
	}
}

# ---------------------------------------------------------------------------------------
# Resource policies and scoping (rules-a: storage, keys, threat detection, edge, messaging).
# ---------------------------------------------------------------------------------------

# Like restricting_condition, with service-specific condition keys (lower case) that also
# pin the caller, e.g. {"kms:calleraccount", "kms:viaservice"} for key policies.
restricting_condition_with(s, extra) if restricting_condition(s)

restricting_condition_with(s, extra) if {
	is_object(s.Condition)
	some op, conds in s.Condition
	is_object(conds)
	lop := lower(op)
	not contains(lop, "not")
	not endswith(lop, "ifexists")
	lop != "null"
	some key, values in conds
	lower(key) in extra
	every v in as_array(values) {
		is_string(v)
		not contains(v, "*")
	}
}

# Statements of a resource policy `doc` that allow everyone with no restricting condition
# (extra: service-specific restricting condition keys), as {"path", "statement"}; statements
# holding an unknown value are left to public_statements_unknown.
public_statements(doc, extra) := [st |
	some st in statements(doc)
	not contains_unknown(st.statement)
	st.statement.Effect == "Allow"
	public_principal(st.statement)
	not restricting_condition_with(st.statement, extra)
]

# Statements of `doc` that could not be determined (and are not Deny statements).
unknown_statements(doc) := [st |
	some st in statements(doc)
	contains_unknown(st.statement)
	not st.statement.Effect == "Deny"
]

# True when a tag map holds tag key `k` with one of `values` (case-insensitive value match).
tagged(tags, k, values) if {
	is_object(tags)
	is_string(tags[k])
	some v in values
	lower(tags[k]) == lower(v)
}

# True when IAM action pattern `pattern` (wildcards `*`, `?`) matches `action`, ignoring case.
action_matches(pattern, action) if {
	is_string(pattern)
	vouch_action_matches(pattern, action)
}

# The actions of `actions` (a set or list of lower-case action names) that IAM action pattern
# `patterns` (a string or a list; wildcards `*`, `?`, case ignored; non-strings skipped)
# matches, as a set. One call judges a statement against a whole list of actions.
matched_actions(patterns, actions) := vouch_matched_actions(patterns, actions)

# True when statement s allows `action` through Action, or through NotAction that leaves it out.
allows_action(s, action) if {
	some p in as_array(s.Action)
	action_matches(p, action)
}

allows_action(s, action) if {
	has_key(s, "NotAction")
	not has_key(s, "Action")
	every p in as_array(s.NotAction) {
		not action_matches(p, action)
	}
}

# The status of GuardDuty feature `name` in a detector's features list: the status string,
# the unknown marker, or "ABSENT" when the list is known and does not name the feature.
feature_status(features, name) := f.status if {
	is_array(features)
	some f in features
	f.name == name
}

feature_status(features, name) := "ABSENT" if {
	is_array(features)
	not contains_unknown(features)
	every f in features {
		f.name != name
	}
}

# ---------------------------------------------------------------------------------------
# Logging, network and compute rules (rules-b). Added helpers only; nothing above changes.
# ---------------------------------------------------------------------------------------

# A CloudWatch Logs filter pattern without whitespace and quotes, so that
# `{ ($.eventName = "CreateTrail") }` and `{($.eventName=CreateTrail)}` compare equal.
compact_filter_pattern(p) := replace(replace(replace(replace(p, " ", ""), "\"", ""), "\t", ""), "\n", "")

# True when an aws.account has an effective metric alarm (its filter reads the log group of a
# logging multi-region trail and an alarm notifies a subscribed SNS topic) whose filter
# pattern contains every token (tokens are written compact, see compact_filter_pattern).
alarm_covers(account, tokens) if {
	is_array(account.metric_alarms)
	some a in account.metric_alarms
	is_object(a)
	a.log_group_receives_trail == true
	a.notifies_subscriber == true
	is_string(a.filter_pattern)
	p := compact_filter_pattern(a.filter_pattern)
	every t in tokens {
		contains(p, t)
	}
}

# Monitoring findings for an aws.account: one deny per category (name → tokens) no effective
# alarm covers; unknown instead when a metric alarm entry that could cover it is unknown.
alarm_deny(account, categories) := {{"message": sprintf("no metric filter and alarm notifies on %s", [name]), "path": "metric_alarms"} |
	is_array(account.metric_alarms)
	not contains_unknown(account.metric_alarms)
	some name, tokens in categories
	not alarm_covers(account, tokens)
}

alarm_unknown(account, categories) := {{"message": sprintf("whether an alarm notifies on %s could not be determined", [name]), "path": "metric_alarms"} |
	is_array(account.metric_alarms)
	contains_unknown(account.metric_alarms)
	some name, tokens in categories
	not alarm_covers(account, tokens)
} | unknown_keys(account, ["metric_alarms"])

# Same as internet_cidr, for a single optional CIDR value (null and unknown are not).
internet_cidr_value(c) if {
	is_string(c)
	internet_cidr(c)
}

# True when a network ACL entry covers `port` (protocol "-1" covers every port; 6 and 17 are
# written tcp and udp by adapters).
nacl_entry_covers_port(e, port) if e.protocol == "-1"

nacl_entry_covers_port(e, port) if {
	e.protocol in {"tcp", "udp"}
	is_number(e.from_port)
	is_number(e.to_port)
	e.from_port <= port
	port <= e.to_port
}
