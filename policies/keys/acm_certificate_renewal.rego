package vouch.rules.acm_certificate_renewal

import data.vouch.lib
import rego.v1

metadata := {
	"id": "acm-certificate-renewal",
	"name": "acm-certificate-expiring",
	"title": "TLS certificates are renewed before expiry",
	"description": "Live: no certificate expires within days_before_expiry days of collection (imported certificates never renew on their own). IaC, before a certificate exists: Amazon-issued certificates validated by DNS and private certificates renew without anyone acting, and pass; EMAIL validation needs a person to approve every renewal and fails unless allow_email_validation is true; an imported certificate's expiry is in its body and is unknown until live data has it.",
	"severity": "medium",
	"kinds": ["aws.acm.certificate"],
	"inputs": ["type", "not_after"],
	"remediation": "Renew or re-import expiring certificates; request Amazon-issued certificates with DNS validation (validation_method = \"DNS\" / ValidationMethod: DNS) so ACM renews them automatically.",
	"status": "stable",
	"parameters": {"days_before_expiry": 30, "allow_email_validation": false},
}

days_left := (time.parse_rfc3339_ns(input.not_after) - time.parse_rfc3339_ns(input.observed_at)) / 86400000000000 if {
	is_string(input.not_after)
	is_string(input.observed_at)
}

deny contains {"message": sprintf("the certificate expires in %d days, within %d", [floor(days_left), lib.param(metadata, "days_before_expiry")]), "path": "not_after"} if {
	days_left < lib.param(metadata, "days_before_expiry")
}

# Before issue (IaC): how it will be renewed.
deny contains {"message": "the certificate is validated by email, so every renewal needs a person to approve it", "path": "validation_method"} if {
	input.not_after == null
	input.type == "AMAZON_ISSUED"
	input.validation_method == "EMAIL"
	lib.param(metadata, "allow_email_validation") == false
}

unknown contains u if some u in lib.unknown_keys(input, ["type"])

unknown contains {"message": "the certificate's expiry could not be determined", "path": "not_after"} if lib.is_unknown(input.not_after)

unknown contains {"message": "the certificate's expiry could not be measured (no observation time)", "path": "observed_at"} if {
	is_string(input.not_after)
	not is_string(input.observed_at)
}

unknown contains {"message": "the validation method could not be determined", "path": "validation_method"} if {
	input.not_after == null
	input.type == "AMAZON_ISSUED"
	lib.not_determined(input, "validation_method")
}

unknown contains {"message": "the validation method could not be determined", "path": "validation_method"} if {
	input.not_after == null
	input.type == "AMAZON_ISSUED"
	input.validation_method == null
}
