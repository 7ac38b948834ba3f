#!/usr/bin/env python3
"""Generate rulesets/<framework>.yaml from the control catalogue and the shipped rules.

Usage (from the repository root):

    python3 scripts/gen-rulesets.py [--catalogue PATH] [--check]

  --catalogue  the research catalogue (default: $VOUCH_CATALOGUE or
               /work/shared/controls/catalogue.yaml)
  --check      write nothing; exit 1 if a generated file differs from the committed one

Rerun it whenever a rule is added under policies/: a control lists only rules that exist
there. Where the catalogue says a rule would evidence a control but that rule is not shipped
yet, the control is `partial` (some of its rules shipped) or `manual` with the rationale
"automatable, rule not yet shipped: <ids>" (none shipped), so a report never shows a control
as evidenced by a rule that does not run.

What comes from where:
  - every control ID and its automated/manual status: catalogue `framework_coverage`
    (the catalogue's sections 5.1-5.5 in CATALOGUE.md are the same tables, rendered);
  - the rules of a control: catalogue `framework_coverage[].rules` (identical to the inverse
    of `rules[].frameworks`), filtered to the rules under policies/;
  - provenance tags: catalogue `rules[].mapping_provenance` of the listed rules;
  - titles and rationales: written here, in our own words (no standard text is reproduced);
  - coverage: `full` only where the control is itself a configuration statement that the
    shipped rules check completely (CIS AWS recommendations the CIS benchmark automates);
    `partial` wherever a process, people or non-AWS element remains for an assessor (every
    PCI DSS, SOC 2, zero-trust and SP 800-53 control with rules: see CATALOGUE.md section 5,
    "a PASS is supporting evidence, not a finding of compliance"); `manual` otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOGUE = os.environ.get("VOUCH_CATALOGUE", "/work/shared/controls/catalogue.yaml")
COMMAND = "python3 scripts/gen-rulesets.py --catalogue /work/shared/controls/catalogue.yaml"
TAG_ORDER = ["SH", "PW", "SP", "J"]

# ---------------------------------------------------------------------------------------------
# Shipped rules
# ---------------------------------------------------------------------------------------------

ID_RE = re.compile(r'"id"\s*:\s*"([a-z0-9-]+)"')


def shipped_rules() -> list[str]:
    """Rule IDs of every policy under policies/ (the lib helpers are not rules)."""
    ids = set()
    for path in sorted((ROOT / "policies").rglob("*.rego")):
        if "lib" in path.relative_to(ROOT / "policies").parts[:1]:
            continue
        m = ID_RE.search(path.read_text(encoding="utf-8"))
        if m:
            ids.add(m.group(1))
    return sorted(ids)


# ---------------------------------------------------------------------------------------------
# Framework texts: titles and rationales in our own words
# ---------------------------------------------------------------------------------------------

# PCI DSS v4.0.1 requirements that get rule evidence: (title, what the rules show; what remains).
PCI_AUTOMATED = {
    "1.2.1": ("NSC configuration standards defined and applied",
              "closed default security groups show one NSC standard applied; the standards and their coverage of every NSC need an assessor"),
    "1.2.2": ("Changes to network connections and NSCs are controlled",
              "alarms on network-control changes show changes are detected; approval and testing of each change is a process"),
    "1.2.7": ("NSC configurations reviewed periodically",
              "a complete AWS Config history makes the six-monthly review possible; the review itself is manual"),
    "1.3.1": ("Inbound traffic to the CDE limited to what is necessary",
              "no internet admin ports, no unrestricted ingress, closed default groups and private databases; whether remaining traffic is necessary needs the CDE's traffic justification"),
    "1.4.2": ("Inbound traffic from untrusted networks restricted",
              "security groups admit internet traffic only on authorised ports; the authorisation of those ports and non-AWS NSCs need an assessor"),
    "1.4.4": ("Stores of account data not reachable from untrusted networks",
              "public buckets, snapshots, databases, endpoints and public IPs are checked; which stores hold account data is scope an assessor confirms"),
    "2.2.2": ("Vendor default accounts disabled or secured",
              "the root user is AWS's vendor default account and its access keys are checked; OS, database and appliance defaults are not"),
    "2.2.6": ("System security parameters set to prevent misuse",
              "IMDSv2 enforcement is one hardening parameter; the rest of the configuration standard needs an assessor"),
    "3.5.1": ("Stored PAN rendered unreadable",
              "storage-level encryption of S3, EFS, EBS, RDS, ElastiCache and SQS; PAN-level protection inside the data is application-level"),
    "3.6.1": ("Keys protecting stored account data guarded against disclosure and misuse",
              "KMS key policies are not public and decrypt is scoped; key-custodian procedures are manual"),
    "3.7.4": ("Keys changed at the end of their cryptoperiod",
              "automatic rotation of customer managed KMS keys; keys outside KMS and the defined cryptoperiod need an assessor"),
    "3.7.5": ("Retired or suspect keys withdrawn in a controlled way",
              "unexpected KMS key deletion is found; the retirement procedure itself is manual"),
    "4.2.1": ("Strong cryptography protects PAN over open, public networks",
              "TLS enforcement on S3, RDS, ElastiCache, load balancers and CloudFront plus certificate renewal; which paths carry PAN over public networks needs an assessor"),
    "6.2.4": ("Software engineering techniques prevent common attacks",
              "ALB header and desync hardening covers one attack class; secure coding practice is manual"),
    "6.3.1": ("Security vulnerabilities identified and risk-ranked",
              "Inspector and ECR scanning are enabled; risk ranking and the vulnerability intelligence process are manual"),
    "6.3.3": ("Components protected by installing security patches",
              "patch compliance and supported runtimes, Kubernetes and database versions; patch timelines for critical fixes need an assessor"),
    "6.4.1": ("Public-facing web applications protected against attacks",
              "a non-empty WAF web ACL fronts entry points; the effectiveness of its rules needs an assessor"),
    "6.4.2": ("Automated solution detects and prevents web attacks",
              "a WAF with rules is attached; whether it blocks and alerts as required needs an assessor"),
    "7.2.1": ("Access-control model covers all components",
              "no public grants on data stores, functions, queues and topics, no admin policies, group-based permissions; the documented access model is manual"),
    "7.2.2": ("Access assigned by job function with least privilege",
              "no admin policies, no privilege escalation, no unscoped decrypt, root unused; whether each grant matches a job function needs an assessor"),
    "7.2.4": ("User accounts and privileges reviewed",
              "Access Analyzer surfaces external access; the six-monthly review of all accounts is manual"),
    "8.2.2": ("Shared and generic accounts used only when necessary",
              "the root user (a shared credential) is not used routinely; other shared accounts need an assessor"),
    "8.2.6": ("Inactive user accounts removed or disabled",
              "IAM credentials unused beyond the threshold are found; accounts outside IAM (SSO, OS, database) are not"),
    "8.3.1": ("All user and administrator access is authenticated",
              "database, cache and API authentication are enforced; authentication on every other component needs an assessor"),
    "8.3.2": ("Authentication factors unreadable in storage and transmission",
              "no plaintext secrets in Lambda environments and encrypted Kubernetes secrets; other credential stores need an assessor"),
    "8.3.6": ("Passwords meet minimum length and complexity",
              "the IAM account password policy is checked; OS, database and application passwords are not"),
    "8.3.7": ("New passwords differ from recent ones",
              "IAM password-reuse prevention is checked; OS, database and application passwords are not"),
    "8.3.9": ("Single-factor passwords and keys changed periodically",
              "IAM password age, access-key age and secret rotation; whether single-factor access exists elsewhere needs an assessor"),
    "8.4.1": ("MFA for non-console administrative access to the CDE",
              "MFA on the root user and IAM console users; VPN, bastion and SSO administrative paths need an assessor"),
    "8.4.2": ("MFA for all access into the CDE",
              "IAM console MFA; MFA on every other access path into the CDE needs an assessor"),
    "8.6.2": ("No hard-coded passwords for system and application accounts",
              "Lambda environments and Kubernetes secrets are checked; scripts, code and files elsewhere are not"),
    "8.6.3": ("System and application account credentials protected against misuse",
              "secret and access-key rotation; the periodic-change frequency from the risk analysis needs an assessor"),
    "10.2.1": ("Audit logs enabled on all system components",
               "CloudTrail, S3, VPC, EKS, RDS, edge and WAF logging; log coverage of non-AWS components needs an assessor"),
    "10.2.1.1": ("Logs capture individual access to cardholder data",
                 "S3 object-level and database logs; application-level reads of PAN are not visible in configuration"),
    "10.2.1.2": ("Logs capture actions by administrative accounts",
                 "CloudTrail management events and EKS audit logs; OS and database administrator actions are not covered"),
    "10.2.1.3": ("Logs capture access to audit logs",
                 "access to the CloudTrail bucket is logged; other log stores are not"),
    "10.2.1.4": ("Logs capture invalid logical access attempts",
                 "CloudTrail records failed API calls and sign-ins and alarms watch them; application logins are not covered"),
    "10.2.1.5": ("Logs capture changes to identification and authentication credentials",
                 "CloudTrail records IAM changes and alarms watch them; credentials outside IAM are not covered"),
    "10.2.1.6": ("Logs capture changes to audit logging",
                 "CloudTrail records trail and Config changes and alarms watch them; other log pipelines are not covered"),
    "10.2.1.7": ("Logs capture creation and deletion of system-level objects",
                 "CloudTrail records AWS API creates and deletes; OS-level objects are not covered"),
    "10.2.2": ("Log entries record who, what, when, where and outcome",
               "CloudTrail events carry the required fields; other log sources need an assessor"),
    "10.3.1": ("Read access to audit logs limited",
               "the CloudTrail bucket is not public; who can read it inside the account needs an assessor"),
    "10.3.2": ("Audit log files protected from modification",
               "WORM buckets, KMS-encrypted trails and log groups and a non-public trail bucket; other log stores need an assessor"),
    "10.3.3": ("Audit logs promptly backed up to a central, hard-to-alter store",
               "S3 Object Lock on log buckets; log forwarding from non-AWS components needs an assessor"),
    "10.3.4": ("File integrity monitoring or change detection on audit logs",
               "CloudTrail log file validation; integrity of other logs needs an assessor"),
    "10.4.1": ("Security events and critical logs reviewed daily",
               "alarms automate part of the daily review; the review itself is a process"),
    "10.4.1.1": ("Automated mechanisms perform audit log reviews",
                 "GuardDuty and Security Hub analyse AWS logs; coverage of non-AWS logs needs an assessor"),
    "10.4.2": ("Logs of other components reviewed periodically",
               "edge and WAF logs are produced; their periodic review is a process"),
    "10.4.3": ("Exceptions and anomalies found in review are addressed",
               "high-severity GuardDuty findings are not left un-triaged; follow-up of other exceptions is a process"),
    "10.5.1": ("Audit log history retained for at least 12 months",
               "CloudWatch retention and S3 Object Lock; retention elsewhere and three months' immediate availability need an assessor"),
    "10.7.2": ("Failures of critical security control systems detected",
               "alarms on changes to trails, Config, keys and guardrails; detection for non-AWS controls needs an assessor"),
    "11.3.1": ("Internal vulnerability scans performed",
               "Inspector scans continuously; quarterly rescans and resolution of high-risk findings need an assessor"),
    "11.5.1": ("Intrusion detection or prevention monitors traffic",
               "GuardDuty analyses VPC, DNS and CloudTrail activity; critical points inside the CDE and alert handling need an assessor"),
    "12.3.4": ("Hardware and software technologies reviewed",
               "end-of-support runtimes and Kubernetes versions are found; the annual technology review is a process"),
    "12.5.1": ("Inventory of in-scope system components maintained",
               "AWS Config records AWS resources; each component's function and non-AWS assets need an assessor"),
    "12.5.2": ("PCI DSS scope documented and confirmed",
               "Macie finds cardholder data in S3; the annual scope confirmation covers every data flow"),
    "12.10.3": ("Incident response personnel available",
                "a role for AWS Support exists; 24/7 availability of people is manual"),
    "12.10.5": ("Security monitoring alerts feed incident response",
                "high-severity GuardDuty findings are triaged; the response plan's handling of alerts is a process"),
    "A3.2.5": ("Data discovery confirms where PAN resides",
               "Macie sensitive-data discovery covers S3; other stores need another method"),
    "A3.2.5.1": ("Data discovery methods confirmed effective",
                 "Macie discovery runs on S3; confirming the method's effectiveness is a process"),
}

# PCI DSS manual requirements: why configuration cannot evidence them, per section.
PCI_MANUAL_SECTION = {
    "NSC configuration and change control": "network diagrams, data-flow documents and rule-set justification are documents an assessor reviews",
    "Restriction of network access to/from the CDE": "which traffic is necessary and wireless-network segmentation depend on the CDE's documented design",
    "Connections between trusted and untrusted networks": "DMZ design, internal address disclosure and traffic filtering intent depend on the documented architecture",
    "Risk from devices connecting to both untrusted networks and the CDE": "end-user device controls (personal firewalls) are outside AWS configuration",
    "Secure configuration of system components": "configuration standards, one-function-per-server and encryption of non-console admin access need the documented standard and host inspection",
    "Wireless environments": "wireless networks are not AWS configuration",
    "Minimising stored account data": "what account data is stored and for how long is an application and process question",
    "No storage of sensitive authentication data": "whether SAD is stored is decided by application data, not infrastructure settings",
    "Restricting PAN display and copying": "PAN masking and copy restrictions are application behaviour",
    "Rendering stored PAN unreadable": "disk-level vs PAN-level encryption and hashing choices are application-level",
    "Protecting cryptographic keys": "key-management procedures, key inventory and key-custodian roles are documents and people",
    "Key-management lifecycle": "key generation, distribution, custody and split-knowledge procedures are processes",
    "Strong cryptography for PAN in transit": "trusted-key inventories, wireless and end-user messaging channels are outside AWS configuration",
    "Malware prevention/detection coverage": "anti-malware coverage needs endpoint telemetry, not AWS configuration",
    "Anti-malware operation and monitoring": "anti-malware operation needs endpoint telemetry, not AWS configuration",
    "Anti-phishing": "anti-phishing controls live in mail and user-awareness systems",
    "Secure bespoke/custom software development": "secure development, training and code review are engineering processes",
    "Vulnerability identification and patching": "software inventories and patch processes for bespoke code need an assessor",
    "Protection of public-facing web applications": "payment-page script management is application behaviour",
    "Change management": "change approval, testing and separation of environments are processes",
    "Defining and assigning access": "approval of access, periodic reviews and application/system account reviews are processes",
    "Access-control systems": "access-control systems across all components need the documented design",
    "User identification and account lifecycle": "unique IDs, third-party access, terminated users and lockout settings span systems beyond IAM",
    "Strong authentication": "identity verification, lockout, session and customer-facing authentication span systems beyond IAM",
    "Multi-factor authentication requirements": "MFA on every remote network access path is outside AWS configuration",
    "MFA system configuration": "resistance of the MFA system to replay and bypass needs an assessor",
    "System and application accounts": "interactive use of system accounts is a process",
    "Audit log review": "the periodic review of other logs' risk analysis is a process",
    "Time synchronisation": "time sources and their protection need host inspection (AWS time sync is inherited)",
    "Detection of critical security control failures": "responding to control failures is a process",
    "Wireless access point detection": "rogue wireless detection is physical-site testing",
    "Vulnerability scanning": "ASV scans, authenticated scanning and rescans after changes are tests and processes",
    "Penetration testing": "penetration testing is a test an assessor reviews",
    "Intrusion and change detection": "change-detection on critical files and covert channel detection need host-level tooling",
    "Payment-page tamper detection": "payment-page tamper detection is application behaviour",
    "Information security policy": "policy documents and roles are documents and people",
    "Acceptable use": "acceptable-use policies are documents",
    "Risk analyses and technology reviews": "targeted risk analyses and crypto reviews are documents",
    "PCI DSS compliance programme management": "programme ownership and reviews are governance",
    "Scope documentation and validation": "scope changes and reviews on organisational change are processes",
    "Security awareness": "security awareness is training",
    "Personnel screening": "personnel screening is HR",
    "Third-party service provider management": "third-party service providers are managed by contract and monitoring",
    "TPSP acknowledgements to customers": "service-provider acknowledgements are contracts",
    "Incident response": "incident response plans, testing and training are processes",
    "Multi-tenant: customer environment separation": "applies to multi-tenant service providers' logical separation design",
    "Multi-tenant: logging and incident response": "applies to multi-tenant service providers' processes",
    "POI terminals using SSL/early TLS": "point-of-interaction terminals are not AWS resources",
    "DESV: compliance programme": "designated-entity programme governance is organisational",
    "DESV: scope": "designated-entity scope validation is a process",
    "DESV: business-as-usual": "business-as-usual reviews are processes",
    "DESV: logical access": "designated-entity access reviews are processes",
    "DESV: suspicious events": "designated-entity event handling is a process",
}


def pci_manual_reason(section: str) -> str:
    if "policies and roles" in section or "policies, procedures and roles" in section:
        return "documented policies, procedures and assigned roles are documents and people"
    if section.startswith(("Facility", "Physical", "Media", "Point-of-interaction")):
        return "physical security: AWS data centres are inherited via the AWS PCI AOC, customer facilities need an assessor"
    return PCI_MANUAL_SECTION.get(section, "a process or application-level requirement that configuration cannot evidence")


SOC2_AUTOMATED = {
    "CC6.1": ("Logical access controls protect information assets",
              "public-access, encryption, MFA, key and secret controls on AWS; the access architecture and non-AWS systems need an assessor"),
    "CC6.2": ("Users registered, authorised and de-provisioned",
              "stale IAM credentials are found; joiner and leaver approval is a process"),
    "CC6.3": ("Access granted by role with least privilege",
              "no admin or escalation policies, group-based permissions, root unused; role design and access reviews need an assessor"),
    "CC6.6": ("Boundary protection against threats from outside",
              "public exposure of networks, data stores and endpoints is checked; the boundary design needs an assessor"),
    "CC6.7": ("Data in transmission restricted and protected",
              "TLS enforcement and certificate renewal on AWS endpoints; data movement outside AWS needs an assessor"),
    "CC6.8": ("Unauthorised or malicious software prevented or detected",
              "GuardDuty threat and malware detection; endpoint and software-installation controls need an assessor"),
    "CC7.1": ("Configuration changes and new vulnerabilities detected",
              "configuration recording, vulnerability scanning and supported versions; the review of what is found is a process"),
    "CC7.2": ("System components monitored for anomalies",
              "logging, integrity, threat detection and alarms on AWS; monitoring of non-AWS components needs an assessor"),
    "CC7.3": ("Security events evaluated",
              "high-severity GuardDuty findings are triaged; the evaluation procedure is a process"),
    "CC7.4": ("Security incidents responded to",
              "finding triage and a support role for incident handling; the response programme is a process"),
    "CC8.1": ("Changes authorised, designed, tested and approved",
              "configuration recording and change alarms detect changes; authorisation and testing are processes"),
    "A1.2": ("Backup and recovery infrastructure in place",
             "versioning, Object Lock, database backups and point-in-time recovery; recovery procedures and off-site copies need an assessor"),
    "C1.1": ("Confidential information identified and protected",
             "encryption at rest and Macie discovery; classification policy and retention need an assessor"),
}


def soc2_manual_reason(cid: str) -> str:
    prefix = cid.split(".")[0]
    if cid in ("CC6.4",):
        return "physical access restriction is inherited from AWS data centres or assessed on premises"
    if cid in ("CC6.5", "C1.2"):
        return "disposal of assets and confidential information is a process"
    if cid == "CC7.5":
        return "recovery from incidents is a process; backup configuration is evidenced under A1.2"
    if cid == "A1.1":
        return "capacity planning is a management process"
    if cid == "A1.3":
        return "recovery-plan testing is a test an assessor reviews"
    return {
        "CC1": "control environment: governance, ethics and people",
        "CC2": "information and communication about internal control are processes",
        "CC3": "risk assessment is a management process",
        "CC4": "monitoring activities are evaluations of controls, not configuration",
        "CC5": "selection and deployment of control activities are governance",
        "CC9": "business-disruption and vendor risk are managed by process and contract",
        "PI1": "processing integrity is application behaviour",
    }.get(prefix, "privacy criteria are notices, consent and processes, not configuration"
          if prefix.startswith("P") else "not evidenced by configuration")


CIS_MANUAL = {
    "1.1": "account contact details must be confirmed current by a person",
    "1.2": "whether the security contact reaches the right people needs a person",
    "1.3": "security questions are set in the console and not readable through an API",
    "1.18": "whether EC2 workloads use instance roles rather than stored keys needs code and host inspection",
    "1.21": "central identity management is an organisational design decision",
    "1.22": "whether anyone needs CloudShell full access is a judgment",
    "5.5": "least-access peering routes depend on the intended traffic",
}

ZT_MANUAL = {
    "Automation and Orchestration": "organisational maturity of automation, not a configuration state",
    "Governance": "governance maturity is policy and process, not configuration",
    "Resource Access": "end-user device posture (MDM/EDR) is outside AWS configuration",
    "Network Resilience": "availability design is not evidenced by these configuration rules",
    "Accessible Applications": "which applications are publicly accessible is a design decision",
}

ZT_TENETS = {
    "SP800-207:T1": ("Every data source and computing service is a resource",
                     "inventory completeness (Config recording, Macie discovery) only; resource classification needs an assessor"),
    "SP800-207:T2": ("All communication secured regardless of network location",
                     "TLS enforcement on S3, load balancers, CloudFront, RDS and ElastiCache; other internal paths need an assessor"),
    "SP800-207:T3": ("Access granted per session",
                     "short-lived or session credentials (IMDSv2, IAM database auth, no long-lived keys); session design elsewhere needs an assessor"),
    "SP800-207:T4": ("Access decided by dynamic policy",
                     "static least-privilege checks only; contextual policy (device posture, risk) is not observable in configuration"),
    "SP800-207:T5": ("Integrity and posture of all assets monitored",
                     "threat detection, vulnerability scanning, patching and supported versions on AWS; non-AWS assets need an assessor"),
    "SP800-207:T6": ("Authentication and authorisation enforced before access",
                     "deny-by-default exposure, MFA and authorisation on AWS resources; the policy decision and enforcement design needs an assessor"),
    "SP800-207:T7": ("State information collected to improve posture",
                     "logging and telemetry collection on AWS; whether it feeds posture improvement is a process"),
}

NIST_TITLES = {
    "AC-2": "Account management", "AC-2(1)": "Automated account management",
    "AC-2(3)": "Disable inactive accounts", "AC-3": "Access enforcement",
    "AC-4": "Information flow enforcement", "AC-4(21)": "Physical or logical separation of information flows",
    "AC-4(26)": "Audit filtering actions", "AC-5": "Separation of duties", "AC-6": "Least privilege",
    "AC-6(2)": "Non-privileged access for non-security functions", "AC-6(5)": "Privileged accounts",
    "AC-6(7)": "Review of user privileges", "AC-6(9)": "Log use of privileged functions",
    "AC-6(10)": "Prohibit non-privileged users from executing privileged functions",
    "AC-7": "Unsuccessful logon attempts", "AC-17": "Remote access",
    "AC-17(2)": "Protection of remote access confidentiality and integrity using encryption",
    "AC-21": "Information sharing", "AU-2": "Event logging", "AU-3": "Content of audit records",
    "AU-6": "Audit record review, analysis and reporting", "AU-9": "Protection of audit information",
    "AU-9(3)": "Cryptographic protection of audit information", "AU-10": "Non-repudiation",
    "AU-11": "Audit record retention", "AU-12": "Audit record generation", "CA-7": "Continuous monitoring",
    "CM-2": "Baseline configuration", "CM-3": "Configuration change control",
    "CM-6(1)": "Automated management, application and verification of configuration settings",
    "CM-7": "Least functionality", "CM-8": "System component inventory",
    "CM-8(2)": "Automated inventory maintenance", "CM-8(3)": "Automated unauthorised component detection",
    "CM-12": "Information location", "CP-6(2)": "Alternate storage site recovery time and recovery point objectives",
    "CP-9": "System backup", "CP-10": "System recovery and reconstitution",
    "IA-2": "Identification and authentication of organisational users",
    "IA-2(1)": "MFA to privileged accounts", "IA-2(2)": "MFA to non-privileged accounts",
    "IA-2(6)": "Access to accounts with a separate device", "IA-2(8)": "Replay-resistant access to accounts",
    "IA-5": "Authenticator management", "IA-5(1)": "Password-based authentication",
    "IA-5(7)": "No embedded unencrypted static authenticators", "IA-9": "Service identification and authentication",
    "IR-4": "Incident handling", "IR-5": "Incident monitoring", "IR-7": "Incident response assistance",
    "RA-2": "Security categorisation", "RA-5": "Vulnerability monitoring and scanning",
    "SA-22": "Unsupported system components", "SC-7": "Boundary protection",
    "SC-7(5)": "Deny by default, allow by exception", "SC-8": "Transmission confidentiality and integrity",
    "SC-8(1)": "Cryptographic protection in transmission", "SC-8(2)": "Pre- and post-transmission handling",
    "SC-12": "Cryptographic key establishment and management", "SC-12(2)": "Symmetric keys",
    "SC-13": "Cryptographic protection", "SC-17": "Public key infrastructure certificates",
    "SC-23": "Session authenticity", "SC-28": "Protection of information at rest",
    "SC-28(1)": "Cryptographic protection at rest", "SC-28(3)": "Cryptographic keys at rest",
    "SI-2": "Flaw remediation", "SI-2(2)": "Automated flaw remediation status",
    "SI-3": "Malicious code protection", "SI-4": "System monitoring",
    "SI-4(1)": "System-wide intrusion detection system", "SI-4(4)": "Inbound and outbound communications traffic",
    "SI-4(5)": "System-generated alerts", "SI-7": "Software, firmware and information integrity",
    "SI-7(1)": "Integrity checks", "SI-10": "Information input validation",
    "SI-12": "Information management and retention",
}

# The "-1 policy and procedures" control of every family, and the families the catalogue
# names as having no configuration-checkable content: all manual.
NIST_FAMILIES = {
    "AC": "Access control", "AT": "Awareness and training", "AU": "Audit and accountability",
    "CA": "Assessment, authorisation and monitoring", "CM": "Configuration management",
    "CP": "Contingency planning", "IA": "Identification and authentication",
    "IR": "Incident response", "MA": "Maintenance", "MP": "Media protection",
    "PE": "Physical and environmental protection", "PL": "Planning", "PM": "Program management",
    "PS": "Personnel security", "PT": "PII processing and transparency", "RA": "Risk assessment",
    "SA": "System and services acquisition", "SC": "System and communications protection",
    "SI": "System and information integrity", "SR": "Supply chain risk management",
}
NIST_MANUAL_FAMILIES = {"AT", "PE", "PL", "PM", "PS", "PT", "SR", "MA", "MP"}


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


class Gen:
    def __init__(self, catalogue: dict, shipped: list[str]):
        self.cat = catalogue
        self.rules = {r["id"]: r for r in catalogue["rules"]}
        self.shipped = set(shipped)
        self.shipped_list = shipped

    def split(self, rules: list[str]) -> tuple[list[str], list[str]]:
        have = [r for r in rules if r in self.shipped]
        missing = [r for r in rules if r not in self.shipped]
        return have, missing

    def provenance(self, fw: str, cid: str, rules: list[str]) -> list[str]:
        tags = set()
        for r in rules:
            tags.update(self.rules[r]["mapping_provenance"].get(fw, {}).get(cid, []) or [])
        return [t for t in TAG_ORDER if t in tags] + sorted(tags - set(TAG_ORDER))

    def control(self, fw: str, cid: str, title: str, catalogue_rules: list[str], automated: bool,
                evidence_rationale: str, manual_rationale: str, full: bool = False) -> dict:
        """One control: applies the shipped-rule filter and the coverage decision."""
        have, missing = self.split(catalogue_rules)
        if not automated or not catalogue_rules:
            return ctrl(cid, title, [], "manual", manual_rationale, [])
        if not have:
            return ctrl(cid, title, [], "manual",
                        "automatable, rule not yet shipped: " + ", ".join(missing), [])
        rationale = evidence_rationale
        coverage = "full" if full and not missing else "partial"
        if missing:
            rationale += "; not yet shipped: " + ", ".join(missing)
        return ctrl(cid, title, have, coverage, rationale, self.provenance(fw, cid, have))

    def unmapped(self, fw: str, label: str, controls: list[dict], extra=None) -> list[dict]:
        mapped = {r for c in controls for r in c.get("rules", [])}
        out = []
        for rid in self.shipped_list:
            if rid in mapped:
                continue
            rule = self.rules.get(rid)
            if rule is None:
                reason = "not in the control catalogue; map it by hand or list a reason here"
            elif rule["frameworks"].get(fw):
                # Mapped by the catalogue to controls that are all filtered out (cannot happen
                # unless a control lost its catalogue status); say so rather than hide it.
                reason = "catalogue maps it to " + ", ".join(rule["frameworks"][fw]) + " but no control here lists it"
            else:
                reason = f"no {label} control is about this setting (the catalogue maps none)"
                rejected = (rule.get("not_adopted_from_other_sources") or {}).get(fw) or []
                if rejected:
                    reason += "; others map it to " + ", ".join(str(x) for x in rejected) + ", rejected as too broad"
                if extra:
                    reason = extra(rule, reason)
            out.append({"rule": rid, "reason": reason})
        return out

    # -- frameworks -------------------------------------------------------------------------

    def pci(self) -> dict:
        controls = []
        for e in self.cat["framework_coverage"]["pci_dss_4_0"]:
            cid, section = str(e["id"]), e["section"]
            auto = e["status"] == "automated-evidence"
            title, why = PCI_AUTOMATED.get(cid, (section, ""))
            if auto and cid not in PCI_AUTOMATED:
                raise SystemExit(f"pci {cid}: automated but no title/rationale written")
            manual = pci_manual_reason(section)
            if e.get("also_mapped_by_others"):
                manual += "; others map configuration checks here, supporting evidence at most"
            controls.append(self.control("pci_dss_4_0", cid, title, e["rules"], auto, why, manual))
        return ruleset("pci-dss-4.0.1", "PCI DSS", "4.0.1", controls,
                       self.unmapped("pci_dss_4_0", "PCI DSS v4.0.1", controls))

    def soc2(self) -> dict:
        controls = []
        for e in self.cat["framework_coverage"]["soc2"]:
            cid = e["id"]
            auto = e["status"] == "automated-evidence"
            title, why = SOC2_AUTOMATED.get(cid, (e["topic"], ""))
            if auto and cid not in SOC2_AUTOMATED:
                raise SystemExit(f"soc2 {cid}: automated but no title/rationale written")
            manual = soc2_manual_reason(cid)
            if e.get("mapped_by_prowler") or e.get("mapped_by_steampipe"):
                manual += "; others map configuration checks here, supporting evidence at most"
            controls.append(self.control("soc2", cid, title, e["rules"], auto, why, manual))
        return ruleset("soc2", "SOC 2 Trust Services Criteria", "TSC 2017 (points of focus revised 2022)",
                       controls, self.unmapped("soc2", "SOC 2", controls))

    def cis(self) -> dict:
        controls = []
        for e in self.cat["framework_coverage"]["cis_aws_3"]:
            cid, topic, status = str(e["id"]), e["topic"], e["status"]
            rules = e["rules"]
            if status == "automated":
                names = " and ".join(rules)
                why = f"{names} {'checks' if len(rules) == 1 else 'check'} the setting this recommendation audits"
                controls.append(self.control("cis_aws_3", cid, topic, rules, True, why, "", full=True))
            elif status == "manual-with-supporting-evidence":
                why = "CIS assesses this manually; the rule's findings support the assessment, they do not settle it"
                controls.append(self.control("cis_aws_3", cid, topic, rules, True, why, ""))
            elif status == "automatable-not-in-catalogue":
                controls.append(ctrl(cid, topic, [], "manual",
                                     "automatable (CIS automates it), no rule in the catalogue yet", []))
            else:
                controls.append(ctrl(cid, topic, [], "manual",
                                     CIS_MANUAL.get(cid, "CIS assesses it manually"), []))
        return ruleset("cis-aws-3.0", "CIS Amazon Web Services Foundations Benchmark", "3.0.0", controls,
                       self.unmapped("cis_aws_3", "CIS AWS Foundations v3.0.0", controls))

    def zero_trust(self) -> dict:
        controls = []
        fc = self.cat["framework_coverage"]
        for e in fc["zero_trust_ztmm_v2"]:
            pillar, function = e["pillar"], e["function"]
            cid = f"ZTMM:{pillar}/{function}"
            auto = e["status"] == "automated-evidence"
            why = (f"AWS configuration evidence for this function; the maturity stage and "
                   f"{'non-AWS identities' if pillar == 'Identity' else 'non-AWS ' + pillar.lower()} need an assessor")
            if pillar == "Cross-cutting":
                why = "AWS telemetry and audit configuration; how it drives decisions across pillars needs an assessor"
            manual = ZT_MANUAL.get(function)
            if manual is None:
                manual = ("end-user device visibility is outside AWS configuration" if pillar == "Devices"
                          else "no configuration rule evidences this function")
            controls.append(self.control("zero_trust", cid, f"{pillar}: {function}", e["rules"], auto, why, manual))
        for e in fc["zero_trust_sp800_207_tenets"]:
            cid = e["id"]
            title, why = ZT_TENETS[cid]
            controls.append(self.control("zero_trust", cid, title, e["rules"],
                                         e["status"] == "automated-evidence", why, ""))
        return ruleset("zero-trust", "Zero trust: CISA ZTMM v2.0 pillars/functions and NIST SP 800-207 tenets",
                       "ZTMM 2.0 / SP 800-207 (2020)", controls,
                       self.unmapped("zero_trust", "zero-trust", controls))

    def nist(self) -> dict:
        controls = []
        referenced = {e["id"]: e["rules"] for e in self.cat["framework_coverage"]["nist_800_53_r5_referenced"]}
        for fam, name in NIST_FAMILIES.items():
            why = (f"{name} policy and procedures are documents" if fam not in NIST_MANUAL_FAMILIES
                   else f"{name} policy and procedures are documents; the whole family has no configuration-checkable content")
            if f"{fam}-1" not in referenced:
                controls.append(ctrl(f"{fam}-1", f"{name}: policy and procedures", [], "manual", why, []))
        for cid in sorted(referenced, key=nist_key):
            title = NIST_TITLES.get(cid)
            if title is None:
                raise SystemExit(f"nist {cid}: no title written")
            why = f"AWS configuration evidence for {title[0].lower() + title[1:]}; organisation-defined parameters, procedures and non-AWS components need an assessor"
            controls.append(self.control("nist_800_53", cid, title, referenced[cid], True, why, ""))
        controls.sort(key=lambda c: nist_key(c["id"]))
        return ruleset("nist-800-53-r5", "NIST SP 800-53", "Revision 5", controls,
                       self.unmapped("nist_800_53", "SP 800-53", controls))


def nist_key(cid: str):
    m = re.match(r"([A-Z]+)-(\d+)(?:\((\d+)\))?", cid)
    if not m:
        return (cid, 0, 0)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0))


def ctrl(cid, title, rules, coverage, rationale, provenance) -> dict:
    c = {"id": cid, "title": title}
    if rules:
        c["rules"] = rules
    c["coverage"] = coverage
    c["rationale"] = rationale
    if provenance:
        c["provenance"] = provenance
    return c


def ruleset(framework, title, version, controls, unmapped) -> dict:
    ids = [c["id"] for c in controls]
    if len(ids) != len(set(ids)):
        raise SystemExit(f"{framework}: duplicate control IDs")
    return {"framework": framework, "title": title, "version": version,
            "controls": controls, "unmapped": unmapped}


def render(rs: dict) -> str:
    counts = {k: sum(1 for c in rs["controls"] if c["coverage"] == k) for k in ("full", "partial", "manual")}
    head = (
        f"# {rs['framework']}: generated by scripts/gen-rulesets.py; do not edit by hand.\n"
        f"# Regenerate after adding rules: {COMMAND}\n"
        f"# Source: the vouch control catalogue (framework_coverage, rules[].frameworks,\n"
        f"# mapping_provenance) filtered to the rules under policies/. Titles are our own words.\n"
        f"# Provenance tags: SH Security Hub, PW prowler, SP steampipe, J our judgment.\n"
        f"# Coverage: {counts['full']} full, {counts['partial']} partial, {counts['manual']} manual"
        f" ({len(rs['controls'])} controls).\n"
    )
    body = yaml.safe_dump(rs, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    return head + body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--catalogue", default=DEFAULT_CATALOGUE)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with open(args.catalogue, encoding="utf-8") as f:
        cat = yaml.safe_load(f)
    gen = Gen(cat, shipped_rules())
    out_dir = ROOT / "rulesets"
    stale = []
    for rs in (gen.cis(), gen.nist(), gen.pci(), gen.soc2(), gen.zero_trust()):
        text = render(rs)
        path = out_dir / f"{rs['framework']}.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            stale.append(str(path.relative_to(ROOT)))
            if not args.check:
                out_dir.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
        counts = {k: sum(1 for c in rs["controls"] if c["coverage"] == k) for k in ("full", "partial", "manual")}
        print(f"{rs['framework']:16} {len(rs['controls']):4} controls  full {counts['full']:3}  "
              f"partial {counts['partial']:3}  manual {counts['manual']:3}  unmapped {len(rs['unmapped'])}",
              file=sys.stderr)
    if args.check and stale:
        print("stale: " + ", ".join(stale) + f"\nrun: {COMMAND}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
