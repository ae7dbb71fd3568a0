#!/usr/bin/env bash
# The s3-tests IAM groups through tokengate (iam_user, iam_role, user_policy, role_policy, group,
# group_policy; ~20 s). S3Proxy has no IAM, so there is no direct baseline: every test that does
# not pass must be listed, with its reason, in conformance/known-iam-failures.txt (compare.py
# --alone). Exit status 1 on an unlisted failure or a listed test that now passes.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${S3TESTS_OUT:-$(mktemp -d -t tokengate-iam-groups.XXXXXX)}
mkdir -p "$OUT/proxy-iam"
# Serial: the suite's IAM cleanup deletes every user, group and role under its path prefix.
summary=$(S3TESTS_TARGET=proxy S3TESTS_CREDS=longterm S3TESTS_JOBS=1 S3TESTS_WORKDIR="$OUT/proxy-iam" \
  S3TESTS_SELECT='iam_user or iam_role or user_policy or role_policy or group or group_policy' \
  bash "$HERE/s3tests.sh" 2>"$OUT/proxy-iam.err" | tail -n 1)
echo "IAM groups through tokengate: $summary"
[ -f "$OUT/proxy-iam/junit.xml" ] || { echo "iam: no junit.xml (see $OUT/proxy-iam.err)" >&2; exit 1; }
python3 "$HERE/compare.py" --alone "$OUT/proxy-iam/junit.xml" --known "$HERE/known-iam-failures.txt"
