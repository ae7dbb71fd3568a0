#!/usr/bin/env bash
# Validates deploy/ offline: YAML style, Kubernetes schemas (two validators), the compose file,
# the Dockerfile (a linter and deploy/'s own structural rules), and tokengate's configs with
# tokengate's own loader. Then it proves each validator refuses a deliberately broken copy.
# Needs: yamllint, docker-compose, python3-kubernetes (Debian; scripts/test.sh installs them),
# node and npm (pinned npm validators go to deploy/.tools), and proxy/target/tokengate.jar
# (mvn -B -q -DskipTests package). Called by scripts/test.sh after mvn verify; about 20 s.
set -euo pipefail
cd "$(dirname "$0")"
deploy=$PWD
root=$(cd .. && pwd)
tools=$deploy/.tools
py=/usr/bin/python3

die() { echo "deploy/validate.sh: $*" >&2; exit 1; }
for t in yamllint docker-compose node npm java javac; do
  command -v "$t" >/dev/null 2>&1 || die "$t is missing (scripts/test.sh installs the Debian ones; node/npm: apt-get install nodejs npm)"
done
$py -c 'import kubernetes, yaml' 2>/dev/null || die "python3-kubernetes is missing (apt-get install python3-kubernetes)"
jar=$root/proxy/target/tokengate.jar
[ -f "$jar" ] || die "$jar is missing: run mvn -B -q -DskipTests package first"

# The pinned npm validators, reinstalled only when the pins change.
if ! cmp -s validate/package-lock.json "$tools/package-lock.json" || [ ! -d "$tools/node_modules" ]; then
  rm -rf "$tools" && mkdir -p "$tools"
  cp validate/package.json validate/package-lock.json "$tools/"
  (cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null) \
    || die "npm ci of the pinned validators (deploy/validate/package.json) failed"
fi

passed=0
failed=0
refused=0
# check NAME CMD...: a validator on the real files; every one runs, any failure fails the script.
check() {
  local name=$1; shift
  if "$@"; then
    echo "  ok: $name"; passed=$((passed + 1))
  else
    echo "  FAILED: $name"; failed=$((failed + 1))
  fi
}
# expect_fail NAME PATTERN CMD...: the command must fail on the broken input it is given, with
# PATTERN (an extended regex) in its output, so it fails for the broken part and not another reason.
expect_fail() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$tools/last.out" 2>&1; then
    cat "$tools/last.out"; die "$name ACCEPTED a broken copy"
  fi
  grep -Eq -- "$pattern" "$tools/last.out" || { cat "$tools/last.out"; die "$name failed, but not with /$pattern/"; }
  echo "  refused as it must: $name: $(grep -Em1 -- "$pattern" "$tools/last.out" | sed 's/^ *//' | cut -c1-120)"
  refused=$((refused + 1))
}

yaml_files=(compose.yaml tokengate.compose.yaml tokengate.image.yaml kubernetes/*.yaml validate/yamllint.yaml)
manifests=(kubernetes/*.yaml)
env_file=(--env-file .env.example)

echo "deploy/validate.sh: real files"
check "yamllint $(yamllint --version | cut -d' ' -f2) on ${#yaml_files[@]} files" \
  yamllint -s -c validate/yamllint.yaml "${yaml_files[@]}"
check "k8s_strict (python3-kubernetes models)" $py validate/k8s_strict.py "${manifests[@]}"
check "k8s-models (npm kubernetes-models)" node validate/k8s-models.mjs "$tools" "${manifests[@]}"
check "docker-compose $(docker-compose version --short) config -q" \
  docker-compose "${env_file[@]}" -f compose.yaml config -q
check "dockerfile-utils lint" node validate/dockerfile-lint.mjs "$tools" Dockerfile
check "structure (deploy/'s own rules)" $py validate/structure.py "$root"
# tokengate's configs through its own loader: the templates rendered with dummy secrets first.
classes=$tools/classes
rm -rf "$classes" "$tools/rendered" && mkdir -p "$classes" "$tools/rendered"
javac --release 17 -d "$classes" tools/HealthCheck.java tools/RenderConfig.java
$py -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["data"]["tokengate.yaml"], end="")' \
  kubernetes/configmap.yaml >"$tools/rendered/configmap-template.yaml"
render() {
  TOKENGATE_BACKEND_ACCESS_KEY='dummy-access' TOKENGATE_BACKEND_SECRET_KEY='dummy "secret": \ with quotes' \
    java -cp "$classes" RenderConfig "$@"
}
render tokengate.compose.yaml "$tools/rendered/compose.yaml"
render "$tools/rendered/configmap-template.yaml" "$tools/rendered/configmap.yaml"
check_config() { java -cp "$jar:$root/proxy/target/lib/*" validate/CheckConfig.java "$@"; }
check "ProxyConfig.load on the image, compose and Kubernetes configs (rendered by RenderConfig)" \
  check_config tokengate.image.yaml "$tools/rendered/compose.yaml" "$tools/rendered/configmap.yaml"
[ "$failed" -eq 0 ] || die "$failed of $((passed + failed)) checks FAILED on the real files (see above)"

echo "deploy/validate.sh: broken copies"
b=$tools/broken
rm -rf "$b" && mkdir -p "$b"
# Broken Kubernetes manifests: a string for an integer, a misspelt field, a missing container name.
sed 's/replicas: 2/replicas: "two"/' kubernetes/deployment.yaml >"$b/replicas.yaml"
sed 's/readOnlyRootFilesystem: true/readOnlyRootFileSystem: true/' kubernetes/deployment.yaml >"$b/typo.yaml"
sed 's/^        - name: etcd$/        - stdin: false/' kubernetes/etcd.yaml >"$b/noname.yaml"
grep -q '"two"' "$b/replicas.yaml" && grep -q FileSystem "$b/typo.yaml" && ! grep -q '^        - name: etcd$' "$b/noname.yaml" \
  || die "the broken copies were not made (a sed pattern no longer matches)"
sed 's/^  replicas: 2/  replicas: 2\n  replicas: 3/' kubernetes/deployment.yaml >"$b/duplicate.yaml"
expect_fail "yamllint on a duplicated key" 'duplication of key "replicas"' \
  yamllint -s -c validate/yamllint.yaml "$b/duplicate.yaml"
expect_fail "k8s_strict on replicas: \"two\"" "spec.replicas: expected an integer" $py validate/k8s_strict.py "$b/replicas.yaml"
expect_fail "k8s_strict on an unknown field" "readOnlyRootFileSystem: unknown field" $py validate/k8s_strict.py "$b/typo.yaml"
expect_fail "k8s_strict on a missing required field" "containers\[0\]: Invalid value for .name." $py validate/k8s_strict.py "$b/noname.yaml"
expect_fail "k8s-models on replicas: \"two\"" "replicas must be integer" node validate/k8s-models.mjs "$tools" "$b/replicas.yaml"
expect_fail "k8s-models on a missing required field" "must have required property name" node validate/k8s-models.mjs "$tools" "$b/noname.yaml"
# Compose: the broken copies stay in deploy/ so that relative paths resolve as for the real file.
sed 's/^    restart: "no"/    restart: "no"\n    restrat: always/' compose.yaml >".compose-broken.yaml"
expect_fail "docker-compose on an unknown service key" "Unsupported config option.*restrat" docker-compose "${env_file[@]}" -f .compose-broken.yaml config -q
sed 's/      retries: 12/      retries: twelve/' compose.yaml >".compose-broken.yaml"
expect_fail "docker-compose on a string for an integer" "retries.*not a valid integer" docker-compose "${env_file[@]}" -f .compose-broken.yaml config -q
rm -f .compose-broken.yaml
sed 's/^EXPOSE 9000 9443 9100/EXPOSE 9000 https 9100/; s/^USER /USR /' Dockerfile >"$b/Dockerfile"
expect_fail "dockerfile-utils on a bad port and an unknown instruction" "Invalid containerPort: https" node validate/dockerfile-lint.mjs "$tools" "$b/Dockerfile"
# Structural rules on a copy of deploy/ with the manifest's lib/ no longer copied, MinIO published.
mkdir -p "$b/deploy" && cp -r Dockerfile compose.yaml tokengate.compose.yaml tokengate.image.yaml kubernetes "$b/deploy/"
sed -i '/proxy\/target\/lib/d' "$b/deploy/Dockerfile"
sed -i 's/^    # No ports: MinIO is not published on the host./    ports: ["9000:9000"]/' "$b/deploy/compose.yaml"
expect_fail "structure on a Dockerfile without lib/ and a published MinIO" "minio must not publish ports" $py validate/structure.py "$root" "$b/deploy"
expect_fail "RenderConfig without the secret's variable" "TOKENGATE_BACKEND_SECRET_KEY is unset" env -u TOKENGATE_BACKEND_SECRET_KEY \
  TOKENGATE_BACKEND_ACCESS_KEY=x java -cp "$classes" RenderConfig tokengate.compose.yaml "$b/out.yaml"
sed 's/^region: us-east-1/regoin: us-east-1/' tokengate.image.yaml >"$b/config.yaml"
expect_fail "ProxyConfig.load on an unknown key" "REFUSED.*regoin" check_config "$b/config.yaml"

echo "deploy/validate.sh: all $passed checks passed, $refused broken copies refused"
