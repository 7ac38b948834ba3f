package vouch.rules.elb_listeners_tls

import data.vouch.lib
import rego.v1

metadata := {
	"id": "elb-listeners-tls",
	"name": "elb-listener-insecure",
	"title": "Load balancer listeners use TLS 1.2+ and HTTP only redirects",
	"description": "ELBv2 HTTPS/TLS listeners use a security policy from allowed_ssl_policies (AWS predefined policies that exclude TLS below 1.2; glob patterns), and HTTP listeners only redirect to HTTPS. A secure listener with no policy stated gets whatever default its creation path applies, which has long been ELBSecurityPolicy-2016-08 (TLS 1.0) for the API: it fails, so the policy is stated explicitly. Classic Load Balancers cannot redirect, so an HTTP or TCP listener on one fails; their HTTPS/SSL listeners need an allowed predefined policy too. TCP, UDP and GENEVE listeners of NLBs and GWLBs carry opaque traffic and are not judged; listener rules beyond the default action are not judged.",
	"severity": "high",
	"kinds": ["aws.elbv2.listener", "aws.elb.load_balancer"],
	"inputs": ["protocol", "ssl_policy", "default_actions", "listeners"],
	"remediation": "Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy) on HTTPS/TLS listeners, make HTTP listeners redirect to HTTPS (default_action { type = \"redirect\" redirect { protocol = \"HTTPS\" } }), and move Classic Load Balancers to HTTPS/SSL listeners or to an ALB.",
	"status": "stable",
	"parameters": {"allowed_ssl_policies": ["ELBSecurityPolicy-TLS13-1-2-*", "ELBSecurityPolicy-TLS13-1-3-*", "ELBSecurityPolicy-TLS-1-2-*", "ELBSecurityPolicy-FS-1-2-*"]},
}

allowed(policy) if {
	is_string(policy)
	some pattern in lib.param(metadata, "allowed_ssl_policies")
	lib.action_matches(pattern, policy)
}

# --- ELBv2 listeners (they have `default_actions`) ------------------------------------------

v2 if lib.has_key(input, "default_actions")

deny contains {"message": sprintf("the %s listener has no ssl policy stated (the api default allows tls 1.0)", [input.protocol]), "path": "ssl_policy"} if {
	v2
	input.protocol in {"HTTPS", "TLS"}
	object.get(input, "ssl_policy", null) == null
}

deny contains {"message": sprintf("ssl policy %s allows tls below 1.2 or is not in the allowed list", [input.ssl_policy]), "path": "ssl_policy"} if {
	v2
	input.protocol in {"HTTPS", "TLS"}
	is_string(input.ssl_policy)
	not allowed(input.ssl_policy)
}

deny contains {"message": sprintf("the http listener's default action %d is %s, not a redirect to https", [i, a.type]), "path": sprintf("default_actions.%d", [i])} if {
	v2
	input.protocol == "HTTP"
	is_array(input.default_actions)
	some i, a in input.default_actions
	not lib.contains_unknown(a)
	not https_redirect(a)
}

https_redirect(a) if {
	a.type == "redirect"
	a.redirect_protocol == "HTTPS"
}

unknown contains {"message": "the listener protocol could not be determined", "path": "protocol"} if {
	v2
	lib.not_determined(input, "protocol")
}

unknown contains {"message": "the ssl policy could not be determined", "path": "ssl_policy"} if {
	v2
	input.protocol in {"HTTPS", "TLS"}
	lib.is_unknown(input.ssl_policy)
}

unknown contains {"message": "the default actions could not be determined", "path": "default_actions"} if {
	v2
	input.protocol == "HTTP"
	lib.contains_unknown(input.default_actions)
}

# --- Classic Load Balancers (they have `listeners`) -------------------------------------------

deny contains {"message": sprintf("classic listener %d uses plaintext %s", [i, l.protocol]), "path": sprintf("listeners.%d.protocol", [i])} if {
	is_array(input.listeners)
	some i, l in input.listeners
	l.protocol in {"HTTP", "TCP"}
}

deny contains {"message": sprintf("classic listener %d has the default ssl policy, which allows tls 1.0", [i]), "path": sprintf("listeners.%d.ssl_policy", [i])} if {
	is_array(input.listeners)
	some i, l in input.listeners
	l.protocol in {"HTTPS", "SSL"}
	l.ssl_policy == null
}

deny contains {"message": sprintf("classic listener %d uses ssl policy %s, which is not in the allowed list", [i, l.ssl_policy]), "path": sprintf("listeners.%d.ssl_policy", [i])} if {
	is_array(input.listeners)
	some i, l in input.listeners
	l.protocol in {"HTTPS", "SSL"}
	is_string(l.ssl_policy)
	not allowed(l.ssl_policy)
}

unknown contains {"message": "the listeners could not be determined", "path": "listeners"} if lib.is_unknown(input.listeners)

unknown contains {"message": sprintf("classic listener %d could not be determined", [i]), "path": sprintf("listeners.%d", [i])} if {
	is_array(input.listeners)
	some i, l in input.listeners
	lib.contains_unknown(l)
}
