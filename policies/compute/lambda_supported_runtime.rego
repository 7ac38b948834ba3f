package vouch.rules.lambda_supported_runtime

import data.vouch.lib
import rego.v1

# The deprecated list is a parameter so users can keep it current without a release. The
# default lists runtimes whose deprecation date in the AWS Lambda runtime table had passed by
# mid-2026 (including nodejs18.x on 2025-09-01, python3.9 on 2025-12-15, ruby3.2 on
# 2026-03-31 and nodejs20.x on 2026-04-30); check that table when upgrading.
metadata := {
	"id": "lambda-supported-runtime",
	"name": "lambda-deprecated-runtime",
	"title": "Lambda functions use supported runtimes",
	"description": "Zip-packaged functions do not use a runtime in deprecated_runtimes (AWS Lambda's deprecated runtimes; a parameter to keep current). Container-image functions have no managed runtime and are not judged.",
	"severity": "medium",
	"kinds": ["aws.lambda.function"],
	"inputs": ["runtime", "package_type"],
	"remediation": "Move the function to a supported runtime version (e.g. python3.12+, nodejs22.x, java21) and redeploy.",
	"status": "stable",
	"parameters": {"deprecated_runtimes": [
		"dotnet5.0", "dotnet6", "dotnet7", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
		"go1.x", "java8", "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
		"nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "provided", "python2.7",
		"python3.6", "python3.7", "python3.8", "python3.9", "ruby2.5", "ruby2.7", "ruby3.2",
	]},
}

deprecated := {r | some r in lib.param(metadata, "deprecated_runtimes")}

deny contains {"message": sprintf("the runtime %s is deprecated", [input.runtime]), "path": "runtime"} if {
	input.package_type != "Image"
	not lib.is_unknown(input.package_type)
	input.runtime in deprecated
}

unknown contains {"message": "the runtime could not be determined", "path": "runtime"} if {
	input.package_type != "Image"
	lib.not_determined(input, "runtime")
}

unknown contains {"message": "the package type could not be determined", "path": "package_type"} if {
	lib.is_unknown(input.package_type)
	input.runtime in deprecated
}
