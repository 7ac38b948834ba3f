package vouch.rules.eks_control_plane_audit_logging

import data.vouch.lib
import rego.v1

metadata := {
	"id": "eks-control-plane-audit-logging",
	"name": "eks-audit-logging-disabled",
	"title": "EKS control-plane audit logging is enabled",
	"description": "The cluster ships the control-plane log types in required_log_types (api, audit and authenticator by default; controllerManager and scheduler are recommended) to CloudWatch Logs, so Kubernetes API actions can be attributed.",
	"severity": "medium",
	"kinds": ["aws.eks.cluster"],
	"inputs": ["enabled_log_types"],
	"remediation": "Set enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"] (CloudFormation Logging.ClusterLogging.EnabledTypes).",
	"status": "stable",
	"parameters": {"required_log_types": ["api", "audit", "authenticator"]},
}

required := lib.param(metadata, "required_log_types")

types := input.enabled_log_types if is_array(input.enabled_log_types)

deny contains {"message": sprintf("control-plane log type %s is not enabled", [t]), "path": "enabled_log_types"} if {
	is_array(types)
	not lib.contains_unknown(types)
	some t in required
	not t in types
}

unknown contains {"message": "the enabled log types could not be determined", "path": "enabled_log_types"} if {
	lib.contains_unknown(object.get(input, "enabled_log_types", {"__unknown__": "absent"}))
	some t in required
	not t in object.get(input, "enabled_log_types", [])
}
