#!/usr/bin/env bash
# The s3-tests web-identity group (webidentity_test: the session_policy, abac and token_* tests,
# 27 live) through tokengate, against our own OIDC issuer (conformance/oidc_issuer.py, started by
# s3tests.sh with S3TESTS_WEBIDENTITY=1 on 127.0.0.1:8080: the suite hard-codes
# http://localhost:8080/auth/realms/REALM). The tests assert Ceph RGW's tenant-less ARNs
# (arn:aws:iam:::role/NAME), so the proxy runs with accountId "" (PolicyDialect RGW_TENANTLESS).
# About 1 min (20 s of tests). S3Proxy has no STS, so there is no direct baseline: every test that does not pass must be
# listed with its reason in conformance/known-webidentity-failures.txt (compare.py --alone), and a
# run of fewer tests than the group has fails too.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${S3TESTS_OUT:-$(mktemp -d -t tokengate-webidentity.XXXXXX)}
EXPECTED=27
mkdir -p "$OUT/webidentity"
# Serial: the tests share the fixed bucket name test1 and one OIDC provider URL.
summary=$(S3TESTS_TARGET=proxy S3TESTS_CREDS=longterm S3TESTS_JOBS=1 S3TESTS_WORKDIR="$OUT/webidentity" \
  S3TESTS_ACCOUNT="" S3TESTS_SELECT='webidentity_test' S3TESTS_WEBIDENTITY=1 \
  bash "$HERE/s3tests.sh" 2>"$OUT/webidentity.err" | tail -n 1)
echo "webidentity_test through tokengate: $summary"
if [ ! -f "$OUT/webidentity/junit.xml" ]; then
  echo "webidentity: no junit.xml (see $OUT/webidentity.err)" >&2; tail -n 5 "$OUT/webidentity.err" >&2; exit 1
fi
rc=0
python3 "$HERE/compare.py" --alone "$OUT/webidentity/junit.xml" --known "$HERE/known-webidentity-failures.txt" || rc=1
ran=$(python3 -c 'import sys, xml.etree.ElementTree as E; print(sum(1 for _ in E.parse(sys.argv[1]).getroot().iter("testcase")))' "$OUT/webidentity/junit.xml")
if [ "$ran" -lt "$EXPECTED" ]; then
  echo "webidentity: ran $ran tests, expected $EXPECTED" >&2; rc=1
fi
exit $rc
