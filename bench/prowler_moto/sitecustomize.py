"""Lets Prowler reach S3 Control on a loopback moto; loaded by bench/aws only (PYTHONPATH).

botocore's S3 Control endpoint rules put the account ID in front of the host
(`https://{AccountId}.s3-control.{region}.amazonaws.com`), also for a custom endpoint, so with
AWS_ENDPOINT_URL=http://127.0.0.1:PORT it connects to `123456789012.127.0.0.1:PORT`, a name
that does not resolve: every account-level Block Public Access and access point call then
fails after retries (AWS_DISABLE_HOST_PREFIX_INJECTION does not help, the prefix comes from
the endpoint rules). moto routes `/v20180820/...` paths to S3 Control whatever the host, so
resolving `<anything>.127.0.0.1` to 127.0.0.1 is enough. Nothing else is changed.
"""

import socket

_getaddrinfo = socket.getaddrinfo


def _loopback_subdomains(host, *args, **kwargs):
    if isinstance(host, (str, bytes)):
        name = host.decode() if isinstance(host, bytes) else host
        if name.endswith(".127.0.0.1"):
            host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_subdomains
