#!/usr/bin/env bash
# Manual conformance tool: runs the ceph/s3-tests peer suite through tokengate (or, for the
# baseline, directly against an S3Proxy started the way tokengate starts its embedded backend).
# Slow (6+ minutes on 2 cores). See conformance/README.md; conformance/run.sh runs both sides and diffs.
#
# Usage:  bash conformance/s3tests.sh                      # through the proxy, default selection
#         S3TESTS_TARGET=s3proxy bash conformance/s3tests.sh   # baseline: same selection, bare S3Proxy
#
# Environment (defaults in brackets):
#   S3TESTS_TARGET   proxy | s3proxy  [proxy]
#   S3TESTS_SELECT   pytest -m expression  [the runner's default selection, see DEFAULT_SELECT]
#   S3TESTS_K        pytest -k expression  [none]
#   S3TESTS_TARBALL  the pinned suite  [<repo>/../shared/conformance/s3-tests.tar.gz]
#   S3TESTS_RUNNER   the runner script [<repo>/../shared/conformance/s3tests-run.sh]
#   S3TESTS_JOBS     xdist workers     [2 if pytest-xdist is importable, else 1]
#   S3TESTS_TIMEOUT  per-test timeout in seconds [120]
#   S3TESTS_WORKDIR  where the suite's conf, pytest.log and junit.xml are kept [new /tmp dir, printed]
#   S3TESTS_BACKEND  transient | filesystem | embedded  [transient]: the S3Proxy jclouds provider. The
#                    script starts S3Proxy 4.1.0 itself (properties and JVM flags as EmbeddedBackend)
#                    and points tokengate's `backend:` at it; "embedded" = tokengate's own child
#                    (filesystem provider). Why not filesystem by default: S3Proxy 4.1.0's filesystem
#                    store answers ListObjectVersions with NotImplemented, which the suite's
#                    per-test cleanup always calls, so every test errors at teardown.
#   S3TESTS_ABORT_MPU  abort pending multipart uploads before DeleteBucket [1] (S3Proxy 4.x refuses
#                    DeleteBucket while uploads are pending; see the runner)
#   S3TESTS_SIGV2    proxy's acceptSigV2 (the auth_aws2 tests sign with SigV2) [true]
#   S3TESTS_CREDS    longterm | session  [longterm]: with "session" (proxy target only) main, alt
#                    and tenant each get temporary credentials from the proxy's own GetSessionToken,
#                    and every client the suite builds sends their x-amz-security-token
#   S3TESTS_WEBIDENTITY  1 = (proxy target only) start conformance/oidc_issuer.py on 127.0.0.1:8080,
#                    the suite's hard-coded issuer http://localhost:8080/auth/realms/REALM, add its
#                    [webidentity] section (tokens, aud, sub, azp, thumbprint, KC_REALM) to the
#                    suite's conf, and run the proxy with TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS=true
#                    (that http:// issuer); the issuer is stopped with the rest  [0]
#   S3TESTS_WEBIDENTITY_REALM  the realm name [s3tests]
# Extra arguments are passed to pytest.  Exit status: pytest's.  Last line: pytest's summary line.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED="$ROOT/../shared/conformance"
for candidate in "$ROOT/../shared/conformance" "$ROOT/../../shared/conformance" /work/shared/conformance; do
  if [ -f "$candidate/s3-tests.tar.gz" ]; then SHARED=$candidate; break; fi
done
TARBALL=${S3TESTS_TARBALL:-$SHARED/s3-tests.tar.gz}
RUNNER=${S3TESTS_RUNNER:-$SHARED/s3tests-run.sh}
TARGET=${S3TESTS_TARGET:-proxy}
JAR="$ROOT/proxy/target/tokengate.jar"
BACKEND=${S3TESTS_BACKEND:-transient}

# Default selection = s3-tests' own default S3 selection (the runner's, documented in
# ../shared/reference/s3tests.md): no fails_on_aws (RGW-only behaviour), and none of the groups
# that need features tokengate does not claim: IAM API (iam_*, user/group/role policies), the
# STS test group (needs IAM CreateRole/PutUserPolicy), web identity (needs a Keycloak OIDC IdP),
# S3 Select, SNS, bucket logging, lifecycle expiry/transition/cloud (long sleeps, Ceph-only).
DEFAULT_SELECT='not fails_on_aws and not fails_on_s3 and not s3select and not sns and not lifecycle_expiration and not lifecycle_transition and not cloud_transition and not cloud_restore and not bucket_logging and not webidentity_test and not iam_account and not iam_cross_account and not iam_tenant and not iam_user and not iam_role and not user_policy and not group and not group_policy and not role_policy and not test_of_sts'
SELECT=${S3TESTS_SELECT:-$DEFAULT_SELECT}

[ -f "$TARBALL" ] || { echo "s3tests: no suite tarball at $TARBALL (set S3TESTS_TARBALL)" >&2; exit 2; }
[ -f "$RUNNER" ] || { echo "s3tests: no runner at $RUNNER (set S3TESTS_RUNNER)" >&2; exit 2; }
case "$TARGET" in proxy|s3proxy) ;; *) echo "s3tests: S3TESTS_TARGET must be proxy or s3proxy" >&2; exit 2 ;; esac

if [ ! -f "$JAR" ]; then
  echo "s3tests: building $JAR" >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi

TMP=$(mktemp -d -t tokengate-s3tests.XXXXXX)
WORKDIR=${S3TESTS_WORKDIR:-$(mktemp -d -t tokengate-s3tests-results.XXXXXX)}
mkdir -p "$WORKDIR"
SERVER_PID=""
S3P_PID=""
IDP_PID=""
cleanup() {
  if [ -n "$IDP_PID" ] && kill -0 "$IDP_PID" 2>/dev/null; then
    kill "$IDP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$IDP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$IDP_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true        # the proxy's shutdown hook stops its S3Proxy child
    for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$S3P_PID" ] && kill -0 "$S3P_PID" 2>/dev/null; then
    kill "$S3P_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$S3P_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$S3P_PID" 2>/dev/null || true
  fi
  [ -f "$TMP/data/backend.log" ] && cp "$TMP/data/backend.log" "$WORKDIR/" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rand() { python3 -c 'import secrets,sys; print("".join(secrets.choice(sys.argv[1]) for _ in range(int(sys.argv[2]))))' "$1" "$2"; }
UPPER=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
akid() { echo "AKIA$(rand "$UPPER" 16)"; }
secret() { rand "${UPPER}abcdefghijklmnopqrstuvwxyz" 40; }
wait_for() {  # wait_for <pid> <log> <pattern> <what>
  for _ in $(seq 1 600); do
    grep -q "$3" "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || { echo "s3tests: $4 exited; its log:" >&2; tail -n 30 "$2" >&2; exit 2; }
    sleep 0.1
  done
  echo "s3tests: $4 did not start within 60s; its log:" >&2; tail -n 30 "$2" >&2; exit 2
}

# S3Proxy with the properties and JVM flags that EmbeddedBackend uses; jclouds provider $BACKEND.
start_s3proxy() {  # start_s3proxy <port>; sets S3P_ID, S3P_CRED, S3P_PID
  S3P_ID="backend-$(rand 0123456789abcdef 12)" S3P_CRED=$(rand 0123456789abcdef 40)
  mkdir -p "$TMP/s3proxy/objects"
  cat > "$TMP/s3proxy/backend.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$1
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3P_ID
s3proxy.credential=$S3P_CRED
s3proxy.ignore-unknown-headers=true
jclouds.provider=$BACKEND
jclouds.filesystem.basedir=$TMP/s3proxy/objects
jclouds.identity=unused
jclouds.credential=unused
EOF
  java -Xms32m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$JAR" org.gaul.s3proxy.Main \
    --properties "$TMP/s3proxy/backend.properties" > "$WORKDIR/s3proxy.log" 2>&1 &
  S3P_PID=$!
  for _ in $(seq 1 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
    kill -0 "$S3P_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "s3tests: S3Proxy did not start; its log:" >&2; tail -n 30 "$WORKDIR/s3proxy.log" >&2; exit 2
}

PORT=$(free_port)
mkdir -p "$TMP/data"
# S3TESTS_ACCOUNT="" runs tokengate with Ceph RGW's tenant-less ARNs (arn:aws:iam:::user/NAME).
ACCOUNT=${S3TESTS_ACCOUNT-123456789012}
if [ "$TARGET" = proxy ]; then
  backend_yaml=""
  if [ "$BACKEND" != embedded ]; then
    S3P_PORT=$(free_port)
    start_s3proxy "$S3P_PORT"
    backend_yaml="backend: {endpoint: \"http://127.0.0.1:$S3P_PORT\", accessKey: $S3P_ID, secretKey: $S3P_CRED, region: us-east-1}"
  fi
  MAIN_AK=$(akid) MAIN_SK=$(secret) ALT_AK=$(akid) ALT_SK=$(secret) TEN_AK=$(akid) TEN_SK=$(secret)
  IAM_AK=$(akid) IAM_SK=$(secret)
  umask 077
  cat > "$TMP/tokengate.yaml" <<EOF
listen: 127.0.0.1:$PORT
dataDir: $TMP/data
acceptSigV2: ${S3TESTS_SIGV2:-true}
accountId: "$ACCOUNT"
$backend_yaml
users:
  - name: s3tests-main
    accessKeys: [{id: $MAIN_AK, secret: "$MAIN_SK"}]
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
  - name: s3tests-alt
    accessKeys: [{id: $ALT_AK, secret: "$ALT_SK"}]
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
  - name: s3tests-tenant
    accessKeys: [{id: $TEN_AK, secret: "$TEN_SK"}]
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess]
  - name: s3tests-iam
    accessKeys: [{id: $IAM_AK, secret: "$IAM_SK"}]
    managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
EOF
  umask 022
  insecure_issuers=false
  if [ "${S3TESTS_WEBIDENTITY:-0}" = 1 ]; then
    # The suite's OIDC issuer (see conformance/oidc_issuer.py); it writes the [webidentity] section.
    python3 "$ROOT/conformance/oidc_issuer.py" --realm "${S3TESTS_WEBIDENTITY_REALM:-s3tests}" \
      --conf "$WORKDIR/webidentity.conf" --ready "$TMP/idp.ready" > "$WORKDIR/oidc-issuer.log" 2>&1 &
    IDP_PID=$!
    for _ in $(seq 1 300); do
      [ -f "$TMP/idp.ready" ] && break
      kill -0 "$IDP_PID" 2>/dev/null || { echo "s3tests: the OIDC issuer exited:" >&2; cat "$WORKDIR/oidc-issuer.log" >&2; exit 2; }
      sleep 0.1
    done
    [ -f "$TMP/idp.ready" ] || { echo "s3tests: the OIDC issuer did not start within 30s" >&2; exit 2; }
    export WEBIDENTITY_CONF="$WORKDIR/webidentity.conf"
    insecure_issuers=true
  fi
  TOKENGATE_ALLOW_INSECURE_HTTP_ISSUERS=$insecure_issuers \
    java -jar "$JAR" --config "$TMP/tokengate.yaml" > "$WORKDIR/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for "$SERVER_PID" "$WORKDIR/server.log" 'tokengate is listening on' tokengate
  if [ "${S3TESTS_CREDS:-longterm}" = session ]; then
    # Temporary credentials from the proxy itself; SESSION_TOKENS makes the runner's plugin send them.
    session() {  # session <akid> <secret> -> "ASIA… secret token"
      python3 - "$PORT" "$1" "$2" <<'PY'
import sys, boto3
port, ak, sk = sys.argv[1:4]
sts = boto3.client("sts", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   aws_access_key_id=ak, aws_secret_access_key=sk)
c = sts.get_session_token(DurationSeconds=7200)["Credentials"]
print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
PY
    }
    read -r MAIN_AK MAIN_SK MAIN_TOK <<<"$(session "$MAIN_AK" "$MAIN_SK")"
    read -r ALT_AK ALT_SK ALT_TOK <<<"$(session "$ALT_AK" "$ALT_SK")"
    read -r TEN_AK TEN_SK TEN_TOK <<<"$(session "$TEN_AK" "$TEN_SK")"
    [ -n "$MAIN_TOK" ] && [ -n "$ALT_TOK" ] && [ -n "$TEN_TOK" ] || { echo "s3tests: GetSessionToken failed" >&2; exit 2; }
    export SESSION_TOKENS="$MAIN_AK=$MAIN_TOK,$ALT_AK=$ALT_TOK,$TEN_AK=$TEN_TOK"
  fi
  export MAIN_ACCESS_KEY=$MAIN_AK MAIN_SECRET_KEY=$MAIN_SK MAIN_USER_ID=s3tests-main
  export ALT_ACCESS_KEY=$ALT_AK ALT_SECRET_KEY=$ALT_SK ALT_USER_ID=s3tests-alt
  export TENANT_ACCESS_KEY=$TEN_AK TENANT_SECRET_KEY=$TEN_SK
  # The identity the STS/IAM groups call the IAM API with (the suite's [iam] section).
  export IAM_ACCESS_KEY=$IAM_AK IAM_SECRET_KEY=$IAM_SK IAM_USER_ID=s3tests-iam
  # [iam root]: the bootstrap admin is the account root (arn …:root, user id = the account id).
  IAM_ROOT_ACCESS_KEY=$(sed -n 's/^accessKeyId: *//p' "$TMP/data/admin.yaml" | tr -d '"')
  IAM_ROOT_SECRET_KEY=$(sed -n 's/^secretAccessKey: *//p' "$TMP/data/admin.yaml" | tr -d '"')
  export IAM_ROOT_ACCESS_KEY IAM_ROOT_SECRET_KEY IAM_ROOT_USER_ID=$ACCOUNT
else
  # Baseline: the same S3Proxy, no tokengate. One identity: main, alt and tenant all use it.
  [ "$BACKEND" = embedded ] && BACKEND=filesystem
  start_s3proxy "$PORT"
  SERVER_PID=$S3P_PID S3P_PID=""
  export MAIN_ACCESS_KEY=$S3P_ID MAIN_SECRET_KEY=$S3P_CRED MAIN_USER_ID=s3tests-main
fi
echo "s3tests: target $TARGET on 127.0.0.1:$PORT (pid $SERVER_PID), results in $WORKDIR" >&2

mkdir -p "$TMP/suite"
tar -xzf "$TARBALL" -C "$TMP/suite"
SUITE=$(dirname "$(find "$TMP/suite" -maxdepth 3 -name pytest.ini | head -n 1)")

if [ -z "${S3TESTS_JOBS:-}" ]; then
  S3TESTS_JOBS=1
  if python3 -c 'import xdist' 2>/dev/null || [ -d /usr/lib/python3/dist-packages/xdist ]; then S3TESTS_JOBS=2; fi
fi

# Session credentials: hand-signed POST forms need the token field too (s3tests_post_session.py).
extra_args=()
if [ "$TARGET" = proxy ] && [ "${S3TESTS_CREDS:-longterm}" = session ]; then
  export PYTHONPATH="$ROOT/conformance${PYTHONPATH:+:$PYTHONPATH}"
  extra_args=(-p s3tests_post_session)
fi
rc=0
S3TESTS_DIR="$SUITE" S3_HOST=127.0.0.1 S3_PORT="$PORT" S3TESTS_WORKDIR="$WORKDIR" \
S3TESTS_M="$SELECT" S3TESTS_K="${S3TESTS_K:-}" S3TESTS_JOBS="$S3TESTS_JOBS" \
S3TESTS_TIMEOUT="${S3TESTS_TIMEOUT:-120}" S3TESTS_MAX_ATTEMPTS=1 S3TESTS_ABORT_MPU="${S3TESTS_ABORT_MPU:-1}" \
  bash "$RUNNER" "${extra_args[@]}" "$@" > "$WORKDIR/runner.out" || rc=$?
summary=$(tail -n 1 "$WORKDIR/runner.out")
head -n -1 "$WORKDIR/runner.out"
cleanup
trap - EXIT
echo "$summary"
exit "$rc"
