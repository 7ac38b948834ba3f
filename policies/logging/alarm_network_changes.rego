package vouch.rules.alarm_network_changes

import data.vouch.lib
import rego.v1

# Account-scope (aws.account, live only); see alarm-auth-anomalies for how patterns count.
metadata := {
	"id": "alarm-network-changes",
	"name": "alarm-network-changes-missing",
	"title": "Alert on security group, NACL, gateway, route table and VPC changes",
	"description": "The account has metric filters with alarms that notify a subscribed SNS topic for changes to security groups, network ACLs, network gateways, route tables and VPCs (CIS 4.10 to 4.14), on the CloudWatch Logs group of a logging multi-region trail.",
	"severity": "low",
	"kinds": ["aws.account"],
	"inputs": ["metric_alarms"],
	"remediation": "For each missing category add an aws_cloudwatch_log_metric_filter with the CIS pattern on the trail's log group and an aws_cloudwatch_metric_alarm notifying a subscribed SNS topic.",
	"status": "stable",
	"parameters": {},
}

names(list) := [sprintf("$.eventName=%s", [n]) | some n in list]

categories := {
	"security group changes": names([
		"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
		"RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup",
	]),
	"network acl changes": names([
		"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
		"ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
	]),
	"network gateway changes": names([
		"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
		"DeleteInternetGateway", "DetachInternetGateway",
	]),
	"route table changes": names([
		"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
		"DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable",
	]),
	"vpc changes": names([
		"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
		"CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
	]),
}

deny := lib.alarm_deny(input, categories)

unknown := lib.alarm_unknown(input, categories)
