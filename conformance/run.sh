#!/usr/bin/env bash
# The s3-tests gate: runs the same selection directly against S3Proxy and through tokengate, then
# diffs the results by test id (conformance/compare.py). Exit status 1 on a regression not listed
# in conformance/known-regressions.txt.
#   bash conformance/run.sh                  # long-term keys
#   S3TESTS_CREDS=session bash conformance/run.sh   # through the proxy on GetSessionToken credentials
# Other S3TESTS_* variables are passed to conformance/s3tests.sh (e.g. S3TESTS_K for a subset).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${S3TESTS_OUT:-$(mktemp -d -t tokengate-conformance.XXXXXX)}
mkdir -p "$OUT/direct" "$OUT/proxy"
echo "conformance: results in $OUT" >&2
direct_summary=$(S3TESTS_TARGET=s3proxy S3TESTS_WORKDIR="$OUT/direct" S3TESTS_CREDS=longterm \
  bash "$HERE/s3tests.sh" 2>"$OUT/direct.err" | tail -n 1)
proxy_summary=$(S3TESTS_TARGET=proxy S3TESTS_WORKDIR="$OUT/proxy" bash "$HERE/s3tests.sh" 2>"$OUT/proxy.err" | tail -n 1)
echo "direct (S3Proxy alone):          $direct_summary"
echo "through tokengate (${S3TESTS_CREDS:-longterm} keys): $proxy_summary"
known=()
[ -f "$HERE/known-regressions.txt" ] && known=(--known "$HERE/known-regressions.txt")
python3 "$HERE/compare.py" "$OUT/direct/junit.xml" "$OUT/proxy/junit.xml" "${known[@]}"
