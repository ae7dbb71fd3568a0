#!/usr/bin/env bash
# Runs Jazzer fuzz targets for a long time, one after another, and prints a line per target.
#   scripts/fuzz.sh [seconds-per-target] [module:Class#method ...]
# With no targets given, all of them. Needs a prior `mvn -B install -DskipTests` (or Maven online).
# Findings are written under <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-*
# and make the run fail; the generated corpus stays in <module>/.cifuzz-corpus/ (ignored by git).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    sigv4:AuthorizationParserFuzzTest#header
    sigv4:AuthorizationParserFuzzTest#presignedQuery
    sigv4:CanonicalRequestFuzzTest#canonicalRequest
    sigv4:AwsChunkedParserFuzzTest#arbitraryBody
    sigv4:AwsChunkedParserFuzzTest#roundTrip
    policy:PolicyFuzzTest#parseAndEvaluate
    proxy:S3RequestModelFuzzTest#model
    proxy:S3RequestModelFuzzTest#deleteObjectsBody
    proxy:StsRequestFuzzTest#parse
    proxy:SessionTokenFuzzTest#open
    proxy:SessionTokenFuzzTest#decodeContent
  )
fi
mkdir -p target/fuzz
status=0
for t in "${targets[@]}"; do
  module=${t%%:*}
  test=${t#*:}
  log="target/fuzz/${test//#/_}.log"
  start=$(date +%s)
  JAZZER_FUZZ=1 mvn -B -o -ntp test -pl "$module" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dtest="$test" -Djazzer.internal.arg.0=fuzz "-Djazzer.internal.arg.1=-max_total_time=$seconds" \
      >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  # libFuzzer's last status line: "#<execs> DONE cov: <edges> ft: <features> corp: <n>/<size> ... exec/s: <rate>"
  last=$(grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | tr -s '[:space:]' ' ')
  done_line=$(grep -a '^Done [0-9]* runs' "$log" | tail -1)
  last="${done_line:+$done_line; }$last"
  verdict=$([ $rc -eq 0 ] && echo ok || echo FAILED)
  [ $rc -eq 0 ] || status=1
  echo "$t  ${took}s  $verdict  ${last:-no libFuzzer status line (see $log)}"
done
exit $status
