package vouch.rules.cloudfront_tls

import data.vouch.lib
import rego.v1

metadata := {
	"id": "cloudfront-tls",
	"name": "cloudfront-tls-weak",
	"title": "CloudFront enforces HTTPS to viewers and TLS 1.2+ to origins",
	"description": "Every cache behavior sends viewers to HTTPS (redirect-to-https or https-only); custom origins are reached with https-only and none of SSLv3, TLSv1, TLSv1.1; a custom viewer certificate has a minimum protocol version in min_protocol_versions (default TLSv1.2_2021 and newer). The default *.cloudfront.net certificate's minimum is fixed by CloudFront and not judged. S3 origins are not judged (CloudFront talks to S3 over the viewer's protocol, which the behavior check covers).",
	"severity": "high",
	"kinds": ["aws.cloudfront.distribution"],
	"inputs": ["cache_behaviors", "origins", "viewer_certificate"],
	"remediation": "Set viewer_protocol_policy = \"redirect-to-https\" on every cache behavior, origin_protocol_policy = \"https-only\" with origin_ssl_protocols = [\"TLSv1.2\"] on custom origins, and minimum_protocol_version = \"TLSv1.2_2021\" with a custom certificate.",
	"status": "stable",
	"parameters": {"min_protocol_versions": ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]},
}

weak_origin_protocols := {"SSLv3", "TLSv1", "TLSv1.1"}

deny contains {"message": sprintf("cache behavior %s allows plain http to viewers", [b.path_pattern]), "path": sprintf("cache_behaviors.%d.viewer_protocol_policy", [i])} if {
	is_array(input.cache_behaviors)
	some i, b in input.cache_behaviors
	b.viewer_protocol_policy == "allow-all"
}

deny contains {"message": sprintf("custom origin %s is reached with %s, not https-only", [o.id, o.origin_protocol_policy]), "path": sprintf("origins.%d.origin_protocol_policy", [i])} if {
	is_array(input.origins)
	some i, o in input.origins
	o.custom == true
	is_string(o.origin_protocol_policy)
	o.origin_protocol_policy != "https-only"
}

deny contains {"message": sprintf("custom origin %s allows %s", [o.id, p]), "path": sprintf("origins.%d.origin_ssl_protocols", [i])} if {
	is_array(input.origins)
	some i, o in input.origins
	o.custom == true
	is_array(o.origin_ssl_protocols)
	some p in o.origin_ssl_protocols
	p in weak_origin_protocols
}

cert := object.get(input, "viewer_certificate", null)

deny contains {"message": sprintf("the viewer minimum protocol version is %s", [cert.minimum_protocol_version]), "path": "viewer_certificate.minimum_protocol_version"} if {
	cert.cloudfront_default_certificate == false
	is_string(cert.minimum_protocol_version)
	not cert.minimum_protocol_version in lib.param(metadata, "min_protocol_versions")
}

unknown contains {"message": "the cache behaviors could not be determined", "path": "cache_behaviors"} if lib.not_determined(input, "cache_behaviors")

unknown contains {"message": sprintf("cache behavior %d could not be determined", [i]), "path": sprintf("cache_behaviors.%d", [i])} if {
	is_array(input.cache_behaviors)
	some i, b in input.cache_behaviors
	lib.is_unknown(b.viewer_protocol_policy)
}

unknown contains {"message": "the origins could not be determined", "path": "origins"} if lib.not_determined(input, "origins")

unknown contains {"message": sprintf("origin %d could not be determined", [i]), "path": sprintf("origins.%d", [i])} if {
	is_array(input.origins)
	some i, o in input.origins
	origin_unknown(o)
}

origin_unknown(o) if lib.is_unknown(o.custom)

origin_unknown(o) if {
	o.custom == true
	some k in ["origin_protocol_policy", "origin_ssl_protocols"]
	lib.contains_unknown(o[k])
}

unknown contains {"message": "the viewer certificate could not be determined", "path": "viewer_certificate"} if lib.not_determined(input, "viewer_certificate")

unknown contains {"message": "the viewer certificate could not be determined", "path": "viewer_certificate"} if {
	lib.known(cert)
	not cert.cloudfront_default_certificate == true
	lib.contains_unknown(cert)
}
