#!/usr/bin/env bash
# The s3-tests STS group (test_of_sts, without the 15-minute creds_expiry) through tokengate, in the
# two account shapes the suite assumes (~15 s):
#  - the [iam]/alt tests (CreateRole, AssumeRole, GetSessionToken) expect Ceph RGW's tenant-less
#    ARNs (CreateRole answers arn:aws:iam:::role/NAME): run with accountId "" (PolicyDialect
#    RGW_TENANTLESS);
#  - the [iam root] tests (GetCallerIdentity) expect an account root, arn:aws:iam::ACCOUNT:root:
#    run with the default 12-digit account.
# Every selected test must pass (S3Proxy has no STS, so there is no direct baseline); a selection
# that runs fewer tests than it should also fails, so an empty run cannot pass.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${S3TESTS_OUT:-$(mktemp -d -t tokengate-sts.XXXXXX)}
rc=0
run() {  # run NAME ACCOUNT K EXPECTED
  local name=$1 account=$2 k=$3 expected=$4
  mkdir -p "$OUT/$name"
  summary=$(S3TESTS_TARGET=proxy S3TESTS_CREDS=longterm S3TESTS_JOBS=1 S3TESTS_WORKDIR="$OUT/$name" \
    S3TESTS_ACCOUNT="$account" S3TESTS_SELECT='test_of_sts' S3TESTS_K="not creds_expiry and $k" \
    bash "$HERE/s3tests.sh" 2>"$OUT/$name.err" | tail -n 1)
  echo "test_of_sts ($name): $summary"
  if [ ! -f "$OUT/$name/junit.xml" ]; then
    echo "sts: no junit.xml (see $OUT/$name.err)" >&2; rc=1; return
  fi
  python3 "$HERE/compare.py" --alone "$OUT/$name/junit.xml" || rc=1
  ran=$(python3 -c 'import sys, xml.etree.ElementTree as E; print(sum(1 for _ in E.parse(sys.argv[1]).getroot().iter("testcase")))' "$OUT/$name/junit.xml")
  if [ "$ran" -lt "$expected" ]; then
    echo "sts: $name ran $ran tests, expected $expected" >&2; rc=1
  fi
}
run rgw-tenantless "" "not get_caller_identity" 5
run account 123456789012 "get_caller_identity" 3
exit $rc
