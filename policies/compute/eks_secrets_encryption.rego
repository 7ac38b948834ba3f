package vouch.rules.eks_secrets_encryption

import data.vouch.lib
import rego.v1

metadata := {
	"id": "eks-secrets-encryption",
	"name": "eks-secrets-unencrypted",
	"title": "EKS Kubernetes secrets use KMS envelope encryption",
	"description": "The cluster has an encryption configuration for the Kubernetes secrets resource with a KMS key, so secrets in etcd are envelope-encrypted under a key the account controls.",
	"severity": "medium",
	"kinds": ["aws.eks.cluster"],
	"inputs": ["encryption_config"],
	"remediation": "Add encryption_config { resources = [\"secrets\"] provider { key_arn = aws_kms_key.eks.arn } } to the cluster.",
	"status": "stable",
	"parameters": {},
}

configs := input.encryption_config if is_array(input.encryption_config)

configs := [] if input.encryption_config == null

encrypted if {
	some c in configs
	is_array(c.resources)
	"secrets" in c.resources
	is_string(c.key_arn)
	c.key_arn != ""
}

maybe_encrypted if {
	some c in configs
	lib.contains_unknown(c)
}

deny contains {"message": "kubernetes secrets are not encrypted with a kms key", "path": "encryption_config"} if {
	is_array(configs)
	not encrypted
	not maybe_encrypted
}

unknown contains {"message": "the encryption configuration could not be determined", "path": "encryption_config"} if {
	not encrypted
	maybe_encrypted
}

unknown contains u if some u in lib.unknown_keys(input, ["encryption_config"])
