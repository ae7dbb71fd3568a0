#!/usr/bin/env bash
# The s3-tests gate: runs the same selection directly against S3Proxy and through tokengate, then
# diffs the results by test id (conformance/compare.py). Exit status 1 on a regression not listed
# in conformance/known-regressions.txt.
#   bash conformance/run.sh                  # long-term keys
#   S3TESTS_CREDS=session bash conformance/run.sh   # through the proxy on GetSessionToken credentials
#   S3TESTS_MODES='longterm session' bash conformance/run.sh   # one direct run, both proxy modes (CI)
# Other S3TESTS_* variables are passed to conformance/s3tests.sh (e.g. S3TESTS_K for a subset).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${S3TESTS_OUT:-$(mktemp -d -t tokengate-conformance.XXXXXX)}
# S3TESTS_MODES: the proxy runs to compare with the one direct run ("longterm session" in CI).
MODES=${S3TESTS_MODES:-${S3TESTS_CREDS:-longterm}}
mkdir -p "$OUT/direct"
echo "conformance: results in $OUT" >&2
direct_summary=$(S3TESTS_TARGET=s3proxy S3TESTS_WORKDIR="$OUT/direct" S3TESTS_CREDS=longterm \
  bash "$HERE/s3tests.sh" 2>"$OUT/direct.err" | tail -n 1)
echo "direct (S3Proxy alone):          $direct_summary"
known=()
[ -f "$HERE/known-regressions.txt" ] && known=(--known "$HERE/known-regressions.txt")
rc=0
for mode in $MODES; do
  mkdir -p "$OUT/proxy-$mode"
  proxy_summary=$(S3TESTS_TARGET=proxy S3TESTS_CREDS="$mode" S3TESTS_WORKDIR="$OUT/proxy-$mode" \
    bash "$HERE/s3tests.sh" 2>"$OUT/proxy-$mode.err" | tail -n 1)
  echo "through tokengate ($mode keys): $proxy_summary"
  python3 "$HERE/compare.py" "$OUT/direct/junit.xml" "$OUT/proxy-$mode/junit.xml" "${known[@]}" || rc=1
done
exit $rc
