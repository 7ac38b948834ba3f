# Shared helpers for vouch policies. Every rule imports this as `data.vouch.lib`.
package vouch.lib

import rego.v1

# True when x is the unknown marker an adapter writes for a value it cannot determine.
is_unknown(x) if {
	is_object(x)
	is_string(x.__unknown__)
}

# True when x is present and known (not null, not the unknown marker).
known(x) if {
	x != null
	not is_unknown(x)
}

# The effective value of a rule parameter: configuration overrides the rule's default.
param(meta, name) := data.vouch.params[meta.id][name]

param(meta, name) := meta.parameters[name] if {
	not has_override(meta, name)
}

has_override(meta, name) if {
	_ = data.vouch.params[meta.id][name]
}

# True when a CIDR string is open to the whole internet (IPv4 or IPv6).
open_cidr(cidr) if cidr in {"0.0.0.0/0", "::/0"}
