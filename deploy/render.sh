#!/usr/bin/env bash
# Renders one kustomization of deploy/kubernetes with an environment's values, and refuses what would deploy a
# placeholder (and generates the PrometheusRule of components/monitoring from deploy/prometheus, the rules' one source):
#   deploy/render.sh overlays/prod my-prod.env | kubectl apply -f -
#   deploy/render.sh jobs/duplicate-repair my-prod.env | kubectl create -n creator-profiles -f -
#   deploy/render.sh overlays/dev                     (its values are committed in the overlay)
# VALUES is a KEY=VALUE file (overlays/prod/environment.env.example shows every key; components/environment):
#   IMAGE         the image by digest: <registry>/<path>@sha256:<64 hex digits> (a tag can move; a digest cannot)
#   VERSION       the release the image was built from (the pods' app.kubernetes.io/version)
#   INSTANCE      this installation's name, e.g. creator-profiles-prod (the pods' app.kubernetes.io/instance)
#   JWT_ISSUER    https URL, the iss claim of the tokens the service accepts
#   JWT_AUDIENCE  the aud claim they must carry
#   INGRESS_NAMESPACE, MONITORING_NAMESPACE  the namespaces that may reach the API port and the management port
#   MONGODB_CIDR  where MongoDB is (the egress policy's destination; an in-cluster MongoDB: see overlays/dev)
#   RUNBOOK_URL   https URL of docs/runbook.md as this environment's on-call reads it (the alerts' runbook_url)
# and, only where the kustomization uses the component that takes them:
#   PROMETHEUS_SELECTOR  (components/monitoring) the labels the Prometheus selects PodMonitors and PrometheusRules by
#                 (its podMonitorSelector and ruleSelector), key=value[,key=value...], e.g. release=kube-prometheus-stack
#   GATEWAY_NAME, GATEWAY_NAMESPACE  (components/gateway-api) the Gateway the HTTPRoute attaches to
#   API_HOSTNAME  (components/gateway-api) the host name clients call the API by
#   GATEWAY_SECTION_NAME  (components/gateway-api, optional, may be empty) the Gateway's listener to attach to
# A missing (where required), empty, unknown or placeholder key (example.com/.org/.net) fails before anything is
# rendered, naming the key; the rendered objects are refused too when any of them still names an example domain.
# Exit 0 with the objects on stdout, 1 with the reasons on stderr, 2 on wrong usage.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: deploy/render.sh KUSTOMIZATION [VALUES]   (KUSTOMIZATION relative to deploy/kubernetes)" >&2; exit 2; }
[[ $# == 1 || $# == 2 ]] || usage
target=${1%/}
[[ -f $here/kubernetes/$target/kustomization.yaml ]] || { echo "render: no kustomization at deploy/kubernetes/$target" >&2; usage; }
values=${2:-}
placeholder='example\.(com|org|net)'
keys="IMAGE VERSION INSTANCE JWT_ISSUER JWT_AUDIENCE INGRESS_NAMESPACE MONITORING_NAMESPACE MONGODB_CIDR RUNBOOK_URL"
component_keys=(monitoring:PROMETHEUS_SELECTOR gateway-api:GATEWAY_NAME gateway-api:GATEWAY_NAMESPACE gateway-api:API_HOSTNAME)
optional_keys=GATEWAY_SECTION_NAME
dns_label='[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?'
label_key='([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?'
label_value='[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?'

# The kustomizations the target is built from, itself first, as paths under deploy/kubernetes: where environment.env
# is read, and which components (so which keys) it uses.
includes() { # dir under deploy/kubernetes
  local entry
  echo "$1"
  sed -nE 's/^ *- +([^ #]+) *(#.*)?$/\1/p' "$here/kubernetes/$1/kustomization.yaml" | while read -r entry; do
    [[ -f $here/kubernetes/$1/$entry/kustomization.yaml ]] &&
      includes "$(realpath --relative-to="$here/kubernetes" "$here/kubernetes/$1/$entry")"
  done
}
built_from=$(includes "$target" | sort -u)
takes_values=$(while read -r dir; do
  grep -q '^ *- environment.env$' "$here/kubernetes/$dir/kustomization.yaml" && echo "$dir"; done <<<"$built_from")
required=$keys known="$keys $optional_keys"
for entry in "${component_keys[@]}"; do
  known+=" ${entry#*:}"
  grep -qx "components/${entry%%:*}" <<<"$built_from" && required+=" ${entry#*:}"
done

if [[ -n $takes_values ]] || grep -qx components/monitoring <<<"$built_from"; then
  [[ -n $values ]] || { echo "render: $target needs this environment's values: deploy/render.sh $target VALUES" \
    "(keys $required; see deploy/kubernetes/overlays/prod/environment.env.example)" >&2; exit 1; }
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
      VERSION)
        [[ $value =~ ^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$ ]] || problems+=("set VERSION to the release (a label value), not '$value'") ;;
      INSTANCE | INGRESS_NAMESPACE | MONITORING_NAMESPACE)
        [[ $value =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || problems+=("set $key to a DNS label (a-z, 0-9, -), not '$value'") ;;
      MONGODB_CIDR)
        [[ $value =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$ ]] && [[ $value != 0.0.0.0/0 ]] ||
          problems+=("set MONGODB_CIDR to the MongoDB hosts' address range (a.b.c.d/n, not everything), not '$value'") ;;
      RUNBOOK_URL)
        [[ $value =~ ^https://[^/]+ ]] || problems+=("set RUNBOOK_URL to the https URL of the runbook page, not '$value'") ;;
      PROMETHEUS_SELECTOR)
        [[ $value =~ ^$label_key=$label_value(,$label_key=$label_value)*$ ]] ||
          problems+=("set PROMETHEUS_SELECTOR to the labels your Prometheus selects PodMonitors and PrometheusRules by (key=value[,key=value]), not '$value'") ;;
      GATEWAY_NAME | GATEWAY_NAMESPACE)
        [[ $value =~ ^$dns_label(\.$dns_label)*$ && ${#value} -le 253 ]] ||
          problems+=("set $key to the Gateway's $( [[ $key == GATEWAY_NAME ]] && echo name || echo namespace) (a-z, 0-9, -, .), not '$value'") ;;
      GATEWAY_SECTION_NAME)
        [[ -z $value || $value =~ ^$dns_label(\.$dns_label)*$ ]] ||
          problems+=("set GATEWAY_SECTION_NAME to the name of the Gateway's listener, or leave it empty, not '$value'") ;;
      API_HOSTNAME)
        [[ $value =~ ^(\*\.)?$dns_label(\.$dns_label)+$ && ! $value =~ ^[0-9.]+$ ]] ||
          problems+=("set API_HOSTNAME to the host name clients call the API by (lowercase, with a dot; no IP, no port), not '$value'") ;;
      *) problems+=("unknown key $key (the keys are $known)"); continue ;;
    esac
    [[ -z ${seen[$key]:-} ]] || problems+=("$key is set twice")
    seen[$key]=1
    if [[ $value =~ $placeholder ]]; then problems+=("set $key: '$value' is a placeholder (example domain)"); fi
  done <"$values"
  for key in $required; do
    [[ -n ${seen[$key]:-} ]] || problems+=("set $key (missing from $values)")
  done
  if ((${#problems[@]})); then
    printf 'render: %s\n' "${problems[@]}" >&2
    exit 1
  fi
  value_of() { sed -n "s/^$1=//p" "$values" | tail -1; }
  if grep -qx components/gateway-api <<<"$built_from" && [[ $(value_of INGRESS_NAMESPACE) != "$(value_of GATEWAY_NAMESPACE)" ]]; then
    echo "render: note: only INGRESS_NAMESPACE ($(value_of INGRESS_NAMESPACE)) reaches the API port, not GATEWAY_NAMESPACE" \
      "($(value_of GATEWAY_NAMESPACE)): right only if the gateway's proxies run in $(value_of INGRESS_NAMESPACE)" >&2
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/render.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/kubernetes" "$work/kubernetes"
for dir in $takes_values; do cp "$values" "$work/kubernetes/$dir/environment.env"; done
# The PrometheusRule is the rules file under a PrometheusRule's spec; runbook_url from the repository's path to the
# environment's page.
runbook=$( [[ -n $values ]] && sed -n 's/^RUNBOOK_URL=//p' "$values" | tail -1)
{
  printf 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: creator-profiles\n'
  printf '  labels:\n    app.kubernetes.io/name: creator-profiles\nspec:\n'
  grep -v '^ *#' "$here/prometheus/creator-profiles-alerts.yaml" |
    sed -e "s|runbook_url: docs/runbook.md|runbook_url: ${runbook:-docs/runbook.md}|" -e 's/^/  /'
} >"$work/kubernetes/components/monitoring/prometheusrule.yaml"
# The labels the Prometheus selects, on the PodMonitor and the PrometheusRule (a JSON patch: the keys are the values'
# own). Absent where the monitoring component is not used.
selector=$( [[ -n $values ]] && sed -n 's/^PROMETHEUS_SELECTOR=//p' "$values" | tail -1)
for label in ${selector//,/ }; do
  key=${label%%=*}
  printf -- '- op: add\n  path: /metadata/labels/%s\n  value: "%s"\n' "${key//\//\~1}" "${label#*=}"
done >"$work/kubernetes/components/monitoring/prometheus-selector.yaml"
# The Gateway's listener, when the environment names one (the committed file attaches to every listener).
section=$( [[ -n $values ]] && sed -n 's/^GATEWAY_SECTION_NAME=//p' "$values" | tail -1)
[[ -z $section ]] || printf -- '- op: add\n  path: /spec/parentRefs/0/sectionName\n  value: %s\n' "$section" \
  >"$work/kubernetes/components/gateway-api/section-name.yaml"
kubectl kustomize "$work/kubernetes/$target" >"$work/rendered.yaml" 2>"$work/err" ||
  { sed "s|$work/||g" "$work/err" >&2; exit 1; }
# Whatever the values, no rendered object may still carry an example domain (a base default, a forgotten patch).
if grep -nE "$placeholder" "$work/rendered.yaml" >"$work/found"; then
  echo "render: the rendered objects of $target still name an example domain:" >&2
  sed 's/^/  line /' "$work/found" >&2
  exit 1
fi
cat "$work/rendered.yaml"
