"""pytest plugin (tokengate's own): the POST Object half of running the suite on session credentials.

The shared runner's plugin gives every boto3 client the suite builds the session token of its access
key. The suite's POST Object tests sign browser forms by hand with requests.post and the main
access key, so with a temporary (ASIA...) key the form also needs the session's token: this adds an
x-amz-security-token field, before the file part, to any form whose AWSAccessKeyId has a token in
S3TESTS_SESSION_TOKENS ("AKID=token[,AKID2=token2...]"). The policy needs no condition for it.
"""
import os
from collections import OrderedDict

import requests


def _tokens():
    out = {}
    for item in os.environ.get("S3TESTS_SESSION_TOKENS", "").split(","):
        if "=" in item:
            akid, tok = item.split("=", 1)
            if akid.strip() and tok.strip():
                out[akid.strip()] = tok.strip()
    return out


_TOKENS = _tokens()
_post = requests.post


def _with_token(files):
    if not isinstance(files, dict):
        return files
    akid = next((v for k, v in files.items() if k.lower() == "awsaccesskeyid"), None)
    token = _TOKENS.get(akid) if isinstance(akid, str) else None
    if token is None or any(k.lower() == "x-amz-security-token" for k in files):
        return files
    out = OrderedDict()
    for k, v in files.items():
        if k == "file":
            out["x-amz-security-token"] = token
        out[k] = v
    return out


def _post_with_token(url, *args, **kwargs):
    if "files" in kwargs:
        kwargs["files"] = _with_token(kwargs["files"])
    return _post(url, *args, **kwargs)


if _TOKENS:
    requests.post = _post_with_token
