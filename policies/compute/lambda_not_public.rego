package vouch.rules.lambda_not_public

import data.vouch.lib
import rego.v1

# Statements are judged like bucket policies (lib.public_principal and
# lib.restricting_condition), so one definition of "everyone without a restricting
# condition" serves every resource policy. A service principal is not the public.
metadata := {
	"id": "lambda-not-public",
	"name": "lambda-publicly-invocable",
	"title": "Lambda functions are not publicly invocable",
	"description": "The function's resource-based policy has no Allow statement to Principal '*' (or NotPrincipal) without a condition tying it to an account, organization, source ARN or network, and the function URL, if any, requires AWS_IAM authorization.",
	"severity": "critical",
	"kinds": ["aws.lambda.function"],
	"inputs": ["policy", "function_url"],
	"remediation": "Give aws_lambda_permission a specific principal (an account or service) and a source_arn or source_account, and set the function URL's authorization_type to AWS_IAM.",
	"status": "stable",
	"parameters": {},
}

deny contains {"message": sprintf("policy statement %s lets everyone invoke the function", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(input.policy)
	some st in lib.statements(input.policy)
	st.statement.Effect == "Allow"
	lib.public_principal(st.statement)
	not lib.restricting_condition(st.statement)
	not lib.contains_unknown(st.statement)
}

deny contains {"message": "the function url needs no authorization", "path": "function_url.authorization_type"} if {
	lib.known(input.function_url)
	input.function_url.authorization_type == "NONE"
}

unknown contains u if some u in lib.unknown_keys(input, ["policy", "function_url"])

unknown contains {"message": sprintf("policy statement %s could not be determined", [st.path]), "path": sprintf("policy.%s", [st.path])} if {
	lib.known(input.policy)
	some st in lib.statements(input.policy)
	lib.contains_unknown(st.statement)
}

unknown contains {"message": "the policy statements could not be determined", "path": "policy.Statement"} if {
	lib.known(input.policy)
	lib.is_unknown(input.policy.Statement)
}

unknown contains {"message": "the function url authorization could not be determined", "path": "function_url.authorization_type"} if {
	lib.known(input.function_url)
	lib.not_determined(input.function_url, "authorization_type")
}
