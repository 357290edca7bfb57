#!/usr/bin/env bash
# Renders one kustomization of deploy/kubernetes with an environment's values, and refuses what would deploy a
# placeholder:
#   deploy/render.sh overlays/prod my-prod.env | kubectl apply -f -
#   deploy/render.sh jobs/duplicate-repair my-prod.env | kubectl create -n creator-profiles -f -
#   deploy/render.sh overlays/dev                     (its values are committed in the overlay)
# VALUES is a KEY=VALUE file with exactly the keys of overlays/prod/environment.env.example (components/environment):
#   IMAGE         the image by digest: <registry>/<path>@sha256:<64 hex digits> (a tag can move; a digest cannot)
#   JWT_ISSUER    https URL, the iss claim of the tokens the service accepts
#   JWT_AUDIENCE  the aud claim they must carry
# A missing, empty, unknown or placeholder key (example.com/.org/.net) fails before anything is rendered, naming the
# key; the rendered objects are refused too when any of them still names an example domain. Exit 0 with the objects
# on stdout, 1 with the reasons on stderr, 2 on wrong usage.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: deploy/render.sh KUSTOMIZATION [VALUES]   (KUSTOMIZATION relative to deploy/kubernetes)" >&2; exit 2; }
[[ $# == 1 || $# == 2 ]] || usage
target=${1%/}
[[ -f $here/kubernetes/$target/kustomization.yaml ]] || { echo "render: no kustomization at deploy/kubernetes/$target" >&2; usage; }
values=${2:-}
placeholder='example\.(com|org|net)'

if grep -q '^ *- environment.env$' "$here/kubernetes/$target/kustomization.yaml"; then
  [[ -n $values ]] || { echo "render: $target needs this environment's values: deploy/render.sh $target VALUES" \
    "(keys IMAGE, JWT_ISSUER, JWT_AUDIENCE; see deploy/kubernetes/overlays/prod/environment.env.example)" >&2; exit 1; }
  [[ -r $values ]] || { echo "render: cannot read $values" >&2; exit 1; }
  problems=()
  declare -A seen=()
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    key=${line%%=*} value=${line#*=}
    [[ $line == *=* ]] || { problems+=("not KEY=VALUE: '$line'"); continue; }
    case $key in
      IMAGE)
        [[ $value =~ ^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$ ]] ||
          problems+=("set IMAGE to the image by digest (<registry>/<path>@sha256:<64 hex>), not '$value'") ;;
      JWT_ISSUER)
        [[ $value =~ ^https://[^/]+ ]] || problems+=("set JWT_ISSUER to the token issuer's https URL, not '$value'") ;;
      JWT_AUDIENCE)
        [[ -n $value ]] || problems+=("set JWT_AUDIENCE to the aud claim the tokens carry (it is empty)") ;;
      *) problems+=("unknown key $key (the keys are IMAGE, JWT_ISSUER, JWT_AUDIENCE)"); continue ;;
    esac
    [[ -z ${seen[$key]:-} ]] || problems+=("$key is set twice")
    seen[$key]=1
    if [[ $value =~ $placeholder ]]; then problems+=("set $key: '$value' is a placeholder (example domain)"); fi
  done <"$values"
  for key in IMAGE JWT_ISSUER JWT_AUDIENCE; do
    [[ -n ${seen[$key]:-} ]] || problems+=("set $key (missing from $values)")
  done
  if ((${#problems[@]})); then
    printf 'render: %s\n' "${problems[@]}" >&2
    exit 1
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/render.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/kubernetes" "$work/kubernetes"
[[ -z $values ]] || cp "$values" "$work/kubernetes/$target/environment.env"
kubectl kustomize "$work/kubernetes/$target" >"$work/rendered.yaml" 2>"$work/err" ||
  { sed "s|$work/||g" "$work/err" >&2; exit 1; }
# Whatever the values, no rendered object may still carry an example domain (a base default, a forgotten patch).
if grep -nE "$placeholder" "$work/rendered.yaml" >"$work/found"; then
  echo "render: the rendered objects of $target still name an example domain:" >&2
  sed 's/^/  line /' "$work/found" >&2
  exit 1
fi
cat "$work/rendered.yaml"
