package vouch.rules.apigw_authorization_required

import data.vouch.lib
import rego.v1

metadata := {
	"id": "apigw-authorization-required",
	"name": "apigw-route-unauthenticated",
	"title": "API Gateway routes and methods require authorization",
	"description": "Every REST method and HTTP API route uses an authorizer (IAM, Cognito/JWT or Lambda), except operations allow-listed in allow_list (glob patterns over `METHOD /path` or the route key, e.g. `GET /health`). An API key is not authorization. OPTIONS methods (CORS preflight, which browsers send without credentials) are exempt unless judge_options is true. WebSocket APIs authorize at `$connect` only, so only that route is judged for them.",
	"severity": "high",
	"kinds": ["aws.apigateway.route"],
	"inputs": ["authorization_type", "api_type", "route"],
	"remediation": "Set authorization (REST: AWS_IAM, COGNITO_USER_POOLS or CUSTOM with an authorizer; HTTP/WebSocket: AWS_IAM, JWT or CUSTOM), or list the operation in allow_list if it is public on purpose.",
	"status": "stable",
	"parameters": {"allow_list": [], "judge_options": false},
}

exempt if {
	is_string(input.route)
	some pattern in lib.param(metadata, "allow_list")
	glob.match(pattern, [], input.route)
}

exempt if {
	input.http_method == "OPTIONS"
	lib.param(metadata, "judge_options") == false
}

exempt if {
	input.api_type == "websocket"
	input.route != "$connect"
}

deny contains {"message": sprintf("the operation %s requires no authorization", [object.get(input, "route", "")]), "path": "authorization_type"} if {
	input.authorization_type == "NONE"
	lib.known(input.api_type)
	lib.known(input.route)
	not exempt
}

unknown contains u if some u in lib.unknown_keys(input, ["authorization_type"])

unknown contains {"message": "the operation could not be identified to check the allow list", "path": "route"} if {
	input.authorization_type == "NONE"
	not exempt
	some k in ["route", "api_type"]
	lib.not_determined(input, k)
}
