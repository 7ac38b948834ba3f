"""Compares vouch's and Prowler's verdicts per resource, for bench/aws.

Usage: aws_compare.py VOUCH.json PROWLER.ocsf.json MANIFEST.json

For each pair (Prowler check ~ vouch rule) both tools judge the same resources: buckets by
name, KMS keys by key id, GuardDuty by region, the account by its id. Each resource is
counted as an agreement (pass/pass, fail/fail), a disagreement (one passes, the other
fails), or one-sided: judged by one tool only, or unknown in vouch (vouch says unknown when
it cannot read a fact; Prowler has no such verdict). A few disagreements are listed with
what was seeded (the manifest), so each can be explained; bench/README.md explains the
ones a run on moto shows.
"""

import json
import sys
from collections import Counter, defaultdict

# Prowler check -> vouch rule, how to key a resource, and which seeded resources vouch
# judges at all (vouch reports "pass" for a resource out of a rule's scope; those are
# counted apart, not as disagreements). The Prowler IDs are those of prowler 5.46.0
# (prowler/providers/aws/services/*/<check>/).
ALL = None
PAIRS = [
    ("s3_bucket_default_encryption", "s3-bucket-encryption-at-rest", "bucket", ALL),
    ("s3_bucket_object_versioning", "s3-bucket-versioning", "bucket", ALL),
    ("s3_bucket_level_public_access_block", "s3-bucket-public-access-block", "bucket", ALL),
    ("s3_bucket_server_access_logging_enabled", "s3-bucket-access-logging", "bucket", ALL),
    ("s3_bucket_public_access", "s3-bucket-no-public-grants", "bucket", ALL),
    ("s3_bucket_secure_transport_policy", "s3-bucket-secure-transport", "bucket", ALL),
    # vouch judges MFA Delete on versioned buckets only (it needs versioning; CIS 2.1.2).
    ("s3_bucket_no_mfa_delete", "s3-bucket-mfa-delete", "bucket",
     lambda f: f.get("versioning") == "Enabled"),
    # vouch judges Object Lock on buckets tagged purpose=audit-logs|backups only.
    ("s3_bucket_object_lock", "s3-bucket-object-lock", "bucket",
     lambda f: f.get("purpose") in ("audit-logs", "backups")),
    ("s3_account_level_public_access_blocks", "s3-account-public-access-block", "account", ALL),
    ("kms_cmk_rotation_enabled", "kms-key-rotation-enabled", "key", ALL),
    ("kms_key_not_publicly_accessible", "kms-key-policy-not-public", "key", ALL),
    ("kms_cmk_not_deleted_unintentionally", "kms-key-not-pending-deletion", "key", ALL),
    ("guardduty_is_enabled", "guardduty-enabled", "region", ALL),
    ("guardduty_s3_protection_enabled", "guardduty-s3-protection", "region", ALL),
    ("guardduty_no_high_severity_findings", "guardduty-high-findings-triaged", "region", ALL),
]

# Why the two tools differ on a seeded case; bench/README.md has the longer story.
EXPLAINED = {
    ("s3_bucket_public_access", "public-acl-ignored"):
        "IgnorePublicAcls is on, so S3 ignores the public ACL (vouch); Prowler only "
        "discounts ACLs when IgnorePublicAcls and RestrictPublicBuckets are both on",
    ("s3_bucket_secure_transport_policy", "tls-version"):
        "a Deny on NumericLessThan s3:TlsVersion also refuses plain HTTP (AWS knowledge "
        "center s3-enforce-modern-tls, CIS AWS 7.0 3.1.1); Prowler only knows aws:SecureTransport",
    ("s3_bucket_secure_transport_policy", "put-object-only"):
        "the Deny covers s3:PutObject only, so reads over HTTP are still allowed (vouch wants "
        "s3:* as CIS does); Prowler accepts s3:PutObject",
}


def explain(check, facts):
    if check == "s3_bucket_public_access" and facts.get("acl") and facts.get("pab") == "partial":
        return EXPLAINED[(check, "public-acl-ignored")]
    if check == "s3_bucket_secure_transport_policy":
        return EXPLAINED.get((check, facts.get("tls_policy")))
    return None


def key_of(how, arn, region, account):
    if how == "bucket":
        return arn.rsplit(":", 1)[-1] if arn.startswith("arn:aws:s3:::") else None
    if how == "key":
        return arn.rsplit("/", 1)[-1] if ":key/" in arn else None
    if how == "region":
        return region
    if how == "account":
        return account
    return None


def main():
    vouch = json.load(open(sys.argv[1]))
    prowler = json.load(open(sys.argv[2]))
    manifest = json.load(open(sys.argv[3]))
    account = manifest["account"]

    v = defaultdict(dict)  # rule -> key -> status
    for o in vouch["results"]:
        how = next((h for _, r, h, _ in PAIRS if r == o["rule_id"]), None)
        if how is None:
            continue
        res = o["resource"]
        region = o.get("evidence", {}).get("region")
        k = key_of(how, res.get("arn") or res["address"], region, o.get("evidence", {}).get("account", account))
        if k is not None:
            v[o["rule_id"]][k] = (o["status"], o["message"])
    p = defaultdict(dict)  # check -> key -> status
    for f in prowler:
        check = f["metadata"]["event_code"]
        how = next((h for c, _, h, _ in PAIRS if c == check), None)
        if how is None:
            continue
        for res in f["resources"]:
            k = key_of(how, res.get("uid", ""), res.get("region"), account)
            if how == "account":
                k = account
            if k is not None:
                p[check][k] = (f["status_code"].lower(), f.get("status_detail", ""))

    facts = {**manifest["buckets"], **manifest["keys"]}
    total = Counter()
    print(f"{'prowler check':40} {'vouch rule':31} {'agree':>6} {'differ':>6} "
          f"{'v-unk':>5} {'scope':>5} {'v-only':>6} {'p-only':>6}")
    details = []
    unexplained = 0
    for check, rule, _, in_scope in PAIRS:
        vs, ps = v.get(rule, {}), p.get(check, {})
        c = Counter()
        differ = []
        for k in sorted(set(vs) | set(ps)):
            a, b = vs.get(k), ps.get(k)
            if a is None:
                c["p-only"] += 1
            elif b is None:
                c["v-only"] += 1
            elif in_scope is not None and k in facts and not in_scope(facts[k]):
                c["scope"] += 1
            elif a[0] == "unknown" or b[0] == "manual":
                c["v-unk"] += 1
            elif a[0] == b[0]:
                c["agree"] += 1
            else:
                c["differ"] += 1
                why = explain(check, facts.get(k, {}))
                unexplained += why is None
                differ.append((k, a, b, why))
        total.update(c)
        print(f"{check:40} {rule:31} {c['agree']:6} {c['differ']:6} {c['v-unk']:5} {c['scope']:5} "
              f"{c['v-only']:6} {c['p-only']:6}")
        if differ:
            details.append((check, rule, differ))
    print(f"{'total':72} {total['agree']:6} {total['differ']:6} {total['v-unk']:5} {total['scope']:5} "
          f"{total['v-only']:6} {total['p-only']:6}")
    judged = total["agree"] + total["differ"]
    if judged:
        print(f"agreement where both judged: {total['agree']}/{judged} ({100.0 * total['agree'] / judged:.1f} %); "
              f"unexplained disagreements: {unexplained}")
    print("(v-unk: vouch unknown or Prowler MANUAL; scope: outside the vouch rule's scope, vouch "
          "passes it unjudged; v-only / p-only: judged by one tool only)")
    for check, rule, differ in details:
        print(f"\n-- {check} ~ {rule}: {len(differ)} disagreement(s), first 3:")
        for k, a, b, why in differ[:3]:
            print(f"   {k}: vouch {a[0]} ({a[1][:80]}); prowler {b[0]} ({b[1][:80]})")
            if k in facts:
                print(f"      seeded: {json.dumps(facts[k], sort_keys=True)}")
            print(f"      why: {why or 'UNEXPLAINED'}")
    return unexplained


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
