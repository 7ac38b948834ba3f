"""moto server for vouch's AWS collector tests, with three fixes and a fault switch.

Wraps moto 5.2.5's WSGI dispatcher and:
  * rewrites S3 GetBucketVersioning's root element (moto: GetBucketVersioningResponse, the
    service and the SDK: VersioningConfiguration);
  * rewrites Config's "2026-11-25 01:35:52.926551+00:00" timestamps into epoch seconds, the
    awsJson1_1 wire format the SDK parses;
  * serializes the group grantees of an S3 bucket's AWS Config item the way AWS Config does
    ("AllUsers", "AuthenticatedUsers", "LogDelivery"): moto 5.2.5 only handles the
    .../groups/s3/ URIs and raises IndexError on the .../groups/global/ ones, so a
    BatchGetResourceConfig batch holding any bucket with a public ACL grant answered HTTP 500.
    Only the encoding changes; the grants are moto's own;
  * adds the zone (UTC) to Macie GetMacieSession's createdAt/updatedAt, which moto 5.2.5
    writes without one and the SDK then cannot parse;
  * injects faults for chosen operations, set through a control endpoint:
      POST   /__vouch/faults  {"rules": [{"operation": "GetBucketEncryption", "code": "AccessDenied",
                                          "status": 403, "bucket": "optional", "region": "optional",
                                          "skip": 0, "times": null, "delay": 0}]}
      DELETE /__vouch/faults  (clears every rule)
      GET    /__vouch/calls   (operations seen so far, for assertions; `buckets` pairs each
                               S3 bucket operation with its bucket)
    `skip` lets that many matching requests through before the rule fires (to fail the second
    page of a listing); `times` limits how often a rule fires (then it is spent); `delay`
    sleeps before answering (to test timeouts); `region` matches the region the request was
    signed for. Only read
    operations are matched, so seeding is never disturbed (operations named by X-Amz-Target,
    such as the Resource Groups Tagging API's GetResources, are matched by that name).
    IAM and ElastiCache speak the query protocol: the operation is the form body's Action,
    and errors are wrapped in ErrorResponse; EC2's reads (Describe*, Get*) are matched the same
    way and answer EC2's <Response><Errors> document; REST-JSON reads are named by their paths
    (Access Analyzer's ListAnalyzers is GET /analyzer; API Gateway v1 /restapis..., v2
    /v2/apis...; Security Hub, Inspector, Macie and GuardDuty findings by route, REST_READS)
    and answer JSON errors with x-amzn-ErrorType;
  * bridges CloudWatch's Smithy RPC v2 CBOR protocol (the Rust SDK's default since 2025) to
    the JSON protocol moto 5.2.5 serves: POST /service/GraniteServiceVersion20100801/operation/OP
    with a CBOR body becomes OP with X-Amz-Target and a JSON body, and moto's JSON answer (or
    error) goes back as CBOR (fields named *Timestamp as CBOR epoch timestamps). Faults name
    the operation as usual;
  * matches SNS read actions (query protocol, like IAM) for faults, with ErrorResponse errors;
  * on request, completes an S3 bucket's AWS Config item with the supplementary fields AWS
    Config records and moto 5.2.5 leaves out (awslabs/aws-config-resource-schema,
    AWS::S3::Bucket: ServerSideEncryptionConfiguration, BucketVersioningConfiguration,
    ObjectLockConfiguration), each from moto's own S3 state, i.e. what GetBucketEncryption,
    GetBucketVersioning and GetObjectLockConfiguration answer for that bucket. A bucket with
    no default encryption, or without Object Lock, gets no such key (the item then says
    nothing, and a collector must ask S3). Off by default, so the tests see moto's items as
    they are; `bench/aws` turns it on to measure against items shaped like AWS's:
      POST   /__vouch/config-items  {"complete": true}

The server speaks HTTP/1.1 with keep-alive, as AWS endpoints do (werkzeug's default is
HTTP/1.0, a new connection per request).

Loopback only. Never point this at anything but tests.
"""

import datetime
import io
import json
import re
import struct
import sys
import threading
import time
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import WSGIRequestHandler, run_simple

S3_SUBRESOURCES = {
    "encryption": "GetBucketEncryption",
    "publicAccessBlock": "GetPublicAccessBlock",
    "policyStatus": "GetBucketPolicyStatus",
    "policy": "GetBucketPolicy",
    "acl": "GetBucketAcl",
    "versioning": "GetBucketVersioning",
    "logging": "GetBucketLogging",
    "object-lock": "GetObjectLockConfiguration",
    "location": "GetBucketLocation",
    "ownershipControls": "GetBucketOwnershipControls",
    "tagging": "GetBucketTagging",
}

# Read operations of REST-JSON services matched by (credential-scope service, method, path).
REST_READS = {
    ("securityhub", "GET", "/accounts"): "DescribeHub",
    ("securityhub", "POST", "/standards/get"): "GetEnabledStandards",
    ("inspector2", "POST", "/status/batch/get"): "BatchGetAccountStatus",
    ("macie2", "GET", "/macie"): "GetMacieSession",
    ("macie2", "GET", "/automated-discovery/configuration"): "GetAutomatedDiscoveryConfiguration",
    ("macie2", "POST", "/jobs/list"): "ListClassificationJobs",
}
JSON_ERROR_SERVICES = ("guardduty", "securityhub", "inspector2", "macie2", "access-analyzer", "apigateway")

# Query-protocol services and the prefixes of the actions vouch may call (IAM's
# GenerateCredentialReport is read-only in effect: it only refreshes the report); writes used
# for seeding are never matched.
QUERY_READ_PREFIXES = {
    "iam": ("Get", "List", "GenerateCredentialReport"),
    "ec2": ("Describe", "Get"),
    "elasticache": ("Describe", "List"),
    "sns": ("Get", "List"),
}

# moto 5.2.5 writes Macie's session times without a zone ("2026-12-04T17:48:31.847364"); the
# service sends ISO 8601 in UTC with one, and the SDK rejects a time without it.
MACIE_TS = re.compile(rb'"((?:created|updated)At)": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)"')
CONFIG_TS = re.compile(rb'"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?)"')

_lock = threading.Lock()
_complete_items = False
_rules = []
_calls = []
_bucket_calls = []


def operation_of(environ):
    """Best-effort (service, operation, bucket) of a request; None when it is a write."""
    method = environ.get("REQUEST_METHOD", "GET")
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        service, _, op = target.partition(".")
        return op, None
    path = environ.get("PATH_INFO", "")
    cbor = CBOR_PATH.match(path)
    if cbor:
        return cbor.group(2), None
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/", auth)
    service = scope.group(2) if scope else ""
    if service == "guardduty" and method == "GET":
        parts = [p for p in path.split("/") if p]
        if parts == ["detector"]:
            return "ListDetectors", None
        if len(parts) == 2 and parts[0] == "detector":
            return "GetDetector", None
        return None, None
    # REST read operations of Security Hub, Inspector, Macie and GuardDuty findings, by route.
    if (service, method, path.rstrip("/")) in REST_READS:
        return REST_READS[(service, method, path.rstrip("/"))], None
    if service == "guardduty" and method == "POST":
        parts = [p for p in path.split("/") if p]
        if len(parts) == 3 and parts[0] == "detector" and parts[2] == "findings":
            return "ListFindings", None
        if len(parts) == 4 and parts[0] == "detector" and parts[2:] == ["findings", "get"]:
            return "GetFindings", None
        return None, None
    if service == "s3" and method == "GET":
        parts = [p for p in path.split("/") if p]
        if not parts:
            return "ListBuckets", None
        if len(parts) == 1:
            for key, op in S3_SUBRESOURCES.items():
                if key in query:
                    return op, parts[0]
        return None, None
    if service == "sts":
        return "GetCallerIdentity", None
    if service == "access-analyzer" and method == "GET":
        # REST JSON; moto 5.2.5 has no Access Analyzer, so only injected faults answer well.
        if [p for p in path.split("/") if p] == ["analyzer"]:
            return "ListAnalyzers", None
    if service == "apigateway" and method == "GET":
        # REST API Gateway (v1: /restapis, v2: /v2/apis), read operations only.
        parts = [p for p in path.split("/") if p]
        if parts == ["restapis"]:
            return "GetRestApis", None
        if len(parts) == 3 and parts[0] == "restapis" and parts[2] == "resources":
            return "GetResources", None
        if parts == ["v2", "apis"]:
            return "GetApis", None
        if len(parts) == 4 and parts[:2] == ["v2", "apis"] and parts[3] == "routes":
            return "GetRoutes", None
        return None, None
    if service in QUERY_READ_PREFIXES and method == "POST":
        # Query protocol: the operation is the form body's Action. Read the body once and put
        # it back for moto; only reads are matched (seeding writes never are).
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if action.startswith(QUERY_READ_PREFIXES[service]):
            return action, None
        return None, None
    return None, None


def region_of(environ):
    """The region a request was signed for (its credential scope), or None."""
    scope = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return scope.group(1) if scope else None


def error_response(start_response, rule, environ):
    code = rule.get("code", "AccessDenied")
    status = int(rule.get("status", 403))
    message = rule.get("message", "injected by vouch moto shim")
    reason = {400: "Bad Request", 403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error")
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if CBOR_PATH.match(environ.get("PATH_INFO", "")):
        body = cbor_encode({"__type": code, "message": message})
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif environ.get("HTTP_X_AMZ_TARGET") or any(f"/{s}/aws4_request" in auth for s in JSON_ERROR_SERVICES):
        body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
    elif any(f"/{s}/aws4_request" in auth for s in ("iam", "elasticache", "sns")):
        # The query protocol wraps the error in ErrorResponse (the SDK rejects a bare Error).
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type>'
            "<Code>%s</Code><Message>%s</Message></Error><RequestId>vouch</RequestId></ErrorResponse>"
            % (code, message)
        ).encode()
        headers = [("Content-Type", "text/xml")]
    elif "/ec2/aws4_request" in auth:
        # The EC2 query protocol's error document.
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
            "<Message>%s</Message></Error></Errors><RequestID>vouch</RequestID></Response>"
            % (code, message)
        ).encode()
        headers = [("Content-Type", "text/xml")]
    else:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            "<RequestId>vouch</RequestId></Error>" % (code, message)
        ).encode()
        headers = [("Content-Type", "application/xml")]
    headers.append(("Content-Length", str(len(body))))
    start_response("%d %s" % (status, reason), headers)
    return [body]


def control(environ, start_response):
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "")
    global _rules, _complete_items
    with _lock:
        if path == "/__vouch/faults" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            data = json.loads(environ["wsgi.input"].read(length) or b"{}")
            _rules = list(data.get("rules", []))
        elif path == "/__vouch/faults" and method == "DELETE":
            _rules = []
        elif path == "/__vouch/config-items" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            _complete_items = bool(json.loads(environ["wsgi.input"].read(length) or b"{}").get("complete"))
        elif path == "/__vouch/calls" and method == "DELETE":
            _calls.clear()
            _bucket_calls.clear()
        body = json.dumps({"rules": _rules, "calls": _calls, "buckets": _bucket_calls}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _fix_config_acl_grantees():
    """moto's FakeAcl.to_config_dict with group grantees named by their last URI segment."""
    from moto.s3 import models

    def to_config_dict(self):
        data = {"grantSet": None, "owner": {"displayName": None, "id": models.OWNER}}
        grant_list = []
        for grant in self.grants:
            permissions = grant.permissions if isinstance(grant.permissions, list) else [grant.permissions]
            for permission in permissions:
                for grantee in grant.grantees:
                    if grantee.uri:
                        who = grantee.uri.rstrip("/").rsplit("/", 1)[-1]
                    else:
                        who = {"id": grantee.id, "displayName": grantee.display_name or None}
                    grant_list.append({"grantee": who, "permission": models.CAMEL_CASED_PERMISSIONS[permission]})
        if grant_list:
            data["grantList"] = grant_list
        return data

    models.FakeAcl.to_config_dict = to_config_dict


def _complete_config_items():
    """moto's FakeBucket.to_config_dict, plus the fields AWS Config records when asked to."""
    from moto.s3 import models

    original = models.FakeBucket.to_config_dict

    def to_config_dict(self):
        data = original(self)
        if not _complete_items:
            return data
        supp = data["supplementaryConfiguration"]
        rule = (self.encryption or {}).get("Rule")
        if rule:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            supp["ServerSideEncryptionConfiguration"] = {
                "rules": [
                    {
                        "applyServerSideEncryptionByDefault": {
                            "sseAlgorithm": default.get("SSEAlgorithm"),
                            "kmsMasterKeyID": default.get("KMSMasterKeyID"),
                        },
                        "bucketKeyEnabled": str(rule.get("BucketKeyEnabled", "false")).lower() == "true",
                    }
                ]
            }
        # moto models no MFA Delete: its GetBucketVersioning never states one.
        supp["BucketVersioningConfiguration"] = {
            "status": self.versioning_status or "Off",
            "isMfaDeleteEnabled": None,
        }
        if self.object_lock_enabled:
            lock = {"objectLockEnabled": "Enabled"}
            if self.default_lock_mode:
                lock["rule"] = {
                    "defaultRetention": {
                        "mode": self.default_lock_mode,
                        "days": self.default_lock_days or None,
                        "years": self.default_lock_years or None,
                    }
                }
            supp["ObjectLockConfiguration"] = lock
        return data

    models.FakeBucket.to_config_dict = to_config_dict


def make_app():
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/__vouch/"):
            return control(environ, start_response)
        op, bucket = operation_of(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        fired = None
        with _lock:
            if op:
                _calls.append(op)
                if bucket:
                    _bucket_calls.append([op, bucket])
            for rule in _rules:
                if op is None or rule.get("operation") != op:
                    continue
                if rule.get("bucket") and rule.get("bucket") != bucket:
                    continue
                if rule.get("region") and rule.get("region") != region_of(environ):
                    continue
                skip = rule.get("skip") or 0
                if skip > 0:
                    rule["skip"] = skip - 1
                    continue
                times = rule.get("times")
                if times is not None:
                    if times <= 0:
                        continue
                    rule["times"] = times - 1
                fired = dict(rule)
                break
        if fired is not None:
            if fired.get("delay"):
                time.sleep(float(fired["delay"]))
            if fired.get("code"):
                return error_response(start_response, fired, environ)

        cbor = CBOR_PATH.match(environ.get("PATH_INFO", ""))
        if cbor:
            return cbor_bridge(moto_app, environ, start_response, cbor.group(1), cbor.group(2))

        is_versioning = op == "GetBucketVersioning" or (
            environ.get("REQUEST_METHOD") == "GET" and "versioning" in environ.get("QUERY_STRING", "")
        )
        is_config = target.startswith("StarlingDoveService.")
        is_macie_session = op == "GetMacieSession"
        if not (is_versioning or is_config or is_macie_session):
            return moto_app(environ, start_response)

        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None

        body = b"".join(moto_app(environ, capture))
        if is_versioning:
            body = body.replace(b"GetBucketVersioningResponse", b"VersioningConfiguration")
        if is_config:
            body = CONFIG_TS.sub(_to_epoch, body)
        if is_macie_session:
            body = MACIE_TS.sub(rb'"\1": "\2Z"', body)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]

    return app


CBOR_PATH = re.compile(r"^/service/(GraniteServiceVersion20100801)/operation/(\w+)$")


def cbor_bridge(moto_app, environ, start_response, service, op):
    """One RPC v2 CBOR request answered by moto's JSON protocol (see the module docstring)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    request = cbor_decode(raw)[0] if raw else {}
    body = json.dumps(request or {}).encode()
    environ = dict(environ)
    environ["PATH_INFO"] = "/"
    environ["HTTP_X_AMZ_TARGET"] = "%s.%s" % (service, op)
    environ["CONTENT_TYPE"] = "application/x-amz-json-1.0"
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = io.BytesIO(body)
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"] = status
        return lambda data: None

    answer = b"".join(moto_app(environ, capture))
    try:
        value = json.loads(answer) if answer.strip() else {}
    except ValueError:
        value = {"__type": "InternalFailure", "message": answer.decode("utf-8", "replace")[:200]}
    out = cbor_encode(value)
    start_response(
        captured.get("status", "500 Internal Server Error"),
        [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"), ("Content-Length", str(len(out)))],
    )
    return [out]


def _cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def cbor_encode(v, key=""):
    if key.endswith("Timestamp") and isinstance(v, (int, float, str)) and not isinstance(v, bool):
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
        return b"\xc1\xfb" + struct.pack(">d", float(v))
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return _cbor_head(0, v) if v >= 0 else _cbor_head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        return _cbor_head(3, len(b)) + b
    if isinstance(v, list):
        return _cbor_head(4, len(v)) + b"".join(cbor_encode(x, key) for x in v)
    if isinstance(v, dict):
        return _cbor_head(5, len(v)) + b"".join(cbor_encode(k) + cbor_encode(x, k) for k, x in v.items())
    raise ValueError("cannot encode %r as CBOR" % (v,))


def cbor_decode(data, i=0):
    """(value, next index) of the CBOR item at data[i]; byte strings become latin-1 text."""
    ib = data[i]
    major, ai = ib >> 5, ib & 31
    i += 1
    n = None
    if ai < 24:
        n = ai
    elif ai in (24, 25, 26, 27):
        size = 1 << (ai - 24)
        n = int.from_bytes(data[i:i + size], "big")
        if major == 7:
            fmt = {2: ">e", 4: ">f", 8: ">d"}[size]
            return struct.unpack(fmt, data[i:i + size])[0], i + size
        i += size
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        if n is None:
            parts = []
            while data[i] != 0xFF:
                part, i = cbor_decode(data, i)
                parts.append(part)
            return "".join(parts), i + 1
        chunk = data[i:i + n]
        return (chunk.decode() if major == 3 else chunk.decode("latin-1")), i + n
    if major == 4:
        items = []
        while (len(items) < n) if n is not None else (data[i] != 0xFF):
            item, i = cbor_decode(data, i)
            items.append(item)
        return items, (i if n is not None else i + 1)
    if major == 5:
        out = {}
        while (len(out) < n) if n is not None else (data[i] != 0xFF):
            k, i = cbor_decode(data, i)
            out[k], i = cbor_decode(data, i)
        return out, (i if n is not None else i + 1)
    if major == 6:
        return cbor_decode(data, i)
    return {20: False, 21: True, 22: None, 23: None}.get(ai), i


def _to_epoch(match):
    text = match.group(1).decode()
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return match.group(0)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return ("%.3f" % value.timestamp()).encode()


if __name__ == "__main__":
    _fix_config_acl_grantees()
    _complete_config_items()
    WSGIRequestHandler.protocol_version = "HTTP/1.1"
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    run_simple("127.0.0.1", port, make_app(), threaded=True)
