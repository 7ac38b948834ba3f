package vouch.rules.guardduty_workload_protection

import data.vouch.lib
import rego.v1

metadata := {
	"id": "guardduty-workload-protection",
	"name": "guardduty-workload-protection-missing",
	"title": "GuardDuty workload protection plans match deployed workloads",
	"description": "Enabled detectors have the protection plans for the workloads the account runs. A detector does not see the account's inventory, so the workloads are a parameter: required_features lists the plans to demand (default: EKS audit logs, runtime monitoring, Lambda network logs, RDS login events, EBS malware protection; remove those for workloads you do not run). EKS_RUNTIME_MONITORING satisfies RUNTIME_MONITORING. A plan the source does not state is unknown (the account default applies).",
	"severity": "high",
	"kinds": ["aws.guardduty.detector"],
	"inputs": ["enabled", "features"],
	"remediation": "Enable the missing protection plans (Terraform aws_guardduty_detector_feature per plan; CloudFormation Features on AWS::GuardDuty::Detector), or drop plans for workloads you do not run from required_features.",
	"status": "stable",
	"parameters": {"required_features": ["EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "RDS_LOGIN_EVENTS", "EBS_MALWARE_PROTECTION"]},
}

# Feature names that satisfy a required plan.
aliases(name) := ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"] if name == "RUNTIME_MONITORING"

aliases(name) := [name] if name != "RUNTIME_MONITORING"

required := lib.param(metadata, "required_features")

enabled_plan(name) if {
	some alias in aliases(name)
	lib.feature_status(input.features, alias) == "ENABLED"
}

status_unknown(name) if {
	not enabled_plan(name)
	some alias in aliases(name)
	not lib.feature_status(input.features, alias)
}

status_unknown(name) if {
	not enabled_plan(name)
	some alias in aliases(name)
	lib.is_unknown(lib.feature_status(input.features, alias))
}

absent(name) if {
	every alias in aliases(name) {
		lib.feature_status(input.features, alias) == "ABSENT"
	}
}

deny contains {"message": sprintf("protection plan %s is disabled", [name]), "path": "features"} if {
	input.enabled == true
	some name in required
	not enabled_plan(name)
	not status_unknown(name)
	not absent(name)
}

unknown contains {"message": sprintf("protection plan %s is not configured by this source (the account default applies)", [name]), "path": "features"} if {
	input.enabled == true
	some name in required
	absent(name)
}

unknown contains {"message": sprintf("protection plan %s could not be determined", [name]), "path": "features"} if {
	input.enabled == true
	some name in required
	status_unknown(name)
}

unknown contains u if some u in lib.unknown_keys(input, ["enabled"])
