"""Seeds a moto server with a mixed-compliance S3 / KMS / GuardDuty estate for bench/aws.

Usage: aws_seed.py ENDPOINT BUCKETS KEYS MANIFEST.json [--no-config-recorder]

Everything is derived from the resource's index, so a run is reproducible and the manifest
(what was seeded, per bucket and key) lets bench/aws explain verdicts. Loopback moto only:
the script refuses any endpoint that is not 127.0.0.1 / localhost.

Mix, per bucket i (region alternates us-east-1 / eu-west-1):
  encryption  i % 4: 0 none, 1 SSE-S3, 2 SSE-KMS with a customer key, 3 SSE-KMS (aws/s3 key)
  versioning  i % 3: 0 Enabled, 1 Suspended, 2 never configured
  tags        i % 25 == 0: purpose=backups, and every other one of those has Object Lock
              (GOVERNANCE, 30 days; which also turns versioning on)
  PAB         i % 5: 0, 1 all four on, 2 partial (ACL switches only), 3, 4 none
  logging     i % 7 == 0: to the region's log bucket
  ACL         i % 11 == 0: public-read, or a READ grant to AuthenticatedUsers (alternately)
  policy      i % 13 == 0: Allow s3:GetObject to Principal "*", to {"AWS": "*"}, or to "*" only
              from a VPC endpoint (in turn); i % 6 == 0: a Deny of non-TLS requests, mostly
              the standard `s3:*` + aws:SecureTransport false, sometimes with
              NumericLessThan s3:TlsVersion 1.2 instead, or denying s3:PutObject only
KMS key j (region alternates): rotation on when j % 2 == 0; j % 10 == 9 is disabled;
j % 20 == 7 is an asymmetric signing key (cannot rotate); j % 20 == 11 has a key policy
allowing kms:Decrypt to "*"; j % 20 == 13 is scheduled for deletion.
GuardDuty: one detector in us-east-1, none in eu-west-1.
AWS Config: in both regions a recorder of all supported types (continuous), delivering to
the region's log bucket, as a PCI DSS / SOC 2 estate has. Prowler's S3, KMS and GuardDuty
checks do not read Config, so this changes nothing they see; vouch's default
`--s3-source auto` reads the buckets' Config items (no recorder: `--no-config-recorder`).
"""

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import boto3
from botocore.config import Config

REGIONS = ["us-east-1", "eu-west-1"]
PREFIX = "vouch-bench"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    recorder = "--no-config-recorder" not in sys.argv
    endpoint, n_buckets, n_keys, manifest_path = args[0], int(args[1]), int(args[2]), args[3]
    host = urlparse(endpoint).hostname
    if host not in ("127.0.0.1", "localhost"):
        sys.exit(f"refusing to seed {endpoint}: loopback moto only")
    # One client per (service, region), shared by the threads: botocore clients are
    # thread-safe, and creating one per thread costs more than the seeding itself.
    cfg = Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=32,
                 s3={"addressing_style": "path"})
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    clients = {}

    def client(service, region):
        if (service, region) not in clients:
            clients[(service, region)] = session.client(service, region_name=region, endpoint_url=endpoint, config=cfg)
        return clients[(service, region)]

    for r in REGIONS:
        for service in ("s3", "kms"):
            client(service, r)

    account = client("sts", "us-east-1").get_caller_identity()["Account"]

    # Log target buckets first (one per region), with the ACL S3 requires for log delivery.
    log_buckets = {}
    for r in REGIONS:
        name = f"{PREFIX}-logs-{r}"
        create_bucket(client("s3", r), name, r)
        client("s3", r).put_bucket_acl(Bucket=name, ACL="log-delivery-write")
        log_buckets[r] = name
    log_facts = {name: {"index": None, "region": r, "log_bucket": True, "encryption": "none", "versioning": None,
                        "pab": "none", "acl": "log-delivery-write"} for r, name in log_buckets.items()}

    # KMS keys first: some buckets use a customer key of their region for SSE-KMS.
    def seed_key(j):
        r = REGIONS[j % 2]
        kms = client("kms", r)
        asym = j % 20 == 7
        if asym:
            k = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Description=f"{PREFIX} key {j}")
        else:
            k = kms.create_key(Description=f"{PREFIX} key {j}")
        kid = k["KeyMetadata"]["KeyId"]
        rotation = j % 2 == 0 and not asym
        if rotation:
            kms.enable_key_rotation(KeyId=kid)
        disabled = j % 10 == 9
        if disabled:
            kms.disable_key(KeyId=kid)
        public = j % 20 == 11
        if public:
            kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                     "Action": "kms:*", "Resource": "*"},
                    {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}))
        pending = j % 20 == 13
        if pending:
            kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        return kid, {"index": j, "region": r, "asymmetric": asym, "rotation": rotation, "disabled": disabled,
                     "public_policy": public, "pending_deletion": pending, "arn": k["KeyMetadata"]["Arn"]}

    with ThreadPoolExecutor(16) as pool:
        keys = dict(pool.map(seed_key, range(n_keys)))
    cmk = {}
    for kid, k in keys.items():
        if not k["asymmetric"] and not k["disabled"]:
            cmk.setdefault(k["region"], k["arn"])

    def seed_bucket(i):
        r = REGIONS[i % 2]
        s3 = client("s3", r)
        name = f"{PREFIX}-{i:05d}"
        locked = i % 25 == 0 and (i // 25) % 2 == 1
        create_bucket(s3, name, r, object_lock=locked)
        facts = {"index": i, "region": r}
        if i % 25 == 0:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "purpose", "Value": "backups"}]})
            facts["purpose"] = "backups"
        if locked:
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
            facts["object_lock"] = True
        enc = ["none", "AES256", "aws:kms-cmk", "aws:kms"][i % 4]
        facts["encryption"] = enc
        if enc == "AES256":
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        elif enc == "aws:kms-cmk" and r in cmk:
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": cmk[r]},
                    "BucketKeyEnabled": True}
        elif enc.startswith("aws:kms"):
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
        else:
            rule = None
        if rule:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
        # Object Lock turns versioning on for good.
        versioning = "Enabled" if locked else ["Enabled", "Suspended", None][i % 3]
        facts["versioning"] = versioning
        if versioning and not locked:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
        if i % 7 == 0:
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
                "TargetBucket": log_buckets[r], "TargetPrefix": f"{name}/"}})
            facts["logging"] = True
        # Public grants before the public access block: S3 refuses them afterwards.
        if i % 11 == 0:
            if (i // 11) % 2 == 0:
                s3.put_bucket_acl(Bucket=name, ACL="public-read")
                facts["acl"] = "public-read"
            else:
                s3.put_bucket_acl(Bucket=name, GrantRead=f'uri="{AUTHENTICATED_USERS}"')
                facts["acl"] = "authenticated-users-read"
        statements = []
        if i % 13 == 0:
            variant = ["everyone", "everyone-from-vpce", "aws-star"][(i // 13) % 3]
            st = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                  "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
            if variant == "everyone-from-vpce":
                st["Condition"] = {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}
            elif variant == "aws-star":
                st["Principal"] = {"AWS": "*"}
            statements.append(st)
            facts["public_policy"] = variant
        if i % 6 == 0:
            variant = ["secure-transport", "secure-transport", "tls-version", "put-object-only"][(i // 6) % 4]
            st = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                  "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
            if variant == "tls-version":
                st["Condition"] = {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
            elif variant == "put-object-only":
                st["Action"] = "s3:PutObject"
            statements.append(st)
            facts["tls_policy"] = variant
        if statements:
            s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        pab = i % 5
        if pab in (0, 1):
            conf = dict(BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)
            facts["pab"] = "full"
        elif pab == 2:
            conf = dict(BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=False, RestrictPublicBuckets=False)
            facts["pab"] = "partial"
        else:
            conf = None
            facts["pab"] = "none"
        if conf:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=conf)
        return name, facts

    with ThreadPoolExecutor(16) as pool:
        buckets = dict(pool.map(seed_bucket, range(n_buckets)))
    buckets.update(log_facts)

    detector = client("guardduty", "us-east-1").create_detector(Enable=True)["DetectorId"]
    recorders = {}
    if recorder:
        for r in REGIONS:
            config = client("config", r)
            config.put_configuration_recorder(ConfigurationRecorder={
                "name": "default", "roleARN": f"arn:aws:iam::{account}:role/aws-config",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": r == "us-east-1"}})
            config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": log_buckets[r]})
            config.start_configuration_recorder(ConfigurationRecorderName="default")
            recorders[r] = "default"
    # moto builds a region's EC2 backend (default VPC, subnets, security groups, ...) on its
    # first EC2 request, about a second of its CPU; real AWS has no such cost. vouch lists the
    # account's regions through EC2 on every run, so the backends are built here, during
    # seeding, not inside the first timed run. (Prowler's S3, KMS and GuardDuty checks make no
    # EC2 request.)
    for r in REGIONS:
        client("ec2", r).describe_regions()
    manifest = {"account": account, "buckets": buckets, "log_buckets": log_buckets, "keys": keys,
                "guardduty": {"us-east-1": detector}, "config_recorders": recorders}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print(f"seeded {n_buckets} buckets (+{len(log_buckets)} log buckets), {len(keys)} KMS keys, "
          f"1 GuardDuty detector, {len(recorders)} Config recorder(s) in account {account}")


def create_bucket(s3, name, region, object_lock=False):
    args = {"Bucket": name}
    if region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if object_lock:
        args["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(**args)


if __name__ == "__main__":
    main()
