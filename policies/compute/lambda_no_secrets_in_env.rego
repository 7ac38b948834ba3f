package vouch.rules.lambda_no_secrets_in_env

import data.vouch.lib
import rego.v1

# Detectors, in order of confidence: credential formats in any value (AWS access key IDs,
# PEM private keys, GitHub and Slack tokens); then literal values under secret-like names
# (PASSWORD, SECRET, TOKEN, API_KEY, ...), except names that hold a pointer to a secret
# (*_ARN, *_NAME, *_ID, *_PATH, ...) and values that are pointers (ARNs, SSM paths,
# {{resolve:...}}). A Terraform reference under a secret-like name fails when it reads a
# secret's value (random_password .result, .secret_string, SSM .value), passes when it is a
# pointer (.arn, .name, .id) and is unknown otherwise. Names and values are not echoed.
metadata := {
	"id": "lambda-no-secrets-in-env",
	"name": "lambda-secret-in-env",
	"title": "No plaintext secrets in Lambda environment variables",
	"description": "Environment variables hold no credentials: no value looks like an access key, private key or token, and no secret-like variable (PASSWORD, SECRET, TOKEN, API_KEY, ...) holds a literal or a secret's value rather than a pointer (ARN, parameter name, {{resolve:...}}) to Secrets Manager or Parameter Store.",
	"severity": "high",
	"kinds": ["aws.lambda.function"],
	"inputs": ["environment_variables"],
	"remediation": "Store the secret in Secrets Manager or Parameter Store (SecureString), pass its ARN or name in the environment, and read it at runtime (e.g. with the Parameters and Secrets Lambda extension).",
	"status": "stable",
	"parameters": {},
}

env := input.environment_variables if is_object(input.environment_variables) else := {}

credential_formats := [
	`(AKIA|ASIA)[0-9A-Z]{16}`,
	`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`,
	`gh[pousr]_[A-Za-z0-9]{36}`,
	`xox[baprs]-[0-9A-Za-z-]{10,}`,
]

secret_name(k) if regex.match(`(passw(or)?d|pwd|secret|token|api_?key|private_?key|credential|access_?key|auth_?key)`, lower(k))

pointer_name(k) if regex.match(`_(arn|name|id|path|param|parameter|url|uri|endpoint|file|region|header|ttl|expiry|length|enabled|type)$`, lower(k))

sensitive(k) if {
	secret_name(k)
	not pointer_name(k)
}

pointer_value(v) if regex.match(`^(arn:|/|\{\{resolve:|ssm:|secretsmanager:)`, v)

reference(v) if regex.match(`^\$\{[^}]*\}$`, v)

secret_reference(v) if regex.match(`^\$\{[^}]*\.(result|secret_string|value|password|token|secret|private_key_pem|secret_access_key)\}$`, v)

pointer_reference(v) if regex.match(`^\$\{[^}]*\.(arn|name|id|version_id)\}$`, v)

deny contains {"message": sprintf("environment variable %s holds a value formatted like a credential", [k]), "path": sprintf("environment_variables.%s", [k])} if {
	some k, v in env
	is_string(v)
	some f in credential_formats
	regex.match(f, v)
}

deny contains {"message": sprintf("environment variable %s holds a plaintext secret", [k]), "path": sprintf("environment_variables.%s", [k])} if {
	some k, v in env
	sensitive(k)
	is_string(v)
	not contains(v, "${")
	count(v) >= 8
	not pointer_value(v)
}

deny contains {"message": sprintf("environment variable %s holds the value of a secret", [k]), "path": sprintf("environment_variables.%s", [k])} if {
	some k, v in env
	sensitive(k)
	is_string(v)
	secret_reference(v)
}

unknown contains {"message": sprintf("the value of environment variable %s could not be determined", [k]), "path": sprintf("environment_variables.%s", [k])} if {
	some k, v in env
	sensitive(k)
	lib.is_unknown(v)
}

unknown contains {"message": sprintf("environment variable %s is set from an expression that may hold a secret", [k]), "path": sprintf("environment_variables.%s", [k])} if {
	some k, v in env
	sensitive(k)
	is_string(v)
	contains(v, "${")
	not secret_reference(v)
	not pointer_reference(v)
}

unknown contains u if some u in lib.unknown_keys(input, ["environment_variables"])
